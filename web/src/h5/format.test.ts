import { expect, it } from "vitest";
import { formatTime } from "./format";

it("shows server times on the city's clock", () => {
  expect(formatTime("2026-12-05T16:30:59.123+08:00")).toBe("2026-12-05 16:30");
  expect(formatTime("2026-12-05T23:59:00Z")).toBe("2026-12-05 23:59");
  expect(formatTime(undefined)).toBe("");
  expect(formatTime("soon")).toBe("soon");
});
