import { solve, type Progress } from "./pow";
import type { WorkerReply } from "./pow.worker";

/**
 * Solves a challenge in a Web Worker; on the page's thread where workers are unavailable or the
 * worker fails to start.
 */
export function solveChallenge(
  challenge: string,
  bits: number,
  onProgress: (p: Progress) => void,
): Promise<string> {
  if (typeof Worker === "undefined") return solve(challenge, bits, onProgress);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./pow.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const m = event.data;
      if (m.type === "progress") return onProgress(m);
      worker.terminate();
      if (m.type === "done") resolve(m.nonce);
      else reject(new Error(m.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      solve(challenge, bits, onProgress).then(resolve, reject);
    };
    worker.postMessage({ challenge, bits });
  });
}
