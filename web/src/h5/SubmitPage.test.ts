import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushPromises, mount } from "@vue/test-utils";
import { createMemoryHistory, createRouter } from "vue-router";
import { i18n } from "@/i18n";
import SubmitPage from "./SubmitPage.vue";
import { myRequests } from "./myRequests";

type Sent = { url: string; method: string; headers: Record<string, string>; body?: string };
let sent: Sent[];
let submitAnswers: (() => Response | Promise<Response>)[];

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

beforeEach(() => {
  localStorage.clear();
  i18n.global.locale.value = "zh-CN";
  sent = [];
  submitAnswers = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      sent.push({
        url,
        method: init.method ?? "GET",
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body as string | undefined,
      });
      if (url === "/api/v1/areas") return json({ areas: [{ code: "110105", name: "朝阳区", parent: "" }] });
      if (url.startsWith("/api/v1/public/nearby")) return json({ requests: [] });
      if (url === "/api/v1/public/challenge") {
        return json({ challenge: `c${sent.length}`, bits: 4, expires_at: "2099-01-01T00:00:00Z" });
      }
      if (url === "/api/v1/public/requests") {
        const next = submitAnswers.shift();
        if (!next) throw new Error("unexpected submission");
        return next();
      }
      throw new Error(`unexpected ${url}`);
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

async function page() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/", name: "submit", component: SubmitPage },
      { path: "/receipt/:code", name: "receipt", component: { template: "<p>receipt</p>" } },
    ],
  });
  await router.push("/");
  const w = mount(SubmitPage, { global: { plugins: [i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { w, router };
}

const submissions = () => sent.filter((s) => s.url === "/api/v1/public/requests");
const receipt = () =>
  json({ tracking_code: "JS2026120800000007", access_key: "abc", state: "received", created_at: "2026-12-08T10:00:00+08:00" }, 201);

describe("sending a request", () => {
  it("announces bad input on its field and sends nothing", async () => {
    const { w } = await page();
    await w.find("#h5-phone").setValue("12345");
    await w.find("form").trigger("submit");
    await flushPromises();
    expect(w.find("#h5-content-error").text()).toContain("请填写诉求内容");
    expect(w.find("#h5-place-error").text()).toContain("至少一种");
    expect(w.find("#h5-phone-error").text()).toContain("手机号");
    expect(w.find("#h5-content").attributes("aria-invalid")).toBe("true");
    expect(w.find("#h5-content").attributes("aria-describedby")).toContain("h5-content-error");
    expect(sent.filter((s) => s.url.includes("/public/"))).toEqual([]);
  });

  it("makes one request of a double tap, and resends the same one after a lost answer", async () => {
    const { w, router } = await page();
    await w.find("#h5-content").setValue("小区楼下的路灯坏了一个月");
    await w.find("#h5-address").setValue("朝阳路 1 号");
    submitAnswers.push(() => Promise.reject(new TypeError("Failed to fetch")));
    const form = w.find("form");
    await Promise.all([form.trigger("submit"), form.trigger("submit")]);
    await vi.waitUntil(() => w.find("[data-test=submit-error]").text() !== "", { timeout: 5000 });
    expect(submissions()).toHaveLength(1);
    expect(w.find("[data-test=submit-error]").text()).toContain("不会重复");
    const saved = JSON.parse(localStorage.getItem("jiesu.draft.h5.submit")!);
    expect(saved.attempt.key).toBe(submissions()[0].headers["Idempotency-Key"]);

    submitAnswers.push(receipt);
    await form.trigger("submit");
    await vi.waitUntil(() => router.currentRoute.value.name === "receipt", { timeout: 5000 });
    const [first, second] = submissions();
    expect(second.headers["Idempotency-Key"]).toBe(first.headers["Idempotency-Key"]);
    expect(second.body).toBe(first.body);
    // One challenge answered, for both.
    expect(sent.filter((s) => s.url === "/api/v1/public/challenge")).toHaveLength(1);
    expect(JSON.parse(first.body!)).toMatchObject({
      content: "小区楼下的路灯坏了一个月",
      location: { address: "朝阳路 1 号" },
    });
    expect(myRequests()).toMatchObject([{ code: "JS2026120800000007", key: "abc" }]);
    await flushPromises();
    expect(localStorage.getItem("jiesu.draft.h5.submit")).toBeNull();
  });

  it("tells how long to wait on 429 and shows a field the server refused", async () => {
    const { w } = await page();
    await w.find("#h5-content").setValue("小区楼下的路灯坏了一个月");
    await w.find("#h5-address").setValue("朝阳路 1 号");
    submitAnswers.push(() =>
      json({ code: "rate_limited", message: "too many" }, 429, { "Retry-After": "1800" }),
    );
    await w.find("form").trigger("submit");
    await vi.waitUntil(() => w.find("[data-test=submit-error]").text() !== "", { timeout: 5000 });
    expect(w.find("[data-test=submit-error]").text()).toContain("30 分钟");

    submitAnswers.push(() =>
      json({ code: "invalid_argument", message: "location.address is longer than 500 characters", field: "location.address" }, 400),
    );
    await w.find("form").trigger("submit");
    await vi.waitUntil(() => w.find("#h5-address-error").text() !== "", { timeout: 5000 });
    expect(w.find("#h5-address-error").text()).toContain("location.address is longer");
    expect(submissions()).toHaveLength(2);
    // 429 spent nothing: the same challenge went twice; the key stayed for the same draft.
    expect(submissions()[1].headers["Idempotency-Key"]).toBe(submissions()[0].headers["Idempotency-Key"]);
  });
});
