import { onBeforeUnmount, onMounted, reactive } from "vue";

export interface Shortcut {
  /** As shown, e.g. "Alt+S". */
  keys: string;
  /** i18n key of what it does. */
  label: string;
  /** Matches the event. */
  match: (e: KeyboardEvent) => boolean;
  run: (e: KeyboardEvent) => void;
}

/** The shortcuts of the page on screen, listed by the `?` dialog. */
export const shortcuts = reactive<Shortcut[]>([]);

/** `alt("s")` matches Alt+S whatever the keyboard layout's character (uses KeyboardEvent.code). */
export function alt(letter: string): (e: KeyboardEvent) => boolean {
  const code = /^[0-9]$/.test(letter) ? `Digit${letter}` : `Key${letter.toUpperCase()}`;
  return (e) => e.altKey && !e.ctrlKey && !e.metaKey && e.code === code;
}

/** Registers a page's shortcuts while it is mounted. They work inside text fields too. */
export function useShortcuts(list: Shortcut[]): void {
  function onKey(e: KeyboardEvent): void {
    const s = list.find((x) => x.match(e));
    if (s) {
      e.preventDefault();
      s.run(e);
    }
  }
  onMounted(() => {
    shortcuts.splice(0, shortcuts.length, ...list);
    window.addEventListener("keydown", onKey);
  });
  onBeforeUnmount(() => {
    window.removeEventListener("keydown", onKey);
    shortcuts.splice(0, shortcuts.length);
  });
}
