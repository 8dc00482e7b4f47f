import { describe, expect, it } from "vitest";
import type { Schemas } from "@/api/client";
import Timeline from "./Timeline.vue";
import { mountWith } from "./__fixtures__/mountWith";
import fixture from "./__fixtures__/order-closed.json";

// The history of a real order (GET /api/v1/orders/{id} of `jiesu serve --demo`, moved from
// intake to closed, with a scheduler card added).
const order = fixture as unknown as Schemas["Order"];
const events = order.history!;
const legs = order.legs!;

describe("Timeline", () => {
  it("shows every event once, oldest first, with the step named in words", () => {
    const w = mountWith(Timeline, { props: { events, legs } });
    const items = w.findAll(".el-timeline-item");
    expect(items).toHaveLength(events.length);
    const seqs = items.map((i) => Number(i.attributes("data-seq")));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const steps = w.findAll(".order-timeline__step").map((s) => s.text());
    expect(steps.slice(0, 4)).toEqual(["受理", "转派单", "派单", "签收"]);
    expect(steps).toContain("同意延期");
    expect(steps).toContain("回访");
    expect(steps).toContain("发出预警");
  });

  it("gives each step its time, actor with role, leg and unit, state change and reason", () => {
    const w = mountWith(Timeline, { props: { events, legs } });
    const signed = w.find('[data-seq="4"]');
    expect(signed.text()).toContain("2026-12-08 08:40");
    expect(signed.text()).toContain("chaoyang1 · 承办人");
    expect(signed.text()).toContain("第1段 · 朝阳区人民政府（主办）");
    expect(signed.text()).toContain("待签收 → 已签收");
    const extension = w.find('[data-type="extension_requested"]');
    expect(extension.text()).toContain("需协调供热公司");
    expect(extension.text()).toContain("2 天");
    const toDispatch = w.find('[data-type="sent_to_dispatch"]');
    expect(toDispatch.text()).toContain("已受理 → 待派单");
    expect(toDispatch.text()).toContain("需派单");
    const dispatched = w.find('[data-type="dispatched"]');
    expect(dispatched.text()).toContain("朝阳区人民政府、北京市热力集团");
    const reply = w.find('[data-seq="10"]');
    expect(reply.text()).toContain("第2段 · 北京市热力集团（协办）");
    expect(reply.text()).toContain("已检修管道");
    expect(reply.text()).toContain("已解决");
  });

  it("names the scheduler's card and the unit it went to", () => {
    const w = mountWith(Timeline, { props: { events, legs } });
    const card = w.find('[data-type="card_issued"]');
    expect(card.text()).toContain("scheduler · 系统");
    expect(card.text()).toContain("签收红牌");
    expect(card.text()).toContain("朝阳区人民政府");
    expect(card.text()).not.toContain("→"); // handling → handling is no change
  });

  it("can show the newest step first, and speaks English", () => {
    const w = mountWith(Timeline, { props: { events, legs, newestFirst: true }, locale: "en" });
    const seqs = w.findAll(".el-timeline-item").map((i) => Number(i.attributes("data-seq")));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(w.find('[data-seq="4"]').text()).toContain("Awaiting sign-off → Signed");
    expect(w.find('[data-seq="4"]').text()).toContain("chaoyang1 · Unit handler");
  });

  it("says so when there is no history", () => {
    const w = mountWith(Timeline, { props: { events: [] } });
    expect(w.findAll(".el-timeline-item")).toHaveLength(0);
    expect(w.text()).toContain("暂无记录");
  });
});
