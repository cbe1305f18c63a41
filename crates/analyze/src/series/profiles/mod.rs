//! Profiles across dyads: Gaussian mixtures over per-dyad parameters, as rties does with mclust
//! — the number of profiles K is fixed by the user, BIC (2·logL − k·log n, larger is better)
//! chooses only the covariance model — plus how stable the resulting classification is.
//!
//! All 14 of mclust's covariance families, in mclust's order and with its names and
//! free-parameter counts (`nMclustParams`): Σ_k = λ_k D_k A_k D_kᵀ with volume λ, shape A
//! (|A| = 1) and orientation D each Equal across profiles, Variable, or the Identity — EII VII
//! EEI VEI EVI VVI EEE VEE EVE VVE EEV VEV EVV VVV. The M-steps are closed form where one
//! exists (Celeux & Govaert 1995); VEI, VEE and VEV alternate volumes and the shared shape;
//! EVE and VVE find the shared orientation by exact plane rotations (see
//! `common_orientation`). Written from the papers and mclust's documentation, not its code.
//!
//! Starts. mclust starts EM from one partition: model-based agglomerative clustering of the
//! "SVD"-scaled data (`hcUse`), with the VVV merge criterion by default (`hcModelName`). The
//! VVV criterion needs a regularisation for small groups (Fraley 1998) that mclust's
//! documentation does not spell out, so closer does not reproduce it; its first start is the
//! same agglomeration with the EII criterion (Ward's), which matches mclust's
//! `hc(modelName = "EII", use = "SVD")` exactly (the golden tests check it). Then `starts − 1`
//! seeded k-means++ starts, then every family is re-started from the classifications the other
//! families reached (`cross_seed`); the highest likelihood is kept. Why more than mclust's one
//! start: on tens of dyads the richer families have many local maxima, and which one a single
//! start lands in decides the chosen model; the best likelihood found is the estimate the BIC
//! is defined on. The price: on the rties parameters, mclust's default start finds a better
//! VEE maximum for the oscillator with K = 3 than any of closer's starts (docs/research.md).
//!
//! Agreement with mclust 6.0.0 (`tests/mclust_golden.rs`): from mclust's own starting
//! partition, every family's BIC agrees to 1e-6 on seven data sets, except VVE, where closer
//! reaches higher likelihoods than mclust's VVE on all seven (verified independently).
//!
//! A fit whose covariance becomes singular (or a profile that empties) is reported as failed,
//! as mclust reports NA; where a start group has fewer members than dimensions + 1, mclust
//! also refuses VEE, EVE and VVE, which closer fits (they need only the shared matrix to be
//! invertible).
//!
//! Why stability is reported: eight parameters over tens of dyads is a small sample for a
//! mixture. The adjusted Rand index (ARI) between the chosen classification and (a) each
//! start's, (b) the classification of the same dyads by a fit to each bootstrap resample,
//! says how much the profiles depend on the start and on which dyads happened to be sampled.

//!
//! The code, one concern a file: this file is the API (families, options, results, the search
//! over families and starts); [`em`] the E- and M-steps and EM itself; [`starts`] the
//! hierarchical and k-means++ starting partitions; [`stability`] the adjusted Rand index and
//! its summaries; `linalg` the small dense matrix algebra they share.

mod em;
mod linalg;
mod stability;
mod starts;
#[cfg(test)]
mod tests;

pub use em::{classify, fit_from};
pub use stability::{AriSummary, adjusted_rand};
pub use starts::hierarchical_start;

use crate::rng::{Draw, rng};
#[cfg(test)]
use em::*;
use serde::Serialize;
use stability::*;
use starts::*;

/// The stream of the bootstrap's resampling; start `s` of a family's EM draws its k-means++
/// seeding from stream `s`, so the two never share draws.
const BOOTSTRAP_STREAM: u64 = u64::MAX;

/// A covariance family, named as mclust names them: three letters for the volume (λ), shape
/// (A) and orientation (D) of Σ_k = λ_k D_k A_k D_kᵀ, each Equal across profiles, Variable, or
/// the Identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    EII,
    VII,
    EEI,
    VEI,
    EVI,
    VVI,
    EEE,
    VEE,
    EVE,
    VVE,
    EEV,
    VEV,
    EVV,
    VVV,
}

impl Family {
    /// The 14 families in mclust's order (`mclust.options("emModelNames")`), so tables line
    /// up with mclust's BIC tables.
    pub const ALL: [Family; 14] = [
        Family::EII,
        Family::VII,
        Family::EEI,
        Family::VEI,
        Family::EVI,
        Family::VVI,
        Family::EEE,
        Family::VEE,
        Family::EVE,
        Family::VVE,
        Family::EEV,
        Family::VEV,
        Family::EVV,
        Family::VVV,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::EII => "EII",
            Family::VII => "VII",
            Family::EEI => "EEI",
            Family::VEI => "VEI",
            Family::EVI => "EVI",
            Family::VVI => "VVI",
            Family::EEE => "EEE",
            Family::VEE => "VEE",
            Family::EVE => "EVE",
            Family::VVE => "VVE",
            Family::EEV => "EEV",
            Family::VEV => "VEV",
            Family::EVV => "EVV",
            Family::VVV => "VVV",
        }
    }

    /// The family with mclust's name `s`.
    pub fn from_name(s: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == s)
    }

    /// Free covariance parameters with `k` profiles in `d` dimensions, counted as mclust's
    /// `nMclustParams` does: a volume is 1 number, a shape d − 1 (its determinant is fixed at
    /// 1), an orientation d(d − 1)/2; each once if Equal, k times if Variable.
    fn cov_params(self, k: usize, d: usize) -> usize {
        let full = d * (d + 1) / 2;
        let rot = d * (d - 1) / 2;
        let shape = d - 1;
        match self {
            Family::EII => 1,
            Family::VII => k,
            Family::EEI => d,
            Family::VEI => k + shape,
            Family::EVI => 1 + k * shape,
            Family::VVI => k * d,
            Family::EEE => full,
            Family::VEE => k + shape + rot,
            Family::EVE => 1 + k * shape + rot,
            Family::VVE => k + k * shape + rot,
            Family::EEV => 1 + shape + k * rot,
            Family::VEV => k + shape + k * rot,
            Family::EVV => 1 + k * shape + k * rot,
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

/// The EM runs of one family: its best fit, each run's classification (for the restart
/// stability) and the starting partitions already tried (so no partition is fitted twice).
struct FamilyFit {
    best: Option<Mixture>,
    each: Vec<Vec<usize>>,
    tried: std::collections::HashSet<Vec<usize>>,
}

/// Best of the EM runs for one family: first from the hierarchical start, then from
/// `starts − 1` seeded k-means++ starts; the highest likelihood is kept. A start that repeats
/// an earlier partition is not fitted again; its classification still counts as a restart.
fn fit_family(x: &[Vec<f64>], k: usize, family: Family, starts: usize, seed: u64) -> FamilyFit {
    let mut fit = FamilyFit {
        best: None,
        each: Vec::new(),
        tried: Default::default(),
    };
    let mut seen: std::collections::HashMap<Vec<usize>, Option<Vec<usize>>> = Default::default();
    for s in 0..starts.max(1) {
        let start = canonical(&if s == 0 {
            hierarchical_start(x, k)
        } else {
            let mut rng = rng(seed, s as u64);
            kmeans(x, k, &mut rng)
        });
        if let Some(labels) = seen.get(&start) {
            fit.each.extend(labels.iter().cloned());
            continue;
        }
        let m = fit_from(x, k, family, &start);
        let labels = m.as_ref().and_then(|m| classify(x, m)).map(|(l, _)| l);
        fit.each.extend(labels.iter().cloned());
        if let Some(l) = &labels {
            fit.tried.insert(canonical(l));
        }
        fit.tried.insert(start.clone());
        seen.insert(start, labels);
        if let Some(m) = m
            && fit.best.as_ref().is_none_or(|b| m.log_lik > b.log_lik)
        {
            fit.best = Some(m);
        }
    }
    fit
}

/// One row of the model-selection table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyRow {
    pub family: &'static str,
    pub parameters: usize,
    /// `None` when the fit failed (singular covariance or an empty profile), as mclust's NA.
    pub log_lik: Option<f64>,
    pub bic: Option<f64>,
    /// The adjusted Rand index between this family's classification and the chosen one's: how
    /// much the answer would change had this family won instead.
    pub ari_with_chosen: Option<f64>,
}

/// A BIC difference below this is "not worth more than a bare mention" (Kass & Raftery 1995):
/// families that close to the chosen one are listed in [`Profiles::close`].
pub const BIC_CLOSE: f64 = 2.0;

/// Options of a profile analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileOptions {
    pub k: usize,
    /// EM starts per family: the hierarchical start, then `starts − 1` seeded k-means++ starts
    /// (then the cross-family seeds). The best is kept; each one's classification enters the
    /// restart stability.
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
    /// Other families whose BIC is within [`BIC_CLOSE`] of the chosen one's: the data do not
    /// clearly prefer the chosen covariance model over these.
    pub close: Vec<&'static str>,
}

/// Why no profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// Need K ≥ 1 and more rows than profiles.
    TooFewRows { rows: usize, k: usize },
    /// Every family failed.
    NoFit,
}

/// Seeds every family from the classifications the other families reached, keeping any
/// higher likelihood, until nothing improves (at most three rounds). Why: on tens of rows the
/// likelihood of the richer families has many local maxima, and a start that is poor for one
/// family is often good for a neighbouring one — a partition found by VEE is a natural start
/// for VVE or VEV. Each seed's classification joins that family's restarts.
fn cross_seed(x: &[Vec<f64>], k: usize, fits: &mut [FamilyFit]) {
    for _ in 0..3 {
        let mut seeds: Vec<Vec<usize>> = fits
            .iter()
            .filter_map(|f| f.best.as_ref().and_then(|m| classify(x, m)))
            .map(|(l, _)| canonical(&l))
            .collect();
        seeds.sort();
        seeds.dedup();
        let mut improved = false;
        for (fi, fam) in Family::ALL.into_iter().enumerate() {
            for seed in &seeds {
                if !fits[fi].tried.insert(seed.clone()) {
                    continue;
                }
                let Some(m) = fit_from(x, k, fam, seed) else {
                    continue;
                };
                let fit = &mut fits[fi];
                if fit
                    .best
                    .as_ref()
                    .is_none_or(|b| m.log_lik > b.log_lik + 1e-9 * b.log_lik.abs().max(1.0))
                {
                    if let Some((labels, _)) = classify(x, &m) {
                        fit.tried.insert(canonical(&labels));
                        fit.each.push(labels);
                    }
                    fit.best = Some(m);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Fits every family with K profiles, chooses by BIC, and measures stability.
pub fn profiles(x: &[Vec<f64>], opt: &ProfileOptions) -> Result<Profiles, ProfileError> {
    let n = x.len();
    let k = opt.k;
    if k == 0 || n <= k || x.first().is_none_or(|r| r.is_empty()) {
        return Err(ProfileError::TooFewRows { rows: n, k });
    }
    let d = x[0].len();
    let mut fits: Vec<FamilyFit> = Family::ALL
        .iter()
        .map(|&fam| fit_family(x, k, fam, opt.starts, opt.seed))
        .collect();
    cross_seed(x, k, &mut fits);
    let mut table = Vec::new();
    let mut mixtures: Vec<Option<Mixture>> = Vec::new();
    let mut best: Option<(f64, Mixture, Vec<Vec<usize>>)> = None;
    for (fam, FamilyFit { best: m, each, .. }) in Family::ALL.into_iter().zip(fits) {
        mixtures.push(m.clone());
        let params = fam.params(k, d);
        let row = match &m {
            Some(m) => {
                let bic = 2.0 * m.log_lik - params as f64 * (n as f64).ln();
                FamilyRow {
                    family: fam.name(),
                    parameters: params,
                    log_lik: Some(m.log_lik),
                    bic: Some(bic),
                    ari_with_chosen: None,
                }
            }
            None => FamilyRow {
                family: fam.name(),
                parameters: params,
                log_lik: None,
                bic: None,
                ari_with_chosen: None,
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
    let mut close = Vec::new();
    for (row, mix) in table.iter_mut().zip(&mixtures) {
        row.ari_with_chosen = mix
            .as_ref()
            .and_then(|f| classify(x, f))
            .map(|(l, _)| adjusted_rand(&labels, &l));
        if row.family != m.family.name() && row.bic.is_some_and(|b| bic - b < BIC_CLOSE) {
            close.push(row.family);
        }
    }
    let mut rng = rng(opt.seed, BOOTSTRAP_STREAM);
    let mut boot = Vec::with_capacity(opt.bootstrap);
    for b in 0..opt.bootstrap {
        let sample: Vec<Vec<f64>> = (0..n).map(|_| x[rng.below(n)].clone()).collect();
        let fit = fit_family(&sample, k, m.family, 1, opt.seed.wrapping_add(1 + b as u64));
        if let Some((l, _)) = fit.best.and_then(|f| classify(x, &f)) {
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
        close,
    })
}
