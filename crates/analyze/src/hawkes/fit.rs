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

use super::likelihood::{Gradient, Traces, log_likelihood_gradient};
use super::{Events, Params};

/// Logs at least this long solve their dimensions on two threads.
const PARALLEL_FROM: usize = 200_000;

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
    pub warm_start: Option<Params>,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub params: Params,
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

fn projected_max(p: &Params, g: &Gradient, fixed: Option<(ParamRef, f64)>) -> f64 {
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

struct Search {
    u: f64,
    at_bound: bool,
    identified: bool,
}

/// Maximises the profile over `u = ln β` through the root of its derivative `h(u) = dP/du`:
/// bracket by stepping in the direction of `h` (doubling the step), then Brent's method on `h`.
/// Where every excitation is 0 the profile is flat (`h = 0`): such points are stepped back from
/// by halving, so the search does not stop on a flat stretch.
fn search_decay(ws: &mut Workspace, u0: f64, u_lo: f64, u_hi: f64, step0: f64) -> Search {
    let h0 = ws.profile(u0);
    if h0 == 0.0 || !h0.is_finite() {
        return Search {
            u: u0,
            at_bound: false,
            identified: false,
        };
    }
    let dir = h0.signum();
    let mut step = step0;
    let (mut u, mut h) = (u0, h0);
    let (other, h_other) = loop {
        let mut next = (u + dir * step).clamp(u_lo, u_hi);
        if next == u {
            return Search {
                u,
                at_bound: true,
                identified: true,
            };
        }
        let mut hn = ws.profile(next);
        let mut halvings = 0;
        while (hn == 0.0 || !hn.is_finite()) && halvings < 40 {
            next = 0.5 * (u + next);
            hn = ws.profile(next);
            halvings += 1;
        }
        if hn == 0.0 || !hn.is_finite() {
            return Search {
                u,
                at_bound: false,
                identified: true,
            };
        }
        if hn.signum() != dir {
            break (next, hn);
        }
        u = next;
        h = hn;
        step *= 2.0;
    };
    // |dP/du| < 1e-3 leaves the profile within (1e-3)²/(2|P''|) of its maximum: nothing.
    let u = brent_root(|x| ws.profile(x), u, h, other, h_other, 1e-9, 1e-3);
    Search {
        u,
        at_bound: false,
        identified: true,
    }
}

/// Brent's root finder (zeroin) on a bracket `[a, b]` with `f(a)`, `f(b)` of opposite signs.
/// Points where `f` is 0 or not finite (a flat or infeasible stretch) are treated as lying on
/// `b`'s side, which keeps the bracket honest.
pub(crate) fn brent_root(
    mut f: impl FnMut(f64) -> f64,
    a0: f64,
    fa0: f64,
    b0: f64,
    fb0: f64,
    xtol: f64,
    ftol: f64,
) -> f64 {
    let (mut a, mut fa, mut b, mut fb) = (a0, fa0, b0, fb0);
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb.abs() < ftol {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
        if fb == 0.0 || !fb.is_finite() {
            // Put it on c's side of the sign change? Treat as the sign of c's opposite: shrink
            // towards a, which has a proper sign.
            fb = -fa.signum() * f64::MIN_POSITIVE;
        }
    }
    b
}

/// Buffers reused for every decay value: per dimension, the traces at its events (`R`, and its
/// β-derivative), the bins of its events, and the current `θ_k`.
struct Workspace<'a> {
    ev: &'a Events,
    d: usize,
    nb: usize,
    r: Vec<Vec<f64>>,
    dr: Vec<Vec<f64>>,
    bins: Vec<Vec<u16>>,
    bin_counts: Vec<Vec<f64>>,
    c: Vec<f64>,
    dc: Vec<f64>,
    theta: Vec<Vec<f64>>,
    fixed: Option<(usize, usize, f64)>,
    evaluations: usize,
    /// Newton decrement below which an inner problem counts as solved.
    tolerance: f64,
}

impl<'a> Workspace<'a> {
    fn new(ev: &'a Events, opts: &FitOptions) -> Workspace<'a> {
        let d = ev.dims();
        let nb = ev.bins;
        let mut bins: Vec<Vec<u16>> = (0..d).map(|k| Vec::with_capacity(ev.counts[k])).collect();
        let mut bin_counts = vec![vec![0.0; nb]; d];
        for (&k, &b) in ev.kinds.iter().zip(&ev.event_bins) {
            bins[k as usize].push(b);
            bin_counts[k as usize][b as usize] += 1.0;
        }
        let fixed = match opts.fixed {
            Some((ParamRef::Baseline { k, b }, v)) => Some((k, b, v)),
            Some((ParamRef::Excitation { k, j }, v)) => Some((k, nb + j, v)),
            _ => None,
        };
        let theta = (0..d)
            .map(|k| match &opts.warm_start {
                Some(p) => {
                    let mut t: Vec<f64> = p.baseline[k * nb..(k + 1) * nb].to_vec();
                    t.extend_from_slice(&p.excitation[k * d..(k + 1) * d]);
                    t
                }
                None => cold_start(&bin_counts[k], &ev.exposure, d),
            })
            .collect();
        Workspace {
            ev,
            d,
            nb,
            r: (0..d).map(|k| vec![0.0; ev.counts[k] * d]).collect(),
            dr: (0..d).map(|k| vec![0.0; ev.counts[k] * d]).collect(),
            bins,
            bin_counts,
            c: vec![0.0; d],
            dc: vec![0.0; d],
            theta,
            fixed,
            evaluations: 0,
            tolerance: 2e-9,
        }
    }

    fn params(&self, beta: f64) -> Params {
        let (d, nb) = (self.d, self.nb);
        let mut baseline = Vec::with_capacity(d * nb);
        let mut excitation = Vec::with_capacity(d * d);
        for t in &self.theta {
            baseline.extend_from_slice(&t[..nb]);
            excitation.extend_from_slice(&t[nb..]);
        }
        Params {
            dims: d,
            bins: nb,
            baseline,
            excitation,
            decay: beta,
        }
    }

    /// The derivative of the profile in `u = ln β`.
    fn profile(&mut self, u: f64) -> f64 {
        let beta = u.exp();
        let (_, dv) = self.evaluate(beta);
        beta * dv
    }

    /// Fills the trace buffers for `β`, solves every dimension, and returns the profile value and
    /// its derivative in `β`.
    fn evaluate(&mut self, beta: f64) -> (f64, f64) {
        self.evaluations += 1;
        self.fill(beta);
        let d = self.d;
        let solve_one = |k: usize, theta: &mut Vec<f64>| -> f64 {
            let fixed = match self.fixed {
                Some((fk, i, v)) if fk == k => Some((i, v)),
                _ => None,
            };
            let dim = DimProblem {
                d,
                nb: self.nb,
                r: &self.r[k],
                dr: &self.dr[k],
                bins: &self.bins[k],
                exposure: &self.ev.exposure,
                c: &self.c,
                dc: &self.dc,
                fixed,
                tolerance: self.tolerance,
            };
            if let Some((i, v)) = fixed {
                theta[i] = v;
            }
            let (v, mut dv) = dim.solve(theta);
            if v == Some(f64::NEG_INFINITY) {
                // The warm start put some event at intensity 0: start again from a feasible point.
                *theta = cold_start(&self.bin_counts[k], &self.ev.exposure, d);
                if let Some((i, x)) = fixed {
                    theta[i] = x;
                }
                dv = dim.solve(theta).1;
            }
            dv
        };
        let mut thetas = std::mem::take(&mut self.theta);
        let deriv: f64 = if self.ev.len() >= PARALLEL_FROM && d > 1 {
            // The dimensions' problems are independent: on a long log, solve them on two
            // threads (the machine this was built for has two cores).
            let (left, right) = thetas.split_at_mut(d / 2);
            std::thread::scope(|sc| {
                let h = sc.spawn(|| {
                    left.iter_mut()
                        .enumerate()
                        .map(|(k, t)| solve_one(k, t))
                        .sum::<f64>()
                });
                let r: f64 = right
                    .iter_mut()
                    .enumerate()
                    .map(|(k, t)| solve_one(k + d / 2, t))
                    .sum();
                r + h.join().unwrap_or(f64::NAN)
            })
        } else {
            thetas
                .iter_mut()
                .enumerate()
                .map(|(k, t)| solve_one(k, t))
                .sum()
        };
        self.theta = thetas;
        (f64::NAN, deriv)
    }

    /// One pass over the events: the traces every event sees, written to its dimension's buffer.
    fn fill(&mut self, beta: f64) {
        let ev = self.ev;
        let d = self.d;
        let mut tr = Traces::new(d);
        let mut pos = [0usize; super::MAX_DIMS];
        for (&t, &k) in ev.times.iter().zip(&ev.kinds) {
            let k = k as usize;
            tr.advance(t, beta, true);
            let at = pos[k] * d;
            let row = &mut self.r[k][at..at + d];
            for j in 0..d {
                row[j] = beta * tr.s[j];
            }
            let drow = &mut self.dr[k][at..at + d];
            for j in 0..d {
                drow[j] = tr.s[j] - beta * tr.u[j];
            }
            pos[k] += 1;
            tr.push(k);
        }
        tr.advance(ev.horizon, beta, true);
        for j in 0..d {
            self.c[j] = tr.compensator_weight(j, ev.counts[j]);
            self.dc[j] = tr.u[j];
        }
    }
}

/// A feasible start: half the bin's event rate as baseline, no excitation.
fn cold_start(bin_counts: &[f64], exposure: &[f64], d: usize) -> Vec<f64> {
    let mut t: Vec<f64> = bin_counts
        .iter()
        .zip(exposure)
        .map(|(&n, &l)| if n > 0.0 && l > 0.0 { 0.5 * n / l } else { 0.0 })
        .collect();
    t.extend(std::iter::repeat_n(0.0, d));
    t
}

/// One dimension's concave problem at a fixed decay.
struct DimProblem<'a> {
    d: usize,
    nb: usize,
    r: &'a [f64],
    dr: &'a [f64],
    bins: &'a [u16],
    exposure: &'a [f64],
    c: &'a [f64],
    dc: &'a [f64],
    fixed: Option<(usize, f64)>,
    tolerance: f64,
}

impl DimProblem<'_> {
    fn linear_part(&self, theta: &[f64]) -> f64 {
        let (nb, d) = (self.nb, self.d);
        let mut v = 0.0;
        for b in 0..nb {
            v += theta[b] * self.exposure[b];
        }
        for j in 0..d {
            v += theta[nb + j] * self.c[j];
        }
        v
    }

    /// `f_k(θ)`; `−∞` where some event would have intensity 0.
    fn value(&self, theta: &[f64]) -> f64 {
        let s = dispatch!(self.d, value_kernel, self.r, self.bins, theta, self.nb);
        if s.is_nan() {
            return f64::NEG_INFINITY;
        }
        s - self.linear_part(theta)
    }

    /// Gradient and the negated Hessian (dense, `p × p`) at `θ`; false if some event has
    /// intensity 0 there.
    fn derivatives(&self, theta: &[f64], g: &mut [f64], h: &mut [f64]) -> bool {
        let (nb, d) = (self.nb, self.d);
        let p = nb + d;
        g.iter_mut().for_each(|x| *x = 0.0);
        if structured(nb) {
            // Only the entries the kernels write: each bin's diagonal and its row against the
            // excitations, and the excitations' block. (Bins never meet other bins: an event
            // lies in one bin.) The rest stays 0 from allocation.
            for b in 0..nb {
                h[b * p + b] = 0.0;
                h[b * p + nb..b * p + p].iter_mut().for_each(|x| *x = 0.0);
            }
            for j in 0..d {
                h[(nb + j) * p..(nb + j + 1) * p]
                    .iter_mut()
                    .for_each(|x| *x = 0.0);
            }
        } else {
            h.iter_mut().for_each(|x| *x = 0.0);
        }
        let mut acc = Acc {
            ga: [0.0; MAX_DIMS],
            haa: [0.0; MAX_DIMS * MAX_DIMS],
            ok: true,
        };
        dispatch!(
            d,
            derivative_kernel,
            self.r,
            self.bins,
            theta,
            nb,
            p,
            g,
            h,
            &mut acc
        );
        if !acc.ok {
            return false;
        }
        for j in 0..d {
            g[nb + j] = acc.ga[j];
            for l in j..d {
                h[(nb + j) * p + nb + l] = acc.haa[j * d + l];
            }
        }
        // Symmetrise (with many daily bins, only what the structured step reads: the
        // excitations' block and their columns against the bins).
        if structured(nb) {
            for j in 0..d {
                let i = nb + j;
                for l in 0..i {
                    h[i * p + l] = h[l * p + i];
                }
            }
        } else {
            for i in 0..p {
                for l in 0..i {
                    h[i * p + l] = h[l * p + i];
                }
            }
        }
        for b in 0..nb {
            g[b] -= self.exposure[b];
        }
        for j in 0..d {
            g[nb + j] -= self.c[j];
        }
        true
    }

    /// The derivative of `f_k` in the decay at `θ`.
    fn dbeta(&self, theta: &[f64]) -> f64 {
        let nb = self.nb;
        let events = dispatch!(self.d, beta_kernel, self.r, self.dr, self.bins, theta, nb);
        let alpha = &theta[nb..nb + self.d];
        events - alpha.iter().zip(self.dc).map(|(a, dc)| a * dc).sum::<f64>()
    }

    /// Projected Newton from a feasible `θ`. Returns `Some(−∞)` when the start itself is
    /// infeasible, else `None` (the value is not needed by the caller) and the β-derivative at
    /// the maximum. `−f_k` is self-concordant (a sum of `−ln` of affine functions plus a linear
    /// term), so once the Newton decrement `λ_N²` is below 1/16 full steps converge
    /// quadratically and no line search — no pass of logarithms — is needed; this is the common
    /// case when the decay search warm-starts from its previous point. Farther away, an Armijo
    /// backtracking search along the projection arc. A full step that would put an event at
    /// intensity 0 is halved.
    fn solve(&self, theta: &mut [f64]) -> (Option<f64>, f64) {
        let p = self.nb + self.d;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; p * p];
        let mut step = vec![0.0; p];
        let mut prev = theta.to_vec();
        let mut free: Vec<usize> = Vec::with_capacity(p);
        let mut is_free = vec![false; p];
        let is_fixed = |i: usize| matches!(self.fixed, Some((f, _)) if f == i);
        let mut s = 1.0;
        let mut first = true;
        let mut iters = 0;
        let mut polish = 0;
        while iters < 400 {
            iters += 1;
            if !self.derivatives(theta, &mut g, &mut h) {
                if first {
                    return (Some(f64::NEG_INFINITY), 0.0);
                }
                // Too long a step: halve it from the last feasible point.
                s *= 0.5;
                if s < 1e-30 {
                    theta.copy_from_slice(&prev);
                    break;
                }
                self.take_step(&prev, &step, s, &is_free, theta);
                continue;
            }
            first = false;
            // Bertsekas' ε-active set: near 0 with the gradient pushing further down.
            let mut width: f64 = 0.0;
            for i in 0..p {
                if is_fixed(i) {
                    continue;
                }
                let hii = h[i * p + i].max(1e-300);
                let moved = (theta[i] + g[i] / hii).max(0.0);
                width = width.max((theta[i] - moved).abs());
            }
            let eps = width.min(1e-8);
            free.clear();
            for i in 0..p {
                is_free[i] = !(is_fixed(i) || theta[i] <= eps && g[i] < 0.0);
                if is_free[i] {
                    free.push(i);
                }
            }
            let found = if structured(self.nb) {
                newton_step_structured(&h, &g, p, self.nb, &free, &mut step)
            } else {
                newton_step(&h, &g, p, &free, &mut step)
            };
            if !found {
                break;
            }
            let decrement: f64 = free.iter().map(|&i| g[i] * step[i]).sum::<f64>().max(0.0);
            let active_mass: f64 = (0..p)
                .filter(|&i| !is_fixed(i) && !is_free[i])
                .map(|i| theta[i])
                .sum();
            // Converged when a full Newton step would gain less than the tolerance in
            // log-likelihood (1e-9 during the search: rounding in a sum of a million logarithms
            // is about that size).
            if active_mass == 0.0 {
                if decrement < self.tolerance {
                    break;
                }
                // Polishing below 1e-9 is for rounding only: two more steps at most.
                if decrement < 2e-9 {
                    polish += 1;
                    if polish > 2 {
                        break;
                    }
                }
            }
            prev.copy_from_slice(theta);
            s = 1.0;
            // Inside the region of quadratic convergence a full step needs no value — but only
            // if the projection leaves it a Newton step. A step that the bound clips is a
            // different direction, which can lower the objective; taken blindly, such steps can
            // cycle between active sets until the iteration cap (seen on a 200-event log with 24
            // daily bins: three sets in turn, 400 iterations at every decay value).
            let clipped = free
                .iter()
                .any(|&i| !is_fixed(i) && prev[i] + step[i] < 0.0);
            if decrement < 0.0625 && !clipped {
                self.take_step(&prev, &step, s, &is_free, theta);
                continue;
            }
            // Far from the maximum: Armijo backtracking along the projection arc.
            let current = self.value(&prev);
            let mut accepted = false;
            for _ in 0..60 {
                self.take_step(&prev, &step, s, &is_free, theta);
                let tv = self.value(theta);
                let gain: f64 = (0..p).map(|i| g[i] * (theta[i] - prev[i])).sum();
                if tv.is_finite() && tv >= current + 1e-4 * gain {
                    accepted = true;
                    break;
                }
                s *= 0.5;
            }
            if !accepted {
                theta.copy_from_slice(&prev);
                break;
            }
        }
        (None, self.dbeta(theta))
    }

    fn take_step(&self, from: &[f64], step: &[f64], s: f64, is_free: &[bool], to: &mut [f64]) {
        for i in 0..to.len() {
            let fixed = matches!(self.fixed, Some((f, _)) if f == i);
            to[i] = if fixed {
                from[i]
            } else if is_free[i] {
                (from[i] + s * step[i]).max(0.0)
            } else {
                0.0
            };
        }
    }
}

/// From this many daily bins on, the Newton step uses the Hessian's structure (see
/// [`newton_step_structured`]); below it the dense solve is as fast and is kept as it was.
const STRUCTURED_FROM: usize = 48;

fn structured(nb: usize) -> bool {
    nb >= STRUCTURED_FROM
}

/// The Newton step of [`newton_step`], using the structure of the Hessian: an event lies in one
/// daily bin, so the bins' block is diagonal and only the `D` excitations couple to everything.
/// With `H = [[Δ, C], [Cᵀ, A]]` (Δ diagonal over the free bins, A over the free excitations), the
/// step solves the `D × D` Schur complement `(A − Cᵀ Δ⁻¹ C) y = g_a − Cᵀ Δ⁻¹ g_m`, then
/// `x = Δ⁻¹ (g_m − C y)`: `O(B·D²)` instead of the dense `O((B + D)³)` — at 1,440 bins a few
/// thousand operations instead of half a billion per step, which was the cliff between 144 and
/// 1,440 bins. The same ridge as the dense step is added to every diagonal entry if needed.
fn newton_step_structured(
    h: &[f64],
    g: &[f64],
    p: usize,
    nb: usize,
    free: &[usize],
    d: &mut [f64],
) -> bool {
    d.iter_mut().for_each(|x| *x = 0.0);
    if free.is_empty() {
        return true;
    }
    let fm: Vec<usize> = free.iter().copied().filter(|&i| i < nb).collect();
    let fa: Vec<usize> = free.iter().copied().filter(|&i| i >= nb).collect();
    let scale = free
        .iter()
        .map(|&i| h[i * p + i])
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let na = fa.len();
    let mut s = vec![0.0; na * na];
    let mut rhs = vec![0.0; na];
    let mut ridge = 0.0;
    'ridge: for _ in 0..30 {
        let add = ridge + 1e-14 * scale;
        for (x, &i) in fa.iter().enumerate() {
            for (y, &l) in fa.iter().enumerate() {
                s[x * na + y] = h[i * p + l];
            }
            s[x * na + x] += add;
            rhs[x] = g[i];
        }
        for &b in &fm {
            let delta = h[b * p + b] + add;
            if delta.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                ridge = if ridge == 0.0 {
                    1e-10 * scale
                } else {
                    ridge * 10.0
                };
                continue 'ridge;
            }
            let row = &h[b * p..b * p + p];
            for (x, &i) in fa.iter().enumerate() {
                let cx = row[i] / delta;
                rhs[x] -= cx * g[b];
                for (y, &l) in fa.iter().enumerate() {
                    s[x * na + y] -= cx * row[l];
                }
            }
        }
        if na > 0 && !cholesky(&mut s, na) {
            ridge = if ridge == 0.0 {
                1e-10 * scale
            } else {
                ridge * 10.0
            };
            continue;
        }
        if na > 0 {
            cholesky_solve(&s, na, &mut rhs);
        }
        for (x, &i) in fa.iter().enumerate() {
            d[i] = rhs[x];
        }
        for &b in &fm {
            let delta = h[b * p + b] + add;
            let row = &h[b * p..b * p + p];
            let mut v = g[b];
            for &i in &fa {
                v -= row[i] * d[i];
            }
            d[b] = v / delta;
        }
        return d.iter().all(|v| v.is_finite());
    }
    false
}

/// Solves `H_FF d_F = g_F` by Cholesky (with a growing ridge if `H_FF` is not positive definite);
/// `d` is 0 outside the free set. False if no step could be found.
fn newton_step(h: &[f64], g: &[f64], p: usize, free: &[usize], d: &mut [f64]) -> bool {
    d.iter_mut().for_each(|x| *x = 0.0);
    let m = free.len();
    if m == 0 {
        return true;
    }
    let mut a = vec![0.0; m * m];
    let scale = free
        .iter()
        .map(|&i| h[i * p + i])
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let mut ridge = 0.0;
    for _ in 0..30 {
        for (x, &i) in free.iter().enumerate() {
            for (y, &l) in free.iter().enumerate() {
                a[x * m + y] = h[i * p + l];
            }
            a[x * m + x] += ridge + 1e-14 * scale;
        }
        if cholesky(&mut a, m) {
            let mut rhs: Vec<f64> = free.iter().map(|&i| g[i]).collect();
            cholesky_solve(&a, m, &mut rhs);
            for (x, &i) in free.iter().enumerate() {
                d[i] = rhs[x];
            }
            return d.iter().all(|v| v.is_finite());
        }
        ridge = if ridge == 0.0 {
            1e-10 * scale
        } else {
            ridge * 10.0
        };
    }
    false
}

/// In-place lower Cholesky factor of a symmetric `m × m` matrix. False if not positive definite.
fn cholesky(a: &mut [f64], m: usize) -> bool {
    for j in 0..m {
        let mut s = a[j * m + j];
        for k in 0..j {
            s -= a[j * m + k] * a[j * m + k];
        }
        if s.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return false;
        }
        let l = s.sqrt();
        a[j * m + j] = l;
        for i in j + 1..m {
            let mut s = a[i * m + j];
            for k in 0..j {
                s -= a[i * m + k] * a[j * m + k];
            }
            a[i * m + j] = s / l;
        }
    }
    true
}

fn cholesky_solve(l: &[f64], m: usize, b: &mut [f64]) {
    for i in 0..m {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * m + k] * b[k];
        }
        b[i] = s / l[i * m + i];
    }
    for i in (0..m).rev() {
        let mut s = b[i];
        for k in i + 1..m {
            s -= l[k * m + i] * b[k];
        }
        b[i] = s / l[i * m + i];
    }
}

const MAX_DIMS: usize = super::MAX_DIMS;

/// Calls `$f::<D>` for the runtime `d`, so the inner loops over dimensions are unrolled.
macro_rules! dispatch {
    ($d:expr, $f:ident, $($arg:expr),*) => {
        match $d {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            _ => $f::<10>($($arg),*),
        }
    };
}
use dispatch;

struct Acc {
    ga: [f64; MAX_DIMS],
    haa: [f64; MAX_DIMS * MAX_DIMS],
    ok: bool,
}

fn value_kernel<const D: usize>(r: &[f64], bins: &[u16], theta: &[f64], nb: usize) -> f64 {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut s = 0.0;
    if nb == 1 {
        let mu = theta[0];
        for row in r.chunks_exact(D) {
            let mut lam = mu;
            for j in 0..D {
                lam += alpha[j] * row[j];
            }
            s += lam.ln();
        }
    } else {
        for (row, &b) in r.chunks_exact(D).zip(bins) {
            let mut lam = theta[b as usize];
            for j in 0..D {
                lam += alpha[j] * row[j];
            }
            s += lam.ln();
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn derivative_kernel<const D: usize>(
    r: &[f64],
    bins: &[u16],
    theta: &[f64],
    nb: usize,
    p: usize,
    g: &mut [f64],
    h: &mut [f64],
    acc: &mut Acc,
) {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut ga = [0.0; D];
    let mut haa = [[0.0; D]; D];
    let mut hma = [0.0; D];
    let (mut gm, mut hmm) = (0.0, 0.0);
    let mut min_lam = f64::INFINITY;
    let mut last_bin = usize::MAX;
    let flush = |b: usize,
                 gm: &mut f64,
                 hmm: &mut f64,
                 hma: &mut [f64; D],
                 g: &mut [f64],
                 h: &mut [f64]| {
        if b != usize::MAX {
            g[b] += *gm;
            h[b * p + b] += *hmm;
            for j in 0..D {
                h[b * p + nb + j] += hma[j];
            }
        }
        *gm = 0.0;
        *hmm = 0.0;
        *hma = [0.0; D];
    };
    for (row, &b) in r.chunks_exact(D).zip(bins) {
        let b = b as usize;
        if b != last_bin {
            flush(last_bin, &mut gm, &mut hmm, &mut hma, g, h);
            last_bin = b;
        }
        let mut lam = theta[b];
        for j in 0..D {
            lam += alpha[j] * row[j];
        }
        min_lam = min_lam.min(lam);
        let w = 1.0 / lam;
        let w2 = w * w;
        gm += w;
        hmm += w2;
        for j in 0..D {
            let xw2 = row[j] * w2;
            ga[j] += row[j] * w;
            hma[j] += xw2;
            for l in j..D {
                haa[j][l] += xw2 * row[l];
            }
        }
    }
    flush(last_bin, &mut gm, &mut hmm, &mut hma, g, h);
    for j in 0..D {
        acc.ga[j] = ga[j];
        for l in j..D {
            acc.haa[j * D + l] = haa[j][l];
        }
    }
    acc.ok = min_lam > 0.0;
}

/// `Σ_n (α · ∂R_n/∂β) / λ_n`: the event part of the likelihood's derivative in the decay, one
/// pass at the solved point (kept out of the Newton passes, which then read half the memory).
fn beta_kernel<const D: usize>(
    r: &[f64],
    dr: &[f64],
    bins: &[u16],
    theta: &[f64],
    nb: usize,
) -> f64 {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut s = 0.0;
    for ((row, drow), &b) in r.chunks_exact(D).zip(dr.chunks_exact(D)).zip(bins) {
        let mut lam = theta[b as usize];
        let mut num = 0.0;
        for j in 0..D {
            lam += alpha[j] * row[j];
            num += alpha[j] * drow[j];
        }
        s += num / lam;
    }
    s
}

#[cfg(test)]
mod structured_tests {
    use super::*;

    /// The structured Newton step solves the same system as the dense one: a Hessian with a
    /// diagonal bins' block (as an event lies in one bin), some bins and excitations held at
    /// their bound, compared entry by entry.
    #[test]
    fn structured_step_equals_the_dense_step() {
        let (nb, d) = (60usize, 3usize);
        let p = nb + d;
        let mut state = 12345u64;
        let mut unif = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // H = Σ_n w_n x_n x_nᵀ with x_n = (e_{b_n}, r_n): positive definite, bins' block diagonal.
        let mut h = vec![0.0; p * p];
        for _ in 0..2_000 {
            let b = (unif() * nb as f64) as usize;
            let mut x = vec![0.0; p];
            x[b] = 1.0;
            for j in 0..d {
                x[nb + j] = unif();
            }
            let w = 0.5 + unif();
            for i in 0..p {
                for l in 0..p {
                    h[i * p + l] += w * x[i] * x[l];
                }
            }
        }
        let g: Vec<f64> = (0..p).map(|_| unif() - 0.5).collect();
        let free: Vec<usize> = (0..p).filter(|&i| i % 7 != 3).collect();
        let (mut dense, mut structured) = (vec![0.0; p], vec![0.0; p]);
        assert!(newton_step(&h, &g, p, &free, &mut dense));
        assert!(newton_step_structured(
            &h,
            &g,
            p,
            nb,
            &free,
            &mut structured
        ));
        for i in 0..p {
            assert!(
                (dense[i] - structured[i]).abs() <= 1e-9 * (1.0 + dense[i].abs()),
                "entry {i}: dense {} structured {}",
                dense[i],
                structured[i]
            );
        }
        assert!(free.iter().any(|&i| i < nb && dense[i].abs() > 1e-6));
        assert_eq!(structured[3], 0.0, "a held entry does not move");
    }
}
