import { parseMessages, type MessageFiles } from "@/i18n";

// Every area's messages, for the tests.
export const allFiles = import.meta.glob<MessageFiles[string]>("./*/*.json", { eager: true, import: "default" });
export const loadMessages = () => parseMessages(allFiles);
