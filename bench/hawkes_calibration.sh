#!/usr/bin/env bash
# The calibration study of `closer fit` (docs/research.md, "## Point-process fits"):
# recovery and 95% profile-interval coverage at about 200, 1,000 and 10,000 events, and false
# excitation under constant-rate and daily-rhythm-only null data, with and without the daily
# baseline. Prints Markdown tables on stdout.
#
#   bench/hawkes_calibration.sh [REPS] [REPS_AT_10K]     (defaults 200 and 100)
#   bench/hawkes_calibration.sh gate [REPS] [B] [REPS_10K]
#   bench/hawkes_calibration.sh rhythm [REPS] [B] [SIZES…]
#       the daily-rhythm test (its size on excited, rhythm-free logs, its power) and the default
#       path of `closer fit` (findings on rhythm-only logs); B = 0 runs the test alone.
#       Small run (committed): rhythm 50 39 200 1000, and rhythm 400 0 200 1000.
#       Full size: rhythm 400 39 200 1000 10000.
#   bench/hawkes_calibration.sh large [REPS] [EVENTS]
#       the long-log path: observed-information intervals checked against the profile, and the
#       sequential gate, against the profile intervals and the full gate on the same logs.
#       Small run (committed): large 40 20000. Full size: large 200 20000 and large 100 100000.
#
# Optimised build (the test-release profile: release without LTO). Takes about six minutes on two
# cores at the defaults; seeded, so the same arguments give the same tables.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --profile test-release -p closer-analyze --example hawkes_calibration
target="${CARGO_TARGET_DIR:-target}"
case "${1:-}" in
  gate|rhythm|large) exec "$target/test-release/examples/hawkes_calibration" "$@" ;;
  *) exec "$target/test-release/examples/hawkes_calibration" "${1:-200}" "${2:-100}" ;;
esac
