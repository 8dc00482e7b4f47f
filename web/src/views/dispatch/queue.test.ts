import { describe, expect, it } from "vitest";
import { dueFirst, requestReason, waitingLegs, type Order } from "./queue";

describe("the dispatcher's queue", () => {
  it("puts first what falls due first, and at the same moment the more urgent", () => {
    const rows = [
      { id: 1, urgency: "normal", dispatch_due: "2026-12-08T11:00:00+08:00" },
      { id: 2, urgency: "critical", dispatch_due: "2026-12-08T10:30:00+08:00" },
      { id: 3, urgency: "normal", dispatch_due: "2026-12-08T10:00:00+08:00" },
      { id: 4, urgency: "urgent", dispatch_due: "2026-12-08T11:00:00+08:00" },
      { id: 5, urgency: "normal" },
    ] as Order[];
    expect([...rows].sort(dueFirst("dispatch")).map((r) => r.id)).toEqual([3, 2, 4, 1, 5]);
  });

  it("orders extension requests by the reply deadline they would move", () => {
    const order = (id: number, due: string) =>
      ({ id, legs: [{ no: 1, state: "extension_requested", reply_due: due }, { no: 2, state: "handling", reply_due: "2026-01-01T00:00:00+08:00" }] }) as Order;
    const rows = [order(1, "2026-12-20T00:00:00+08:00"), order(2, "2026-12-10T00:00:00+08:00")];
    expect(rows.sort(dueFirst("extensions")).map((r) => r.id)).toEqual([2, 1]);
  });

  it("shows on each tab the legs waiting for its ruling, with the unit's latest reason", () => {
    const order = {
      legs: [
        { no: 1, state: "extension_requested" },
        { no: 2, state: "return_requested" },
      ],
      history: [
        { leg: 1, type: "extension_requested", reason: "第一次" },
        { leg: 1, type: "extension_requested", reason: "需协调物业" },
        { leg: 2, type: "return_requested", reason: "不属本单位" },
      ],
    } as unknown as Order;
    expect(waitingLegs(order, "extensions").map((l) => l.no)).toEqual([1]);
    expect(waitingLegs(order, "returns").map((l) => l.no)).toEqual([2]);
    expect(waitingLegs(order, "dispatch")).toEqual([]);
    expect(requestReason(order, 1, "extension_requested")).toBe("需协调物业");
    expect(requestReason(order, 2, "extension_requested")).toBe("");
  });
});
