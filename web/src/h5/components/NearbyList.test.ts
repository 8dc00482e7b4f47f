import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";
import { i18n } from "@/i18n";
import NearbyList from "./NearbyList.vue";

let urls: string[];
beforeEach(() => {
  vi.useFakeTimers();
  i18n.global.locale.value = "zh-CN";
  urls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      urls.push(url);
      return new Response(
        JSON.stringify({
          requests: [
            { tracking_code: "JS2026120800000001", state: "in_progress", created_at: "2026-12-08T09:00:00+08:00", excerpt: "路灯坏了", street: "建外街道", similar_text: true },
          ],
        }),
        { status: 200 },
      );
    }),
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function list(props: { streetCode?: string; districtCode?: string; address?: string; text?: string }) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: "/", component: { template: "<p/>" } }] });
  return mount(NearbyList, {
    props: { streetCode: "", districtCode: "", address: "", text: "", ...props },
    global: { plugins: [i18n, router] },
  });
}

describe("requests nearby", () => {
  it("asks once typing pauses, for the street when one is picked", async () => {
    const w = list({ districtCode: "110105", streetCode: "110105001", text: "路" });
    await w.setProps({ text: "路灯" });
    await w.setProps({ text: "路灯坏了" });
    expect(urls).toEqual([]);
    await vi.advanceTimersByTimeAsync(700);
    await flushPromises();
    expect(urls).toHaveLength(1);
    const q = new URL(urls[0], "http://x").searchParams;
    expect(q.get("street_code")).toBe("110105001");
    expect(q.has("district_code")).toBe(false);
    expect(q.get("text")).toBe("路灯坏了");
    expect(w.find("[data-test=nearby-item]").text()).toContain("路灯坏了");
    expect(w.text()).toContain("内容相近");
    expect(w.text()).toContain("办理中");
  });

  it("asks nothing without a place", async () => {
    const w = list({ text: "路灯坏了" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(urls).toEqual([]);
    expect(w.find("[data-test=nearby]").exists()).toBe(false);
  });
});
