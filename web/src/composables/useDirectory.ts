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

export interface Category {
  code: string;
  name: string;
}
export interface CategoryNode {
  [key: string]: unknown;
  value: string;
  label: string;
  children?: CategoryNode[];
}
const categories = ref<Category[]>([]);
let categoriesLoading: Promise<void> | null = null;

function loadCategories(): Promise<void> {
  categoriesLoading ??= api.GET("/api/v1/taxonomy").then(({ data }) => {
    const list = (data as { categories?: Category[] } | undefined)?.categories;
    if (list) categories.value = list;
    else categoriesLoading = null;
  }, () => {
    categoriesLoading = null;
  });
  return categoriesLoading;
}

/** The category tree: each level adds two digits to its parent's code. */
export function categoryTree(list: Category[]): CategoryNode[] {
  const byCode = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const c of [...list].sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code))) {
    const node: CategoryNode = { value: c.code, label: c.name };
    byCode.set(c.code, node);
    const parent = byCode.get(c.code.slice(0, -2));
    if (c.code.length > 2 && parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
const categoryTreeNow = computed(() => categoryTree(categories.value));

const areaByCode = computed(() => new Map(areas.value.map((a) => [a.code, a])));
const unitById = computed(() => new Map(units.value.map((u) => [u.id, u])));
const districts = computed(() => areas.value.filter((a) => a.parent === ""));

export function useDirectory(
  opts: { areas?: boolean; units?: boolean; categories?: boolean } = { areas: true, units: true },
) {
  const ready = Promise.all([
    opts.areas === false ? Promise.resolve() : loadAreas(),
    opts.units === false ? Promise.resolve() : loadUnits(),
    opts.categories ? loadCategories() : Promise.resolve(),
  ]).then(() => undefined);
  return {
    ready,
    areas,
    units,
    districts,
    streetsOf: (district: string) => areas.value.filter((a) => a.parent === district && district !== ""),
    areaName: (code: string | null | undefined) => (code ? (areaByCode.value.get(code)?.name ?? code) : ""),
    unitName: (id: string | null | undefined) => (id ? (unitById.value.get(id)?.name ?? id) : ""),
    /** The category tree for pickers (load with `categories: true`). */
    categoryTree: categoryTreeNow,
  };
}

/** For tests: forget what was fetched. */
export function resetDirectory(): void {
  areas.value = [];
  units.value = [];
  categories.value = [];
  areasLoading = null;
  unitsLoading = null;
  categoriesLoading = null;
}
