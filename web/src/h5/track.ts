import type { paths } from "@/api/schema";
import { call, type OrderState } from "./http";

type TrackAnswer =
  paths["/api/v1/public/track"]["post"]["responses"]["200"]["content"]["application/json"];

/**
 * POST /api/v1/public/track's answer. `public_reply`, `can_rate` and `reopen_until` come with the
 * citizen's rating (POST /api/v1/public/rate); a server without them leaves them out.
 */
export type TrackResult = TrackAnswer & {
  public_reply?: string;
  can_rate?: boolean;
  reopen_until?: string;
};

export interface Proof {
  access_key?: string;
  phone?: string;
}

export function track(code: string, proof: Proof): Promise<TrackResult> {
  return call<TrackResult>("/api/v1/public/track", { body: { tracking_code: code, ...proof } });
}

export type Satisfaction = "satisfied" | "basically_satisfied" | "unsatisfied";

export interface Rating {
  satisfaction: Satisfaction;
  solved?: boolean;
  comment?: string;
  reopen?: boolean;
}

export function rate(code: string, proof: Proof, rating: Rating): Promise<unknown> {
  return call("/api/v1/public/rate", { body: { tracking_code: code, ...proof, ...rating } });
}

/** A request near the citizen's place (GET /api/v1/public/nearby): what is public about it. */
export interface Nearby {
  tracking_code: string;
  category_name?: string;
  district?: string;
  street?: string;
  state: OrderState;
  created_at: string;
  excerpt: string;
  similar_text?: boolean;
}
