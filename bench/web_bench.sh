#!/usr/bin/env bash
# The journal in the browser under load (issue 15): p99 at 200 requests/s on /journal and
# /journal/patterns of one person with ENTRIES entries, load from a second process on loopback;
# then 50 clients writing at once, and a count after (nothing lost).
#
#   bench/web_bench.sh [ENTRIES] [SECONDS] [DB]
#
# Defaults: 100000 entries, 10 s per page, a fresh SQLite file. DB may be a postgres:// URL
# (a fresh schema: add ?options=-c%20search_path%3DNAME). The account is made and its entries
# imported by `journal_load seed` before the server starts; the sign-in starts opening every
# entry in the background and the first request of the session waits for it (timed
# separately); later ones are served from the per-session cache: one query per request reads
# the session and the person's data version together, and the first list page and the
# patterns page are drawn once per data version. The server's CPU time per request is printed
# after each page (from /proc; a PostgreSQL server's own CPU is not in it).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
SECS=${2:-10}
TMP=$(mktemp -d)
DB=${3:-$TMP/web.db}
PP="bench passphrase words"
cargo build --release --locked -p closer -q
cargo build --release --locked -p closer-web --example journal_load -q
LOAD=./target/release/examples/journal_load
OUT=$TMP/serve.out
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT

t0=$(date +%s.%N)
USERNAME=$($LOAD seed "$DB" "$PP" "$N")
t1=$(date +%s.%N)
echo "seeded $N entries in $(echo "$t1 - $t0" | bc) s"

./target/release/closer serve --addr 127.0.0.1:0 --db "$DB" --quiet >"$OUT" 2>&1 &
PID=$!
for _ in $(seq 100); do grep -q '^listening on' "$OUT" && break; sleep 0.1; done
BASE=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$OUT" | head -1)
BASE=${BASE%/}
ADDR=${BASE#http://}
echo "closer serve at $BASE ($(nproc) cores; the load generator on the same machine)"

T=$(curl -s "$BASE/login" | grep -o 'name="t" value="[^"]*"' | sed 's/.*value="//; s/"$//')
COOKIE=$(curl -s -D - -o /dev/null -H "Origin: $BASE" --data-urlencode "t=$T" \
  --data-urlencode "username=$USERNAME" --data-urlencode "passphrase=$PP" "$BASE/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(__Host-s=[^;]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "sign-in failed"; exit 1; }
t0=$(date +%s.%N)
CSRF=$(curl -s -H "Cookie: $COOKIE" "$BASE/journal/new" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
t1=$(date +%s.%N)
echo "the entry form right after the sign-in (while the journal opens in the background): $(echo "$t1 - $t0" | bc) s"

for path in /journal /journal/patterns; do
  w=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE$path")
  echo "first $path of the session (opens $N entries unless the sign-in's background fill has): ${w} s"
done

# The server's CPU time (user + system, in clock ticks) so far: the machine is shared, so the
# CPU time per request shows a change whatever else is running.
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
HZ=$(getconf CLK_TCK)
for path in /journal /journal/patterns; do
  echo "GET $path at 200/s for $SECS s (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
  c0=$(ticks)
  $LOAD get "$ADDR" "$path" "$COOKIE" 200 "$SECS" 16
  c1=$(ticks)
  echo "  server CPU: $(echo "scale=3; ($c1 - $c0) * 1000 / $HZ / (200 * $SECS)" | bc) ms per request"
done
echo "50 clients writing at once (4 entries each):"
$LOAD post "$ADDR" /journal/new "$COOKIE" "csrf=$CSRF&move=reach&feeling=tired&note=bench+words" 50 4
COUNT=$(curl -s -H "Cookie: $COOKIE" -H "Origin: $BASE" --data-urlencode "csrf=$CSRF" \
  --data-urlencode "format=json" --data-urlencode "passphrase=$PP" "$BASE/journal/export" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')
echo "entries after: $COUNT (expected $((N + 200)))"
[ "$COUNT" -eq $((N + 200)) ] || { echo "LOST WRITES"; exit 1; }
