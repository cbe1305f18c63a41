#!/usr/bin/env bash
# The calibration study behind the dyadic VAR(1)'s minimum number of days
# (closer_analyze::series::var1::MIN_DAYS): coverage of the four slopes' 95% t intervals over
# 4,000 simulated dyads per cell, four designs, 20-100 days. About 16 s of running after the
# test-release build.
# Usage: bench/series_var1_coverage.sh   (from the repository root)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cargo test --profile test-release -q -p closer-analyze --manifest-path "$ROOT/Cargo.toml" \
  --lib series::var1::tests::var1_coverage_study -- --ignored --nocapture
