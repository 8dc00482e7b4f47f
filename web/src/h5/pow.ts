// The proof of work the public page shows before it submits (GET /api/v1/public/challenge):
// a nonce such that SHA-256 of `challenge + ":" + nonce` starts with `bits` zero bits.
// Runs in a Web Worker (pow.worker.ts) so the page stays responsive; pure so it can be tested.

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

export async function workBits(challenge: string, nonce: string): Promise<number> {
  const data = new TextEncoder().encode(`${challenge}:${nonce}`);
  return leadingZeroBits(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
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
): Promise<string> {
  if (!Number.isInteger(bits) || bits < 0 || bits > 40) throw new Error(`unsupported bits ${bits}`);
  const expected = 2 ** bits;
  const encoder = new TextEncoder();
  const prefix = `${challenge}:`;
  for (let start = 0; ; start += batch) {
    const digests = await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        crypto.subtle.digest("SHA-256", encoder.encode(prefix + String(start + i))),
      ),
    );
    for (let i = 0; i < digests.length; i++) {
      if (leadingZeroBits(new Uint8Array(digests[i])) >= bits) return String(start + i);
    }
    if (onProgress && (start / batch) % 8 === 7) onProgress({ tried: start + batch, expected });
  }
}
