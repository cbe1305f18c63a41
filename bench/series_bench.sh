#!/usr/bin/env bash
# The rties 80-dyad pipeline (read + dataPrep, GLLA derivative grid over tau {4,5} x embed
# {3,4,5}, coupled-oscillator fit) timed as a whole `closer series` process, median of RUNS
# runs, against rties' recorded ~7.7 s on this kind of machine (../shared/reference/rties.md:
# dataPrep 1.8-4.6 s + estDerivs 1.5 s + indivClo 4.3 s; the issue takes 7.7 s in all).
#
# Wall time is what a user waits; CPU time (user + sys) is reported beside it because on a
# shared machine wall time mostly measures the other processes (the load average is printed).
#
# When R with rties is installed (see bench/rties_reference.R; R_LIBS is honoured), rties' own
# pipeline (read.csv, dataPrep, estDerivs, indivClo) is timed on the same file as well, RTIES_RUNS
# times (default 3), and the ratio is taken against that measurement instead of the recorded one.
#
# Usage: bench/series_bench.sh [RUNS]    (from the repository root; builds in release)
set -euo pipefail
RUNS="${1:-11}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${CLOSER_SHARED:-$ROOT/../shared}/data/rties/rties_ExampleDataFull.csv"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
RTIES_SECONDS=7.7

cargo build --release -q -p closer --manifest-path "$ROOT/Cargo.toml"
BIN="$TARGET/release/closer"
TIMES="$(mktemp)"
trap 'rm -f "$TIMES"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_runs() {
  local label="$1"; shift
  "$BIN" "$@" > /dev/null 2>&1   # warm the page cache
  : > "$TIMES"
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f "%U %S" -a -o "$TIMES" "$BIN" "$@" > /dev/null 2> /dev/null
    t1=$(date +%s%N)
    echo "wall $(( (t1 - t0) / 1000 ))" >> "$TIMES"
  done
  # Wall time in microseconds (from the shell's clock); CPU from /usr/bin/time (10 ms ticks).
  WALL=$(awk '$1 == "wall" {printf "%.4f\n", $2 / 1e6}' "$TIMES" | median)
  CPU=$(awk '$1 != "wall" {print $1 + $2}' "$TIMES" | median)
  echo "$label: median wall ${WALL} s, median CPU ${CPU} s over $RUNS runs"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
time_runs "coupled oscillator (prep + 6-point grid + coupled fit)" \
  series "$DATA" --model coupled-oscillator --taus 4,5 --embeds 3,4,5 --delta 1
CLO_WALL=$WALL; CLO_CPU=$CPU
time_runs "coupled oscillator with uncoupled comparison" \
  series "$DATA" --model coupled-oscillator --compare
time_runs "inertia-coordination, absMaxCC, all three variants" \
  series "$DATA" --model inertia-coordination --compare
time_runs "inertia-coordination, lag 5" \
  series "$DATA" --model inertia-coordination --lag 5
IC_WALL=$WALL; IC_CPU=$CPU
time_runs "inertia-coordination, lag 5, all three variants" \
  series "$DATA" --model inertia-coordination --lag 5 --compare
ICC_WALL=$WALL; ICC_CPU=$CPU

awk -v w="$CLO_WALL" -v c="$CLO_CPU" -v r="$RTIES_SECONDS" 'BEGIN {
  printf "rties recorded %.1f s / closer wall %.4f s = %.0fx; / closer CPU %.3f s = %.0fx (goal >= 100x: < %.0f ms)\n",
    r, w, r / w, c, (c > 0 ? r / c : 0), r * 10
}'

# rties' inertia-coordination pipeline, from the recorded per-step times: dataPrep (1.8 s at
# its fastest) + indivInertCoord (3.9 ms per dyad x 80) = 2.11 s; with the comparison
# (indivInertCoordCompare fits three models per dyad) 1.8 + 3 x 0.31 = 2.74 s.
awk -v w="$IC_WALL" -v c="$IC_CPU" -v w2="$ICC_WALL" -v c2="$ICC_CPU" 'BEGIN {
  printf "IC lag 5: rties recorded 2.11 s / closer wall %.4f s = %.0fx, CPU %.3f s = %.0fx\n", w, 2.112 / w, c, (c > 0 ? 2.112 / c : 0)
  printf "IC lag 5 --compare: rties recorded 2.74 s / closer wall %.4f s = %.0fx, CPU %.3f s = %.0fx\n", w2, 2.736 / w2, c2, (c2 > 0 ? 2.736 / c2 : 0)
}'

if command -v Rscript > /dev/null && Rscript -e 'library(rties)' > /dev/null 2>&1; then
  Rscript "$ROOT/bench/rties_pipeline.R" "$DATA" "${RTIES_RUNS:-3}" 2>/dev/null > "$TIMES"
  R_WALL=$(awk '{print $2}' "$TIMES" | median)
  R_CPU=$(awk '{print $3}' "$TIMES" | median)
  echo "rties measured here (same file, same steps, inside R): median wall ${R_WALL} s, CPU ${R_CPU} s over ${RTIES_RUNS:-3} runs"
  awk -v w="$CLO_WALL" -v c="$CLO_CPU" -v rw="$R_WALL" -v rc="$R_CPU" 'BEGIN {
    printf "rties measured / closer: wall %.0fx, CPU %.0fx (closer timed as a whole process)\n",
      rw / w, (c > 0 ? rc / c : 0)
  }'
else
  echo "rties is not installed here: the ratio above is against its recorded time"
fi
