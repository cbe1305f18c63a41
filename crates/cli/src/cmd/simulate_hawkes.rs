//! `closer simulate-hawkes`: the dance model's linear special case — a multivariate Hawkes
//! process with exponential kernels — simulated exactly and written as a moves CSV.
//!
//! This is a research tool: it makes logs with known parameters, for `closer fit` to recover and
//! for benchmarks. Parameters whose spectral radius is 1 or more describe a process that
//! explodes, and are refused (exit 2).
//!
//! Output is data, not words to a person (ARCHITECTURE.md, "Words and data"): a moves CSV or a
//! JSON document of simulated events, printed with the raw `io::emit` (allowed for this module in
//! `cmd/mod.rs`). It prints no sentences; its errors are usage errors rendered by `main`.

use crate::error::{CliError, CliResult};
use crate::io::{emit, write_output};
use closer_domain::{Move, MoveType, Person, Window, moves_csv};
use closer_model::hawkes::{HawkesParams, HawkesProcess, simulate};
use serde_json::json;
use std::path::PathBuf;

/// Simulate the linear Hawkes special case of the model (research; exact, seeded).
///
/// Example (the parameters of the reference benchmark):
///   closer simulate-hawkes --baseline 0.3,0.2 --excitation '0.2,0.5;0.6,0.1' --decay 1
///       --horizon 1e5 --moves-out moves.csv
#[derive(clap::Args)]
pub struct Args {
    /// Baseline rate of each event type, per hour, comma-separated.
    #[arg(long, value_name = "MU,…")]
    pub baseline: String,
    /// Excitation matrix, rows separated by ';': row k, column j is how many type-k events one
    /// type-j event sets off on average.
    #[arg(long, value_name = "ROW;ROW…", allow_hyphen_values = true)]
    pub excitation: String,
    /// Decay rate of the kernels, per hour.
    #[arg(long, value_name = "BETA")]
    pub decay: f64,
    /// Length of the window [0, H), in hours.
    #[arg(long, value_name = "H")]
    pub horizon: f64,
    /// What each event type is, as PARTNER:MOVE, comma-separated (default for two types:
    /// A:reach,B:withdraw).
    #[arg(long, value_name = "P:MOVE,…")]
    pub types: Option<String>,
    /// Seed of the random numbers: the same seed gives the same events.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the events as a moves CSV with its window line.
    #[arg(long, value_name = "FILE.csv")]
    pub moves_out: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

fn numbers(s: &str, what: &str) -> CliResult<Vec<f64>> {
    s.split(',')
        .map(|x| {
            x.trim().parse::<f64>().map_err(|_| {
                CliError::usage(format!(
                    "--{what}: expected numbers separated by commas, found {x:?}"
                ))
            })
        })
        .collect()
}

pub fn run(args: Args) -> CliResult {
    let baseline = numbers(&args.baseline, "baseline")?;
    let excitation = args
        .excitation
        .split(';')
        .map(|row| numbers(row, "excitation"))
        .collect::<CliResult<Vec<_>>>()?;
    let params = HawkesParams::from_rows(baseline, &excitation, args.decay)
        .map_err(|e| CliError::usage(e.to_string()))?;
    params
        .validate()
        .map_err(|e| CliError::usage(e.to_string()))?;
    let d = params.dim();
    let types: Vec<(Person, MoveType)> = match &args.types {
        None if d == 2 => vec![
            (Person::A, MoveType::Reach),
            (Person::B, MoveType::Withdraw),
        ],
        None => {
            return Err(CliError::usage(format!(
                "--types: {d} event types need names, for example --types A:reach,B:withdraw,A:repair"
            )));
        }
        Some(s) => s
            .split(',')
            .map(|t| {
                let (p, m) = t.split_once(':').ok_or_else(|| {
                    CliError::usage(format!("--types: expected PARTNER:MOVE, found {t:?}"))
                })?;
                let p: Person = p
                    .parse()
                    .map_err(|e: String| CliError::usage(format!("--types: {e}")))?;
                let m: MoveType = m
                    .parse()
                    .map_err(|e: String| CliError::usage(format!("--types: {e}")))?;
                Ok((p, m))
            })
            .collect::<CliResult<Vec<_>>>()?,
    };
    if types.len() != d {
        return Err(CliError::usage(format!(
            "--types: expected {d} types (one per baseline), found {}",
            types.len()
        )));
    }
    let mut rng = closer_model::rng(args.seed, 0);
    let events =
        simulate(&params, args.horizon, &mut rng).map_err(|e| CliError::usage(e.to_string()))?;
    let window = Window {
        start: 0.0,
        end: args.horizon,
    };
    if let Some(path) = &args.moves_out {
        let moves: Vec<Move> = events
            .iter()
            .map(|&(t, k)| Move::new(t, types[k].0, types[k].1))
            .collect();
        let mut buf = Vec::new();
        moves_csv::write(&mut buf, Some(window), &moves)?;
        write_output(path, &buf)?;
    }
    let mut counts = vec![0usize; d];
    for &(_, k) in &events {
        counts[k] += 1;
    }
    let expected = params
        .stationary_rates()
        .map_err(|e| CliError::usage(e.to_string()))?;
    if args.json {
        return crate::io::emit_versioned(
            &json!({
                "events": events.len(),
                "counts": counts,
                "horizon": args.horizon,
                "spectral_radius": params.spectral_radius(),
                "stationary_rates": expected,
                "types": types.iter().map(|(p, m)| format!("{p} {m}")).collect::<Vec<_>>(),
                "seed": args.seed,
            }),
            "simulation",
        );
    }
    let mut out = format!("events\t{}\n", events.len());
    for (k, (p, m)) in types.iter().enumerate() {
        out.push_str(&format!(
            "{p} {m}\t{}\t(stationary rate {:.6} per hour)\n",
            counts[k], expected[k]
        ));
    }
    out.push_str(&format!(
        "spectral_radius\t{:.6}\n",
        params.spectral_radius()
    ));
    emit(&out)
}
