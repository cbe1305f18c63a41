//! Profile-likelihood intervals.
//!
//! Why profile likelihood and not Hessian (Wald) errors: excitations are often at or near their
//! bound 0, where the likelihood is cut off and the quadratic approximation behind a Hessian error
//! is wrong (a Wald interval can reach below 0, or be absurdly narrow). The profile interval
//! `{v : max_{others} ℓ(v, others) ≥ ℓ̂ − χ²₁(0.95)/2}` respects the bound and is invariant to
//! reparametrisation; at the bound it is conservative (the likelihood-ratio statistic is then a
//! 50:50 mixture of χ²₀ and χ²₁, so the χ²₁ cut-off over-covers). Why not the parametric bootstrap:
//! it needs hundreds of refits and a simulator; the profile needs a few dozen warm-started refits
//! and no randomness, so the output is reproducible. The calibration study in `docs/research.md`
//! measures the coverage actually reached.

use super::fit::{Fit, FitOptions, ParamRef, fit_with};
use super::{Events, HawkesParams};
use serde::Serialize;

/// χ²₁ 0.95 quantile.
pub(crate) const CHI2_95: f64 = 3.841_458_820_694_124;

/// One interval. `upper` is `None` when the profile never fell below the cut-off (the data do
/// not bound the parameter from above).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: Option<f64>,
}

impl Interval {
    pub fn contains(&self, v: f64) -> bool {
        v >= self.lower && self.upper.is_none_or(|u| v <= u)
    }
}

/// Intervals for a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intervals {
    /// "profile likelihood"
    pub method: &'static str,
    pub level: f64,
    /// Per dimension, for a constant baseline; `None` with a daily baseline (one interval per bin
    /// and dimension would be many refits for numbers nobody reads one by one).
    pub baseline: Option<Vec<Interval>>,
    /// `D × D`, row-major like the excitation.
    pub excitation: Vec<Interval>,
    /// `None` when the decay is not identified (every excitation at 0).
    pub decay: Option<Interval>,
}

/// 95% profile-likelihood intervals for the excitations, the decay and (constant baseline only)
/// the baselines.
pub fn profile_intervals(ev: &Events, fit: &Fit) -> Intervals {
    let p = &fit.params;
    let target = fit.log_likelihood - CHI2_95 / 2.0;
    let d = p.dims;
    let mut excitation = Vec::with_capacity(d * d);
    for k in 0..d {
        for j in 0..d {
            let r = ParamRef::Excitation { k, j };
            excitation.push(interval(ev, fit, r, target, Scale::Linear { floor: 0.02 }));
        }
    }
    let baseline = (p.bins == 1).then(|| {
        (0..d)
            .map(|k| {
                let r = ParamRef::Baseline { k, b: 0 };
                let floor = 0.01 * p.mu(k, 0).max(1e-12);
                interval(ev, fit, r, target, Scale::Linear { floor })
            })
            .collect()
    });
    let decay = fit
        .decay_identified
        .then(|| interval(ev, fit, ParamRef::Decay, target, Scale::Log));
    Intervals {
        method: "profile likelihood",
        level: 0.95,
        baseline,
        excitation,
        decay,
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Scale {
    /// Steps in the parameter itself, bounded below by 0; the first step at least `floor`.
    Linear { floor: f64 },
    /// Steps in its logarithm (the decay).
    Log,
}

fn value_of(p: &HawkesParams, r: ParamRef) -> f64 {
    match r {
        ParamRef::Baseline { k, b } => p.mu(k, b),
        ParamRef::Excitation { k, j } => p.alpha(k, j),
        ParamRef::Decay => p.decay,
    }
}

pub(crate) fn interval(ev: &Events, fit: &Fit, r: ParamRef, target: f64, scale: Scale) -> Interval {
    let hat = value_of(&fit.params, r);
    let mut warm = fit.params.clone();
    // The decay's profile can have several local maxima, so each profile point is the better of
    // two searches: from the neighbouring profile point and from the maximum-likelihood fit.
    // Without the second, a search stuck on a lower local maximum makes the profile look lower
    // than it is, and the interval too short.
    let mut profile = |v: f64| -> f64 {
        let mut best: Option<Fit> = None;
        for from in [&warm, &fit.params] {
            let opts = FitOptions {
                fixed: Some((r, v)),
                initial_decay: Some(from.decay),
                warm_start: Some(from.clone()),
            };
            let f = fit_with(ev, &opts);
            if best
                .as_ref()
                .is_none_or(|b| f.log_likelihood > b.log_likelihood || b.log_likelihood.is_nan())
            {
                best = Some(f);
            }
        }
        match best {
            Some(f) if f.log_likelihood.is_finite() => {
                warm = f.params;
                f.log_likelihood
            }
            Some(f) => f.log_likelihood,
            None => f64::NAN,
        }
    };
    match scale {
        Scale::Linear { floor } => {
            let step = (0.25 * hat).max(floor);
            let upper = side(&mut profile, hat, step, target, |v| v);
            let lower = if hat <= 0.0 || profile(0.0) >= target {
                Some(0.0)
            } else {
                // Search in (0, hat): map x ∈ (−∞, ln hat] to v = e^x so steps never reach 0.
                side(&mut profile, hat.ln(), -0.25, target, f64::exp)
            };
            Interval {
                lower: lower.unwrap_or(0.0),
                upper,
            }
        }
        Scale::Log => {
            let u = hat.ln();
            let upper = side(&mut profile, u, 0.25, target, f64::exp);
            let lower = side(&mut profile, u, -0.25, target, f64::exp);
            Interval {
                lower: lower.unwrap_or(0.0),
                upper,
            }
        }
    }
}

/// Walks from `x0` by `step` (doubling) until the profile falls below `target`, then finds the
/// crossing by an Illinois secant on `profile − target`. Returns the parameter value
/// (`to_value(x)`), or `None` if no crossing was found.
fn side(
    profile: &mut impl FnMut(f64) -> f64,
    x0: f64,
    step: f64,
    target: f64,
    to_value: impl Fn(f64) -> f64,
) -> Option<f64> {
    // At the estimate the profile stands χ²/2 above the target.
    let mut inside = (x0, CHI2_95 / 2.0);
    let mut h = step;
    let mut outside = None;
    for _ in 0..40 {
        let x = inside.0 + h;
        let v = to_value(x);
        if !v.is_finite() || v < 0.0 {
            break;
        }
        let f = profile(v) - target;
        if f.is_nan() || f < 0.0 {
            outside = Some((x, if f.is_finite() { f } else { f64::NEG_INFINITY }));
            break;
        }
        inside = (x, f);
        h *= 2.0;
    }
    let (mut a, mut fa) = inside;
    let (mut b, mut fb) = outside?;
    let mut last_side = 0i32;
    for _ in 0..60 {
        let tol = 1e-6 * (1.0 + to_value(a).abs());
        if (to_value(a) - to_value(b)).abs() < tol {
            break;
        }
        let c = if fb.is_finite() {
            let (wa, wb) = match last_side {
                s if s >= 2 => (1.0, 0.5),
                s if s <= -2 => (0.5, 1.0),
                _ => (1.0, 1.0),
            };
            let (fa2, fb2) = (fa * wa, fb * wb);
            let c = a + fa2 * (b - a) / (fa2 - fb2);
            let (lo, hi) = (a.min(b), a.max(b));
            if c > lo + 1e-3 * (hi - lo) && c < hi - 1e-3 * (hi - lo) {
                c
            } else {
                0.5 * (a + b)
            }
        } else {
            0.5 * (a + b)
        };
        let v = to_value(c);
        let f = profile(v) - target;
        if f.abs() < 1e-7 {
            return Some(v);
        }
        if f >= 0.0 {
            a = c;
            fa = f;
            last_side = if last_side < 0 { 1 } else { last_side + 1 };
        } else {
            b = c;
            fb = if f.is_finite() { f } else { f64::NEG_INFINITY };
            last_side = if last_side > 0 { -1 } else { last_side - 1 };
        }
    }
    Some(to_value(0.5 * (a + b)))
}
