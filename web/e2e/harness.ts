// The end-to-end harness: a real `jiesu serve` (this build's binary, a temporary database, the
// demo jurisdiction, the built pages) and Debian's Chromium driven by playwright-core.
// Every test file starts one server and one browser: `const h = await startHarness()` in
// beforeAll, `await h.stop()` in afterAll.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
export const DEMO_PASSWORD = "jiesu-demo";
/** Screenshots and other artefacts of the run. */
export const artefacts = resolve(repo, "build/web-e2e");

export const SIZES = {
  desktop: { width: 1366, height: 768 },
  phone: { width: 375, height: 667 },
} as const;

export interface Harness {
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies and storage), recording console errors. */
  context(opts?: { size?: keyof typeof SIZES; locale?: "zh-CN" | "en" }): Promise<BrowserContext>;
  /** Console errors and page errors seen so far in every context. */
  consoleErrors: string[];
  /** Calls the JSON API as `username` with a bearer token (for set-up and checks). */
  apiAs(username: string): Promise<ApiCaller>;
  stop(): Promise<void>;
}

export interface ApiCaller {
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

function jiesuBinary(): string {
  return process.env.JIESU_BIN ?? resolve(repo, "build/debug/src/cli/jiesu");
}

async function startServer(dir: string): Promise<{ proc: ChildProcess; baseUrl: string }> {
  const proc = spawn(
    jiesuBinary(),
    [
      "serve",
      "--config", resolve(repo, "config/demo-beijing"),
      "--db", join(dir, "jiesu.db"),
      "--listen", "127.0.0.1:0",
      "--demo",
      "--web", resolve(repo, "web/dist"),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const baseUrl = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`jiesu serve did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /serving the API on (http:\/\/[0-9.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    proc.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`jiesu serve exited with ${code}:\n${output}`));
    });
  });
  return { proc, baseUrl };
}

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "jiesu-e2e-"));
  mkdirSync(artefacts, { recursive: true });
  const { proc, baseUrl } = await startServer(dir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // launch() gives Chromium a fresh temporary profile (--user-data-dir) of its own.
  });
  const consoleErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  async function context(opts: { size?: keyof typeof SIZES; locale?: "zh-CN" | "en" } = {}) {
    const ctx = await browser.newContext({
      baseURL: baseUrl,
      viewport: SIZES[opts.size ?? "desktop"],
      locale: opts.locale ?? "zh-CN",
    });
    if (opts.locale) {
      await ctx.addInitScript((l) => {
        if (location.protocol === "http:") localStorage.setItem("jiesu.locale", l);
      }, opts.locale);
    }
    ctx.on("page", (page) => watchConsole(page, consoleErrors));
    contexts.push(ctx);
    return ctx;
  }

  async function apiAs(username: string): Promise<ApiCaller> {
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (!login.ok) throw new Error(`log-in of ${username}: ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const call = async (method: string, path: string, body?: unknown, headers = {}) => {
      const r = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: parsed as any };
    };
    return {
      get: (path) => call("GET", path),
      post: (path, body, headers) => call("POST", path, body, headers),
    };
  }

  async function stop(): Promise<void> {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close().catch(() => undefined);
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }

  return { baseUrl, browser, context, consoleErrors, apiAs, stop };
}

function watchConsole(page: Page, errors: string[]): void {
  page.on("console", (msg) => {
    // The browser logs every 4xx answer; those the pages expect (401 before log-in, 403, 404,
    // 409 …) are handled on the page. A 5xx or any script error is a failure.
    const expected = /Failed to load resource: the server responded with a status of 4\d\d/;
    if (msg.type() === "error" && !expected.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
}

/** Logs in through the log-in page and waits for the landing page. */
export async function logIn(page: Page, username: string): Promise<void> {
  await page.goto("/login");
  await page.locator("#login-username").fill(username);
  await page.locator("#login-password").fill(DEMO_PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`);
  expect(summary, `axe on ${name}`).toEqual([]);
}

/** Saves a screenshot under build/web-e2e/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
}

/**
 * Renders `path` (as `username`, or without log-in) at 1366×768 and 375×667 in zh-CN and English,
 * runs axe on each, and keeps the four screenshots as build/web-e2e/<name>-<size>-<locale>.png.
 * `ready` waits for the page's content (e.g. a table row) before the checks.
 */
export async function renderEverywhere(
  h: Harness,
  opts: { path: string; name: string; username?: string; ready: (page: Page) => Promise<unknown> },
): Promise<void> {
  for (const size of ["desktop", "phone"] as const) {
    for (const locale of ["zh-CN", "en"] as const) {
      const ctx = await h.context({ size, locale });
      const page = await ctx.newPage();
      if (opts.username) await logIn(page, opts.username);
      await page.goto(opts.path);
      await opts.ready(page);
      await expectAccessible(page, `${opts.name} ${size} ${locale}`);
      await screenshot(page, `${opts.name}-${size}-${locale}`);
      await ctx.close();
    }
  }
}
