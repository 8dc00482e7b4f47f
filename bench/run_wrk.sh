#!/usr/bin/env bash
# make bench-intake-wrk: durable intake over HTTP measured by wrk (an independent, event-driven
# load generator from Debian) against `jiesu serve` on a fresh database: 2 wrk threads, 64
# connections. Ends with name=value lines. Usage: bench/run_wrk.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq wrk >/dev/null
fi
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
./build/release/src/cli/jiesu serve --config config/demo-beijing --db "$dir/j.db" \
  --listen 127.0.0.1:0 --demo >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$dir/serve.log" | head -n1 | sed 's/.*://') || true
  [ -n "${port:-}" ] && break
  sleep 0.1
done
[ -n "${port:-}" ] || { cat "$dir/serve.log"; exit 1; }
JIESU_TOKEN=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"agent1","password":"jiesu-demo"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export JIESU_TOKEN
wrk -t2 -c64 -d"${seconds}s" -s bench/intake.lua --latency "http://127.0.0.1:$port" | tee "$dir/wrk.txt"
ms() {  # wrk prints 8.35ms, 1.02s or 950.00us
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else print v*1000 }'
}
grep -q 'Non-2xx' "$dir/wrk.txt" && { echo "some requests failed"; exit 1; }
echo "wrk_intake_orders_per_s=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$dir/wrk.txt")"
echo "wrk_intake_p50_ms=$(ms "$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")")"
echo "wrk_intake_p99_ms=$(ms "$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")")"
