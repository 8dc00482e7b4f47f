import { onBeforeUnmount, onMounted, ref, shallowRef } from "vue";
import { api, must } from "@/api/client";
import { WorkingDays } from "@/composables/workingTime";

// The jurisdiction's working-day calendar, fetched once per page load, and a clock that ticks
// every 30 s so countdowns move while a page stays open.
let shared: Promise<WorkingDays> | null = null;

export function loadCalendar(): Promise<WorkingDays> {
  shared ??= must(api.GET("/api/v1/calendar")).then((c) => new WorkingDays(c));
  shared.catch(() => (shared = null));
  return shared;
}

export function useCalendar() {
  const calendar = shallowRef<WorkingDays | null>(null);
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    loadCalendar().then((c) => (calendar.value = c), () => undefined);
    timer = setInterval(() => (now.value = Date.now()), 30_000);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return { calendar, now };
}
