//! The small calibration study, run as a test (the full one is `bench/calibration.sh`): a
//! hundred simulated logs per cell, at 10, 20, 50 and 100 finished episodes, from the known chain,
//! from three kinds of null data, from two couples of the dance model, with ways marked per move,
//! and with distress that persists across days (persistence 0.8). It fails if any finding
//! the product shows (its own minimums applied) covers its truth less than 90% of the time
//! (nominal 95%, within 5 points), or if the way comparison finds a difference in more than 5% of
//! null logs — each bound widened by two Monte Carlo standard errors of a rate estimated from this
//! many logs (at 100 logs: about 4.4 points for coverage and 4.4 for false findings), so that the
//! test fails on a real departure and not on the luck of a hundred draws. The full study, with
//! 1000 logs per cell, holds the bounds themselves (`docs/analysis.md`).
//!
//! Seeded, so it gives the same numbers on every run. The whole small study needs optimised code
//! (about a minute of CPU): run it with `cargo test --profile test-release -p closer-analyze
//! --test calibration`; under the dev profile it is skipped, and a smaller slice of it (two
//! sources, two sizes) runs instead so that every `cargo test` still checks calibration.

use closer_analyze::episodes::MINIMUMS;
use closer_analyze::episodes::calibration::{Spec, run_cell, standard_sources, truth};
use closer_analyze::episodes::chain::PRIOR;

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test calibration"
)]
fn coverage_and_false_findings_stay_within_bounds() {
    // 6: ways marked per move; 7: distress persisting across days (0.8). Persistence 0.95 is
    // reported in docs/analysis.md, where the chain's expected length stays below the bound.
    study(&[0, 1, 2, 3, 4, 5, 6, 7], &[10, 20, 50, 100]);
}

/// The slice that runs in every build: the known chain, the three kinds of null data and ways
/// marked per move, at 10, 20 and 50 episodes (the dance-model couples are the slow part of the
/// study).
#[test]
fn coverage_and_false_findings_slice() {
    study(&[0, 1, 2, 3, 6], &[10, 20, 50]);
}

/// Cells known to be below the 90% bound, each held to its documented floor so that a change
/// that makes it worse fails here (they are reported as not met in docs/analysis.md and issue
/// 12, not hidden): day-to-day persistence 0.8 leaves the chain's expected length at 82% at 50
/// episodes on the ChaCha8 streams (91.5% on the old generator's seed, which was lucky: the
/// original review measured 88.8%). The blocks of days catch a memory the log shows; a calm
/// stretch of a persistent couple shows none (docs/analysis.md, "Distress that persists").
const BELOW_THE_BOUND: &[(&str, &str, f64)] =
    &[("persistent_distress_0.8", "chain expected length", 0.75)];

fn study(sources: &[usize], sizes: &[usize]) {
    let mut failures = Vec::new();
    let mut table = String::new();
    for (si, (name, src)) in standard_sources().into_iter().enumerate() {
        if !sources.contains(&si) {
            continue;
        }
        for &size in sizes {
            let t = truth(&src, size, 5_000 / size, 12.0, 77 + si as u64);
            let cell = run_cell(
                name,
                &src,
                &t,
                Spec {
                    extras: false,
                    size,
                    replicates: 100,
                    minimums: MINIMUMS,
                    draws: 500,
                    prior: PRIOR,
                    seed: 9_000 + (si as u64) * 100 + size as u64,
                },
            );
            for row in &cell.rows {
                if let Some(c) = row.coverage() {
                    table.push_str(&format!(
                        "{name} n={size} {}: {:.2} ({} shown)\n",
                        row.finding, c, row.shown
                    ));
                    let slack = 2.0 * (0.95f64 * 0.05 / row.shown as f64).sqrt();
                    let floor = BELOW_THE_BOUND
                        .iter()
                        .find(|(n, f, _)| *n == name && *f == row.finding)
                        .map_or(0.90, |(_, _, floor)| *floor);
                    if c < floor - slack {
                        failures.push(format!("{name} n={size} {}: coverage {c:.2}", row.finding));
                    }
                }
            }
            if let Some(ff) = cell.way_false_finding.value() {
                table.push_str(&format!(
                    "{name} n={size} way false findings: {ff:.2} ({} shown)\n",
                    cell.way_false_finding.shown
                ));
                let shown = cell.way_false_finding.shown as f64;
                let slack = 2.0 * (0.05f64 * 0.95 / shown).sqrt();
                if ff > 0.05 + slack {
                    failures.push(format!(
                        "{name} n={size} way comparison: false findings {ff:.2}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
    // The study must actually have seen the findings it vouches for.
    assert!(table.contains("chain P(reconnected)") && table.contains("ends reconnected"));
    assert!(table.contains("way false findings"));
}

/// Distress that persists for weeks (persistence 0.95, a memory of about 40 days): the cell where
/// no resampling of a log of a few dozen episodes reaches the bound for every finding
/// (`docs/analysis.md`). With blocks at least twice the log's measured day-to-day memory long and
/// the way comparison widened by their design effect, the comparison keeps its 5% bound (it gave
/// 5.0% and 6.5% at 50 and 100 episodes with ten fixed blocks); the chain's expected length stays below the bound,
/// and this test holds it to the documented floor of 70%, so that a change that makes it worse
/// fails here.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test calibration"
)]
fn persistence_095_keeps_the_way_bound_and_the_documented_floor() {
    let (name, src) = standard_sources()
        .into_iter()
        .nth(8)
        .expect("the 0.95 source");
    assert_eq!(name, "persistent_distress_0.95");
    let mut table = String::new();
    // At 20 episodes the product's minimum of ten comparable episodes per group is rarely met;
    // 50 and 100 are where the comparison is shown.
    for size in [50, 100] {
        let t = truth(&src, size, 5_000 / size, 12.0, 85);
        let cell = run_cell(
            name,
            &src,
            &t,
            Spec {
                extras: false,
                size,
                replicates: 200,
                minimums: MINIMUMS,
                draws: 500,
                prior: PRIOR,
                seed: 9_800 + size as u64,
            },
        );
        let ff = cell
            .way_false_finding
            .value()
            .expect("the comparison is shown");
        let shown = cell.way_false_finding.shown as f64;
        let slack = 2.0 * (0.05f64 * 0.95 / shown).sqrt();
        table.push_str(&format!(
            "n={size} way false findings {ff:.3} ({shown} shown)\n"
        ));
        assert!(
            shown >= 150.0,
            "n={size}: the comparison shown in {shown} logs"
        );
        assert!(
            ff <= 0.05 + slack,
            "n={size}: false findings {ff:.3}\n{table}"
        );
        let length = cell
            .rows
            .iter()
            .find(|r| r.finding == "chain expected length")
            .and_then(|r| r.coverage())
            .expect("the chain's length is shown");
        table.push_str(&format!("n={size} chain length coverage {length:.3}\n"));
        assert!(
            length >= 0.70,
            "n={size}: chain length {length:.3}\n{table}"
        );
    }
}
