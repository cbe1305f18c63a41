//! The coupled-oscillator model: one row type for its table (CSV and JSON alike), its model
//! comparison, and profiles over its per-dyad parameters.

use super::{
    Args, Compare, emit_csv, emit_rows, finite, note, num, profiles::profiles_out, report_density,
    report_pairing, report_skips,
};
use crate::error::CliResult;
use crate::io;
use closer_analyze::series::{self, CloDyad, Fitted, Grid, Pairing, SeriesData};
use serde::Serialize;

const CLO_COLS: [&str; 8] = [
    "obs_0", "d1_0", "p_obs_0", "p_d1_0", "obs_1", "d1_1", "p_obs_1", "p_d1_1",
];

fn clo_values(d: &CloDyad) -> [Option<f64>; 8] {
    let f = &d.fit;
    [
        f.obs_0, f.d1_0, f.p_obs_0, f.p_d1_0, f.obs_1, f.d1_1, f.p_obs_1, f.p_d1_1,
    ]
}

pub(super) fn run(args: &Args, data: &SeriesData, pairing: Pairing) -> CliResult {
    report_density(data);
    let grid = Grid {
        taus: args.taus.clone(),
        embeds: args.embeds.clone(),
        delta: args.delta,
    };
    let fitted = series::coupled_oscillator(data, &grid, pairing);
    report_skips(&fitted.skipped);
    report_pairing(
        pairing,
        fitted
            .dyads
            .iter()
            .filter(|d| d.self_paired)
            .map(|d| d.dyad.as_str()),
    );
    let eta: Vec<&str> = fitted
        .dyads
        .iter()
        .filter(|d| d.fit.eta_not_negative)
        .map(|d| d.dyad.as_str())
        .collect();
    if !eta.is_empty() {
        note(format!(
            "in {} dyad(s) a frequency coefficient (obs_0 or obs_1) is not negative, so that series does not oscillate in the model; the period is still reported, as rties does: {}.",
            eta.len(),
            eta.join(", ")
        ));
    }
    if let Some(k) = args.profiles {
        let rows = fitted
            .dyads
            .iter()
            .map(|d| (d.dyad.clone(), clo_values(d).to_vec()))
            .collect();
        return profiles_out(
            args,
            "coupled-oscillator",
            &CLO_COLS,
            rows,
            k,
            &fitted.skipped,
        );
    }
    if args.compare {
        clo_compare(args, &fitted)
    } else {
        clo_out(args, &fitted)
    }
}

/// One row of the coupled-oscillator table (JSON and CSV from this one type).
#[derive(serde::Serialize)]
struct CloRow<'a> {
    dyad: &'a str,
    tau: Option<usize>,
    embed: Option<usize>,
    #[serde(serialize_with = "finite")]
    obs_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    d1_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_obs_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_d1_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    obs_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    d1_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_obs_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_d1_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    period_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    period_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    r2: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2: Option<f64>,
    n: Option<usize>,
    rank: Option<usize>,
    skipped: Option<&'a str>,
}
fn clo_out(args: &Args, fitted: &Fitted<CloDyad>) -> CliResult {
    let mut rows: Vec<CloRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let f = &d.fit;
            CloRow {
                dyad: &d.dyad,
                tau: Some(f.tau),
                embed: Some(f.embed),
                obs_0: f.obs_0,
                d1_0: f.d1_0,
                p_obs_0: f.p_obs_0,
                p_d1_0: f.p_d1_0,
                obs_1: f.obs_1,
                d1_1: f.d1_1,
                p_obs_1: f.p_obs_1,
                p_d1_1: f.p_d1_1,
                period_0: f.period_0,
                period_1: f.period_1,
                adj_r2: f.adj_r2,
                r2: Some(f.r2),
                n: Some(f.n),
                rank: Some(f.rank),
                skipped: None,
            }
        })
        .collect();
    rows.extend(fitted.skipped.iter().map(|s| CloRow {
        dyad: &s.dyad,
        tau: None,
        embed: None,
        obs_0: None,
        d1_0: None,
        p_obs_0: None,
        p_d1_0: None,
        obs_1: None,
        d1_1: None,
        p_obs_1: None,
        p_d1_1: None,
        period_0: None,
        period_1: None,
        r2: None,
        adj_r2: None,
        n: None,
        rank: None,
        skipped: Some(&s.reason),
    }));
    emit_rows(args, &rows)
}
/// One dyad of rties' oscillator comparison (`indivCloCompare`): the chosen (tau, embed), the
/// adjusted R² of the uncoupled and the coupled model and their difference, for CSV and JSON
/// alike.
#[derive(Serialize)]
struct CloCompareRow<'a> {
    dyad: &'a str,
    tau: usize,
    embed: usize,
    #[serde(serialize_with = "finite")]
    adj_r2_uncoupled: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_coupled: Option<f64>,
    #[serde(serialize_with = "finite")]
    dif: Option<f64>,
}

/// The comparison's means over the dyads (JSON's `mean`; a note on stderr with CSV).
#[derive(Serialize)]
struct CloCompareMean {
    #[serde(serialize_with = "finite")]
    adj_r2_uncoupled: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_coupled: Option<f64>,
}

fn clo_compare(args: &Args, fitted: &Fitted<CloDyad>) -> CliResult {
    let rows: Vec<CloCompareRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let (uncoupled, coupled) = (d.fit.uncoupled_adj_r2, d.fit.adj_r2);
            CloCompareRow {
                dyad: &d.dyad,
                tau: d.fit.tau,
                embed: d.fit.embed,
                adj_r2_uncoupled: uncoupled,
                adj_r2_coupled: coupled,
                dif: coupled.zip(uncoupled).map(|(a, b)| a - b),
            }
        })
        .collect();
    let mean = CloCompareMean {
        adj_r2_uncoupled: series::mean_present(rows.iter().map(|r| r.adj_r2_uncoupled)),
        adj_r2_coupled: series::mean_present(rows.iter().map(|r| r.adj_r2_coupled)),
    };
    if args.json {
        return io::emit_versioned(
            &Compare {
                model: "coupled-oscillator",
                dyads: &rows,
                mean,
                skipped: &fitted.skipped,
            },
            "comparison",
        );
    }
    emit_csv(&rows)?;
    io::note(&format!(
        "mean adjusted R² over {} dyads: uncoupled {}, coupled {}",
        rows.len(),
        num(mean.adj_r2_uncoupled),
        num(mean.adj_r2_coupled)
    ));
    Ok(())
}
