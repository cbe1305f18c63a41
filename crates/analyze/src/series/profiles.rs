//! Profiles across dyads: Gaussian mixtures over per-dyad parameters, as rties does with mclust
//! — the number of profiles K is fixed by the user, BIC (2·logL − k·log n, larger is better)
//! chooses only the covariance model — plus how stable the resulting classification is.
//!
//! Covariance families implemented (mclust's names): `EII` (one spherical variance), `VII`
//! (a spherical variance per profile), `EEI` (one diagonal matrix), `VVI` (a diagonal matrix
//! per profile), `EEE` (one full matrix), `VVV` (a full matrix per profile). mclust's other
//! eight families (with shared shape or orientation across profiles) are not implemented.
//!
//! EM starts from k-means++ seeding and Lloyd iterations with a fixed seed (mclust starts from
//! model-based hierarchical clustering); several seeded starts are run per family and the
//! highest likelihood is kept. A fit whose covariance becomes singular (or a profile with fewer
//! members than it needs) is reported as failed, as mclust reports NA.
//!
//! Why stability is reported: eight parameters over tens of dyads is a small sample for a
//! mixture. The adjusted Rand index (ARI) between the chosen classification and (a) each
//! restart's, (b) the classification of the same dyads by a fit to each bootstrap resample,
//! says how much the profiles depend on the start and on which dyads happened to be sampled.

use super::stats::SplitMix64;
use serde::Serialize;

/// A covariance family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    EII,
    VII,
    EEI,
    VVI,
    EEE,
    VVV,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::EII,
        Family::VII,
        Family::EEI,
        Family::VVI,
        Family::EEE,
        Family::VVV,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::EII => "EII",
            Family::VII => "VII",
            Family::EEI => "EEI",
            Family::VVI => "VVI",
            Family::EEE => "EEE",
            Family::VVV => "VVV",
        }
    }

    /// Free covariance parameters with `k` profiles in `d` dimensions.
    fn cov_params(self, k: usize, d: usize) -> usize {
        let full = d * (d + 1) / 2;
        match self {
            Family::EII => 1,
            Family::VII => k,
            Family::EEI => d,
            Family::VVI => k * d,
            Family::EEE => full,
            Family::VVV => k * full,
        }
    }

    /// All free parameters: mixing proportions, means, covariances.
    pub fn params(self, k: usize, d: usize) -> usize {
        (k - 1) + k * d + self.cov_params(k, d)
    }
}

/// A fitted mixture.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixture {
    pub family: Family,
    pub weights: Vec<f64>,
    pub means: Vec<Vec<f64>>,
    /// Row-major d × d covariance per profile.
    pub covs: Vec<Vec<f64>>,
    pub log_lik: f64,
    pub iterations: usize,
}

/// Lower Cholesky factor of a row-major d × d matrix; `None` unless clearly positive definite.
fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; d * d];
    let scale = (0..d).map(|i| a[i * d + i].abs()).fold(0.0, f64::max);
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                // mclust treats a relative eigenvalue below machine epsilon as singular; we use
                // a slightly safer bound on the pivots.
                if !(s > scale * 1e-10) || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    Some(l)
}

/// log N(x; μ, Σ) given Σ's Cholesky factor.
fn log_density(x: &[f64], mean: &[f64], chol: &[f64], d: usize) -> f64 {
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
fn e_step(x: &[Vec<f64>], m: &Mixture) -> Option<(Vec<f64>, f64)> {
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

/// M-step for a family from responsibilities. `None` when a profile is (nearly) empty.
fn m_step(x: &[Vec<f64>], z: &[f64], k: usize, family: Family) -> Option<Mixture> {
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
    let total: Vec<f64> = (0..d * d).map(|e| w.iter().map(|wg| wg[e]).sum()).collect();
    let diag_only = |m: &[f64]| -> Vec<f64> {
        let mut o = vec![0.0; d * d];
        for a in 0..d {
            o[a * d + a] = m[a * d + a];
        }
        o
    };
    let scaled = |m: &[f64], s: f64| -> Vec<f64> { m.iter().map(|v| v / s).collect() };
    let sph = |lambda: f64| -> Vec<f64> {
        let mut o = vec![0.0; d * d];
        for a in 0..d {
            o[a * d + a] = lambda;
        }
        o
    };
    let trace = |m: &[f64]| -> f64 { (0..d).map(|a| m[a * d + a]).sum() };
    let covs: Vec<Vec<f64>> = match family {
        Family::VVV => (0..k).map(|g| scaled(&w[g], nk[g])).collect(),
        Family::EEE => vec![scaled(&total, nf); k],
        Family::VVI => (0..k).map(|g| scaled(&diag_only(&w[g]), nk[g])).collect(),
        Family::EEI => vec![scaled(&diag_only(&total), nf); k],
        Family::VII => (0..k)
            .map(|g| sph(trace(&w[g]) / (d as f64 * nk[g])))
            .collect(),
        Family::EII => vec![sph(trace(&total) / (d as f64 * nf)); k],
    };
    Some(Mixture {
        family,
        weights: nk.iter().map(|v| v / nf).collect(),
        means,
        covs,
        log_lik: f64::NEG_INFINITY,
        iterations: 0,
    })
}

/// k-means++ seeding and Lloyd iterations; returns hard labels.
fn kmeans(x: &[Vec<f64>], k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let n = x.len();
    let dist2 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>();
    let mut centres: Vec<Vec<f64>> = vec![x[rng.below(n)].clone()];
    while centres.len() < k {
        let d: Vec<f64> = x
            .iter()
            .map(|xi| {
                centres
                    .iter()
                    .map(|c| dist2(xi, c))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let total: f64 = d.iter().sum();
        let pick = if total > 0.0 {
            let mut u = rng.uniform() * total;
            let mut idx = n - 1;
            for (i, di) in d.iter().enumerate() {
                if u < *di {
                    idx = i;
                    break;
                }
                u -= di;
            }
            idx
        } else {
            rng.below(n)
        };
        centres.push(x[pick].clone());
    }
    let mut labels = vec![0usize; n];
    for _ in 0..100 {
        let mut changed = false;
        for (i, xi) in x.iter().enumerate() {
            let best = (0..k)
                .min_by(|&a, &b| dist2(xi, &centres[a]).total_cmp(&dist2(xi, &centres[b])))
                .unwrap_or(0);
            if best != labels[i] {
                labels[i] = best;
                changed = true;
            }
        }
        for (g, c) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f64>> = x
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == g)
                .map(|(xi, _)| xi)
                .collect();
            if members.is_empty() {
                continue;
            }
            for j in 0..c.len() {
                c[j] = members.iter().map(|m| m[j]).sum::<f64>() / members.len() as f64;
            }
        }
        if !changed {
            break;
        }
    }
    labels
}

/// EM for one family from hard starting labels.
fn em(x: &[Vec<f64>], k: usize, family: Family, start: &[usize]) -> Option<Mixture> {
    let mut z = vec![0.0; x.len() * k];
    for (i, &l) in start.iter().enumerate() {
        z[i * k + l] = 1.0;
    }
    let mut m = m_step(x, &z, k, family)?;
    let mut prev = f64::NEG_INFINITY;
    for it in 1..=1000 {
        let (zz, ll) = e_step(x, &m)?;
        m.log_lik = ll;
        m.iterations = it;
        if (ll - prev).abs() <= 1e-9 * ll.abs().max(1.0) {
            break;
        }
        prev = ll;
        let ll_keep = ll;
        m = m_step(x, &zz, k, family)?;
        m.log_lik = ll_keep;
        m.iterations = it;
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

/// Best of `starts` seeded EM runs for one family; also returns each start's labels.
fn fit_family(
    x: &[Vec<f64>],
    k: usize,
    family: Family,
    starts: usize,
    seed: u64,
) -> (Option<Mixture>, Vec<Vec<usize>>) {
    let mut best: Option<Mixture> = None;
    let mut each = Vec::new();
    for s in 0..starts.max(1) {
        let mut rng = SplitMix64::new(seed.wrapping_add(s as u64 * 0x9E37));
        let start = kmeans(x, k, &mut rng);
        let Some(m) = em(x, k, family, &start) else {
            continue;
        };
        if let Some((labels, _)) = classify(x, &m) {
            each.push(labels);
        }
        if best.as_ref().is_none_or(|b| m.log_lik > b.log_lik) {
            best = Some(m);
        }
    }
    (best, each)
}

/// Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985).
pub fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len();
    if n < 2 || b.len() != n {
        return f64::NAN;
    }
    let ka = a.iter().max().map_or(0, |m| m + 1);
    let kb = b.iter().max().map_or(0, |m| m + 1);
    let mut t = vec![0u64; ka * kb];
    for (x, y) in a.iter().zip(b) {
        t[x * kb + y] += 1;
    }
    let c2 = |v: u64| (v * v.saturating_sub(1) / 2) as f64;
    let sum_ij: f64 = t.iter().map(|&v| c2(v)).sum();
    let sum_a: f64 = (0..ka)
        .map(|i| c2((0..kb).map(|j| t[i * kb + j]).sum()))
        .sum();
    let sum_b: f64 = (0..kb)
        .map(|j| c2((0..ka).map(|i| t[i * kb + j]).sum()))
        .sum();
    let total = c2(n as u64);
    let expected = sum_a * sum_b / total;
    let max = 0.5 * (sum_a + sum_b);
    if max == expected {
        return 1.0;
    }
    (sum_ij - expected) / (max - expected)
}

/// One row of the model-selection table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyRow {
    pub family: &'static str,
    pub parameters: usize,
    /// `None` when the fit failed (singular covariance or an empty profile), as mclust's NA.
    pub log_lik: Option<f64>,
    pub bic: Option<f64>,
}

/// Summary of a distribution of ARIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AriSummary {
    pub runs: usize,
    pub min: Option<f64>,
    pub q25: Option<f64>,
    pub median: Option<f64>,
    pub q75: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
}

fn summarise(mut v: Vec<f64>) -> AriSummary {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    let q = |p: f64| -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        // R's default quantile (type 7).
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = h.ceil() as usize;
        Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
    };
    AriSummary {
        runs: v.len(),
        min: v.first().copied(),
        q25: q(0.25),
        median: q(0.5),
        q75: q(0.75),
        max: v.last().copied(),
        mean: (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64),
    }
}

/// Options of a profile analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileOptions {
    pub k: usize,
    /// Seeded EM starts per family (the best is kept; each one's classification enters the
    /// restart stability).
    pub starts: usize,
    /// Bootstrap resamples for the stability of the classification.
    pub bootstrap: usize,
    pub seed: u64,
}

/// The result of a profile analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profiles {
    pub k: usize,
    pub n: usize,
    pub dims: usize,
    pub chosen: &'static str,
    pub bic: f64,
    pub log_lik: f64,
    pub table: Vec<FamilyRow>,
    /// Profile (1-based, as mclust numbers them) and its posterior probability, per row.
    pub labels: Vec<usize>,
    pub probability: Vec<f64>,
    pub sizes: Vec<usize>,
    pub means: Vec<Vec<f64>>,
    pub restart_ari: AriSummary,
    pub bootstrap_ari: AriSummary,
}

/// Why no profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// Need K ≥ 1 and more rows than profiles.
    TooFewRows { rows: usize, k: usize },
    /// Every family failed.
    NoFit,
}

/// Fits every family with K profiles, chooses by BIC, and measures stability.
pub fn profiles(x: &[Vec<f64>], opt: &ProfileOptions) -> Result<Profiles, ProfileError> {
    let n = x.len();
    let k = opt.k;
    if k == 0 || n <= k || x.first().is_none_or(|r| r.is_empty()) {
        return Err(ProfileError::TooFewRows { rows: n, k });
    }
    let d = x[0].len();
    let mut table = Vec::new();
    let mut best: Option<(f64, Mixture, Vec<Vec<usize>>)> = None;
    for fam in Family::ALL {
        let params = fam.params(k, d);
        let (m, each) = fit_family(x, k, fam, opt.starts, opt.seed);
        let row = match &m {
            Some(m) => {
                let bic = 2.0 * m.log_lik - params as f64 * (n as f64).ln();
                FamilyRow {
                    family: fam.name(),
                    parameters: params,
                    log_lik: Some(m.log_lik),
                    bic: Some(bic),
                }
            }
            None => FamilyRow {
                family: fam.name(),
                parameters: params,
                log_lik: None,
                bic: None,
            },
        };
        if let (Some(m), Some(bic)) = (m, row.bic)
            && best.as_ref().is_none_or(|b| bic > b.0)
        {
            best = Some((bic, m, each));
        }
        table.push(row);
    }
    let (bic, m, each) = best.ok_or(ProfileError::NoFit)?;
    let (labels, probability) = classify(x, &m).ok_or(ProfileError::NoFit)?;
    let restart: Vec<f64> = each.iter().map(|l| adjusted_rand(&labels, l)).collect();
    let mut rng = SplitMix64::new(opt.seed ^ 0x0B00_57A9);
    let mut boot = Vec::with_capacity(opt.bootstrap);
    for b in 0..opt.bootstrap {
        let sample: Vec<Vec<f64>> = (0..n).map(|_| x[rng.below(n)].clone()).collect();
        let (fit, _) = fit_family(&sample, k, m.family, 1, opt.seed.wrapping_add(1 + b as u64));
        if let Some((l, _)) = fit.and_then(|f| classify(x, &f)) {
            boot.push(adjusted_rand(&labels, &l));
        }
    }
    let mut sizes = vec![0usize; k];
    for &l in &labels {
        sizes[l] += 1;
    }
    Ok(Profiles {
        k,
        n,
        dims: d,
        chosen: m.family.name(),
        bic,
        log_lik: m.log_lik,
        table,
        labels: labels.iter().map(|l| l + 1).collect(),
        probability,
        sizes,
        means: m.means.clone(),
        restart_ari: summarise(restart),
        bootstrap_ari: summarise(boot),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_known_values() {
        assert_eq!(adjusted_rand(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
        // Classic example: ARI of {0,0,0,1,1,1} vs {0,0,1,1,2,2} is 0.24242...
        let a = adjusted_rand(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        assert!((a - 0.242_424_242_424_242_4).abs() < 1e-12, "{a}");
    }

    fn clusters(seed: u64, per: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
        let mut rng = SplitMix64::new(seed);
        let centres = [[0.0, 0.0, 0.0], [6.0, 6.0, 0.0], [0.0, 6.0, 6.0]];
        let mut x = Vec::new();
        let mut truth = Vec::new();
        for (g, c) in centres.iter().enumerate() {
            for _ in 0..per {
                x.push(c.iter().map(|m| m + rng.normal()).collect());
                truth.push(g);
            }
        }
        (x, truth)
    }

    #[test]
    fn recovers_well_separated_clusters() {
        let (x, truth) = clusters(5, 40);
        let p = profiles(
            &x,
            &ProfileOptions {
                k: 3,
                starts: 5,
                bootstrap: 20,
                seed: 1,
            },
        )
        .unwrap();
        let labels: Vec<usize> = p.labels.iter().map(|l| l - 1).collect();
        let ari = adjusted_rand(&truth, &labels);
        assert!(ari > 0.97, "ari {ari}");
        // Spherical unit-variance clusters: a spherical or diagonal family should win.
        assert!(
            ["EII", "VII", "EEI", "VVI"].contains(&p.chosen),
            "{}",
            p.chosen
        );
        assert!(p.restart_ari.min.unwrap() > 0.95);
        assert!(p.bootstrap_ari.median.unwrap() > 0.95);
        assert_eq!(p.sizes.iter().sum::<usize>(), 120);
    }

    #[test]
    fn bic_prefers_full_covariance_for_correlated_data() {
        let mut rng = SplitMix64::new(9);
        let mut x = Vec::new();
        for g in 0..2 {
            for _ in 0..150 {
                let a = rng.normal();
                let b = 0.95 * a + 0.3 * rng.normal();
                let off = if g == 0 { 0.0 } else { 8.0 };
                x.push(vec![a + off, b - off]);
            }
        }
        let p = profiles(
            &x,
            &ProfileOptions {
                k: 2,
                starts: 3,
                bootstrap: 0,
                seed: 2,
            },
        )
        .unwrap();
        assert!(["EEE", "VVV"].contains(&p.chosen), "{}", p.chosen);
    }

    #[test]
    fn too_few_rows_is_an_error() {
        let x = vec![vec![1.0], vec![2.0]];
        let o = ProfileOptions {
            k: 2,
            starts: 1,
            bootstrap: 0,
            seed: 0,
        };
        assert_eq!(
            profiles(&x, &o),
            Err(ProfileError::TooFewRows { rows: 2, k: 2 })
        );
    }

    #[test]
    fn param_counts_match_mclust() {
        // mclust's nMclustParams for G = 2, d = 8.
        assert_eq!(Family::EII.params(2, 8), 1 + 16 + 1);
        assert_eq!(Family::VVV.params(2, 8), 1 + 16 + 72);
        assert_eq!(Family::EEI.params(2, 8), 1 + 16 + 8);
    }
}
