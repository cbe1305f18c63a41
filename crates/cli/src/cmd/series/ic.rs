//! The inertia–coordination model: one row type for its table (CSV and JSON alike), its model
//! comparison, and profiles over its per-dyad slopes.

use super::{
    Args, Compare, emit_csv, emit_rows, finite, num, profiles::profiles_out, report_density,
    report_pairing, report_skips,
};
use crate::error::CliResult;
use crate::io;
use closer_analyze::series::{self, Fitted, IcDyad, IcFit, Lag, Pairing, SeriesData};
use serde::Serialize;

pub(super) fn run(args: &Args, data: &SeriesData, lag: Lag, pairing: Pairing) -> CliResult {
    report_density(data);
    let fitted = series::inertia_coordination(data, lag, pairing, args.compare);
    report_skips(&fitted.skipped);
    report_pairing(
        pairing,
        fitted
            .dyads
            .iter()
            .filter(|d| d.self_paired)
            .map(|d| d.dyad.as_str()),
    );
    if let Some(k) = args.profiles {
        let rows = fitted
            .dyads
            .iter()
            .map(|d| {
                let f = &d.full;
                (d.dyad.clone(), vec![f.inert0, f.coord0, f.inert1, f.coord1])
            })
            .collect();
        return profiles_out(
            args,
            "inertia-coordination",
            &["inert0", "coord0", "inert1", "coord1"],
            rows,
            k,
            &fitted.skipped,
        );
    }
    if args.compare {
        ic_compare(args, &fitted)
    } else {
        ic_out(args, &fitted)
    }
}

/// One row of the inertia–coordination table: the same type serialises the JSON document and
/// the CSV (through `csv::Writer`), so the two cannot drift.
#[derive(serde::Serialize)]
struct IcRow<'a> {
    dyad: &'a str,
    #[serde(serialize_with = "finite")]
    int0: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0: Option<f64>,
    #[serde(serialize_with = "finite")]
    coord0: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1: Option<f64>,
    #[serde(serialize_with = "finite")]
    coord1: Option<f64>,
    #[serde(serialize_with = "finite")]
    r2: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2: Option<f64>,
    shift: Option<i64>,
    cc_lag: Option<i64>,
    n: Option<usize>,
    rank: Option<usize>,
    skipped: Option<&'a str>,
}
fn ic_out(args: &Args, fitted: &Fitted<IcDyad>) -> CliResult {
    let mut rows: Vec<IcRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let f = &d.full;
            IcRow {
                dyad: &d.dyad,
                int0: f.int0,
                int1: f.int1,
                inert0: f.inert0,
                coord0: f.coord0,
                inert1: f.inert1,
                coord1: f.coord1,
                r2: Some(f.r2),
                adj_r2: f.adj_r2,
                shift: Some(d.slide),
                cc_lag: d.cc_lag,
                n: Some(f.n),
                rank: Some(f.rank),
                skipped: None,
            }
        })
        .collect();
    rows.extend(fitted.skipped.iter().map(|s| IcRow {
        dyad: &s.dyad,
        int0: None,
        int1: None,
        inert0: None,
        coord0: None,
        inert1: None,
        coord1: None,
        r2: None,
        adj_r2: None,
        shift: None,
        cc_lag: None,
        n: None,
        rank: None,
        skipped: Some(&s.reason),
    }));
    emit_rows(args, &rows)
}
/// One dyad of rties' inertia–coordination comparison (`indivInertCoordCompare`): the adjusted
/// R² of each model and the full model's gain over each, for CSV and JSON alike.
#[derive(Serialize)]
struct IcCompareRow<'a> {
    dyad: &'a str,
    #[serde(serialize_with = "finite")]
    adj_r2_inertia: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_coordination: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_inert_coord: Option<f64>,
    #[serde(serialize_with = "finite")]
    dif_ic_inertia: Option<f64>,
    #[serde(serialize_with = "finite")]
    dif_ic_coordination: Option<f64>,
}

/// The comparison's means over the dyads (JSON's `mean`; a note on stderr with CSV).
#[derive(Serialize)]
struct IcCompareMean {
    #[serde(serialize_with = "finite")]
    adj_r2_inertia: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_coordination: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2_inert_coord: Option<f64>,
}

fn ic_compare(args: &Args, fitted: &Fitted<IcDyad>) -> CliResult {
    let adj = |f: &Option<IcFit>| f.as_ref().and_then(|f| f.adj_r2);
    let dif = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
    let rows: Vec<IcCompareRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let (inertia, coordination, full) =
                (adj(&d.inertia), adj(&d.coordination), d.full.adj_r2);
            IcCompareRow {
                dyad: &d.dyad,
                adj_r2_inertia: inertia,
                adj_r2_coordination: coordination,
                adj_r2_inert_coord: full,
                dif_ic_inertia: dif(full, inertia),
                dif_ic_coordination: dif(full, coordination),
            }
        })
        .collect();
    let mean = IcCompareMean {
        adj_r2_inertia: series::mean_present(rows.iter().map(|r| r.adj_r2_inertia)),
        adj_r2_coordination: series::mean_present(rows.iter().map(|r| r.adj_r2_coordination)),
        adj_r2_inert_coord: series::mean_present(rows.iter().map(|r| r.adj_r2_inert_coord)),
    };
    if args.json {
        return io::emit_versioned(
            &Compare {
                model: "inertia-coordination",
                dyads: &rows,
                mean,
                skipped: &fitted.skipped,
            },
            "comparison",
        );
    }
    emit_csv(&rows)?;
    io::note(&format!(
        "mean adjusted R² over {} dyads: inertia {}, coordination {}, inertia-coordination {}",
        rows.len(),
        num(mean.adj_r2_inertia),
        num(mean.adj_r2_coordination),
        num(mean.adj_r2_inert_coord)
    ));
    Ok(())
}
