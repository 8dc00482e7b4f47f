import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type ApiError = Schemas["Error"];

// One typed client for every page. The session cookie travels by itself; writes carry the CSRF
// token the server gave at log-in. A 401 on a page that was logged in means the session ended:
// the handler set by the session store sends the user back to log-in (the page's draft stays in
// localStorage, see useDraft).
let csrfToken = "";
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set("X-CSRF-Token", csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    const url = new URL(request.url);
    const isLogin = url.pathname === "/api/v1/auth/session" && request.method === "POST";
    if (response.status === 401 && !isLogin && onUnauthenticated) onUnauthenticated();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(session);

/** The message to show for a failed call: the server's own words, else the HTTP status. */
export function errorMessage(error: unknown, status?: number): string {
  const e = error as Partial<ApiError> | undefined;
  if (e && typeof e.message === "string") return e.message;
  return status ? `HTTP ${status}` : String(error);
}

/** Throws the server's error so callers can `await` a value or catch one failure path. */
export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ApiError>,
  ) {
    super(errorMessage(body, status));
  }
  get field(): string | undefined {
    return this.body.field;
  }
  get code(): string | undefined {
    return this.body.code;
  }
}

export async function must<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    throw new CallError(response.status, (error ?? {}) as Partial<ApiError>);
  }
  return data as T;
}

/** A new idempotency key (one per draft: a second click resends the same request). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * Sends a file as the raw body of a POST (the attachment endpoints), with the session's CSRF
 * token and the file's name percent-encoded in X-File-Name. Returns the server's JSON answer.
 */
export async function postFile<T>(path: string, file: File, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = {
    "Content-Type": file.type || "application/octet-stream",
    "X-File-Name": encodeURIComponent(file.name),
    ...headers,
  };
  if (csrfToken) h["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, { method: "POST", credentials: "same-origin", headers: h, body: file });
  const body = (await response.json().catch(() => ({}))) as Partial<ApiError> & T;
  if (response.status === 401 && onUnauthenticated) onUnauthenticated();
  if (!response.ok) throw new CallError(response.status, body);
  return body;
}
