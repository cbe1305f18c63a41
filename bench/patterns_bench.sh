#!/usr/bin/env bash
# `closer patterns` on a million rows (docs/analysis.md, "Speed"): writes the file with the
# bench_data example (340 000 episodes of the calibration study's known chain, about a million
# rows, seeded) and times the whole process, text and JSON, and on a tenth of it.
#
#   bench/patterns_bench.sh [EPISODES]      (default 340000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p closer
cargo build -q --profile test-release -p closer-analyze --example bench_data
target="${CARGO_TARGET_DIR:-target}"
work="${TMPDIR:-/tmp}/closer-patterns-bench"
mkdir -p "$work"
n="${1:-340000}"
"$target/test-release/examples/bench_data" episodes "$n" > "$work/moves.csv"
"$target/test-release/examples/bench_data" episodes "$((n / 10))" > "$work/moves-tenth.csv"
wc -l "$work/moves.csv" "$work/moves-tenth.csv"
for args in "$work/moves.csv" "$work/moves.csv --json" "$work/moves-tenth.csv"; do
  # shellcheck disable=SC2086
  /usr/bin/time -f "patterns $args: %e s wall, %U s user, %S s system" \
    "$target/release/closer" patterns $args > /dev/null
done
