//! Maximum likelihood: the decay by a safeguarded one-dimensional search on its profile, the
//! baselines and excitations for each decay by a projected Newton method per dimension.
//!
//! Why this split: for a fixed decay `β` the log-likelihood is a sum over dimensions `k` of
//!
//! ```text
//! f_k(θ_k) = Σ_{n of type k} ln(μ_{k,b_n} + Σ_j α_kj R_j(t_n)) − Σ_b μ_kb L_b − Σ_j α_kj C_j
//! ```
//!
//! with `θ_k = (μ_k·, α_k·) ≥ 0`: each is concave, small (`B + D` parameters) and has a cheap
//! exact Hessian, so a projected Newton method (Bertsekas 1982) reaches its maximum — with
//! excitations exactly at 0 where the constraint binds — in a handful of steps. The traces
//! `R_j(t_n)` are computed once per decay value (one exponential per event) into flat per-dimension
//! buffers and reused by every Newton step. The profile `P(β) = Σ_k max f_k` is then maximised over
//! `u = ln β`: its derivative is the partial derivative of the log-likelihood in `β` at the inner
//! optimum (envelope theorem), which the same buffers give, so the outer search is a safeguarded
//! secant on `dP/du` that converges in a few evaluations.
//!
//! The pieces, one concern each: `search` (the outer decay search and Brent's root finder),
//! `workspace` (the per-decay trace buffers and the solve of every dimension), `newton` (one
//! dimension's projected Newton method and its steps) and `kernels` (the passes over a
//! dimension's events, unrolled per number of dimensions).

mod kernels;
mod newton;
mod search;
mod workspace;

use super::likelihood::{Gradient, log_likelihood_gradient};
use super::{Events, HawkesParams};
use search::search_decay;
use workspace::Workspace;

/// Logs longer than this start from a fit of their first eighth.
const PREFIX_FROM: usize = 40_000;

/// A parameter, for fixing one while profiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamRef {
    Baseline { k: usize, b: usize },
    Excitation { k: usize, j: usize },
    Decay,
}

/// Options for [`fit_with`].
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Hold one parameter at a value (profile likelihood).
    pub fixed: Option<(ParamRef, f64)>,
    /// Where the decay search starts; default: the event rate `n / T`.
    pub initial_decay: Option<f64>,
    /// A starting point for the baselines and excitations (for example a neighbouring fit).
    pub warm_start: Option<HawkesParams>,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub params: HawkesParams,
    pub log_likelihood: f64,
    /// False when every excitation is 0: the decay then does not enter the likelihood.
    pub decay_identified: bool,
    /// True when the decay search stopped at a bound of its range (see `decay_bounds`).
    pub decay_at_bound: bool,
    /// How many decay values the search evaluated.
    pub decay_evaluations: usize,
    /// The gradient of the log-likelihood at the optimum.
    pub gradient: Gradient,
    /// The largest absolute component of the projected gradient (components pushing a parameter
    /// below 0 while it sits at 0 are dropped; the decay's component is `β ∂ℓ/∂β`). Near 0 at a
    /// constrained maximum.
    pub projected_gradient_max: f64,
}

/// Fits the model by maximum likelihood.
pub fn fit(ev: &Events) -> Fit {
    fit_with(ev, &FitOptions::default())
}

/// Fits with options (a fixed parameter, a starting point).
pub fn fit_with(ev: &Events, opts: &FitOptions) -> Fit {
    // On a long log, first fit the prefix holding an eighth of the events: its estimates start
    // the full search close to the maximum, so the expensive full passes are few (a cold start
    // costs several Newton steps with line searches per decay value).
    if opts.warm_start.is_none() && ev.len() > PREFIX_FROM {
        let prefix = ev.prefix(ev.len() / 8);
        let pre_fit = fit_with(&prefix, opts);
        let warm = FitOptions {
            fixed: opts.fixed,
            initial_decay: Some(pre_fit.params.decay),
            warm_start: Some(pre_fit.params),
        };
        return fit_from(ev, &warm, warm.initial_decay, 0.1);
    }
    let rate = ev.len() as f64 / ev.horizon;
    let first = opts
        .initial_decay
        .or(opts.warm_start.as_ref().map(|p| p.decay));
    let mut best = fit_from(ev, opts, first, 1.0);
    if opts.warm_start.is_none() && !matches!(opts.fixed, Some((ParamRef::Decay, _))) {
        // The decay's profile can have several local maxima (notably when the excitation is
        // weak, where it is nearly flat): on a cold start, search from a slow, a middling and a
        // fast kernel and keep the best.
        for start in [rate * 0.05, rate * 20.0] {
            let f = fit_from(ev, opts, Some(start), 1.0);
            if f.log_likelihood > best.log_likelihood {
                best = f;
            }
        }
    }
    best
}

/// The decay's search range, as `ln β`. Below: a kernel whose mean delay `1/β` is longer than a
/// tenth of the window cannot be told from a slow trend in the baseline (the likelihood then
/// drifts towards `β → 0`, `α → ∞` with `αβ` fixed). Above: `10⁵` times the event rate — delays
/// far shorter than the typical gap, which only near-coincident pairs could support.
pub(crate) fn decay_bounds(ev: &Events) -> (f64, f64) {
    let rate = ev.len() as f64 / ev.horizon;
    let lo = 10.0 / ev.horizon;
    let hi = (rate * 1e5).max(lo * 1e3);
    (lo.ln(), hi.ln())
}

/// One decay search from `start` (default: the event rate), with the given options.
fn fit_from(ev: &Events, opts: &FitOptions, start: Option<f64>, step0: f64) -> Fit {
    let mut ws = Workspace::new(ev, opts);
    let (u_lo, u_hi) = decay_bounds(ev);
    let fixed_decay = match opts.fixed {
        Some((ParamRef::Decay, v)) => Some(v),
        _ => None,
    };
    let mut at_bound = false;
    let mut identified = true;
    let u_star = match fixed_decay {
        Some(beta) => beta.ln(),
        None => {
            let rate = ev.len() as f64 / ev.horizon;
            let u0 = start.unwrap_or(rate).ln().clamp(u_lo, u_hi);
            let s = search_decay(&mut ws, u0, u_lo, u_hi, step0);
            at_bound = s.at_bound;
            identified = s.identified;
            s.u
        }
    };
    let beta = u_star.exp();
    // The final solve to rounding: the search needed the inner maxima only to 1e-9.
    ws.tolerance = 1e-15;
    ws.evaluate(beta);
    let params = ws.params(beta);
    let (ll, gradient) = log_likelihood_gradient(ev, &params);
    let projected_gradient_max = projected_max(&params, &gradient, opts.fixed);
    let identified = identified && params.excitation.iter().any(|&a| a > 0.0);
    Fit {
        params,
        log_likelihood: ll,
        decay_identified: identified,
        decay_at_bound: at_bound,
        decay_evaluations: ws.evaluations,
        gradient,
        projected_gradient_max,
    }
}

fn projected_max(p: &HawkesParams, g: &Gradient, fixed: Option<(ParamRef, f64)>) -> f64 {
    let mut m: f64 = 0.0;
    let skip = |r: ParamRef| matches!(fixed, Some((f, _)) if f == r);
    for k in 0..p.dims {
        for b in 0..p.bins {
            let i = k * p.bins + b;
            if !skip(ParamRef::Baseline { k, b }) {
                m = m.max(proj(p.baseline[i], g.baseline[i]));
            }
        }
        for j in 0..p.dims {
            let i = k * p.dims + j;
            if !skip(ParamRef::Excitation { k, j }) {
                m = m.max(proj(p.excitation[i], g.excitation[i]));
            }
        }
    }
    if !skip(ParamRef::Decay) && p.excitation.iter().any(|&a| a > 0.0) {
        m = m.max((p.decay * g.decay).abs());
    }
    m
}

fn proj(x: f64, g: f64) -> f64 {
    if x <= 0.0 && g < 0.0 { 0.0 } else { g.abs() }
}
