//! The coupled-oscillator model (rties' `estDerivs`, `indivClo`, `indivCloCompare`).
//!
//! Per dyad: take partner 0's rows (and, through the pairing, partner 1's value on each), drop
//! every row with a missing value and treat the rest as contiguous; estimate GLLA derivatives
//! for each (τ, E) of the grid in R's `expand.grid` order (τ varies fastest); fit
//! `d2_k = η_k·level_k + ζ_k·d1_k + η'_k·level_partner + ζ'_k·d1_partner` (no intercept, both
//! partners stacked) and keep the first combination with the largest adjusted R².
//! The "value" regressor is the GLLA level, not the raw value — as in rties.

use super::data::Dyad;
use super::glla::derivatives;
use super::prep::Prepared;
use super::qr::{Block, LmFit, lm_fit_blocks};
use serde::Serialize;

/// The (τ, E, Δ) grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub taus: Vec<usize>,
    pub embeds: Vec<usize>,
    pub delta: f64,
}

impl Grid {
    /// `expand.grid(taus, embeds)`: τ varies fastest.
    pub fn combos(&self) -> Vec<(usize, usize)> {
        self.embeds
            .iter()
            .flat_map(|&e| self.taus.iter().map(move |&t| (t, e)))
            .collect()
    }
}

/// One dyad's oscillator fit at its chosen (τ, E).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloFit {
    pub tau: usize,
    pub embed: usize,
    pub obs_0: Option<f64>,
    pub d1_0: Option<f64>,
    pub p_obs_0: Option<f64>,
    pub p_d1_0: Option<f64>,
    pub obs_1: Option<f64>,
    pub d1_1: Option<f64>,
    pub p_obs_1: Option<f64>,
    pub p_d1_1: Option<f64>,
    /// 2π / √|η_k|: the period of each partner's oscillation, in the time unit of Δ.
    pub period_0: Option<f64>,
    pub period_1: Option<f64>,
    /// Coupled model, uncentred R² and adjusted R² (p = rank).
    pub r2: f64,
    pub adj_r2: Option<f64>,
    /// Uncoupled model at the same (τ, E).
    pub uncoupled_r2: f64,
    pub uncoupled_adj_r2: Option<f64>,
    /// Rows used (both partners).
    pub n: usize,
    pub rank: usize,
    /// True when η ≥ 0 for a partner (rties warns; the period is still reported).
    pub eta_not_negative: bool,
}

/// Why a dyad has no oscillator fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloSkip {
    /// The series (complete rows) is too short for every (τ, E) of the grid.
    TooShort { rows: usize },
}

/// The two partners' complete series for the oscillator: partner 0's own detrended values and
/// the paired partner values, rows with a missing value dropped.
pub fn clo_series(dyad: &Dyad, prep: &Prepared) -> (Vec<f64>, Vec<f64>) {
    let n = dyad.persons[0].time.len();
    let p0 = dyad.by_dist(0);
    let mut x0 = Vec::with_capacity(n);
    let mut x1 = Vec::with_capacity(n);
    for i in 0..n {
        let (pp, pi) = prep.partner[p0 * n + i];
        if let (Some(a), Some(b)) = (prep.dt[p0][i], prep.dt[pp][pi]) {
            x0.push(a);
            x1.push(b);
        }
    }
    (x0, x1)
}

fn period(eta: Option<f64>) -> Option<f64> {
    eta.map(|e| 2.0 * std::f64::consts::PI / e.abs().sqrt())
}

/// The coupled (8 columns) or uncoupled (4) model. The stacked design is block diagonal (each
/// partner's rows only touch that partner's columns), so it is fitted block by block; see
/// [`super::qr::lm_fit_blocks`]. Columns in rties' order: partner 0's (obs, d1, p_obs, p_d1),
/// then partner 1's.
fn fit_one(d0: &[Vec<f64>; 3], d1: &[Vec<f64>; 3], coupled: bool) -> Option<LmFit> {
    let m = d0[0].len();
    let design = |own: &[Vec<f64>; 3], other: &[Vec<f64>; 3]| -> Vec<f64> {
        if coupled {
            [&own[0][..], &own[1][..], &other[0][..], &other[1][..]].concat()
        } else {
            [&own[0][..], &own[1][..]].concat()
        }
    };
    let p = if coupled { 4 } else { 2 };
    let (x0, x1) = (design(d0, d1), design(d1, d0));
    lm_fit_blocks(&[
        Block {
            design: &x0,
            n: m,
            p,
            y: &d0[2],
        },
        Block {
            design: &x1,
            n: m,
            p,
            y: &d1[2],
        },
    ])
}

/// The block fit of the coupled model, for tests.
#[cfg(test)]
pub(crate) fn fit_one_pub(d0: &[Vec<f64>; 3], d1: &[Vec<f64>; 3]) -> Option<LmFit> {
    fit_one(d0, d1, true)
}

/// The stacked fit exactly as R's `lm` sees it (partner 1's rows first, eight columns), kept
/// to check that the block fit agrees with it on real data.
#[cfg(test)]
pub(crate) fn fit_one_stacked(d0: &[Vec<f64>; 3], d1: &[Vec<f64>; 3]) -> Option<LmFit> {
    let m = d0[0].len();
    let n = 2 * m;
    let mut x = vec![0.0; n * 8];
    let mut y = Vec::with_capacity(n);
    for (block, (own, other)) in [(d1, d0), (d0, d1)].into_iter().enumerate() {
        let base = if block == 1 { 0 } else { 4 };
        for i in 0..m {
            let r = block * m + i;
            y.push(own[2][i]);
            for (c, v) in [own[0][i], own[1][i], other[0][i], other[1][i]]
                .iter()
                .enumerate()
            {
                x[(base + c) * n + r] = *v;
            }
        }
    }
    super::qr::lm_fit(&x, n, 8, &y)
}

/// The best grid point so far: adjusted R², τ, E, the fit and both partners' derivatives.
type Candidate = (f64, usize, usize, LmFit, [Vec<f64>; 3], [Vec<f64>; 3]);

/// Fits the grid and the chosen models for one dyad.
pub fn fit(x0: &[f64], x1: &[f64], grid: &Grid) -> Result<CloFit, CloSkip> {
    let mut best: Option<Candidate> = None;
    for (tau, embed) in grid.combos() {
        let (Some(d0), Some(d1)) = (
            derivatives(x0, embed, tau, grid.delta),
            derivatives(x1, embed, tau, grid.delta),
        ) else {
            continue;
        };
        let Some(f) = fit_one(&d0, &d1, true) else {
            continue;
        };
        let Some(a) = f.adj_r2() else { continue };
        if !a.is_finite() {
            continue;
        }
        if best.as_ref().is_none_or(|b| a > b.0) {
            best = Some((a, tau, embed, f, d0, d1));
        }
    }
    let Some((_, tau, embed, f, d0, d1)) = best else {
        return Err(CloSkip::TooShort { rows: x0.len() });
    };
    let u = fit_one(&d0, &d1, false).ok_or(CloSkip::TooShort { rows: x0.len() })?;
    let c = &f.coef;
    let eta_not_negative = [c[0], c[4]].iter().any(|e| e.is_some_and(|e| e >= 0.0));
    Ok(CloFit {
        tau,
        embed,
        obs_0: c[0],
        d1_0: c[1],
        p_obs_0: c[2],
        p_d1_0: c[3],
        obs_1: c[4],
        d1_1: c[5],
        p_obs_1: c[6],
        p_d1_1: c[7],
        period_0: period(c[0]),
        period_1: period(c[4]),
        r2: f.r2(),
        adj_r2: f.adj_r2(),
        uncoupled_r2: u.r2(),
        uncoupled_adj_r2: u.adj_r2(),
        n: f.n,
        rank: f.rank,
        eta_not_negative,
    })
}
