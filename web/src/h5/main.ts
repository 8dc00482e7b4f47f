import { createApp } from "vue";
import { createPinia } from "pinia";
import "vant/es/toast/style";
import "vant/es/dialog/style";
import "@/styles/base.css";
import "@/h5/h5.css";
import H5App from "@/h5/H5App.vue";
import { addMessages, i18n } from "@/i18n";
import { h5Messages } from "@/locales/h5";
import { h5Router } from "@/h5/router";
import { usePreferences } from "@/stores/preferences";

addMessages(h5Messages);
createApp(H5App).use(createPinia()).use(i18n).use(h5Router).mount("#app");
usePreferences();
