//! Small dense linear algebra on flat, row-major `f64` matrices: the one copy of each computation
//! the model (simulation) and the analyses (fits, intervals, profiles) share — the spectral
//! radius, `(I − G)⁻¹`, and the Cholesky factor with its solves and inverse.
//!
//! Pure and allocation-light: the matrices here are small (a Hawkes process's dimensions, a
//! Newton step's free parameters, a profile's covariance), so plain loops in a fixed order are
//! both fast and reproducible to the last bit.

// The kernels index several arrays in lockstep; iterator chains would hide that.
#![allow(clippy::needless_range_loop)]

/// The spectral radius of a `d × d` matrix (largest modulus of its eigenvalues): for an
/// excitation matrix, the expected growth per generation of a cascade.
///
/// Computed by Gelfand's formula `ρ = lim ‖G^m‖^{1/m}` with `m = 2^60`, by repeated squaring and
/// rescaling: exact to rounding (the factor `c^{1/m}` of a Jordan block or a constant is 1 to
/// machine precision), with no eigen-solver, and right for periodic matrices (`[[0, a], [b, 0]]`)
/// where power iteration oscillates. `NaN` when an entry is not finite.
pub fn spectral_radius(g: &[f64], d: usize) -> f64 {
    if d == 0 {
        return 0.0;
    }
    if g.iter().take(d * d).any(|x| !x.is_finite()) {
        return f64::NAN;
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
    let mut a: Vec<f64> = g.iter().take(d * d).map(|x| x / n0).collect();
    // log ‖G^{2^i}‖ / 2^i, accumulated: each squaring adds 2^{-i} log of the rescaled norm.
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

/// `(I − G)⁻¹` of a `d × d` matrix, by Gauss–Jordan elimination with partial pivoting: for an
/// excitation matrix, the total (direct and indirect) effect of one event of each type. `None`
/// when `I − G` is singular to working precision or an entry is not finite.
pub fn identity_minus_inverse(g: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut a: Vec<f64> = (0..d * d)
        .map(|i| if i / d == i % d { 1.0 } else { 0.0 } - g[i])
        .collect();
    let mut x: Vec<f64> = (0..d * d)
        .map(|i| if i / d == i % d { 1.0 } else { 0.0 })
        .collect();
    for col in 0..d {
        let piv =
            (col..d).max_by(|&p, &q| a[p * d + col].abs().total_cmp(&a[q * d + col].abs()))?;
        let pivot = a[piv * d + col].abs();
        if pivot.is_nan() || pivot < 1e-300 {
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
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// In-place lower Cholesky factor `L` (`A = L Lᵀ`) of a symmetric `m × m` matrix: reads the lower
/// triangle, writes `L` there and zeros above the diagonal. False (the matrix is then
/// overwritten) unless every pivot is finite and above `min_pivot` — 0 for "positive definite",
/// or a small multiple of the diagonal's scale for "clearly positive definite".
pub fn cholesky(a: &mut [f64], m: usize, min_pivot: f64) -> bool {
    factor(a, m, |s, _| {
        if s > min_pivot && s.is_finite() {
            Pivot::Take
        } else {
            Pivot::Fail
        }
    })
}

/// In-place lower Cholesky factor of a positive *semi*-definite matrix: a column whose pivot is
/// at most `relative` times its own diagonal entry (a variable with no variance left) becomes a
/// zero column instead of failing, so `L Lᵀ` reproduces `A` on the rest.
pub fn cholesky_semidefinite(a: &mut [f64], m: usize, relative: f64) {
    factor(a, m, |s, diagonal| {
        if s <= relative * diagonal.abs().max(1e-300) {
            Pivot::Zero
        } else {
            Pivot::Take
        }
    });
}

enum Pivot {
    Take,
    Zero,
    Fail,
}

/// The one Cholesky loop (column by column); `pivot(s, a_jj)` decides what a pivot `s` means.
fn factor(a: &mut [f64], m: usize, pivot: impl Fn(f64, f64) -> Pivot) -> bool {
    for j in 0..m {
        let diagonal = a[j * m + j];
        let mut s = diagonal;
        for k in 0..j {
            s -= a[j * m + k] * a[j * m + k];
        }
        match pivot(s, diagonal) {
            Pivot::Fail => return false,
            Pivot::Zero => {
                for i in j..m {
                    a[i * m + j] = 0.0;
                }
            }
            Pivot::Take => {
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
        }
        for c in j + 1..m {
            a[j * m + c] = 0.0;
        }
    }
    true
}

/// Solves `L Lᵀ x = b` in place, given the factor from [`cholesky`].
pub fn cholesky_solve(l: &[f64], m: usize, b: &mut [f64]) {
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

/// The inverse and the log-determinant of a symmetric positive-definite `m × m` matrix, by
/// Cholesky (pivots above `min_pivot`, as in [`cholesky`]); `None` when it is not, or when the
/// inverse overflows.
pub fn spd_inverse(a: &[f64], m: usize, min_pivot: f64) -> Option<(Vec<f64>, f64)> {
    let mut l = a[..m * m].to_vec();
    if !cholesky(&mut l, m, min_pivot) {
        return None;
    }
    let logdet = 2.0 * (0..m).map(|i| l[i * m + i].ln()).sum::<f64>();
    let mut inv = vec![0.0f64; m * m];
    let mut y = vec![0.0f64; m];
    for c in 0..m {
        y.iter_mut().enumerate().for_each(|(i, v)| {
            *v = if i == c { 1.0 } else { 0.0 };
        });
        cholesky_solve(&l, m, &mut y);
        for i in 0..m {
            inv[i * m + c] = y[i];
        }
    }
    inv.iter().all(|v| v.is_finite()).then_some((inv, logdet))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matmul(a: &[f64], b: &[f64], d: usize) -> Vec<f64> {
        let mut c = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..d {
                c[i * d + j] = (0..d).map(|k| a[i * d + k] * b[k * d + j]).sum();
            }
        }
        c
    }

    #[test]
    fn spectral_radius_known_cases() {
        // [[0.2, 0.5], [0.6, 0.1]]: eigenvalues 0.15 ± sqrt(0.0025 + 0.3).
        let g = [0.2, 0.5, 0.6, 0.1];
        let want = 0.15 + (0.05f64.powi(2) + 0.3).sqrt();
        assert!((spectral_radius(&g, 2) - want).abs() < 1e-12);
        assert!((want - 0.7).abs() < 1e-15);
        // Periodic: eigenvalues ±sqrt(ab).
        assert!((spectral_radius(&[0.0, 0.4, 0.9, 0.0], 2) - 0.6).abs() < 1e-12);
        // Nilpotent, zero, diagonal, a Jordan block, exactly 1.
        assert_eq!(spectral_radius(&[0.0, 0.7, 0.0, 0.0], 2), 0.0);
        assert_eq!(spectral_radius(&[0.0; 4], 2), 0.0);
        assert!((spectral_radius(&[0.3, 0.0, 0.0, 0.8], 2) - 0.8).abs() < 1e-12);
        assert!((spectral_radius(&[0.5, 1.0, 0.0, 0.5], 2) - 0.5).abs() < 1e-12);
        assert!((spectral_radius(&[0.5, 0.5, 0.5, 0.5], 2) - 1.0).abs() < 1e-12);
        // Three dimensions: a cyclic permutation times 0.9 has all eigenvalues on |z| = 0.9.
        let c = [0.0, 0.9, 0.0, 0.0, 0.0, 0.9, 0.9, 0.0, 0.0];
        assert!((spectral_radius(&c, 3) - 0.9).abs() < 1e-12);
        assert!(spectral_radius(&[f64::NAN, 0.0, 0.0, 0.1], 2).is_nan());
        assert!(spectral_radius(&[f64::INFINITY, 0.0, 0.0, 0.1], 2).is_nan());
        assert_eq!(spectral_radius(&[], 0), 0.0);
    }

    #[test]
    fn identity_minus_inverse_by_hand_and_as_a_geometric_series() {
        // I − G = [[0.8, −0.5], [−0.6, 0.9]], determinant 0.42.
        let g = [0.2, 0.5, 0.6, 0.1];
        let inv = identity_minus_inverse(&g, 2).unwrap();
        let want = [0.9 / 0.42, 0.5 / 0.42, 0.6 / 0.42, 0.8 / 0.42];
        for (a, b) in inv.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{inv:?}");
        }
        // Σ_{m ≥ 0} G^m.
        let mut pw = vec![1.0, 0.0, 0.0, 1.0];
        let mut sum = pw.clone();
        for _ in 0..400 {
            pw = matmul(&pw, &g, 2);
            sum.iter_mut().zip(&pw).for_each(|(s, p)| *s += p);
        }
        for (a, b) in inv.iter().zip(&sum) {
            assert!((a - b).abs() < 1e-9);
        }
        // Singular I − G, and a pivot that needs a row swap.
        assert!(identity_minus_inverse(&[0.5, 0.5, 0.5, 0.5], 2).is_none());
        let swap = identity_minus_inverse(&[1.0, 2.0, 0.5, 0.0], 2).unwrap();
        // I − G = [[0, −2], [−0.5, 1]], determinant −1: inverse [[−1, −2], [−0.5, 0]].
        assert_eq!(swap, vec![-1.0, -2.0, -0.5, 0.0]);
    }

    #[test]
    fn cholesky_factors_solves_and_inverts() {
        // A = L Lᵀ with L = [[2, 0, 0], [1, 3, 0], [0.5, −1, 1.5]].
        let l_true = [2.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.5, -1.0, 1.5];
        let mut lt = [0.0; 9];
        for i in 0..3 {
            for j in 0..3 {
                lt[i * 3 + j] = l_true[j * 3 + i];
            }
        }
        let a = matmul(&l_true, &lt, 3);
        let mut l = a.clone();
        assert!(cholesky(&mut l, 3, 0.0));
        for (x, y) in l.iter().zip(l_true) {
            assert!((x - y).abs() < 1e-14, "{l:?}");
        }
        let mut b = vec![1.0, 2.0, 3.0];
        cholesky_solve(&l, 3, &mut b);
        let back: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| a[i * 3 + j] * b[j]).sum())
            .collect();
        for (x, y) in back.iter().zip([1.0, 2.0, 3.0]) {
            assert!((x - y).abs() < 1e-12);
        }
        let (inv, logdet) = spd_inverse(&a, 3, 0.0).unwrap();
        assert!((logdet - (2.0f64 * 3.0 * 1.5).powi(2).ln()).abs() < 1e-12);
        let id = matmul(&a, &inv, 3);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((id[i * 3 + j] - want).abs() < 1e-12);
            }
        }
        // Not positive definite; below a required pivot; not finite.
        assert!(!cholesky(&mut [1.0, 2.0, 2.0, 1.0], 2, 0.0));
        assert!(!cholesky(&mut [1.0, 0.0, 0.0, 1e-12], 2, 1e-10));
        assert!(!cholesky(&mut [f64::NAN, 0.0, 0.0, 1.0], 2, 0.0));
        assert!(spd_inverse(&[1.0, 2.0, 2.0, 1.0], 2, 0.0).is_none());
    }

    #[test]
    fn semidefinite_cholesky_zeroes_columns_without_variance() {
        // x2 = 2 x1 and x3 independent: rank 2.
        let a = [1.0, 2.0, 0.0, 2.0, 4.0, 0.0, 0.0, 0.0, 9.0];
        let mut l = a;
        cholesky_semidefinite(&mut l, 3, 1e-12);
        assert_eq!(l, [1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 3.0]);
        let mut lt = [0.0; 9];
        for i in 0..3 {
            for j in 0..3 {
                lt[i * 3 + j] = l[j * 3 + i];
            }
        }
        assert_eq!(matmul(&l, &lt, 3), a.to_vec());
        // A zero row and column (a type never seen).
        let mut z = [0.0, 0.0, 0.0, 4.0];
        cholesky_semidefinite(&mut z, 2, 1e-12);
        assert_eq!(z, [0.0, 0.0, 0.0, 2.0]);
    }
}
