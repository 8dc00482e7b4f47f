import { onBeforeUnmount, ref, type Ref } from "vue";

/** True while the window is phone-narrow (≤ 700 px by default): tables become cards. */
export function useNarrow(maxWidth = 700): Ref<boolean> {
  const query = typeof window !== "undefined" && window.matchMedia
    ? window.matchMedia(`(max-width: ${maxWidth}px)`)
    : null;
  const narrow = ref(query?.matches ?? false);
  const onChange = (e: MediaQueryListEvent) => (narrow.value = e.matches);
  query?.addEventListener?.("change", onChange);
  onBeforeUnmount(() => query?.removeEventListener?.("change", onChange));
  return narrow;
}
