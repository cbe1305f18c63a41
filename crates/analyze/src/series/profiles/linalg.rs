//! Small dense linear algebra on row-major d × d matrices (d is the number of per-dyad
//! parameters, at most about ten), written out here so the pure crate needs no dependency.

pub fn identity(d: usize) -> Vec<f64> {
    let mut m = vec![0.0; d * d];
    for i in 0..d {
        m[i * d + i] = 1.0;
    }
    m
}

pub fn from_diag(v: &[f64]) -> Vec<f64> {
    let d = v.len();
    let mut m = vec![0.0; d * d];
    for (i, x) in v.iter().enumerate() {
        m[i * d + i] = *x;
    }
    m
}

pub fn diag(m: &[f64], d: usize) -> Vec<f64> {
    (0..d).map(|i| m[i * d + i]).collect()
}

pub fn trace(m: &[f64], d: usize) -> f64 {
    (0..d).map(|i| m[i * d + i]).sum()
}

pub fn scaled(m: &[f64], s: f64) -> Vec<f64> {
    m.iter().map(|v| v * s).collect()
}

pub fn mul(a: &[f64], b: &[f64], d: usize) -> Vec<f64> {
    let mut c = vec![0.0; d * d];
    for i in 0..d {
        for k in 0..d {
            let aik = a[i * d + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..d {
                c[i * d + j] += aik * b[k * d + j];
            }
        }
    }
    c
}

pub fn transpose(a: &[f64], d: usize) -> Vec<f64> {
    let mut t = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..d {
            t[j * d + i] = a[i * d + j];
        }
    }
    t
}

/// D · diag(v) · Dᵀ.
pub fn sandwich(dm: &[f64], v: &[f64], d: usize) -> Vec<f64> {
    let mut c = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..d).map(|k| dm[i * d + k] * v[k] * dm[j * d + k]).sum();
            c[i * d + j] = s;
            c[j * d + i] = s;
        }
    }
    c
}

/// Geometric mean of positive numbers; `None` if any is not positive and finite.
pub fn geo_mean(v: &[f64]) -> Option<f64> {
    if v.iter().any(|x| !(*x > 0.0 && x.is_finite())) {
        return None;
    }
    Some((v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp())
}

/// Symmetric eigen-decomposition by cyclic Jacobi rotations (accurate to rounding for the
/// small matrices here): eigenvalues in decreasing order, eigenvectors as the columns of
/// the returned row-major matrix.
pub fn sym_eigen(a: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = identity(d);
    for _ in 0..100 {
        let mut rotated = false;
        for p in 0..d {
            for q in p + 1..d {
                let apq = m[p * d + q];
                // Negligible against both diagonal entries: already diagonal to rounding
                // (the classic Jacobi test), so the sweeps stop after a handful.
                let (app, aqq) = (m[p * d + p], m[q * d + q]);
                if apq.abs() <= 1e-17 * (app.abs() + aqq.abs()) || apq == 0.0 {
                    continue;
                }
                rotated = true;
                let theta = (aqq - app) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    let s = if theta >= 0.0 { 1.0 } else { -1.0 };
                    s / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (mkp, mkq) = (m[k * d + p], m[k * d + q]);
                    m[k * d + p] = c * mkp - s * mkq;
                    m[k * d + q] = s * mkp + c * mkq;
                }
                for k in 0..d {
                    let (mpk, mqk) = (m[p * d + k], m[q * d + k]);
                    m[p * d + k] = c * mpk - s * mqk;
                    m[q * d + k] = s * mpk + c * mqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&i, &j| m[j * d + j].total_cmp(&m[i * d + i]));
    let values = order.iter().map(|&i| m[i * d + i]).collect();
    let mut vectors = vec![0.0; d * d];
    for (c, &o) in order.iter().enumerate() {
        for r in 0..d {
            vectors[r * d + c] = v[r * d + o];
        }
    }
    (values, vectors)
}

/// Inverse and log-determinant of a symmetric positive-definite matrix (Cholesky), `None`
/// unless clearly positive definite.
pub fn spd_inverse(a: &[f64], d: usize) -> Option<(Vec<f64>, f64)> {
    closer_domain::linalg::spd_inverse(a, d, super::em::min_pivot(a, d))
}
