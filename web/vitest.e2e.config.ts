import { defineConfig } from "vitest/config";

// End-to-end: a real `jiesu serve` with a temporary database and a real Chromium, one server
// per file. Files run one at a time: the machine has two cores and Chromium wants one.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
