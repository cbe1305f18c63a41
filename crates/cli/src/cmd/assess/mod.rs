//! `closer assess`: score validated questionnaires, measure change against measurement error,
//! and (with no subcommand) a few reflection questions of our own.
//!
//! Scoring, statistics, norms and signals come from `closer_measure`; what is said and shown
//! (and the JSON documents) from `closer_guide::measure_view::assess`, every sentence a `Said`.
//! These files parse arguments, read the files and print.
//!
//! Privacy: a responses file may hold many people's answers. The CPQ's threat, name-calling and
//! aggression answers of other people are printed only with `--research`; a one-row file is one
//! person's own answers, and that person sees their own signals and where they lead.

mod change;
mod keep;
mod reflect;
mod score;
mod tables;

use crate::error::{CliError, CliResult};
use closer_measure::instrument::{self, IDS, Instrument, Order};
use closer_measure::score::{Scored, score};
use closer_measure::{Responses, responses};
use closer_safety::Withheld;
use std::path::Path;

/// Questionnaires: score validated instruments, measure change, or reflect.
///
/// With no subcommand: a few reflection questions written by us, one at a time, every one
/// skippable; they give prompts, not scores, and nothing is saved. Without a terminal they are
/// printed, with where to find the validated questionnaires.
///
/// Validated instruments are answered on their official forms; enter the answers by item number
/// in a CSV file with columns Q1..Qn (one row per respondent, other columns ignored).
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
}

#[derive(clap::Subcommand)]
enum Sub {
    Score(score::ScoreArgs),
    Change(change::ChangeArgs),
}

/// The answers file and how to read it (shared by score and change).
#[derive(clap::Args, Clone)]
pub(super) struct Reading {
    /// The instrument: ecr-r, ecr, ecr-s, ecr-rs (romantic-partner target), cpq (revised
    /// scoring, self/partner form), cpq-sf (columns Q1..Q11 = A1, A2, A3a, A3b, B4, B5, B6,
    /// B7a, B7b, B8a, B8b).
    #[arg(long, value_parser = IDS)]
    instrument: String,
    /// Item order of the columns (ECR-R only): author (anxiety items first, the default) or
    /// interleaved (odd items avoidance, even anxiety). Each order has its own key.
    #[arg(long)]
    order: Option<String>,
    /// Lowest answer on the scale the form was answered on (default: the published scale).
    #[arg(long, requires = "scale_max", allow_negative_numbers = true)]
    scale_min: Option<i16>,
    /// Highest answer on the scale the form was answered on.
    #[arg(long, requires = "scale_min", allow_negative_numbers = true)]
    scale_max: Option<i16>,
    /// The code for a missing answer (for example 0, NA or an empty cell: --missing '').
    /// Without it, every item must be answered.
    /// It must not be a valid answer on the scale (a 0 on a 0–4 scale is an answer).
    #[arg(long)]
    missing: Option<String>,
    /// Score Q1..Qn and ignore item columns beyond Qn (Q13, Q14, … for a 12-item form).
    /// Without it such a file is refused: answers to a longer form (the 36-item ECR) scored with
    /// a shorter form's key (the ECR-S) give wrong scores. Use it only when Q1..Qn really hold
    /// this instrument's items in its order.
    #[arg(long)]
    ignore_extra_items: bool,
    /// Where you are (a region code or a country name, any case), for the helplines shown when
    /// answers matter for safety; also read from CLOSER_REGION. Never stored.
    #[arg(long, value_name = "PLACE")]
    region: Option<String>,
}

/// The region from --region or CLOSER_REGION, checked: an unknown place is bad usage.
pub(super) fn region_of(r: &Reading) -> CliResult<Option<String>> {
    let region = super::help_now::region_arg(r.region.clone());
    if let Some(x) = &region
        && closer_safety::resources::normalise(x).is_none()
    {
        return Err(CliError::usage(format!(
            "--region / CLOSER_REGION: no place {x:?}; known regions: {} (a country name works too)",
            closer_safety::resources::regions().join(", ")
        )));
    }
    Ok(region)
}

pub fn run(args: Args) -> CliResult {
    match args.command {
        None => reflect::reflect(),
        Some(Sub::Score(a)) => score::run_score(a),
        Some(Sub::Change(a)) => change::run_change(a),
    }
}

pub(super) fn withheld(e: Withheld) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

/// Resolves the instrument, order and scale from the shared flags.
pub(super) fn setup(r: &Reading) -> CliResult<(&'static Instrument, &'static Order, [i32; 2])> {
    let inst = instrument::get(&r.instrument)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?
        .ok_or_else(|| {
            CliError::usage(format!("--instrument: no instrument {:?}", r.instrument))
        })?;
    let order = match &r.order {
        None => inst.default_order(),
        Some(name) => inst.order(name).ok_or_else(|| {
            let names: Vec<&str> = inst.orders.iter().map(|o| o.name.as_str()).collect();
            CliError::usage(format!(
                "--order: {} has no order {name:?}; expected {}",
                inst.abbreviation,
                names.join(" or ")
            ))
        })?,
    };
    let scale = match (r.scale_min, r.scale_max) {
        (Some(a), Some(b)) => {
            if !(-1000..=1000).contains(&a) || !(-1000..=1000).contains(&b) {
                return Err(CliError::usage(
                    "--scale-min and --scale-max: expected whole numbers from -1000 to 1000",
                ));
            }
            if a >= b {
                return Err(CliError::usage(format!(
                    "--scale-min {a} must be below --scale-max {b}"
                )));
            }
            [i32::from(a), i32::from(b)]
        }
        _ => inst.scale,
    };
    Ok((inst, order, scale))
}

pub(super) fn read(
    path: &Path,
    inst: &Instrument,
    scale: [i32; 2],
    r: &Reading,
) -> CliResult<Responses> {
    let text = crate::io::read_input(path)?;
    Ok(responses::parse_with(
        &crate::io::input_name(path),
        &text,
        inst.items,
        scale,
        r.missing.as_deref(),
        r.ignore_extra_items,
    )?)
}

pub(super) fn score_file(
    path: &Path,
    inst: &'static Instrument,
    order: &Order,
    scale: [i32; 2],
    reading: &Reading,
    rescale: bool,
) -> CliResult<(Responses, Scored)> {
    let r = read(path, inst, scale, reading)?;
    if r.is_empty() {
        return Err(CliError::usage(format!(
            "{}: no respondents (expected a header with Q1..Q{} and at least one row)",
            crate::io::input_name(path),
            inst.items
        )));
    }
    let s = score(inst, order, &r, rescale).map_err(|e| CliError::usage(e.to_string()))?;
    Ok((r, s))
}

/// A view that could not be made: a rule that does not apply is bad usage (exit 2); a withheld
/// sentence is our error.
pub(super) fn own_error(e: closer_guide::measure_view::OwnError) -> CliError {
    match e {
        closer_guide::measure_view::OwnError::Score(m) => CliError::usage(m),
        closer_guide::measure_view::OwnError::Withheld(w) => withheld(w),
    }
}
