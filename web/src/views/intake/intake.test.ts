import { describe, expect, it } from "vitest";
import { emptyDraft, fieldOf, toIntake, validate } from "./intake";

describe("the intake form", () => {
  it("gives every draft its own idempotency key", () => {
    expect(emptyDraft().key).not.toBe(emptyDraft().key);
  });

  it("asks for content and a phone (or anonymity) always, and a place only when units will handle it", () => {
    const d = emptyDraft();
    expect(validate(d, "answer")).toEqual({ content: "intake.errors.content", phone: "intake.errors.phone" });
    d.content = "路灯不亮";
    d.anonymous = true;
    expect(validate(d, "answer")).toEqual({});
    expect(validate(d, "send")).toEqual({ place: "intake.errors.place" });
    d.address = "东华门大街 12 号";
    expect(validate(d, "send")).toEqual({});
    expect(validate(d, "dispatch")).toEqual({ category: "intake.errors.category" });
  });

  it("refuses a phone that is not a number", () => {
    const d = { ...emptyDraft(), content: "x", phone: "call me" };
    expect(validate(d, "answer").phone).toBe("intake.errors.phone");
    expect(validate({ ...d, phone: "+86 139-1111-2222" }, "answer").phone).toBeUndefined();
  });

  it("sends only what was filled, with the street standing for its district", () => {
    const d = {
      ...emptyDraft(),
      phone: " 13911112222 ",
      content: " 暖气不热 ",
      district: "110105",
      street: "110105001",
      confidential: true,
      tags: ["老年人"],
    };
    expect(toIntake(d)).toEqual({
      channel: "phone",
      content: "暖气不热",
      urgency: "normal",
      confidential: true,
      requester_tags: ["老年人"],
      caller: { phone: "13911112222" },
      location: { street_code: "110105001" },
    });
    expect(toIntake({ ...d, anonymous: true, street: "" }).caller).toEqual({ anonymous: true });
    expect(toIntake({ ...d, street: "" }).location).toEqual({ district_code: "110105" });
  });

  it("maps the server's field paths onto the form's fields", () => {
    expect(fieldOf("caller.phone")).toBe("phone");
    expect(fieldOf("location.street_code")).toBe("place");
    expect(fieldOf("content")).toBe("content");
    expect(fieldOf("requester_tags[0]")).toBeUndefined();
  });
});
