// `make bench-web`: the production build's initial JavaScript per page (gzip bytes as the browser
// receives them), the agent console's cold first load, and the time from a typing pause to the
// suggestions painted. Runs against a release `jiesu serve` (JIESU_BIN) and Chromium; writes
// name=value lines to build/web-bench.txt, which the make target prints last.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, it } from "vitest";
import type { Page } from "playwright-core";
import { repo, startHarness, DEMO_PASSWORD, type Harness } from "../e2e/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const figures: [string, string][] = [];
function figure(name: string, value: number, digits = 1): void {
  figures.push([name, value.toFixed(digits)]);
  console.log(`${name}=${value.toFixed(digits)}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** gzip bytes of every script the page loads until `ready`, in a cold context. */
async function initialJsBytes(path: string, ready: (p: Page) => Promise<unknown>, cookie?: string) {
  const ctx = await h.context();
  if (cookie) await ctx.addCookies([{ name: "jiesu_session", value: cookie, url: h.baseUrl }]);
  const page = await ctx.newPage();
  const scripts: Promise<number>[] = [];
  page.on("requestfinished", (req) => {
    if (req.resourceType() === "script") scripts.push(req.sizes().then((s) => s.responseBodySize));
  });
  await page.goto(path);
  await ready(page);
  await page.waitForLoadState("networkidle");
  const bytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
  await ctx.close();
  return bytes;
}

async function sessionCookie(username: string): Promise<string> {
  const r = await fetch(`${h.baseUrl}/api/v1/auth/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const m = /jiesu_session=([^;]+)/.exec(r.headers.get("set-cookie") ?? "");
  if (!m) throw new Error(`no session cookie for ${username}: ${r.status}`);
  return m[1];
}

// The agent console is ready for typing when the caller-phone field is on screen and enabled.
const agentReady = (p: Page) => p.locator("#intake-phone").waitFor({ state: "visible" });
const h5Ready = (p: Page) => p.locator("main textarea").first().waitFor({ state: "visible" });

it("measures the pages", async () => {
  const cookie = await sessionCookie("agent1");
  figure("web_agent_initial_js_gzip_kb", (await initialJsBytes("/intake", agentReady, cookie)) / 1024);
  figure("web_h5_initial_js_gzip_kb", (await initialJsBytes("/h5/", h5Ready)) / 1024);

  const loads: number[] = [];
  for (let i = 0; i < 10; i++) {
    const ctx = await h.context();
    await ctx.addCookies([{ name: "jiesu_session", value: cookie, url: h.baseUrl }]);
    const page = await ctx.newPage();
    const start = performance.now();
    await page.goto("/intake", { waitUntil: "commit" });
    await agentReady(page);
    loads.push(performance.now() - start);
    await ctx.close();
  }
  figure("web_agent_first_load_ms", percentile(loads, 50), 0);

  // Typing pause → suggestions painted: the page marks the moment the panel shows the answer to
  // the text typed (data-suggested-for on the suggestion panel equals the content's text).
  const ctx = await h.context();
  await ctx.addCookies([{ name: "jiesu_session", value: cookie, url: h.baseUrl }]);
  const page = await ctx.newPage();
  await page.goto("/intake");
  await agentReady(page);
  const content = page.locator("#intake-content");
  const texts = [
    "小区暖气不热，室温只有十五度",
    "楼下餐馆油烟扰民，晚上很吵",
    "路灯坏了，晚上走路很黑",
    "自来水发黄，有异味",
    "小区门口违章停车，堵住消防通道",
  ];
  const renders: number[] = [];
  for (let i = 0; i < 20; i++) {
    const text = `${texts[i % texts.length]}（第${i + 1}次）`;
    await content.fill("");
    await content.pressSequentially(text, { delay: 10 });
    const t = await page.evaluate(async (expected) => {
      const typed = performance.now();
      await new Promise<void>((resolve) => {
        const check = () => {
          const panel = document.querySelector("[data-suggested-for]");
          if (panel && panel.getAttribute("data-suggested-for") === expected) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - typed;
    }, text);
    renders.push(t);
  }
  figure("web_suggest_render_p95_ms", percentile(renders, 95), 0);
  await ctx.close();

  writeFileSync(join(repo, "build/web-bench.txt"), figures.map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
});
