//! `closer simulate`: one imagined couple through the dance model (DESIGN.md §5). The numbers
//! come from `closer_model`, the words from `closer_guide::narrate_model`, the chart from
//! `closer_chart`; this file parses arguments, prints and writes files.

use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, emit_versioned, write_output};
use closer_domain::{Window, moves_csv};
use closer_guide::narrate_model;
use closer_model::params::{INSTRUMENT, Profile, WayUse};
use closer_model::study::{self, Simulation};
use closer_model::{ModelError, Run};
use closer_safety::{Context, Policy, Said};
use serde_json::json;
use std::path::PathBuf;

/// Two people's attachment scores, shared by `simulate` and `phase`.
#[derive(clap::Args)]
pub struct CoupleArgs {
    /// A's attachment anxiety, 1–7 (global, on an ECR-R-like 1–7 scale).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub a_anxiety: f64,
    /// A's attachment avoidance, 1–7.
    #[arg(long, value_name = "Y", allow_hyphen_values = true)]
    pub a_avoidance: f64,
    /// B's attachment anxiety, 1–7.
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub b_anxiety: f64,
    /// B's attachment avoidance, 1–7.
    #[arg(long, value_name = "Y", allow_hyphen_values = true)]
    pub b_avoidance: f64,
    /// A way of responding, used from a day on: NAME:WHO@DAY, where NAME is pause, curious,
    /// space, name, stay or explore and WHO is A, B or both (name needs both). Repeatable, with
    /// each way given at most once per person.
    #[arg(long = "way", value_name = "NAME:WHO@DAY", allow_hyphen_values = true)]
    pub ways: Vec<String>,
}

impl CoupleArgs {
    /// The two profiles and the ways, or one clear message (exit 2).
    pub fn parse(&self) -> CliResult<(Profile, Profile, Vec<WayUse>)> {
        let prof = |who: &str, x: f64, y: f64| {
            Profile::new(x, y)
                .map_err(|e| CliError::usage(format!("--{who}-{}", flag_of(&e, e.to_string()))))
        };
        let a = prof("a", self.a_anxiety, self.a_avoidance)?;
        let b = prof("b", self.b_anxiety, self.b_avoidance)?;
        let ways = self
            .ways
            .iter()
            .map(|s| {
                s.parse::<WayUse>()
                    .map_err(|e| CliError::usage(format!("--way {s}: {e}")))
            })
            .collect::<CliResult<Vec<_>>>()?;
        // A way is in use from its day on: given twice to the same person it would stack.
        if let Some((i, j, p)) = study::repeated_way(&ways) {
            return Err(CliError::usage(format!(
                "--way {} and --way {} both give {} to {p}; a way is in use from its day on, so give it once",
                self.ways[i], self.ways[j], ways[i].way
            )));
        }
        Ok((a, b, ways))
    }
}

fn flag_of(e: &ModelError, msg: String) -> String {
    match e {
        ModelError::Profile { field, .. } => format!("{field}: {msg}"),
        _ => msg,
    }
}

/// Where a command's output goes: an SVG chart, and JSON instead of text. Shared by `simulate`,
/// `phase` and `sweep`.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Draw the command's chart as an SVG file (both people always shown).
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Lay the chart out for a phone's width or a desktop's.
    #[arg(long, value_enum, value_name = "SIZE", default_value_t = ChartSize::Desktop)]
    pub chart_size: ChartSize,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The width a chart is laid out for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartSize {
    Phone,
    Desktop,
}

impl OutputArgs {
    /// The chart's width in pixels.
    pub fn chart_width(&self) -> f64 {
        match self.chart_size {
            ChartSize::Phone => closer_chart::PHONE,
            ChartSize::Desktop => closer_chart::DESKTOP,
        }
    }
}

/// Simulate the dance model for two imagined people — an illustration, not a forecast.
///
/// Prints how the loop goes over the horizon (settles, recurs, spirals, drifts or distant) across
/// several runs with different chance events, both people's trajectories in one pictured run,
/// and what each way changed in runs with and without it, in plain words. Nothing is stored
/// unless you ask for a file.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub couple: CoupleArgs,
    /// Days to simulate; the outcome is read over this horizon.
    #[arg(long, value_name = "N", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// Seed of the random numbers: the same seed gives the same runs, byte for byte.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Runs with different chance events the outcome is read over (5 to 1000); the first one is
    /// the run pictured and written with --moves-out.
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(5..=1000))]
    pub seeds: u64,
    /// Write the simulated moves as a moves CSV (hours from the start).
    #[arg(long, value_name = "FILE.csv")]
    pub moves_out: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args) -> CliResult {
    let (a, b, ways) = args.couple.parse()?;
    let days = f64::from(args.days);
    let keep = args.moves_out.is_some();
    let seeds = usize::try_from(args.seeds).unwrap_or(study::MAX_SEEDS);
    let sim =
        closer_model::simulate(a, b, &ways, days, args.seed, seeds, keep).map_err(|e| match e {
            ModelError::Way(m) => CliError::usage(format!("--way: {m}")),
            ModelError::Seeds(_) => CliError::usage(format!("--seeds: {e}")),
            other => CliError::usage(other.to_string()),
        })?;
    let run = &sim.run;
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_simulation(&policy, &sim)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;

    // Files first, so that a failure to write leaves no half-done output.
    if let Some(path) = &args.moves_out {
        let mut buf = Vec::new();
        let window = Window {
            start: 0.0,
            end: days * 24.0,
        };
        moves_csv::write(&mut buf, Some(window), &run.trace.moves)?;
        write_output(path, &buf)?;
    }
    if let Some(path) = &args.output.chart {
        let svg = chart(&policy, &sim, args.output.chart_width())?;
        write_output(path, svg.as_bytes())?;
    }

    if args.output.json {
        return emit_versioned(&to_json(&sim, args.seed, &said), "simulation");
    }
    emit_page(Page::new().entries(&said))
}

fn to_json(sim: &Simulation, seed: u64, said: &[Said]) -> serde_json::Value {
    let run: &Run = &sim.run;
    let steady = run.steady.as_ref().map(|s| {
        json!({
            "A": s.a,
            "B": s.b,
        })
    });
    json!({
        "illustration": narrate_model::ILLUSTRATION,
        "instrument": INSTRUMENT,
        "profiles": {"A": run.a, "B": run.b},
        "ways": run.ways.iter().map(|w| json!({
            "way": w.way, "who": w.who.to_string(), "day": w.day
        })).collect::<Vec<_>>(),
        "seed": seed,
        "horizon_days": run.summary.horizon_days,
        "outcome": run.summary.outcome,
        "outcome_note": "the outcome of the one run pictured (the first seed); outcome_share gives every run's",
        "seeds": sim.seeds,
        "outcome_share": sim.shown.outcome_share,
        "clear_cut": sim.shown.outcome_share.clear(),
        "shown": sim.shown,
        "steady_agrees": sim.steady_agrees,
        "way_effects": sim.way_effects,
        "moves": run.trace.n_moves,
        "steady": steady,
        "steady_note": "the stable resting point reached from a calm start with hope held at its starting value (1), for the model after the ways given",
        "fixed_points": run.fixed_points,
        "mean_field_hope_at_horizon": {"A": run.mean_field_hope[0], "B": run.mean_field_hope[1]},
        "summary": run.summary,
        "narration": said,
    })
}

/// The timeline of the pictured run, with a caption that says it is one of several runs.
fn chart(policy: &Policy, sim: &Simulation, width: f64) -> CliResult<String> {
    let cap = narrate_model::simulation_caption(policy, sim)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    Ok(closer_chart::dance::simulation(&sim.run, cap.text(), width))
}
