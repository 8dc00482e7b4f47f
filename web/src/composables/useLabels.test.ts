import { describe, expect, it } from "vitest";
import { defineComponent, h } from "vue";
import { loadMessages } from "@/locales/all";
import { mountWith } from "@/components/__fixtures__/mountWith";
import { CHANNELS, LEG_STATES, ORDER_STATES, REQUEST_TYPES, URGENCIES, useLabels } from "./useLabels";

function labelsIn(locale: "zh-CN" | "en") {
  let got: ReturnType<typeof useLabels> | null = null;
  mountWith(
    defineComponent({
      setup() {
        got = useLabels();
        return () => h("div");
      },
    }),
    { locale },
  );
  return got!;
}

describe("useLabels", () => {
  it("gives the hotline's own words for each enum", () => {
    const l = labelsIn("zh-CN");
    expect(l.orderState("received")).toBe("已受理");
    expect(l.orderState("answered_directly")).toBe("直接办结");
    expect(l.orderState("rejected")).toBe("不予受理");
    expect(l.orderState("merged")).toBe("已并单");
    expect(l.legState("extension_requested")).toBe("申请延期");
    expect(l.legState("signed")).toBe("已签收");
    expect(l.legRole("lead")).toBe("主办");
    expect(l.legRole("co")).toBe("协办");
    expect(l.legRole("sub")).toBe("下派");
    expect(l.urgency("critical")).toBe("特急");
    expect(l.requestType("complaint")).toBe("投诉");
    expect(l.satisfaction("basically_satisfied")).toBe("基本满意");
    expect(l.cardKind("reply_red")).toBe("回复红牌");
    expect(l.cardKind("urge")).toBe("催办");
    expect(l.eventType("sent_to_dispatch")).toBe("转派单");
    expect(l.yesNo(true)).toBe("是");
    expect(l.yesNo(undefined)).toBe("");
  });

  it("switches with the language and falls back to the raw value, never to a key path", () => {
    const l = labelsIn("en");
    expect(l.orderState("in_progress")).toBe("In progress");
    expect(l.channel("police_110")).toBe("110 hand-over");
    expect(l.role("unit_handler")).toBe("Unit handler");
    expect(l.role("night_shift")).toBe("night_shift");
    expect(l.orderState("")).toBe("");
    expect(l.orderState(null)).toBe("");
  });

  it("has a label in both languages for every value of the API's enums", () => {
    const m = loadMessages();
    const groups: [string, string[]][] = [
      ["orderState", ORDER_STATES],
      ["legState", LEG_STATES],
      ["channel", CHANNELS],
      ["requestType", REQUEST_TYPES],
      ["urgency", URGENCIES],
    ];
    for (const lang of ["zh-CN", "en"] as const) {
      const labels = m[lang].labels as Record<string, Record<string, string>>;
      for (const [group, values] of groups) {
        const missing = values.filter((v) => !labels[group]?.[v]);
        expect(missing, `${lang} ${group}`).toEqual([]);
      }
    }
  });
});
