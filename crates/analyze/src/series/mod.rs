//! rties-compatible dyadic time-series models (DESIGN.md §8), profiles across dyads, and a
//! dyadic VAR(1) for daily diaries.
//!
//! - [`data`]: reading a long-format series file, checked (file, line, field on every error).
//! - [`prep`]: rties' `dataPrep` — detrending, the signed `absMaxCC` lag, the pairing (quirk
//!   included, or by the partner column).
//! - [`qr`]: least squares exactly as R's `lm` (LINPACK `dqrdc2` pivoting, NA for aliased
//!   columns, rank in the adjusted R²).
//! - [`ic`]: the inertia–coordination model; [`glla`] and [`clo`]: derivatives and the
//!   coupled oscillator with rties' (τ, E) selection.
//! - [`profiles`]: Gaussian mixtures over per-dyad parameters, covariance model by BIC,
//!   stability across restarts and bootstrap resamples.
//! - [`var1`]: a dyadic VAR(1) with t intervals, for daily diaries, with a declared minimum.
//!
//! These are research fits for dense series from many dyads (a value every few seconds). They
//! describe data; they are never a reading of anyone's relationship.
//!
//! Pure: text in, values out.

// `!(x > t)` is used on purpose: it is true for NaN, which is exactly when a fit must stop.
// Index loops mirror the published formulas (and LINPACK's loops) one to one.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

pub mod clo;
pub mod data;
pub mod glla;
pub mod ic;
pub mod prep;
pub mod profiles;
pub mod qr;
pub mod stats;
pub mod var1;

#[cfg(test)]
mod golden_tests;

use rayon::prelude::*;
use serde::Serialize;

pub use clo::{CloFit, Grid};
pub use data::{Columns, SeriesData};
pub use ic::{IcFit, IcVariant};
pub use prep::{Lag, Pairing};

/// Why a whole dyad was left out of a fit (reported in the output, never silent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    pub dyad: String,
    pub reason: String,
}

/// One dyad's inertia–coordination results: the full model and, for `--compare`, the two
/// one-slope models fitted to the same prepared data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IcDyad {
    pub dyad: String,
    /// The signed slide used: negative = lag, positive = lead (rties' absMaxCC; 0 → 1).
    pub slide: i64,
    /// With `absMaxCC`: the cross-correlation's lag before 0 is replaced by 1.
    pub cc_lag: Option<i64>,
    pub full: IcFit,
    pub inertia: Option<IcFit>,
    pub coordination: Option<IcFit>,
    /// rties' pairing paired at least one row of this dyad with its own person.
    pub self_paired: bool,
}

/// One dyad's oscillator results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloDyad {
    pub dyad: String,
    pub fit: CloFit,
    pub self_paired: bool,
}

/// All dyads of a file through one model: fitted dyads in rties' order, and the skipped ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fitted<T> {
    pub dyads: Vec<T>,
    pub skipped: Vec<Skip>,
}

/// Splits per-dyad outcomes (in rties' dyad order) into fitted dyads and reported skips.
fn gather<T>(outcomes: Vec<Result<T, Skip>>) -> Fitted<T> {
    let mut out = Fitted {
        dyads: Vec::with_capacity(outcomes.len()),
        skipped: Vec::new(),
    };
    for o in outcomes {
        match o {
            Ok(d) => out.dyads.push(d),
            Err(s) => out.skipped.push(s),
        }
    }
    out
}

/// The inertia–coordination model on one dyad.
fn ic_dyad(d: &data::Dyad, lag: Lag, pairing: Pairing, compare: bool) -> Result<IcDyad, Skip> {
    let name = d.id.text.clone();
    let prep = prep::prepare(d, Some(lag), pairing).map_err(|e| match e {
        prep::PrepSkip::NoCrossCorrelation => Skip {
            dyad: name.clone(),
            reason: "the cross-correlation is undefined (a partner's series is constant or has fewer than two complete rows)".into(),
        },
    })?;
    let full = ic::fit(d, &prep, IcVariant::Full).ok_or_else(|| Skip {
        dyad: name.clone(),
        reason: "no row has every value the model needs".into(),
    })?;
    let (inertia, coordination) = if compare {
        (
            ic::fit(d, &prep, IcVariant::Inertia),
            ic::fit(d, &prep, IcVariant::Coordination),
        )
    } else {
        (None, None)
    };
    Ok(IcDyad {
        dyad: name,
        slide: prep.slide.unwrap_or(0),
        cc_lag: prep.cc_lag,
        full,
        inertia,
        coordination,
        self_paired: prep.self_paired,
    })
}

/// The inertia–coordination model on every dyad (dyads are independent: fitted in parallel,
/// reported in rties' order). `compare` also fits the inertia-only and coordination-only
/// variants.
pub fn inertia_coordination(
    data: &SeriesData,
    lag: Lag,
    pairing: Pairing,
    compare: bool,
) -> Fitted<IcDyad> {
    gather(
        data.dyads
            .par_iter()
            .map(|d| ic_dyad(d, lag, pairing, compare))
            .collect(),
    )
}

/// The coupled oscillator on one dyad.
fn clo_dyad(d: &data::Dyad, grid: &Grid, pairing: Pairing) -> Result<CloDyad, Skip> {
    let name = d.id.text.clone();
    // Without a lag, preparing cannot fail.
    let prep = prep::prepare(d, None, pairing).map_err(|_| Skip {
        dyad: name.clone(),
        reason: "the data could not be prepared".into(),
    })?;
    let (x0, x1) = clo::clo_series(d, &prep);
    match clo::fit(&x0, &x1, grid) {
        Ok(fit) => Ok(CloDyad {
            dyad: name,
            fit,
            self_paired: prep.self_paired,
        }),
        Err(clo::CloSkip::TooShort { rows }) => Err(Skip {
            dyad: name,
            reason: format!(
                "{rows} complete rows: too few for every (tau, embed) of the grid (or no residual degrees of freedom)"
            ),
        }),
    }
}

/// The coupled oscillator on every dyad, with rties' (τ, E) selection (in parallel, reported
/// in rties' order).
pub fn coupled_oscillator(data: &SeriesData, grid: &Grid, pairing: Pairing) -> Fitted<CloDyad> {
    gather(
        data.dyads
            .par_iter()
            .map(|d| clo_dyad(d, grid, pairing))
            .collect(),
    )
}

/// Mean of the values that are present (R's `mean(x, na.rm = TRUE)`); `None` if none are.
pub fn mean_present(xs: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (s, n) = xs
        .into_iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}
