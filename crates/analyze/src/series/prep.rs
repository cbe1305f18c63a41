//! rties' `dataPrep`: detrending, the (signed) lag, and the actor–partner pairing.
//!
//! The pairing has a quirk in rties 5.0.0 (see `docs/research.md`, "Series models"): within a
//! dyad, rows are sorted by person id and the partner columns are the rows of the person(s)
//! whose id differs from the dyad id followed by the rows of the person whose id equals it,
//! matched by position. That is right only when the person whose id equals the dyad id sorts
//! first; otherwise a person is paired with themselves. [`Pairing::Rties`] reproduces it (for
//! golden comparisons with rties); [`Pairing::Partner`] pairs by the partner column, which is
//! correct on any input.

use super::data::{Dyad, detrend};

/// How partner columns are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// rties 5.0.0's rule, quirk included.
    Rties,
    /// Each row's partner is the other person's row at the same position.
    Partner,
}

/// How the lagged regressor of the inertia–coordination model is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lag {
    /// `x_lag[t] = x[t − N]` within a person.
    Fixed(usize),
    /// rties' `absMaxCC`: the signed lag of the largest absolute cross-correlation per dyad;
    /// positive means a lead, 0 is replaced by a lead of 1.
    AbsMaxCC,
}

impl Lag {
    /// The largest fixed lag accepted: a million rows, far beyond any series a dyad has (a lag
    /// longer than the series leaves no complete row and the dyad is reported as not fitted).
    pub const MAX_FIXED: usize = 1_000_000;
}

impl std::str::FromStr for Lag {
    type Err = String;

    /// `absMaxCC` (any case) or a whole number of rows from 1 to [`Lag::MAX_FIXED`].
    fn from_str(s: &str) -> Result<Lag, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("absmaxcc") {
            return Ok(Lag::AbsMaxCC);
        }
        let expected = format!(
            "expected a whole number of rows from 1 to {} or absMaxCC, found {s:?}",
            Lag::MAX_FIXED
        );
        match s.parse::<u64>() {
            Ok(n) if n >= 1 => usize::try_from(n)
                .ok()
                .filter(|&n| n <= Lag::MAX_FIXED)
                .map(Lag::Fixed)
                .ok_or(expected),
            _ => Err(expected),
        }
    }
}

/// R's `ccf(a, b)` with `na.action = na.exclude` and the default maximum lag: rows where either
/// series is missing are removed (the rest treated as contiguous), each series is demeaned, the
/// biased estimator (divide by N) is used. Returns `(lags, correlations)` from `-lag.max` to
/// `+lag.max`; lag k estimates cor(a[t+k], b[t]). `None` when fewer than two complete rows or a
/// series has no variance.
pub fn ccf(a: &[Option<f64>], b: &[Option<f64>]) -> Option<(Vec<i64>, Vec<f64>)> {
    let (mut x, mut y): (Vec<f64>, Vec<f64>) = a
        .iter()
        .zip(b)
        .filter_map(|(p, q)| Some(((*p)?, (*q)?)))
        .unzip();
    let n = x.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let lag_max = (10.0 * (nf.log10() - 2f64.log10())).floor();
    let lag_max = crate::cast::whole(lag_max).min(n - 1);
    let mx = x.iter().sum::<f64>() / nf;
    let my = y.iter().sum::<f64>() / nf;
    x.iter_mut().for_each(|v| *v -= mx);
    y.iter_mut().for_each(|v| *v -= my);
    // sum over i of u[i + lag] * v[i], divided by n (R's acf0 with no missing values).
    let cov = |u: &[f64], v: &[f64], lag: usize| -> f64 {
        let mut s = 0.0;
        for i in 0..n - lag {
            s += u[i + lag] * v[i];
        }
        s / nf
    };
    let sx = cov(&x, &x, 0).sqrt();
    let sy = cov(&y, &y, 0).sqrt();
    if sx == 0.0 || sy == 0.0 || !sx.is_finite() || !sy.is_finite() {
        return None;
    }
    let clamp = |r: f64| r.clamp(-1.0, 1.0);
    let mut lags = Vec::with_capacity(2 * lag_max + 1);
    let mut cors = Vec::with_capacity(2 * lag_max + 1);
    for k in (1..=lag_max).rev() {
        lags.push(-crate::cast::len_i64(k));
        cors.push(clamp(cov(&y, &x, k) / (sy * sx)));
    }
    for k in 0..=lag_max {
        lags.push(crate::cast::len_i64(k));
        cors.push(clamp(cov(&x, &y, k) / (sx * sy)));
    }
    Some((lags, cors))
}

/// rties' choice of lag from a cross-correlation: the first largest positive and the first most
/// negative correlation (scanning from the most negative lag); the larger in absolute value wins,
/// the positive one on a tie. Returns the signed lag and its correlation.
pub fn abs_max_cc(lags: &[i64], cors: &[f64]) -> Option<(i64, f64)> {
    let mut imax = 0usize;
    let mut imin = 0usize;
    for (i, &c) in cors.iter().enumerate() {
        if c > cors[imax] {
            imax = i;
        }
        if c < cors[imin] {
            imin = i;
        }
    }
    let (cmax, cmin) = (*cors.get(imax)?, *cors.get(imin)?);
    if cmax >= cmin.abs() {
        Some((*lags.get(imax)?, cmax))
    } else {
        Some((*lags.get(imin)?, cmin))
    }
}

/// `DataCombine::slide(slideBy = k)` within one person: k > 0 is a lead (`x[t + k]`), k < 0 a lag
/// (`x[t − |k|]`); rows shifted in from outside the series are missing.
pub fn slide(x: &[Option<f64>], k: i64) -> Vec<Option<f64>> {
    (0..x.len())
        .map(|t| {
            // Checked: a shift past either end (however large) reads a missing row.
            i64::try_from(t)
                .ok()
                .and_then(|t| t.checked_add(k))
                .and_then(|s| usize::try_from(s).ok())
                .and_then(|s| x.get(s).copied().flatten())
        })
        .collect()
}

/// A dyad after `dataPrep`: per person (in `Dyad::persons` order) the detrended series and its
/// shifted copy, plus for each stacked row (person 0's rows, then person 1's) the
/// (person, row) that serves as its partner.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub dt: [Vec<Option<f64>>; 2],
    pub shifted: [Vec<Option<f64>>; 2],
    /// Partner reference of each stacked row.
    pub partner: Vec<(usize, usize)>,
    /// The signed slide used (`None` when no lag was asked for).
    pub slide: Option<i64>,
    /// With `absMaxCC`: the lag of the largest absolute cross-correlation before rties replaces
    /// 0 by 1.
    pub cc_lag: Option<i64>,
    /// True when at least one row is paired with its own person (rties' quirk).
    pub self_paired: bool,
}

/// Why a dyad cannot be prepared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepSkip {
    /// The cross-correlation is undefined (a constant series, or fewer than two complete rows).
    NoCrossCorrelation,
}

/// Partner references for the stacked rows of a dyad.
pub fn pair(dyad: &Dyad, pairing: Pairing) -> Vec<(usize, usize)> {
    let n = dyad.persons[0].time.len();
    match pairing {
        Pairing::Partner => (0..2)
            .flat_map(|p| (0..n).map(move |i| (1 - p, i)))
            .collect(),
        Pairing::Rties => {
            let is_first = |p: usize| dyad.persons[p].id.same_as(&dyad.id);
            let others = (0..2).filter(|&p| !is_first(p));
            let firsts = (0..2).filter(|&p| is_first(p));
            others
                .chain(firsts)
                .flat_map(|p| (0..n).map(move |i| (p, i)))
                .collect()
        }
    }
}

/// Runs `dataPrep` on one dyad.
pub fn prepare(dyad: &Dyad, lag: Option<Lag>, pairing: Pairing) -> Result<Prepared, PrepSkip> {
    let dt = [
        detrend(&dyad.persons[0].time, &dyad.persons[0].value),
        detrend(&dyad.persons[1].time, &dyad.persons[1].value),
    ];
    let mut cc_lag = None;
    let k = match lag {
        None => None,
        // Checked: a lag too large for i64 shifts past any series, exactly as i64::MAX does.
        Some(Lag::Fixed(n)) => Some(-i64::try_from(n).unwrap_or(i64::MAX)),
        Some(Lag::AbsMaxCC) => {
            let (i0, i1) = (dyad.by_dist(0), dyad.by_dist(1));
            let (lags, cors) = ccf(&dt[i0], &dt[i1]).ok_or(PrepSkip::NoCrossCorrelation)?;
            let (k, _) = abs_max_cc(&lags, &cors).ok_or(PrepSkip::NoCrossCorrelation)?;
            cc_lag = Some(k);
            Some(if k == 0 { 1 } else { k })
        }
    };
    let shifted = match k {
        Some(k) => [slide(&dt[0], k), slide(&dt[1], k)],
        None => [dt[0].clone(), dt[1].clone()],
    };
    let partner = pair(dyad, pairing);
    let n = dyad.persons[0].time.len();
    let self_paired = partner
        .iter()
        .enumerate()
        .any(|(r, &(p, _))| p == r / n.max(1));
    Ok(Prepared {
        dt,
        shifted,
        partner,
        slide: k,
        cc_lag,
        self_paired,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::data::{Id, PersonSeries};

    #[test]
    fn ccf_matches_a_hand_computed_case() {
        // a = (1, 2, 3, 4), b = (2, 1, 4, 3); means 2.5, 2.5.
        // demeaned a = (-1.5, -0.5, 0.5, 1.5), b = (-0.5, -1.5, 1.5, 0.5); c0 = 5/4 each.
        // lag 0: (0.75 + 0.75 + 0.75 + 0.75)/4 = 0.75 → r = 0.6.
        // lag +1 (a[t+1] b[t]): (-0.5·-0.5 + 0.5·-1.5 + 1.5·1.5)/4 = 1.75/4 → r = 0.35.
        // lag -1 (a[t] b[t+1]): (-1.5·-1.5 + -0.5·1.5 + 0.5·0.5)/4 = 1.75/4 → r = 0.35.
        // n = 4: lag.max = floor(10·log10(2)) = 3.
        let a: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0].map(Some).to_vec();
        let b: Vec<Option<f64>> = [2.0, 1.0, 4.0, 3.0].map(Some).to_vec();
        let (lags, cors) = ccf(&a, &b).unwrap();
        assert_eq!(lags, vec![-3, -2, -1, 0, 1, 2, 3]);
        assert!((cors[3] - 0.6).abs() < 1e-15);
        assert!((cors[4] - 0.35).abs() < 1e-15);
        assert!((cors[2] - 0.35).abs() < 1e-15);
        // lag +3: a[3]·b[0] = 1.5·-0.5 = -0.75 → -0.15; lag -3: a[0]·b[3] = -1.5·0.5 → -0.15.
        assert!((cors[6] + 0.15).abs() < 1e-15);
        assert!((cors[0] + 0.15).abs() < 1e-15);
        // lag +2: (0.5·-0.5 + 1.5·-1.5)/4 = -2.5/4 → -0.5; lag -2: (-1.5·1.5 + -0.5·0.5) → -0.5.
        assert!((cors[5] + 0.5).abs() < 1e-15);
        assert!((cors[1] + 0.5).abs() < 1e-15);
        // |min| 0.5 < max 0.6 → lag 0.
        assert_eq!(abs_max_cc(&lags, &cors), Some((0, cors[3])));
    }

    #[test]
    fn abs_max_prefers_first_and_positive_on_tie() {
        assert_eq!(abs_max_cc(&[-1, 0, 1], &[0.5, -0.5, 0.5]), Some((-1, 0.5)));
        assert_eq!(abs_max_cc(&[-1, 0, 1], &[0.2, -0.7, 0.5]), Some((0, -0.7)));
    }

    #[test]
    fn slide_leads_and_lags() {
        let x = vec![Some(1.0), Some(2.0), Some(3.0)];
        assert_eq!(slide(&x, 1), vec![Some(2.0), Some(3.0), None]);
        assert_eq!(slide(&x, -2), vec![None, None, Some(1.0)]);
    }

    fn person(id: f64, dist: u8) -> PersonSeries {
        PersonSeries {
            id: Id {
                text: id.to_string(),
                num: Some(id),
            },
            dist,
            time: vec![1.0, 2.0],
            value: vec![Some(1.0), Some(2.0)],
            line: vec![2, 3],
        }
    }

    #[test]
    fn rties_pairing_self_pairs_when_the_dyad_id_person_sorts_second() {
        let id = |x: f64| Id {
            text: x.to_string(),
            num: Some(x),
        };
        // Dyad 9, persons 3 and 9 (sorted): 9 is "first" but sorts second → self pairing.
        let d = Dyad {
            id: id(9.0),
            persons: [person(3.0, 0), person(9.0, 1)],
        };
        let p = prepare(&d, None, Pairing::Rties).unwrap();
        assert!(p.self_paired);
        assert_eq!(p.partner, vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
        let q = prepare(&d, None, Pairing::Partner).unwrap();
        assert!(!q.self_paired);
        // Dyad 3 with persons 3 and 9: correct either way.
        let d = Dyad {
            id: id(3.0),
            persons: [person(3.0, 1), person(9.0, 0)],
        };
        let p = prepare(&d, None, Pairing::Rties).unwrap();
        assert!(!p.self_paired);
        assert_eq!(p.partner, vec![(1, 0), (1, 1), (0, 0), (0, 1)]);
    }

    /// `--lag 18446744073709551615` used to become a lead of 1 (`-(n as i64)` wraps to +1) and
    /// 2⁶³ wrapped to i64::MIN; a lag is a shift into the past however large it is.
    #[test]
    fn huge_fixed_lags_shift_into_the_past_never_wrap() {
        let d = Dyad {
            id: Id {
                text: "1".into(),
                num: Some(1.0),
            },
            persons: [person(1.0, 0), person(2.0, 1)],
        };
        for n in [usize::MAX, 1usize << 63, 3] {
            let p = prepare(&d, Some(Lag::Fixed(n)), Pairing::Partner).unwrap();
            assert!(p.slide.unwrap() < 0, "{n}: {:?}", p.slide);
            assert!(p.shifted.iter().flatten().all(Option::is_none), "{n}");
        }
        let x = [Some(1.0), Some(2.0), Some(3.0)];
        assert_eq!(slide(&x, i64::MAX), vec![None, None, None]);
        assert_eq!(slide(&x, i64::MIN), vec![None, None, None]);
        assert_eq!(slide(&x, -1), vec![None, Some(1.0), Some(2.0)]);
        assert_eq!(slide(&x, 1), vec![Some(2.0), Some(3.0), None]);
    }

    #[test]
    fn lag_parses_with_checked_bounds() {
        assert_eq!("absmaxcc".parse::<Lag>(), Ok(Lag::AbsMaxCC));
        assert_eq!("AbsMaxCC".parse::<Lag>(), Ok(Lag::AbsMaxCC));
        assert_eq!("7".parse::<Lag>(), Ok(Lag::Fixed(7)));
        assert_eq!("1000000".parse::<Lag>(), Ok(Lag::Fixed(Lag::MAX_FIXED)));
        for bad in [
            "0",
            "-1",
            "1000001",
            "18446744073709551615",
            "9223372036854775808",
            "1.5",
            "",
        ] {
            let e = bad.parse::<Lag>().unwrap_err();
            assert!(e.contains("from 1 to 1000000"), "{bad}: {e}");
        }
    }
}
