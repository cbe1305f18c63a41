//! The exact log-likelihood and its analytic gradient, in one O(n·D) pass.
//!
//! ```text
//! ℓ = Σ_n ln λ_{k_n}(t_n) − Σ_k Σ_b μ_kb L_b − Σ_j (Σ_k α_kj) C_j
//! C_j = Σ_{i of type j} (1 − e^{−β (T − t_i)})
//! ```
//!
//! One trace per source type, `S_j(t) = Σ_{t_i^j < t} e^{−β (t − t_i^j)}`, and its β-derivative
//! companion `U_j(t) = Σ (t − t_i^j) e^{−β (t − t_i^j)}`; both decay by the same factor between
//! events, so each gap costs one exponential whatever the number of dimensions. Events at the
//! current time wait in `pending` until time moves on: simultaneous events do not excite each
//! other.

use super::{Events, HawkesParams, MAX_DIMS};

/// The gradient of the log-likelihood, in the shape of [`HawkesParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient {
    pub baseline: Vec<f64>,
    pub excitation: Vec<f64>,
    pub decay: f64,
}

/// The running traces of one pass.
pub(crate) struct Traces {
    pub s: [f64; MAX_DIMS],
    pub u: [f64; MAX_DIMS],
    pending: [f64; MAX_DIMS],
    t_prev: f64,
    d: usize,
}

impl Traces {
    pub fn new(d: usize) -> Traces {
        Traces {
            s: [0.0; MAX_DIMS],
            u: [0.0; MAX_DIMS],
            pending: [0.0; MAX_DIMS],
            t_prev: 0.0,
            d,
        }
    }

    /// Moves the traces to time `t ≥ t_prev`, folding in the events that were waiting at
    /// `t_prev`. With `with_u` false the β-derivative trace is not kept (a cheaper pass).
    #[inline(always)]
    pub fn advance(&mut self, t: f64, beta: f64, with_u: bool) {
        if t > self.t_prev {
            let dt = t - self.t_prev;
            let e = (-beta * dt).exp();
            for j in 0..self.d {
                let s = self.s[j] + self.pending[j];
                if with_u {
                    self.u[j] = e * (self.u[j] + dt * s);
                }
                self.s[j] = e * s;
                self.pending[j] = 0.0;
            }
            self.t_prev = t;
        }
    }

    /// `C_j = Σ_i (1 − e^{−β (T − t_i)})` once the traces stand at `T`. Events exactly at `T`
    /// are still pending (time never moves past `T`) and add `1 − e^0 = 0`.
    pub fn compensator_weight(&self, j: usize, count: usize) -> f64 {
        (count as f64 - self.pending[j]) - self.s[j]
    }

    #[inline(always)]
    pub fn push(&mut self, k: usize) {
        self.pending[k] += 1.0;
    }
}

/// The exact log-likelihood.
pub fn log_likelihood(ev: &Events, p: &HawkesParams) -> f64 {
    pass(ev, p, false).0
}

/// The exact log-likelihood and its analytic gradient with respect to every parameter.
pub fn log_likelihood_gradient(ev: &Events, p: &HawkesParams) -> (f64, Gradient) {
    pass(ev, p, true)
}

fn pass(ev: &Events, p: &HawkesParams, with_grad: bool) -> (f64, Gradient) {
    let d = ev.dims();
    let nb = ev.bins;
    debug_assert_eq!(p.dims, d);
    debug_assert_eq!(p.bins, nb);
    let beta = p.decay;
    let alpha = &p.excitation;
    let mu = &p.baseline;
    let mut tr = Traces::new(d);
    let mut ll = 0.0;
    let mut g_mu = vec![0.0; d * nb];
    let mut g_alpha = vec![0.0; d * d];
    let mut g_beta = 0.0;
    for n in 0..ev.times.len() {
        let t = ev.times[n];
        let k = ev.kinds[n] as usize;
        let b = ev.event_bins[n] as usize;
        tr.advance(t, beta, with_grad);
        let row = &alpha[k * d..k * d + d];
        let mut lam = mu[k * nb + b];
        for j in 0..d {
            lam += row[j] * beta * tr.s[j];
        }
        ll += lam.ln();
        if with_grad {
            let w = 1.0 / lam;
            g_mu[k * nb + b] += w;
            let mut db = 0.0;
            for j in 0..d {
                g_alpha[k * d + j] += beta * tr.s[j] * w;
                db += row[j] * (tr.s[j] - beta * tr.u[j]);
            }
            g_beta += db * w;
        }
        tr.push(k);
    }
    tr.advance(ev.horizon, beta, with_grad);
    for k in 0..d {
        for b in 0..nb {
            ll -= mu[k * nb + b] * ev.exposure[b];
            g_mu[k * nb + b] -= ev.exposure[b];
        }
    }
    for j in 0..d {
        let c = tr.compensator_weight(j, ev.counts[j]);
        let a_col: f64 = (0..d).map(|k| alpha[k * d + j]).sum();
        ll -= a_col * c;
        if with_grad {
            for k in 0..d {
                g_alpha[k * d + j] -= c;
            }
            g_beta -= a_col * tr.u[j];
        }
    }
    let grad = Gradient {
        baseline: g_mu,
        excitation: g_alpha,
        decay: g_beta,
    };
    (ll, grad)
}
