import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leadingZeroBits, solve, workBits } from "./pow";
import { sha256 } from "./sha256";

function bitsByNode(challenge: string, nonce: string): number {
  return leadingZeroBits(new Uint8Array(createHash("sha256").update(`${challenge}:${nonce}`).digest()));
}

describe("proof of work", () => {
  it("counts leading zero bits", () => {
    expect(leadingZeroBits(new Uint8Array([0x80]))).toBe(0);
    expect(leadingZeroBits(new Uint8Array([0x01, 0xff]))).toBe(7);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x00, 0x10]))).toBe(19);
    expect(leadingZeroBits(new Uint8Array([0, 0]))).toBe(16);
  });

  it("finds the first nonce with enough zero bits, as the server checks it", async () => {
    const challenge = "1767225600000.0123456789abcdef0123456789abcdef.10.mac";
    const progress: number[] = [];
    const nonce = await solve(challenge, 10, (p) => {
      expect(p.expected).toBe(1024);
      progress.push(p.tried);
    });
    expect(nonce).toMatch(/^\d{1,32}$/);
    expect(bitsByNode(challenge, nonce)).toBeGreaterThanOrEqual(10);
    expect(await workBits(challenge, nonce)).toBe(bitsByNode(challenge, nonce));
    // No smaller nonce would do: the solver did not skip any.
    for (let n = 0; n < Number(nonce); n++) expect(bitsByNode(challenge, String(n))).toBeLessThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("has a plain SHA-256 for pages without crypto.subtle, the same as Node's", async () => {
    const enc = new TextEncoder();
    for (const text of ["", "abc", "挑战:42", "x".repeat(55), "y".repeat(56), "z".repeat(64), "w".repeat(1000)]) {
      const want = createHash("sha256").update(text).digest("hex");
      expect(Buffer.from(sha256(enc.encode(text))).toString("hex"), `${text.length} chars`).toBe(want);
    }
    const challenge = "1767225600000.feedface.8.mac";
    const plain = async (d: Uint8Array) => sha256(d);
    expect(await solve(challenge, 8, undefined, 64, plain)).toBe(await solve(challenge, 8));
  });

  it("answers 0 bits with the first nonce and refuses absurd ones", async () => {
    expect(await solve("c", 0)).toBe("0");
    await expect(solve("c", 64)).rejects.toThrow(/bits/);
  });
});
