//! The dyadic VAR(1) for daily diaries: estimates with t intervals, refused below the documented
//! minimum of usable days per dyad.

use super::{Args, field, note, push_skipped_json, report_skips};
use crate::error::{CliError, CliResult};
use crate::io;
use closer_analyze::series::{self, Skip, var1};
use serde_json::{Value, json};
use std::fmt::Write as _;

const VAR_COLS: [&str; 6] = ["int0", "inert0", "cross0", "int1", "inert1", "cross1"];

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
            "{}: the dyadic VAR(1) needs at least {} usable days per dyad (days with both partners' values on that day and the day before); below that its intervals fall short of their stated coverage (docs/research.md). Too few in dyad(s): {}",
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
            "in {} dyad(s) an estimated inertia is {} or more with fewer than {} usable days; there the inertia intervals may cover less than 95% (docs/research.md): {}.",
            risky.len(),
            var1::PERSISTENT_INERTIA,
            var1::PERSISTENT_DAYS,
            risky.join(", ")
        ));
    }
    let coefs = |f: &var1::Var1Fit| [f.int0, f.inert0, f.cross0, f.int1, f.inert1, f.cross1];
    if args.json {
        let mut arr: Vec<Value> = Vec::new();
        for (d, f) in &fits {
            let mut o = serde_json::Map::new();
            o.insert("dyad".into(), json!(d));
            o.insert("n".into(), json!(f.n));
            o.insert("level".into(), json!(f.level));
            o.insert("undercoverage_risk".into(), json!(f.undercoverage_risk));
            for (c, v) in VAR_COLS.iter().zip(coefs(f)) {
                o.insert((*c).into(), json!(v));
            }
            o.insert("skipped".into(), Value::Null);
            arr.push(Value::Object(o));
        }
        push_skipped_json(&mut arr, &skipped, &VAR_COLS);
        return io::emit_versioned(&arr, "dyads");
    }
    let mut out = String::from("dyad,n");
    for c in VAR_COLS {
        let _ = write!(out, ",{c},{c}_se,{c}_lower,{c}_upper");
    }
    out.push_str(",skipped\n");
    for (d, f) in &fits {
        let _ = write!(out, "{},{}", field(d), f.n);
        for c in coefs(f) {
            let _ = write!(out, ",{},{},{},{}", c.estimate, c.se, c.lower, c.upper);
        }
        out.push_str(",\n");
    }
    for s in &skipped {
        let _ = writeln!(
            out,
            "{}{}{}",
            field(&s.dyad),
            ",".repeat(26),
            field(&s.reason)
        );
    }
    io::emit(&out)?;
    Ok(())
}
