import { afterEach, describe, expect, it, vi } from "vitest";
import { uploadPhotos } from "./photos";

function files(n: number): File[] {
  return Array.from({ length: n }, (_, i) => new File([new Uint8Array([i])], `照片${i}.jpg`, { type: "image/jpeg" }));
}
function serve(statuses: number[]) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, headers: init.headers as Record<string, string> });
      const status = statuses.shift() ?? 201;
      return new Response(status < 400 ? "{}" : JSON.stringify({ code: "x", message: "no" }), { status });
    }),
  );
  return seen;
}
afterEach(() => vi.unstubAllGlobals());

describe("photos after the request", () => {
  it("sends each photo with the key and its name", async () => {
    const seen = serve([201, 201]);
    const progress: number[] = [];
    expect(await uploadPhotos("JS1", "key", files(2), (n) => progress.push(n))).toEqual({ state: "uploaded", count: 2 });
    expect(seen.map((s) => s.url)).toEqual([
      "/api/v1/public/requests/JS1/attachments",
      "/api/v1/public/requests/JS1/attachments",
    ]);
    expect(seen[0].headers).toMatchObject({
      "X-Access-Key": "key",
      "X-File-Name": encodeURIComponent("照片0.jpg"),
      "Content-Type": "image/jpeg",
    });
    expect(progress).toEqual([1, 2]);
  });

  it("stops at once on a server without the endpoint", async () => {
    const seen = serve([404]);
    expect(await uploadPhotos("JS1", "key", files(3), () => {})).toEqual({ state: "unavailable", count: 3 });
    expect(seen).toHaveLength(1);
    serve([405]);
    expect((await uploadPhotos("JS1", "key", files(1), () => {})).state).toBe("unavailable");
  });

  it("counts the photos that did not go", async () => {
    serve([201, 413, 500]);
    expect(await uploadPhotos("JS1", "key", files(3), () => {})).toEqual({ state: "failed", uploaded: 1, failed: 2 });
    expect(await uploadPhotos("JS1", "key", [], () => {})).toEqual({ state: "none" });
  });
});
