//! The small calibration study, run as a test (the full one is `bench/calibration.sh`): a
//! hundred simulated logs per cell, at 10, 20, 50 and 100 finished episodes, from the known chain,
//! from three kinds of null data, from two couples of the dance model, with ways marked per move,
//! and with distress that persists across days (persistence 0, 0.5 and 0.8). It fails if any
//! finding the product shows (its own minimums applied) covers its truth less than 90% of the time
//! (nominal 95%, within 5 points), or if the way comparison finds a difference in more than 5% of
//! null logs — each bound widened by two Monte Carlo standard errors of a rate estimated from this
//! many logs (at 100 logs: about 4.4 points for coverage and 4.4 for false findings), so that the
//! test fails on a real departure and not on the luck of a hundred draws. The full study, with
//! 1000 logs per cell, holds the bounds themselves (`docs/analysis.md`).
//!
//! The chain's expected length and the shares under distress that persists across days have
//! their own tests (`chain_length_keeps_its_bound_at_every_persistence`,
//! `shares_keep_their_bound_at_every_persistence`): every persistence cell, 0 to 0.95, at every
//! size where the product shows them, 200 logs each, must cover at least 92.5% — no slack.
//!
//! Seeded, so it gives the same numbers on every run. The whole small study needs optimised code
//! (about a minute of CPU): run it with `cargo test --profile test-release -p closer-analyze
//! --test calibration`; under the dev profile it is skipped, and a smaller slice of it (two
//! sources, two sizes) runs instead so that every `cargo test` still checks calibration.

use closer_analyze::episodes::calibration::{Spec, run_cell, standard_sources, truth};
use closer_analyze::episodes::chain::PRIOR;
use closer_analyze::episodes::{LENGTH_SENSITIVITY, MINIMUMS, SHARE_SENSITIVITY};

/// A cell as the product reads it: its minimums, prior and both allowances, 500 draws.
fn product_spec(size: usize, replicates: usize, seed: u64) -> Spec {
    Spec {
        extras: false,
        size,
        replicates,
        minimums: MINIMUMS,
        draws: 500,
        prior: PRIOR,
        length_sensitivity: LENGTH_SENSITIVITY,
        share_sensitivity: SHARE_SENSITIVITY,
        seed,
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test calibration"
)]
fn coverage_and_false_findings_stay_within_bounds() {
    // 6: ways marked per move; 7, 9, 10: distress persisting across days (0.8, 0, 0.5).
    // Persistence 0.95 has its own tests below (the chain's length and the shares, held to
    // 92.5% with no slack); the median there is reported in docs/analysis.md.
    study(&[0, 1, 2, 3, 4, 5, 6, 7, 9, 10], &[10, 20, 50, 100]);
}

/// The slice that runs in every build: the known chain, the three kinds of null data and ways
/// marked per move, at 10, 20 and 50 episodes (the dance-model couples are the slow part of the
/// study).
#[test]
fn coverage_and_false_findings_slice() {
    study(&[0, 1, 2, 3, 6], &[10, 20, 50]);
}

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
                product_spec(size, 100, 9_000 + (si as u64) * 100 + size as u64),
            );
            for row in &cell.rows {
                if let Some(c) = row.coverage() {
                    table.push_str(&format!(
                        "{name} n={size} {}: {:.2} ({} shown)\n",
                        row.finding, c, row.shown
                    ));
                    let slack = 2.0 * (0.95f64 * 0.05 / row.shown as f64).sqrt();
                    if c < 0.90 - slack {
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

/// The chain's expected length under a hidden level of distress that persists across days, at
/// every persistence the study runs (0, 0.5, 0.8, 0.95) and every size where the product shows
/// it (20, 50, 100 finished episodes; the chain's minimum is 20): at least 92.5% coverage in 200
/// logs per cell, with no Monte Carlo slack. Before the allowance for unseen stretches
/// (`episodes::length_allowance`) persistence 0.95 covered 79.0 / 72.5 / 84.0% and 0.8 gave 82% at
/// 50 episodes in 100 logs. The length must also actually be shown (withheld as too wide in at
/// most 40% of the logs at 20 episodes and a tenth from 50 on), so the bound cannot be met by
/// saying nothing. At 0.95 the way
/// comparison keeps its 5% bound too (it gave 5.0% and 6.5% at 50 and 100 episodes with ten fixed
/// blocks), checked at 50 and 100 episodes where it is shown.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test calibration"
)]
fn chain_length_keeps_its_bound_at_every_persistence() {
    let sources = standard_sources();
    let mut table = String::new();
    let mut failures = Vec::new();
    for name in [
        "persistent_distress_0",
        "persistent_distress_0.5",
        "persistent_distress_0.8",
        "persistent_distress_0.95",
    ] {
        let (si, (_, src)) = sources
            .iter()
            .enumerate()
            .find(|(_, (n, _))| *n == name)
            .expect("a persistence source");
        for size in [20, 50, 100] {
            let t = truth(src, size, 20_000 / size, 12.0, 85 + si as u64);
            let cell = run_cell(
                name,
                src,
                &t,
                product_spec(size, 200, 9_800 + (si as u64) * 1_000 + size as u64),
            );
            let row = cell
                .rows
                .iter()
                .find(|r| r.finding == "chain expected length")
                .expect("the chain's length row");
            let coverage = row.coverage().unwrap_or(0.0);
            table.push_str(&format!(
                "{name} n={size}: chain length coverage {coverage:.3} ({} of 200 shown; sensitivity needed for 95%: {:.3})\n",
                row.shown,
                cell.length_sensitivity_for(0.95).unwrap_or(f64::NAN)
            ));
            if coverage < 0.925 {
                failures.push(format!(
                    "{name} n={size}: chain length covers {coverage:.3}"
                ));
            }
            // Withheld as too wide in at most 40% of the logs at 20 episodes (a month or so of
            // entries) and 10% from 50 on.
            if row.shown < if size == 20 { 120 } else { 180 } {
                failures.push(format!(
                    "{name} n={size}: chain length shown in {} of 200 logs",
                    row.shown
                ));
            }
            if name == "persistent_distress_0.95" && size >= 50 {
                let ff = cell
                    .way_false_finding
                    .value()
                    .expect("the comparison is shown");
                let shown = cell.way_false_finding.shown as f64;
                let slack = 2.0 * (0.05f64 * 0.95 / shown).sqrt();
                table.push_str(&format!(
                    "{name} n={size}: way false findings {ff:.3} ({shown} shown)\n"
                ));
                if shown < 150.0 || ff > 0.05 + slack {
                    failures.push(format!(
                        "{name} n={size}: way false findings {ff:.3} in {shown} logs"
                    ));
                }
            }
        }
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
}

/// Every share the product shows — how episodes start, answered reaches (each person), ended
/// reconnected, ended by a repair, and the chain's P(ends reconnected) — under a hidden level of
/// distress that persists across days, at every persistence the study runs (0, 0.5, 0.8, 0.95)
/// and every size of the study (10, 20, 50, 100 finished episodes), with the product's minimums:
/// at least 92.5% coverage in 200 logs per cell, with no Monte Carlo slack. Before the shares'
/// allowance for unseen stretches (`episodes::share_allowance`) the share that ended reconnected
/// covered 88.7–93.5% at persistence 0.95 in 1000 logs. Each share must also actually be shown
/// (withheld as too wide in at most 5% of the logs where it has its minimum), so the bound
/// cannot be met by saying nothing.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test calibration"
)]
fn shares_keep_their_bound_at_every_persistence() {
    let sources = standard_sources();
    let shares = [
        "starts (A)",
        "reach answered (A)",
        "reach answered (B)",
        "ends reconnected",
        "ends by repair",
        "chain P(reconnected)",
    ];
    let mut table = String::new();
    let mut failures = Vec::new();
    let mut seen = 0;
    for name in [
        "persistent_distress_0",
        "persistent_distress_0.5",
        "persistent_distress_0.8",
        "persistent_distress_0.95",
    ] {
        let (si, (_, src)) = sources
            .iter()
            .enumerate()
            .find(|(_, (n, _))| *n == name)
            .expect("a persistence source");
        for size in [10, 20, 50, 100] {
            let t = truth(src, size, 20_000 / size, 12.0, 85 + si as u64);
            let cell = run_cell(
                name,
                src,
                &t,
                product_spec(size, 200, 7_700 + (si as u64) * 1_000 + size as u64),
            );
            for row in cell
                .rows
                .iter()
                .filter(|r| shares.contains(&r.finding.as_str()))
            {
                let Some(coverage) = row.coverage() else {
                    continue;
                };
                seen += 1;
                table.push_str(&format!(
                    "{name} n={size} {}: coverage {coverage:.3} ({} of 200 shown; sensitivity needed for 95%: {:.3})\n",
                    row.finding,
                    row.shown,
                    row.share_sensitivity_for(0.95).unwrap_or(f64::NAN)
                ));
                if coverage < 0.925 {
                    failures.push(format!(
                        "{name} n={size} {}: covers {coverage:.3}",
                        row.finding
                    ));
                }
            }
            // The share that ended reconnected has its minimum (10 finished episodes) in every
            // log: it must be shown in at least 95% of them.
            let rec = cell
                .rows
                .iter()
                .find(|r| r.finding == "ends reconnected")
                .expect("the reconnected row");
            if rec.shown < 190 {
                failures.push(format!(
                    "{name} n={size}: ends reconnected shown in {} of 200 logs",
                    rec.shown
                ));
            }
        }
    }
    eprintln!("{table}");
    // Six shares at 20 and more episodes, five (no chain) at 10: 4 × (5 + 3 × 6) rows, less
    // the answered reaches of logs with too few reaches.
    assert!(seen >= 80, "only {seen} share cells were shown\n{table}");
    assert!(failures.is_empty(), "{failures:#?}\n{table}");
}
