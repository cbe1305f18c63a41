#!/usr/bin/env bash
# Benchmark: score all 51,491 rows of the public ECR data (1-5, 0 = not answered) with alphas,
# SEM and item-total correlations, with a release build of `closer`; side by side with a plain
# Python (standard library) computation of the same alphas, the kind of script a researcher
# without R might write. Reports wall time per run (best and median of N runs).
#
# Usage: bench/measure.sh [RUNS]   (from the repository root; ../shared must be beside it)
# Env:   CARGO_TARGET_DIR (default target), PYTHON (default python3)
set -euo pipefail
RUNS=${1:-7}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/../shared/data/ecr/ECR-data-1March2018_data.csv"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PY=${PYTHON:-python3}
[ -f "$DATA" ] || { echo "missing $DATA" >&2; exit 2; }

cargo build --release -p closer --manifest-path "$ROOT/Cargo.toml" >&2
BIN="$TARGET/release/closer"

time_runs() { # label, command...
  local label=$1; shift
  local ts=()
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    ts+=("$(echo "$e - $s" | bc -l)")
  done
  printf '%s\n' "${ts[@]}" | sort -g | awk -v l="$label" '{a[NR]=$1} END {printf "%-44s best %.3f s  median %.3f s  (%d runs)\n", l, a[1], a[int((NR+1)/2)], NR}'
}

echo "ECR public data: $(($(wc -l <"$DATA") - 1)) rows"
time_runs "closer assess score (text summary)" \
  "$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA"
time_runs "closer assess score --json (every row)" \
  "$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA" --json
time_runs "python3 stdlib alphas (complete rows)" "$PY" "$ROOT/bench/measure_reference.py" "$DATA"

echo
echo "closer's summary:"
"$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA" | sed -n '/subscale/,/^$/p'
echo "python reference (rows complete on all 36 items):"
"$PY" "$ROOT/bench/measure_reference.py" "$DATA"
