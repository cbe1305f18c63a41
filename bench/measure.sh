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

time_runs() { # label, command... ; wall time and CPU time (user + sys), best and median
  local label=$1; shift
  local tmp; tmp=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -a -o "$tmp" "$@" >/dev/null
  done
  local w c
  w=$(awk '{print $1}' "$tmp" | sort -g | awk '{a[NR]=$1} END {printf "best %.3f s median %.3f s", a[1], a[int((NR+1)/2)]}')
  c=$(awk '{print $2+$3}' "$tmp" | sort -g | awk '{a[NR]=$1} END {printf "best %.3f s median %.3f s", a[1], a[int((NR+1)/2)]}')
  printf '%-40s wall %s | cpu %s (%s runs)\n' "$label" "$w" "$c" "$RUNS"
  rm -f "$tmp"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall time suffers under load; CPU time less so)"
echo "ECR public data: $(($(wc -l <"$DATA") - 1)) rows"
time_runs "closer assess score (text summary)" \
  "$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA"
time_runs "closer assess score --json (every row)" \
  "$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA" --json
time_runs "python3 stdlib alphas (complete rows)" "$PY" "$ROOT/bench/measure_reference.py" "$DATA"

echo
echo "closer's summary:"
"$BIN" assess score --instrument ecr --scale-min 1 --scale-max 5 --missing 0 "$DATA" | sed -n '/^subscale /,/^$/p'
echo "python reference (rows complete on all 36 items):"
"$PY" "$ROOT/bench/measure_reference.py" "$DATA"
