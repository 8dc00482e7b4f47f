import type { MessageFiles } from "@/i18n";

// The citizen page's messages only: its first download stays small.
export const h5Messages = import.meta.glob<MessageFiles[string]>("./*/h5.json", { eager: true, import: "default" });
