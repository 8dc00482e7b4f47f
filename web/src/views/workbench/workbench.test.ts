import { describe, expect, it } from "vitest";
import { cardFor, groupOf, legsOf, nextDeadline, type Leg, type Order } from "./workbench";

const leg = (over: Partial<Leg>): Leg => ({
  no: 1,
  unit: "110105",
  role: "lead",
  state: "pending_sign",
  sign_due: "2026-12-08T10:00:00+08:00",
  contact_due: "2026-12-09T09:00:00+08:00",
  reply_due: "2026-12-15T23:59:59+08:00",
  ...over,
});

describe("the unit's work", () => {
  it("puts each leg state under the step the unit has to take", () => {
    expect(groupOf("pending_sign")).toBe("sign");
    expect(groupOf("handling")).toBe("handle");
    expect(groupOf("extension_requested")).toBe("requests");
    expect(groupOf("sub_dispatched")).toBe("sub");
    expect(groupOf("returned")).toBeNull();
    expect(groupOf("cancelled")).toBeNull();
  });

  it("counts down to the deadline of the next step", () => {
    expect(nextDeadline(leg({}))).toEqual({ due: "2026-12-08T10:00:00+08:00", step: "sign" });
    expect(nextDeadline(leg({ state: "signed" }))?.step).toBe("contact");
    expect(nextDeadline(leg({ state: "signed", contacted_at: "2026-12-08T11:00:00+08:00" }))?.step).toBe("reply");
    expect(nextDeadline(leg({ state: "handling" }))?.step).toBe("reply");
    expect(nextDeadline(leg({ state: "replied" }))).toBeNull();
  });

  it("lists only the unit's own legs, the one due first at the top", () => {
    const orders = [
      { id: 1, legs: [leg({ state: "handling", reply_due: "2026-12-20T00:00:00+08:00" }), leg({ no: 2, unit: "bj.heat" })] },
      { id: 2, legs: [leg({ state: "handling", reply_due: "2026-12-10T00:00:00+08:00" })] },
      { id: 3, legs: [leg({ state: "returned" })] },
    ] as Order[];
    expect(legsOf(orders, "110105").map((i) => i.order.id)).toEqual([2, 1]);
  });

  it("marks a leg yellow or red only for the card of its current deadline", () => {
    const l = leg({ state: "handling" });
    const order = (cards: object[]) => ({ cards }) as Order;
    expect(cardFor(order([{ kind: "reply_yellow", leg: 1, deadline: l.reply_due }]), l)).toBe("yellow");
    expect(cardFor(order([{ kind: "reply_yellow", leg: 1, deadline: l.reply_due }, { kind: "reply_red", leg: 1, deadline: l.reply_due }]), l)).toBe("red");
    // A card for the deadline before an extension, or for another leg, does not count.
    expect(cardFor(order([{ kind: "reply_red", leg: 1, deadline: "2026-12-01T00:00:00+08:00" }]), l)).toBeNull();
    expect(cardFor(order([{ kind: "reply_red", leg: 2, deadline: l.reply_due }]), l)).toBeNull();
  });
});
