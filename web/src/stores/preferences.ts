import { defineStore } from "pinia";
import { ref, watch } from "vue";
import { initialLocale, setLocale, type Locale } from "@/i18n";

// What a user chooses about the page itself, kept in this browser: language and large text
// (适老化). Shared by the consoles and the citizen page.
export const usePreferences = defineStore("preferences", () => {
  const locale = ref<Locale>(initialLocale());
  const largeText = ref(localStorage.getItem("jiesu.large-text") === "1");

  function apply(): void {
    document.documentElement.dataset.textSize = largeText.value ? "large" : "normal";
    setLocale(locale.value);
  }
  watch([locale, largeText], () => {
    localStorage.setItem("jiesu.large-text", largeText.value ? "1" : "0");
    apply();
  });
  apply();

  return { locale, largeText };
});
