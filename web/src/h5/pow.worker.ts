// The proof-of-work solver off the page's thread: {challenge, bits} in, progress and the nonce out.
import { solve } from "./pow";

export type WorkerRequest = { challenge: string; bits: number };
export type WorkerReply =
  | { type: "progress"; tried: number; expected: number }
  | { type: "done"; nonce: string }
  | { type: "error"; message: string };

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const post = (m: WorkerReply) => (self as unknown as Worker).postMessage(m);
  try {
    const nonce = await solve(event.data.challenge, event.data.bits, (p) =>
      post({ type: "progress", ...p }),
    );
    post({ type: "done", nonce });
  } catch (e) {
    post({ type: "error", message: (e as Error).message });
  }
};
