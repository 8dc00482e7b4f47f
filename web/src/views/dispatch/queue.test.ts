import { describe, expect, it } from "vitest";
import { dueFirst, requestReason, waitingLegs, type Order, type Summary } from "./queue";

describe("the dispatcher's queue", () => {
  it("puts the more urgent first, then what falls due or arrived first", () => {
    const rows = [
      { id: 1, urgency: "normal", created_at: "2026-12-08T08:00:00+08:00" },
      { id: 2, urgency: "critical", created_at: "2026-12-08T09:00:00+08:00" },
      { id: 3, urgency: "normal", created_at: "2026-12-08T07:00:00+08:00" },
      { id: 4, urgency: "normal", reply_due: "2026-12-08T06:00:00+08:00", created_at: "2026-12-08T09:30:00+08:00" },
    ] as Summary[];
    expect([...rows].sort(dueFirst).map((r) => r.id)).toEqual([2, 4, 3, 1]);
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
