//! `closer series`: rties-compatible dyadic time-series models over many dyads (research track,
//! DESIGN.md §8). Argument parsing and output only; the fits are in `closer_analyze::series`.
//!
//! Output is data, not words to a person (ARCHITECTURE.md, "Words and data"): per-dyad CSV or
//! JSON tables of estimates for a researcher, printed with the raw `io::emit` (allowed for this
//! module in `cmd/mod.rs`). Its sentences — notes on stderr about skipped or thin dyads — pass
//! through the policy (`note` below) as interface text.

mod clo;
mod ic;
mod profiles;
mod var;

use crate::error::{CliError, CliResult};
use crate::io::{self, read_input};
use closer_analyze::series::{self, Columns, Lag, Pairing, Skip};
use closer_safety::{Context, Draft, Policy, Topic};
use serde::Serialize;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Models (rties 5.0.0-compatible):
  inertia-coordination  x_k(t) = c_k + inert_k x_k(t-L) + coord_k x_partner(t-L), per dyad,
                        both partners stacked; columns dyad int0 int1 inert0 coord0 inert1
                        coord1 r2 adj_r2 (uncentred R², adjusted with p = rank), shift, cc_lag
                        (absMaxCC's cross-correlation lag), n, rank, skipped.
  coupled-oscillator    GLLA level and derivatives over the (tau, embed) grid, rties' choice
                        of the first largest adjusted R²; columns dyad tau embed obs_0 d1_0
                        p_obs_0 p_d1_0 obs_1 d1_1 p_obs_1 p_d1_1 period_0 period_1 r2 adj_r2
                        n rank skipped.
  var1                  a dyadic VAR(1) for daily diaries, with t intervals; refused below
                        40 usable days per dyad; columns dyad n level undercoverage_risk, then
                        for each of int0 inert0 cross0 int1 inert1 cross1 its estimate, _se,
                        _lower and _upper, and skipped.

CSV and --json print the same rows: the CSV header is the JSON rows' keys, in order.

The inertia-coordination and oscillator models are for dense series (a value every few
seconds, hundreds of points per person). For daily diaries use --model var1.

Partner 0 is the person with 0 in the partner column, partner 1 the person with 1.
`shift` is the signed shift of the lagged regressors: -N uses the value N rows earlier,
+N the value N rows later (rties' absMaxCC turns a positive cross-correlation lag into a
lead, and a lag of 0 into a lead of 1).

Pairing: `rties` (default) reproduces rties' rule: rows sorted by person id, and the partner
columns are the rows of the person whose id differs from the dyad id followed by the rows of
the person whose id equals it. That is right only when the person whose id equals the dyad id
sorts first; otherwise it pairs a person with themselves (closer says so on stderr). `partner`
pairs each row with the other partner's row at the same position, using the partner column: it
is correct on any input and equals `rties` on rties' own data.

Missing values (an empty field or NA) stay missing, as in R. Numbers are printed at full
precision; a missing coefficient (aliased, as R reports NA) is empty in CSV and null in JSON.
These are research fits of many dyads' data; they describe series, never a relationship.";

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    InertiaCoordination,
    CoupledOscillator,
    Var1,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PairingArg {
    Rties,
    Partner,
}

#[derive(clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// The series CSV: long format, one row per person per time point (`-` reads standard
    /// input).
    pub file: PathBuf,
    /// Which model to fit to every dyad.
    #[arg(long, value_enum)]
    pub model: Model,
    /// Column with the dyad identifier.
    #[arg(long, default_value = "couple")]
    pub dyad_col: String,
    /// Column with the person identifier.
    #[arg(long, default_value = "person")]
    pub person_col: String,
    /// Column with the time of each row (sorted within each person).
    #[arg(long, default_value = "time")]
    pub time_col: String,
    /// Column with the measured value.
    #[arg(long, default_value = "dial")]
    pub value_col: String,
    /// Column (0/1) telling the two partners of a dyad apart.
    #[arg(long, default_value = "female")]
    pub partner_col: String,
    /// Inertia-coordination lag: a number of rows N, or absMaxCC (rties' signed lag of the
    /// largest absolute cross-correlation, per dyad).
    /// At most 1000000 rows.
    #[arg(long, default_value = "absMaxCC", value_parser = clap::builder::ValueParser::new(str::parse::<Lag>))]
    pub lag: Lag,
    /// Oscillator: the delays tau to try (comma-separated; each 1 to 10000).
    #[arg(long, default_value = "4,5", value_delimiter = ',')]
    pub taus: Vec<usize>,
    /// Oscillator: the embedding dimensions to try (comma-separated, each 3 to 1000).
    #[arg(long, default_value = "3,4,5", value_delimiter = ',')]
    pub embeds: Vec<usize>,
    /// Oscillator: the time between two rows, in the unit the periods are reported in.
    #[arg(long, default_value_t = 1.0)]
    pub delta: f64,
    /// How partner columns are built: rties (rties' rule, quirk included) or partner.
    #[arg(long, value_enum, default_value = "rties")]
    pub pairing: PairingArg,
    /// rties' model comparisons: inertia-only, coordination-only and full; or uncoupled and
    /// coupled oscillator; with their mean adjusted R².
    #[arg(long, conflicts_with = "profiles")]
    pub compare: bool,
    /// Latent profiles: a Gaussian mixture with K profiles over the per-dyad slopes (the
    /// covariance model chosen by BIC), with its stability across restarts and resamples.
    #[arg(long, value_name = "K")]
    pub profiles: Option<usize>,
    /// Profiles: EM starts per covariance model (the first from hierarchical clustering, as
    /// mclust; the others seeded k-means++); the highest likelihood is kept. At most 1000.
    #[arg(long, default_value_t = 10)]
    pub starts: usize,
    /// Profiles: bootstrap resamples for the stability of the classification (at most 10000).
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// Profiles: the seed (the same seed gives the same output).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON document instead of CSV.
    #[arg(long)]
    pub json: bool,
}

/// A note on stderr, through the safety policy like every sentence the binary prints.
pub(super) fn note(text: String) {
    let policy = Policy::new(Context::ordinary());
    if let Ok(said) = policy.review(Draft::new(Topic::Interface, "research-note", "note", text)) {
        io::note(&format!("note: {}", said.text()));
    }
}

/// A number at full precision, or empty when missing or not finite (R's NA and NaN, e.g. the R²
/// of a series that is all zeros), for the means the comparisons note on stderr. `+ 0.0` turns a
/// negative zero into 0, as R prints it.
fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{}", v + 0.0),
        _ => String::new(),
    }
}

fn report_skips(skipped: &[Skip]) {
    for s in skipped {
        note(format!("dyad {} was not fitted: {}.", s.dyad, s.reason));
    }
}

fn report_pairing<'a>(pairing: Pairing, self_paired: impl Iterator<Item = &'a str>) {
    let list: Vec<&str> = self_paired.collect();
    if pairing == Pairing::Rties && !list.is_empty() {
        note(format!(
            "with --pairing rties, {} dyad(s) pair a person with themselves, because the person whose id equals the dyad id does not sort first (rties' rule): {}. Use --pairing partner to pair by the partner column.",
            list.len(),
            list.join(", ")
        ));
    }
}

fn report_density(data: &series::SeriesData) {
    let mut lens: Vec<usize> = data.dyads.iter().map(|d| d.persons[0].time.len()).collect();
    lens.sort_unstable();
    if let Some(&median) = lens.get(lens.len().saturating_sub(1) / 2)
        && median < 100
    {
        note(format!(
            "the median series has {median} points per person. These models are for dense series (hundreds of points per person); for daily diaries use --model var1."
        ));
    }
}
/// Limits on the work a flag can ask for (each refused beyond, with exit 2).
const MAX_TAU: usize = 10_000;
const MAX_EMBED: usize = 1_000;
const MAX_STARTS: usize = 1_000;
const MAX_BOOTSTRAP: usize = 10_000;
const MAX_PROFILES: usize = 100;

pub fn run(args: Args) -> CliResult {
    let name = crate::io::input_name(&args.file);
    let cols = Columns {
        dyad: args.dyad_col.clone(),
        person: args.person_col.clone(),
        time: args.time_col.clone(),
        value: args.value_col.clone(),
        partner: args.partner_col.clone(),
    };
    let pairing = match args.pairing {
        PairingArg::Rties => Pairing::Rties,
        PairingArg::Partner => Pairing::Partner,
    };
    // Check every flag before reading the file, so a usage error never costs a parse.
    let lag = args.lag;
    if args.taus.is_empty() || args.taus.iter().any(|&t| !(1..=MAX_TAU).contains(&t)) {
        return Err(CliError::usage(format!(
            "--taus: expected whole numbers of rows from 1 to {MAX_TAU}"
        )));
    }
    if args.embeds.is_empty() || args.embeds.iter().any(|&e| !(3..=MAX_EMBED).contains(&e)) {
        return Err(CliError::usage(format!(
            "--embeds: expected embedding dimensions from 3 (a second derivative needs three points) to {MAX_EMBED}"
        )));
    }
    if !(1..=MAX_STARTS).contains(&args.starts) {
        return Err(CliError::usage(format!(
            "--starts: expected a number of EM starts from 1 to {MAX_STARTS}, found {}",
            args.starts
        )));
    }
    if args.bootstrap > MAX_BOOTSTRAP {
        return Err(CliError::usage(format!(
            "--bootstrap: expected at most {MAX_BOOTSTRAP} resamples, found {}",
            args.bootstrap
        )));
    }
    if args.profiles.is_some_and(|k| k > MAX_PROFILES) {
        return Err(CliError::usage(format!(
            "--profiles: expected at most {MAX_PROFILES} profiles"
        )));
    }
    if !(args.delta > 0.0 && args.delta.is_finite()) {
        return Err(CliError::usage("--delta: expected a positive number"));
    }
    if args.profiles == Some(0) {
        return Err(CliError::usage("--profiles: expected 1 or more profiles"));
    }
    if args.model == Model::Var1 && (args.compare || args.profiles.is_some()) {
        return Err(CliError::usage(
            "--compare and --profiles apply to the inertia-coordination and coupled-oscillator models",
        ));
    }
    let text = read_input(&args.file)?;
    let data = series::data::parse(&name, &text, &cols)?;
    match args.model {
        Model::InertiaCoordination => ic::run(&args, &data, lag, pairing),
        Model::CoupledOscillator => clo::run(&args, &data, pairing),
        Model::Var1 => var::run(&args, &data),
    }
}

/// A number as both outputs print it: `+ 0.0` turns a negative zero into 0 (as R prints it);
/// missing or not finite is `null` in JSON and an empty field in CSV.
fn finite<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.is_finite() => s.serialize_f64(x + 0.0),
        _ => s.serialize_none(),
    }
}
/// The one output path of every `closer series` table: the same rows (one `Serialize` type per
/// table, flat, numbers through [`finite`]) become the JSON document's `dyads` or the CSV, so the
/// two cannot drift (`tests/cli/series.rs`, `*_csv_and_json_carry_the_same_columns_and_values`).
fn emit_rows<T: Serialize>(args: &Args, rows: &[T]) -> CliResult {
    if args.json {
        // An object, so its rows keep their keys in the row type's order (a bare array would go
        // through `serde_json::Value`, which sorts them).
        #[derive(Serialize)]
        struct Rows<'a, T: Serialize> {
            dyads: &'a [T],
        }
        return io::emit_versioned(&Rows { dyads: rows }, "dyads");
    }
    emit_csv(rows)
}

/// Rows as CSV through `csv::Writer` (the header from the row type's field names), printed with
/// `io::emit`.
fn emit_csv<T: Serialize>(rows: &[T]) -> CliResult {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(|e| CliError::Other(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    io::emit(&String::from_utf8(bytes).map_err(|e| CliError::Other(e.into()))?)
}

/// A comparison document: the per-dyad rows (the CSV's rows), the means (on stderr with CSV) and
/// the dyads that were not fitted.
#[derive(Serialize)]
struct Compare<'a, T: Serialize, M: Serialize> {
    model: &'static str,
    dyads: &'a [T],
    mean: M,
    skipped: &'a [Skip],
}

#[cfg(test)]
mod tests {
    /// The help states the VAR(1) minimum as a number; it must be the one the code refuses at.
    #[test]
    fn the_help_states_the_var1_minimum_the_code_uses() {
        let stated = format!(
            "{} usable days per dyad",
            closer_analyze::series::var1::MIN_DAYS
        );
        assert!(super::AFTER_HELP.contains(&stated), "{stated}");
    }
}
