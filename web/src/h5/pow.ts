// The proof of work the public page shows before it submits (GET /api/v1/public/challenge):
// a nonce such that SHA-256 of `challenge + ":" + nonce` starts with `bits` zero bits.
// Runs in a Web Worker (pow.worker.ts) so the page stays responsive; pure so it can be tested.
import { sha256 } from "./sha256";

type Digest = (data: Uint8Array) => Promise<Uint8Array>;

/** crypto.subtle where the browser has it (secure contexts), else the plain-JS SHA-256. */
export function defaultDigest(): Digest {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    return async (data) => new Uint8Array(await subtle.digest("SHA-256", data as BufferSource));
  }
  return async (data) => sha256(data);
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export async function workBits(challenge: string, nonce: string, digest = defaultDigest()): Promise<number> {
  return leadingZeroBits(await digest(new TextEncoder().encode(`${challenge}:${nonce}`)));
}

export interface Progress {
  /** Hashes tried so far. */
  tried: number;
  /** 2^bits: the number of hashes a solution takes on average. */
  expected: number;
}

/**
 * Finds a nonce (decimal, well under the server's 32 characters). Digests run `batch` at a time:
 * crypto.subtle is asynchronous, and one at a time would spend most of the time waiting.
 */
export async function solve(
  challenge: string,
  bits: number,
  onProgress?: (p: Progress) => void,
  batch = 256,
  digest = defaultDigest(),
): Promise<string> {
  if (!Number.isInteger(bits) || bits < 0 || bits > 40) throw new Error(`unsupported bits ${bits}`);
  const expected = 2 ** bits;
  const encoder = new TextEncoder();
  const prefix = `${challenge}:`;
  for (let start = 0; ; start += batch) {
    const digests = await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        digest(encoder.encode(prefix + String(start + i))),
      ),
    );
    for (let i = 0; i < digests.length; i++) {
      if (leadingZeroBits(digests[i]) >= bits) return String(start + i);
    }
    if (onProgress && (start / batch) % 8 === 7) onProgress({ tried: start + batch, expected });
  }
}
