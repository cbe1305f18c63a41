//! Golden comparison of the profile fits with R's mclust 6.0.0.
//!
//! The reference numbers are made by `bench/mclust_reference.R` (needs R and mclust; CI has
//! neither, so its output is committed under `tests/data/mclust/`): per data set and K, the BIC
//! of each of the 14 families from mclust's own initialisation, at mclust's default EM
//! tolerance and at a tight one; mclust's starting classification; and `Mclust`'s choice and
//! classification. Data sets: the per-dyad oscillator parameters and IC slopes of the rties
//! example data (made by closer itself; 79 dyads), and three simulated sets with a known
//! family (VEE, EVI, EEV).
//!
//! Why the tight tolerance: mclust stops EM when the log-likelihood changes by less than 1e-5
//! relatively, which on these data leaves it up to 1.6 log-likelihood units short of the
//! optimum it is climbing to (VEV, oscillator, K = 2) — far more than 1e-6. Compared at the
//! same fixed point, the two programs agree to 1e-6.

use closer_analyze::series::profiles::{
    Family, ProfileOptions, adjusted_rand, fit_from, hierarchical_start, profiles,
};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mclust");

/// A small CSV reader for the committed files (header row, comma-separated, `NA` = missing).
fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text =
        std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let unquote = |s: &str| s.trim().trim_matches('"').to_string();
    let header = lines
        .next()
        .map(|h| h.split(',').map(unquote).collect())
        .unwrap_or_default();
    let rows = lines.map(|l| l.split(',').map(unquote).collect()).collect();
    (header, rows)
}

fn num(s: &str) -> Option<f64> {
    (s != "NA").then(|| s.parse::<f64>().unwrap_or_else(|e| panic!("{s}: {e}")))
}

/// The data matrix of a set (a `dyad` column, if any, is an identifier, not a parameter).
fn data(set: &str) -> Vec<Vec<f64>> {
    let (h, rows) = read_csv(&format!("{set}.csv"));
    let keep: Vec<usize> = (0..h.len()).filter(|&j| h[j] != "dyad").collect();
    rows.iter()
        .map(|r| keep.iter().map(|&j| num(&r[j]).unwrap()).collect())
        .collect()
}

fn column(name: &str, col: &str) -> Vec<String> {
    let (h, rows) = read_csv(name);
    let j = h.iter().position(|c| c == col).unwrap();
    rows.into_iter().map(|r| r[j].clone()).collect()
}

fn labels(name: &str, col: &str) -> Vec<usize> {
    column(name, col)
        .iter()
        .map(|s| s.parse::<usize>().unwrap() - 1)
        .collect()
}

struct Case {
    set: String,
    k: usize,
    chosen: String,
    bic: f64,
}

fn cases() -> Vec<Case> {
    let (h, rows) = read_csv("summary.csv");
    let at = |c: &str| h.iter().position(|x| x == c).unwrap();
    rows.iter()
        .map(|r| Case {
            set: r[at("set")].clone(),
            k: r[at("k")].parse().unwrap(),
            chosen: r[at("chosen")].clone(),
            bic: num(&r[at("bic")]).unwrap(),
        })
        .collect()
}

fn bic(x: &[Vec<f64>], k: usize, fam: Family, ll: f64) -> f64 {
    2.0 * ll - fam.params(k, x[0].len()) as f64 * (x.len() as f64).ln()
}

#[test]
fn parameter_counts_are_mclusts() {
    for c in cases() {
        let d = data(&c.set)[0].len();
        let stem = format!("{}_K{}_bic.csv", c.set, c.k);
        let fams = column(&stem, "family");
        let params = column(&stem, "parameters");
        assert_eq!(fams.len(), 14);
        for (f, p) in fams.iter().zip(&params) {
            let fam = Family::from_name(f).unwrap();
            assert_eq!(
                fam.params(c.k, d),
                p.parse::<usize>().unwrap(),
                "{f} K={} d={d}",
                c.k
            );
        }
        // Same order as mclust's table.
        let ours: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(ours, fams.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

/// Compares closer's EM from `start` with mclust's BIC column `col` of `file`, family by
/// family: equal to 1e-6 relative where both fit, failing together (NA) otherwise. The one
/// documented exception is VVE (see `vve_reaches_a_higher_likelihood_than_mclust`): there
/// closer's BIC must be at least mclust's. Returns the disagreements.
fn compare(set: &str, k: usize, start: &[usize], file: &str, col: &str) -> Vec<String> {
    let x = data(set);
    let fams = column(file, "family");
    let want = column(file, col);
    let mut bad = Vec::new();
    for (f, w) in fams.iter().zip(&want) {
        let fam = Family::from_name(f).unwrap();
        let ours = fit_from(&x, k, fam, start).map(|m| bic(&x, k, fam, m.log_lik));
        let theirs = num(w);
        let ok = match (ours, theirs) {
            (Some(a), Some(b)) if fam == Family::VVE => a >= b - 1e-6 * b.abs(),
            (Some(a), Some(b)) => ((a - b) / b).abs() <= 1e-6,
            (None, None) => true,
            // mclust refuses the shared-matrix families with a varying volume or shape (VEE,
            // EVE, VVE) when a starting group's own scatter matrix is singular (fewer members
            // than dimensions + 1), at the first M-step; these models only need the shared
            // matrix to be invertible, so closer fits them.
            (Some(_), None) => {
                [Family::VEE, Family::EVE, Family::VVE].contains(&fam)
                    && (0..k).any(|g| start.iter().filter(|&&l| l == g).count() <= x[0].len())
            }
            _ => false,
        };
        if !ok {
            bad.push(format!("{file} {f}: closer {ours:?}, mclust {theirs:?}"));
        }
    }
    bad
}

/// From mclust's own starting classification (its default hierarchical clustering, VVV
/// criterion), EM for every family reaches mclust's BIC to 1e-6 relative, and fails (NA)
/// exactly where mclust's does: 7 data sets × 14 families.
#[test]
fn every_family_from_mclusts_start_matches_mclusts_bic() {
    let mut bad = Vec::new();
    for c in cases() {
        let stem = format!("{}_K{}", c.set, c.k);
        let start = labels(&format!("{stem}_start.csv"), "start");
        bad.extend(compare(
            &c.set,
            c.k,
            &start,
            &format!("{stem}_bic.csv"),
            "bic_tight",
        ));
    }
    assert!(
        bad.is_empty(),
        "{} disagreements:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// closer's own hierarchical start is mclust's `hc(modelName = "EII", use = "SVD")` cut at K,
/// exactly; and from it every family reaches the BIC mclust reaches from that start.
#[test]
fn closers_hierarchical_start_is_mclusts_eii_hc_and_em_agrees_from_it() {
    let mut bad = Vec::new();
    for c in cases() {
        let stem = format!("{}_K{}", c.set, c.k);
        let theirs = labels(&format!("{stem}_eii_start.csv"), "start");
        let ours = hierarchical_start(&data(&c.set), c.k);
        assert_eq!(adjusted_rand(&ours, &theirs), 1.0, "{stem}");
        bad.extend(compare(
            &c.set,
            c.k,
            &ours,
            &format!("{stem}_eii.csv"),
            "bic_tight",
        ));
    }
    assert!(
        bad.is_empty(),
        "{} disagreements:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn bic_of(file: &str, col: &str, family: &str) -> Option<f64> {
    let fams = column(file, "family");
    let vals = column(file, col);
    fams.iter()
        .zip(&vals)
        .find(|(f, _)| *f == family)
        .and_then(|(_, v)| num(v))
}

/// The whole analysis (closer's own starts, best likelihood kept, `--starts 10`). On the three
/// simulated sets it chooses mclust's model with mclust's BIC (1e-6) and classification
/// (adjusted Rand index 1). On the four rties sets it chooses VVE, with a BIC above that of
/// mclust's choice (VEE or VEV): closer's VVE fits reach likelihoods mclust's VVE does not
/// (see `vve_reaches_a_higher_likelihood_than_mclust`).
///
/// The oscillator with K = 3 needs more starts: mclust's VEE there (3753.874) is a maximum none
/// of closer's starts reaches, and which VVE maximum 10 k-means++ starts find depends on the
/// seed (seeds 1–8: 2 of 8 above mclust's choice; seed 1 reaches 3752.920); with 100 starts all
/// eight seeds are above it (3754.117 to 3755.885). docs/research.md says so.
#[test]
fn profiles_agree_with_mclust_or_find_a_higher_bic() {
    for c in cases() {
        let x = data(&c.set);
        let stem = format!("{}_K{}", c.set, c.k);
        let starts = if stem == "rties_clo_K3" { 100 } else { 10 };
        let p = profiles(
            &x,
            &ProfileOptions {
                k: c.k,
                starts,
                bootstrap: 0,
                seed: 1,
            },
        )
        .unwrap();
        let theirs = bic_of(&format!("{stem}_bic.csv"), "bic_tight", &c.chosen).unwrap();
        assert!(
            ((c.bic - theirs) / theirs).abs() < 1e-5,
            "{stem}: default vs tight"
        );
        if c.set.starts_with("sim_") {
            assert_eq!(p.chosen, c.chosen, "{stem}");
            assert!(
                ((p.bic - theirs) / theirs).abs() <= 1e-6,
                "{stem}: {} vs {theirs}",
                p.bic
            );
            let ours: Vec<usize> = p.labels.iter().map(|l| l - 1).collect();
            let mclust = labels(&format!("{stem}_fit.csv"), "classification_tight");
            assert_eq!(adjusted_rand(&ours, &mclust), 1.0, "{stem}");
        } else {
            assert_eq!(p.chosen, "VVE", "{stem}");
            assert!(
                p.bic > theirs + 0.1,
                "{stem}: {} vs mclust's {theirs}",
                p.bic
            );
        }
    }
}

/// log N(x; μ, Σ) by Gaussian elimination with partial pivoting — written apart from the
/// library's Cholesky-based density, as an independent check of reported likelihoods.
fn plain_log_density(x: &[f64], mean: &[f64], cov: &[f64]) -> f64 {
    let d = x.len();
    let mut a: Vec<Vec<f64>> = (0..d).map(|i| cov[i * d..(i + 1) * d].to_vec()).collect();
    let mut r: Vec<f64> = x.iter().zip(mean).map(|(p, q)| p - q).collect();
    let r0 = r.clone();
    let mut logdet = 0.0;
    for col in 0..d {
        let piv = (col..d)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, piv);
        r.swap(col, piv);
        logdet += a[col][col].abs().ln();
        let pivot = a[col].clone();
        for row in col + 1..d {
            let f = a[row][col] / pivot[col];
            for (v, p) in a[row][col..].iter_mut().zip(&pivot[col..]) {
                *v -= f * p;
            }
            r[row] -= f * r[col];
        }
    }
    let mut sol = vec![0.0; d];
    for i in (0..d).rev() {
        let s: f64 = (i + 1..d).map(|j| a[i][j] * sol[j]).sum();
        sol[i] = (r[i] - s) / a[i][i];
    }
    let q: f64 = r0.iter().zip(&sol).map(|(p, s)| p * s).sum();
    -0.5 * (d as f64 * (2.0 * std::f64::consts::PI).ln() + logdet + q)
}

/// From mclust's own start, closer's VVE reaches a higher likelihood than mclust 6.0.0's on
/// every set (mclust's VVE, even restarted from closer's final classification, settles lower
/// again — checked in R). That the higher value is real: the fitted covariances share one
/// orientation exactly (the VVE constraint), and the log-likelihood recomputed from the
/// parameters by a separate density evaluation equals the one reported.
#[test]
fn vve_reaches_a_higher_likelihood_than_mclust() {
    for c in cases() {
        let x = data(&c.set);
        let d = x[0].len();
        let stem = format!("{}_K{}", c.set, c.k);
        let start = labels(&format!("{stem}_start.csv"), "start");
        let m = fit_from(&x, c.k, Family::VVE, &start).unwrap();
        // A shared orientation: any Σ_g's eigenvectors diagonalise every Σ_h. Check it via
        // commuting: Σ_g Σ_h = Σ_h Σ_g exactly when they share eigenvectors.
        for g in 0..c.k {
            for h in 0..c.k {
                let (a, b) = (&m.covs[g], &m.covs[h]);
                let prod = |p: &[f64], q: &[f64], i: usize, j: usize| -> f64 {
                    (0..d).map(|l| p[i * d + l] * q[l * d + j]).sum()
                };
                let scale: f64 = (0..d * d)
                    .map(|e| prod(a, b, e / d, e % d).abs())
                    .fold(0.0, f64::max);
                for e in 0..d * d {
                    let (i, j) = (e / d, e % d);
                    let diff = prod(a, b, i, j) - prod(b, a, i, j);
                    assert!(diff.abs() <= 1e-9 * scale, "{stem}: Σ{g}Σ{h} ≠ Σ{h}Σ{g}");
                }
            }
        }
        let ll: f64 = x
            .iter()
            .map(|xi| {
                let terms: Vec<f64> = (0..c.k)
                    .map(|g| m.weights[g].ln() + plain_log_density(xi, &m.means[g], &m.covs[g]))
                    .collect();
                let mx = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                mx + terms.iter().map(|t| (t - mx).exp()).sum::<f64>().ln()
            })
            .sum();
        assert!(
            (ll - m.log_lik).abs() <= 1e-9 * ll.abs().max(1.0),
            "{stem}: {ll} vs {}",
            m.log_lik
        );
        let ours = bic(&x, c.k, Family::VVE, m.log_lik);
        let theirs = bic_of(&format!("{stem}_bic.csv"), "bic_tight", "VVE").unwrap();
        assert!(ours > theirs, "{stem}: {ours} vs {theirs}");
        eprintln!("{stem}: VVE BIC closer {ours:.4}, mclust {theirs:.4}");
    }
}
