import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { logIn, renderEverywhere, screenshot, startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expect(h?.consoleErrors ?? []).toEqual([]);
  await h?.stop();
});

async function agentPage(user = "agent1"): Promise<Page> {
  const page = await (await h.context()).newPage();
  await logIn(page, user);
  await page.goto("/intake");
  await page.locator("#intake-phone").waitFor();
  return page;
}

async function ordersOf(phone: string): Promise<any[]> {
  const agent = await h.apiAs("agent1");
  const r = await agent.get(`/api/v1/orders?caller_phone=${phone}`);
  expect(r.status).toBe(200);
  return r.body.orders;
}

const heating = "朝阳区建外街道光华里小区暖气不热，家里室温只有十五度，老人受不了";

describe("the agent console", () => {
  it("takes a call entirely from the keyboard, with the caller's history and the duplicate hint", async () => {
    const phone = "13911112222";
    // The caller rang before, about the same radiator.
    const agent = await h.apiAs("agent1");
    const earlier = await agent.post(
      "/api/v1/orders",
      {
        channel: "phone",
        content: heating,
        caller: { phone },
        location: { street_code: "110105001" },
        category: "010104",
      },
      { "Idempotency-Key": "e2e-earlier-heating" },
    );
    expect(earlier.status).toBe(201);

    const page = await agentPage();
    // The phone field has the focus when the page opens.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("intake-phone");
    await page.keyboard.type(phone);
    await expect.poll(() => page.locator("[data-test=history-count]").textContent()).toContain("1");
    await expect.poll(() => page.locator("[data-test=history-item]").first().textContent()).toContain(earlier.body.code);

    // Tab through name, the two check boxes and the tags to the content.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.id)) === "intake-content") break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("intake-content");
    await page.keyboard.type(heating);
    const panel = page.locator(`[data-suggested-for="${heating}"]`);
    await panel.waitFor();
    await expect.poll(() => page.locator("[data-test=duplicate]").first().textContent()).toContain(earlier.body.code);
    await expect.poll(() => page.locator("[data-test=suggest-units]").textContent()).toContain("朝阳区");
    // The place the text names fills the pickers.
    await expect.poll(() => page.locator("[data-test=street]").textContent()).toContain("建外街道");
    await screenshot(page, "intake-suggestions-desktop-zh-CN");

    await page.keyboard.press("Alt+S");
    const done = page.locator("[data-test=intake-done]");
    await done.waitFor();
    const orders = await ordersOf(phone);
    expect(orders).toHaveLength(2);
    expect(orders[0].state).toBe("dispatching");
    expect(await done.textContent()).toContain(orders[0].code);
    // The form is empty again and ready for the next call.
    expect(await page.locator("#intake-content").inputValue()).toBe("");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("intake-phone");
  });

  it("makes one order from a double click, and keeps the draft over a reload", async () => {
    const phone = "13922223333";
    const page = await agentPage();
    await page.locator("#intake-phone").fill(phone);
    await page.locator("#intake-content").fill("东城区东华门街道路灯不亮，晚上走路看不见");
    await page.locator("#intake-address").fill("东华门大街 12 号");
    await page.reload();
    await page.locator("[data-test=draft-restored]").waitFor();
    expect(await page.locator("#intake-content").inputValue()).toContain("路灯不亮");
    expect(await page.locator("#intake-phone").inputValue()).toBe(phone);

    await page.locator("[data-test=send]").dblclick();
    await page.locator("[data-test=intake-done]").waitFor();
    // A lost answer retried with the same draft finds the same order as well.
    expect(await ordersOf(phone)).toHaveLength(1);
  });

  it("refuses an incomplete form with errors tied to their fields, and sends nothing", async () => {
    const phone = "13933334444";
    const page = await agentPage();
    await page.locator("#intake-phone").fill("12");
    await page.keyboard.press("Alt+S");
    await expect.poll(() => page.locator("#intake-content-error").textContent()).toContain("诉求内容");
    expect(await page.locator("#intake-phone-error").textContent()).toContain("来电号码");
    expect(await page.locator("#intake-content").getAttribute("aria-invalid")).toBe("true");
    await page.locator("#intake-phone").fill(phone);
    await page.locator("#intake-content").fill("咨询一下社保卡补办的流程");
    await page.keyboard.press("Alt+S");
    await expect.poll(() => page.locator("#intake-place-error").textContent()).toContain("地址");
    expect(await ordersOf(phone)).toHaveLength(0);
  });

  it("answers a caller directly from the knowledge base", async () => {
    const phone = "13944445555";
    const page = await agentPage();
    await page.locator("#intake-phone").fill(phone);
    await page.locator("#intake-content").fill("家里暖气不热，室温不达标怎么办，想问问流程");
    await page.locator("[data-test=use-answer]").first().click();
    const text = page.locator("#answer-text");
    await text.waitFor();
    expect(await text.inputValue()).toContain("供热单位");
    await page.locator("[data-test=confirm-answer]").click();
    await page.locator("[data-test=intake-done]").waitFor();
    const [order] = await ordersOf(phone);
    expect(order.state).toBe("answered_directly");
  });

  it("records 不予受理 only with a reason, telling the proper channel", async () => {
    const phone = "13955556666";
    const page = await agentPage();
    await page.locator("#intake-phone").fill(phone);
    await page.locator("#intake-content").fill("和邻居的借款纠纷，对方不还钱，要求热线帮忙追讨");
    await page.keyboard.press("Alt+R");
    await page.locator("[data-test=confirm-reject]").click();
    await expect.poll(() => page.locator("#reject-error").textContent()).toContain("理由");
    expect(await ordersOf(phone)).toHaveLength(0);
    await page.locator("#reject-reason").fill("属于民间借贷纠纷，不属于热线受理范围");
    await page.locator("#reject-channel").click();
    await page.getByRole("option", { name: "向人民法院起诉" }).click();
    await page.locator("[data-test=confirm-reject]").click();
    await page.locator("[data-test=intake-done]").waitFor();
    const [summary] = await ordersOf(phone);
    expect(summary.state).toBe("rejected");
    const order = await (await h.apiAs("agent1")).get(`/api/v1/orders/${summary.id}`);
    expect(order.body.proper_channel).toBe("向人民法院起诉");
  });

  it("lets a dispatcher taking a call dispatch it to the suggested unit at once", async () => {
    const phone = "13966667777";
    const page = await agentPage("dispatcher1");
    await page.locator("#intake-phone").fill(phone);
    await page.locator("#intake-content").fill("朝阳区建外街道永安里路口井盖缺失，很危险");
    await page.locator("[data-test=suggest-units]").getByText("朝阳区").first().waitFor();
    await page.locator("#intake-category").click();
    await page.keyboard.type("市政设施");
    await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "市政设施" }).first().click();
    await page.keyboard.press("Alt+D");
    await page.locator("[data-test=intake-done]").waitFor();
    const [order] = await ordersOf(phone);
    expect(order.state).toBe("in_progress");
    expect(order.units).toContain("110105");
  });

  it("renders at both sizes in both languages, accessibly", async () => {
    await renderEverywhere(h, {
      path: "/intake",
      name: "intake",
      username: "agent1",
      ready: (p) => p.locator("#intake-phone").waitFor(),
    });
  });
});
