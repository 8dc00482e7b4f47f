import type { MessageFiles } from "@/i18n";

// The consoles' messages: every area but the citizen page's.
export const consoleMessages = import.meta.glob<MessageFiles[string]>(["./*/*.json", "!./*/h5.json"], {
  eager: true,
  import: "default",
});
