//! `closer simulate`: one imagined couple through the dance model (DESIGN.md §5). The numbers
//! come from `closer_model`, the words from `closer_guide::narrate_model`, the chart from
//! `closer_chart`; this file parses arguments, prints and writes files.

use crate::error::{CliError, CliResult};
use crate::io::{print_json, write_output};
use closer_domain::{Person, Window, moves_csv};
use closer_guide::narrate_model;
use closer_model::params::{INSTRUMENT, Profile, WayUse};
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
    /// space, name, stay or explore and WHO is A, B or both (name needs both). Repeatable.
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
        Ok((a, b, ways))
    }
}

fn flag_of(e: &ModelError, msg: String) -> String {
    match e {
        ModelError::Profile { field, .. } => format!("{field}: {msg}"),
        _ => msg,
    }
}

/// Simulate the dance model for two imagined people — an illustration, not a forecast.
///
/// Prints how the loop goes over the horizon (settles, recurs, spirals, drifts or distant), both
/// people's trajectories and resting values, in plain words. Nothing is stored unless you ask
/// for a file.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub couple: CoupleArgs,
    /// Days to simulate; the outcome is read over this horizon.
    #[arg(long, value_name = "N", default_value_t = 180,
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// Seed of the random numbers: the same seed gives the same run, byte for byte.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Write the simulated moves as a moves CSV (hours from the start).
    #[arg(long, value_name = "FILE.csv")]
    pub moves_out: Option<PathBuf>,
    /// Draw both people's alarm, hope and moves per day as an SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CliResult {
    let (a, b, ways) = args.couple.parse()?;
    let days = f64::from(args.days);
    let keep = args.moves_out.is_some();
    let run = closer_model::run(a, b, &ways, days, args.seed, keep).map_err(|e| match e {
        ModelError::Way(m) => CliError::usage(format!("--way: {m}")),
        other => CliError::usage(other.to_string()),
    })?;
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_run(&policy, &run)
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
    if let Some(path) = &args.chart {
        let svg = chart(&policy, &run)?;
        write_output(path, svg.as_bytes())?;
    }

    if args.json {
        return print_json(&to_json(&run, args.seed, &said));
    }
    let mut out = String::new();
    for s in &said {
        out.push_str(&crate::io::render_said(s));
    }
    print!("{out}");
    Ok(())
}

fn to_json(run: &Run, seed: u64, said: &[Said]) -> serde_json::Value {
    let steady = run.steady.as_ref().map(|s| {
        json!({
            "A": s.a,
            "B": s.b,
        })
    });
    json!({
        "illustration": "An illustration from a model of the loop, not a forecast about either person.",
        "instrument": INSTRUMENT,
        "profiles": {"A": run.a, "B": run.b},
        "ways": run.ways.iter().map(|w| json!({
            "way": w.way, "who": w.who.to_string(), "day": w.day
        })).collect::<Vec<_>>(),
        "seed": seed,
        "horizon_days": run.summary.horizon_days,
        "outcome": run.summary.outcome,
        "moves": run.trace.n_moves,
        "steady": steady,
        "steady_note": "the stable resting point reached from a calm start with hope held at its starting value (1), for the model after the ways given",
        "fixed_points": run.fixed_points,
        "mean_field_hope_at_horizon": {"A": run.mean_field_hope[0], "B": run.mean_field_hope[1]},
        "summary": run.summary,
        "narration": said,
    })
}

/// Daily series for both people: mean alarm, hope at the day's end, bids and withdrawals.
fn chart(policy: &Policy, run: &Run) -> CliResult<String> {
    use closer_chart::{COLOR_A, COLOR_B, Mark, Panel, Series};
    let tr = &run.trace;
    let days = tr.daily.len();
    let mut alarm = [Vec::new(), Vec::new()];
    let mut hope = [Vec::new(), Vec::new()];
    let mut reach = [Vec::new(), Vec::new()];
    let mut withdraw = [Vec::new(), Vec::new()];
    for d in 0..days {
        let lo = (d * 24).min(tr.alarm.len());
        let hi = ((d + 1) * 24).min(tr.alarm.len());
        for p in Person::BOTH {
            let i = p.index();
            let slice = &tr.alarm[lo..hi];
            let mean = if slice.is_empty() {
                0.0
            } else {
                slice.iter().map(|x| x[i]).sum::<f64>() / slice.len() as f64
            };
            let x = d as f64 + 0.5;
            alarm[i].push((x, mean));
            if let Some(h) = tr.hope.get(hi) {
                hope[i].push((d as f64 + 1.0, h[i]));
            }
            reach[i].push((x, f64::from(tr.daily[d][i][0])));
            withdraw[i].push((x, f64::from(tr.daily[d][i][1])));
        }
    }
    let series = |label: &str, pts: &[(f64, f64)], color: &str, dashed: bool| Series {
        label: label.to_string(),
        points: pts.to_vec(),
        color: color.to_string(),
        dashed,
    };
    let panels = vec![
        Panel {
            title: "alarm (daily mean)".into(),
            series: vec![
                series("A alarm", &alarm[0], COLOR_A, false),
                series("B alarm", &alarm[1], COLOR_B, true),
            ],
        },
        Panel {
            title: "hope (1 = full)".into(),
            series: vec![
                series("A hope", &hope[0], COLOR_A, false),
                series("B hope", &hope[1], COLOR_B, true),
            ],
        },
        Panel {
            title: "moves per day".into(),
            series: vec![
                series("A reaching", &reach[0], COLOR_A, false),
                series("B reaching", &reach[1], COLOR_B, false),
                series("A withdrawing", &withdraw[0], COLOR_A, true),
                series("B withdrawing", &withdraw[1], COLOR_B, true),
            ],
        },
    ];
    let marks: Vec<Mark> = tr
        .way_starts
        .iter()
        .map(|(t, w)| Mark {
            x: t / 24.0,
            label: format!("{} by {}", w.way, w.who),
        })
        .collect();
    let cap = narrate_model::chart_caption(
        policy,
        &format!(
            "Both people over {} days; this run {} over that horizon",
            run.summary.horizon_days.round(),
            run.summary.outcome
        ),
    )
    .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    Ok(closer_chart::timeline(
        "The loop over time: A and B",
        "day",
        &panels,
        &marks,
        cap.text(),
    ))
}
