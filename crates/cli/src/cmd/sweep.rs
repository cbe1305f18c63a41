//! `closer sweep`: the dance model's outcome across many imagined couples, each run over several
//! seeds, in parallel. The grid and the runs are `closer_model::study` (`sweep_cell` is the same
//! whatever the order couples are run in); this file parses, shows progress and prints. Words
//! from `closer_guide::narrate_model`, the map from `closer_chart::dance`.

use crate::cmd::simulate::OutputArgs;
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, emit_versioned, stderr_is_terminal, write_output};
use closer_guide::narrate_model;
use closer_model::ModelError;
use closer_model::params::INSTRUMENT;
use closer_model::study::{self, HELD, OUTCOMES, SweepCell, SweepSpec};
use closer_safety::{Context, Policy};
use indicatif::ParallelProgressIterator;
use rayon::prelude::*;
use serde_json::json;

/// Outcomes of the model across many imagined couples: an illustration, not a forecast.
///
/// By default the map is A's anxiety (A as the one who reaches) against B's avoidance (B as the
/// one who withdraws), from 1 to 7, with A's avoidance and B's anxiety held at 2. With
/// --all-dims all four scores vary over the grid (grid⁴ couples). Each couple is run --seeds
/// times with different chance events; the map colours each place by its most common outcome and
/// hatches places where no outcome has a clear majority (3 in 4 runs).
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
    /// Seed of the random numbers (each run has its own stream of it).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Runs per couple, each with different chance events (5 to 1000).
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(5..=1000))]
    pub seeds: u64,
    /// Vary all four scores, not only A's anxiety and B's avoidance.
    #[arg(long)]
    pub all_dims: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args) -> CliResult {
    let spec = SweepSpec {
        grid: args.grid.unwrap_or(if args.all_dims { 7 } else { 21 }) as usize,
        days: f64::from(args.days),
        seed: args.seed,
        seeds: usize::try_from(args.seeds).unwrap_or(study::MAX_SEEDS),
        all_dims: args.all_dims,
    };
    spec.check().map_err(|e| match e {
        ModelError::Sweep { .. } => CliError::usage(format!("--grid {}: {e}", spec.grid)),
        other => CliError::usage(other.to_string()),
    })?;
    let total = spec.couples();
    let pb = if stderr_is_terminal() {
        let b = indicatif::ProgressBar::new(total as u64);
        b.set_style(
            // The words are reviewed interface text; the rest is numbers and a bar.
            indicatif::ProgressStyle::with_template(&format!(
                "{} {{pos}}/{{len}} {{bar:30}} {{eta}}",
                closer_guide::ui::ui("sweep-progress")
                    .text()
                    .replace(['{', '}'], "")
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let cells: Vec<SweepCell> = (0..total)
        .into_par_iter()
        .progress_with(pb.clone())
        .map(|i| study::sweep_cell(&spec, i))
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    pb.finish_and_clear();
    let by_outcome = study::sweep_counts(&cells);
    let counts: Vec<_> = OUTCOMES.iter().copied().zip(by_outcome).collect();
    let unclear = cells.iter().filter(|c| !c.clear).count();

    let (axes, held) = narrate_model::sweep_axes(args.all_dims, HELD);
    let policy = Policy::new(Context::ordinary());
    let said = narrate_model::narrate_sweep_over_seeds(
        &policy, axes, &held, spec.days, &counts, spec.seeds, unclear,
    )
    .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;

    if let Some(path) = &args.output.chart {
        let cap = narrate_model::sweep_caption(&policy, args.days, spec.seeds, &held)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
        let svg =
            closer_chart::dance::sweep_chart(&spec, &cells, cap.text(), args.output.chart_width());
        write_output(path, svg.as_bytes())?;
    }

    if args.output.json {
        return emit_versioned(
            &json!({
            "illustration": narrate_model::ILLUSTRATION_MANY,
            "instrument": INSTRUMENT,
            "grid": spec.grid,
            "days": args.days,
            "seed": args.seed,
            "seeds": spec.seeds,
            "clear_majority": study::CLEAR_MAJORITY,
            "all_dims": args.all_dims,
            "held": if args.all_dims { serde_json::Value::Null } else { json!({"a_avoidance": HELD, "b_anxiety": HELD}) },
            "counts": counts.iter().map(|(o, k)| (o.as_str().to_string(), json!(k))).collect::<serde_json::Map<_, _>>(),
            "unclear": unclear,
            "cells": cells,
            "narration": said,
            }),
            "sweep",
        );
    }
    emit_page(Page::new().entries(&said))
}
