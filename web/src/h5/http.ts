// The citizen page's calls: plain fetch (no session, no CSRF), so the page carries no API client
// and a 429's Retry-After reaches the message the citizen reads.
import type { components } from "@/api/schema";

export type OrderState = components["schemas"]["OrderState"];

/** A failed public call: the server's error with the status and, for 429, the wait in seconds. */
export class PublicError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
  /** No answer from the server at all (offline, connection dropped). */
  get network(): boolean {
    return this.status === 0;
  }
}

export interface CallOptions {
  method?: "GET" | "POST";
  body?: unknown;
  /** Sent as is (a Blob or File for uploads); else `body` is sent as JSON. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body: BodyInit | undefined = opts.raw;
  if (body === undefined && opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: opts.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      credentials: "omit",
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new PublicError(0, "network", (e as Error).message);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string; field?: string };
    const retry = Number(response.headers.get("Retry-After"));
    throw new PublicError(
      response.status,
      e.code ?? "",
      e.message ?? `HTTP ${response.status}`,
      e.field,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return parsed as T;
}

/** "?a=1&b=2" of the non-empty values. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}
