import { api, must, type Schemas } from "@/api/client";

// The dispatcher's work lists and the calls behind each decision, apart from the page.

export type Order = Schemas["Order"];
export type Leg = Schemas["Leg"];

export type Tab = "dispatch" | "returns" | "extensions" | "replies";

const URGENCY_RANK: Record<string, number> = { critical: 0, urgent: 1, normal: 2 };

/** The deadline an order on `tab` answers to: what the dispatcher must beat. */
export function dueOf(order: Order, tab: Tab): number {
  const at = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);
  let due = NaN;
  if (tab === "dispatch") due = at(order.dispatch_due);
  else if (tab === "replies") due = at(order.updated_at);
  else {
    const legs = waitingLegs(order, tab).map((l) => at(l.reply_due)).filter((x) => !Number.isNaN(x));
    if (legs.length) due = Math.min(...legs);
  }
  return Number.isNaN(due) ? Infinity : due;
}

/** What falls due first comes first; at the same moment, the more urgent. */
export function dueFirst(tab: Tab): (a: Order, b: Order) => number {
  return (a, b) =>
    dueOf(a, tab) - dueOf(b, tab) ||
    (URGENCY_RANK[a.urgency ?? "normal"] ?? 2) - (URGENCY_RANK[b.urgency ?? "normal"] ?? 2);
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

/** The orders on one tab, due first (each read whole, for its deadlines; a few at a time). */
export async function loadTab(tab: Tab): Promise<Order[]> {
  const query: Record<string, string | number> = { limit: 200 };
  if (tab === "dispatch") query.state = "dispatching";
  else if (tab === "replies") query.state = "replied";
  else query.leg_state = tab === "returns" ? "return_requested" : "extension_requested";
  const d = await must(api.GET("/api/v1/orders", { params: { query: query as never } }));
  const ids = (d.orders ?? []).map((o) => o.id!);
  const orders: Order[] = [];
  for (let i = 0; i < ids.length; i += 6) {
    orders.push(
      ...(await Promise.all(ids.slice(i, i + 6).map((id) => must(api.GET("/api/v1/orders/{id}", { params: { path: { id } } }))))),
    );
  }
  return orders.sort(dueFirst(tab));
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
