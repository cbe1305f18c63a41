#!/usr/bin/env bash
# The journal's speed (issue 14): durable single-entry writes per second on SQLite; `closer
# patterns` and `closer report` on 100,000 entries and two years of daily check-ins; export and
# import of the same. Goals: >= 1,000 writes/s; patterns and report < 1 s; export, import < 2 s.
#
#   bench/journal_bench.sh [ENTRIES] [DAYS] [WRITES]     (defaults 100000 730 2000)
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

secs() { # secs COMMAND...: wall seconds of one run
  local s e
  s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc
}

echo "== durable single-entry writes (SQLite, WAL, synchronous=FULL, one transaction each)"
"$HELPER" writes "$T/writes.db" "$WRITES"

echo "== $ENTRIES entries + $DAYS daily check-ins"
"$HELPER" make-export "$T/big.json" "$ENTRIES" "$DAYS"
echo "export file: $(du -h "$T/big.json" | cut -f1)"
echo "import:   $(secs "$BIN" import "$T/big.json" --db "$T/big.db") s"
echo "patterns: $(secs "$BIN" patterns --db "$T/big.db" --json) s"
echo "report:   $(secs "$BIN" report --db "$T/big.db" --out "$T/report.html") s"
echo "export:   $(secs "$BIN" export --db "$T/big.db" --out "$T/again.json") s"
echo "journal:  $(secs "$BIN" journal --db "$T/big.db" --json) s"
