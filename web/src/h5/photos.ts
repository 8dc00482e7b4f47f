import { reactive } from "vue";
import { call, PublicError } from "./http";

// Photos chosen on the submit form go up after the request exists
// (POST /api/v1/public/requests/{code}/attachments, the image as the body).
export const MAX_PHOTOS = 5;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type PhotoOutcome =
  | { state: "none" }
  | { state: "uploaded"; count: number }
  | { state: "unavailable"; count: number }
  | { state: "failed"; uploaded: number; failed: number };

/** What became of the photos of the requests sent from this page (by tracking code). */
export const photoOutcomes = reactive<Record<string, PhotoOutcome>>({});

export async function uploadPhotos(
  code: string,
  accessKey: string,
  files: File[],
  onProgress: (done: number) => void,
): Promise<PhotoOutcome> {
  if (files.length === 0) return { state: "none" };
  let uploaded = 0;
  let failed = 0;
  for (const file of files) {
    try {
      await call(`/api/v1/public/requests/${encodeURIComponent(code)}/attachments`, {
        method: "POST",
        raw: file,
        headers: {
          "Content-Type": file.type || "application/octet-stream",
          "X-Access-Key": accessKey,
          "X-File-Name": encodeURIComponent(file.name),
        },
      });
      uploaded++;
    } catch (e) {
      // No such endpoint on this server: nothing else will go either.
      if (e instanceof PublicError && (e.status === 404 || e.status === 405) && uploaded === 0) {
        return { state: "unavailable", count: files.length };
      }
      failed++;
    }
    onProgress(uploaded + failed);
  }
  return failed ? { state: "failed", uploaded, failed } : { state: "uploaded", count: uploaded };
}
