//! Quantities derived from the excitation matrix `G` (row `k`, column `j`: type-`k` events set off
//! by one type-`j` event).

use super::Dimension;
use closer_domain::MoveType;
use closer_domain::linalg::identity_minus_inverse;
pub use closer_domain::linalg::spectral_radius;
use serde::Serialize;

/// Expected further events in the whole cascade set off by one event of each type: the column
/// sums of `G + G² + … = G (I − G)⁻¹`. `None` when the spectral radius is 1 or more (the sum
/// diverges).
pub fn cascade_sizes(g: &[f64], d: usize) -> Option<Vec<f64>> {
    if spectral_radius(g, d) >= 1.0 {
        return None;
    }
    // G (I − G)⁻¹ = (I − G)⁻¹ G; its column sums are 1ᵀ (I − G)⁻¹ G (exactly 0 for a type that
    // sets nothing off).
    let inv = identity_minus_inverse(g, d)?;
    let totals: Vec<f64> = (0..d)
        .map(|l| (0..d).map(|k| inv[k * d + l]).sum())
        .collect();
    Some(
        (0..d)
            .map(|j| (0..d).map(|l| totals[l] * g[l * d + j]).sum())
            .collect(),
    )
}

/// One reach–withdraw loop: one person's reaching and the other's withdrawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoopGain {
    /// "A reach"
    pub reach: String,
    /// "B withdraw"
    pub withdraw: String,
    /// Withdrawals set off per reach.
    pub withdraw_per_reach: f64,
    /// Reaches set off per withdrawal.
    pub reach_per_withdraw: f64,
    /// The product of the two arrows: how much one trip round the loop multiplies itself.
    pub gain: f64,
}

/// The loop gains present in the log: for each person who reaches and whose partner withdraws,
/// `α[reach ← withdraw] × α[withdraw ← reach]`.
pub fn loop_gains(labels: &[Dimension], g: &[f64]) -> Vec<LoopGain> {
    let d = labels.len();
    let find = |dim: Dimension| labels.iter().position(|l| *l == dim);
    let mut out = Vec::new();
    for &p in &closer_domain::Person::BOTH {
        let (Some(r), Some(w)) = (
            find(Dimension::new(p, MoveType::Reach)),
            find(Dimension::new(p.other(), MoveType::Withdraw)),
        ) else {
            continue;
        };
        let w_per_r = g[w * d + r];
        let r_per_w = g[r * d + w];
        out.push(LoopGain {
            reach: labels[r].label(),
            withdraw: labels[w].label(),
            withdraw_per_reach: w_per_r,
            reach_per_withdraw: r_per_w,
            gain: w_per_r * r_per_w,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cascade_is_the_geometric_series() {
        let g = [0.2, 0.5, 0.6, 0.1];
        let c = cascade_sizes(&g, 2).unwrap();
        // Sum G^m for m = 1..400 directly.
        let mut pw = g.to_vec();
        let mut sum = g.to_vec();
        for _ in 0..400 {
            let mut n = [0.0; 4];
            for k in 0..2 {
                for j in 0..2 {
                    n[k * 2 + j] = (0..2).map(|l| pw[k * 2 + l] * g[l * 2 + j]).sum();
                }
            }
            pw = n.to_vec();
            for i in 0..4 {
                sum[i] += pw[i];
            }
        }
        assert!((c[0] - (sum[0] + sum[2])).abs() < 1e-9);
        assert!((c[1] - (sum[1] + sum[3])).abs() < 1e-9);
        assert!(cascade_sizes(&[1.2, 0.0, 0.0, 0.1], 2).is_none());
    }

    #[test]
    fn loop_gain_pairs_reach_with_the_others_withdraw() {
        use closer_domain::Person::*;
        let labels = vec![
            Dimension::new(A, MoveType::Reach),
            Dimension::new(B, MoveType::Withdraw),
        ];
        let g = [0.2, 0.5, 0.6, 0.1];
        let l = loop_gains(&labels, &g);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].reach, "A reach");
        assert_eq!(l[0].withdraw_per_reach, 0.6);
        assert_eq!(l[0].reach_per_withdraw, 0.5);
        assert!((l[0].gain - 0.3).abs() < 1e-15);
    }
}
