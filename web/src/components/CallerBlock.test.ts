import { describe, expect, it } from "vitest";
import CallerBlock from "./CallerBlock.vue";
import { mountWith } from "./__fixtures__/mountWith";

describe("CallerBlock", () => {
  it("shows the caller in full as the hotline gets it", () => {
    const w = mountWith(CallerBlock, {
      props: { caller: { name: "王小明", phone: "13912345678", anonymous: false }, confidential: false },
    });
    expect(w.find("[data-test=caller-name]").text()).toBe("王小明");
    expect(w.find("[data-test=caller-phone]").text()).toBe("13912345678");
    expect(w.text()).not.toContain("脱敏");
  });

  it("shows a masked caller exactly as masked, and says it is masked", () => {
    const w = mountWith(CallerBlock, {
      props: { caller: { name: "王*", phone: "139****5678", anonymous: false }, confidential: false },
    });
    expect(w.find("[data-test=caller-phone]").text()).toBe("139****5678");
    expect(w.find("[data-test=caller-name]").text()).toBe("王*");
    expect(w.text()).toContain("已脱敏");
  });

  it("shows nothing of a confidential order's caller, only that it is confidential", () => {
    const w = mountWith(CallerBlock, { props: { caller: null, confidential: true } });
    expect(w.find("[data-test=caller-hidden]").exists()).toBe(true);
    expect(w.find("[data-test=caller-phone]").exists()).toBe(false);
    expect(w.text()).toContain("保密");
    expect(w.text()).toContain("仅热线可见");
  });

  it("tells a missing caller from a hidden one, and lists the callers merged in", () => {
    const none = mountWith(CallerBlock, { props: { caller: null } });
    expect(none.text()).toContain("未留诉求人信息");
    expect(none.text()).not.toContain("保密");
    const merged = mountWith(CallerBlock, {
      props: {
        caller: { name: "", phone: "", anonymous: true },
        extraCallers: [{ name: "李*", phone: "138****0000", anonymous: false }],
      },
      locale: "en",
    });
    expect(merged.text()).toContain("anonymous");
    expect(merged.text()).toContain("李* · 138****0000");
  });
});
