//! Tests of the profile analysis: ARI, families, starts, recovery, BIC choice.

use super::*;

#[test]
fn ari_known_values() {
    assert_eq!(adjusted_rand(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
    // Classic example: ARI of {0,0,0,1,1,1} vs {0,0,1,1,2,2} is 0.24242...
    let a = adjusted_rand(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
    assert!((a - 0.242_424_242_424_242_4).abs() < 1e-12, "{a}");
}

fn clusters(seed: u64, per: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut rng = rng(seed, 0);
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
    let mut rng = rng(9, 0);
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

/// Rotation of 3-space by `a` about z, then `b` about x (an orientation for simulations).
fn rotation(a: f64, b: f64) -> Vec<f64> {
    let (sa, ca) = a.sin_cos();
    let (sb, cb) = b.sin_cos();
    let rz = [ca, -sa, 0.0, sa, ca, 0.0, 0.0, 0.0, 1.0];
    let rx = [1.0, 0.0, 0.0, 0.0, cb, -sb, 0.0, sb, cb];
    linalg::mul(&rx, &rz, 3)
}

/// A simulation design for one family in 3 dimensions: Σ_g = λ_g D_g A_g D_gᵀ with the
/// volumes, shapes and orientations shared or varying as the family says.
fn design(fam: Family) -> Vec<Vec<f64>> {
    let name = fam.name().as_bytes();
    let vol = |g: usize| {
        if name[0] == b'V' {
            [0.4, 1.0, 2.5][g]
        } else {
            1.0
        }
    };
    let shapes = [
        [3.0, 1.0, 1.0 / 3.0],
        [1.0 / 3.0, 3.0, 1.0],
        [1.0, 1.0 / 3.0, 3.0],
    ];
    // With the orientation varying too, a permuted shape is the same shape turned, so
    // varying shapes then differ in their eigenvalues themselves.
    let distinct = [
        [3.0, 1.0, 1.0 / 3.0],
        [1.5, 1.5, 1.0 / 2.25],
        [6.0, 0.5, 1.0 / 3.0],
    ];
    let shape = |g: usize| match (name[1], name[2]) {
        (b'V', b'V') => distinct[g],
        (b'V', _) => shapes[g],
        _ => shapes[0],
    };
    let orient = |g: usize| match name[2] {
        b'I' => linalg::identity(3),
        b'E' => rotation(0.7, 0.4),
        _ => rotation(0.7 + 1.1 * g as f64, 0.4 + 0.8 * g as f64),
    };
    (0..3)
        .map(|g| linalg::sandwich(&orient(g), &linalg::scaled(&shape(g), vol(g)), 3))
        .collect()
}

/// `per` draws from each of three profiles with the given covariances.
fn simulate(covs: &[Vec<f64>], per: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let means = [[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0]];
    let mut rng = rng(seed, 0);
    let mut x = Vec::new();
    let mut truth = Vec::new();
    for (g, cov) in covs.iter().enumerate() {
        let l = cholesky(cov, 3).unwrap();
        for _ in 0..per {
            let e: Vec<f64> = (0..3).map(|_| rng.normal()).collect();
            x.push(
                (0..3)
                    .map(|i| means[g][i] + (0..=i).map(|j| l[i * 3 + j] * e[j]).sum::<f64>())
                    .collect(),
            );
            truth.push(g);
        }
    }
    (x, truth)
}

const NEW_FAMILIES: [Family; 8] = [
    Family::VEI,
    Family::EVI,
    Family::VEE,
    Family::EVE,
    Family::VVE,
    Family::EEV,
    Family::VEV,
    Family::EVV,
];

/// Each of the eight families added for mclust parity gives back the mixture it was
/// simulated from: proportions, means and covariances, with the family's constraint
/// holding exactly in the estimate.
#[test]
fn new_families_recover_their_simulated_parameters() {
    for (i, fam) in NEW_FAMILIES.into_iter().enumerate() {
        let covs = design(fam);
        let (x, truth) = simulate(&covs, 400, 100 + i as u64);
        let m = fit_from(&x, 3, fam, &hierarchical_start(&x, 3)).unwrap();
        let (labels, _) = classify(&x, &m).unwrap();
        assert!(adjusted_rand(&truth, &labels) > 0.99, "{}", fam.name());
        for g in 0..3 {
            // The fitted profile whose mean is nearest the true one.
            let true_mean = [[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0]][g];
            let h = (0..3)
                .min_by(|&a, &b| {
                    let da: f64 = (0..3).map(|j| (m.means[a][j] - true_mean[j]).powi(2)).sum();
                    let db: f64 = (0..3).map(|j| (m.means[b][j] - true_mean[j]).powi(2)).sum();
                    da.total_cmp(&db)
                })
                .unwrap();
            assert!(
                (m.weights[h] - 1.0 / 3.0).abs() < 0.03,
                "{} weight",
                fam.name()
            );
            for j in 0..3 {
                assert!(
                    (m.means[h][j] - true_mean[j]).abs() < 0.3,
                    "{} mean",
                    fam.name()
                );
            }
            let err: f64 = (0..9).map(|e| (m.covs[h][e] - covs[g][e]).powi(2)).sum();
            let size: f64 = covs[g].iter().map(|v| v * v).sum();
            let rel = (err / size).sqrt();
            assert!(
                rel < 0.2,
                "{} profile {g}: covariance off by {rel:.3}",
                fam.name()
            );
        }
        assert_constraint(fam, &m.covs);
    }
}

/// The family's sharing constraint holds in a fit: equal volumes |Σ_g|^(1/d), equal
/// shapes (the scaled eigenvalues) and a shared orientation where the name says E, and
/// diagonal matrices where it says I.
fn assert_constraint(fam: Family, covs: &[Vec<f64>]) {
    let d = 3;
    let name = fam.name().as_bytes();
    let eig: Vec<(Vec<f64>, Vec<f64>)> = covs.iter().map(|c| linalg::sym_eigen(c, d)).collect();
    let vols: Vec<f64> = eig
        .iter()
        .map(|(v, _)| linalg::geo_mean(v).unwrap())
        .collect();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-8 * a.abs().max(b.abs());
    if name[0] == b'E' {
        assert!(
            vols.iter().all(|v| close(*v, vols[0])),
            "{} volumes",
            fam.name()
        );
    }
    if name[2] == b'I' {
        for c in covs {
            for a in 0..d {
                for b in 0..d {
                    assert!(a == b || c[a * d + b] == 0.0, "{} not diagonal", fam.name());
                }
            }
        }
    }
    if name[2] == b'E' {
        // Dᵀ Σ_g D diagonal for the eigenvectors D of Σ_1.
        let dm = &eig[0].1;
        for c in covs {
            let m = linalg::mul(&linalg::mul(&linalg::transpose(dm, d), c, d), dm, d);
            let scale = linalg::trace(&m, d);
            for a in 0..d {
                for b in 0..d {
                    assert!(
                        a == b || m[a * d + b].abs() < 1e-9 * scale,
                        "{}",
                        fam.name()
                    );
                }
            }
        }
    }
    if name[1] == b'E' && name[2] != b'I' {
        // Shared shape: the same scaled eigenvalues.
        for (g, (v, _)) in eig.iter().enumerate() {
            for j in 0..d {
                assert!(
                    close(v[j] / vols[g], eig[0].0[j] / vols[0]),
                    "{} shape",
                    fam.name()
                );
            }
        }
    }
}

/// On a large sample from a family with clearly distinct profiles, BIC picks that family
/// out of the 14.
#[test]
fn bic_picks_the_simulated_family() {
    for (i, fam) in NEW_FAMILIES.into_iter().enumerate() {
        let (x, _) = simulate(&design(fam), 400, 200 + i as u64);
        let p = profiles(
            &x,
            &ProfileOptions {
                k: 3,
                starts: 1,
                bootstrap: 0,
                seed: 1,
            },
        )
        .unwrap();
        assert_eq!(p.chosen, fam.name());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Laws every family obeys: translating the data changes nothing, reordering the
    /// coordinates changes nothing, and scaling them by c lowers every log-likelihood by
    /// exactly n·d·log c (the density of the scaled data) — all from the same start.
    #[test]
    fn families_respect_translation_order_and_scale(
        seed in 0u64..10_000,
        shift in -50.0f64..50.0,
        scale in 0.1f64..10.0,
    ) {
        let (x, _) = simulate(&design(Family::VVV), 25, seed);
        let moved: Vec<Vec<f64>> = x.iter().map(|r| r.iter().map(|v| v + shift).collect()).collect();
        let reordered: Vec<Vec<f64>> = x.iter().map(|r| r.iter().rev().copied().collect()).collect();
        let scaled: Vec<Vec<f64>> = x.iter().map(|r| r.iter().map(|v| v * scale).collect()).collect();
        let start = hierarchical_start(&x, 3);
        let offset = x.len() as f64 * 3.0 * scale.ln();
        for fam in Family::ALL {
            let base = fit_from(&x, 3, fam, &start).map(|m| m.log_lik);
            for (what, y, expect) in [
                ("translated", &moved, base),
                ("reordered", &reordered, base),
                ("scaled", &scaled, base.map(|b| b - offset)),
            ] {
                let got = fit_from(y, 3, fam, &start).map(|m| m.log_lik);
                match (got, expect) {
                    (Some(a), Some(b)) => proptest::prop_assert!(
                        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                        "{} {what}: {a} vs {b}", fam.name()
                    ),
                    (a, b) => proptest::prop_assert_eq!(a.is_some(), b.is_some(), "{} {}", fam.name(), what),
                }
            }
        }
    }
}

/// One dimension, a constant column, duplicated rows: answers or a typed refusal, never a
/// panic.
#[test]
fn degenerate_inputs_are_handled() {
    let opt = ProfileOptions {
        k: 2,
        starts: 3,
        bootstrap: 5,
        seed: 3,
    };
    let mut rng = rng(4, 0);
    let one_d: Vec<Vec<f64>> = (0..60)
        .map(|i| vec![if i < 30 { 0.0 } else { 6.0 } + rng.normal()])
        .collect();
    let p = profiles(&one_d, &opt).unwrap();
    assert_eq!(p.table.len(), 14);
    assert_eq!(p.sizes.iter().sum::<usize>(), 60);
    let constant: Vec<Vec<f64>> = one_d.iter().map(|r| vec![r[0], 1.0]).collect();
    // A coordinate that never varies: only the spherical families, whose one variance
    // pools all coordinates, can be fitted (as in mclust); the others are reported failed.
    let p = profiles(&constant, &opt).unwrap();
    for r in &p.table {
        let spherical = r.family == "EII" || r.family == "VII";
        assert_eq!(r.bic.is_some(), spherical, "{}", r.family);
    }
    let same = vec![vec![1.0, 2.0]; 10];
    assert!(matches!(profiles(&same, &opt), Err(ProfileError::NoFit)));
    let twice: Vec<Vec<f64>> = one_d.iter().chain(&one_d).cloned().collect();
    assert!(profiles(&twice, &opt).is_ok());
}

#[test]
fn eigen_decomposition_reconstructs_its_matrix() {
    let a = [4.0, 1.0, 0.5, 1.0, 3.0, -0.2, 0.5, -0.2, 1.0];
    let (vals, vecs) = linalg::sym_eigen(&a, 3);
    assert!(vals[0] >= vals[1] && vals[1] >= vals[2]);
    let back = linalg::sandwich(&vecs, &vals, 3);
    for e in 0..9 {
        assert!((back[e] - a[e]).abs() < 1e-12, "{back:?}");
    }
    let vtv = linalg::mul(&linalg::transpose(&vecs, 3), &vecs, 3);
    for e in 0..9 {
        let id = if e % 4 == 0 { 1.0 } else { 0.0 };
        assert!((vtv[e] - id).abs() < 1e-12);
    }
}

#[test]
fn param_counts_match_mclust() {
    // mclust's nMclustParams for G = 2, d = 8.
    assert_eq!(Family::EII.params(2, 8), 1 + 16 + 1);
    assert_eq!(Family::VVV.params(2, 8), 1 + 16 + 72);
    assert_eq!(Family::EEI.params(2, 8), 1 + 16 + 8);
}
