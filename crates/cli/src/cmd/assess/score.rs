//! `closer assess score`: subscale scores per respondent, the research summary for larger
//! files, and for one person their own reading, map region, percentiles and safety signs.

use super::{
    GradingOut, Reading, keep, region_of, score_file, setup, tables, top_unused, withheld,
};
use crate::cmd::journal::DbArgs;
use crate::error::{CliError, CliResult};
use crate::io::{Page, Part, emit_page, emit_versioned, part};
use closer_domain::SafetySignal;
use closer_guide::measure_view::{self as mv, Extras};
use closer_guide::narrate_measure as nm;
use closer_measure::instrument::{Instrument, Kind};
use closer_measure::quadrant::{QuadrantLabel, Rule};
use closer_measure::score::{ItemTotal, MIN_SUMMARY, Scored, Summary};
use closer_measure::signals::signals;
use closer_safety::Said;
use closer_safety::grading::Grading;
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
pub(super) struct ScoreArgs {
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
    /// Keep these scores (and the answers) in your journal: one person's own answers only (a
    /// one-row file). Without it, at a terminal, you are asked after the scores are shown, and
    /// nothing is kept unless you say yes.
    #[arg(long)]
    keep: bool,
    #[command(flatten)]
    db: DbArgs,
}

fn extras(inst: &Instrument, scored: &Scored, row: usize, rule: Rule) -> CliResult<Extras> {
    mv::extras(inst, scored, row, rule).map_err(CliError::usage)
}

// ---------------------------------------------------------------- score: JSON shapes

/// One respondent as `{"line": …, "anxiety": …, "avoidance": …, …}` in subscale order.
struct RespondentOut<'a> {
    scored: &'a Scored,
    row: usize,
    extras: Option<Extras>,
    signals: Option<Vec<SafetySignal>>,
    /// Per subscale: withheld row by row (demand scores of other people's answers).
    hidden: &'a [bool],
}

impl Serialize for RespondentOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.scored.respondents[self.row];
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("line", &r.line)?;
        for (i, sub) in self.scored.subscales.iter().enumerate() {
            let v = if self.hidden.get(i).copied().unwrap_or(false) {
                None
            } else {
                r.scores[i]
            };
            m.serialize_entry(&sub.id, &v)?;
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
    /// Subscales whose per-row scores are withheld (null in `respondents`): demand scores that
    /// contain safety items, in a multi-row file without --research.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    per_row_withheld: Vec<&'a str>,
    summary_minimum: usize,
    summary: Option<BTreeMap<&'a str, &'a Summary>>,
    item_total: Option<BTreeMap<&'a str, &'a [ItemTotal]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grading: Option<GradingOut<'a>>,
    /// One person's own reading in words (a one-row file): the same sentences the text shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reading: Vec<Part<'a>>,
    notes: Vec<Part<'a>>,
}

pub(super) fn run_score(a: ScoreArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let rule = if a.quadrant == "functions" {
        Rule::Functions
    } else {
        Rule::Midpoint
    };
    let (resp, scored) = score_file(&a.file, inst, order, scale, &a.reading, a.rescale)?;
    let region = region_of(&a.reading)?;
    let n = scored.respondents.len();
    let one = n == 1;
    let keeping = keep::decide(a.keep, n, a.json)?;
    let journal = keep::open_first(keeping, &a.db)?;
    let record = |at: i64| keep::record(&inst.id, &resp, &scored, at);

    // Signals: one person's own answers, or every row with --research; never other people's
    // by default.
    let has_pairs = !inst.signals.is_empty();
    let show_signals = has_pairs && (one || a.research);
    let row_signals: Vec<Option<Vec<SafetySignal>>> = (0..n)
        .map(|i| show_signals.then(|| signals(inst, order, resp.row(i), scale)))
        .collect();
    let own: Option<(Vec<SafetySignal>, Grading)> = if one && has_pairs {
        let o = mv::OwnSignals::of(row_signals[0].clone().unwrap_or_default());
        Some((o.signals, o.grading))
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
    notes.extend(top_unused(&p, &a.file, &resp)?);
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
        for i in 0..scored.subscales.len() {
            if let Some(s) = nm::summary_withheld(&p, &scored, i).map_err(withheld)? {
                notes.push(s);
            }
        }
    }
    if has_pairs && !one && !a.research {
        notes.push(nm::signals_withheld(&p).map_err(withheld)?);
    }
    // A row's demand sum can give away that row's threat and name-calling answers.
    let hidden: Vec<bool> = scored
        .subscales
        .iter()
        .map(|s| !one && !a.research && !s.safety_items.is_empty())
        .collect();
    let hidden_labels: Vec<&str> = scored
        .subscales
        .iter()
        .zip(&hidden)
        .filter(|(_, h)| **h)
        .map(|(s, _)| s.label.as_str())
        .collect();
    if !hidden_labels.is_empty() {
        notes.push(nm::demand_rows_withheld(&p, &hidden_labels).map_err(withheld)?);
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

    // One person's own reading: the scores in words, percentiles, the map region.
    let mut reading: Vec<Said> = Vec::new();
    if one {
        reading.extend(mv::reading(&p, inst, &scored, 0, ex[0].as_ref()).map_err(withheld)?);
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
                    hidden: &hidden,
                })
                .collect(),
            per_row_withheld: scored
                .subscales
                .iter()
                .zip(&hidden)
                .filter(|(_, h)| **h)
                .map(|(s, _)| s.id.as_str())
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
            reading: reading.iter().map(part).collect(),
            notes: notes.iter().map(part).collect(),
        };
        emit_versioned(&out, "score")?;
        return keep::keep(keeping, journal, &a.db, a.json, record);
    }

    let mut page = Page::new();
    // With a safety sign, safety help and the numbers lead: shown before anything else.
    let lead = own.as_ref().is_some_and(|(_, g)| nm::needs_safety_mode(g));
    if lead {
        for s in &signal_said {
            page.entry(s);
        }
    }
    page.entry(&notes[0]);
    if one {
        page.entries(&reading);
    } else {
        page.line(&nm::respondents_count(&p, n).map_err(withheld)?);
        if n <= 50 {
            tables::scores(&mut page, &scored, &hidden);
        } else {
            page.line(&nm::per_respondent_pointer(&p).map_err(withheld)?);
        }
        if let (Some(sum), Some(it)) = (&scored.summary, &scored.item_total) {
            let heading = nm::item_total_heading(&p).map_err(withheld)?;
            tables::summary(&mut page, &scored, sum, it, &heading);
        }
        if a.research && has_pairs {
            let heading = nm::research_signals_heading(&p).map_err(withheld)?;
            tables::signals(&mut page, &scored, &row_signals, &heading);
        }
    }
    for s in notes.iter().skip(1) {
        page.entry(s);
    }
    if !lead {
        for s in &signal_said {
            page.entry(s);
        }
    }
    emit_page(&page)?;
    keep::keep(keeping, journal, &a.db, a.json, record)
}
