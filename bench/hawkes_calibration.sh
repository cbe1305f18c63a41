#!/usr/bin/env bash
# The calibration study of `closer fit` (docs/research.md, "## Point-process fits"):
# recovery and 95% profile-interval coverage at about 200, 1,000 and 10,000 events, and false
# excitation under constant-rate and daily-rhythm-only null data, with and without the daily
# baseline. Prints Markdown tables on stdout.
#
#   bench/hawkes_calibration.sh [REPS] [REPS_AT_10K]     (defaults 200 and 100)
#
# Optimised build (the test-release profile: release without LTO). Takes about six minutes on two
# cores at the defaults; seeded, so the same arguments give the same tables.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --profile test-release -p closer-analyze --example hawkes_calibration
target="${CARGO_TARGET_DIR:-target}"
exec "$target/test-release/examples/hawkes_calibration" "${1:-200}" "${2:-100}"
