#!/usr/bin/env bash
# `closer fit` at scale (docs/research.md, "Guards"): the default (rhythm test, intervals, gate)
# against the point fit (`--intervals none`) at about 168 thousand and 1.69 million events, and
# the point fit with 24, 144 and 1440 daily bins at 1.69 million. The logs are the hawkes-rs
# anchor's process, simulated by closer-model (bench_data example, seeded).
#
#   bench/hawkes_fit_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p closer
cargo build -q --profile test-release -p closer-analyze --example bench_data
target="${CARGO_TARGET_DIR:-target}"
work="${TMPDIR:-/tmp}/closer-fit-bench"
mkdir -p "$work"
"$target/test-release/examples/bench_data" hawkes 1e5 > "$work/h1e5.csv"
"$target/test-release/examples/bench_data" hawkes 1e6 > "$work/h1e6.csv"
t() {
  /usr/bin/time -f "$1: %e s wall, %U s user, %S s system" "${@:2}" > /dev/null 2> >(grep -v '^closer fit:' >&2)
}
for h in 1e5 1e6; do
  t "point fit $h" "$target/release/closer" fit "$work/h$h.csv" --intervals none --json
  t "default $h" "$target/release/closer" fit "$work/h$h.csv" --json
done
for b in 24 144 1440; do
  t "point fit 1e6, $b bins" "$target/release/closer" fit "$work/h1e6.csv" --daily-baseline "$b" --intervals none --json
done
