//! The time-rescaling check (Brown et al. 2002): under the fitted model, the compensator
//! increments between consecutive events of one dimension, `Λ_k(t_{i}) − Λ_k(t_{i−1})` (the first
//! from the window start), are independent Exp(1). A Kolmogorov–Smirnov test per dimension says
//! how far they are from it.
//!
//! Said plainly wherever it is shown: the check has little power with few events (tens of events
//! cannot tell most misfits apart), and because the parameters were estimated from the same
//! events, its p-value is conservative. A large p-value is not evidence that the model is right.

use super::data::cumulative_in_bin;
use super::likelihood::Traces;
use super::{Events, HawkesParams};
use serde::Serialize;

/// The check for one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RescalingCheck {
    /// Number of increments (= events of this dimension).
    pub n: usize,
    /// Mean increment (1 under the model).
    pub mean: f64,
    /// Kolmogorov–Smirnov distance from Exp(1).
    pub ks_statistic: f64,
    /// Its asymptotic p-value (Stephens' small-sample correction).
    pub ks_p_value: f64,
}

/// Rescaled increments per dimension at `p`.
pub fn rescaled_increments(ev: &Events, p: &HawkesParams) -> Vec<Vec<f64>> {
    let d = ev.dims();
    let nb = ev.bins;
    let width = 24.0 / nb as f64;
    let start = ev.window.start;
    let cum0: Vec<f64> = (0..nb)
        .map(|b| cumulative_in_bin(start, b, width))
        .collect();
    let mut tr = Traces::new(d);
    let mut pushed = [0usize; super::MAX_DIMS];
    let mut last = vec![0.0f64; d];
    let mut out: Vec<Vec<f64>> = (0..d).map(|k| Vec::with_capacity(ev.counts[k])).collect();
    for (&t, &k) in ev.times.iter().zip(&ev.kinds) {
        let k = k as usize;
        tr.advance(t, p.decay, false);
        let mut lam = 0.0;
        if nb == 1 {
            lam += p.baseline[k] * t;
        } else {
            for b in 0..nb {
                lam += p.baseline[k * nb + b] * (cumulative_in_bin(t + start, b, width) - cum0[b]);
            }
        }
        for j in 0..d {
            lam += p.excitation[k * d + j] * tr.compensator_weight(j, pushed[j]);
        }
        out[k].push((lam - last[k]).max(0.0));
        last[k] = lam;
        tr.push(k);
        pushed[k] += 1;
    }
    out
}

/// The check for every dimension at `p`.
pub fn rescaling_check(ev: &Events, p: &HawkesParams) -> Vec<RescalingCheck> {
    rescaled_increments(ev, p)
        .into_iter()
        .map(|mut x| {
            let n = x.len();
            let mean = x.iter().sum::<f64>() / n.max(1) as f64;
            x.sort_by(f64::total_cmp);
            let nf = n as f64;
            let mut dmax: f64 = 0.0;
            for (i, &v) in x.iter().enumerate() {
                let f = 1.0 - (-v).exp();
                dmax = dmax.max((i + 1) as f64 / nf - f).max(f - i as f64 / nf);
            }
            RescalingCheck {
                n,
                mean,
                ks_statistic: dmax,
                ks_p_value: ks_p_value(dmax, n),
            }
        })
        .collect()
}

/// Asymptotic Kolmogorov p-value with Stephens' correction `(√n + 0.12 + 0.11/√n) D`.
pub fn ks_p_value(d: f64, n: usize) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let sn = (n as f64).sqrt();
    let lambda = (sn + 0.12 + 0.11 / sn) * d;
    if lambda < 0.3 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let kf = k as f64;
        let term = (-2.0 * kf * kf * lambda * lambda).exp();
        sum += if k % 2 == 1 { term } else { -term };
        if term < 1e-16 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kolmogorov_p_values() {
        // Critical values of the Kolmogorov distribution: P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01.
        let n = 1_000_000;
        let sn = (n as f64).sqrt();
        let c = sn + 0.12 + 0.11 / sn;
        assert!((ks_p_value(1.3581 / c, n) - 0.05).abs() < 1e-4);
        assert!((ks_p_value(1.6276 / c, n) - 0.01).abs() < 1e-4);
        assert_eq!(ks_p_value(0.0, 10), 1.0);
    }
}
