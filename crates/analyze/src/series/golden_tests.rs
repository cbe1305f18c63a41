//! Golden comparisons with rties 5.0.0's published numbers on its full example data
//! (`../shared/reference/rties.md`), at the precision rties publishes them.

use super::*;

fn full_data() -> SeriesData {
    // CLOSER_SHARED points at ../shared from a checkout that is not beside it (a worktree).
    let shared = std::env::var("CLOSER_SHARED")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared").to_string());
    let path = format!("{shared}/data/rties/rties_ExampleDataFull.csv");
    let text = std::fs::read_to_string(&path).expect("shared rties example data");
    data::parse(&path, &text, &Columns::default()).expect("example data parses")
}

/// R's `round(x, digits)` away from representation ties (none of the published values sit on
/// one).
fn round(x: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (x * m).round() / m
}

fn grid() -> Grid {
    Grid {
        taus: vec![4, 5],
        embeds: vec![3, 4, 5],
        delta: 1.0,
    }
}

#[test]
fn example_data_has_80_dyads() {
    assert_eq!(full_data().dyads.len(), 80);
}

#[test]
fn ic_abs_max_cc_matches_rties() {
    let d = full_data();
    let f = inertia_coordination(&d, Lag::AbsMaxCC, Pairing::Rties, true);
    assert_eq!(f.dyads.len(), 80);
    assert!(f.skipped.is_empty());
    assert!(f.dyads.iter().all(|x| !x.self_paired));
    // The 38 / 30 / 12 split of leads, lags and replaced zeros.
    let raw: Vec<i64> = f.dyads.iter().map(|x| x.cc_lag.unwrap()).collect();
    assert_eq!(raw.iter().filter(|&&k| k > 0).count(), 38);
    assert_eq!(raw.iter().filter(|&&k| k < 0).count(), 30);
    assert_eq!(raw.iter().filter(|&&k| k == 0).count(), 12);
    assert!(f.dyads.iter().all(|x| x.slide != 0));
    // Dyad 2, coefficients as rties returns them (rounded to 5 decimals).
    let c = &f.dyads.iter().find(|x| x.dyad == "2").unwrap().full;
    assert_eq!(round(c.int0.unwrap(), 5), -0.00518);
    assert_eq!(round(c.int1.unwrap(), 5), 0.00637);
    assert_eq!(round(c.inert0.unwrap(), 5), 0.10804);
    assert_eq!(round(c.coord0.unwrap(), 5), -0.22004);
    assert_eq!(round(c.inert1.unwrap(), 5), 0.26794);
    assert_eq!(round(c.coord1.unwrap(), 5), 0.16868);
    // Mean adjusted R² of the inertia-only and full models, dyad 19 included.
    let mi = mean_present(
        f.dyads
            .iter()
            .map(|x| x.inertia.as_ref().and_then(|i| i.adj_r2)),
    )
    .unwrap();
    let mf = mean_present(f.dyads.iter().map(|x| x.full.adj_r2)).unwrap();
    assert_eq!(round(mi, 6), 0.472638);
    assert_eq!(round(mf, 5), 0.49623);
}

#[test]
fn ic_dyad_19_has_na_coordination_like_r() {
    let d = full_data();
    let f = inertia_coordination(&d, Lag::AbsMaxCC, Pairing::Rties, false);
    let x = &f.dyads.iter().find(|x| x.dyad == "19").unwrap().full;
    assert_eq!(x.rank, 4);
    assert!(x.coord0.is_none() && x.coord1.is_none());
    assert!(x.inert0.is_some() && x.inert1.is_some() && x.int0.is_some() && x.int1.is_some());
    // Adjusted R² uses p = rank = 4.
    let expect = 1.0 - (1.0 - x.r2) * x.n as f64 / (x.n - 4) as f64;
    assert!((x.adj_r2.unwrap() - expect).abs() < 1e-15);
}

#[test]
fn treating_every_lag_as_a_lead_gives_rties_other_number() {
    // rties.md: treating every k as a lead would give 0.49954 instead of 0.49623; we follow
    // rties (signed). This pins the sign convention from the other side.
    let d = full_data();
    let mut sum = 0.0;
    for dy in &d.dyads {
        let mut p = prep::prepare(dy, Some(Lag::AbsMaxCC), Pairing::Rties).unwrap();
        let k = p.cc_lag.unwrap().abs().max(1);
        p.shifted = [prep::slide(&p.dt[0], k), prep::slide(&p.dt[1], k)];
        sum += ic::fit(dy, &p, IcVariant::Full).unwrap().adj_r2.unwrap();
    }
    assert_eq!(round(sum / d.dyads.len() as f64, 5), 0.49954);
}

#[test]
fn clo_matches_rties() {
    let d = full_data();
    let f = coupled_oscillator(&d, &grid(), Pairing::Rties);
    assert_eq!(f.dyads.len(), 80);
    assert!(f.skipped.is_empty());
    let two = &f.dyads.iter().find(|x| x.dyad == "2").unwrap().fit;
    assert_eq!((two.tau, two.embed), (5, 5));
    assert_eq!(round(two.adj_r2.unwrap(), 2), 0.65);
    assert_eq!(round(two.period_0.unwrap(), 2), 41.09);
    assert_eq!(round(two.period_1.unwrap(), 2), 38.16);
    let want = [
        (two.obs_0, -0.02339),
        (two.d1_0, 0.00181),
        (two.p_obs_0, -0.00061),
        (two.p_d1_0, 0.00592),
        (two.obs_1, -0.02711),
        (two.d1_1, 0.00531),
        (two.p_obs_1, -0.00045),
        (two.p_d1_1, 0.01094),
    ];
    for (got, w) in want {
        assert_eq!(round(got.unwrap(), 5), w);
    }
    let n = f.dyads.len() as f64;
    let mean = |g: &dyn Fn(&CloFit) -> f64| f.dyads.iter().map(|x| g(&x.fit)).sum::<f64>() / n;
    // Fit table (each value rounded to 2 decimals first, as rties' table is).
    assert_eq!(round(mean(&|x| round(x.adj_r2.unwrap(), 2)), 4), 0.4233);
    assert_eq!(round(mean(&|x| x.adj_r2.unwrap()), 5), 0.42300);
    assert_eq!(round(mean(&|x| round(x.period_0.unwrap(), 2)), 2), 50.19);
    assert_eq!(round(mean(&|x| round(x.period_1.unwrap(), 2)), 2), 51.98);
    // indivCloCompare: coupled and uncoupled mean adjusted R².
    assert_eq!(round(mean(&|x| x.adj_r2.unwrap()), 4), 0.4230);
    assert_eq!(round(mean(&|x| x.uncoupled_adj_r2.unwrap()), 4), 0.3887);
}

#[test]
fn clo_dyad_19_has_na_partner_terms_like_r() {
    let d = full_data();
    let f = coupled_oscillator(&d, &grid(), Pairing::Rties);
    let x = &f.dyads.iter().find(|x| x.dyad == "19").unwrap().fit;
    assert_eq!(x.rank, 4);
    assert!(x.p_obs_0.is_none() && x.p_d1_0.is_none() && x.p_obs_1.is_none() && x.p_d1_1.is_none());
    assert!(x.obs_0.is_some() && x.d1_0.is_some() && x.obs_1.is_some() && x.d1_1.is_some());
    assert!(x.period_0.is_some() && x.period_1.is_some());
}

#[test]
fn clo_block_fit_equals_the_stacked_r_fit_on_every_dyad() {
    // The oscillator is fitted block by block (one block per partner); R fits the stacked
    // design. On every dyad and every grid point of the example data they agree far inside
    // the 1e-6 standard.
    let d = full_data();
    let mut worst: f64 = 0.0;
    for dy in &d.dyads {
        let p = prep::prepare(dy, None, Pairing::Rties).unwrap();
        let (x0, x1) = clo::clo_series(dy, &p);
        for (tau, embed) in grid().combos() {
            let d0 = glla::derivatives(&x0, embed, tau, 1.0).unwrap();
            let d1 = glla::derivatives(&x1, embed, tau, 1.0).unwrap();
            let s = clo::fit_one_stacked(&d0, &d1).unwrap();
            let b = clo::fit_one_pub(&d0, &d1).unwrap();
            assert_eq!(s.rank, b.rank);
            for (a, c) in s.coef.iter().zip(&b.coef) {
                assert_eq!(a.is_some(), c.is_some());
                if let (Some(a), Some(c)) = (a, c) {
                    worst = worst.max((a - c).abs() / a.abs().max(1e-3));
                }
            }
            worst = worst.max((s.adj_r2().unwrap() - b.adj_r2().unwrap()).abs());
        }
    }
    assert!(worst < 1e-9, "worst relative difference {worst}");
}

/// The largest magnitude the reader accepts ([`data::MAX_MAGNITUDE`]) is safe all the way through:
/// every dyad scaled so that its largest value is 1e100 gives the same slopes and R² as the
/// original, for both models (values near 1e154 used to overflow and come back all missing).
#[test]
fn values_at_the_largest_accepted_magnitude_fit_like_the_originals() {
    let d = full_data();
    let largest = d
        .dyads
        .iter()
        .flat_map(|x| x.persons.iter().flat_map(|p| p.value.iter().flatten()))
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let k = data::MAX_MAGNITUDE / largest;
    let mut big = d.clone();
    for x in &mut big.dyads {
        for p in &mut x.persons {
            for v in p.value.iter_mut().flatten() {
                *v *= k;
            }
        }
    }
    let close = |a: Option<f64>, b: Option<f64>, what: &str| match (a, b) {
        (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-8 * a.abs().max(1.0), "{what}: {a} {b}"),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{what}"),
    };
    let (f, g) = (
        inertia_coordination(&d, Lag::AbsMaxCC, Pairing::Rties, false),
        inertia_coordination(&big, Lag::AbsMaxCC, Pairing::Rties, false),
    );
    assert_eq!(g.dyads.len(), 80);
    for (a, b) in f.dyads.iter().zip(&g.dyads) {
        let (a, b) = (&a.full, &b.full);
        assert_eq!(a.rank, b.rank, "dyad rank");
        for (x, y, w) in [
            (a.inert0, b.inert0, "inert0"),
            (a.coord0, b.coord0, "coord0"),
            (a.inert1, b.inert1, "inert1"),
            (a.coord1, b.coord1, "coord1"),
            (a.adj_r2, b.adj_r2, "adj_r2"),
        ] {
            close(x, y, w);
        }
        // Intercepts scale with the values.
        close(a.int0.map(|c| c * k), b.int0, "int0");
    }
    let (f, g) = (
        coupled_oscillator(&d, &grid(), Pairing::Rties),
        coupled_oscillator(&big, &grid(), Pairing::Rties),
    );
    assert_eq!(g.dyads.len(), 80);
    for (a, b) in f.dyads.iter().zip(&g.dyads) {
        close(a.fit.adj_r2, b.fit.adj_r2, "clo adj_r2");
        close(a.fit.obs_0, b.fit.obs_0, "obs_0");
        close(a.fit.p_d1_1, b.fit.p_d1_1, "p_d1_1");
        assert_eq!((a.fit.tau, a.fit.embed), (b.fit.tau, b.fit.embed));
    }
}

/// The inertia–coordination model is fitted block by block (each partner's rows and columns on
/// their own); the stacked fit R makes is the reference. On every dyad of the example data,
/// with absMaxCC and fixed lags, both pairings (rties' pairing on renumbered ids self-pairs, so
/// aliased columns are covered) and all three variants: the same rank, NA in the same places,
/// every number equal to 1e-9 (relative).
#[test]
fn ic_block_fit_equals_the_stacked_r_fit_on_every_dyad() {
    let d = full_data();
    let close = |a: Option<f64>, b: Option<f64>, what: &str| match (a, b) {
        (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{what}: {a} {b}"),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{what}"),
    };
    let mut checked = 0;
    for lag in [Lag::AbsMaxCC, Lag::Fixed(2), Lag::Fixed(5), Lag::Fixed(400)] {
        for pairing in [Pairing::Rties, Pairing::Partner] {
            for dyad in &d.dyads {
                // Swapping the persons' ids makes rties' rule pair each person with itself.
                let mut swapped = dyad.clone();
                let (a, b) = (swapped.persons[0].id.clone(), swapped.persons[1].id.clone());
                swapped.persons[0].id = b;
                swapped.persons[1].id = a;
                for x in [dyad, &swapped] {
                    let Ok(prep) = prep::prepare(x, Some(lag), pairing) else {
                        continue;
                    };
                    for v in [IcVariant::Full, IcVariant::Inertia, IcVariant::Coordination] {
                        let (s, b) = (ic::fit_stacked(x, &prep, v), ic::fit(x, &prep, v));
                        let (s, b) = match (s, b) {
                            (Some(s), Some(b)) => (s, b),
                            (None, None) => continue,
                            _ => panic!("{} {lag:?} {v:?}: one fit missing", x.id.text),
                        };
                        assert_eq!((s.rank, s.n), (b.rank, b.n), "{} {v:?}", x.id.text);
                        for (p, q, w) in [
                            (s.int0, b.int0, "int0"),
                            (s.int1, b.int1, "int1"),
                            (s.inert0, b.inert0, "inert0"),
                            (s.coord0, b.coord0, "coord0"),
                            (s.inert1, b.inert1, "inert1"),
                            (s.coord1, b.coord1, "coord1"),
                            (Some(s.r2), Some(b.r2), "r2"),
                            (s.adj_r2, b.adj_r2, "adj_r2"),
                        ] {
                            close(p, q, w);
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 1800, "{checked}");
}
