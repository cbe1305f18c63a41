//! `closer sweep`: the dance model's outcome across many imagined couples, in parallel. Each
//! couple has its own random stream (`ChaCha8Rng::seed_from_u64(seed)` on stream = its index),
//! so results do not depend on how threads are scheduled. Numbers from `closer_model`, words
//! from `closer_guide::narrate_model`, the heatmap from `closer_chart`.

use crate::error::{CliError, CliResult};
use crate::io::{print_json, stderr_is_terminal, write_output};
use closer_domain::Outcome;
use closer_guide::narrate_model;
use closer_model::params::{INSTRUMENT, Params, Profile};
use closer_model::{outcome, rng, sim};
use closer_safety::{Context, Policy};
use indicatif::ParallelProgressIterator;
use rayon::prelude::*;
use serde_json::json;
use std::path::PathBuf;

/// Where the two scores not on the map are held by default: low anxiety and low avoidance, so
/// that the map reads the reaching person's anxiety against the withdrawing person's avoidance.
const HELD: f64 = 2.0;

const OUTCOMES: [Outcome; 5] = [
    Outcome::Settles,
    Outcome::Recurs,
    Outcome::Spirals,
    Outcome::Drifts,
    Outcome::Distant,
];

/// Outcomes of the model across many imagined couples: an illustration, not a forecast.
///
/// By default the map is A's anxiety (A as the one who reaches) against B's avoidance (B as the
/// one who withdraws), from 1 to 7, with A's avoidance and B's anxiety held at 2. With
/// --all-dims all four scores vary over the grid (grid⁴ couples).
#[derive(clap::Args)]
pub struct Args {
    /// Points per score from 1 to 7.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub grid: Option<u32>,
    /// Days each couple is simulated; outcomes are read over this horizon.
    #[arg(long, value_name = "N", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
    /// Seed of the random numbers (each couple has its own stream of it).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Vary all four scores, not only A's anxiety and B's avoidance.
    #[arg(long)]
    pub all_dims: bool,
    /// Draw the map as an SVG heatmap.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

fn level(k: usize, n: usize) -> f64 {
    1.0 + 6.0 * k as f64 / (n - 1) as f64
}

fn index_of(o: Outcome) -> usize {
    OUTCOMES.iter().position(|x| *x == o).unwrap_or(0)
}

pub fn run(args: Args) -> CliResult {
    let n = args.grid.unwrap_or(if args.all_dims { 7 } else { 21 }) as usize;
    let dims = if args.all_dims { 4 } else { 2 };
    let total = n
        .checked_pow(dims)
        .filter(|t| *t <= 20_000_000)
        .ok_or_else(|| {
            CliError::usage(format!(
                "--grid {n}: {n}^{dims} couples is too many; choose a smaller grid"
            ))
        })?;
    let days = f64::from(args.days);
    // Couple i → (A anxiety, A avoidance, B anxiety, B avoidance) on the grid.
    let couple = |i: usize| -> [f64; 4] {
        if args.all_dims {
            [
                level(i % n, n),
                level(i / n % n, n),
                level(i / (n * n) % n, n),
                level(i / (n * n * n), n),
            ]
        } else {
            [level(i % n, n), HELD, HELD, level(i / n, n)]
        }
    };
    let pb = if stderr_is_terminal() {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "simulating {pos}/{len} couples {bar:30} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results: Vec<Result<Outcome, String>> = (0..total)
        .into_par_iter()
        .progress_with(pb.clone())
        .map(|i| {
            let c = couple(i);
            let a = Profile::new(c[0], c[1]).map_err(|e| e.to_string())?;
            let b = Profile::new(c[2], c[3]).map_err(|e| e.to_string())?;
            let p = Params::from_profiles(a, b);
            let mut g = rng(args.seed, i as u64);
            let tr = sim::simulate(&p, &[], days, &mut g, false).map_err(|e| e.to_string())?;
            Ok(outcome::classify(&tr, p.shared.flare).outcome)
        })
        .collect();
    pb.finish_and_clear();
    let outcomes: Vec<Outcome> = results
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::Other(anyhow::anyhow!(e)))?;
    let counts: Vec<(Outcome, usize)> = OUTCOMES
        .iter()
        .map(|o| (*o, outcomes.iter().filter(|x| *x == o).count()))
        .collect();

    let (axes, held) = if args.all_dims {
        (
            "all four scores (A's anxiety and avoidance, B's anxiety and avoidance) from 1 to 7",
            "the map shows, for A's anxiety and B's avoidance, the most common outcome over the other two".to_string(),
        )
    } else {
        (
            "A's anxiety (A as the one who reaches) and B's avoidance (B as the one who withdraws) from 1 to 7",
            format!("A's avoidance and B's anxiety held at {HELD}"),
        )
    };
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_sweep(&policy, axes, &held, days, &counts)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;

    if let Some(path) = &args.chart {
        // Rows: B's avoidance; columns: A's anxiety; in all-dims mode the most common outcome
        // over the other two scores.
        let mut tally = vec![vec![[0usize; 5]; n]; n];
        for (i, o) in outcomes.iter().enumerate() {
            let (col, row) = if args.all_dims {
                (i % n, i / (n * n * n))
            } else {
                (i % n, i / n)
            };
            tally[row][col][index_of(*o)] += 1;
        }
        let cells: Vec<Vec<usize>> = tally
            .iter()
            .map(|row| {
                row.iter()
                    .map(|t| (0..5).max_by_key(|k| (t[*k], 5 - k)).unwrap_or(0))
                    .collect()
            })
            .collect();
        let cap = narrate_model::chart_caption(
            &policy,
            &format!(
                "Outcome over {} days for each imagined couple; {held}",
                args.days
            ),
        )
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
        let svg = closer_chart::heatmap(
            "How the loop goes across imagined couples",
            ("A's anxiety (reaching)", "B's avoidance (withdrawing)"),
            (1.0, 7.0),
            (1.0, 7.0),
            &cells,
            &[
                ("settles", "#8cc084"),
                ("recurs", "#f2c14e"),
                ("spirals", "#d1495b"),
                ("drifts", "#7d5ba6"),
                ("distant", "#9fb7c9"),
            ],
            cap.text(),
        );
        write_output(path, svg.as_bytes())?;
    }

    if args.json {
        let cells: Vec<serde_json::Value> = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let c = couple(i);
                json!({"a_anxiety": c[0], "a_avoidance": c[1], "b_anxiety": c[2], "b_avoidance": c[3], "outcome": o})
            })
            .collect();
        return print_json(&json!({
            "illustration": "An illustration from a model of the loop, not a forecast about anyone.",
            "instrument": INSTRUMENT,
            "grid": n,
            "days": args.days,
            "seed": args.seed,
            "all_dims": args.all_dims,
            "held": if args.all_dims { serde_json::Value::Null } else { json!({"a_avoidance": HELD, "b_anxiety": HELD}) },
            "counts": counts.iter().map(|(o, k)| (o.as_str().to_string(), json!(k))).collect::<serde_json::Map<_, _>>(),
            "cells": cells,
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
