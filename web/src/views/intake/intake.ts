import { api, must, newIdempotencyKey, CallError, type Schemas } from "@/api/client";

// The agent console's form and what happens when it is sent, apart from the page so it can be
// tested without a browser.

export type Order = Schemas["Order"];
export type Intake = Schemas["Intake"];

export interface IntakeDraft {
  /** Idempotency-Key of this draft: a second click or a retry returns the same order. */
  key: string;
  phone: string;
  name: string;
  anonymous: boolean;
  occurredAt: string;
  district: string;
  street: string;
  address: string;
  title: string;
  content: string;
  requestType: Schemas["RequestType"] | "";
  urgency: Schemas["Urgency"];
  category: string;
  confidential: boolean;
  tags: string[];
}

export function emptyDraft(): IntakeDraft {
  return {
    key: newIdempotencyKey(),
    phone: "",
    name: "",
    anonymous: false,
    occurredAt: "",
    district: "",
    street: "",
    address: "",
    title: "",
    content: "",
    requestType: "",
    urgency: "normal",
    category: "",
    confidential: false,
    tags: [],
  };
}

/** What the agent does with the call once the form is filled. */
export type Outcome =
  | { kind: "send" } // 转派单: to the dispatchers
  | { kind: "relate"; code: string } // 关联: to the dispatchers, naming the related order
  | { kind: "dispatch"; lead_unit: string; co_units: string[] } // 派单 straight to units
  | { kind: "answer"; text: string } // 直接答复
  | { kind: "reject"; reason: string; proper_channel: string } // 不予受理
  | { kind: "merge"; parent: number }; // 并单

export type FieldErrors = Partial<Record<"phone" | "content" | "place" | "category", string>>;

const PHONE = /^\+?[0-9][0-9 -]{4,30}$/;

/** Message keys of what is missing or wrong for `outcome`; empty when the form may go. */
export function validate(d: IntakeDraft, outcome: Outcome["kind"]): FieldErrors {
  const e: FieldErrors = {};
  if (!d.content.trim()) e.content = "intake.errors.content";
  if (!d.anonymous && !PHONE.test(d.phone.trim())) e.phone = "intake.errors.phone";
  const handled = outcome === "send" || outcome === "relate" || outcome === "dispatch";
  if (handled && !d.district && !d.address.trim()) e.place = "intake.errors.place";
  if (outcome === "dispatch" && !d.category) e.category = "intake.errors.category";
  return e;
}

/** The API's field path (e.g. "caller.phone") as the form's field. */
export function fieldOf(apiField: string | undefined): keyof FieldErrors | undefined {
  if (!apiField) return undefined;
  if (apiField.startsWith("caller")) return "phone";
  if (apiField.startsWith("location")) return "place";
  if (apiField === "content" || apiField === "title") return "content";
  if (apiField === "category") return "category";
  return undefined;
}

export function toIntake(d: IntakeDraft): Intake {
  const body: Intake = { channel: "phone", content: d.content.trim(), urgency: d.urgency };
  if (d.title.trim()) body.title = d.title.trim();
  if (d.requestType) body.request_type = d.requestType;
  if (d.category) body.category = d.category;
  if (d.confidential) body.confidential = true;
  if (d.tags.length) body.requester_tags = d.tags;
  if (d.occurredAt) body.occurred_at = new Date(d.occurredAt).toISOString();
  body.caller = d.anonymous
    ? { anonymous: true, ...(d.name.trim() ? { name: d.name.trim() } : {}) }
    : { phone: d.phone.trim(), ...(d.name.trim() ? { name: d.name.trim() } : {}) };
  const location: Schemas["Location"] = {};
  if (d.street) location.street_code = d.street;
  else if (d.district) location.district_code = d.district;
  if (d.address.trim()) location.address = d.address.trim();
  if (Object.keys(location).length) body.location = location;
  return body;
}

type OrderAction = "answer" | "reject" | "send-to-dispatch" | "dispatch" | "merge";

function transition(o: Outcome): { action: OrderAction; body: Schemas["TransitionBody"] } {
  switch (o.kind) {
    case "send":
      return { action: "send-to-dispatch", body: {} };
    case "relate":
      return { action: "send-to-dispatch", body: { reason: `关联工单 ${o.code}` } };
    case "answer":
      return { action: "answer", body: { text: o.text } };
    case "reject":
      return {
        action: "reject",
        body: o.proper_channel ? { reason: o.reason, proper_channel: o.proper_channel } : { reason: o.reason },
      };
    case "merge":
      return { action: "merge", body: { parent: o.parent } };
    case "dispatch":
      return {
        action: "dispatch",
        body: { lead_unit: o.lead_unit, ...(o.co_units.length ? { co_units: o.co_units } : {}) },
      };
  }
}

async function post(id: number, action: OrderAction, body: Schemas["TransitionBody"]): Promise<Order> {
  return must(api.POST("/api/v1/orders/{id}/{action}", { params: { path: { id, action } }, body }));
}

/**
 * Records the call and carries out the outcome. The order is created under the draft's
 * Idempotency-Key, so after a lost answer or a double click the retry finds the same order; an
 * outcome already carried out (the order has left `received`) is not tried again.
 */
export async function finish(d: IntakeDraft, outcome: Outcome): Promise<Order> {
  let order = await must(
    api.POST("/api/v1/orders", { body: toIntake(d), params: { header: { "Idempotency-Key": d.key } } }),
  );
  if (order.state !== "received") return order;
  if (outcome.kind === "dispatch") {
    // Dispatch is made from the dispatching state: send first, then dispatch.
    order = await post(order.id!, "send-to-dispatch", {});
  }
  const { action, body } = transition(outcome);
  try {
    return await post(order.id!, action, body);
  } catch (e) {
    // The order exists; say which, so the agent can finish it from the order page.
    if (e instanceof CallError) (e as CallError & { order?: Order }).order = order;
    throw e;
  }
}
