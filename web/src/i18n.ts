import { createI18n } from "vue-i18n";

// Messages live in one JSON file per page or area and language: src/locales/<lang>/<area>.json
// becomes the namespace <area> (so "intake.phone" is in intake.json). Each page adds its own
// file in both languages; src/locales/locales.test.ts checks that they carry the same keys and
// that every key the sources use exists.
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

type Tree = { [key: string]: string | Tree };

export type MessageFiles = Record<string, Tree>;

/** Globbed locale files (src/locales/<lang>/<area>.json) as messages per language and area. */
export function parseMessages(files: MessageFiles): Record<Locale, Tree> {
  const messages = { "zh-CN": {}, en: {} } as Record<Locale, Tree>;
  for (const [path, tree] of Object.entries(files)) {
    const m = /([^/]+)\/([^/]+)\.json$/.exec(path);
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
  messages: { "zh-CN": {}, en: {} },
  missingWarn: false,
  fallbackWarn: false,
});

/**
 * Adds an entry's messages. Each entry globs only the areas it shows (src/locales/console.ts,
 * src/locales/h5.ts), so the citizen page never downloads the consoles' texts.
 */
export function addMessages(files: MessageFiles): void {
  const parsed = parseMessages(files);
  for (const l of LOCALES) i18n.global.mergeLocaleMessage(l, parsed[l]);
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
