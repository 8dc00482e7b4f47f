import { defineConfig } from "vitest/config";

// `make bench-web` (not part of `make test`).
export default defineConfig({
  test: { include: ["bench/**/*.bench.ts"], testTimeout: 600_000, hookTimeout: 120_000 },
});
