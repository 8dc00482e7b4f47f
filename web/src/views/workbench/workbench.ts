import { api, must, postFile, type Schemas } from "@/api/client";

// The handling unit's work: its legs across orders, what each waits for, and the calls behind
// each step. Apart from the page so it can be tested without a browser.

export type Order = Schemas["Order"];
export type Leg = Schemas["Leg"];
export type LegState = Schemas["LegState"];

export interface Item {
  order: Order;
  leg: Leg;
}

export type Group = "sign" | "handle" | "requests" | "sub" | "replied";

export const GROUPS: Group[] = ["sign", "handle", "requests", "sub", "replied"];

export function groupOf(state: LegState | undefined): Group | null {
  switch (state) {
    case "pending_sign":
      return "sign";
    case "signed":
    case "handling":
      return "handle";
    case "return_requested":
    case "extension_requested":
      return "requests";
    case "sub_dispatched":
      return "sub";
    case "replied":
      return "replied";
    default:
      return null;
  }
}

/** The deadline the leg's next step answers to, and what that step is. */
export function nextDeadline(leg: Leg): { due: string; step: "sign" | "contact" | "reply" } | null {
  if (leg.state === "pending_sign" && leg.sign_due) return { due: leg.sign_due, step: "sign" };
  if (leg.state === "signed" && !leg.contacted_at && leg.contact_due && leg.reply_due) {
    return Date.parse(leg.contact_due) < Date.parse(leg.reply_due)
      ? { due: leg.contact_due, step: "contact" }
      : { due: leg.reply_due, step: "reply" };
  }
  if (leg.reply_due && leg.state !== "replied" && leg.state !== "cancelled" && leg.state !== "returned") {
    return { due: leg.reply_due, step: "reply" };
  }
  return null;
}

/** The unit's legs in `orders` (several per order when the unit holds more than one). */
export function legsOf(orders: Order[], unit: string): Item[] {
  const items: Item[] = [];
  for (const order of orders) {
    for (const leg of order.legs ?? []) {
      if (leg.unit === unit && groupOf(leg.state) !== null) items.push({ order, leg });
    }
  }
  return items.sort((a, b) => {
    const da = nextDeadline(a.leg)?.due;
    const db = nextDeadline(b.leg)?.due;
    return (da ? Date.parse(da) : Infinity) - (db ? Date.parse(db) : Infinity);
  });
}

/** The yellow or red card the scheduler issued for the leg's current deadline, if any. */
export function cardFor(order: Order, leg: Leg): "yellow" | "red" | null {
  const cards = (order.cards ?? []) as { kind?: string; leg?: number; deadline?: string }[];
  const next = nextDeadline(leg);
  let level: "yellow" | "red" | null = null;
  for (const c of cards) {
    if (c.leg !== leg.no || (next && c.deadline && c.deadline !== next.due)) continue;
    if (c.kind?.endsWith("_red")) level = "red";
    else if (c.kind?.endsWith("_yellow") && level === null) level = "yellow";
  }
  return level;
}

const ACTIVE_STATES = "in_progress,reopened,replied";

/** The orders with a leg of the signed-in unit, with their legs (at most `limit` orders). */
export async function loadWork(limit = 100): Promise<Order[]> {
  const page = await must(api.GET("/api/v1/orders", { params: { query: { state: ACTIVE_STATES, limit } } }));
  const ids = (page.orders ?? []).map((o) => o.id!);
  const orders: Order[] = [];
  // A few at a time: the list is short for one unit, and the server is not flooded.
  for (let i = 0; i < ids.length; i += 6) {
    const batch = await Promise.all(
      ids.slice(i, i + 6).map((id) => must(api.GET("/api/v1/orders/{id}", { params: { path: { id } } }))),
    );
    orders.push(...batch);
  }
  return orders;
}

export type LegAction = "sign" | "contact" | "request-return" | "request-extension" | "sub-dispatch" | "reply";

export function legAction(order: number, leg: number, action: LegAction, body: Record<string, unknown>): Promise<Order> {
  return must(
    api.POST("/api/v1/orders/{id}/legs/{leg}/{action}", {
      params: { path: { id: order, leg, action } },
      body: body as Schemas["TransitionBody"],
    }),
  );
}

export interface Uploaded {
  id: number;
  name: string;
}

/** Uploads one file to the order (photos and PDFs; the server checks type and size). */
export function upload(order: number, file: File): Promise<Uploaded> {
  return postFile<Uploaded>(`/api/v1/orders/${order}/attachments`, file);
}
