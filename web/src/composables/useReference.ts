import { computed, shallowRef } from "vue";
import { api, must } from "@/api/client";

// Reference data every console needs: the jurisdiction's areas (district → street) and the
// category tree. Fetched once per page load and shared.
export interface Area {
  code: string;
  name: string;
  parent: string;
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

const areas = shallowRef<Area[]>([]);
const categories = shallowRef<Category[]>([]);
let areasLoad: Promise<void> | null = null;
let categoriesLoad: Promise<void> | null = null;

export function loadAreas(): Promise<void> {
  areasLoad ??= must(api.GET("/api/v1/areas")).then((d) => {
    areas.value = (d.areas ?? []) as Area[];
  });
  areasLoad.catch(() => (areasLoad = null));
  return areasLoad;
}

export function loadCategories(): Promise<void> {
  categoriesLoad ??= must(api.GET("/api/v1/taxonomy")).then((d) => {
    categories.value = ((d as { categories?: Category[] }).categories ?? []) as Category[];
  });
  categoriesLoad.catch(() => (categoriesLoad = null));
  return categoriesLoad;
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

export function useReference() {
  const districts = computed(() => areas.value.filter((a) => a.parent === ""));
  const streetsOf = (district: string) => areas.value.filter((a) => a.parent === district && district !== "");
  const areaName = (code: string | undefined) => areas.value.find((a) => a.code === code)?.name ?? code ?? "";
  const categoryName = (code: string | undefined) => categories.value.find((c) => c.code === code)?.name ?? code ?? "";
  const tree = computed(() => categoryTree(categories.value));
  return { areas, categories, districts, streetsOf, areaName, categoryName, tree, loadAreas, loadCategories };
}
