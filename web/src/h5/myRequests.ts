// "My requests": the tracking codes and access keys this browser has received, so the citizen
// can follow them without copying anything. Newest first; a code is kept once.
export interface MyRequest {
  code: string;
  key: string;
  createdAt: string;
  excerpt: string;
}

const STORAGE_KEY = "jiesu.h5.requests";
const MAX = 50;

export function myRequests(): MyRequest[] {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]") as unknown;
    return Array.isArray(list)
      ? list.filter((r): r is MyRequest => typeof r?.code === "string" && typeof r?.key === "string")
      : [];
  } catch {
    return [];
  }
}

export function rememberRequest(r: MyRequest): void {
  const list = [r, ...myRequests().filter((x) => x.code !== r.code)].slice(0, MAX);
  localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
}

export function forgetRequest(code: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(myRequests().filter((x) => x.code !== code)));
}

export function findRequest(code: string): MyRequest | undefined {
  return myRequests().find((r) => r.code === code);
}

/** The first characters of a text, for a list. */
export function excerpt(text: string, n = 40): string {
  const chars = [...text.trim().replace(/\s+/g, " ")];
  return chars.length > n ? `${chars.slice(0, n).join("")}…` : chars.join("");
}
