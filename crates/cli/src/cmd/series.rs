//! `closer series`: rties-compatible dyadic time-series models over many dyads (research track,
//! DESIGN.md §8). Argument parsing and output only; the fits are in `closer_analyze::series`.
//!
//! Output is data, not words to a person (ARCHITECTURE.md, "Words and data"): per-dyad CSV or
//! JSON tables of estimates for a researcher, printed with the raw `io::emit` (allowed for this
//! module in `cmd/mod.rs`). Its sentences — notes on stderr about skipped or thin dyads — pass
//! through the policy (`note` below) as interface text.

use crate::error::{CliError, CliResult};
use crate::io::{self, read_input};
use closer_analyze::series::{
    self, CloDyad, Columns, Fitted, Grid, IcDyad, IcFit, Lag, Pairing, Skip,
    profiles::{ProfileError, ProfileOptions, Profiles},
    var1,
};
use closer_safety::{Context, Draft, Policy, Topic};
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Models (rties 5.0.0-compatible; see docs/research.md, \"Series models\"):
  inertia-coordination  x_k(t) = c_k + inert_k x_k(t-L) + coord_k x_partner(t-L), per dyad,
                        both partners stacked; columns int0 int1 inert0 coord0 inert1 coord1
                        r2 adj_r2 (uncentred R², adjusted with p = rank), shift, n.
  coupled-oscillator    GLLA level and derivatives over the (tau, embed) grid, rties' choice
                        of the first largest adjusted R²; columns tau embed obs_0 d1_0 p_obs_0
                        p_d1_0 obs_1 d1_1 p_obs_1 p_d1_1 period_0 period_1 r2 adj_r2, n.
  var1                  a dyadic VAR(1) for daily diaries, with t intervals; refused below
                        the documented minimum of usable days per dyad.

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
fn note(text: String) {
    let policy = Policy::new(Context::ordinary());
    if let Ok(said) = policy.review(Draft::new(Topic::Interface, "research-note", "note", text)) {
        io::note(&format!("note: {}", said.text()));
    }
}

/// A number at full precision, or empty when missing or not finite (R's NA and NaN, e.g. the R²
/// of a series that is all zeros). `+ 0.0` turns a negative zero into 0, as R prints it.
fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{}", v + 0.0),
        _ => String::new(),
    }
}

/// As [`num`], for JSON: `null` when missing or not finite.
fn jnum(x: Option<f64>) -> Value {
    match x {
        Some(v) if v.is_finite() => json!(v + 0.0),
        _ => Value::Null,
    }
}

/// CSV field quoting for identifiers and reasons.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
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

const CLO_COLS: [&str; 8] = [
    "obs_0", "d1_0", "p_obs_0", "p_d1_0", "obs_1", "d1_1", "p_obs_1", "p_d1_1",
];

fn clo_values(d: &CloDyad) -> [Option<f64>; 8] {
    let f = &d.fit;
    [
        f.obs_0, f.d1_0, f.p_obs_0, f.p_d1_0, f.obs_1, f.d1_1, f.p_obs_1, f.p_d1_1,
    ]
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
        Model::InertiaCoordination => {
            report_density(&data);
            let fitted = series::inertia_coordination(&data, lag, pairing, args.compare);
            report_skips(&fitted.skipped);
            report_pairing(
                pairing,
                fitted
                    .dyads
                    .iter()
                    .filter(|d| d.self_paired)
                    .map(|d| d.dyad.as_str()),
            );
            if let Some(k) = args.profiles {
                let rows = fitted
                    .dyads
                    .iter()
                    .map(|d| {
                        let f = &d.full;
                        (d.dyad.clone(), vec![f.inert0, f.coord0, f.inert1, f.coord1])
                    })
                    .collect();
                return profiles_out(
                    &args,
                    "inertia-coordination",
                    &["inert0", "coord0", "inert1", "coord1"],
                    rows,
                    k,
                    &fitted.skipped,
                );
            }
            if args.compare {
                ic_compare(&args, &fitted)
            } else {
                ic_out(&args, &fitted)
            }
        }
        Model::CoupledOscillator => {
            report_density(&data);
            let grid = Grid {
                taus: args.taus.clone(),
                embeds: args.embeds.clone(),
                delta: args.delta,
            };
            let fitted = series::coupled_oscillator(&data, &grid, pairing);
            report_skips(&fitted.skipped);
            report_pairing(
                pairing,
                fitted
                    .dyads
                    .iter()
                    .filter(|d| d.self_paired)
                    .map(|d| d.dyad.as_str()),
            );
            let eta: Vec<&str> = fitted
                .dyads
                .iter()
                .filter(|d| d.fit.eta_not_negative)
                .map(|d| d.dyad.as_str())
                .collect();
            if !eta.is_empty() {
                note(format!(
                    "in {} dyad(s) a frequency coefficient (obs_0 or obs_1) is not negative, so that series does not oscillate in the model; the period is still reported, as rties does: {}.",
                    eta.len(),
                    eta.join(", ")
                ));
            }
            if let Some(k) = args.profiles {
                let rows = fitted
                    .dyads
                    .iter()
                    .map(|d| (d.dyad.clone(), clo_values(d).to_vec()))
                    .collect();
                return profiles_out(
                    &args,
                    "coupled-oscillator",
                    &CLO_COLS,
                    rows,
                    k,
                    &fitted.skipped,
                );
            }
            if args.compare {
                clo_compare(&args, &fitted)
            } else {
                clo_out(&args, &fitted)
            }
        }
        Model::Var1 => var1_out(&args, &data),
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

/// One row of the inertia–coordination table: the same type serialises the JSON document and
/// the CSV (through `csv::Writer`), so the two cannot drift.
#[derive(serde::Serialize)]
struct IcRow<'a> {
    dyad: &'a str,
    #[serde(serialize_with = "finite")]
    int0: Option<f64>,
    #[serde(serialize_with = "finite")]
    int1: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert0: Option<f64>,
    #[serde(serialize_with = "finite")]
    coord0: Option<f64>,
    #[serde(serialize_with = "finite")]
    inert1: Option<f64>,
    #[serde(serialize_with = "finite")]
    coord1: Option<f64>,
    #[serde(serialize_with = "finite")]
    r2: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2: Option<f64>,
    shift: Option<i64>,
    cc_lag: Option<i64>,
    n: Option<usize>,
    rank: Option<usize>,
    skipped: Option<&'a str>,
}

/// Rows as CSV through `csv::Writer` (header from the row type's field names).
fn emit_csv<T: serde::Serialize>(rows: &[T]) -> CliResult {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(|e| CliError::Other(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    io::emit(&String::from_utf8(bytes).map_err(|e| CliError::Other(e.into()))?)
}

fn ic_out(args: &Args, fitted: &Fitted<IcDyad>) -> CliResult {
    let mut rows: Vec<IcRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let f = &d.full;
            IcRow {
                dyad: &d.dyad,
                int0: f.int0,
                int1: f.int1,
                inert0: f.inert0,
                coord0: f.coord0,
                inert1: f.inert1,
                coord1: f.coord1,
                r2: Some(f.r2),
                adj_r2: f.adj_r2,
                shift: Some(d.slide),
                cc_lag: d.cc_lag,
                n: Some(f.n),
                rank: Some(f.rank),
                skipped: None,
            }
        })
        .collect();
    rows.extend(fitted.skipped.iter().map(|s| IcRow {
        dyad: &s.dyad,
        int0: None,
        int1: None,
        inert0: None,
        coord0: None,
        inert1: None,
        coord1: None,
        r2: None,
        adj_r2: None,
        shift: None,
        cc_lag: None,
        n: None,
        rank: None,
        skipped: Some(&s.reason),
    }));
    if args.json {
        return io::emit_versioned(&rows, "dyads");
    }
    emit_csv(&rows)
}

fn push_skipped_json(arr: &mut Vec<Value>, skipped: &[Skip], cols: &[&str]) {
    for s in skipped {
        let mut o = serde_json::Map::new();
        o.insert("dyad".into(), json!(s.dyad));
        for c in cols {
            o.insert((*c).into(), Value::Null);
        }
        o.insert("skipped".into(), json!(s.reason));
        arr.push(Value::Object(o));
    }
}

/// One row of the coupled-oscillator table (JSON and CSV from this one type).
#[derive(serde::Serialize)]
struct CloRow<'a> {
    dyad: &'a str,
    tau: Option<usize>,
    embed: Option<usize>,
    #[serde(serialize_with = "finite")]
    obs_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    d1_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_obs_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_d1_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    obs_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    d1_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_obs_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    p_d1_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    period_0: Option<f64>,
    #[serde(serialize_with = "finite")]
    period_1: Option<f64>,
    #[serde(serialize_with = "finite")]
    r2: Option<f64>,
    #[serde(serialize_with = "finite")]
    adj_r2: Option<f64>,
    n: Option<usize>,
    rank: Option<usize>,
    skipped: Option<&'a str>,
}

fn clo_out(args: &Args, fitted: &Fitted<CloDyad>) -> CliResult {
    let mut rows: Vec<CloRow> = fitted
        .dyads
        .iter()
        .map(|d| {
            let f = &d.fit;
            CloRow {
                dyad: &d.dyad,
                tau: Some(f.tau),
                embed: Some(f.embed),
                obs_0: f.obs_0,
                d1_0: f.d1_0,
                p_obs_0: f.p_obs_0,
                p_d1_0: f.p_d1_0,
                obs_1: f.obs_1,
                d1_1: f.d1_1,
                p_obs_1: f.p_obs_1,
                p_d1_1: f.p_d1_1,
                period_0: f.period_0,
                period_1: f.period_1,
                adj_r2: f.adj_r2,
                r2: Some(f.r2),
                n: Some(f.n),
                rank: Some(f.rank),
                skipped: None,
            }
        })
        .collect();
    rows.extend(fitted.skipped.iter().map(|s| CloRow {
        dyad: &s.dyad,
        tau: None,
        embed: None,
        obs_0: None,
        d1_0: None,
        p_obs_0: None,
        p_d1_0: None,
        obs_1: None,
        d1_1: None,
        p_obs_1: None,
        p_d1_1: None,
        period_0: None,
        period_1: None,
        r2: None,
        adj_r2: None,
        n: None,
        rank: None,
        skipped: Some(&s.reason),
    }));
    if args.json {
        return io::emit_versioned(&rows, "dyads");
    }
    emit_csv(&rows)
}

#[derive(Serialize)]
struct Compare<T: Serialize> {
    model: &'static str,
    dyads: Vec<T>,
    mean: Value,
    skipped: Vec<Skip>,
}

fn ic_compare(args: &Args, fitted: &Fitted<IcDyad>) -> CliResult {
    let adj = |f: &Option<IcFit>| f.as_ref().and_then(|f| f.adj_r2);
    let rows: Vec<[Option<f64>; 3]> = fitted
        .dyads
        .iter()
        .map(|d| [adj(&d.inertia), adj(&d.coordination), d.full.adj_r2])
        .collect();
    let mean = |i: usize| series::mean_present(rows.iter().map(|r| r[i]));
    let means = [mean(0), mean(1), mean(2)];
    let dif = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
    if args.json {
        let dyads: Vec<Value> = fitted
            .dyads
            .iter()
            .zip(&rows)
            .map(|(d, r)| {
                json!({
                    "dyad": d.dyad,
                    "adj_r2_inertia": jnum(r[0]),
                    "adj_r2_coordination": jnum(r[1]),
                    "adj_r2_inert_coord": jnum(r[2]),
                    "dif_ic_inertia": jnum(dif(r[2], r[0])),
                    "dif_ic_coordination": jnum(dif(r[2], r[1])),
                })
            })
            .collect();
        return io::emit_versioned(
            &Compare {
                model: "inertia-coordination",
                dyads,
                mean: json!({
                    "adj_r2_inertia": jnum(means[0]),
                    "adj_r2_coordination": jnum(means[1]),
                    "adj_r2_inert_coord": jnum(means[2]),
                }),
                skipped: fitted.skipped.clone(),
            },
            "comparison",
        );
    }
    let mut out = String::from(
        "dyad,adj_r2_inertia,adj_r2_coordination,adj_r2_inert_coord,dif_ic_inertia,dif_ic_coordination\n",
    );
    for (d, r) in fitted.dyads.iter().zip(&rows) {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            field(&d.dyad),
            num(r[0]),
            num(r[1]),
            num(r[2]),
            num(dif(r[2], r[0])),
            num(dif(r[2], r[1]))
        );
    }
    io::emit(&out)?;
    io::note(&format!(
        "mean adjusted R² over {} dyads: inertia {}, coordination {}, inertia-coordination {}",
        rows.len(),
        num(means[0]),
        num(means[1]),
        num(means[2])
    ));
    Ok(())
}

fn clo_compare(args: &Args, fitted: &Fitted<CloDyad>) -> CliResult {
    let rows: Vec<[Option<f64>; 2]> = fitted
        .dyads
        .iter()
        .map(|d| [d.fit.uncoupled_adj_r2, d.fit.adj_r2])
        .collect();
    let mean = |i: usize| series::mean_present(rows.iter().map(|r| r[i]));
    let means = [mean(0), mean(1)];
    let dif = |r: &[Option<f64>; 2]| r[1].zip(r[0]).map(|(a, b)| a - b);
    if args.json {
        let dyads: Vec<Value> = fitted
            .dyads
            .iter()
            .zip(&rows)
            .map(|(d, r)| {
                json!({
                    "dyad": d.dyad,
                    "tau": d.fit.tau,
                    "embed": d.fit.embed,
                    "adj_r2_uncoupled": jnum(r[0]),
                    "adj_r2_coupled": jnum(r[1]),
                    "dif": jnum(dif(r)),
                })
            })
            .collect();
        return io::emit_versioned(
            &Compare {
                model: "coupled-oscillator",
                dyads,
                mean: json!({
                    "adj_r2_uncoupled": jnum(means[0]),
                    "adj_r2_coupled": jnum(means[1]),
                }),
                skipped: fitted.skipped.clone(),
            },
            "comparison",
        );
    }
    let mut out = String::from("dyad,tau,embed,adj_r2_uncoupled,adj_r2_coupled,dif\n");
    for (d, r) in fitted.dyads.iter().zip(&rows) {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            field(&d.dyad),
            d.fit.tau,
            d.fit.embed,
            num(r[0]),
            num(r[1]),
            num(dif(r))
        );
    }
    io::emit(&out)?;
    io::note(&format!(
        "mean adjusted R² over {} dyads: uncoupled {}, coupled {}",
        rows.len(),
        num(means[0]),
        num(means[1])
    ));
    Ok(())
}

#[derive(Serialize)]
struct ProfilesOut<'a> {
    model: &'static str,
    parameters: &'a [&'a str],
    profiles: &'a Profiles,
    dyads: Vec<Value>,
    dropped: Vec<Skip>,
}

fn profiles_out(
    args: &Args,
    model: &'static str,
    names: &[&str],
    rows: Vec<(String, Vec<Option<f64>>)>,
    k: usize,
    skipped: &[Skip],
) -> CliResult {
    let mut kept = Vec::new();
    let mut x = Vec::new();
    let mut dropped: Vec<Skip> = skipped.to_vec();
    for (dyad, vals) in rows {
        let missing: Vec<&str> = names
            .iter()
            .zip(&vals)
            .filter(|(_, v)| v.is_none_or(|v| !v.is_finite()))
            .map(|(n, _)| *n)
            .collect();
        if missing.is_empty() {
            x.push(
                vals.iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>(),
            );
            kept.push(dyad);
        } else {
            dropped.push(Skip {
                dyad,
                reason: format!("missing parameter(s): {}", missing.join(", ")),
            });
        }
    }
    for d in &dropped {
        note(format!(
            "dyad {} is not in the profiles: {}.",
            d.dyad, d.reason
        ));
    }
    let opt = ProfileOptions {
        k,
        starts: args.starts.max(1),
        bootstrap: args.bootstrap,
        seed: args.seed,
    };
    let p = match series::profiles::profiles(&x, &opt) {
        Ok(p) => p,
        Err(ProfileError::TooFewRows { rows, k }) => {
            return Err(CliError::usage(format!(
                "--profiles {k}: {rows} dyad(s) with every parameter present; a mixture with {k} profile(s) needs more dyads than profiles"
            )));
        }
        Err(ProfileError::NoFit) => {
            return Err(CliError::Other(anyhow::anyhow!(
                "no covariance model could be fitted with {k} profile(s) (every fit became singular); try fewer profiles"
            )));
        }
    };
    let dyads: Vec<Value> = kept
        .iter()
        .zip(p.labels.iter().zip(&p.probability))
        .map(|(d, (l, pr))| json!({"dyad": d, "profile": l, "probability": pr}))
        .collect();
    if args.json {
        return io::emit_versioned(
            &ProfilesOut {
                model,
                parameters: names,
                profiles: &p,
                dyads,
                dropped,
            },
            "profiles",
        );
    }
    let mut out = String::from("dyad,profile,probability,skipped\n");
    for (d, (l, pr)) in kept.iter().zip(p.labels.iter().zip(&p.probability)) {
        let _ = writeln!(out, "{},{l},{pr},", field(d));
    }
    for d in &dropped {
        let _ = writeln!(out, "{},,,{}", field(&d.dyad), field(&d.reason));
    }
    io::emit(&out)?;
    let mut s = format!(
        "profiles: {} over {} dyads and {} parameters ({}); covariance model by BIC (larger is better):\n",
        p.k,
        p.n,
        p.dims,
        names.join(", ")
    );
    for r in &p.table {
        let _ = writeln!(
            s,
            "  {}  parameters {:>3}  BIC {}{}",
            r.family,
            r.parameters,
            r.bic
                .map_or("failed (singular)".to_string(), |b| format!("{b:.3}")),
            r.ari_with_chosen
                .map_or(String::new(), |a| format!("  ARI with chosen {a:.3}"))
        );
    }
    let ari = |a: &series::profiles::AriSummary| {
        format!(
            "{} runs, min {}, median {}, mean {}",
            a.runs,
            a.min.map_or("-".into(), |v| format!("{v:.3}")),
            a.median.map_or("-".into(), |v| format!("{v:.3}")),
            a.mean.map_or("-".into(), |v| format!("{v:.3}"))
        )
    };
    let _ = writeln!(s, "chosen: {}; profile sizes {:?}", p.chosen, p.sizes);
    if !p.close.is_empty() {
        let _ = writeln!(
            s,
            "close: {} within {} BIC of {}: the data do not clearly prefer one covariance model; compare their classifications (ARI above) before reading the profiles",
            p.close.join(", "),
            series::profiles::BIC_CLOSE,
            p.chosen
        );
    }
    let _ = writeln!(
        s,
        "stability (adjusted Rand index with the chosen classification):"
    );
    let _ = writeln!(s, "  across restarts: {}", ari(&p.restart_ari));
    let _ = write!(s, "  across bootstrap resamples: {}", ari(&p.bootstrap_ari));
    io::note(&s);
    Ok(())
}

const VAR_COLS: [&str; 6] = ["int0", "inert0", "cross0", "int1", "inert1", "cross1"];

fn var1_out(args: &Args, data: &series::SeriesData) -> CliResult {
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
