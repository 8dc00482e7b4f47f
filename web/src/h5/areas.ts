import { call } from "./http";

// The area tree for the place pickers (GET /api/v1/areas): districts at the top, their streets
// and townships below. Loaded once per page.
export interface Area {
  code: string;
  name: string;
  parent: string;
}

let loading: Promise<Area[]> | null = null;

export function loadAreas(): Promise<Area[]> {
  loading ??= call<{ areas?: Area[] }>("/api/v1/areas")
    .then((r) => r.areas ?? [])
    .catch((e) => {
      loading = null;
      throw e;
    });
  return loading;
}

export function districtsOf(areas: Area[]): Area[] {
  return areas.filter((a) => !a.parent).sort((a, b) => a.code.localeCompare(b.code));
}

export function streetsOf(areas: Area[], district: string): Area[] {
  return areas.filter((a) => a.parent === district && district).sort((a, b) => a.code.localeCompare(b.code));
}
