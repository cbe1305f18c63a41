//! EM for Gaussian mixtures: densities and the E-step, each family's M-step (closed form, or
//! alternating for the shared shape and the common orientation), EM from a starting partition,
//! and classification.

use super::linalg;
use super::{Family, Mixture};

/// Lower Cholesky factor of a row-major d × d matrix; `None` unless clearly positive definite.
/// mclust treats a relative eigenvalue below machine epsilon as singular; we use a slightly
/// safer bound on the pivots (1e-10 of the largest diagonal entry).
pub(super) fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = a.to_vec();
    closer_domain::linalg::cholesky(&mut l, d, min_pivot(a, d)).then_some(l)
}

/// The smallest pivot of a "clearly positive definite" matrix.
pub(super) fn min_pivot(a: &[f64], d: usize) -> f64 {
    (0..d).map(|i| a[i * d + i].abs()).fold(0.0, f64::max) * 1e-10
}

/// log N(x; μ, Σ) given Σ's Cholesky factor.
pub(super) fn log_density(x: &[f64], mean: &[f64], chol: &[f64], d: usize) -> f64 {
    let mut z = vec![0.0; d];
    let mut logdet = 0.0;
    for i in 0..d {
        let mut s = x[i] - mean[i];
        for k in 0..i {
            s -= chol[i * d + k] * z[k];
        }
        z[i] = s / chol[i * d + i];
        logdet += chol[i * d + i].ln();
    }
    let q: f64 = z.iter().map(|v| v * v).sum();
    -0.5 * (d as f64 * (2.0 * std::f64::consts::PI).ln() + q) - logdet
}

/// E-step: responsibilities (n × k, row-major) and the log-likelihood. `None` if a covariance
/// is not positive definite.
pub(super) fn e_step(x: &[Vec<f64>], m: &Mixture) -> Option<(Vec<f64>, f64)> {
    let k = m.weights.len();
    let d = m.means[0].len();
    let chols: Vec<Vec<f64>> = m
        .covs
        .iter()
        .map(|c| cholesky(c, d))
        .collect::<Option<_>>()?;
    let mut z = vec![0.0; x.len() * k];
    let mut ll = 0.0;
    for (i, xi) in x.iter().enumerate() {
        let row = &mut z[i * k..(i + 1) * k];
        for g in 0..k {
            row[g] = m.weights[g].ln() + log_density(xi, &m.means[g], &chols[g], d);
        }
        let mx = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = row.iter().map(|v| (v - mx).exp()).sum();
        let lse = mx + s.ln();
        ll += lse;
        for v in row.iter_mut() {
            *v = (*v - lse).exp();
        }
    }
    ll.is_finite().then_some((z, ll))
}

/// Inner iterations of the M-steps that have no closed form stop when the objective changes
/// by less than this, relatively (mclust's default is √ε ≈ 1.5e-8; tighter here so the EM
/// fixed point is reached to the precision the golden comparison asks for).
pub(super) const INNER_TOL: f64 = 1e-13;
pub(super) const INNER_MAX: usize = 1000;

pub(super) fn converged(prev: f64, now: f64, tol: f64) -> bool {
    (prev - now).abs() <= tol * now.abs().max(1.0)
}

/// M-step for a family from responsibilities. `None` when a profile is (nearly) empty or a
/// scatter matrix is singular where the family needs it inverted.
///
/// With W_k = Σ_i z_ik (x_i − μ_k)(x_i − μ_k)ᵀ and n_k = Σ_i z_ik, the covariances maximise
/// −½ Σ_k [n_k log|Σ_k| + tr(W_k Σ_k⁻¹)] under the family's constraints on
/// Σ_k = λ_k D_k A_k D_kᵀ (|A_k| = 1). Closed forms: EII, VII, EEI, VVI, EEE, VVV, EVI, EEV,
/// EVV (Celeux & Govaert 1995). Iterative (each sweep cannot lower the objective, so EM stays
/// monotone even when warm-started from `prev`): VEI, VEE, VEV alternate the volumes and the
/// common shape (Celeux & Govaert 1995); EVE and VVE alternate the shapes with a
/// majorise-minimise step for the common orientation D (Browne & McNicholas 2014).
pub(super) fn m_step(
    x: &[Vec<f64>],
    z: &[f64],
    k: usize,
    family: Family,
    prev: Option<&Mixture>,
) -> Option<Mixture> {
    let n = x.len();
    let d = x[0].len();
    let mut nk = vec![0.0; k];
    let mut means = vec![vec![0.0; d]; k];
    for (i, xi) in x.iter().enumerate() {
        for g in 0..k {
            let w = z[i * k + g];
            nk[g] += w;
            for j in 0..d {
                means[g][j] += w * xi[j];
            }
        }
    }
    for g in 0..k {
        if !(nk[g] > 1e-8) {
            return None;
        }
        for v in &mut means[g] {
            *v /= nk[g];
        }
    }
    // Within-profile scatter W_g.
    let mut w = vec![vec![0.0; d * d]; k];
    for (i, xi) in x.iter().enumerate() {
        for g in 0..k {
            let r = z[i * k + g];
            for a in 0..d {
                let da = xi[a] - means[g][a];
                for b in 0..=a {
                    w[g][a * d + b] += r * da * (xi[b] - means[g][b]);
                }
            }
        }
    }
    for wg in &mut w {
        for a in 0..d {
            for b in 0..a {
                wg[b * d + a] = wg[a * d + b];
            }
        }
    }
    let nf = n as f64;
    let covs = covariances(family, &w, &nk, nf, d, prev)?;
    if covs.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    Some(Mixture {
        family,
        weights: nk.iter().map(|v| v / nf).collect(),
        means,
        covs,
        log_lik: f64::NEG_INFINITY,
        iterations: 0,
    })
}

/// The shared shape of VEI and VEV: per profile g, diagonal values `v_g` (VEI: the diagonal of
/// W_g; VEV: W_g's eigenvalues) and size `n_g`; alternate the volumes λ_g = Σ_j v_gj/a_j /(d n_g)
/// and the shape a ∝ Σ_g v_g/λ_g with |a| = 1, from `start`, until Σ_g n_g ln λ_g settles.
/// Returns the shape and the volumes; `None` if they stop being positive and finite.
pub(super) fn shared_shape(
    v: &[Vec<f64>],
    nk: &[f64],
    start: Vec<f64>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let (k, d) = (v.len(), start.len());
    let volumes = |a: &[f64]| -> Vec<f64> {
        (0..k)
            .map(|g| (0..d).map(|j| v[g][j] / a[j]).sum::<f64>() / (d as f64 * nk[g]))
            .collect()
    };
    let gm = linalg::geo_mean(&start)?;
    let mut a: Vec<f64> = start.iter().map(|x| x / gm).collect();
    let mut lam = volumes(&a);
    let mut obj = f64::INFINITY;
    for _ in 0..INNER_MAX {
        let s: Vec<f64> = (0..d)
            .map(|j| (0..k).map(|g| v[g][j] / lam[g]).sum())
            .collect();
        let gm = linalg::geo_mean(&s)?;
        a = s.iter().map(|x| x / gm).collect();
        lam = volumes(&a);
        let now: f64 = (0..k).map(|g| nk[g] * lam[g].ln()).sum();
        if !now.is_finite() {
            return None;
        }
        if converged(obj, now, INNER_TOL) {
            break;
        }
        obj = now;
    }
    Some((a, lam))
}

/// The covariance part of the M-step (see [`m_step`]).
pub(super) fn covariances(
    family: Family,
    w: &[Vec<f64>],
    nk: &[f64],
    n: f64,
    d: usize,
    prev: Option<&Mixture>,
) -> Option<Vec<Vec<f64>>> {
    use super::linalg::*;
    let k = w.len();
    let df = d as f64;
    let total: Vec<f64> = (0..d * d).map(|e| w.iter().map(|wg| wg[e]).sum()).collect();
    let sph = |lambda: f64| scaled(&identity(d), lambda);
    let covs = match family {
        Family::VVV => (0..k).map(|g| scaled(&w[g], 1.0 / nk[g])).collect(),
        Family::EEE => vec![scaled(&total, 1.0 / n); k],
        Family::VVI => (0..k)
            .map(|g| from_diag(&scaled(&diag(&w[g], d), 1.0 / nk[g])))
            .collect(),
        Family::EEI => vec![from_diag(&scaled(&diag(&total, d), 1.0 / n)); k],
        Family::VII => (0..k)
            .map(|g| sph(trace(&w[g], d) / (df * nk[g])))
            .collect(),
        Family::EII => vec![sph(trace(&total, d) / (df * n)); k],
        Family::EVI => {
            // Σ_g = λ B_g: B_g = diag(W_g)/|diag(W_g)|^(1/d), λ = Σ_g |diag(W_g)|^(1/d) / n.
            let dg: Vec<Vec<f64>> = w.iter().map(|wg| diag(wg, d)).collect();
            let gm: Vec<f64> = dg.iter().map(|v| geo_mean(v)).collect::<Option<_>>()?;
            let lambda = gm.iter().sum::<f64>() / n;
            (0..k)
                .map(|g| from_diag(&scaled(&dg[g], lambda / gm[g])))
                .collect()
        }
        Family::VEI => {
            // Σ_g = λ_g B: alternate λ_g = tr(W_g B⁻¹)/(d n_g) and B ∝ diag(Σ_g W_g/λ_g).
            let dg: Vec<Vec<f64>> = w.iter().map(|wg| diag(wg, d)).collect();
            let start = match prev {
                Some(p) => diag(&p.covs[0], d),
                None => diag(&total, d),
            };
            let (b, lam) = shared_shape(&dg, nk, start)?;
            (0..k).map(|g| from_diag(&scaled(&b, lam[g]))).collect()
        }
        Family::VEE => {
            // Σ_g = λ_g C (|C| = 1): alternate λ_g = tr(W_g C⁻¹)/(d n_g) and C ∝ Σ_g W_g/λ_g.
            let unit_det = |m: &[f64]| -> Option<Vec<f64>> {
                let (_, logdet) = spd_inverse(m, d)?;
                Some(scaled(m, (-logdet / df).exp()))
            };
            let mut c = unit_det(match prev {
                Some(p) => &p.covs[0],
                None => &total,
            })?;
            let volumes = |c: &[f64]| -> Option<Vec<f64>> {
                let (ci, _) = spd_inverse(c, d)?;
                Some(
                    (0..k)
                        .map(|g| trace(&mul(&w[g], &ci, d), d) / (df * nk[g]))
                        .collect(),
                )
            };
            let mut lam = volumes(&c)?;
            let mut obj = f64::INFINITY;
            for _ in 0..INNER_MAX {
                let mut s = vec![0.0; d * d];
                for g in 0..k {
                    for (e, v) in s.iter_mut().enumerate() {
                        *v += w[g][e] / lam[g];
                    }
                }
                c = unit_det(&s)?;
                lam = volumes(&c)?;
                let now: f64 = (0..k).map(|g| nk[g] * lam[g].ln()).sum();
                if !now.is_finite() {
                    return None;
                }
                if converged(obj, now, INNER_TOL) {
                    break;
                }
                obj = now;
            }
            (0..k).map(|g| scaled(&c, lam[g])).collect()
        }
        Family::EEV | Family::VEV => {
            // Σ_g = λ_g L_g A L_gᵀ with L_g the eigenvectors of W_g (eigenvalues Ω_g in
            // decreasing order, matched to A's decreasing diagonal — the optimal pairing).
            let eig: Vec<(Vec<f64>, Vec<f64>)> = w.iter().map(|wg| sym_eigen(wg, d)).collect();
            let omega_sum: Vec<f64> = (0..d)
                .map(|j| eig.iter().map(|(o, _)| o[j]).sum())
                .collect();
            geo_mean(&omega_sum)?;
            if family == Family::EEV {
                // Closed form: λ A = Σ_g Ω_g / n.
                let a = scaled(&omega_sum, 1.0 / n);
                eig.iter().map(|(_, l)| sandwich(l, &a, d)).collect()
            } else {
                // VEV: alternate λ_g = tr(Ω_g A⁻¹)/(d n_g) and A ∝ Σ_g Ω_g/λ_g.
                let omegas: Vec<Vec<f64>> = eig.iter().map(|(o, _)| o.clone()).collect();
                let (a, lam) = shared_shape(&omegas, nk, omega_sum)?;
                (0..k)
                    .map(|g| sandwich(&eig[g].1, &scaled(&a, lam[g]), d))
                    .collect()
            }
        }
        Family::EVV => {
            // Σ_g = λ C_g: C_g = W_g/|W_g|^(1/d), λ = Σ_g |W_g|^(1/d) / n.
            let roots: Vec<f64> = w
                .iter()
                .map(|wg| spd_inverse(wg, d).map(|(_, ld)| (ld / df).exp()))
                .collect::<Option<_>>()?;
            let lambda = roots.iter().sum::<f64>() / n;
            (0..k).map(|g| scaled(&w[g], lambda / roots[g])).collect()
        }
        Family::EVE | Family::VVE => common_orientation(family, w, nk, n, d, &total, prev)?,
    };
    Some(covs)
}

/// EVE (Σ_g = λ D A_g Dᵀ) and VVE (Σ_g = λ_g D A_g Dᵀ): a common orientation D with the
/// per-profile diagonal Δ_g = λ_(g) A_g. Given D, Δ_g is closed form from diag(Dᵀ W_g D).
/// Given the Δ_g, D minimises Σ_g tr(Dᵀ W_g D Δ_g⁻¹) over orthogonal matrices, which has no
/// closed form. Browne & McNicholas (2014) take majorise–minimise steps; here D instead takes
/// exact plane rotations, as in Flury's algorithm for common principal components: rotating
/// columns p and q of D by θ changes the objective by A·cos 2θ + B·sin 2θ + const, with
/// A = Σ_g (δ_gp⁻¹ − δ_gq⁻¹)(m_gpp − m_gqq)/2 and B = Σ_g (δ_gp⁻¹ − δ_gq⁻¹) m_gpq (M_g = Dᵀ W_g D),
/// minimised at 2θ = atan2(−B, −A). Each rotation and each Δ update can only lower the
/// objective, so EM stays monotone; sweeps over all planes alternate with the Δ update until
/// the objective settles. (The majorise–minimise steps reach the same fixed points but needed
/// hundreds of sweeps per M-step on the rties parameters; a few rotation sweeps suffice.)
pub(super) fn common_orientation(
    family: Family,
    w: &[Vec<f64>],
    nk: &[f64],
    n: f64,
    d: usize,
    total: &[f64],
    prev: Option<&Mixture>,
) -> Option<Vec<Vec<f64>>> {
    use super::linalg::*;
    let k = w.len();
    let mut dm = match prev {
        // Warm start: the previous fit's orientation is the eigenvectors of any Σ_g.
        Some(p) => sym_eigen(&p.covs[0], d).1,
        None => sym_eigen(total, d).1,
    };
    let dt = transpose(&dm, d);
    let mut m: Vec<Vec<f64>> = w.iter().map(|wg| mul(&mul(&dt, wg, d), &dm, d)).collect();
    let deltas = |m: &[Vec<f64>]| -> Option<Vec<Vec<f64>>> {
        let e: Vec<Vec<f64>> = m.iter().map(|mg| linalg::diag(mg, d)).collect();
        if family == Family::VVE {
            e.iter()
                .zip(nk)
                .map(|(eg, n_g)| {
                    geo_mean(eg)?;
                    Some(scaled(eg, 1.0 / n_g))
                })
                .collect()
        } else {
            let gm: Vec<f64> = e.iter().map(|eg| geo_mean(eg)).collect::<Option<_>>()?;
            let lambda = gm.iter().sum::<f64>() / n;
            Some((0..k).map(|g| scaled(&e[g], lambda / gm[g])).collect())
        }
    };
    let objective = |m: &[Vec<f64>], delta: &[Vec<f64>]| -> f64 {
        (0..k)
            .map(|g| {
                (0..d)
                    .map(|j| nk[g] * delta[g][j].ln() + m[g][j * d + j] / delta[g][j])
                    .sum::<f64>()
            })
            .sum()
    };
    let mut delta = deltas(&m)?;
    let mut obj = objective(&m, &delta);
    for _ in 0..INNER_MAX {
        for p in 0..d {
            for q in p + 1..d {
                let (mut a, mut b) = (0.0, 0.0);
                for g in 0..k {
                    let diff = 1.0 / delta[g][p] - 1.0 / delta[g][q];
                    a += diff * (m[g][p * d + p] - m[g][q * d + q]) / 2.0;
                    b += diff * m[g][p * d + q];
                }
                if a == 0.0 && b == 0.0 {
                    continue;
                }
                let theta = 0.5 * (-b).atan2(-a);
                let (s, c) = theta.sin_cos();
                for i in 0..d {
                    let (xp, xq) = (dm[i * d + p], dm[i * d + q]);
                    dm[i * d + p] = c * xp + s * xq;
                    dm[i * d + q] = -s * xp + c * xq;
                }
                for mg in m.iter_mut() {
                    for i in 0..d {
                        let (xp, xq) = (mg[i * d + p], mg[i * d + q]);
                        mg[i * d + p] = c * xp + s * xq;
                        mg[i * d + q] = -s * xp + c * xq;
                    }
                    for j in 0..d {
                        let (xp, xq) = (mg[p * d + j], mg[q * d + j]);
                        mg[p * d + j] = c * xp + s * xq;
                        mg[q * d + j] = -s * xp + c * xq;
                    }
                }
            }
        }
        delta = deltas(&m)?;
        let now = objective(&m, &delta);
        if !now.is_finite() {
            return None;
        }
        if converged(obj, now, INNER_TOL) {
            break;
        }
        obj = now;
    }
    Some(delta.iter().map(|dg| sandwich(&dm, dg, d)).collect())
}

/// EM convergence: stop when the log-likelihood changes by less than this, relatively
/// (mclust's default is 1e-5; tighter here, so that two programs reaching the same optimum
/// report the same BIC to 1e-6).
pub(super) const EM_TOL: f64 = 1e-11;
pub(super) const EM_MAX: usize = 5000;

/// EM for one family from hard starting labels (labels ≥ k or a start leaving a profile empty
/// fail, as mclust's NA).
pub fn fit_from(x: &[Vec<f64>], k: usize, family: Family, start: &[usize]) -> Option<Mixture> {
    if x.is_empty() || start.len() != x.len() || start.iter().any(|&l| l >= k) {
        return None;
    }
    let mut z = vec![0.0; x.len() * k];
    for (i, &l) in start.iter().enumerate() {
        z[i * k + l] = 1.0;
    }
    let mut m = m_step(x, &z, k, family, None)?;
    let mut prev = f64::NEG_INFINITY;
    for it in 1..=EM_MAX {
        let (zz, ll) = e_step(x, &m)?;
        m.log_lik = ll;
        m.iterations = it;
        if converged(prev, ll, EM_TOL) {
            break;
        }
        prev = ll;
        let next = m_step(x, &zz, k, family, Some(&m))?;
        m = Mixture {
            log_lik: ll,
            iterations: it,
            ..next
        };
    }
    // Final E-step so the log-likelihood belongs to the returned parameters.
    let (_, ll) = e_step(x, &m)?;
    m.log_lik = ll;
    Some(m)
}

/// Most probable profile of each row, and its probability.
pub fn classify(x: &[Vec<f64>], m: &Mixture) -> Option<(Vec<usize>, Vec<f64>)> {
    let k = m.weights.len();
    let (z, _) = e_step(x, m)?;
    let mut labels = Vec::with_capacity(x.len());
    let mut probs = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        let row = &z[i * k..(i + 1) * k];
        let (g, p) =
            row.iter().enumerate().fold(
                (0, f64::NEG_INFINITY),
                |b, (g, &p)| if p > b.1 { (g, p) } else { b },
            );
        labels.push(g);
        probs.push(p);
    }
    Some((labels, probs))
}
