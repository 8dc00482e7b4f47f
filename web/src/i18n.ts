import { createI18n } from "vue-i18n";

// Messages live in one JSON file per page or area and language: src/locales/<lang>/<area>.json
// becomes the namespace <area> (so "agent.title" is in agent.json). Each page adds its own file
// in both languages; src/locales/locales.test.ts checks that they carry the same keys and that
// every key the sources use exists.
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

type Tree = { [key: string]: string | Tree };

const files = import.meta.glob<Tree>("./locales/*/*.json", { eager: true, import: "default" });

export function loadMessages(): Record<Locale, Tree> {
  const messages = { "zh-CN": {}, en: {} } as Record<Locale, Tree>;
  for (const [path, tree] of Object.entries(files)) {
    const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!m) continue;
    const [, lang, area] = m;
    if ((LOCALES as readonly string[]).includes(lang)) messages[lang as Locale][area] = tree;
  }
  return messages;
}

const STORAGE_KEY = "jiesu.locale";

export function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  return "zh-CN";
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: "zh-CN",
  messages: loadMessages(),
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
