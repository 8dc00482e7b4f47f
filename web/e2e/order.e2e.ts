// The order page and the order list against a real server: the history as a timeline, the
// caller in full / masked / hidden by role, the audit for roles that may read it, foreign
// orders sent to the forbidden page, filters kept in the URL, and both pages everywhere.
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, renderEverywhere, screenshot, startHarness, type ApiCaller, type Harness } from "./harness";

let h: Harness;
let agent: ApiCaller;
let dispatcher: ApiCaller;
let chaoyang: ApiCaller;

const PHONE = "13912345678";
const SECRET_PHONE = "13800001111";
const SECRET_NAME = "赵秘密";

/** The ids of the orders set up for the tests. */
const ids = { worked: 0, secret: 0, waiting: 0, duplicate: 0 };

async function ok(r: Promise<{ status: number; body: any }>): Promise<any> {
  const res = await r;
  if (res.status >= 300) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function intake(body: Record<string, unknown>): Promise<number> {
  const o = await ok(agent.post("/api/v1/orders", { channel: "phone", request_type: "complaint", ...body }));
  return o.id as number;
}

async function dispatchTo(id: number, lead: string): Promise<void> {
  await ok(agent.post(`/api/v1/orders/${id}/send-to-dispatch`, { reason: "需承办单位处理" }));
  await ok(dispatcher.post(`/api/v1/orders/${id}/dispatch`, { lead_unit: lead }));
}

/** Collects the bodies of every API answer the page receives. */
function recordResponses(page: Page): () => Promise<string[]> {
  const pending: Promise<string>[] = [];
  page.on("response", (r: Response) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) pending.push(r.text().catch(() => ""));
  });
  return () => Promise.all(pending);
}

beforeAll(async () => {
  h = await startHarness();
  agent = await h.apiAs("agent1");
  dispatcher = await h.apiAs("dispatcher1");
  chaoyang = await h.apiAs("chaoyang1");

  ids.worked = await intake({
    category: "010104",
    content: "建外街道某小区暖气不热，室温只有十二度，家中有老人，请尽快处理。",
    caller: { name: "王小明", phone: PHONE },
    location: { address: "建国门外大街1号院3号楼", street_code: "110105001" },
  });
  await dispatchTo(ids.worked, "110105");
  await ok(chaoyang.post(`/api/v1/orders/${ids.worked}/legs/1/sign`, {}));
  await ok(chaoyang.post(`/api/v1/orders/${ids.worked}/legs/1/contact`, {}));
  await ok(chaoyang.post(`/api/v1/orders/${ids.worked}/legs/1/request-extension`, { days: 2, reason: "需协调供热公司" }));
  await ok(dispatcher.post(`/api/v1/orders/${ids.worked}/legs/1/approve-extension`, {}));
  await ok(chaoyang.post(`/api/v1/orders/${ids.worked}/legs/1/reply`, { text: "已协调供热公司排气，室温恢复至20度", result: "resolved" }));

  ids.secret = await intake({
    category: "0702",
    content: "举报某餐馆后厨卫生状况差，请勿透露我的身份。",
    request_type: "report",
    confidential: true,
    caller: { name: SECRET_NAME, phone: SECRET_PHONE },
    location: { address: "建外SOHO东区", street_code: "110105001" },
  });
  await dispatchTo(ids.secret, "110105");

  ids.waiting = await intake({
    content: "小区门口路灯不亮，夜间出行不便。",
    caller: { name: "李四", phone: "13700002222" },
    location: { street_code: "110105001" },
  });
  await ok(agent.post(`/api/v1/orders/${ids.waiting}/send-to-dispatch`, {}));

  ids.duplicate = await intake({
    content: "小区门口的路灯坏了，晚上很黑。",
    caller: { name: "周五", phone: "13600003333" },
    location: { street_code: "110105001" },
  });
  await ok(dispatcher.post(`/api/v1/orders/${ids.duplicate}/merge`, { parent: ids.waiting, reason: "同一路灯" }));
});

afterAll(async () => {
  await h?.stop();
});

describe("the order page", () => {
  it("shows the hotline the caller in full and every step of the history", async () => {
    const history = (await ok(agent.get(`/api/v1/orders/${ids.worked}`))).history as { type: string; seq: number }[];
    const page = await (await h.context()).newPage();
    await logIn(page, "agent1");
    await page.goto(`/orders/${ids.worked}`);
    await page.locator("[data-test=timeline]").waitFor();
    const types = await page.locator("[data-test=timeline] .el-timeline-item").evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-type")),
    );
    expect(types).toEqual(history.map((e) => e.type));
    const text = await page.locator("[data-test=timeline]").innerText();
    for (const step of ["受理", "转派单", "派单", "签收", "联系诉求人", "申请延期", "同意延期", "承办单位回复", "工单已回复"]) {
      expect(text).toContain(step);
    }
    expect(text).toContain("chaoyang1 · 承办人");
    expect(text).toContain("需协调供热公司");
    expect(text).toContain("办理中 → 申请延期");
    expect(await page.locator("[data-test=caller-phone]").innerText()).toBe(PHONE);
    expect(await page.locator("[data-test=order-state]").innerText()).toBe("已回复");
    expect(await page.locator("[data-test=order-area]").innerText()).toBe("朝阳区 / 建外街道");
    // An agent's role has no view_audit: the server refuses the log, the page leaves it out.
    expect(await page.locator("[data-test=order-access-log]").count()).toBe(0);
    await screenshot(page, "order-agent-desktop-zh-CN");
  });

  it("shows a supervisor who viewed the caller's data", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "supervisor1");
    await page.goto(`/orders/${ids.worked}`);
    const log = page.locator("[data-test=order-access-log]");
    await log.waitFor();
    const text = await log.innerText();
    expect(text).toContain("agent1 · 话务员");
    expect(text).toContain("dispatcher1 · 派单员");
    expect(text).toContain("查看诉求人信息");
  });

  it("shows the unit a masked caller, and no full phone anywhere it received", async () => {
    const page = await (await h.context()).newPage();
    const bodies = recordResponses(page);
    await logIn(page, "chaoyang1");
    await page.goto(`/orders/${ids.worked}`);
    await page.locator("[data-test=timeline]").waitFor();
    expect(await page.locator("[data-test=caller-phone]").innerText()).toBe("139****5678");
    expect(await page.locator("[data-test=caller-name]").innerText()).toContain("王*");
    expect(await page.locator("body").innerText()).not.toContain(PHONE);
    expect(await page.content()).not.toContain(PHONE);
    const received = await bodies();
    expect(received.some((b) => b.includes("139****5678"))).toBe(true);
    expect(received.filter((b) => b.includes(PHONE) || b.includes("王小明"))).toEqual([]);
    expect(await page.locator("[data-test=order-access-log]").count()).toBe(0);
    await screenshot(page, "order-unit-desktop-zh-CN");
  });

  it("shows the unit nothing of a confidential order's caller", async () => {
    const page = await (await h.context({ size: "phone" })).newPage();
    const bodies = recordResponses(page);
    await logIn(page, "chaoyang1");
    await page.goto(`/orders/${ids.secret}`);
    await page.locator("[data-test=caller-hidden]").waitFor();
    expect(await page.locator("[data-test=order-confidential]").innerText()).toBe("保密");
    expect(await page.locator("[data-test=caller-phone]").count()).toBe(0);
    const text = await page.locator("body").innerText();
    for (const s of [SECRET_PHONE, "138****1111", SECRET_NAME, "赵*"]) expect(text).not.toContain(s);
    const received = await bodies();
    const leaks = received.filter((b) => [SECRET_PHONE, "138****1111", SECRET_NAME, "赵*"].some((s) => b.includes(s)));
    expect(leaks).toEqual([]);
    const shown = received
      .map((b) => {
        try {
          return JSON.parse(b);
        } catch {
          return null;
        }
      })
      .find((o) => o?.id === ids.secret);
    expect(shown?.caller).toBeNull();
    await screenshot(page, "order-confidential-phone-zh-CN");
  });

  it("sends a unit to the forbidden page for another unit's order, as for one that does not exist", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "heat1");
    for (const id of [ids.secret, 999999]) {
      await page.goto(`/orders/${id}`);
      await page.waitForURL(/\/forbidden/);
      await page.locator("[data-test=forbidden]").waitFor();
      expect(new URL(page.url()).searchParams.get("from")).toBe(`/orders/${id}`);
      expect(await page.locator("[data-test=order-detail]").count()).toBe(0);
    }
  });

  it("links a merged duplicate and its parent both ways", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "dispatcher1");
    await page.goto(`/orders/${ids.duplicate}`);
    const merge = page.locator("[data-test=order-merge]");
    await merge.waitFor();
    expect(await page.locator("[data-test=order-state]").innerText()).toBe("已并单");
    await merge.getByRole("link", { name: `#${ids.waiting}` }).click();
    await page.waitForURL(new RegExp(`/orders/${ids.waiting}$`));
    await expect.poll(() => page.locator("[data-test=order-detail]").getAttribute("data-order-id")).toBe(String(ids.waiting));
    await page.locator("[data-test=order-merge]").getByRole("link", { name: `#${ids.duplicate}` }).waitFor();
    // The parent carries the duplicate's caller too.
    expect(await page.locator("[data-test=caller]").innerText()).toContain("13600003333");
  });

  it("renders everywhere", async () => {
    await renderEverywhere(h, {
      path: `/orders/${ids.worked}`,
      name: "order",
      username: "supervisor1",
      ready: (p) => p.locator("[data-test=order-access-log]").waitFor(),
    });
  });
});

describe("the order list", () => {
  it("filters by state from the URL, and a row opens with Enter", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "agent1");
    await page.goto("/orders?state=dispatching");
    await page.locator(`[data-test=order-row][data-order-id="${ids.waiting}"]`).waitFor();
    const states = await page.locator("[data-test=orders-table] .state-tag").evaluateAll((els) =>
      els.map((e) => e.getAttribute("data-state")),
    );
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(["dispatching"]));
    expect(await page.locator("[data-test=filter-state]").innerText()).toContain("待派单");
    // Keyboard: the row's link is reachable and Enter opens the order.
    const link = page.locator(`[data-test=order-row][data-order-id="${ids.waiting}"]`);
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/orders/${ids.waiting}$`));
    await page.locator("[data-test=order-code]").waitFor();
    // Back, the filter is still there.
    await page.goBack();
    await page.waitForURL(/state=dispatching/);
  });

  it("keeps the filters in the URL as they are chosen", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "agent1");
    await page.goto("/orders");
    await page.locator("[data-test=order-row]").first().waitFor();
    await page.locator("#ol-q").fill("暖气不热");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=/);
    await page.locator("[data-test=filter-overdue]").click();
    await page.waitForURL(/overdue=1/);
    const url = new URL(page.url());
    expect(url.searchParams.get("q")).toBe("暖气不热");
    await page.locator("[data-test=filter-overdue]").click();
    await page.waitForURL((u) => !u.searchParams.has("overdue"));
    await page.locator(`[data-test=order-row][data-order-id="${ids.worked}"]`).waitFor();
  });

  it("shows a unit only its own unit's orders", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "heat1");
    await page.goto("/orders");
    await page.locator("[data-test=orders-count]").waitFor();
    await expect.poll(() => page.locator("[data-test=orders-count]").innerText()).not.toContain("加载中");
    for (const id of [ids.worked, ids.secret, ids.waiting]) {
      expect(await page.locator(`[data-test=order-row][data-order-id="${id}"]`).count()).toBe(0);
    }
  });

  it("renders everywhere", async () => {
    await renderEverywhere(h, {
      path: "/orders?district=110105",
      name: "orders",
      username: "agent1",
      ready: (p) => p.locator("[data-test=order-row]").first().waitFor(),
    });
    expect(h.consoleErrors).toEqual([]);
  });
});
