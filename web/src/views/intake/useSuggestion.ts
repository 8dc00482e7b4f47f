import { onBeforeUnmount, ref, shallowRef, watch } from "vue";
import { api, must, type Schemas } from "@/api/client";

export type Suggestion = Schemas["Suggestion"];

/** How long typing must pause before the draft is sent for suggestions. */
export const PAUSE_MS = 100;

// Live suggestions for the draft: after each pause in typing, POST /suggest with the text and
// address. Only the newest answer is kept (a slow answer to older text never replaces it), and
// `answeredFor` says which text it answers, so the page can mark it current.
export function useSuggestion(text: () => string, address: () => string) {
  const result = shallowRef<Suggestion | null>(null);
  const answeredFor = ref("");
  const loading = ref(false);
  const error = ref("");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  async function ask(t: string, a: string): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    try {
      const s = await must(api.POST("/api/v1/suggest", { body: a ? { text: t, address: a } : { text: t } }));
      if (mine !== seq) return;
      result.value = s;
      answeredFor.value = t;
      error.value = "";
    } catch (e) {
      if (mine === seq) error.value = (e as Error).message;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  watch([text, address], ([t, a]) => {
    clearTimeout(timer);
    if (t.trim().length < 4) {
      seq++;
      result.value = null;
      answeredFor.value = "";
      loading.value = false;
      return;
    }
    timer = setTimeout(() => void ask(t, a.trim()), PAUSE_MS);
  }, { immediate: true });

  onBeforeUnmount(() => clearTimeout(timer));

  function reset(): void {
    clearTimeout(timer);
    seq++;
    result.value = null;
    answeredFor.value = "";
    loading.value = false;
    error.value = "";
  }

  return { result, answeredFor, loading, error, reset };
}
