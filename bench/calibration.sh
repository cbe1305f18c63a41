#!/usr/bin/env bash
# The calibration study of `closer patterns` (docs/analysis.md): coverage of every finding's
# 95% interval and false findings of the way comparison, at 10, 20, 50 and 100 finished episodes,
# from a known episode-level chain, three kinds of null data, two dance-model couples, ways marked
# per move, and distress that persists across days (persistence 0, 0.5, 0.8 and 0.95).
#
#   bench/calibration.sh [REPLICATES] [DRAWS] [TRUTH_EPISODES] > bench/calibration-results.md
#
# Defaults: 1000 replicates per cell, 2000 posterior draws, truth pooled over 200 000 episodes
# per size. Release build; seeded, so the same arguments give the same tables. PRIOR=x runs the
# study with another Dirichlet prior for the chain (the sensitivity table in docs/analysis.md).
# SOURCES=a,b and SIZES=n,m run a slice, for example the small run of the new cells:
#
#   SOURCES=ways_per_move,persistent_distress_0.8,persistent_distress_0.95 SIZES=20,50,100 \
#     bench/calibration.sh 200 500 20000
#
# Each table ends with the sensitivity the chain length's allowance for unseen stretches would
# need for 95% coverage in that cell; LENGTH_SENSITIVITY (crates/analyze/src/episodes/mod.rs) is
# fitted from the worst persistence cell; the next line gives the same for the shares (the most any
# share needs, and which), from which SHARE_SENSITIVITY is fitted. SENSITIVITY=x and
# SHARE_SENSITIVITY=x run the study with other sensitivities (0: the intervals before the
# allowance, which is how both are fitted). SEED_OFFSET=k reruns the same cells on other seeds (the
# fit and its check use different seeds). PROFILE=test-release builds with the test profile
# instead of release (shares the build of `cargo test --profile test-release`).
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-1000}"
draws="${2:-2000}"
truth="${3:-200000}"
profile="${PROFILE:-release}"
cargo build --quiet --profile "$profile" -p closer-analyze --example calibration
bin="${CARGO_TARGET_DIR:-target}/$profile/examples/calibration"
time "$bin" "$reps" "$draws" "$truth"
