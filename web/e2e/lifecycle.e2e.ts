// One order's whole life through the consoles: the dispatcher dispatches it with a co-unit, the
// lead unit signs and gets an extension, the co-unit sub-dispatches to a street office that
// replies with a photo, the units reply, the dispatcher accepts and the visitor closes it; a
// second order goes back to its unit on the citizen's 重办. Each order page's timeline shows every
// step, and no unit's page or response carries a caller's full phone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { logIn, renderEverywhere, screenshot, startHarness, type ApiCaller, type Harness } from "./harness";

let h: Harness;
let agent: ApiCaller;
const PHONE = "13812345678";
// A tiny valid PNG (1×1, grey).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  h = await startHarness();
  agent = await h.apiAs("agent1");
});
afterAll(async () => {
  expect(h?.consoleErrors ?? []).toEqual([]);
  await h?.stop();
});

async function newOrder(content: string, key: string): Promise<{ id: number; code: string }> {
  const r = await agent.post(
    "/api/v1/orders",
    { channel: "phone", content, caller: { phone: PHONE, name: "王先生" }, location: { street_code: "110105001", address: "建外街道光华里 5 号楼" }, category: "010104" },
    { "Idempotency-Key": key },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const s = await agent.post(`/api/v1/orders/${r.body.id}/send-to-dispatch`, {});
  expect(s.status).toBe(200);
  return { id: r.body.id, code: r.body.code };
}

async function as(user: string, path: string): Promise<Page> {
  const page = await (await h.context()).newPage();
  await logIn(page, user);
  await page.goto(path);
  // The work pages say when their lists are in.
  if (path === "/workbench" || path === "/dispatch") await page.locator("[data-loaded=true]").waitFor();
  return page;
}

/** Watches every answer the page gets for the caller's full phone. */
function watchForPhone(page: Page, seen: string[]): void {
  page.on("response", async (r) => {
    const body = await r.text().catch(() => "");
    if (body.includes(PHONE)) seen.push(r.url());
  });
}

async function openLeg(page: Page, code: string, group: string): Promise<void> {
  await page.locator(`[data-test=group-${group}]`).click();
  await page.locator(`[data-test=leg-${code}]`).click();
  await page.locator("[data-test=leg-detail]").waitFor();
}

/** Waits for the page's outcome message; on failure keeps a screenshot of what the page shows. */
async function expectMessage(page: Page, test: string, text: string): Promise<void> {
  try {
    await page.locator(`[data-test=${test}]`).filter({ hasText: text }).waitFor({ timeout: 60_000 });
  } catch (e) {
    await screenshot(page, `lifecycle-failed-${test}`);
    throw e;
  }
}

const expectDone = (page: Page, text: string) => expectMessage(page, "leg-message", text);

async function openForm(page: Page, title: string): Promise<void> {
  await page.locator(".el-collapse-item__header").filter({ hasText: title }).click();
}

async function order(id: number): Promise<any> {
  const r = await agent.get(`/api/v1/orders/${id}`);
  expect(r.status).toBe(200);
  return r.body;
}

describe("an order's whole life in the consoles", () => {
  let a: { id: number; code: string };
  let b: { id: number; code: string };
  const unitSaw: string[] = [];

  it("the dispatcher dispatches to the lead unit with a co-unit from the catalogue", async () => {
    a = await newOrder("光华里 5 号楼暖气不热，室温只有 14 度，家里有老人", "life-a");
    b = await newOrder("光华里 7 号楼暖气片漏水，地板泡了", "life-b");
    const page = await as("dispatcher1", "/dispatch");
    await page.locator(`[data-test=row-${a.code}]`).click();
    await expect.poll(() => page.locator("[data-test=catalogue-reason]").textContent()).toContain("bj.heat");
    await expect.poll(() => page.locator("[data-test=co]").textContent()).toContain("朝阳区");
    await screenshot(page, "dispatch-desktop-zh-CN");
    await page.keyboard.press("Alt+D");
    await expectMessage(page, "queue-message", a.code);
    // The second by bulk dispatch, on the catalogue's answer.
    await page.locator(`[data-test=queue-table] .el-table__row`).filter({ hasText: b.code }).locator(".el-checkbox").click();
    await page.locator("[data-test=bulk-dispatch]").click();
    await expectMessage(page, "queue-message", "1");
    const legs = (await order(a.id)).legs.map((l: any) => [l.unit, l.role]);
    expect(legs).toEqual([["bj.heat", "lead"], ["110105", "co"]]);
    expect((await order(b.id)).state).toBe("in_progress");
  });

  it("the lead unit signs and asks for an extension, which the dispatcher approves", async () => {
    const heat = await as("heat1", "/workbench");
    watchForPhone(heat, unitSaw);
    await openLeg(heat, a.code, "sign");
    await expect.poll(() => heat.locator("[data-test=countdown]").first().textContent()).toMatch(/剩|超时/);
    await heat.locator("[data-test=sign]").click();
    await expectDone(heat, "已签收");
    await heat.locator("[data-test=contact]").click();
    await expectDone(heat, "联系");
    const before = (await order(a.id)).legs[0].reply_due;
    await openForm(heat, "申请延期");
    await heat.locator("#ext-reason").fill("需协调物业更换楼内供暖立管");
    await heat.locator("[data-test=request-extension]").click();
    await expectDone(heat, "申请延期");

    const disp = await as("dispatcher1", "/dispatch");
    await disp.locator("[data-test=tab-extensions]").click();
    await disp.locator(`[data-test=row-${a.code}]`).click();
    await expect.poll(() => disp.locator("[data-test=queue-detail]").textContent()).toContain("更换楼内供暖立管");
    await disp.locator("[data-test=approve]").click();
    await expectMessage(disp, "queue-message", "批准延期");
    const after = (await order(a.id)).legs[0];
    expect(after.extension_count).toBe(1);
    expect(Date.parse(after.reply_due)).toBeGreaterThan(Date.parse(before));
  });

  it("the co-unit sub-dispatches to the street office, which replies with a photo", async () => {
    const cy = await as("chaoyang1", "/workbench");
    watchForPhone(cy, unitSaw);
    await openLeg(cy, a.code, "sign");
    expect(await cy.locator("[data-test=caller]").textContent()).toContain("138****5678");
    await cy.locator("[data-test=sign]").click();
    await expectDone(cy, "已签收");
    await openForm(cy, "下派");
    await cy.locator("#sub-unit").click();
    await cy.getByRole("option", { name: "建外街道办事处" }).click();
    await cy.locator("[data-test=sub-dispatch]").click();
    await expectDone(cy, "已下派");

    const street = await as("jianwai1", "/workbench");
    watchForPhone(street, unitSaw);
    await openLeg(street, a.code, "sign");
    await street.locator("[data-test=sign]").click();
    await expectDone(street, "已签收");
    await street.locator("[data-test=contact]").click();
    await expectDone(street, "联系");
    await openForm(street, "办结回复");
    await street.locator("#reply-text").fill("已入户测温 14 度，督促物业排查楼内管线，联系人：张工 13700000000");
    await street.locator("#reply-public").fill("已上门测温并督促物业排查楼内管线，供热已恢复。");
    await street.locator("[data-test=reply-files]").setInputFiles({ name: "现场.png", mimeType: "image/png", buffer: PNG });
    await screenshot(street, "workbench-reply-desktop-zh-CN");
    await street.locator("[data-test=reply]").click();
    await expectDone(street, "办结回复");
    const o = await order(a.id);
    expect(o.legs.find((l: any) => l.unit === "110105001").state).toBe("replied");
    expect(o.attachments?.map((x: any) => x.name)).toContain("现场.png");
  });

  it("the units reply, the dispatcher accepts, and the visitor closes the order", async () => {
    for (const [user, text] of [
      ["chaoyang1", "街道已处理，区里已督促物业落实。"],
      ["heat1", "已更换楼内供暖立管，室温恢复到 20 度。"],
    ] as const) {
      const page = await as(user, "/workbench");
      watchForPhone(page, unitSaw);
      await openLeg(page, a.code, "handle");
      await expect.poll(() => page.locator("[data-test=leg-detail] h2").textContent()).toMatch(/已签收|办理中/);
      if (await page.locator("[data-test=contact]").count()) {
        await page.locator("[data-test=contact]").click();
        await expectDone(page, "联系");
      }
      await openForm(page, "办结回复");
      await page.locator("#reply-text").fill(text);
      await page.locator("#reply-public").fill(text);
      await page.locator("[data-test=reply]").click();
      await expectDone(page, "办结回复");
    }
    expect((await order(a.id)).state).toBe("replied");

    const disp = await as("dispatcher1", "/dispatch");
    await disp.locator("[data-test=tab-replies]").click();
    await disp.locator(`[data-test=row-${a.code}]`).click();
    await disp.locator("[data-test=accept-reply]").click();
    await expectMessage(disp, "queue-message", a.code);
    expect((await order(a.id)).state).toBe("visiting");

    const visitor = await as("visitor1", "/visits");
    await visitor.locator(`[data-test=visit-${a.code}]`).click();
    expect(await visitor.locator("[data-test=visit-caller]").textContent()).toContain(PHONE);
    await visitor.locator("[data-test=sat-satisfied]").click();
    await screenshot(visitor, "visits-desktop-zh-CN");
    await visitor.locator("[data-test=submit-visit]").click();
    await expectMessage(visitor, "visit-message", "已办结");
    expect((await order(a.id)).state).toBe("closed");
  });

  it("the order page's timeline shows every step", async () => {
    const page = await as("agent1", `/orders/${a.id}`);
    const steps = page.locator("[data-type]");
    await steps.first().waitFor();
    const types = await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-type")));
    for (const t of ["received", "sent_to_dispatch", "dispatched", "signed", "contacted", "extension_requested",
      "extension_approved", "sub_dispatched", "leg_replied", "reply_accepted", "visited", "closed"]) {
      expect(types, t).toContain(t);
    }
    // The street office's photo, shown and downloadable under the order's scope rules.
    await expect.poll(() => page.locator("[data-test=order-attachments]").textContent()).toContain("现场.png");
    const file = (await order(a.id)).attachments[0];
    const path = `/api/v1/orders/${a.id}/attachments/${file.id}`;
    expect((await agent.get(path)).status).toBe(200);
    expect((await (await h.apiAs("heat1")).get(path)).status).toBe(200);
    expect((await (await h.apiAs("water1")).get(path)).status).toBe(404);
    await screenshot(page, "order-lifecycle-desktop-zh-CN");
  });

  it("no unit received the caller's full phone on any page or answer", () => {
    expect(unitSaw).toEqual([]);
  });

  it("renders the working consoles at both sizes in both languages, accessibly", async () => {
    await renderEverywhere(h, { path: "/dispatch", name: "dispatch", username: "dispatcher1", ready: (p) => p.locator("[data-test=queue-table]").waitFor() });
    await renderEverywhere(h, { path: "/workbench", name: "workbench", username: "heat1", ready: (p) => p.locator("[data-test=group-sign]").waitFor() });
    await renderEverywhere(h, { path: "/visits", name: "visits", username: "visitor1", ready: (p) => p.locator("h1").waitFor() });
  });
});
