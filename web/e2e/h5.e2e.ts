// The citizen page (/h5/) on a phone: submitting without log-in, the receipt, following the
// request, requests nearby, refused input, both languages, large text and the page's weight.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectAccessible, renderEverywhere, screenshot as capture, startHarness, type Harness } from "./harness";

let h: Harness;
/** The request the first test makes. */
let made: { code: string; key: string } | undefined;
// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const LAMP = "光华路5号院北门口的路灯坏了半个多月，晚上一片漆黑，老人出门很不安全";

beforeAll(async () => {
  h = await startHarness();
  // Someone has asked already: the agent recorded it from a call.
  const agent = await h.apiAs("agent1");
  const r = await agent.post("/api/v1/orders", {
    channel: "phone",
    request_type: "report",
    content: LAMP,
    location: { district_code: "110105", street_code: "110105001", address: "光华路5号院" },
    caller: { name: "李女士", phone: "13800000001" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
});
afterAll(async () => {
  await h?.stop();
});

/**
 * A full-page screenshot from the top, the header and the bottom bar in their places in the
 * page (they stick to the screen, which a full-page capture does not have).
 */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const style = await page.addStyleTag({ content: ".h5-header, .h5-tabs { position: static !important; }" });
  await capture(page, name);
  await style.evaluate((e) => (e as Element).remove());
}

async function phone(locale: "zh-CN" | "en" = "zh-CN") {
  const ctx = await h.context({ size: "phone", locale });
  const page = await ctx.newPage();
  return { ctx, page };
}

/** Counts the submissions and challenges the page asks for. */
function watchSubmissions(page: Page): { submissions: number; challenges: number } {
  const seen = { submissions: 0, challenges: 0 };
  page.on("request", (req) => {
    const path = new URL(req.url()).pathname;
    if (path === "/api/v1/public/requests" && req.method() === "POST") seen.submissions++;
    if (path === "/api/v1/public/challenge") seen.challenges++;
  });
  return seen;
}

async function pick(page: Page, field: string, name: string): Promise<void> {
  await page.locator(field).click();
  await page.locator("[data-test=area-list] button", { hasText: name }).first().click();
  await expect.poll(() => page.locator(`${field} .van-cell__value`).textContent()).toBe(name);
  // Focus is back on the field.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe(field.slice(1));
}

describe("the citizen page", () => {
  it("takes a request on a phone, shows the receipt, and follows it", async () => {
    const { ctx, page } = await phone();
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"]);
    const seen = watchSubmissions(page);
    await page.goto("/h5/");
    await page.locator("#h5-content").fill(`${LAMP}，希望尽快修好`);
    await pick(page, "#h5-district", "朝阳区");
    await pick(page, "#h5-street", "建外街道");

    // The request the agent took is shown nearby: it may be the same one.
    const nearby = page.locator("[data-test=nearby-item]", { hasText: "光华路5号院北门口" });
    await nearby.first().waitFor({ state: "visible", timeout: 15_000 });
    await screenshot(page, "h5-submit-nearby-phone-zh-CN");
    await nearby.first().click();
    const detail = page.locator("[data-test=nearby-detail]");
    await expect.poll(() => detail.textContent()).toContain("他人提交");
    await page.locator("[data-test=nearby-continue]").click();
    await detail.waitFor({ state: "detached" });

    await page.locator("#h5-address").fill("光华路5号院北门");
    await page.locator("#h5-name").fill("王先生");
    await page.locator("#h5-phone").fill("139 1234 5678");
    // A photo: the chooser opens as the uploader appears.
    const chooser = page.waitForEvent("filechooser");
    await page.locator("[data-test=add-photos]").click();
    await (await chooser).setFiles({ name: "路灯.png", mimeType: "image/png", buffer: PNG });
    await page.locator(".van-uploader__preview").waitFor({ state: "visible" });
    // Two taps make one request.
    await page.locator("[data-test=send]").dblclick();
    await page.waitForURL(/\/h5\/receipt\/JS\d+/, { timeout: 60_000 });
    expect(seen.submissions).toBe(1);
    const code = (await page.locator("[data-test=receipt-code]").textContent())!.trim();
    const key = (await page.locator("[data-test=receipt-key]").textContent())!.trim();
    expect(code).toMatch(/^JS\d{16}$/);
    expect(key).toMatch(/^[0-9A-Za-z_-]{16,}$/);
    made = { code, key };
    await page.getByRole("button", { name: "复制查询码" }).click();
    await expect.poll(() => page.locator(".h5-status").first().textContent()).toContain("已复制");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    // Photos go up once the request exists; a server without the endpoint gets them refused.
    expect(await page.locator("[data-test=photos-outcome]").textContent()).toMatch(
      /已附上 1 张照片|照片（1 张）未能附上/,
    );
    await expectAccessible(page, "h5 receipt phone");
    await screenshot(page, "h5-receipt-phone-zh-CN");

    // The receipt leads to the request, looked up with the key this browser kept.
    await page.locator("[data-test=receipt-track]").click();
    await page.waitForURL(new RegExp(`/h5/track/${code}$`));
    const result = page.locator("[data-test=track-result]");
    await result.waitFor({ state: "visible" });
    await expect.poll(() => page.locator("[data-test=track-state]").textContent()).toMatch(/已受理|派单中/);
    expect(await page.locator("[data-test=track-steps]").textContent()).toContain("诉求已受理");
    expect(await result.textContent()).toContain("建外街道");
    expect(await page.locator(`[data-test="mine-${code}"]`).count()).toBe(1);
    await expectAccessible(page, "h5 track result phone");
    await screenshot(page, "h5-track-result-phone-zh-CN");
    // A shared phone: the request can be removed from this browser's list.
    await page.locator("[data-test=forget]").click();
    await expect.poll(() => page.locator(`[data-test="mine-${code}"]`).count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem("jiesu.h5.requests"))).toBe("[]");

    // Another phone, in English: the code and the phone number given are enough.
    const other = await phone("en");
    await other.page.goto(`/h5/track/${code}`);
    expect(await other.page.locator("#h5-track-code").inputValue()).toBe(code);
    await other.page.locator("[data-test=mode-phone]").click();
    await other.page.locator("#h5-track-secret").fill("13912345678");
    await other.page.locator("[data-test=track-send]").click();
    await other.page.locator("[data-test=track-result]").waitFor({ state: "visible" });
    expect(await other.page.locator("[data-test=track-steps]").textContent()).toContain("Request received");
    await screenshot(other.page, "h5-track-result-phone-en");

    // A wrong key is told apart from nothing.
    await other.page.locator("[data-test=mode-key]").click();
    await other.page.locator("#h5-track-secret").fill("0".repeat(32));
    await other.page.locator("[data-test=track-send]").click();
    await expect.poll(() => other.page.locator("[data-test=track-error]").textContent()).toContain("Nothing found");
    await ctx.close();
    await other.ctx.close();
  });

  it("announces bad input on its field and sends nothing", async () => {
    const { ctx, page } = await phone();
    const seen = watchSubmissions(page);
    await page.goto("/h5/");
    await page.locator("[data-test=send]").click();
    const contentError = page.locator("#h5-content-error");
    await expect.poll(() => contentError.textContent()).toContain("请填写诉求内容");
    expect(await contentError.getAttribute("role")).toBe("alert");
    expect(await page.locator("#h5-content").getAttribute("aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("h5-content");
    expect(await page.locator("#h5-place-error").textContent()).toContain("至少一种");

    await page.locator("#h5-content").fill("井盖丢了，路口很危险");
    await page.locator("#h5-phone").fill("1391234");
    await page.locator("[data-test=send]").click();
    await expect.poll(() => page.locator("#h5-phone-error").textContent()).toContain("正确的手机号");
    expect(await page.locator("#h5-content-error").textContent()).toBe("");

    // The position is a place too.
    await ctx.grantPermissions(["geolocation"]);
    await ctx.setGeolocation({ latitude: 39.9087, longitude: 116.4605 });
    await page.locator("[data-test=locate]").click();
    await expect.poll(() => page.locator("main").textContent()).toContain("39.90870");
    await page.locator("[data-test=send]").click();
    await expect.poll(() => page.locator("#h5-place-error").textContent()).toBe("");
    expect(await page.locator("#h5-phone-error").textContent()).toContain("正确的手机号");
    await screenshot(page, "h5-submit-errors-phone-zh-CN");
    expect(seen).toEqual({ submissions: 0, challenges: 0 });

    // The area list works by keyboard: Enter opens it on the chosen (else the first) area,
    // Escape closes it, and focus comes back to the field.
    await page.locator("#h5-district").focus();
    await page.keyboard.press("Enter");
    await page.locator("[data-test=area-list]").waitFor({ state: "visible" });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("东城区");
    await page.keyboard.press("Escape");
    await page.locator("[data-test=area-list]").waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("h5-district");
    await page.keyboard.press("Enter");
    await page.locator("[data-test=area-list]").waitFor({ state: "visible" });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#h5-district .van-cell__value").textContent()).toBe("西城区");

    // The draft survives a reload.
    await page.reload();
    await expect.poll(() => page.locator("#h5-content").inputValue()).toBe("井盖丢了，路口很危险");
    expect(await page.locator("#h5-phone").inputValue()).toBe("1391234");
    expect(await page.locator("#h5-district .van-cell__value").textContent()).toBe("西城区");
    await ctx.close();
  });

  it("shows the public reply only, and lets the citizen ask for 重办 when unsatisfied", async () => {
    expect(made).toBeDefined();
    // The hotline and the unit carry the request to its return visit.
    const agent = await h.apiAs("agent1");
    const dispatcher = await h.apiAs("dispatcher1");
    const unit = await h.apiAs("chaoyang1");
    const list = await agent.get("/api/v1/orders?channel=web&limit=50");
    const id = list.body.orders.find((o: { code: string }) => o.code === made!.code).id;
    const step = async (who: typeof agent, path: string, body: unknown = {}) => {
      const r = await who.post(`/api/v1/orders/${id}/${path}`, body);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
    };
    await step(agent, "send-to-dispatch");
    await step(dispatcher, "dispatch", { lead_unit: "110105", category: "0103" });
    await step(unit, "legs/1/sign");
    await step(unit, "legs/1/contact");
    await step(unit, "legs/1/reply", {
      result: "resolved",
      text: "内部：已派张工（13700000000）更换线路",
      public_text: "已更换路灯线路和灯具，恢复正常照明。",
    });
    await step(dispatcher, "accept-reply");

    const { ctx, page } = await phone();
    await ctx.addInitScript((m) => {
      if (location.protocol === "http:") {
        localStorage.setItem("jiesu.h5.requests", JSON.stringify([{ ...m, createdAt: "", excerpt: "" }]));
      }
    }, made!);
    const answers: string[] = [];
    page.on("response", async (r) => {
      if (r.url().includes("/api/v1/public/")) answers.push(await r.text().catch(() => ""));
    });
    await page.goto(`/h5/track/${made!.code}`);
    await page.locator("[data-test=rate]").waitFor({ state: "visible" });
    expect(await page.locator("[data-test=track-reply]").textContent()).toContain("恢复正常照明");
    expect(await page.locator("body").textContent()).not.toContain("张工");
    await page.locator("[data-test=rate-send]").click();
    await expect.poll(() => page.locator("#h5-rate-satisfaction-error").textContent()).toContain("请选择");
    await page.locator("[data-test=rate-unsatisfied]").click();
    await page.locator("[data-test=rate-reopen] [role=checkbox]").click();
    await expectAccessible(page, "h5 rate phone");
    await screenshot(page, "h5-track-rate-phone-zh-CN");
    await page.locator("[data-test=rate-send]").click();
    await expect.poll(() => page.locator("[data-test=rate-done]").textContent()).toContain("重新办理");
    const order = await agent.get(`/api/v1/orders/${id}`);
    expect(order.body.state).toBe("reopened");
    expect(order.body.visits.at(-1)).toMatchObject({ channel: "web", satisfaction: "unsatisfied" });
    // No answer the citizen's page received carried the internal reply.
    expect(answers.filter((a) => a.includes("张工") || a.includes("13700000000"))).toEqual([]);
    await ctx.close();
  });

  it("renders the submit and track pages everywhere, accessibly", async () => {
    const textarea = (p: Page) => p.locator("main textarea").first().waitFor({ state: "visible" });
    await renderEverywhere(h, { path: "/h5/", name: "h5-submit", ready: textarea });
    await renderEverywhere(h, {
      path: "/h5/track",
      name: "h5-track",
      ready: (p) => p.locator("[data-test=track-form]").waitFor({ state: "visible" }),
    });
  });

  it("has large text and stays within its weight", async () => {
    const { ctx, page } = await phone();
    const scripts: Promise<number>[] = [];
    page.on("requestfinished", (req) => {
      if (req.resourceType() === "script") scripts.push(req.sizes().then((s) => s.responseBodySize));
    });
    await page.goto("/h5/");
    await page.locator("main textarea").first().waitFor({ state: "visible" });
    await page.waitForLoadState("networkidle");
    const kb = (await Promise.all(scripts)).reduce((a, b) => a + b, 0) / 1024;
    expect(kb, "initial JS of /h5/ (KB as sent)").toBeLessThanOrEqual(120);

    const size = () => page.locator("#h5-content").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    const normal = await size();
    await page.locator("[data-test=large-text]").click();
    expect(await page.evaluate(() => document.documentElement.dataset.textSize)).toBe("large");
    expect(await size()).toBeGreaterThanOrEqual(18);
    expect(await size()).toBeGreaterThan(normal);
    await expectAccessible(page, "h5 submit large text");
    await screenshot(page, "h5-submit-large-phone-zh-CN");
    await ctx.close();
    expect(h.consoleErrors).toEqual([]);
  });
});
