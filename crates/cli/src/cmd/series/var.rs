//! The dyadic VAR(1) for daily diaries: estimates with t intervals, refused below the documented
//! minimum of usable days per dyad.

use super::{Args, emit_rows, finite, note, report_skips};
use crate::error::{CliError, CliResult};
use crate::io;
use closer_analyze::series::{self, Skip, var1};
use serde::Serialize;

/// One row of the VAR(1) table, for CSV and JSON alike: each coefficient flattened into its
/// estimate, standard error and interval (`int0`, `int0_se`, `int0_lower`, `int0_upper`, …), as
/// a CSV row must be flat. A skipped dyad has only its `dyad` and its `skipped` reason.
#[derive(Serialize, Default)]
struct VarRow<'a> {
    dyad: &'a str,
    n: Option<usize>,
    #[serde(serialize_with = "finite")]
    level: Option<f64>,
    undercoverage_risk: Option<bool>,
    #[serde(serialize_with = "finite")]
    int0: Option<f64>,
    #[serde(serialize_with = "finite")]
    int0_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    int0_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    int0_upper: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0_upper: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross0: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross0_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross0_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross0_upper: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1_upper: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1_upper: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross1: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross1_se: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross1_lower: Option<f64>,
    #[serde(serialize_with = "finite")]
    cross1_upper: Option<f64>,
    skipped: Option<&'a str>,
}

impl<'a> VarRow<'a> {
    fn fitted(dyad: &'a str, f: &var1::Var1Fit) -> VarRow<'a> {
        let c = |c: &var1::Coef| [Some(c.estimate), Some(c.se), Some(c.lower), Some(c.upper)];
        let [int0, int0_se, int0_lower, int0_upper] = c(&f.int0);
        let [inert0, inert0_se, inert0_lower, inert0_upper] = c(&f.inert0);
        let [cross0, cross0_se, cross0_lower, cross0_upper] = c(&f.cross0);
        let [int1, int1_se, int1_lower, int1_upper] = c(&f.int1);
        let [inert1, inert1_se, inert1_lower, inert1_upper] = c(&f.inert1);
        let [cross1, cross1_se, cross1_lower, cross1_upper] = c(&f.cross1);
        VarRow {
            dyad,
            n: Some(f.n),
            level: Some(f.level),
            undercoverage_risk: Some(f.undercoverage_risk),
            int0,
            int0_se,
            int0_lower,
            int0_upper,
            inert0,
            inert0_se,
            inert0_lower,
            inert0_upper,
            cross0,
            cross0_se,
            cross0_lower,
            cross0_upper,
            int1,
            int1_se,
            int1_lower,
            int1_upper,
            inert1,
            inert1_se,
            inert1_lower,
            inert1_upper,
            cross1,
            cross1_se,
            cross1_lower,
            cross1_upper,
            skipped: None,
        }
    }

    fn skipped(s: &'a Skip) -> VarRow<'a> {
        VarRow {
            dyad: &s.dyad,
            skipped: Some(&s.reason),
            ..VarRow::default()
        }
    }
}

pub(super) fn run(args: &Args, data: &series::SeriesData) -> CliResult {
    let mut fits = Vec::new();
    let mut short = Vec::new();
    let mut skipped = Vec::new();
    for d in &data.dyads {
        match var1::fit_dyad(d, 0.95) {
            Ok(f) => fits.push((d.id.text.clone(), f)),
            Err(var1::Var1Skip::TooFewDays { days }) => {
                short.push(format!("{} ({days})", d.id.text))
            }
            Err(var1::Var1Skip::Singular) => skipped.push(Skip {
                dyad: d.id.text.clone(),
                reason:
                    "the previous-day values are collinear (for example one series is constant)"
                        .into(),
            }),
        }
    }
    if !short.is_empty() {
        return Err(CliError::usage(format!(
            "{}: the dyadic VAR(1) needs at least {} usable days per dyad (days with both partners' values on that day and the day before); with fewer days its 95% intervals are too wide to inform and, for persistent series, cover less than 95% in simulation. Too few in dyad(s): {}",
            io::input_name(&args.file),
            var1::MIN_DAYS,
            short.join(", ")
        )));
    }
    report_skips(&skipped);
    let risky: Vec<&str> = fits
        .iter()
        .filter(|(_, f)| f.undercoverage_risk)
        .map(|(d, _)| d.as_str())
        .collect();
    if !risky.is_empty() {
        note(format!(
            "in {} dyad(s) an estimated inertia is {} or more with fewer than {} usable days; there the inertia intervals may cover less than 95%, because least squares pulls a high inertia towards zero in a short series: {}.",
            risky.len(),
            var1::PERSISTENT_INERTIA,
            var1::PERSISTENT_DAYS,
            risky.join(", ")
        ));
    }
    let rows: Vec<VarRow> = fits
        .iter()
        .map(|(d, f)| VarRow::fitted(d, f))
        .chain(skipped.iter().map(VarRow::skipped))
        .collect();
    emit_rows(args, &rows)
}
