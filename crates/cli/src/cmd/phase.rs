//! `closer phase`: the mean-field phase portrait of the dance model — A's alarm against B's,
//! both nullclines, every fixed point with its stability (hope held at its start). Numbers from
//! `closer_model::meanfield`, words from `closer_guide::narrate_model`.

use crate::cmd::simulate::CoupleArgs;
use crate::error::{CliError, CliResult};
use crate::io::{print_json, write_output};
use closer_guide::narrate_model;
use closer_model::meanfield;
use closer_model::params::{INSTRUMENT, Params};
use closer_safety::{Context, Policy};
use serde_json::json;
use std::path::PathBuf;

/// The model's resting states for two imagined people: an illustration, not a forecast.
///
/// Ways given with --way are all taken as in use (their days do not matter here).
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub couple: CoupleArgs,
    /// Draw the phase plane (alarm of A against alarm of B) as an SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CliResult {
    let (a, b, ways) = args.couple.parse()?;
    let params = Params::from_profiles(a, b).with_ways(&ways);
    let hope = [1.0, 1.0];
    let fps = meanfield::fixed_points(&params, hope);
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_phase(&policy, &a, &b, &ways, &fps)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    if let Some(path) = &args.chart {
        let top = |i: usize| {
            fps.iter()
                .map(|f| if i == 0 { f.a.alarm } else { f.b.alarm })
                .fold(0.0, f64::max)
        };
        let bounds = [(top(0) * 1.3).max(1.0), (top(1) * 1.3).max(1.0)];
        let lines = meanfield::nullclines(&params, hope, bounds, 160);
        let points: Vec<closer_chart::PhasePoint> = fps
            .iter()
            .map(|f| closer_chart::PhasePoint {
                x: f.a.alarm,
                y: f.b.alarm,
                stable: f.stable,
            })
            .collect();
        let cap = narrate_model::chart_caption(
            &policy,
            "Where the lines cross, neither person's alarm is changing; filled circles are stable resting points",
        )
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
        let svg = closer_chart::phase(
            "Resting states of the loop: alarm of A and of B",
            ("alarm of A", "alarm of B"),
            bounds,
            [
                ("A's alarm at rest (A's nullcline)", &lines[0]),
                ("B's alarm at rest (B's nullcline)", &lines[1]),
            ],
            &points,
            cap.text(),
        );
        write_output(path, svg.as_bytes())?;
    }
    if args.json {
        return print_json(&json!({
            "illustration": "An illustration from a model of the loop, not a forecast about either person.",
            "instrument": INSTRUMENT,
            "profiles": {"A": a, "B": b},
            "ways": ways.iter().map(|w| json!({"way": w.way, "who": w.who.to_string()})).collect::<Vec<_>>(),
            "hope_held_at": {"A": hope[0], "B": hope[1]},
            "fixed_points": fps,
            "narration": said,
        }));
    }
    let mut out = String::new();
    for s in &said {
        out.push_str(&crate::io::render_said(s));
    }
    print!("{out}");
    Ok(())
}
