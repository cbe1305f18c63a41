//! The buffers reused for every decay value, and the solve of every dimension at one decay.

use super::newton::DimProblem;
use super::{FitOptions, ParamRef};
use crate::hawkes::likelihood::Traces;
use crate::hawkes::{Events, HawkesParams};

/// Logs at least this long solve their dimensions on two threads.
const PARALLEL_FROM: usize = 200_000;

/// Buffers reused for every decay value: per dimension, the traces at its events (`R`, and its
/// β-derivative), the bins of its events, and the current `θ_k`.
pub(super) struct Workspace<'a> {
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
    pub(super) evaluations: usize,
    /// Newton decrement below which an inner problem counts as solved.
    pub(super) tolerance: f64,
}

impl<'a> Workspace<'a> {
    pub(super) fn new(ev: &'a Events, opts: &FitOptions) -> Workspace<'a> {
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

    pub(super) fn params(&self, beta: f64) -> HawkesParams {
        let (d, nb) = (self.d, self.nb);
        let mut baseline = Vec::with_capacity(d * nb);
        let mut excitation = Vec::with_capacity(d * d);
        for t in &self.theta {
            baseline.extend_from_slice(&t[..nb]);
            excitation.extend_from_slice(&t[nb..]);
        }
        HawkesParams {
            dims: d,
            bins: nb,
            baseline,
            excitation,
            decay: beta,
        }
    }

    /// The derivative of the profile in `u = ln β`.
    pub(super) fn profile(&mut self, u: f64) -> f64 {
        let beta = u.exp();
        let (_, dv) = self.evaluate(beta);
        beta * dv
    }

    /// Fills the trace buffers for `β`, solves every dimension, and returns the profile value and
    /// its derivative in `β`.
    pub(super) fn evaluate(&mut self, beta: f64) -> (f64, f64) {
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
        let mut pos = [0usize; crate::hawkes::MAX_DIMS];
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
