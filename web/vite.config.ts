import { fileURLToPath, URL } from "node:url";
import { defineConfig, type Plugin } from "vite";
import vue from "@vitejs/plugin-vue";
import AutoImport from "unplugin-auto-import/vite";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver, VantResolver } from "unplugin-vue-components/resolvers";

// Vant's icon font names a CDN copy after its inline one; the pages' CSP (font-src 'self' data:)
// forbids the CDN and the browser reports that as an error on every page load: inline only.
const vantIconFontInline: Plugin = {
  name: "vant-icon-font-inline",
  enforce: "pre",
  transform(code, id) {
    if (!/vant\/es\/icon\/index\.css/.test(id)) return undefined;
    return code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/, "");
  },
};

// Two pages: index.html (the working consoles, Element Plus) and h5.html (the citizen page,
// Vant). Components are imported on demand, so each page carries only what it uses.
// `vite` (dev) proxies /api to a `jiesu serve` on JIESU_API (default 127.0.0.1:8345).
export default defineConfig({
  plugins: [
    vantIconFontInline,
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver(), VantResolver()], dts: false }),
  ],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    target: "es2022",
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        h5: fileURLToPath(new URL("./h5.html", import.meta.url)),
      },
    },
  },
  server: {
    proxy: { "/api": `http://${process.env.JIESU_API ?? "127.0.0.1:8345"}` },
  },
});
