import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Middleware } from "openapi-fetch";
import { flushPromises } from "@vue/test-utils";
import { api, type Schemas } from "@/api/client";
import { resetDirectory } from "@/composables/useDirectory";
import OrderDetail from "./OrderDetail.vue";
import { mountWith } from "./__fixtures__/mountWith";
import fixture from "./__fixtures__/order-closed.json";

const order = fixture as unknown as Schemas["Order"];

// The API client keeps the fetch it was made with: answer its calls in a middleware.
const fake: Middleware = {
  onRequest({ request }) {
    const path = new URL(request.url, "http://x").pathname;
    const body =
      path === "/api/v1/areas"
        ? { areas: [{ code: "110105", name: "朝阳区", parent: "" }, { code: "110105001", name: "建外街道", parent: "110105" }] }
        : {};
    return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
  },
};
beforeEach(() => {
  resetDirectory();
  api.use(fake);
});
afterEach(() => api.eject(fake));

describe("OrderDetail", () => {
  it("shows the header, content, place by name, legs and the whole history", async () => {
    const w = mountWith(OrderDetail, { props: { order } });
    await flushPromises();
    expect(w.find("[data-test=order-code]").text()).toBe("JS2026120800000245");
    expect(w.find("[data-test=order-state]").text()).toBe("已办结");
    expect(w.find("[data-test=order-urgency]").text()).toContain("一般");
    expect(w.text()).toContain("投诉");
    expect(w.text()).toContain("供暖");
    expect(w.find("[data-test=order-area]").text()).toBe("朝阳区 / 建外街道");
    expect(w.find("[data-test=order-legs]").text()).toContain("朝阳区人民政府");
    expect(w.find("[data-test=order-legs]").text()).toContain("协办");
    expect(w.findAll(".el-timeline-item")).toHaveLength(order.history!.length);
    expect(w.find("[data-test=order-visits]").text()).toContain("满意");
  });

  it("shows the access log only when given one, and the console's actions in their slot", async () => {
    const without = mountWith(OrderDetail, { props: { order, accessLog: null } });
    expect(without.find("[data-test=order-access-log]").exists()).toBe(false);
    expect(without.find("[data-test=order-actions]").exists()).toBe(false);
    const w = mountWith(OrderDetail, {
      props: { order, accessLog: [{ at: "2026-12-08T08:40:55+08:00", username: "agent1", role: "agent", action: "view_caller" }] },
      slots: { actions: '<button data-test="sign">签收</button>' },
    });
    expect(w.find("[data-test=order-access-log]").text()).toContain("agent1 · 话务员");
    expect(w.find("[data-test=order-access-log]").text()).toContain("查看诉求人信息");
    expect(w.find("[data-test=order-actions] [data-test=sign]").exists()).toBe(true);
  });

  it("shows a confidential order's caller as hidden and marks it 保密", async () => {
    const hidden = { ...order, confidential: true, caller: null, extra_callers: [] } as Schemas["Order"];
    const w = mountWith(OrderDetail, { props: { order: hidden } });
    expect(w.find("[data-test=order-confidential]").text()).toBe("保密");
    expect(w.find("[data-test=caller-hidden]").exists()).toBe(true);
    expect(w.text()).not.toContain("13912345678");
  });
});
