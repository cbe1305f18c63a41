//! `closer phase`: the mean-field phase portrait of the dance model — A's alarm against B's,
//! where each person's alarm stops changing, every fixed point with its stability (hope held at
//! its start) and the flow between them. Numbers from `closer_model::meanfield`, words from
//! `closer_guide::narrate_model`, the chart from `closer_chart::dance`.

use crate::cmd::simulate::{CoupleArgs, OutputArgs};
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, emit_versioned, write_output};
use closer_guide::narrate_model;
use closer_model::meanfield;
use closer_model::params::{INSTRUMENT, Params};
use closer_safety::{Context, Policy};
use serde_json::json;

/// The model's resting states for two imagined people: an illustration, not a forecast.
///
/// Ways given with --way are all taken as in use (their days do not matter here). The chart
/// plots A's alarm against B's, with grey arrows showing where both alarms head.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub couple: CoupleArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args) -> CliResult {
    let (a, b, ways) = args.couple.parse()?;
    let params = Params::from_profiles(a, b).with_ways(&ways);
    let hope = [1.0, 1.0];
    let fps = meanfield::fixed_points(&params, hope);
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_phase(&policy, &a, &b, &ways, &fps)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    if let Some(path) = &args.output.chart {
        let cap = narrate_model::phase_caption(&policy)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
        let svg = closer_chart::dance::phase_portrait(
            &params,
            hope,
            &fps,
            cap.text(),
            args.output.chart_width(),
        );
        write_output(path, svg.as_bytes())?;
    }
    if args.output.json {
        return emit_versioned(
            &json!({
            "illustration": narrate_model::ILLUSTRATION,
            "instrument": INSTRUMENT,
            "profiles": {"A": a, "B": b},
            "ways": ways.iter().map(|w| json!({"way": w.way, "who": w.who.to_string()})).collect::<Vec<_>>(),
            "hope_held_at": {"A": hope[0], "B": hope[1]},
            "fixed_points": fps,
            "narration": said,
            }),
            "phase",
        );
    }
    emit_page(Page::new().entries(&said))
}
