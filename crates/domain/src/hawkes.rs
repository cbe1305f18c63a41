//! The parameters of a linear multivariate Hawkes process with exponential kernels: one type for
//! the model that simulates it (`closer_model::hawkes`) and the analyses that fit it
//! (`closer_analyze::hawkes`), so a simulated truth and a fitted estimate are the same kind of
//! value and compare entry by entry.
//!
//! The intensity of type `k` is `λ_k(t) = μ_{k,b(t)} + Σ_j α_kj Σ_{t_i^j < t} β e^{−β (t − t_i^j)}`
//! with a *normalised* kernel: `α_kj` (row `k`, column `j`) is the expected number of type-`k`
//! events one type-`j` event sets off, whatever the decay `β`. The baseline is constant
//! (`bins = 1`) or piecewise constant over the day in `bins` equal bins.

use crate::linalg;
use serde::{Deserialize, Serialize};

/// Parameters of the model. Flat, row-major arrays, so a likelihood's inner loop touches
/// contiguous memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HawkesParams {
    /// Number of event types (dimensions) `D`.
    pub dims: usize,
    /// Number of daily baseline bins `B` (1 = a constant baseline).
    pub bins: usize,
    /// Baseline rates per unit of time, `D × B`: `baseline[k * B + b]`.
    pub baseline: Vec<f64>,
    /// Excitation, `D × D`: `excitation[k * D + j]` = expected type-`k` events set off by one
    /// type-`j` event.
    pub excitation: Vec<f64>,
    /// The shared decay rate `β` (per unit of time).
    pub decay: f64,
}

/// An excitation matrix given by rows whose shape does not match the baseline.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected {expected} {what}, found {found}")]
pub struct ShapeError {
    pub what: &'static str,
    pub expected: usize,
    pub found: usize,
}

impl HawkesParams {
    /// All-zero excitation, the given baselines (`dims × bins`) and decay.
    pub fn poisson(dims: usize, bins: usize, baseline: Vec<f64>, decay: f64) -> HawkesParams {
        HawkesParams {
            dims,
            bins,
            baseline,
            excitation: vec![0.0; dims * dims],
            decay,
        }
    }

    /// A constant baseline (one rate per type) and the excitation matrix given by rows (row `k`,
    /// column `j`: type-`k` events set off by one type-`j` event); refuses rows that do not make
    /// a square matrix with one row per baseline rate.
    pub fn from_rows(
        baseline: Vec<f64>,
        rows: &[Vec<f64>],
        decay: f64,
    ) -> Result<HawkesParams, ShapeError> {
        let d = baseline.len();
        if rows.len() != d {
            return Err(ShapeError {
                what: "excitation rows (one per type)",
                expected: d,
                found: rows.len(),
            });
        }
        if let Some(row) = rows.iter().find(|r| r.len() != d) {
            return Err(ShapeError {
                what: "excitation columns (one per type)",
                expected: d,
                found: row.len(),
            });
        }
        Ok(HawkesParams {
            dims: d,
            bins: 1,
            baseline,
            excitation: rows.concat(),
            decay,
        })
    }

    /// `α_kj`.
    pub fn alpha(&self, k: usize, j: usize) -> f64 {
        self.excitation[k * self.dims + j]
    }

    /// `μ_kb`.
    pub fn mu(&self, k: usize, b: usize) -> f64 {
        self.baseline[k * self.bins + b]
    }

    /// Each type's baseline averaged over the day's bins (the constant baseline itself when
    /// `bins = 1`).
    pub fn mean_baseline(&self) -> Vec<f64> {
        let nb = self.bins.max(1);
        #[allow(clippy::cast_precision_loss)] // at most 1,440 bins
        let n = nb as f64;
        (0..self.dims)
            .map(|k| self.baseline[k * nb..(k + 1) * nb].iter().sum::<f64>() / n)
            .collect()
    }

    /// The spectral radius of the excitation matrix: below 1 the process is stationary, at 1 or
    /// more it explodes. `NaN` when an entry is not finite.
    pub fn spectral_radius(&self) -> f64 {
        if self.excitation.len() != self.dims * self.dims {
            return f64::NAN;
        }
        linalg::spectral_radius(&self.excitation, self.dims)
    }

    /// `(I − G)⁻¹`, row-major: the total (direct and indirect) number of type-`k` events per
    /// type-`j` event, the event itself included. `None` when `I − G` is singular.
    pub fn total_effect(&self) -> Option<Vec<f64>> {
        if self.excitation.len() != self.dims * self.dims {
            return None;
        }
        linalg::identity_minus_inverse(&self.excitation, self.dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_flatten_row_major_and_bad_shapes_are_refused() {
        let p = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.1]], 1.0)
            .unwrap();
        assert_eq!((p.dims, p.bins), (2, 1));
        assert_eq!(p.excitation, vec![0.2, 0.5, 0.6, 0.1]);
        assert_eq!((p.alpha(0, 1), p.alpha(1, 0), p.mu(1, 0)), (0.5, 0.6, 0.2));
        assert!((p.spectral_radius() - 0.7).abs() < 1e-12);
        let total = p.total_effect().unwrap();
        assert!((total[0] - 0.9 / 0.42).abs() < 1e-12);
        let e = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5]], 1.0).unwrap_err();
        assert_eq!((e.expected, e.found), (2, 1));
        assert_eq!(
            e.to_string(),
            "expected 2 excitation rows (one per type), found 1"
        );
        let e =
            HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6]], 1.0).unwrap_err();
        assert_eq!(e.what, "excitation columns (one per type)");
    }

    #[test]
    fn mean_baseline_averages_the_bins() {
        let p = HawkesParams::poisson(2, 3, vec![1.0, 2.0, 3.0, 0.0, 0.0, 1.5], 2.0);
        assert_eq!(p.mean_baseline(), vec![2.0, 0.5]);
        assert_eq!(p.spectral_radius(), 0.0);
        assert_eq!(p.total_effect().unwrap(), vec![1.0, 0.0, 0.0, 1.0]);
    }
}
