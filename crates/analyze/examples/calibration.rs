//! The calibration study of `closer patterns` (DESIGN.md §6, §11.2): run by
//! `bench/calibration.sh`, which writes its tables into `docs/analysis.md`.
//!
//! `calibration [REPLICATES] [DRAWS] [TRUTH_EPISODES]` prints markdown: for each data source the
//! truth of every finding, then per size (10, 20, 50, 100 finished episodes) the coverage of each
//! finding's 95% interval (and how often it could be computed), the coverage under the flatter
//! prior for the chain's findings, and the false-finding rate of the way comparison under null
//! data. Every finding is shown at every size here (minimums of one), so the table shows where
//! each finding reaches its bounds; the product's minimums are chosen from it.

use closer_analyze::episodes::calibration::{SHOW_ALL, Spec, run_cell, standard_sources, truth};
use closer_analyze::episodes::chain::PRIOR;
use closer_analyze::episodes::{
    DEFAULT_GAP_HOURS, LENGTH_SENSITIVITY, MINIMUMS, SHARE_SENSITIVITY,
};

fn main() {
    let arg = |i: usize, d: usize| {
        std::env::args()
            .nth(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let reps = arg(1, 1000);
    let draws = arg(2, 2000);
    let truth_n = arg(3, 200_000);
    let prior = std::env::var("PRIOR")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(PRIOR);
    // SOURCES=name,name and SIZES=n,n run a slice of the study (small runs on a shared machine).
    let only: Option<Vec<String>> = std::env::var("SOURCES")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    // SENSITIVITY=x runs the study with another sensitivity for the chain length's allowance
    // for unseen stretches (how LENGTH_SENSITIVITY is fitted).
    let sensitivity = std::env::var("SENSITIVITY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(LENGTH_SENSITIVITY);
    // SHARE_SENSITIVITY=x runs it with another sensitivity for the shares' allowance (how
    // SHARE_SENSITIVITY is fitted).
    let share_sensitivity = std::env::var("SHARE_SENSITIVITY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SHARE_SENSITIVITY);
    // SEED_OFFSET=k shifts every seed of the logs (not of the truth): a second, independent run
    // of the same cells, for example to check a constant fitted on the first.
    let offset: u64 = std::env::var("SEED_OFFSET")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let sizes: Vec<usize> = std::env::var("SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 20, 50, 100]);
    println!(
        "Replicates per cell: {reps}; posterior draws: {draws}; truth pooled over {truth_n} episodes per size of each source; gap {DEFAULT_GAP_HOURS} h; chain prior Dirichlet({prior}); chain length sensitivity {sensitivity}; share sensitivity {share_sensitivity}.\n"
    );
    for (si, (name, src)) in standard_sources().into_iter().enumerate() {
        if only.as_ref().is_some_and(|o| !o.iter().any(|x| x == name)) {
            continue;
        }
        let truths: Vec<_> = sizes
            .iter()
            .map(|&size| {
                truth(
                    &src,
                    size,
                    truth_n / size,
                    DEFAULT_GAP_HOURS,
                    1000 + si as u64,
                )
            })
            .collect();
        eprintln!("{name}: truth {truths:?}");
        let cells: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = sizes
                .iter()
                .zip(&truths)
                .map(|(&size, t)| {
                    let src = &src;
                    s.spawn(move || {
                        run_cell(
                            name,
                            src,
                            t,
                            Spec {
                                extras: true,
                                size,
                                replicates: reps,
                                minimums: SHOW_ALL,
                                draws,
                                prior,
                                length_sensitivity: sensitivity,
                                share_sensitivity,
                                seed: ((si as u64) << 32 | size as u64) ^ (offset << 48),
                            },
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("cell"))
                .collect()
        });
        println!("### Source: {name}\n");
        println!(
            "| finding | truth (per size) | {} |",
            sizes
                .iter()
                .map(|s| format!("n = {s}"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        println!("|---|---|{}", "---|".repeat(sizes.len()));
        for (ri, row) in cells[0].rows.iter().enumerate() {
            let ts: Vec<String> = cells
                .iter()
                .map(|c| format!("{:.3}", c.rows[ri].truth))
                .collect();
            let mut line = format!("| {} | {} |", row.finding, ts.join(" / "));
            for c in &cells {
                let r = &c.rows[ri];
                let cov = r
                    .coverage()
                    .map(|v| format!("{:.1}%", 100.0 * v))
                    .unwrap_or("—".into());
                let shown = 100.0 * r.shown as f64 / c.replicates as f64;
                let flat = r
                    .coverage_flat()
                    .map(|v| format!("; flat prior {:.1}%", 100.0 * v))
                    .unwrap_or_default();
                line.push_str(&format!(" {cov}{flat} (computable {shown:.0}%) |"));
            }
            println!("{line}");
        }
        let mut line = "| way comparison: false findings (null true) | 0 |".to_string();
        for c in &cells {
            let w = c.way_false_finding;
            line.push_str(&format!(
                " {} (computable {:.0}%) |",
                w.value()
                    .map(|v| format!("{:.1}%", 100.0 * v))
                    .unwrap_or("—".into()),
                100.0 * w.shown as f64 / c.replicates as f64
            ));
        }
        println!("{line}");
        // The sensitivity the chain length's allowance for unseen stretches would need for 95%
        // coverage in this cell (LENGTH_SENSITIVITY is fitted from the worst cell).
        let mut line = format!(
            "| chain length: sensitivity needed for 95% coverage (this run {sensitivity}; product {LENGTH_SENSITIVITY}) | — |"
        );
        for c in &cells {
            line.push_str(&format!(
                " {} |",
                c.length_sensitivity_for(0.95)
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or("—".into())
            ));
        }
        println!("{line}");
        // The same for the shares: the largest any share needs, and which share that is.
        let mut line = format!(
            "| shares: sensitivity needed for 95% coverage, the most any share needs (this run {share_sensitivity}; product {SHARE_SENSITIVITY}) | — |"
        );
        for c in &cells {
            line.push_str(&format!(
                " {} |",
                c.share_sensitivity_for(0.95)
                    .map(|(v, name)| format!("{v:.3} ({name})"))
                    .unwrap_or("—".into())
            ));
        }
        println!("{line}\n");
    }
    println!(
        "Product minimums: {} episodes for proportions, {} reconnected episodes for the median, {} finished episodes for the chain, {} per group for the way comparison.",
        MINIMUMS.proportion, MINIMUMS.median, MINIMUMS.chain, MINIMUMS.way_group
    );
}
