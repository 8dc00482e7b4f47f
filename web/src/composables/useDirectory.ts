import { computed, ref } from "vue";
import { api } from "@/api/client";

// The jurisdiction's areas (GET /api/v1/areas) and units (GET /api/v1/units), fetched once
// per page load and shared by every component that needs a name for a code. Until they
// arrive (or if the call fails) a code is shown as itself.

export interface Area {
  code: string;
  name: string;
  parent: string;
}
export interface UnitRef {
  id: string;
  name: string;
  parent: string;
}

const areas = ref<Area[]>([]);
const units = ref<UnitRef[]>([]);
let areasLoading: Promise<void> | null = null;
let unitsLoading: Promise<void> | null = null;

function loadAreas(): Promise<void> {
  areasLoading ??= api.GET("/api/v1/areas").then(({ data }) => {
    if (data?.areas) {
      areas.value = data.areas.map((a) => ({
        code: a.code ?? "",
        name: a.name ?? "",
        parent: a.parent ?? "",
      }));
    } else {
      areasLoading = null; // try again next time
    }
  }, () => {
    areasLoading = null;
  });
  return areasLoading;
}

function loadUnits(): Promise<void> {
  unitsLoading ??= api.GET("/api/v1/units").then(({ data }) => {
    if (data?.units) {
      units.value = data.units.map((u) => ({ id: u.id, name: u.name, parent: u.parent }));
    } else {
      unitsLoading = null;
    }
  }, () => {
    unitsLoading = null;
  });
  return unitsLoading;
}

const areaByCode = computed(() => new Map(areas.value.map((a) => [a.code, a])));
const unitById = computed(() => new Map(units.value.map((u) => [u.id, u])));
const districts = computed(() => areas.value.filter((a) => a.parent === ""));

export function useDirectory(opts: { areas?: boolean; units?: boolean } = { areas: true, units: true }) {
  const ready = Promise.all([
    opts.areas === false ? Promise.resolve() : loadAreas(),
    opts.units === false ? Promise.resolve() : loadUnits(),
  ]).then(() => undefined);
  return {
    ready,
    areas,
    units,
    districts,
    streetsOf: (district: string) => areas.value.filter((a) => a.parent === district && district !== ""),
    areaName: (code: string | null | undefined) => (code ? (areaByCode.value.get(code)?.name ?? code) : ""),
    unitName: (id: string | null | undefined) => (id ? (unitById.value.get(id)?.name ?? id) : ""),
  };
}

/** For tests: forget what was fetched. */
export function resetDirectory(): void {
  areas.value = [];
  units.value = [];
  areasLoading = null;
  unitsLoading = null;
}
