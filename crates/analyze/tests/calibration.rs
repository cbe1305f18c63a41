//! The small calibration study, run as a test (the full one is `bench/calibration.sh`): about a
//! hundred simulated logs per cell, at 10, 20, 50 and 100 finished episodes, from the known chain
//! and from three kinds of null data. It fails if any finding the product shows (its own
//! minimums applied) covers its truth less than 90% of the time (nominal 95%, within 5 points),
//! or if the way comparison finds a difference in more than 5% of null logs.
//!
//! Seeded, so it gives the same numbers on every run. Runs in seconds with optimisation; under
//! the dev profile (opt-level 1) it is still well under a minute.

use closer_analyze::episodes::MINIMUMS;
use closer_analyze::episodes::calibration::{Spec, run_cell, standard_sources, truth};
use closer_analyze::episodes::chain::PRIOR;

#[test]
fn coverage_and_false_findings_stay_within_bounds() {
    let mut failures = Vec::new();
    let mut table = String::new();
    for (si, (name, src)) in standard_sources().into_iter().enumerate() {
        let t = truth(&src, 20_000, 12.0, 77 + si as u64);
        for size in [10usize, 20, 50, 100] {
            let cell = run_cell(
                name,
                &src,
                &t,
                Spec {
                    size,
                    replicates: 100,
                    minimums: MINIMUMS,
                    draws: 400,
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
                    if c < 0.90 {
                        failures.push(format!("{name} n={size} {}: coverage {c:.2}", row.finding));
                    }
                }
            }
            if let Some(ff) = cell.way_false_finding.value() {
                table.push_str(&format!(
                    "{name} n={size} way false findings: {ff:.2} ({} shown)\n",
                    cell.way_false_finding.shown
                ));
                if ff > 0.05 {
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
