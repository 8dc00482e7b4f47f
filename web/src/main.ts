import { createApp } from "vue";
import { createPinia } from "pinia";
import "element-plus/theme-chalk/el-message.css";
import "element-plus/theme-chalk/el-message-box.css";
import "@/styles/base.css";
import "@/styles/console.css";
import App from "@/App.vue";
import { addMessages, i18n } from "@/i18n";
import { consoleMessages } from "@/locales/console";
import { router } from "@/router";
import { setUnauthenticatedHandler } from "@/api/client";
import { useSession } from "@/stores/session";
import { usePreferences } from "@/stores/preferences";

addMessages(consoleMessages);
const app = createApp(App).use(createPinia()).use(i18n).use(router);
usePreferences();
const session = useSession();
setUnauthenticatedHandler(() => {
  const wasLoggedIn = session.loggedIn;
  session.markExpired();
  const current = router.currentRoute.value;
  if (wasLoggedIn && !current.meta.public) {
    void router.push({ name: "login", query: { redirect: current.fullPath, expired: "1" } });
  }
});
app.mount("#app");
