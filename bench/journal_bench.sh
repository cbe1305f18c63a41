#!/usr/bin/env bash
# The journal's speed (issue 14): durable single-entry writes per second on SQLite; `closer
# patterns` and `closer report` on 100,000 entries and two years of daily check-ins; export and
# import of the same. Goals: >= 1,000 writes/s; patterns and report < 1 s; export, import < 2 s.
#
#   bench/journal_bench.sh [ENTRIES] [DAYS] [WRITES]     (defaults 100000 730 2000)
#
# Measured 2026-12-06 with PROFILE=dev (opt-level 1) on the shared 2-core machine at load ~18, so
# wall times are inflated; CPU (user + sys) is the fairer figure there:
#   writes: 335/s (disk-bound: `dd oflag=dsync` of 4 KiB blocks does ~190/s on this disk, and
#           synchronous=FULL syncs the WAL at every commit)
#   100,000 entries + 730 check-ins (46 MB export): import 8.9 s wall / 2.9 s CPU, patterns
#   2.5 / 0.8, report 1.2 / 0.5, export 4.1 / 1.6, journal --json 3.9 / 1.3.
# The release run at full size is still to be done on a quiet machine.
#
# Builds the release binary and the bench helper first (several minutes cold). Runs in a
# temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTRIES=${1:-100000}
DAYS=${2:-730}
WRITES=${3:-2000}
PROFILE=${PROFILE:-release}
cargo build -q --profile "$PROFILE" -p closer -p closer-store --example journal_bench
DIR=target/$PROFILE
[ "$PROFILE" = dev ] && DIR=target/debug
BIN=$DIR/closer
HELPER=$DIR/examples/journal_bench
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

run() { # run NAME COMMAND...: one run, wall and CPU seconds (CPU matters on a shared machine)
  local name=$1; shift
  /usr/bin/time -f "$name %e s wall, %U s user + %S s sys" "$@" >/dev/null
}

echo "== durable single-entry writes (SQLite, WAL, synchronous=FULL, one transaction each)"
"$HELPER" writes "$T/writes.db" "$WRITES"

echo "== $ENTRIES entries + $DAYS daily check-ins"
"$HELPER" make-export "$T/big.json" "$ENTRIES" "$DAYS"
echo "export file: $(du -h "$T/big.json" | cut -f1)"
run "import:  " "$BIN" import "$T/big.json" --db "$T/big.db"
run "patterns:" "$BIN" patterns --db "$T/big.db" --json
run "report:  " "$BIN" report --db "$T/big.db" --out "$T/report.html"
run "export:  " "$BIN" export --db "$T/big.db" --out "$T/again.json"
run "journal: " "$BIN" journal --db "$T/big.db" --json
