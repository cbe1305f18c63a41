//! Quantities derived from the excitation matrix `G` (row `k`, column `j`: type-`k` events set off
//! by one type-`j` event).

use super::Dimension;
use closer_domain::MoveType;
use serde::Serialize;

/// The spectral radius of a non-negative `d × d` matrix: the expected growth per generation of a
/// cascade. Computed as `lim ‖G^m‖^{1/m}` by repeated squaring (`m = 2^60`) with rescaling, which
/// is exact to rounding for non-negative matrices and needs no eigen-solver; periodic matrices
/// (`[[0, a], [b, 0]]`), where power iteration oscillates, are handled too.
pub fn spectral_radius(g: &[f64], d: usize) -> f64 {
    if d == 0 {
        return 0.0;
    }
    let norm = |a: &[f64]| -> f64 {
        // The induced 1-norm (largest column sum).
        (0..d)
            .map(|j| (0..d).map(|k| a[k * d + j].abs()).sum::<f64>())
            .fold(0.0, f64::max)
    };
    let n0 = norm(g);
    if n0 == 0.0 || !n0.is_finite() {
        return if n0.is_finite() { 0.0 } else { f64::NAN };
    }
    let mut a: Vec<f64> = g.iter().map(|x| x / n0).collect();
    // log ‖G^{2^i}‖ = 2^i · log n0 + (accumulated) — track log-norm per power divided by 2^i.
    let mut log_rate = n0.ln();
    let mut scale = 1.0; // 2^{-i}
    let mut b = vec![0.0; d * d];
    for _ in 0..60 {
        for k in 0..d {
            for j in 0..d {
                let mut s = 0.0;
                for l in 0..d {
                    s += a[k * d + l] * a[l * d + j];
                }
                b[k * d + j] = s;
            }
        }
        let nb = norm(&b);
        scale *= 0.5;
        if nb == 0.0 {
            return 0.0;
        }
        log_rate += scale * nb.ln();
        for (x, y) in a.iter_mut().zip(&b) {
            *x = y / nb;
        }
    }
    log_rate.exp()
}

/// Expected further events in the whole cascade set off by one event of each type: the column
/// sums of `G + G² + … = G (I − G)⁻¹`. `None` when the spectral radius is 1 or more (the sum
/// diverges).
pub fn cascade_sizes(g: &[f64], d: usize) -> Option<Vec<f64>> {
    if spectral_radius(g, d) >= 1.0 {
        return None;
    }
    // Solve (I − G) X = G column by column with Gauss–Jordan elimination and partial pivoting.
    let mut a: Vec<f64> = (0..d * d)
        .map(|i| if i / d == i % d { 1.0 } else { 0.0 } - g[i])
        .collect();
    let mut x: Vec<f64> = g.to_vec();
    for col in 0..d {
        let piv =
            (col..d).max_by(|&p, &q| a[p * d + col].abs().total_cmp(&a[q * d + col].abs()))?;
        if a[piv * d + col].abs() < 1e-300 {
            return None;
        }
        for c in 0..d {
            a.swap(col * d + c, piv * d + c);
            x.swap(col * d + c, piv * d + c);
        }
        let p = a[col * d + col];
        for c in 0..d {
            a[col * d + c] /= p;
            x[col * d + c] /= p;
        }
        for r in 0..d {
            if r != col {
                let f = a[r * d + col];
                if f != 0.0 {
                    for c in 0..d {
                        a[r * d + c] -= f * a[col * d + c];
                        x[r * d + c] -= f * x[col * d + c];
                    }
                }
            }
        }
    }
    Some((0..d).map(|j| (0..d).map(|k| x[k * d + j]).sum()).collect())
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
    fn spectral_radius_known_cases() {
        // [[0.2, 0.5], [0.6, 0.1]]: eigenvalues 0.15 ± sqrt(0.0025 + 0.3).
        let g = [0.2, 0.5, 0.6, 0.1];
        let want = 0.15 + (0.05f64.powi(2) + 0.3).sqrt();
        assert!((spectral_radius(&g, 2) - want).abs() < 1e-12);
        // Periodic: eigenvalues ±sqrt(ab).
        assert!((spectral_radius(&[0.0, 0.4, 0.9, 0.0], 2) - 0.6).abs() < 1e-12);
        // Nilpotent.
        assert_eq!(spectral_radius(&[0.0, 0.7, 0.0, 0.0], 2), 0.0);
        assert_eq!(spectral_radius(&[0.0; 4], 2), 0.0);
        // Diagonal.
        assert!((spectral_radius(&[0.3, 0.0, 0.0, 0.8], 2) - 0.8).abs() < 1e-12);
    }

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
