//! `closer assess`: score validated questionnaires, measure change against measurement error,
//! and (with no subcommand) a few reflection questions of our own.
//!
//! Scoring, statistics, norms and signals come from `closer_measure`; every sentence comes from
//! `closer_guide::narrate_measure` as a `Said`. This file parses arguments and prints.
//!
//! Privacy: a responses file may hold many people's answers. The CPQ's threat, name-calling and
//! aggression answers of other people are printed only with `--research`; a one-row file is one
//! person's own answers, and that person sees their own signals and where they lead.

use crate::error::{CliError, CliResult};
use crate::io::{Part, part};
use closer_domain::SafetySignal;
use closer_guide::narrate_measure as nm;
use closer_measure::change::{self, PairChange};
use closer_measure::instrument::{self, IDS, Instrument, Kind, Order};
use closer_measure::norms::{self, Percentile};
use closer_measure::quadrant::{self, QuadrantLabel, Rule};
use closer_measure::score::{ItemTotal, MIN_SUMMARY, Scored, Summary, score};
use closer_measure::signals::signals;
use closer_measure::{Responses, responses};
use closer_safety::grading::{Grading, grade};
use closer_safety::{Said, Withheld};
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    Score(ScoreArgs),
    Change(ChangeArgs),
}

/// The answers file and how to read it (shared by score and change).
#[derive(clap::Args, Clone)]
struct Reading {
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
    #[arg(long)]
    missing: Option<String>,
    /// Where you are (a region code or a country name, any case), for the helplines shown when
    /// answers matter for safety; also read from CLOSER_REGION. Never stored.
    #[arg(long, value_name = "PLACE")]
    region: Option<String>,
}

/// The region from --region or CLOSER_REGION, checked: an unknown place is bad usage.
fn region_of(r: &Reading) -> CliResult<Option<String>> {
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

/// Score a responses file: subscale scores per respondent; for research files (30 or more
/// respondents) means, SDs, alpha, SEM and item–total correlations.
///
/// Reverse-keyed items are scored as (min + max − answer) on the scale given. Scores stay on
/// that scale unless --rescale is given. A subscale is scored with at most one missing item,
/// and only if it has six or more items; otherwise it is left unscored.
///
/// For one person (a one-row file) the attachment instruments show both scores, a plain reading,
/// and a region of the attachment map as a secondary label with its rule; the ECR answered on
/// 1–5 also shows percentiles against the public ECR sample (self-selected, online).
#[derive(clap::Args)]
struct ScoreArgs {
    #[command(flatten)]
    reading: Reading,
    /// The responses CSV.
    file: PathBuf,
    /// Report scores on the instrument's published scale (a labelled linear rescaling).
    #[arg(long)]
    rescale: bool,
    /// The rule for the secondary region label: midpoint (default) or functions (the
    /// classification functions; ECR and ECR-R answered on 1–7 only).
    #[arg(long, value_parser = ["midpoint", "functions"], default_value = "midpoint")]
    quadrant: String,
    /// Show every row's CPQ threat, name-calling and aggression answers (other people's private
    /// information: only for researchers entitled to see them).
    #[arg(long)]
    research: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

/// Change between two administrations: the difference, its standard error of measurement and
/// the Jacobson–Truax reliable-change index (RCI = (after − before) / (√2 · SEM), SEM =
/// SD · √(1 − reliability)). Rows of the two files are paired in order.
///
/// Reliability and SD come from --reliability and --sd, or from values documented for the
/// instrument on the scale given (only the ECR on 1–5 has them, computed from the public data);
/// otherwise the command asks for them.
#[derive(clap::Args)]
struct ChangeArgs {
    #[command(flatten)]
    reading: Reading,
    /// Answers from the first time.
    #[arg(long)]
    before: PathBuf,
    /// Answers from the second time.
    #[arg(long)]
    after: PathBuf,
    /// Reliability: one value for every subscale (0.9) or per subscale (anxiety=0.9,avoidance=0.92).
    #[arg(long)]
    reliability: Option<String>,
    /// Standard deviation of the scores in a comparable sample: one value or per subscale.
    #[arg(long)]
    sd: Option<String>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> CliResult {
    match args.command {
        None => reflect(),
        Some(Sub::Score(a)) => run_score(a),
        Some(Sub::Change(a)) => run_change(a),
    }
}

fn withheld(e: Withheld) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

/// Plain text for one said item: its title, then its text wrapped and indented.
fn render(s: &Said) -> String {
    let mut out = format!("{}\n", s.title());
    for para in s.text().lines() {
        out.push_str(&wrap(para, 76, "  "));
    }
    out.push('\n');
    out
}

/// One interface line followed by a blank line.
fn line(s: &Said) -> String {
    format!("{}\n\n", s.text())
}

/// The snake_case JSON name of a signal's domain or direction, for the research table.
fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Resolves the instrument, order and scale from the shared flags.
fn setup(r: &Reading) -> CliResult<(&'static Instrument, &'static Order, [i32; 2])> {
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

fn read(
    path: &Path,
    inst: &Instrument,
    scale: [i32; 2],
    missing: Option<&str>,
) -> CliResult<Responses> {
    let text = crate::io::read_input(path)?;
    Ok(responses::parse(
        &path.display().to_string(),
        &text,
        inst.items,
        scale,
        missing,
    )?)
}

fn score_file(
    path: &Path,
    inst: &'static Instrument,
    order: &Order,
    scale: [i32; 2],
    missing: Option<&str>,
    rescale: bool,
) -> CliResult<(Responses, Scored)> {
    let r = read(path, inst, scale, missing)?;
    if r.is_empty() {
        return Err(CliError::usage(format!(
            "{}: no respondents (expected a header with Q1..Q{} and at least one row)",
            path.display(),
            inst.items
        )));
    }
    let s = score(inst, order, &r, rescale).map_err(|e| CliError::usage(e.to_string()))?;
    Ok((r, s))
}

/// Per-respondent extras for attachment instruments: the region label and percentiles.
struct Extras {
    quadrant: Option<QuadrantLabel>,
    percentiles: Vec<(String, Percentile)>,
}

fn extras(inst: &Instrument, scored: &Scored, row: usize, rule: Rule) -> CliResult<Extras> {
    let mut e = Extras {
        quadrant: None,
        percentiles: Vec::new(),
    };
    if inst.kind == Kind::Communication {
        return Ok(e);
    }
    let (Some(ai), Some(vi)) = (
        scored.subscale_index("anxiety"),
        scored.subscale_index("avoidance"),
    ) else {
        return Ok(e);
    };
    let r = &scored.respondents[row];
    // On the metric shown (a rescaled score is classified on the published scale by the
    // midpoint rule, which is the same split); the functions need a 1–7 administration.
    let scale = if rule == Rule::Functions {
        scored.administered
    } else {
        scored.metric.scale
    };
    if let (Some(a), Some(v)) = (r.scores[ai], r.scores[vi]) {
        e.quadrant = Some(
            quadrant::classify(inst, scale, a, v, rule)
                .map_err(|e| CliError::usage(e.to_string()))?,
        );
    } else if rule == Rule::Functions {
        // Still refuse an inapplicable rule even when this row is unscorable.
        quadrant::classify(inst, scored.administered, 1.0, 1.0, rule)
            .map_err(|e| CliError::usage(e.to_string()))?;
    }
    // Percentiles: ECR on 1–5 only, on the unrescaled score.
    for (idx, id) in [(ai, "anxiety"), (vi, "avoidance")] {
        if let Some(x) = r.scores[idx] {
            let raw = match scored.metric.rescaled_from {
                Some(from) => {
                    let p = scored.metric.scale;
                    f64::from(from[0])
                        + (x - f64::from(p[0])) * f64::from(from[1] - from[0])
                            / f64::from(p[1] - p[0])
                }
                None => x,
            };
            if let Some(p) = norms::ecr_percentile(&inst.id, scored.administered, id, raw) {
                e.percentiles.push((id.to_string(), p));
            }
        }
    }
    Ok(e)
}

// ---------------------------------------------------------------- score: JSON shapes

/// One respondent as `{"line": …, "anxiety": …, "avoidance": …, …}` in subscale order.
struct RespondentOut<'a> {
    scored: &'a Scored,
    row: usize,
    extras: Option<Extras>,
    signals: Option<Vec<SafetySignal>>,
}

impl Serialize for RespondentOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.scored.respondents[self.row];
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("line", &r.line)?;
        for (i, sub) in self.scored.subscales.iter().enumerate() {
            m.serialize_entry(&sub.id, &r.scores[i])?;
        }
        if r.missing.iter().any(|&k| k > 0) {
            let missing: BTreeMap<&str, usize> = self
                .scored
                .subscales
                .iter()
                .zip(&r.missing)
                .map(|(s, &k)| (s.id.as_str(), k))
                .collect();
            m.serialize_entry("missing", &missing)?;
        }
        if let Some(e) = &self.extras {
            if let Some(q) = &e.quadrant {
                m.serialize_entry("quadrant", &QuadrantOut::from(q))?;
            }
            if !e.percentiles.is_empty() {
                let p: BTreeMap<&str, f64> = e
                    .percentiles
                    .iter()
                    .map(|(k, p)| (k.as_str(), p.percentile))
                    .collect();
                m.serialize_entry("percentiles", &p)?;
            }
        }
        if let Some(sig) = &self.signals {
            m.serialize_entry("signals", sig)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct QuadrantOut<'a> {
    label: &'a str,
    rule: Rule,
    /// Both scores, always with the label.
    anxiety: f64,
    avoidance: f64,
    scale: [i32; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    midpoint: Option<f64>,
    secondary: bool,
}

impl<'a> From<&'a QuadrantLabel> for QuadrantOut<'a> {
    fn from(q: &'a QuadrantLabel) -> Self {
        QuadrantOut {
            label: q.quadrant.as_str(),
            rule: q.rule,
            anxiety: q.anxiety,
            avoidance: q.avoidance,
            scale: q.scale,
            midpoint: q.midpoint,
            secondary: true,
        }
    }
}

#[derive(Serialize)]
struct SubscaleOut<'a> {
    id: &'a str,
    label: &'a str,
    items: usize,
    range: [f64; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct GradingOut<'a> {
    grades: Vec<&'static str>,
    safety_mode: bool,
    said: Vec<Part<'a>>,
}

#[derive(Serialize)]
struct ScoreOut<'a> {
    instrument: &'a str,
    name: &'a str,
    citation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<&'a str>,
    /// The scale scores are reported on.
    scale: [i32; 2],
    /// The scale the answers were given on.
    administered: [i32; 2],
    rescaled_from: Option<[i32; 2]>,
    relationship_specific: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    subscales: Vec<SubscaleOut<'a>>,
    respondents: Vec<RespondentOut<'a>>,
    summary_minimum: usize,
    summary: Option<BTreeMap<&'a str, &'a Summary>>,
    item_total: Option<BTreeMap<&'a str, &'a [ItemTotal]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grading: Option<GradingOut<'a>>,
    notes: Vec<Part<'a>>,
}

fn run_score(a: ScoreArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let rule = if a.quadrant == "functions" {
        Rule::Functions
    } else {
        Rule::Midpoint
    };
    let (resp, scored) = score_file(
        &a.file,
        inst,
        order,
        scale,
        a.reading.missing.as_deref(),
        a.rescale,
    )?;
    let region = region_of(&a.reading)?;
    let n = scored.respondents.len();
    let one = n == 1;

    // Signals: one person's own answers, or every row with --research; never other people's
    // by default.
    let has_pairs = !inst.signals.is_empty();
    let show_signals = has_pairs && (one || a.research);
    let row_signals: Vec<Option<Vec<SafetySignal>>> = (0..n)
        .map(|i| show_signals.then(|| signals(inst, order, resp.row(i), scale)))
        .collect();
    let own: Option<(Vec<SafetySignal>, Grading)> = if one && has_pairs {
        let s = row_signals[0].clone().unwrap_or_default();
        let g = grade(&s);
        Some((s, g))
    } else {
        None
    };
    // One person's own safety signs put the narration in safety mode (no shared framing).
    let p = match &own {
        Some((_, g)) => nm::policy_for(g),
        None => nm::policy(),
    };

    // Notes, all through the policy.
    let mut notes: Vec<Said> = Vec::new();
    notes.push(nm::about_instrument(&p, inst, &scored).map_err(withheld)?);
    let demand: Vec<Option<Said>> = (0..scored.subscales.len())
        .map(|i| nm::demand_note(&p, &scored, i))
        .collect::<Result<_, _>>()
        .map_err(withheld)?;
    notes.extend(demand.iter().flatten().cloned());
    if scored.summary.is_none() && !one {
        notes.push(nm::too_few_for_summary(&p, n).map_err(withheld)?);
    }
    if scored.summary.is_some() {
        notes.push(nm::research_note(&p).map_err(withheld)?);
    }
    if has_pairs && !one && !a.research {
        notes.push(nm::signals_withheld(&p).map_err(withheld)?);
    }
    let signal_said = match &own {
        Some((s, g)) => nm::signals_routed(&p, s, g, region.as_deref()).map_err(withheld)?,
        None => Vec::new(),
    };

    // Per-respondent extras: the map for attachment instruments. For a research file the region
    // label is still computed per row (with both scores beside it) in JSON.
    let mut ex: Vec<Option<Extras>> = Vec::with_capacity(n);
    for i in 0..n {
        ex.push(if inst.kind == Kind::Communication {
            None
        } else {
            Some(extras(inst, &scored, i, rule)?)
        });
    }

    if a.json {
        let out = ScoreOut {
            instrument: &inst.id,
            name: &inst.name,
            citation: &inst.citation,
            order: (inst.orders.len() > 1).then_some(scored.order.as_str()),
            scale: scored.metric.scale,
            administered: scored.administered,
            rescaled_from: scored.metric.rescaled_from,
            relationship_specific: inst.kind == Kind::RelationshipSpecific,
            target: inst.target.as_deref(),
            subscales: scored
                .subscales
                .iter()
                .zip(&demand)
                .map(|(s, d)| SubscaleOut {
                    id: &s.id,
                    label: &s.label,
                    items: s.items,
                    range: s.range,
                    note: d.as_ref().map(|d| d.text()),
                })
                .collect(),
            respondents: ex
                .into_iter()
                .zip(row_signals)
                .enumerate()
                .map(|(row, (extras, signals))| RespondentOut {
                    scored: &scored,
                    row,
                    extras,
                    signals,
                })
                .collect(),
            summary_minimum: MIN_SUMMARY,
            summary: scored.summary.as_ref().map(|v| {
                scored
                    .subscales
                    .iter()
                    .zip(v)
                    .map(|(s, x)| (s.id.as_str(), x))
                    .collect()
            }),
            item_total: scored.item_total.as_ref().map(|v| {
                scored
                    .subscales
                    .iter()
                    .zip(v)
                    .map(|(s, x)| (s.id.as_str(), x.as_slice()))
                    .collect()
            }),
            grading: own.as_ref().map(|(_, g)| GradingOut {
                grades: g.grades.iter().map(|g| g.as_str()).collect(),
                safety_mode: g.safety_mode(),
                said: signal_said.iter().map(part).collect(),
            }),
            notes: notes.iter().map(part).collect(),
        };
        return crate::io::print_json(&out);
    }

    let mut text = String::new();
    // With a safety sign, safety help and the numbers lead: shown before anything else.
    let lead = own.as_ref().is_some_and(|(_, g)| nm::needs_safety_mode(g));
    if lead {
        for s in &signal_said {
            text.push_str(&render(s));
        }
    }
    text.push_str(&render(&notes[0]));
    if one {
        for s in nm::scores(&p, inst, &scored, 0).map_err(withheld)? {
            text.push_str(&render(&s));
        }
        if let Some(e) = &ex[0] {
            let find = |id: &str| e.percentiles.iter().find(|(k, _)| k == id).map(|(_, p)| p);
            if let Some(s) = nm::norms(&p, find("anxiety"), find("avoidance")).map_err(withheld)? {
                text.push_str(&render(&s));
            }
            if let Some(q) = &e.quadrant {
                text.push_str(&render(&nm::quadrant(&p, inst, q).map_err(withheld)?));
            }
        }
    } else {
        text.push_str(&line(&nm::respondents_count(&p, n).map_err(withheld)?));
        if n <= 50 {
            text.push_str(&score_table(&scored));
        } else {
            text.push_str(&line(&nm::per_respondent_pointer(&p).map_err(withheld)?));
        }
        if let (Some(sum), Some(it)) = (&scored.summary, &scored.item_total) {
            let heading = nm::item_total_heading(&p).map_err(withheld)?;
            text.push_str(&summary_table(&scored, sum, it, &heading));
        }
        if a.research && has_pairs {
            let heading = nm::research_signals_heading(&p).map_err(withheld)?;
            text.push_str(&signal_table(&scored, &row_signals, &heading));
        }
    }
    for s in notes.iter().skip(1) {
        text.push_str(&render(s));
    }
    if !lead {
        for s in &signal_said {
            text.push_str(&render(s));
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

fn fmt_opt(x: Option<f64>, width: usize) -> String {
    match x {
        Some(v) => format!("{v:>width$.3}"),
        None => format!("{:>width$}", "—"),
    }
}

fn score_table(s: &Scored) -> String {
    let mut t = format!("{:>6}", "line");
    for sub in &s.subscales {
        t.push_str(&format!("  {:>12}", short(&sub.id)));
    }
    t.push('\n');
    for r in &s.respondents {
        t.push_str(&format!("{:>6}", r.line));
        for x in &r.scores {
            t.push_str(&format!("  {}", fmt_opt(*x, 12)));
        }
        t.push('\n');
    }
    t.push('\n');
    t
}

fn short(id: &str) -> String {
    match id {
        "constructive_communication" => "constructive".into(),
        "self_demand_partner_withdraw" => "self_dem/p_wd".into(),
        "partner_demand_self_withdraw" => "p_dem/self_wd".into(),
        "total_demand_withdraw" => "total_d/w".into(),
        other => other.into(),
    }
}

fn summary_table(s: &Scored, sum: &[Summary], it: &[Vec<ItemTotal>], heading: &Said) -> String {
    let mut t = format!(
        "{:<30} {:>7} {:>8} {:>7} {:>7} {:>7} {:>10}\n",
        "subscale", "n", "mean", "sd", "alpha", "SEM", "complete"
    );
    for (sub, x) in s.subscales.iter().zip(sum) {
        t.push_str(&format!(
            "{:<30} {:>7} {:>8.3} {:>7.3} {} {} {:>10}\n",
            sub.id,
            x.n,
            x.mean,
            x.sd,
            fmt_opt(x.alpha, 7),
            fmt_opt(x.sem, 7),
            x.n_complete
        ));
    }
    t.push('\n');
    t.push_str(heading.text());
    t.push('\n');
    for (sub, items) in s.subscales.iter().zip(it) {
        t.push_str(&format!("  {}:", sub.id));
        for (k, i) in items.iter().enumerate() {
            if k % 6 == 0 {
                t.push_str("\n   ");
            }
            t.push_str(&format!(
                " {:>4}{}{}",
                i.column,
                if i.reversed { "r" } else { " " },
                fmt_opt(i.r, 6)
            ));
        }
        t.push('\n');
    }
    t.push('\n');
    t
}

fn signal_table(s: &Scored, sig: &[Option<Vec<SafetySignal>>], heading: &Said) -> String {
    let mut t = format!("{}\n", heading.text());
    let mut any = false;
    for (r, list) in s.respondents.iter().zip(sig) {
        for x in list.iter().flatten() {
            any = true;
            let item = match &x.source {
                closer_domain::SignalSource::Item(i) => i.as_str(),
                _ => "",
            };
            t.push_str(&format!(
                "  {:>6}  {item}  {}  {}\n",
                r.line,
                snake(&x.domain),
                snake(&x.direction)
            ));
        }
    }
    if !any {
        t.push_str("  —\n");
    }
    t.push('\n');
    t
}

// ---------------------------------------------------------------- change

#[derive(Serialize)]
struct PairOut<'a> {
    #[serde(flatten)]
    pair: &'a PairChange,
    /// The plain sentences: per subscale, whether the change is larger than the noise.
    said: Vec<Part<'a>>,
}

#[derive(Serialize)]
struct ChangeOut<'a> {
    instrument: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<&'a str>,
    scale: [i32; 2],
    pairs: Vec<PairOut<'a>>,
    notes: Vec<Part<'a>>,
    /// One person's own CPQ signals in each file (one-row files only; other people's answers
    /// are never shown), and where they lead.
    #[serde(skip_serializing_if = "Option::is_none")]
    signals: Option<ChangeSignals>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grading: Option<GradingOut<'a>>,
}

#[derive(Serialize)]
struct ChangeSignals {
    before: Vec<SafetySignal>,
    after: Vec<SafetySignal>,
}

fn run_change(a: ChangeArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let missing = a.reading.missing.as_deref();
    let region = region_of(&a.reading)?;
    let (before_resp, before) = score_file(&a.before, inst, order, scale, missing, false)?;
    let (after_resp, after) = score_file(&a.after, inst, order, scale, missing, false)?;
    // The CPQ's direction signals in both files, routed as the screen routes them: a file of
    // one row is one person's own answers; other people's are never read out (as in `score`).
    let has_pairs = !inst.signals.is_empty();
    let one = before.respondents.len() == 1 && after.respondents.len() == 1;
    let own: Option<(ChangeSignals, Grading)> = (has_pairs && one).then(|| {
        let b = signals(inst, order, before_resp.row(0), scale);
        let af = signals(inst, order, after_resp.row(0), scale);
        let g = grade(&b.iter().chain(&af).cloned().collect::<Vec<_>>());
        (
            ChangeSignals {
                before: b,
                after: af,
            },
            g,
        )
    });
    let ids: Vec<&str> = before.subscales.iter().map(|s| s.id.as_str()).collect();
    let err = |e: change::ChangeError| CliError::usage(e.to_string());
    let r = match &a.reliability {
        Some(t) => change::parse_values("reliability", t, &ids).map_err(err)?,
        None => BTreeMap::new(),
    };
    let sd = match &a.sd {
        Some(t) => change::parse_values("sd", t, &ids).map_err(err)?,
        None => BTreeMap::new(),
    };
    let params = change::resolve(inst, &before, &r, &sd).map_err(err)?;
    let pairs = change::change(&before, &after, &params).map_err(err)?;
    let p = match &own {
        Some((_, g)) => nm::policy_for(g),
        None => nm::policy(),
    };
    let mut notes: Vec<Said> = vec![nm::about_instrument(&p, inst, &before).map_err(withheld)?];
    for i in 0..before.subscales.len() {
        if let Some(d) = nm::demand_note(&p, &before, i).map_err(withheld)? {
            notes.push(d);
        }
    }
    if has_pairs && !one {
        notes.push(nm::signals_withheld(&p).map_err(withheld)?);
    }
    let signal_said: Vec<Said> = match &own {
        Some((sig, g)) => {
            let all: Vec<SafetySignal> = sig.before.iter().chain(&sig.after).cloned().collect();
            // The same item in both files is listed once.
            let mut seen = std::collections::BTreeSet::new();
            let unique: Vec<SafetySignal> = all
                .into_iter()
                .filter(|x| seen.insert(format!("{:?}", x.source)))
                .collect();
            nm::signals_routed(&p, &unique, g, region.as_deref()).map_err(withheld)?
        }
        None => Vec::new(),
    };
    let per_pair: Vec<Vec<Said>> = pairs
        .iter()
        .map(|pc| nm::change(&p, pc))
        .collect::<Result<_, _>>()
        .map_err(withheld)?;
    if a.json {
        return crate::io::print_json(&ChangeOut {
            instrument: &inst.id,
            order: (inst.orders.len() > 1).then_some(before.order.as_str()),
            scale,
            pairs: pairs
                .iter()
                .zip(&per_pair)
                .map(|(pair, said)| PairOut {
                    pair,
                    said: said.iter().map(part).collect(),
                })
                .collect(),
            notes: notes.iter().map(part).collect(),
            grading: own.as_ref().map(|(_, g)| GradingOut {
                grades: g.grades.iter().map(|g| g.as_str()).collect(),
                safety_mode: g.safety_mode(),
                said: signal_said.iter().map(part).collect(),
            }),
            signals: own.map(|(s, _)| s),
        });
    }
    let mut text = String::new();
    // With a safety sign, safety help and the numbers lead: shown before anything else.
    let lead = own.as_ref().is_some_and(|(_, g)| nm::needs_safety_mode(g));
    if lead {
        for s in &signal_said {
            text.push_str(&render(s));
        }
    }
    text.push_str(&render(&notes[0]));
    for (pc, said) in pairs.iter().zip(&per_pair) {
        if pairs.len() > 1 {
            let h = nm::pair_heading(&p, pc.before_line, pc.after_line).map_err(withheld)?;
            text.push_str(&line(&h));
        }
        for s in said {
            text.push_str(&render(s));
        }
    }
    for s in notes.iter().skip(1) {
        text.push_str(&render(s));
    }
    if !lead {
        for s in &signal_said {
            text.push_str(&render(s));
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

// ---------------------------------------------------------------- reflection

/// The reflection questions: one at a time on a private screen, each skippable; without a
/// terminal, printed with the pointer to validated forms, never waiting for input.
fn reflect() -> CliResult {
    let r = nm::reflection(&nm::policy()).map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    if !crate::io::interactive() {
        let mut text = render(&r.intro);
        for (i, q) in r.questions.iter().enumerate() {
            text.push_str(&wrap(
                &format!("{}. {}", i + 1, q.question.text()),
                76,
                "  ",
            ));
        }
        text.push('\n');
        text.push_str(&render(&r.closing));
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        return Ok(());
    }
    let mut term = crate::term::Screen::enter();
    term.show(&render(&r.intro));
    if !term.pause(r.keys.begin.text()) {
        return Ok(());
    }
    let total = r.questions.len();
    for (i, q) in r.questions.iter().enumerate() {
        term.clear();
        term.show(&format!("{}/{total}\n\n", i + 1));
        term.show(&wrap(q.question.text(), 76, "  "));
        // What is typed stays on this screen only: it is not kept, and the screen clears.
        let Some(answer) = term.ask(&format!("\n  {}\n> ", r.keys.answer.text())) else {
            return Ok(());
        };
        if answer.eq_ignore_ascii_case("q") {
            return Ok(());
        }
        term.show(&format!("\n{}", wrap(q.prompt.text(), 76, "  ")));
        if !term.pause(&format!("\n{}", r.keys.next.text())) {
            return Ok(());
        }
    }
    term.clear();
    term.show(&render(&r.closing));
    term.pause(r.keys.close.text());
    Ok(())
}
