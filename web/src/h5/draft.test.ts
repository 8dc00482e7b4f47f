import { describe, expect, it } from "vitest";
import {
  afterFailure,
  attemptBody,
  attemptFor,
  emptyDraft,
  formFieldOf,
  normalizePhone,
  requestPayload,
  validate,
  validPhone,
  type SubmitDraft,
} from "./draft";

function draft(over: Partial<SubmitDraft> = {}): SubmitDraft {
  return { ...emptyDraft(), content: "小区楼下的路灯坏了一个月", districtCode: "110105", ...over };
}

let n = 0;
const keys = () => `key-${++n}`;

describe("checking the form", () => {
  it("wants text, a place, and a valid phone if one is given", () => {
    expect(validate(draft())).toEqual({});
    expect(validate(draft({ content: "   " })).content).toBe("h5.errors.contentRequired");
    expect(validate(draft({ content: "路灯" })).content).toBe("h5.errors.contentShort");
    expect(validate(draft({ districtCode: "" })).place).toBe("h5.errors.placeRequired");
    expect(validate(draft({ districtCode: "", address: "朝阳路 1 号" })).place).toBeUndefined();
    expect(validate(draft({ districtCode: "", lat: 39.9, lon: 116.4 })).place).toBeUndefined();
    expect(validate(draft({ phone: "12345" })).phone).toBe("h5.errors.phoneInvalid");
    expect(validate(draft({ phone: "139 1234 5678" })).phone).toBeUndefined();
  });

  it("knows phone numbers", () => {
    for (const ok of ["13912345678", "+86 139-1234-5678", "010-12345678", "0755 1234567"]) {
      expect(validPhone(ok), ok).toBe(true);
    }
    for (const bad of ["1391234567", "23912345678", "abc", "139123456789", "12345678"]) {
      expect(validPhone(bad), bad).toBe(false);
    }
    expect(normalizePhone("+86 139-1234-5678")).toBe("13912345678");
  });

  it("maps the server's field to the form's", () => {
    expect(formFieldOf("content")).toBe("content");
    expect(formFieldOf("caller.phone")).toBe("phone");
    expect(formFieldOf("contact.phone")).toBe("phone");
    expect(formFieldOf("location.street_code")).toBe("place");
    expect(formFieldOf("location.address")).toBe("address");
    expect(formFieldOf("challenge")).toBeUndefined();
    expect(formFieldOf(undefined)).toBeUndefined();
  });

  it("sends only what was given", () => {
    expect(requestPayload(draft({ streetCode: "110105001", phone: " 139 1234 5678 " }))).toEqual({
      content: "小区楼下的路灯坏了一个月",
      confidential: false,
      location: { district_code: "110105", street_code: "110105001" },
      contact: { phone: "13912345678" },
    });
    expect(requestPayload(emptyDraft())).toEqual({ content: "", confidential: false });
  });
});

describe("one request per draft", () => {
  const now = new Date("2026-12-08T10:00:00Z");
  const answered = (d: SubmitDraft) => ({
    ...attemptFor(d, keys, now),
    challenge: "ch",
    nonce: "42",
    expiresAt: "2026-12-08T10:05:00Z",
  });

  it("resends the same key and body for the same draft", () => {
    const d = draft();
    d.attempt = answered(d);
    const again = attemptFor(d, keys, now);
    expect(again).toBe(d.attempt);
    expect(attemptBody(again)).toBe(attemptBody(d.attempt));
    expect(JSON.parse(attemptBody(again))).toMatchObject({ challenge: "ch", nonce: "42", content: d.content });
  });

  it("takes a new key when the request changed", () => {
    const d = draft();
    d.attempt = answered(d);
    d.content += "，晚上很黑";
    const next = attemptFor(d, keys, now);
    expect(next.key).not.toBe(d.attempt.key);
    expect(next.challenge).toBe("");
  });

  it("keeps the key but renews a challenge about to expire", () => {
    const d = draft();
    d.attempt = answered(d);
    const later = attemptFor(d, keys, new Date("2026-12-08T10:04:50Z"));
    expect(later.key).toBe(d.attempt.key);
    expect(later.challenge).toBe("");
  });

  it("after a refusal keeps the key without the challenge; without an answer keeps all", () => {
    const d = draft();
    const a = answered(d);
    expect(afterFailure(a, 400)).toMatchObject({ key: a.key, challenge: "" });
    expect(afterFailure(a, 429)).toBe(a);
    expect(afterFailure(a, 0)).toBe(a);
    expect(afterFailure(a, 503)).toBe(a);
    expect(afterFailure(a, 409)).toBeNull();
  });
});
