import { describe, expect, it } from "vitest";
import { categoryTree } from "./useDirectory";

describe("categoryTree", () => {
  it("nests codes by two digits per level, whatever the order they come in", () => {
    const tree = categoryTree([
      { code: "010104", name: "供暖" },
      { code: "01", name: "城乡建设" },
      { code: "0101", name: "水电气热" },
      { code: "02", name: "环境保护" },
    ]);
    expect(tree).toEqual([
      { value: "01", label: "城乡建设", children: [{ value: "0101", label: "水电气热", children: [{ value: "010104", label: "供暖" }] }] },
      { value: "02", label: "环境保护" },
    ]);
  });

  it("keeps an orphan code at the top rather than dropping it", () => {
    expect(categoryTree([{ code: "0301", name: "交通" }]).map((n) => n.value)).toEqual(["0301"]);
  });
});
