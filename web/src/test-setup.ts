import { addMessages } from "@/i18n";
import { allFiles } from "@/locales/all";

// Component tests see every message, as the pages do.
addMessages(allFiles);
