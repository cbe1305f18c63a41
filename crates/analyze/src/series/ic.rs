//! The inertia–coordination model (rties' `indivInertCoord`, `indivInertCoordCompare`).
//!
//! Per dyad, one least-squares fit on both partners' rows stacked, no global intercept, an
//! intercept and slopes per partner:
//! `x_k(t) = c_k + inert_k · x_k(t − L) + coord_k · x_partner(t − L)`, with R's NA rules
//! (a row is used when every variable of the formula is present) and R's QR (aliased columns
//! come back as `None`).

use super::data::Dyad;
use super::prep::Prepared;
use super::qr::{LmFit, lm_fit};
use serde::Serialize;

/// Which slopes the model has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IcVariant {
    /// Own lagged value only.
    Inertia,
    /// Partner's lagged value only.
    Coordination,
    /// Both (rties' "inertCoord").
    Full,
}

/// One dyad's fit. Coefficients are `None` where they are not in the variant or R would report
/// NA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IcFit {
    pub int0: Option<f64>,
    pub int1: Option<f64>,
    pub inert0: Option<f64>,
    pub coord0: Option<f64>,
    pub inert1: Option<f64>,
    pub coord1: Option<f64>,
    pub r2: f64,
    pub adj_r2: Option<f64>,
    /// Rows used (both partners).
    pub n: usize,
    pub rank: usize,
}

/// Fits one variant to a prepared dyad. `None` when no row is complete.
///
/// The stacked design is block diagonal: a partner's rows are non-zero only in that partner's
/// columns (`distK`, `distK:own`, `distK:partner`). So each partner's block is fitted on its own
/// with the same `dqrdc2` (as the oscillator is, see [`super::qr::lm_fit_blocks`]): the
/// coefficients, residuals, rank and aliasing decisions are those of the stacked fit R makes, with
/// about a quarter of the arithmetic and no stacked copy of the design. The test
/// `ic_block_fit_equals_the_stacked_r_fit_on_every_dyad` checks it against the stacked fit on
/// every dyad of the example data, every variant, lag and pairing.
pub fn fit(dyad: &Dyad, prep: &Prepared, variant: IcVariant) -> Option<IcFit> {
    let n_per = dyad.persons[0].time.len();
    let use_inert = variant != IcVariant::Coordination;
    let use_coord = variant != IcVariant::Inertia;
    // Columns per block: the partner's intercept, then its slopes in formula order.
    let q = 1 + usize::from(use_inert) + usize::from(use_coord);
    let mut fits: [Option<LmFit>; 2] = [None, None];
    let mut rows: Vec<(f64, f64, f64)> = Vec::with_capacity(n_per);
    let mut design: Vec<f64> = Vec::new();
    let mut y: Vec<f64> = Vec::new();
    for own in 0..2 {
        rows.clear();
        for i in 0..n_per {
            let Some(obs) = prep.dt[own][i] else { continue };
            let (pp, pi) = prep.partner[own * n_per + i];
            let own_lag = prep.shifted[own][i];
            let p_lag = prep.shifted[pp][pi];
            if (use_inert && own_lag.is_none()) || (use_coord && p_lag.is_none()) {
                continue;
            }
            rows.push((obs, own_lag.unwrap_or(0.0), p_lag.unwrap_or(0.0)));
        }
        let m = rows.len();
        if m == 0 {
            // No complete row: in the stacked fit these columns are all zero, hence aliased.
            continue;
        }
        design.clear();
        design.resize(m * q, 1.0);
        y.clear();
        y.extend(rows.iter().map(|r| r.0));
        let mut c = 1;
        if use_inert {
            for (d, r) in design[c * m..(c + 1) * m].iter_mut().zip(&rows) {
                *d = r.1;
            }
            c += 1;
        }
        if use_coord {
            for (d, r) in design[c * m..(c + 1) * m].iter_mut().zip(&rows) {
                *d = r.2;
            }
        }
        // A block that cannot be solved makes the stacked fit unsolvable too.
        fits[usize::from(dyad.persons[own].dist)] = Some(lm_fit(&design, m, q, &y)?);
    }
    if fits.iter().all(Option::is_none) {
        return None;
    }
    // Each block's coefficients (intercept, slopes), missing for a block without rows.
    let block = |f: &Option<LmFit>| -> (Option<f64>, Option<f64>, Option<f64>) {
        let c = |k: usize| f.as_ref().and_then(|f| f.coef[k]);
        (
            c(0),
            if use_inert { c(1) } else { None },
            if use_coord { c(q - 1) } else { None },
        )
    };
    let (int0, inert0, coord0) = block(&fits[0]);
    let (int1, inert1, coord1) = block(&fits[1]);
    let (mut rank, mut n, mut rss, mut mss) = (0, 0, 0.0, 0.0);
    for f in fits.iter().flatten() {
        rank += f.rank;
        n += f.n;
        rss += f.rss;
        mss += f.mss;
    }
    let f = LmFit {
        coef: Vec::new(),
        rank,
        n,
        rss,
        mss,
    };
    Some(IcFit {
        int0,
        int1,
        inert0,
        coord0,
        inert1,
        coord1,
        r2: f.r2(),
        adj_r2: f.adj_r2(),
        n,
        rank,
    })
}

/// The stacked fit exactly as R's `lm` makes it (one design, all six columns): the reference
/// the block fit is tested against.
#[cfg(test)]
pub(crate) fn fit_stacked(dyad: &Dyad, prep: &Prepared, variant: IcVariant) -> Option<IcFit> {
    let n_per = dyad.persons[0].time.len();
    let use_inert = variant != IcVariant::Coordination;
    let use_coord = variant != IcVariant::Inertia;
    // Column layout in R's model-matrix order: dist0, dist1, then the interactions in formula
    // order (dist0:own, dist0:partner, dist1:own, dist1:partner) for the slopes present.
    let mut cols: Vec<Vec<f64>> = Vec::new();
    let p = 2 + if use_inert { 2 } else { 0 } + if use_coord { 2 } else { 0 };
    cols.resize(p, Vec::with_capacity(2 * n_per));
    let mut y = Vec::with_capacity(2 * n_per);
    for (r, &(pp, pi)) in prep.partner.iter().enumerate() {
        let (own, i) = (r / n_per.max(1), r % n_per.max(1));
        let Some(obs) = prep.dt[own][i] else { continue };
        let own_lag = prep.shifted[own][i];
        let p_lag = prep.shifted[pp][pi];
        if (use_inert && own_lag.is_none()) || (use_coord && p_lag.is_none()) {
            continue;
        }
        let d1 = f64::from(dyad.persons[own].dist);
        let d0 = 1.0 - d1;
        let (ol, pl) = (own_lag.unwrap_or(0.0), p_lag.unwrap_or(0.0));
        let mut row = vec![d0, d1];
        for d in [d0, d1] {
            if use_inert {
                row.push(d * ol);
            }
            if use_coord {
                row.push(d * pl);
            }
        }
        // Reorder to R's order: dist0, dist1, dist0:own, dist0:partner, dist1:own, dist1:partner.
        for (c, v) in cols.iter_mut().zip(row) {
            c.push(v);
        }
        y.push(obs);
    }
    let n = y.len();
    let design: Vec<f64> = cols.concat();
    let f: LmFit = lm_fit(&design, n, p, &y)?;
    let c = &f.coef;
    let (inert0, coord0, inert1, coord1) = match variant {
        IcVariant::Full => (c[2], c[3], c[4], c[5]),
        IcVariant::Inertia => (c[2], None, c[3], None),
        IcVariant::Coordination => (None, c[2], None, c[3]),
    };
    Some(IcFit {
        int0: c[0],
        int1: c[1],
        inert0,
        coord0,
        inert1,
        coord1,
        r2: f.r2(),
        adj_r2: f.adj_r2(),
        n,
        rank: f.rank,
    })
}
