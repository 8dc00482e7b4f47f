import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMessages } from "@/locales/all";

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name: string) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(vue|ts)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("messages", () => {
  const messages = loadMessages();
  const zh = new Set(keys(messages["zh-CN"]));
  const en = new Set(keys(messages.en));

  it("have the same keys in Chinese and English", () => {
    expect([...zh].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !zh.has(k))).toEqual([]);
  });

  it("have no empty text", () => {
    for (const lang of ["zh-CN", "en"] as const) {
      const empty = keys(messages[lang]).filter((k) => {
        const v = k.split(".").reduce<any>((t, part) => t[part], messages[lang]);
        return typeof v === "string" && v.trim() === "";
      });
      expect(empty, lang).toEqual([]);
    }
  });

  it("hold every key the sources name literally", () => {
    // t("a.b"), $t('a.b'), title: "nav.x", label: "agent.y" — literal keys with a namespace.
    const used = new Set<string>();
    const pattern = /\b(?:\$?t|title|label|tk)\(?\s*[:(]?\s*["'`]([a-zA-Z][\w-]*\.[\w.-]+)["'`]/g;
    for (const file of sources(join(import.meta.dirname, ".."))) {
      for (const m of readFileSync(file, "utf8").matchAll(pattern)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((k) => !zh.has(k)).sort()).toEqual([]);
  });
});
