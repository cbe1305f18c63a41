#!/usr/bin/env bash
# The journal's speed (issue 14): durable single-entry writes per second on SQLite; `closer
# patterns` and `closer report` on 100,000 entries and two years of daily check-ins; export and
# import of the same. Goals: >= 1,000 writes/s; patterns and report < 1 s; export, import < 2 s.
#
#   bench/journal_bench.sh [ENTRIES] [DAYS] [WRITES]     (defaults 100000 730 2000)
#
# Durable writes: the default stays WAL + synchronous=FULL (the lead's decision, issue 14): a
# record a person may need for protection must survive a power cut, not only `kill -9`, so every
# acknowledged write waits for the disk's sync. The script therefore measures three numbers:
#   1. the disk's own synced-write ceiling (`dd oflag=dsync`, 4 KiB blocks, in the bench folder);
#   2. closer's durable single-entry writes on that disk (bounded by 1.);
#   3. the same writes on tmpfs (/dev/shm), where a sync costs nothing: what closer's own code
#      costs per write. The 1,000 writes/s target is met by 3. with a wide margin; 2. is the
#      disk's ceiling, not closer's (docs/journal.md).
#
# Measured 2026-12-06, release, full size, under load ~15-19 on the shared 2-core machine
# (docs/journal.md has the table): dd ceiling 157/s; closer on that disk 179/s; closer on tmpfs
# 4,798/s (target >= 1,000); import 0.92 s CPU (2.9 s wall); export 0.65 s CPU; patterns 0.49 s
# CPU; report 0.45 s CPU. Wall times were inflated 2-4x by the other builds.
#
# Builds the release binary and the bench helper first (several minutes cold). Runs in a
# temporary folder, removed at the end. BENCH_DIR picks the disk for 1. and 2. (default: target/).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${1:-100000}
DAYS=${2:-730}
WRITES=${3:-2000}
PROFILE=${PROFILE:-release}
# Two builds: a target flag (--example) alone would leave the closer binary unbuilt.
# SKIP_BUILD=1 uses the binaries already built (e.g. on a loaded machine, after a docs change).
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build -q --profile "$PROFILE" -p closer --bin closer
  cargo build -q --profile "$PROFILE" -p closer-store --example journal_bench
fi
DIR=target/$PROFILE
[ "$PROFILE" = dev ] && DIR=target/debug
BIN=$DIR/closer
HELPER=$DIR/examples/journal_bench
T=$(mktemp -d "${BENCH_DIR:-target}/journal-bench.XXXXXX")
S=$(mktemp -d /dev/shm/journal-bench.XXXXXX)
trap 'rm -rf "$T" "$S"' EXIT

run() { # run NAME COMMAND...: one run, wall and CPU seconds (CPU matters on a shared machine)
  local name=$1; shift
  /usr/bin/time -f "$name %e s wall, %U s user + %S s sys" "$@" >/dev/null
}

echo "== the disk's synced-write ceiling: dd, 1000 x 4 KiB, oflag=dsync (in $T)"
dd if=/dev/zero of="$T/dd.bin" bs=4k count=1000 oflag=dsync 2>&1 | tail -1 |
  awk '{ for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i-1); printf "  %s s: %.0f synced 4 KiB writes/s\n", s, 1000 / s }'
rm -f "$T/dd.bin"

echo "== durable single-entry writes on that disk (SQLite, WAL, synchronous=FULL, one statement each)"
"$HELPER" writes "$T/writes.db" "$WRITES"

echo "== the same on tmpfs (/dev/shm: a sync costs nothing, so this is closer's own cost)"
"$HELPER" writes "$S/writes.db" "$((WRITES * 5))"

echo "== $ENTRIES entries + $DAYS daily check-ins"
"$HELPER" make-export "$T/big.json" "$ENTRIES" "$DAYS"
echo "export file: $(du -h "$T/big.json" | cut -f1)"
run "import:  " "$BIN" import "$T/big.json" --db "$T/big.db"
run "patterns:" "$BIN" patterns --db "$T/big.db" --json
run "report:  " "$BIN" report --db "$T/big.db" --out "$T/report.html"
run "export:  " "$BIN" export --db "$T/big.db" --out "$T/again.json"
run "journal: " "$BIN" journal --db "$T/big.db" --json
