//! Generalised local linear approximation (GLLA) of a series' level and first two derivatives
//! (Boker et al. 2010), as rties' `estDerivs` computes it.
//!
//! Time-delay embed the series with dimension E and delay τ (row i is
//! `x[i], x[i+τ], …, x[i+(E−1)τ]`), and multiply by `W = L (LᵀL)⁻¹`, where L has columns
//! 1, v, v²/2 with `v_j = (j − (E+1)/2)·τ·Δ`. The three columns are the level, the first and the
//! second derivative at the centre of each window.

/// The E × 3 GLLA weight matrix, row-major (`w[j*3 + c]`). `None` for E < 3 (the second
/// derivative is not identified) or a non-positive τ·Δ.
pub fn weights(embed: usize, tau: usize, delta: f64) -> Option<Vec<f64>> {
    if embed < 3 || tau == 0 || !(delta > 0.0) || !delta.is_finite() {
        return None;
    }
    let e = embed as f64;
    let mid = (e + 1.0) / 2.0;
    let l: Vec<[f64; 3]> = (1..=embed)
        .map(|j| {
            let v = (j as f64 - mid) * tau as f64 * delta;
            [1.0, v, v * v / 2.0]
        })
        .collect();
    // LᵀL (3×3, symmetric) and its inverse by cofactors.
    let mut m = [[0.0f64; 3]; 3];
    for row in &l {
        for a in 0..3 {
            for b in 0..3 {
                m[a][b] += row[a] * row[b];
            }
        }
    }
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    if det == 0.0 || !det.is_finite() {
        return None;
    }
    let mut inv = [[0.0f64; 3]; 3];
    for a in 0..3 {
        for b in 0..3 {
            let (r0, r1) = ((b + 1) % 3, (b + 2) % 3);
            let (c0, c1) = ((a + 1) % 3, (a + 2) % 3);
            inv[a][b] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
        }
    }
    let mut w = vec![0.0; embed * 3];
    for (j, row) in l.iter().enumerate() {
        for c in 0..3 {
            w[j * 3 + c] = (0..3).map(|k| row[k] * inv[k][c]).sum();
        }
    }
    Some(w)
}

/// Level, first and second derivative estimates (three vectors of `N − (E−1)τ` rows), or
/// `None` when the series is too short for one window or the weights are undefined.
pub fn derivatives(x: &[f64], embed: usize, tau: usize, delta: f64) -> Option<[Vec<f64>; 3]> {
    let w = weights(embed, tau, delta)?;
    let span = (embed - 1) * tau;
    if x.len() <= span {
        return None;
    }
    let rows = x.len() - span;
    let mut out = [
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    ];
    for i in 0..rows {
        let mut acc = [0.0f64; 3];
        for j in 0..embed {
            let v = x[i + j * tau];
            acc[0] += v * w[j * 3];
            acc[1] += v * w[j * 3 + 1];
            acc[2] += v * w[j * 3 + 2];
        }
        for c in 0..3 {
            out[c].push(acc[c]);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e3_weights_equal_the_closed_form() {
        // For E = 3: level = x[i+τ], d1 = (x[i+2τ] − x[i]) / (2τΔ),
        // d2 = (x[i] − 2x[i+τ] + x[i+2τ]) / (τΔ)².
        for (tau, delta) in [(1usize, 1.0f64), (2, 1.0), (5, 0.5), (3, 2.0)] {
            let w = weights(3, tau, delta).unwrap();
            let h = tau as f64 * delta;
            let expect = [
                [0.0, -1.0 / (2.0 * h), 1.0 / (h * h)],
                [1.0, 0.0, -2.0 / (h * h)],
                [0.0, 1.0 / (2.0 * h), 1.0 / (h * h)],
            ];
            for j in 0..3 {
                for c in 0..3 {
                    assert!(
                        (w[j * 3 + c] - expect[j][c]).abs() < 1e-12,
                        "tau {tau} delta {delta} w[{j}][{c}] = {}",
                        w[j * 3 + c]
                    );
                }
            }
        }
    }

    #[test]
    fn quadratic_is_differentiated_exactly() {
        // x(t) = 3 + 2t + 0.5 t²: level at centre, d1 = 2 + t, d2 = 1, for any E ≥ 3.
        let x: Vec<f64> = (0..40)
            .map(|t| 3.0 + 2.0 * t as f64 + 0.5 * (t * t) as f64)
            .collect();
        for (e, tau) in [(3, 1), (4, 2), (5, 3), (7, 1)] {
            let [lv, d1, d2] = derivatives(&x, e, tau, 1.0).unwrap();
            assert_eq!(lv.len(), 40 - (e - 1) * tau);
            for i in 0..lv.len() {
                let c = i as f64 + (e - 1) as f64 * tau as f64 / 2.0;
                assert!((lv[i] - (3.0 + 2.0 * c + 0.5 * c * c)).abs() < 1e-9);
                assert!((d1[i] - (2.0 + c)).abs() < 1e-9);
                assert!((d2[i] - 1.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn too_short_or_bad_parameters_is_none() {
        assert!(derivatives(&[1.0, 2.0, 3.0], 3, 2, 1.0).is_none());
        assert!(weights(2, 1, 1.0).is_none());
        assert!(weights(3, 0, 1.0).is_none());
        assert!(weights(3, 1, f64::NAN).is_none());
    }
}
