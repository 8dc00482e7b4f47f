import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { i18n } from "@/i18n";
import RatePanel from "./RatePanel.vue";

type Call = { url: string; body: any };
let calls: Call[];
let answer: () => Response;

beforeEach(() => {
  i18n.global.locale.value = "zh-CN";
  calls = [];
  answer = () => new Response(JSON.stringify({ ok: true }), { status: 200 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      return answer();
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const now = new Date("2026-12-08T10:00:00+08:00");
function panel(reopenUntil?: string) {
  return mount(RatePanel, {
    props: { code: "JS2026120800000042", proof: { access_key: "k" }, reopenUntil, now },
    global: { plugins: [i18n] },
    attachTo: document.body,
  });
}

describe("rating a request", () => {
  it("wants a satisfaction and sends nothing without one", async () => {
    const w = panel();
    await w.find("form").trigger("submit");
    await flushPromises();
    expect(calls).toEqual([]);
    expect(w.find("#h5-rate-satisfaction-error").text()).toContain("请选择满意程度");
    expect(w.find("#h5-rate-satisfaction-error").attributes("role")).toBe("alert");
  });

  it("sends the rating with the proof and tells the parent", async () => {
    const w = panel("2026-12-15T10:00:00+08:00");
    await w.find("[data-test=rate-basically_satisfied]").trigger("click");
    await w.find("[data-test=rate-solved-yes]").trigger("click");
    await w.find("textarea").setValue("  处理及时  ");
    expect(w.find("[data-test=rate-reopen]").exists()).toBe(false);
    await w.find("form").trigger("submit");
    await flushPromises();
    expect(calls).toEqual([
      {
        url: "/api/v1/public/rate",
        body: {
          tracking_code: "JS2026120800000042",
          access_key: "k",
          satisfaction: "basically_satisfied",
          solved: true,
          comment: "处理及时",
        },
      },
    ]);
    expect(w.emitted("rated")).toEqual([[false]]);
    expect(w.find("[data-test=rate-done]").text()).toContain("感谢");
  });

  it("offers 重办 only when unsatisfied and still in time", async () => {
    const w = panel("2026-12-15T10:00:00+08:00");
    await w.find("[data-test=rate-satisfied]").trigger("click");
    expect(w.find("[data-test=rate-reopen]").exists()).toBe(false);
    await w.find("[data-test=rate-unsatisfied]").trigger("click");
    expect(w.find("[data-test=rate-reopen]").exists()).toBe(true);
    await w.find("[data-test=rate-reopen] [role=checkbox]").trigger("click");
    expect(w.find("[data-test=rate-send]").text()).toContain("申请重办");
    await w.find("form").trigger("submit");
    await flushPromises();
    expect(calls[0].body).toEqual({
      tracking_code: "JS2026120800000042",
      access_key: "k",
      satisfaction: "unsatisfied",
      reopen: true,
    });
    expect(w.emitted("rated")).toEqual([[true]]);

    const late = panel("2026-12-08T09:59:00+08:00");
    await late.find("[data-test=rate-unsatisfied]").trigger("click");
    expect(late.find("[data-test=rate-reopen]").exists()).toBe(false);
    const never = panel(undefined);
    await never.find("[data-test=rate-unsatisfied]").trigger("click");
    expect(never.find("[data-test=rate-reopen]").exists()).toBe(false);
  });

  it("says why a rating was refused and keeps the form", async () => {
    answer = () =>
      new Response(JSON.stringify({ code: "conflict", message: "already rated" }), { status: 409 });
    const w = panel();
    await w.find("[data-test=rate-satisfied]").trigger("click");
    await w.find("form").trigger("submit");
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(w.find("[data-test=rate-error]").text()).toContain("不能评价");
    expect(w.find("[data-test=rate-error]").attributes("role")).toBe("alert");
    expect(w.emitted("rated")).toBeUndefined();
    expect(w.find("form").exists()).toBe(true);
  });
});
