import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "happy-dom",
      include: ["src/**/*.test.ts"],
      setupFiles: ["src/test-setup.ts"],
      // Element Plus's and Vant's components import their CSS: let Vite (not Node) load them.
      server: { deps: { inline: ["element-plus", "vant"] } },
    },
  }),
);
