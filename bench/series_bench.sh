#!/usr/bin/env bash
# The rties 80-dyad pipeline (read + dataPrep, GLLA derivative grid over tau {4,5} x embed
# {3,4,5}, coupled-oscillator fit) timed as a whole `closer series` process, median of RUNS
# runs, against rties' recorded ~7.7 s on this kind of machine (../shared/reference/rties.md:
# dataPrep 1.8-4.6 s + estDerivs 1.5 s + indivClo 4.3 s; we take 7.7 s as the issue does).
#
# Usage: bench/series_bench.sh [RUNS]    (from the repository root; builds in release)
set -euo pipefail
RUNS="${1:-11}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="$ROOT/../shared/data/rties/rties_ExampleDataFull.csv"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
RTIES_SECONDS=7.7

cargo build --release -q -p closer --manifest-path "$ROOT/Cargo.toml"
BIN="$TARGET/release/closer"

time_runs() {
  local label="$1"; shift
  local times=()
  "$BIN" "$@" > /dev/null 2>&1   # warm the page cache
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    "$BIN" "$@" > /dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$label: median ${median} us over $RUNS runs (min $(printf '%s\n' "${times[@]}" | sort -n | head -1) us)"
  LAST_MEDIAN_US=$median
}

time_runs "coupled oscillator (prep + 6-point grid + coupled fit)" \
  series "$DATA" --model coupled-oscillator --taus 4,5 --embeds 3,4,5 --delta 1
CLO_US=$LAST_MEDIAN_US
time_runs "coupled oscillator with uncoupled comparison" \
  series "$DATA" --model coupled-oscillator --compare
time_runs "inertia-coordination, absMaxCC, all three variants" \
  series "$DATA" --model inertia-coordination --compare

awk -v us="$CLO_US" -v r="$RTIES_SECONDS" 'BEGIN {
  s = us / 1e6;
  printf "rties pipeline %.1f s / closer %.4f s = %.0fx faster (goal >= 100x, i.e. < %.0f ms)\n", r, s, r / s, r * 10
}'
