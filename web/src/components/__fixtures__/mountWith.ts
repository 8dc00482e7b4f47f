// Mounting a component for a unit test: the real messages (zh-CN unless told) and a stub
// for <router-link> that renders its `to`.
import { mount, RouterLinkStub, type ComponentMountingOptions } from "@vue/test-utils";
import type { Component } from "vue";
import { i18n, type Locale } from "@/i18n";

export function mountWith<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: Locale } = {},
) {
  i18n.global.locale.value = options.locale ?? "zh-CN";
  const { locale: _locale, ...rest } = options;
  return mount(component, {
    ...rest,
    global: { plugins: [i18n], stubs: { RouterLink: RouterLinkStub }, ...(rest.global ?? {}) },
  } as ComponentMountingOptions<C>);
}
