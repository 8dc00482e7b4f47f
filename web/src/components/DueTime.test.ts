import { describe, expect, it } from "vitest";
import DueTime from "./DueTime.vue";
import { mountWith } from "./__fixtures__/mountWith";

const past = "2020-01-01T08:00:00.000+08:00";
const future = "2999-01-01T08:00:00.000+08:00";

describe("DueTime", () => {
  it("shows the deadline as the jurisdiction's wall clock", () => {
    const w = mountWith(DueTime, { props: { due: future } });
    expect(w.text()).toBe("2999-01-01 08:00");
    expect(w.find("[data-test=overdue-mark]").exists()).toBe(false);
  });

  it("marks a passed deadline not yet met in words", () => {
    const w = mountWith(DueTime, { props: { due: past } });
    expect(w.find("[data-test=overdue-mark]").text()).toBe("已超期");
    expect(mountWith(DueTime, { props: { due: past }, locale: "en" }).text()).toContain("overdue");
  });

  it("marks a step done after its deadline as late, and one done in time not at all", () => {
    const late = mountWith(DueTime, { props: { due: past, done: "2020-01-02T08:00:00+08:00" } });
    expect(late.find("[data-test=overdue-mark]").text()).toBe("超时完成");
    const inTime = mountWith(DueTime, { props: { due: past, done: "2019-12-31T08:00:00+08:00" } });
    expect(inTime.find("[data-test=overdue-mark]").exists()).toBe(false);
  });

  it("takes the server's overdue flag over the browser's clock, and none for a leg that stopped", () => {
    expect(mountWith(DueTime, { props: { due: future, overdue: true } }).text()).toContain("已超期");
    expect(mountWith(DueTime, { props: { due: past, overdue: false } }).text()).not.toContain("已超期");
    expect(mountWith(DueTime, { props: { due: past, active: false } }).text()).not.toContain("已超期");
  });
});
