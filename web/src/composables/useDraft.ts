import { ref, watch, type Ref } from "vue";

// A form's unsent content, kept in localStorage as it is typed, so a reload, a crash or an
// expired session (which sends the user to log-in and back) loses nothing. `clear` after the
// server has acknowledged the form.
export function useDraft<T extends object>(
  key: string,
  initial: () => T,
): { draft: Ref<T>; clear: () => void; restored: boolean } {
  const storageKey = `jiesu.draft.${key}`;
  let restored = false;
  let value = initial();
  const saved = localStorage.getItem(storageKey);
  if (saved) {
    try {
      value = { ...value, ...(JSON.parse(saved) as Partial<T>) };
      restored = true;
    } catch {
      localStorage.removeItem(storageKey);
    }
  }
  const draft = ref(value) as Ref<T>;
  watch(draft, (v) => localStorage.setItem(storageKey, JSON.stringify(v)), { deep: true });
  function clear(): void {
    draft.value = initial();
    // The watcher writes the fresh value; remove after it so nothing stale is left behind.
    queueMicrotask(() => localStorage.removeItem(storageKey));
  }
  return { draft, clear, restored };
}
