import { useI18n } from "vue-i18n";
import type { Schemas } from "@/api/client";

// The enums the API speaks in (order and leg states, channels, request types …), each with
// its label from src/locales/<lang>/labels.json. A value the labels do not know (a newer
// server, a configured role) is shown as it is rather than as a missing-key path.

export const ORDER_STATES: Schemas["OrderState"][] = [
  "received",
  "answered_directly",
  "rejected",
  "dispatching",
  "in_progress",
  "replied",
  "visiting",
  "closed",
  "reopened",
  "merged",
];
export const LEG_STATES: Schemas["LegState"][] = [
  "pending_sign",
  "signed",
  "handling",
  "replied",
  "return_requested",
  "returned",
  "extension_requested",
  "sub_dispatched",
  "cancelled",
];
export const CHANNELS: Schemas["Channel"][] = [
  "phone",
  "web",
  "app",
  "open_api",
  "open311",
  "email",
  "sms",
  "import",
  "offline",
  "police_110",
  "superior",
  "grid",
  "trusted_reporter",
];
export const REQUEST_TYPES: Schemas["RequestType"][] = [
  "consult",
  "help",
  "complaint",
  "report",
  "suggestion",
  "praise",
  "other",
];
export const URGENCIES: Schemas["Urgency"][] = ["normal", "urgent", "critical"];

/** The label groups of labels.json. */
export type LabelGroup =
  | "orderState"
  | "legState"
  | "channel"
  | "requestType"
  | "urgency"
  | "legRole"
  | "eventType"
  | "satisfaction"
  | "replyResult"
  | "cardKind"
  | "role";

export function useLabels() {
  const { t, te } = useI18n();
  const label = (group: LabelGroup, value: string | null | undefined): string => {
    if (value === null || value === undefined || value === "") return "";
    const key = `labels.${group}.${value}`;
    return te(key) || te(key, "zh-CN") ? t(key) : value;
  };
  return {
    label,
    orderState: (v?: string | null) => label("orderState", v),
    legState: (v?: string | null) => label("legState", v),
    channel: (v?: string | null) => label("channel", v),
    requestType: (v?: string | null) => label("requestType", v),
    urgency: (v?: string | null) => label("urgency", v),
    legRole: (v?: string | null) => label("legRole", v),
    eventType: (v?: string | null) => label("eventType", v),
    satisfaction: (v?: string | null) => label("satisfaction", v),
    replyResult: (v?: string | null) => label("replyResult", v),
    cardKind: (v?: string | null) => label("cardKind", v),
    role: (v?: string | null) => label("role", v),
    yesNo: (v: boolean | null | undefined) =>
      v === null || v === undefined ? "" : t(v ? "labels.yes" : "labels.no"),
  };
}
