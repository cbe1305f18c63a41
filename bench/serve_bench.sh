#!/usr/bin/env bash
# Latency of `closer serve` under load from a second process on loopback (issue 13):
# p99 at 500 requests/s on the home and on flow pages, and the what-if page uncached.
# Bounded: each run is at most SECONDS long (default 10) at a fixed rate; it stops by itself.
#
#   bench/serve_bench.sh [SECONDS]
#
# The load generator (crates/web/examples/load.rs) schedules requests at a fixed rate (open
# loop) over 32 keep-alive connections and measures each latency from its scheduled start.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
cargo build --release --locked -p closer -q
cargo build --release --locked -p closer-web --example load -q
OUT=$(mktemp)
./target/release/closer serve --addr 127.0.0.1:0 --quiet >"$OUT" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$OUT"' EXIT
for _ in $(seq 50); do grep -q '^listening on' "$OUT" && break; sleep 0.1; done
BASE=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$OUT" | head -1)
echo "closer serve at $BASE ($(nproc) cores; load generator on the same machine)"
LOAD=./target/release/examples/load
$LOAD "$BASE" home 500 "$SECS"
$LOAD "$BASE" walk 500 "$SECS"
$LOAD "$BASE" walk-step 500 "$SECS"
$LOAD "$BASE" model 10 "$SECS"
