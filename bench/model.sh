#!/usr/bin/env bash
# Benchmarks of the dance model, side by side in one run (release build):
#  1. the linear Hawkes special case's simulation throughput against hawkes-rs (PyPI, a Rust
#     core) through ../shared/bench/hawkes_anchor.py, at its parameters (baseline 0.3,0.2;
#     excitation 0.2,0.5;0.6,0.1; decay 1), horizon 1e6: events per second each, and the ratio;
#  2. a sweep of 100,489 imagined couples (a 317×317 grid) × 90 days: `closer sweep`;
#  3. one couple-year for an interactive what-if: `closer simulate --days 365` end to end, and
#     the simulation alone.
# Usage: bench/model.sh   (from the repository root; ../shared beside it)
#   GRID=n runs the sweep on an n × n grid instead of 317 × 317 (a smaller run on a shared
#   machine: the sweep runs 10 seeds per couple, so the full grid is about a million runs);
#   SKIP_ANCHOR=1 skips the hawkes-rs comparison (it installs hawkes-rs in a virtual environment).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
HORIZON="${HORIZON:-1e6}"
GRID="${GRID:-317}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cargo build --release -q -p closer -p closer-model --example model_bench
BIN="$CARGO_TARGET_DIR/release/closer"
EX="$CARGO_TARGET_DIR/release/examples/model_bench"

echo "== 1. linear Hawkes simulation, horizon $HORIZON"
ours="$("$EX" --horizon "$HORIZON" --seed 7)"
echo "closer-model: $ours"
if [ "${SKIP_ANCHOR:-0}" != 1 ]; then
theirs="$(python3 ../shared/bench/hawkes_anchor.py --horizon "$HORIZON" --seed 7 --out "$tmp/anchor.csv")"
echo "hawkes-rs:    $theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
o, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ours = o["events"] / o["simulate_s"]
theirs = t["events"] / t["simulate_s"]
print(f"events/s  closer-model {ours:,.0f}   hawkes-rs {theirs:,.0f}   ratio {ours / theirs:.2f}x")
PY
fi

echo "== 2. sweep: $GRID x $GRID = $((GRID * GRID)) couples x 90 days x 10 seeds ($(nproc) cores; load before: $(cut -d' ' -f1 /proc/loadavg))"
# Wall time and CPU time: on a shared machine the wall time depends on who else is running.
TIMEFORMAT='sweep: %R s wall, %U s user CPU, %S s system CPU'
time "$BIN" sweep --grid "$GRID" --days 90 --json > "$tmp/sweep.json"
python3 - "$tmp/sweep.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print(f"sweep: {len(j['cells'])} couples; counts {j['counts']}")
PY

echo "== 3. one couple-year (A 6,2 with B 2,6), end to end"
TIMEFORMAT='closer simulate --days 365 --json: %R s wall, %U s user CPU'
time "$BIN" simulate --a-anxiety 6 --a-avoidance 2 --b-anxiety 2 --b-avoidance 6 --days 365 --json > /dev/null
echo "(simulation alone and with the mean-field work: couple_year_* in the closer-model line above)"
