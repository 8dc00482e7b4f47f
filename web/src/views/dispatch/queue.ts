import { api, must, type Schemas } from "@/api/client";

// The dispatcher's work lists and the calls behind each decision, apart from the page.

export type Summary = Schemas["OrderSummary"];
export type Order = Schemas["Order"];
export type Leg = Schemas["Leg"];

export type Tab = "dispatch" | "returns" | "extensions" | "replies";

const URGENCY_RANK: Record<string, number> = { critical: 0, urgent: 1, normal: 2 };

/** What falls due first comes first: the more urgent, then the earlier deadline or arrival. */
export function dueFirst(a: Summary, b: Summary): number {
  const u = (URGENCY_RANK[a.urgency ?? "normal"] ?? 2) - (URGENCY_RANK[b.urgency ?? "normal"] ?? 2);
  if (u !== 0) return u;
  const due = (s: Summary) => Date.parse(s.reply_due ?? s.created_at ?? "") || 0;
  return due(a) - due(b);
}

/** The legs of `order` waiting for the dispatcher on `tab`. */
export function waitingLegs(order: Order, tab: Tab): Leg[] {
  const want = tab === "returns" ? "return_requested" : tab === "extensions" ? "extension_requested" : null;
  return want ? (order.legs ?? []).filter((l) => l.state === want) : [];
}

/** The reason the unit gave for its latest request on leg `no` (退回 or 延期). */
export function requestReason(order: Order, no: number, type: "return_requested" | "extension_requested"): string {
  const events = ((order as { history?: Schemas["Event"][] }).history ?? []).filter(
    (e) => e.leg === no && e.type === type,
  );
  return events.at(-1)?.reason ?? "";
}

/** The orders on one tab, due first. */
export async function loadTab(tab: Tab): Promise<Summary[]> {
  const query: Record<string, string | number> = { limit: 200 };
  if (tab === "dispatch") query.state = "dispatching";
  else if (tab === "replies") query.state = "replied";
  else query.leg_state = tab === "returns" ? "return_requested" : "extension_requested";
  const d = await must(api.GET("/api/v1/orders", { params: { query: query as never } }));
  return [...(d.orders ?? [])].sort(dueFirst);
}

export interface Suggested {
  lead_unit: string;
  co_units: string[];
  reason: string;
}

/** The dispatch catalogue's answer for the order's category and place (null when none). */
export async function catalogue(order: { category?: string; street_code?: string; district_code?: string }): Promise<Suggested | null> {
  const area = order.street_code || order.district_code || "";
  const { data, response } = await api.GET("/api/v1/dispatch-suggestion", {
    params: { query: { category: order.category ?? "", area } },
  });
  if (!response.ok || !data?.lead_unit) return null;
  return { lead_unit: data.lead_unit, co_units: data.co_units ?? [], reason: data.reason ?? "" };
}

export function orderAction(
  id: number,
  action: "dispatch" | "accept-reply" | "reject-reply",
  body: Schemas["TransitionBody"],
): Promise<Order> {
  return must(api.POST("/api/v1/orders/{id}/{action}", { params: { path: { id, action } }, body }));
}

export function legAction(
  id: number,
  leg: number,
  action: "approve-return" | "refuse-return" | "approve-extension" | "refuse-extension",
  body: Schemas["TransitionBody"],
): Promise<Order> {
  return must(api.POST("/api/v1/orders/{id}/legs/{leg}/{action}", { params: { path: { id, leg, action } }, body }));
}
