import { describe, expect, it } from "vitest";
import StateTag from "./StateTag.vue";
import { mountWith } from "./__fixtures__/mountWith";

describe("StateTag", () => {
  it("names an order state in words, in either language", () => {
    const zh = mountWith(StateTag, { props: { state: "dispatching" } });
    expect(zh.text()).toBe("待派单");
    expect(zh.attributes("data-state")).toBe("dispatching");
    const en = mountWith(StateTag, { props: { state: "dispatching" }, locale: "en" });
    expect(en.text()).toBe("Awaiting dispatch");
  });

  it("reads a leg state from the leg labels, not the order's", () => {
    const w = mountWith(StateTag, { props: { state: "replied", kind: "leg" } });
    expect(w.text()).toBe("已回复");
    expect(mountWith(StateTag, { props: { state: "pending_sign", kind: "leg" } }).text()).toBe("待签收");
    expect(mountWith(StateTag, { props: { state: "return_requested", kind: "leg" } }).text()).toBe("申请退回");
  });

  it("uses colour only beside the text: states of different meaning differ in both", () => {
    const closed = mountWith(StateTag, { props: { state: "closed" } });
    const reopened = mountWith(StateTag, { props: { state: "reopened" } });
    expect(closed.classes()).toContain("el-tag--success");
    expect(reopened.classes()).toContain("el-tag--danger");
    expect(closed.text()).toBe("已办结");
    expect(reopened.text()).toBe("重办");
  });

  it("shows a state it does not know as the server sent it", () => {
    const w = mountWith(StateTag, { props: { state: "archived" } });
    expect(w.text()).toBe("archived");
    expect(w.classes()).toContain("el-tag--info");
  });
});
