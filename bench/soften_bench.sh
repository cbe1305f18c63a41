#!/usr/bin/env sh
# Times the softener (issue 10) in release on the committed corpora: the first call (which
# trains the two small models) and per-message mean / p50 / p99 / max of `soften`, with the
# machine's load average (the numbers depend on it). Goal: well under 1 ms per message.
# Usage: bench/soften_bench.sh   (from the workspace root)
set -eu
cd "$(dirname "$0")/.."
cargo build --release -q -p closer-guide --example soften_time
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
for f in crates/guide/tests/soften_corpus/dev_issue10.csv \
         crates/guide/tests/soften_corpus/held_out_issue10_round*.csv; do
    ./target/release/examples/soften_time "$f"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
