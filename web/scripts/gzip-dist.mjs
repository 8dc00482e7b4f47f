// Writes a .gz beside every compressible file of dist/ that gzip makes smaller; `jiesu serve`
// sends it to browsers that accept gzip (node's own zlib: no plugin needed for one loop).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";

const root = new URL("../dist/", import.meta.url).pathname;
const compressible = /\.(js|css|html|json|svg|txt|map)$/;
let files = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const body = readFileSync(path);
      const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
      if (gz.length < body.length) {
        writeFileSync(`${path}.gz`, gz);
        files++;
      }
    }
  }
}
walk(root);
console.log(`gzip-dist: ${files} files`);
