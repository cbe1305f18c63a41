//! A calibrated global test of "no excitation at all", used as a gatekeeper for per-entry
//! findings.
//!
//! Why Monte Carlo and not χ²: under the null (every excitation 0) the decay does not enter the
//! likelihood, so it is not identified, and the fit maximises over it: noise at some time scale
//! can look like excitation (a look-elsewhere, or Davies, problem). The likelihood-ratio statistic
//! `LR = 2 (ℓ_full − ℓ_null)` then has no χ² distribution, and the per-entry profile intervals
//! exclude 0 more often than their level says (docs/research.md, "False excitation under null
//! data"). Its null distribution is instead simulated: `B` logs are drawn from the null model
//! (a Poisson process with the same baseline form) *given the observed count of each move type in
//! each daily bin* — the null's sufficient statistics, so the draws do not depend on its unknown
//! rates — the full model is fitted to each with the same options, and the p-value is the rank
//! `(1 + #{LR_b ≥ LR}) / (B + 1)`: an exact Monte Carlo test at any sample size and any `B`.
//!
//! Gatekeeping: per-entry findings count only when this test rejects at 5%, so under the
//! complete null the chance of any finding is at most the test's size.
//!
//! Pure: the randomness is a seed; replicate `r` draws from `closer_model::rng(seed, r)`, so the
//! result does not depend on how rayon schedules the replicates.

use super::Events;
use super::data::cumulative_in_bin;
use super::fit::{FitOptions, fit_with};
use rayon::prelude::*;
use serde::Serialize;

/// The level the gate uses: per-entry findings count only when `p_value` is below it.
pub const NULL_TEST_LEVEL: f64 = 0.05;

/// Likelihood-ratio statistics below this are rounding noise of two equal fits (a full fit with
/// every excitation at 0 reproduces the Poisson likelihood up to rounding): counted as exactly 0,
/// so ties between such fits are ties, as they should be.
const LR_NOISE: f64 = 1e-8;

/// The result of the test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NullTest {
    /// `2 (ℓ_full − ℓ_null)`, at least 0.
    pub lr: f64,
    /// `(1 + #{LR_b ≥ LR}) / (B + 1)`.
    pub p_value: f64,
    /// `B`, the Monte Carlo replicates asked for.
    pub replicates: usize,
    /// Replicates actually fitted: fewer than `B` when the test stopped as soon as its answer
    /// was decided (long logs only, see [`SEQUENTIAL_FROM`]); the p-value is then
    /// `(1 + #{LR_b ≥ LR}) / (drawn + 1)`, on the same side of the level as the full test's.
    pub drawn: usize,
}

/// From this many events on, the test fits its replicates a few at a time and stops as soon as
/// the answer is decided: once `#{LR_b ≥ LR}` is so large that even the full `B` could not give a
/// p-value below the level, the gate is closed whatever the remaining replicates show. (Below
/// it, every replicate is fitted, so small logs report the full Monte Carlo p-value.)
pub const SEQUENTIAL_FROM: usize = 20_000;
/// Below this bound on its p-value the test is decided without simulation (long logs only).
pub const DAVIES_DECIDES: f64 = 1e-4;

fn sequential_log(ev: &Events) -> bool {
    ev.len() >= SEQUENTIAL_FROM
}

/// Davies' (1987) upper bound on `P(sup_β LR(β) > lr)` under the null, for the `q = D²`
/// excitations with the decay `β` not identified:
/// `P(χ²_q > c) + V · c^{(q−1)/2} e^{−c/2} 2^{−q/2} / Γ(q/2)`, with `V` the length of the decay's
/// search range in `ln β` divided by 2 (for exponential kernels the score process in `u = ln β`
/// has correlation `sech((u − u')/2)`, whose second derivative at 0 is −1/4). An asymptotic
/// bound, and a conservative one here: excitations bounded at 0 make the statistic a mixture of
/// χ² with at most `q` degrees of freedom. Used only on long logs, and only to decide tests whose
/// LR is so large that the bound is below [`DAVIES_DECIDES`]; everything else is simulated.
pub fn davies_bound(lr: f64, ev: &Events) -> f64 {
    let q = (ev.dims() * ev.dims()) as f64;
    let (u_lo, u_hi) = super::fit::decay_bounds(ev);
    let v = 0.5 * (u_hi - u_lo);
    if !(lr.is_finite() && lr > 0.0) {
        return 1.0;
    }
    let c = lr;
    let a = q / 2.0;
    let x = c / 2.0;
    // P(χ²_q > c) = Q(a, x) ≤ x^(a−1) e^(−x) / Γ(a) · x / (x − a + 1) for x > a − 1.
    let ln_tail = if x > a - 1.0 + 1.0 {
        (a - 1.0) * x.ln() - x - crate::special::ln_gamma(a) + (x / (x - a + 1.0)).ln()
    } else {
        0.0
    };
    let ln_cross = v.max(1e-300).ln() + 0.5 * (q - 1.0) * c.ln()
        - x
        - a * 2f64.ln()
        - crate::special::ln_gamma(a);
    (ln_tail.exp() + ln_cross.exp()).min(1.0)
}

/// Replicates fitted together between checks (fixed, so the answer does not depend on the
/// number of threads).
const CHUNK: usize = 4;

impl NullTest {
    /// True when the test rejects "no excitation at all" at [`NULL_TEST_LEVEL`]: the gate is
    /// open and per-entry findings count.
    pub fn rejects(&self) -> bool {
        self.p_value < NULL_TEST_LEVEL
    }
}

/// The maximum-likelihood rates of the null model, `D × B` like `HawkesParams::baseline`: count over
/// exposure in each daily bin (0 where a bin has no exposure).
pub fn null_rates(ev: &Events) -> Vec<f64> {
    let (d, nb) = (ev.dims(), ev.bins);
    let mut n = vec![0.0; d * nb];
    for (&k, &b) in ev.kinds.iter().zip(&ev.event_bins) {
        n[k as usize * nb + b as usize] += 1.0;
    }
    for k in 0..d {
        for b in 0..nb {
            let l = ev.exposure[b];
            n[k * nb + b] = if l > 0.0 { n[k * nb + b] / l } else { 0.0 };
        }
    }
    n
}

/// The null model's maximised log-likelihood, `Σ_kb n_kb (ln(n_kb / L_b) − 1)` (0 ln 0 = 0).
pub fn null_log_likelihood(ev: &Events) -> f64 {
    let (d, nb) = (ev.dims(), ev.bins);
    let mut n = vec![0.0f64; d * nb];
    for (&k, &b) in ev.kinds.iter().zip(&ev.event_bins) {
        n[k as usize * nb + b as usize] += 1.0;
    }
    let mut ll = 0.0;
    for k in 0..d {
        for b in 0..nb {
            let c = n[k * nb + b];
            if c > 0.0 {
                ll += c * ((c / ev.exposure[b]).ln() - 1.0);
            }
        }
    }
    ll
}

fn lr_of(full_log_likelihood: f64, ev: &Events) -> f64 {
    let lr = 2.0 * (full_log_likelihood - null_log_likelihood(ev));
    if lr.is_finite() && lr > LR_NOISE {
        lr
    } else {
        0.0
    }
}

/// The test. `full_log_likelihood` is the full fit's maximum on `ev` (from `fit_with(ev, opts)`);
/// every replicate is fitted with the same `opts`. `replicates = 0` gives a p-value of 1.
pub fn null_test(
    ev: &Events,
    full_log_likelihood: f64,
    opts: &FitOptions,
    replicates: usize,
    seed: u64,
) -> NullTest {
    null_test_with_progress(ev, full_log_likelihood, opts, replicates, seed, &|_, _| {})
}

/// [`null_test`], telling `progress(done, of)` after each batch of replicates.
pub fn null_test_with_progress(
    ev: &Events,
    full_log_likelihood: f64,
    opts: &FitOptions,
    replicates: usize,
    seed: u64,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> NullTest {
    let lr = lr_of(full_log_likelihood, ev);
    let exceeds = |r: u64| {
        // A replicate with no events at all shows no excitation: its LR is 0.
        let lr_b = match resample_null(ev, seed, r) {
            Some(sim) => lr_of(fit_with(&sim, opts).log_likelihood, &sim),
            None => 0.0,
        };
        lr_b >= lr
    };
    if sequential_log(ev) && replicates > 0 {
        // On a long log, an LR far beyond anything the null can give decides the test without
        // simulation: Davies' bound on the tail of the supremum over the decay.
        let bound = davies_bound(lr, ev);
        if bound < DAVIES_DECIDES {
            return NullTest {
                lr,
                p_value: bound,
                replicates,
                drawn: 0,
            };
        }
    }
    // The most exceedances with which the full test still rejects: (1 + e)/(B + 1) < level.
    let most =
        crate::cast::whole((NULL_TEST_LEVEL * (replicates + 1) as f64).ceil()).saturating_sub(2);
    let sequential = sequential_log(ev);
    let chunk = if sequential { CHUNK } else { replicates.max(1) };
    let (mut exceed, mut drawn) = (0usize, 0usize);
    while drawn < replicates {
        let end = (drawn + chunk).min(replicates);
        exceed += (drawn as u64..end as u64)
            .into_par_iter()
            .filter(|&r| exceeds(r))
            .count();
        drawn = end;
        progress(drawn, replicates);
        if sequential && exceed > most {
            break;
        }
    }
    NullTest {
        lr,
        p_value: (1 + exceed) as f64 / (drawn + 1) as f64,
        replicates,
        drawn,
    }
}

/// One log drawn from the null model *conditionally on its sufficient statistics*: for every
/// dimension `k` and daily bin `b`, exactly as many events as `ev` has there, placed independently
/// and uniformly on the bin's own clock (the bin's hours inside the window laid end to end, of
/// length its exposure), then mapped back to absolute time.
///
/// Why conditional rather than drawing from the fitted rates: the counts `n_kb` are sufficient for
/// the null's rates, so given them the null law of the log no longer depends on the unknown rates
/// at all. The Monte Carlo p-value is then exact at any sample size — a parametric bootstrap from
/// the *fitted* rates was not: with 24 bins and two dimensions it estimated 48 rates from 200
/// events, and its size was 5.5% against a nominal 2.5% (docs/research.md). The draws come from
/// `closer_model::rng(seed, stream)`. `None` when the log has no events.
pub fn resample_null(ev: &Events, seed: u64, stream: u64) -> Option<Events> {
    let mut rng = closer_model::rng(seed, stream);
    let (d, nb) = (ev.dims(), ev.bins);
    let width = 24.0 / nb as f64;
    let mut counts = vec![0usize; d * nb];
    for (&k, &b) in ev.kinds.iter().zip(&ev.event_bins) {
        counts[k as usize * nb + b as usize] += 1;
    }
    let mut all: Vec<(f64, u8)> = Vec::with_capacity(ev.len());
    for b in 0..nb {
        let len = ev.exposure[b];
        if len.is_nan() || len <= 0.0 {
            continue;
        }
        let c0 = cumulative_in_bin(ev.window.start, b, width);
        for k in 0..d {
            let code = Events::kind_code(k);
            for _ in 0..counts[k * nb + b] {
                let s = len * uniform(&mut rng);
                let t = absolute(c0 + s, b, width).clamp(ev.window.start, ev.window.end);
                all.push((t, code));
            }
        }
    }
    if all.is_empty() {
        return None;
    }
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (times, kinds) = all.into_iter().unzip();
    Events::new(ev.labels.clone(), times, kinds, ev.window, nb).ok()
}

/// A uniform draw on (0, 1] from the top 53 bits: never 0, and 1 only once in 2⁵³ draws, so an
/// event practically never lands on a bin's edge.
fn uniform(rng: &mut impl rand::Rng) -> f64 {
    closer_domain::numeric::open_unit_f64(rng.next_u64())
}

/// The inverse of `cumulative_in_bin` for bin `b`: the absolute time at which `c` hours of bin `b`
/// have elapsed since the origin.
fn absolute(c: f64, b: usize, width: f64) -> f64 {
    let day = (c / width).floor();
    day * 24.0 + b as f64 * width + (c - day * width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hawkes::{Dimension, HawkesParams, fit, log_likelihood};
    use closer_domain::{MoveType, Person, Window};
    use closer_model::hawkes::simulate;

    fn labels() -> Vec<Dimension> {
        vec![
            Dimension::new(Person::A, MoveType::Reach),
            Dimension::new(Person::B, MoveType::Withdraw),
        ]
    }

    /// A log drawn from the model crate's simulator (independently of `resample_null`).
    fn simulated(p: &HawkesParams, horizon: f64, bins: usize, seed: u64) -> Events {
        let mut rng = closer_model::rng(seed, 0);
        let ev = simulate(p, horizon, &mut rng).unwrap();
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
        .unwrap()
    }

    fn poisson(rates: [f64; 2]) -> HawkesParams {
        HawkesParams::from_rows(rates.to_vec(), &[vec![0.0; 2], vec![0.0; 2]], 1.0)
            .expect("a square excitation matrix")
    }

    #[test]
    fn null_likelihood_is_the_poisson_likelihood_at_its_closed_form_maximum() {
        for bins in [1, 4] {
            let ev = simulated(&poisson([0.3, 0.2]), 200.0, bins, 5);
            let rates = null_rates(&ev);
            let p = HawkesParams::poisson(2, bins, rates.clone(), 1.0);
            let want = log_likelihood(&ev, &p);
            let got = null_log_likelihood(&ev);
            assert!((got - want).abs() < 1e-9 * want.abs(), "{got} vs {want}");
            // Moving any rate lowers it: a maximum.
            for i in 0..rates.len() {
                let mut r = rates.clone();
                r[i] *= 1.05;
                assert!(log_likelihood(&ev, &HawkesParams::poisson(2, bins, r, 1.0)) < got);
            }
        }
    }

    #[test]
    fn resampled_null_logs_keep_each_count_per_type_and_bin_and_spread_them_evenly() {
        // Events only in bins 1 and 3 of 4 (06–12 h and 18–24 h), in a window starting mid-bin.
        let window = Window {
            start: 7.0,
            end: 7.0 + 24.0 * 50.0,
        };
        let bin = |t: f64| crate::cast::whole((t + window.start).rem_euclid(24.0) / 6.0);
        let mut log: Vec<(f64, u8)> = Vec::new();
        for day in 0..50 {
            let d = window.start + day as f64 * 24.0;
            log.push((d + 1.0, 0)); // 08:00, bin 1, A
            log.push((d + 2.5, 1)); // 09:30, bin 1, B
            if day % 2 == 0 {
                log.push((d + 13.0, 0)); // 20:00, bin 3, A
            }
        }
        let (times, kinds): (Vec<f64>, Vec<u8>) = log.into_iter().unzip();
        let base = Events::new(labels(), times, kinds, window, 4).unwrap();
        let counts = |ev: &Events| {
            let mut n = [0usize; 8];
            for (&t, &k) in ev.times.iter().zip(&ev.kinds) {
                n[k as usize * 4 + bin(t)] += 1;
            }
            n
        };
        let want = counts(&base);
        assert_eq!(want, [0, 50, 0, 25, 0, 50, 0, 0]);
        let sim = resample_null(&base, 9, 0).unwrap();
        assert_eq!(
            counts(&sim),
            want,
            "the sufficient statistics are kept exactly"
        );
        assert_eq!(sim.window(), window);
        assert!(sim.times.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            sim.times
                .iter()
                .all(|&t| (0.0..=window.end - window.start).contains(&t))
        );
        // Spread evenly over the days: the mean day of the 125 events is near the middle (24.5 of
        // 0..49, standard error about 14.4 / √125 = 1.3), unlike the base log's fixed pattern.
        let mean_day = sim.times.iter().map(|t| (t / 24.0).floor()).sum::<f64>() / 125.0;
        assert!((mean_day - 24.5).abs() < 5.0, "mean day {mean_day}");
        // The same seed and stream give the same log; another stream another.
        assert_eq!(resample_null(&base, 9, 0).unwrap().times, sim.times);
        assert_ne!(resample_null(&base, 9, 1).unwrap().times, sim.times);
    }

    #[test]
    fn p_value_holds_its_level_on_poisson_data() {
        // 40 constant-rate logs of about 300 events, B = 19: the smallest p-value is 1/20, so
        // "p ≤ 0.05" means "LR above all 19 replicates", which for a valid test has chance
        // exactly 1/20. The rejections are then Binomial(40, 0.05), and P(more than 6) =
        // 7.1e-4: at most 6 rejections (15%) cannot fail by chance more than about 1e-3.
        let opts = FitOptions::default();
        let ps: Vec<f64> = (0..40u64)
            .into_par_iter()
            .map(|s| {
                let ev = simulated(&poisson([0.3, 0.25]), 300.0 / 0.55, 1, 1_000 + s);
                let f = fit(&ev);
                let t = null_test(&ev, f.log_likelihood, &opts, 19, 2_000 + s);
                assert!(t.lr >= 0.0);
                assert_eq!(t.replicates, 19);
                t.p_value
            })
            .collect();
        let rejected = ps.iter().filter(|&&p| p <= 0.05).count();
        assert!(rejected <= 6, "{rejected} of 40 rejected: {ps:?}");
        assert!(ps.iter().all(|&p| (0.05..=1.0).contains(&p)));
    }

    #[test]
    fn davies_bound_decides_only_far_beyond_the_null() {
        let ev = simulated(&poisson([0.3, 0.2]), 200.0, 1, 5);
        // Small statistics are not decided; the bound falls as the statistic grows.
        assert_eq!(davies_bound(0.0, &ev), 1.0);
        assert!(davies_bound(10.0, &ev) > DAVIES_DECIDES);
        let (a, b, c) = (
            davies_bound(40.0, &ev),
            davies_bound(80.0, &ev),
            davies_bound(400.0, &ev),
        );
        assert!(a > b && b > c, "{a} {b} {c}");
        assert!(c < 1e-60);
        // It is never below the plain χ²₄ tail, which it contains: at c = 40,
        // P(χ²₄ > 40) = e^(−20)·(1 + 20) = 4.3e-8.
        assert!(a >= 21.0 * (-20f64).exp());
    }

    #[test]
    fn p_value_is_small_on_strongly_excited_data() {
        // Each move sets off half a move of its own type: μ = 0.25 per hour per type gives a
        // stationary 0.5 per hour per type, about 500 events in 500 hours.
        let p = HawkesParams::from_rows(vec![0.25, 0.25], &[vec![0.5, 0.0], vec![0.0, 0.5]], 1.0)
            .expect("a square excitation matrix");
        let ev = simulated(&p, 500.0, 1, 42);
        let f = fit(&ev);
        let t = null_test(&ev, f.log_likelihood, &FitOptions::default(), 39, 7);
        assert!(t.lr > 20.0, "LR {}", t.lr);
        assert_eq!(t.p_value, 1.0 / 40.0);
        assert!(t.rejects());
        // No replicates: nothing is known, p = 1, and the gate stays closed.
        let none = null_test(&ev, f.log_likelihood, &FitOptions::default(), 0, 7);
        assert_eq!(none.p_value, 1.0);
        assert!(!none.rejects());
    }
}
