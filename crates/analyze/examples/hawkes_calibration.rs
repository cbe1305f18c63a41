//! The calibration study of `closer fit` (docs/research.md, "Point-process fits"): recovery and
//! 95% profile-interval coverage at about 200, 1,000 and 10,000 events, and false excitation under
//! constant-rate and daily-rhythm-only null data, with and without the daily baseline.
//!
//! `cargo run --release -p closer-analyze --example hawkes_calibration -- [REPS] [REPS_10K]`
//! (defaults 200 and 100). Prints Markdown tables. Seeded: the same arguments give the same
//! tables.
//!
//! `… --example hawkes_calibration -- gate [REPS] [B] [REPS_10K]` (defaults 100, 39 and 0) instead
//! runs only the calibration of the gate: the same null logs as the false-excitation table (same
//! seeds), each also given the Monte Carlo test of no excitation at all with `B` replicates, and
//! per-entry findings counted only when its p-value is below 0.05; `REPS_10K` logs of about 10,000
//! events are added when it is above 0.

use closer_analyze::hawkes::{
    Dimension, Events, FitOptions, IntervalMethod, NULL_TEST_LEVEL, RHYTHM_REPLICATES, RHYTHM_SEED,
    daily_rhythm as rhythm_test, fit, information_intervals, null_test, profile_intervals,
    report_auto,
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

fn events(times: Vec<f64>, kinds: Vec<u8>, horizon: f64, bins: usize) -> Option<Events> {
    Events::new(
        labels(),
        times,
        kinds,
        Window {
            start: 0.0,
            end: horizon,
        },
        bins,
    )
    .ok()
}

fn hawkes(p: &HawkesParams, horizon: f64, seed: u64) -> (Vec<f64>, Vec<u8>) {
    let mut rng = closer_model::rng(seed, 0);
    let ev = simulate(p, horizon, &mut rng).unwrap_or_default();
    (
        ev.iter().map(|e| e.0).collect(),
        ev.iter().map(|e| Events::kind_code(e.1)).collect(),
    )
}

/// A Poisson process with a smooth daily rhythm peaking at 21:00 (rate × (1 + 0.9 cos)), by exact
/// thinning. No excitation at all.
fn daily_rhythm(rates: &[f64], horizon: f64, seed: u64) -> (Vec<f64>, Vec<u8>) {
    let mut rng = closer_model::rng(seed, 1);
    let mut unif =
        move || ((rand::Rng::next_u64(&mut rng) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let shape = |t: f64| 1.0 + 0.9 * (2.0 * std::f64::consts::PI * (t - 21.0) / 24.0).cos();
    let sum: f64 = rates.iter().sum();
    let (mut times, mut kinds) = (Vec::new(), Vec::new());
    let mut t = 0.0;
    loop {
        t += -unif().ln() / (sum * 1.9);
        if t >= horizon {
            break;
        }
        if unif() * 1.9 < shape(t) {
            let k = if unif() * sum < rates[0] { 0 } else { 1 };
            times.push(t);
            kinds.push(k);
        }
    }
    (times, kinds)
}

/// Null log `r` of the study at about `size` events (no excitation: a constant rate, or with
/// `daily` a smooth daily rhythm), fitted with `bins` daily bins, and its seed. The false-
/// excitation table and the gate's calibration both draw from here, so they see the same logs.
fn null_log(size: usize, daily: bool, r: u64, bins: usize) -> Option<(Events, u64)> {
    let rates = [0.3, 0.25];
    let horizon = size as f64 / 0.55;
    let seed = 77_000_000 + 10_000 * size as u64 + r;
    let (t, k) = if daily {
        daily_rhythm(&rates, horizon, seed)
    } else {
        let p = HawkesParams::from_rows(rates.to_vec(), &[vec![0.0; 2], vec![0.0; 2]], 1.0)
            .expect("a square excitation matrix");
        hawkes(&p, horizon, seed)
    };
    Some((events(t, k, horizon, bins)?, seed))
}

struct Rep {
    est: Vec<f64>,
    covered: Vec<bool>,
    finding: Vec<bool>,
}

/// The gate's calibration: any-finding rates under null data without and with the gate.
fn gate(reps: usize, b: usize, reps_10k: usize) {
    println!(
        "### Gated findings under null data (test of no excitation at all, B = {b} Monte Carlo replicates)\n"
    );
    println!(
        "| null data | fitted baseline | events | replicates | any finding, ungated | test p < 0.05 | any finding, gated |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (size, reps) in [(200usize, reps), (1000, reps), (10_000, reps_10k)] {
        if reps == 0 {
            continue;
        }
        for (null, label) in [(false, "constant rate"), (true, "daily rhythm only")] {
            for bins in [1usize, 24] {
                let out: Vec<(bool, bool)> = (0..reps as u64)
                    .into_par_iter()
                    .filter_map(|r| {
                        let (ev, seed) = null_log(size, null, r, bins)?;
                        let f = fit(&ev);
                        let any = profile_intervals(&ev, &f)
                            .excitation
                            .iter()
                            .any(|i| i.lower > 0.0);
                        let test = null_test(
                            &ev,
                            f.log_likelihood,
                            &FitOptions::default(),
                            b,
                            88_000_000 + seed,
                        );
                        Some((any, test.p_value < NULL_TEST_LEVEL))
                    })
                    .collect();
                let m = out.len() as f64;
                let pct = |n: usize| 100.0 * n as f64 / m;
                let any = out.iter().filter(|o| o.0).count();
                let open = out.iter().filter(|o| o.1).count();
                let gated = out.iter().filter(|o| o.0 && o.1).count();
                let fitted = if bins == 1 {
                    "constant"
                } else {
                    "daily, 24 bins"
                };
                println!(
                    "| {label} | {fitted} | {size} | {} | {:.1}% | {:.1}% | {:.1}% |",
                    out.len(),
                    pct(any),
                    pct(open),
                    pct(gated)
                );
            }
        }
    }
}

/// The daily-rhythm test and the default path (`closer fit` with no `--daily-baseline`):
/// - its size on excited, rhythm-free logs (false "not flat"), at two strengths of clustering;
/// - its power on rhythm-only logs;
/// - the default path's findings (gate open and an excitation interval excluding 0) on the
///   rhythm-only logs of two independent streams, and on the excited logs (power kept).
///
/// `hawkes_calibration rhythm [REPS] [B] [SIZES…]`; with B = 0 only the test runs (its size and
/// power, cheaply, with many logs) and the default-path columns read 0.
fn rhythm(reps: usize, sizes: &[usize], b: usize) {
    println!(
        "### Daily rhythm across days, and the default path (test: {RHYTHM_REPLICATES} turned logs at most; gate B = {b})\n"
    );
    println!(
        "| data | events | replicates | rhythm found (p < 0.05) | default: daily baseline chosen | default: any finding |"
    );
    println!("|---|---|---|---|---|---|");
    let excited = |decay: f64| {
        HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.1]], decay)
            .expect("a square excitation matrix")
    };
    // Stationary rate of the excited logs: (I − G)⁻¹ μ = [0.881, 0.810] per hour, 1.69 total.
    for &size in sizes {
        for (label, kind) in [
            ("excited, no rhythm (β = 1 per hour)", 0u8),
            ("excited, no rhythm (β = 0.25 per hour)", 1),
            ("two independent streams, daily rhythm only", 2),
        ] {
            let out: Vec<(bool, bool, bool)> = (0..reps as u64)
                .into_par_iter()
                .filter_map(|r| {
                    let seed = 91_000_000 + 10_000 * size as u64 + 1_000 * kind as u64 + r;
                    let (t, k, horizon) = match kind {
                        0 | 1 => {
                            let h = size as f64 / 1.69;
                            let (t, k) =
                                hawkes(&excited(if kind == 0 { 1.0 } else { 0.25 }), h, seed);
                            (t, k, h)
                        }
                        _ => {
                            let h = size as f64 / 0.55;
                            let (t, k) = daily_rhythm(&[0.3, 0.25], h, seed);
                            (t, k, h)
                        }
                    };
                    let ev = events(t, k, horizon, 1)?;
                    let test = rhythm_test(&ev, RHYTHM_REPLICATES, RHYTHM_SEED)?;
                    if b == 0 {
                        // The test's size and power only (a cheap run with many logs).
                        return Some((!test.flat, false, false));
                    }
                    let rep = report_auto(&ev, None, IntervalMethod::Profile, None, b);
                    let any = rep
                        .null_test
                        .as_ref()
                        .is_some_and(|t| !t.findings.is_empty());
                    Some((!test.flat, rep.daily_baseline_bins.is_some(), any))
                })
                .collect();
            let m = out.len() as f64;
            let pct = |f: &dyn Fn(&(bool, bool, bool)) -> bool| {
                100.0 * out.iter().filter(|o| f(o)).count() as f64 / m
            };
            println!(
                "| {label} | {size} | {} | {:.1}% | {:.1}% | {:.1}% |",
                out.len(),
                pct(&|o| o.0),
                pct(&|o| o.1),
                pct(&|o| o.2)
            );
        }
    }
}

/// The long-log path: coverage of the observed-information intervals (checked against the
/// profile's shape, profile where the check fails) at about `events` events, and the size of the
/// sequential gate on null logs of the same length.
fn large(reps: usize, events: usize) {
    let truth = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.0]], 1.0)
        .expect("a square excitation matrix");
    let true_vals = [0.2, 0.5, 0.6, 0.0, 1.0, 0.3, 0.2];
    let names = [
        "α[A reach ← A reach]",
        "α[A reach ← B withdraw]",
        "α[B withdraw ← A reach]",
        "α[B withdraw ← B withdraw]",
        "decay β",
        "μ A reach",
        "μ B withdraw",
    ];
    let horizon = events as f64 / 1.48;
    let out: Vec<(Vec<bool>, usize, f64)> = (0..reps as u64)
        .into_par_iter()
        .filter_map(|r| {
            let (t, k) = hawkes(&truth, horizon, 55_000_000 + r);
            let ev = events_of(t, k, horizon)?;
            let t0 = std::time::Instant::now();
            let f = fit(&ev);
            let (iv, fallbacks) = information_intervals(&ev, &f);
            let secs = t0.elapsed().as_secs_f64();
            let mut ivs = iv.excitation.clone();
            ivs.push(iv.decay.unwrap_or(closer_analyze::hawkes::Interval {
                lower: 0.0,
                upper: None,
            }));
            ivs.extend(iv.baseline.clone().unwrap_or_default());
            let covered = ivs
                .iter()
                .zip(true_vals)
                .map(|(i, v)| i.contains(v))
                .collect();
            Some((covered, fallbacks, secs))
        })
        .collect();
    let m = out.len() as f64;
    println!(
        "### Long logs: observed-information intervals checked against the profile (about {events} events, {} logs)\n",
        out.len()
    );
    println!("| parameter | true | 95% coverage |");
    println!("|---|---|---|");
    for (i, name) in names.iter().enumerate() {
        let c = out.iter().filter(|o| o.0[i]).count() as f64 / m;
        println!("| {name} | {} | {:.1}% |", true_vals[i], 100.0 * c);
    }
    let fb = out.iter().map(|o| o.1).sum::<usize>() as f64 / m;
    let secs = out.iter().map(|o| o.2).sum::<f64>() / m;
    println!(
        "\nParameters that fell back to their profile interval: {fb:.2} per log on average (of 7; the entry at its bound 0 always does). Fit and intervals: {secs:.2} s per log.\n"
    );
    let null = HawkesParams::from_rows(vec![0.3, 0.25], &[vec![0.0; 2], vec![0.0; 2]], 1.0)
        .expect("a square excitation matrix");
    let nh = events as f64 / 0.55;
    let gate: Vec<(bool, usize)> = (0..reps as u64)
        .into_par_iter()
        .filter_map(|r| {
            let (t, k) = hawkes(&null, nh, 66_000_000 + r);
            let ev = events_of(t, k, nh)?;
            let f = fit(&ev);
            let test = null_test(&ev, f.log_likelihood, &FitOptions::default(), 39, 77 + r);
            Some((test.rejects(), test.drawn))
        })
        .collect();
    let g = gate.len() as f64;
    println!(
        "Sequential gate (B = 39) on {} constant-rate null logs of about {events} events: rejects in {:.1}%; null logs fitted per test {:.1} on average (39 without stopping).\n",
        gate.len(),
        100.0 * gate.iter().filter(|x| x.0).count() as f64 / g,
        gate.iter().map(|x| x.1).sum::<usize>() as f64 / g
    );
}

fn events_of(t: Vec<f64>, k: Vec<u8>, horizon: f64) -> Option<Events> {
    events(t, k, horizon, 1)
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("large") {
        let args: Vec<usize> = std::env::args()
            .skip(2)
            .filter_map(|a| a.parse().ok())
            .collect();
        large(
            args.first().copied().unwrap_or(40),
            args.get(1).copied().unwrap_or(20_000),
        );
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("rhythm") {
        let args: Vec<usize> = std::env::args()
            .skip(2)
            .filter_map(|a| a.parse().ok())
            .collect();
        let reps = args.first().copied().unwrap_or(200);
        let b = args.get(1).copied().unwrap_or(39);
        let sizes: Vec<usize> = if args.len() > 2 {
            args[2..].to_vec()
        } else {
            vec![200, 1000]
        };
        rhythm(reps, &sizes, b);
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("gate") {
        let args: Vec<usize> = std::env::args()
            .skip(2)
            .filter_map(|a| a.parse().ok())
            .collect();
        gate(
            args.first().copied().unwrap_or(100),
            args.get(1).copied().unwrap_or(39),
            args.get(2).copied().unwrap_or(0),
        );
        return;
    }
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let reps = args.first().copied().unwrap_or(200);
    let reps_10k = args.get(1).copied().unwrap_or(100);
    let truth = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.0]], 1.0)
        .expect("a square excitation matrix");
    // Stationary total rate: (I − G)⁻¹ μ = [0.8, 0.68] per hour.
    let rate = 1.48;
    let names = [
        "α[A reach ← A reach]",
        "α[A reach ← B withdraw]",
        "α[B withdraw ← A reach]",
        "α[B withdraw ← B withdraw]",
        "decay β",
        "μ A reach",
        "μ B withdraw",
    ];
    let true_vals = [0.2, 0.5, 0.6, 0.0, 1.0, 0.3, 0.2];

    println!(
        "### Recovery and coverage (truth: μ = (0.3, 0.2), G = [[0.2, 0.5], [0.6, 0]], β = 1)\n"
    );
    for &size in &[200usize, 1000, 10000] {
        let n = if size >= 10000 { reps_10k } else { reps };
        let horizon = size as f64 / rate;
        let out: Vec<Rep> = (0..n as u64)
            .into_par_iter()
            .filter_map(|r| {
                let (t, k) = hawkes(&truth, horizon, 10_000 * size as u64 + r);
                let ev = events(t, k, horizon, 1)?;
                let f = fit(&ev);
                let iv = profile_intervals(&ev, &f);
                let p = &f.params;
                let est = vec![
                    p.excitation[0],
                    p.excitation[1],
                    p.excitation[2],
                    p.excitation[3],
                    p.decay,
                    p.baseline[0],
                    p.baseline[1],
                ];
                let mut ivs: Vec<_> = iv.excitation.clone();
                ivs.push(iv.decay.unwrap_or(closer_analyze::hawkes::Interval {
                    lower: 0.0,
                    upper: None,
                }));
                ivs.extend(iv.baseline.clone().unwrap_or_default());
                let covered = ivs
                    .iter()
                    .zip(true_vals)
                    .map(|(i, v)| i.contains(v))
                    .collect();
                Some(Rep {
                    est,
                    covered,
                    finding: vec![],
                })
            })
            .collect();
        println!(
            "**about {size} events** ({} replicates, horizon {:.0} h)\n",
            out.len(),
            horizon
        );
        println!("| parameter | true | mean estimate | bias | RMSE | 95% coverage |");
        println!("|---|---|---|---|---|---|");
        for (i, name) in names.iter().enumerate() {
            let m = out.len() as f64;
            let mean = out.iter().map(|r| r.est[i]).sum::<f64>() / m;
            let rmse = (out
                .iter()
                .map(|r| (r.est[i] - true_vals[i]).powi(2))
                .sum::<f64>()
                / m)
                .sqrt();
            let cov = out.iter().filter(|r| r.covered[i]).count() as f64 / m;
            println!(
                "| {name} | {} | {mean:.4} | {:+.4} | {rmse:.4} | {:.1}% |",
                true_vals[i],
                mean - true_vals[i],
                100.0 * cov
            );
        }
        let zero = out.iter().filter(|r| r.est[3] == 0.0).count();
        println!(
            "\nα[B withdraw ← B withdraw] (true 0) estimated exactly 0 in {zero} of {} replicates.\n",
            out.len()
        );
    }

    println!("### False excitation under null data (no excitation in the truth)\n");
    println!(
        "A finding: a 95% profile interval for an excitation that excludes 0. Per-entry rate over the 4 entries; any-entry rate per replicate.\n"
    );
    println!(
        "| null data | fitted baseline | events | replicates | mean total excitation | findings per entry | replicates with any finding |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &size in &[200usize, 1000, 10000] {
        let n = if size >= 10000 { reps_10k } else { reps };
        for (null, label) in [(false, "constant rate"), (true, "daily rhythm only")] {
            for bins in [1usize, 24] {
                let out: Vec<Rep> = (0..n as u64)
                    .into_par_iter()
                    .filter_map(|r| {
                        let (ev, _) = null_log(size, null, r, bins)?;
                        let f = fit(&ev);
                        let iv = profile_intervals(&ev, &f);
                        Some(Rep {
                            est: f.params.excitation.clone(),
                            covered: vec![],
                            finding: iv.excitation.iter().map(|i| i.lower > 0.0).collect(),
                        })
                    })
                    .collect();
                let m = out.len() as f64;
                let total = out.iter().map(|r| r.est.iter().sum::<f64>()).sum::<f64>() / m;
                let per_entry = out
                    .iter()
                    .map(|r| r.finding.iter().filter(|&&f| f).count())
                    .sum::<usize>() as f64
                    / (4.0 * m);
                let any = out.iter().filter(|r| r.finding.iter().any(|&f| f)).count() as f64 / m;
                let fitted = if bins == 1 {
                    "constant"
                } else {
                    "daily, 24 bins"
                };
                println!(
                    "| {label} | {fitted} | {size} | {} | {total:.3} | {:.1}% | {:.1}% |",
                    out.len(),
                    100.0 * per_entry,
                    100.0 * any
                );
            }
        }
    }
}
