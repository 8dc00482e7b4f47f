// The submit form's draft and the one-request-per-draft rule: the draft (kept in localStorage by
// useDraft) carries the attempt being sent — its Idempotency-Key, the exact body and the answered
// challenge — so a double tap, a retry after a dropped connection or a reload resends the same
// request and the server answers with the first one instead of making a second.

export interface SubmitFields {
  content: string;
  districtCode: string;
  streetCode: string;
  address: string;
  lat: number | null;
  lon: number | null;
  name: string;
  phone: string;
  confidential: boolean;
}

export interface Attempt {
  /** Idempotency-Key of this request. */
  key: string;
  /** The request without the challenge, as JSON: the attempt is reused only for the same one. */
  payload: string;
  /** An answered challenge; empty when a new one must be fetched. */
  challenge: string;
  nonce: string;
  expiresAt: string;
}

export interface SubmitDraft extends SubmitFields {
  attempt: Attempt | null;
}

export const MAX_CONTENT = 2000;
export const MIN_CONTENT = 5;

export function emptyDraft(): SubmitDraft {
  return {
    content: "",
    districtCode: "",
    streetCode: "",
    address: "",
    lat: null,
    lon: null,
    name: "",
    phone: "",
    confidential: false,
    attempt: null,
  };
}

/** Digits only, without a +86 / 0086 country prefix (the server matches phones by digits). */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[\s-]/g, "");
  return digits.replace(/^(\+86|0086)(?=1\d{10}$)/, "");
}

/** A mainland mobile number, or a fixed line with its area code (010-12345678). */
export function validPhone(phone: string): boolean {
  const p = normalizePhone(phone);
  return /^1[3-9]\d{9}$/.test(p) || /^0\d{2,3}\d{7,8}$/.test(p);
}

export type FormField = "content" | "place" | "address" | "name" | "phone";
/** Message keys (h5.errors.*) by field. */
export type FieldErrors = Partial<Record<FormField, string>>;

export function hasPlace(f: SubmitFields): boolean {
  return !!(f.districtCode || f.address.trim() || f.lat !== null);
}

export function validate(f: SubmitFields): FieldErrors {
  const errors: FieldErrors = {};
  const text = f.content.trim();
  if (!text) errors.content = "h5.errors.contentRequired";
  else if ([...text].length < MIN_CONTENT) errors.content = "h5.errors.contentShort";
  else if ([...text].length > MAX_CONTENT) errors.content = "h5.errors.contentLong";
  if (!hasPlace(f)) errors.place = "h5.errors.placeRequired";
  if ([...f.address.trim()].length > 200) errors.address = "h5.errors.addressLong";
  if ([...f.name.trim()].length > 50) errors.name = "h5.errors.nameLong";
  if (f.phone.trim() && !validPhone(f.phone)) errors.phone = "h5.errors.phoneInvalid";
  return errors;
}

/** The form field a server error's `field` names, if the form has one. */
export function formFieldOf(serverField: string | undefined): FormField | undefined {
  if (!serverField) return undefined;
  if (serverField === "content") return "content";
  if (serverField === "location.address") return "address";
  if (serverField.startsWith("location.")) return "place";
  if (/^(contact|caller)\.phone$/.test(serverField)) return "phone";
  if (/^(contact|caller)\.name$/.test(serverField)) return "name";
  return undefined;
}

/** The body of POST /api/v1/public/requests without the challenge, empty parts left out. */
export function requestPayload(f: SubmitFields): Record<string, unknown> {
  const location: Record<string, unknown> = {};
  if (f.streetCode) location.street_code = f.streetCode;
  if (f.districtCode) location.district_code = f.districtCode;
  if (f.address.trim()) location.address = f.address.trim();
  if (f.lat !== null && f.lon !== null) {
    location.lat = f.lat;
    location.lon = f.lon;
  }
  const contact: Record<string, unknown> = {};
  if (f.name.trim()) contact.name = f.name.trim();
  if (f.phone.trim()) contact.phone = normalizePhone(f.phone);
  const body: Record<string, unknown> = { content: f.content.trim(), confidential: f.confidential };
  if (Object.keys(location).length) body.location = location;
  if (Object.keys(contact).length) body.contact = contact;
  return body;
}

/**
 * The attempt to send the draft with: the draft's own when it is for the same request (same
 * key; same challenge unless it has to be renewed), else a new one with a new key.
 */
export function attemptFor(draft: SubmitDraft, newKey: () => string, now = new Date()): Attempt {
  const payload = JSON.stringify(requestPayload(draft));
  const a = draft.attempt;
  if (a && a.payload === payload) {
    // A challenge that is about to expire is renewed; the key stays (the server refuses nothing
    // for a new challenge under a key it never stored).
    const fresh = a.challenge && new Date(a.expiresAt).getTime() - now.getTime() > 15_000;
    return fresh ? a : { ...a, challenge: "", nonce: "", expiresAt: "" };
  }
  return { key: newKey(), payload, challenge: "", nonce: "", expiresAt: "" };
}

/** The body to POST for an attempt whose challenge is answered. */
export function attemptBody(a: Attempt): string {
  const body = JSON.parse(a.payload) as Record<string, unknown>;
  return JSON.stringify({ ...body, challenge: a.challenge, nonce: a.nonce });
}

/**
 * What is left of an attempt after the server refused it: a refusal (4xx) created nothing, so the
 * key may be used again but the challenge is spent or refused; 429 leaves it unspent. Without an
 * answer (network, 5xx) the request may have been made: the attempt is kept whole, to resend.
 * 409 (the key stands for another body) drops it.
 */
export function afterFailure(a: Attempt, status: number): Attempt | null {
  if (status === 409) return null;
  if (status === 429) return a;
  if (status >= 400 && status < 500) return { ...a, challenge: "", nonce: "", expiresAt: "" };
  return a;
}
