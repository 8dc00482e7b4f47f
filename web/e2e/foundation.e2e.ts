import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, logIn, renderEverywhere, screenshot, startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe("log-in and the console shell", () => {
  it("sends a visitor without a session to log-in, and back where they were after it", async () => {
    const page = await (await h.context()).newPage();
    await page.goto("/orders");
    await page.waitForURL(/\/login\?redirect=(%2F|\/)orders/);
    await expectAccessible(page, "login");
    await screenshot(page, "login-desktop-zh-CN");
    await page.locator("#login-username").fill("agent1");
    await page.locator("#login-password").fill("wrong");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#login-error").textContent()).toContain("不正确");
    await page.locator("#login-password").fill("jiesu-demo");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/orders$/);
    await expect.poll(() => page.locator("[data-test=current-user]").textContent()).toContain("agent1");
  });

  it("shows each role only the pages it may use, and refuses the others", async () => {
    const page = await (await h.context()).newPage();
    await logIn(page, "chaoyang1");
    expect(new URL(page.url()).pathname).toBe("/workbench");
    const menu = await page.locator("nav .el-menu-item").allTextContents();
    expect(menu.map((s) => s.trim())).toEqual(["承办", "工单查询"]);
    await page.goto("/intake");
    await page.waitForURL(/\/forbidden/);
    await expect.poll(() => page.locator("[data-test=forbidden]").isVisible()).toBe(true);
  });

  it("returns to log-in when the session ends, and lands back on the page", async () => {
    const ctx = await h.context();
    const page = await ctx.newPage();
    await logIn(page, "dispatcher1");
    await page.goto("/orders");
    await ctx.clearCookies();
    await page.reload();
    await page.waitForURL(/\/login\?redirect=(%2F|\/)orders/);
    await page.locator("#login-username").fill("dispatcher1");
    await page.locator("#login-password").fill("jiesu-demo");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/orders$/);
  });

  it("keeps the API's JSON 404 and serves the English page", async () => {
    const r = await fetch(`${h.baseUrl}/api/v1/nothing-here`);
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("application/json");
    const page = await (await h.context({ locale: "en" })).newPage();
    await page.goto("/login");
    await expect.poll(() => page.locator("h1").textContent()).toContain("Log in");
    await screenshot(page, "login-desktop-en");
    expect(h.consoleErrors).toEqual([]);
  });

  it("renders log-in, forbidden and not-found at both sizes in both languages, accessibly", async () => {
    await renderEverywhere(h, { path: "/login", name: "login", ready: (p) => p.locator("#login-username").waitFor() });
    await renderEverywhere(h, {
      path: "/intake",
      name: "forbidden",
      username: "heat1",
      ready: (p) => p.locator("[data-test=forbidden]").waitFor(),
    });
    await renderEverywhere(h, { path: "/no/such/page", name: "not-found", ready: (p) => p.locator("h1").waitFor() });
    expect(h.consoleErrors).toEqual([]);
  });
});
