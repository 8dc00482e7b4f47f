import type { Directive } from "vue";

// Vant's fields render their own <input>/<textarea> without a way to pass ARIA to it:
// v-field-aria="{ describedby, invalid, required, label }" on a Vant component sets them on its
// first input or textarea.
export interface FieldAria {
  describedby?: string;
  invalid?: boolean;
  required?: boolean;
  label?: string;
}

function set(el: Element, name: string, value: string | undefined): void {
  if (value) el.setAttribute(name, value);
  else el.removeAttribute(name);
}

function apply(el: HTMLElement, value: FieldAria): void {
  const control = el.querySelector("input, textarea");
  if (!control) return;
  set(control, "aria-describedby", value.describedby);
  set(control, "aria-invalid", value.invalid ? "true" : undefined);
  set(control, "aria-required", value.required ? "true" : undefined);
  if (value.label !== undefined) set(control, "aria-label", value.label);
}

export const vFieldAria: Directive<HTMLElement, FieldAria> = {
  mounted: (el, b) => apply(el, b.value),
  updated: (el, b) => apply(el, b.value),
};
