//! The small calibration study of `closer fit`, run as a test (the full one is
//! `bench/hawkes_calibration.sh`, with its tables in docs/research.md): recovery and profile-
//! interval coverage at about 200 events, and the gated false-finding rate under null data with no
//! excitation at all, constant and daily-binned baselines.
//!
//! Bounds: every 95% interval must cover its truth at least 86% of the time over 200 logs (95%
//! less 5 points, less two Monte Carlo standard errors of 1.5 points each, rounded down); the gated
//! chance of any finding under null data must stay at or below 12 of 200 logs (the test of no
//! excitation is exact at nominal 2.5% with B = 39, and P(Binomial(200, 0.025) > 12) ≈ 0.002), and
//! on the excited logs of the recovery study the gate must open on at least 90% (its power).
//! Seeded: the same numbers on every run. Needs optimised code (about 15 s of CPU):
//! `cargo test --profile test-release -p closer-analyze --test hawkes_calibration`; skipped
//! under the dev profile, where the unit tests in `src/hawkes/` check the same machinery on
//! single logs.

use closer_analyze::hawkes::{
    Dimension, Events, FitOptions, NULL_TEST_LEVEL, fit, null_test, profile_intervals,
};
use closer_domain::{MoveType, Person, Window};
use closer_model::hawkes::{HawkesParams, simulate};
use rayon::prelude::*;

fn labels() -> Vec<Dimension> {
    vec![
        Dimension::new(Person::A, MoveType::Reach),
        Dimension::new(Person::B, MoveType::Withdraw),
    ]
}

fn simulated(p: &HawkesParams, horizon: f64, bins: usize, seed: u64) -> Option<Events> {
    let mut rng = closer_model::rng(seed, 0);
    let ev = simulate(p, horizon, &mut rng).ok()?;
    Events::new(
        labels(),
        ev.iter().map(|e| e.0).collect(),
        ev.iter().map(|e| Events::kind_code(e.1)).collect(),
        Window {
            start: 0.0,
            end: horizon,
        },
        bins,
    )
    .ok()
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test hawkes_calibration"
)]
fn profile_intervals_cover_their_truth_at_200_events() {
    // The study's truth: A's reaching sets off B's withdrawing (0.6) and back (0.5).
    let truth = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.0]], 1.0)
        .expect("a square excitation matrix");
    let horizon = 135.0; // about 200 events
    let reps = 200u64;
    let out: Vec<(Vec<bool>, Vec<f64>, bool)> = (0..reps)
        .into_par_iter()
        .filter_map(|r| {
            let ev = simulated(&truth, horizon, 1, 5_100_000 + r)?;
            let f = fit(&ev);
            let iv = profile_intervals(&ev, &f);
            let mut covered: Vec<bool> = iv
                .excitation
                .iter()
                .zip(truth.excitation.iter().copied())
                .map(|(i, t)| i.contains(t))
                .collect();
            covered.push(iv.decay.is_some_and(|d| d.contains(truth.decay)));
            let t = null_test(&ev, f.log_likelihood, &FitOptions::default(), 39, r);
            Some((covered, f.params.excitation.clone(), t.rejects()))
        })
        .collect();
    assert!(out.len() >= 196, "only {} logs fitted", out.len());
    let m = out.len() as f64;
    let names = ["A←A", "A←B", "B←A", "B←B", "decay"];
    for (i, name) in names.iter().enumerate() {
        let c = out.iter().filter(|o| o.0[i]).count() as f64 / m;
        eprintln!("coverage {name}: {:.1}%", 100.0 * c);
        assert!(c >= 0.86, "coverage of {name}: {:.1}%", 100.0 * c);
    }
    // Recovery: the two cross arrows are estimated without gross bias at this size.
    for (i, t) in [(1, 0.5), (2, 0.6)] {
        let mean = out.iter().map(|o| o.1[i]).sum::<f64>() / m;
        eprintln!("mean estimate of {}: {mean:.3} (truth {t})", names[i]);
        assert!((mean - t).abs() < 0.06, "{}: mean {mean} vs {t}", names[i]);
    }
    // Power: with this much excitation the gate opens on nearly every log.
    let open = out.iter().filter(|o| o.2).count();
    eprintln!("gate open on {open} of {} excited logs", out.len());
    assert!(
        open as f64 >= 0.9 * m,
        "the gate opened on only {open} excited logs"
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "needs optimised code: cargo test --profile test-release -p closer-analyze --test hawkes_calibration"
)]
fn gated_findings_stay_rare_under_null_data() {
    let null = HawkesParams::from_rows(vec![0.3, 0.25], &[vec![0.0; 2], vec![0.0; 2]], 1.0)
        .expect("a square excitation matrix");
    let horizon = 200.0 / 0.55; // about 200 events
    for bins in [1usize, 24] {
        let reps = 200u64;
        let out: Vec<(bool, bool)> = (0..reps)
            .into_par_iter()
            .filter_map(|r| {
                let seed = 6_200_000 + 1_000 * bins as u64 + r;
                let ev = simulated(&null, horizon, bins, seed)?;
                let f = fit(&ev);
                let any = profile_intervals(&ev, &f)
                    .excitation
                    .iter()
                    .any(|i| i.lower > 0.0);
                let t = null_test(&ev, f.log_likelihood, &FitOptions::default(), 39, seed);
                Some((any, t.p_value < NULL_TEST_LEVEL))
            })
            .collect();
        let ungated = out.iter().filter(|o| o.0).count();
        let rejected = out.iter().filter(|o| o.1).count();
        let gated = out.iter().filter(|o| o.0 && o.1).count();
        eprintln!(
            "{bins} bin(s): {} logs, any finding ungated {ungated}, test rejects {rejected}, any finding gated {gated}",
            out.len()
        );
        assert!(out.len() >= 196);
        assert!(
            rejected <= 12,
            "{bins} bin(s): the test rejected {rejected} of 200 null logs"
        );
        assert!(
            gated <= 12,
            "{bins} bin(s): {gated} of 200 null logs with a gated finding"
        );
    }
}
