//! The results of `closer assess score` and `closer assess change` as values: everything said,
//! what is shown or withheld row by row, and the JSON documents (`ScoreDoc`, `ChangeDoc`) and
//! rows (`RespondentRow`) they serialise to. The command line only parses arguments, reads the
//! files and lays these values out (a terminal page, JSON, CSV); another front end that wants
//! the same document serialises the same types.
//!
//! Privacy is decided here, once: a responses file may hold many people's answers, so the CPQ's
//! direction signals of other people are listed only for a research reader, and demand scores
//! (which contain the threat and name-calling items) are withheld row by row in a file of
//! several people without `research`. A one-row file is one person's own answers: that person
//! sees their own signals and where they lead.

use super::{Extras, OwnError, OwnSignals, extras, reading};
use crate::narrate_measure as nm;
use closer_domain::SafetySignal;
use closer_measure::Responses;
use closer_measure::change::PairChange;
use closer_measure::instrument::{Instrument, Kind, Order};
use closer_measure::quadrant::{QuadrantLabel, Rule};
use closer_measure::score::{ItemTotal, MIN_SUMMARY, Scored, Summary};
use closer_measure::signals::signals;
use closer_safety::grading::Grading;
use closer_safety::{Policy, Said};
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------- shared pieces

/// One reviewed sentence in a document: its kind, title and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SaidDoc<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub text: &'a str,
}

impl<'a> From<&'a Said> for SaidDoc<'a> {
    fn from(s: &'a Said) -> Self {
        SaidDoc {
            kind: s.kind(),
            title: s.title(),
            text: s.text(),
        }
    }
}

fn docs(said: &[Said]) -> Vec<SaidDoc<'_>> {
    said.iter().map(SaidDoc::from).collect()
}

/// Where one person's own safety signs lead (score and change alike).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradingDoc<'a> {
    pub grades: Vec<&'static str>,
    pub safety_mode: bool,
    pub said: Vec<SaidDoc<'a>>,
}

impl<'a> GradingDoc<'a> {
    pub fn new(g: &Grading, said: &'a [Said]) -> GradingDoc<'a> {
        GradingDoc {
            grades: g.grades.iter().map(|g| g.as_str()).collect(),
            safety_mode: g.safety_mode(),
            said: docs(said),
        }
    }
}

/// The instrument's item order, named only where it has more than one (the ECR-R).
fn order_name<'a>(inst: &Instrument, scored: &'a Scored) -> Option<&'a str> {
    (inst.orders.len() > 1).then_some(scored.order.as_str())
}

/// The warning for answers that never reach the top of the declared scale (`file` as the notes
/// name it), or `None`.
pub fn top_unused(p: &Policy, file: &str, r: &Responses) -> Result<Option<Said>, OwnError> {
    match r.highest_answer() {
        Some(h) if i32::from(h) < r.scale[1] => {
            Ok(Some(nm::top_of_scale_unused(p, file, h, r.scale)?))
        }
        _ => Ok(None),
    }
}

// ---------------------------------------------------------------- score

/// One scored responses file and how it is to be read.
#[derive(Debug, Clone, Copy)]
pub struct ScoreInput<'a> {
    pub instrument: &'static Instrument,
    pub order: &'a Order,
    pub responses: &'a Responses,
    pub scored: &'a Scored,
    /// The rule of the secondary map-region label.
    pub rule: Rule,
    /// A research reader entitled to every row's signals and demand scores.
    pub research: bool,
    /// Where the person is, for the helplines of their own safety signs.
    pub region: Option<&'a str>,
    /// The file's name as the notes say it.
    pub file: &'a str,
}

/// A scored file with everything said about it and what is shown of each row.
#[derive(Debug, Clone)]
pub struct ScoreView<'a> {
    pub instrument: &'static Instrument,
    pub scored: &'a Scored,
    /// The policy everything was said under (safety mode with one person's own safety signs).
    pub policy: Policy,
    /// One person's own answers (a one-row file).
    pub one: bool,
    /// The instrument has direction signals (the CPQ).
    pub has_pairs: bool,
    /// Per row: its signals, where they are shown (one person's own, or `research`).
    pub row_signals: Vec<Option<Vec<SafetySignal>>>,
    /// One person's own signals and their grading.
    pub own: Option<OwnSignals>,
    /// Notes in order; the first says what the instrument is.
    pub notes: Vec<Said>,
    /// The note on answers that never reach the top of the scale (also among `notes`).
    pub top_unused: Option<Said>,
    /// Per subscale: its demand note.
    pub demand: Vec<Option<Said>>,
    /// Per subscale: withheld row by row (demand scores of other people's answers).
    pub hidden: Vec<bool>,
    /// One person's own signals in words and where they lead.
    pub signal_said: Vec<Said>,
    /// Per row: the map region and percentiles (attachment instruments).
    pub extras: Vec<Option<Extras>>,
    /// One person's own reading in words: the scores, percentiles and map region.
    pub reading: Vec<Said>,
    /// Safety help and the numbers lead: shown before anything else.
    pub lead: bool,
}

/// What is said and shown about a scored file. A rule that does not apply (the classification
/// functions off a 1–7 administration) is [`OwnError::Score`].
pub fn score_view(i: ScoreInput<'_>) -> Result<ScoreView<'_>, OwnError> {
    let (inst, scored) = (i.instrument, i.scored);
    let n = scored.respondents.len();
    let one = n == 1;
    // Signals: one person's own answers, or every row with research; never other people's by
    // default.
    let has_pairs = !inst.signals.is_empty();
    let show_signals = has_pairs && (one || i.research);
    let row_signals: Vec<Option<Vec<SafetySignal>>> = (0..n)
        .map(|r| {
            show_signals.then(|| signals(inst, i.order, i.responses.row(r), i.responses.scale))
        })
        .collect();
    let own =
        (one && has_pairs).then(|| OwnSignals::of(row_signals[0].clone().unwrap_or_default()));
    // One person's own safety signs put the narration in safety mode (no shared framing).
    let p = match &own {
        Some(o) => nm::policy_for(&o.grading),
        None => nm::policy(),
    };
    let mut notes: Vec<Said> = vec![nm::about_instrument(&p, inst, scored)?];
    let top = top_unused(&p, i.file, i.responses)?;
    notes.extend(top.clone());
    let demand: Vec<Option<Said>> = (0..scored.subscales.len())
        .map(|s| nm::demand_note(&p, scored, s))
        .collect::<Result<_, _>>()?;
    notes.extend(demand.iter().flatten().cloned());
    if scored.summary.is_none() && !one {
        notes.push(nm::too_few_for_summary(&p, n)?);
    }
    if scored.summary.is_some() {
        notes.push(nm::research_note(&p)?);
        for s in 0..scored.subscales.len() {
            notes.extend(nm::summary_withheld(&p, scored, s)?);
        }
    }
    if has_pairs && !one && !i.research {
        notes.push(nm::signals_withheld(&p)?);
    }
    // A row's demand sum can give away that row's threat and name-calling answers.
    let hidden: Vec<bool> = scored
        .subscales
        .iter()
        .map(|s| !one && !i.research && !s.safety_items.is_empty())
        .collect();
    let hidden_labels: Vec<&str> = scored
        .subscales
        .iter()
        .zip(&hidden)
        .filter(|(_, h)| **h)
        .map(|(s, _)| s.label.as_str())
        .collect();
    if !hidden_labels.is_empty() {
        notes.push(nm::demand_rows_withheld(&p, &hidden_labels)?);
    }
    let signal_said = match &own {
        Some(o) => nm::signals_routed(&p, &o.signals, &o.grading, i.region)?,
        None => Vec::new(),
    };
    // Per-respondent extras: the map for attachment instruments. For a research file the region
    // label is still computed per row (with both scores beside it).
    let ex: Vec<Option<Extras>> = (0..n)
        .map(|r| {
            if inst.kind == Kind::Communication {
                Ok(None)
            } else {
                extras(inst, scored, r, i.rule).map(Some)
            }
        })
        .collect::<Result<_, _>>()
        .map_err(OwnError::Score)?;
    let mut read: Vec<Said> = Vec::new();
    if one {
        read.extend(reading(&p, inst, scored, 0, ex[0].as_ref())?);
    }
    let lead = own.as_ref().is_some_and(OwnSignals::lead);
    Ok(ScoreView {
        instrument: inst,
        scored,
        policy: p,
        one,
        has_pairs,
        row_signals,
        own,
        notes,
        top_unused: top,
        demand,
        hidden,
        signal_said,
        extras: ex,
        reading: read,
        lead,
    })
}

/// One respondent as `{"line": …, "anxiety": …, "avoidance": …, …}` in subscale order, then
/// `missing` (when any answer is missing), `quadrant`, `percentiles` and `signals` where shown.
#[derive(Debug, Clone)]
pub struct RespondentRow<'a> {
    scored: &'a Scored,
    row: usize,
    extras: Option<&'a Extras>,
    signals: Option<&'a [SafetySignal]>,
    /// Per subscale: withheld row by row.
    hidden: &'a [bool],
}

impl<'a> RespondentRow<'a> {
    /// The row's line in the file.
    pub fn line(&self) -> u64 {
        self.scored.respondents[self.row].line
    }

    /// The subscale scores as shown: `None` for an unscorable or withheld one.
    pub fn scores(&self) -> impl Iterator<Item = (&'a str, Option<f64>)> + '_ {
        let r = &self.scored.respondents[self.row];
        self.scored
            .subscales
            .iter()
            .enumerate()
            .map(move |(i, sub)| {
                let shown = !self.hidden.get(i).copied().unwrap_or(false);
                (sub.id.as_str(), r.scores[i].filter(|_| shown))
            })
    }

    /// Missing answers per subscale.
    pub fn missing(&self) -> impl Iterator<Item = (&'a str, usize)> + '_ {
        let r = &self.scored.respondents[self.row];
        self.scored
            .subscales
            .iter()
            .zip(&r.missing)
            .map(|(s, &k)| (s.id.as_str(), k))
    }

    /// The map region, where both scores are there.
    pub fn quadrant(&self) -> Option<&'a QuadrantLabel> {
        self.extras.and_then(|e| e.quadrant.as_ref())
    }

    /// The percentiles by subscale, where the norms apply.
    pub fn percentiles(&self) -> BTreeMap<&'a str, f64> {
        self.extras
            .map(|e| {
                e.percentiles
                    .iter()
                    .map(|(k, p)| (k.as_str(), p.percentile))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The row's signals, where they are shown.
    pub fn signals(&self) -> Option<&'a [SafetySignal]> {
        self.signals
    }
}

impl Serialize for RespondentRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("line", &self.line())?;
        for (id, v) in self.scores() {
            m.serialize_entry(id, &v)?;
        }
        if self.missing().any(|(_, k)| k > 0) {
            let missing: BTreeMap<&str, usize> = self.missing().collect();
            m.serialize_entry("missing", &missing)?;
        }
        if let Some(q) = self.quadrant() {
            m.serialize_entry("quadrant", &QuadrantDoc::from(q))?;
        }
        let p = self.percentiles();
        if !p.is_empty() {
            m.serialize_entry("percentiles", &p)?;
        }
        if let Some(sig) = self.signals {
            m.serialize_entry("signals", sig)?;
        }
        m.end()
    }
}

/// The snake_case name a value serialises to (a rule, a signal's domain or direction).
fn name_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A number as the JSON document writes it; empty for none.
fn cell(x: Option<f64>) -> String {
    x.and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_default()
}

/// The per-respondent table as CSV cells: the header and one record per row, made from the same
/// [`RespondentRow`] values the JSON document serialises, so the two cannot drift. Columns:
/// `line`; each subscale's score (empty when unscorable or withheld); `missing_<subscale>`; for
/// the attachment instruments `quadrant` and `quadrant_rule`; where the norms apply
/// `percentile_<subscale>`; where signals are shown, `signals` (`item domain direction`, `; `
/// between signals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTable {
    pub header: Vec<String>,
    pub records: Vec<Vec<String>>,
}

/// The map region, always with both scores and its rule; a secondary label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuadrantDoc<'a> {
    pub label: &'a str,
    pub rule: Rule,
    pub anxiety: f64,
    pub avoidance: f64,
    pub scale: [i32; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub midpoint: Option<f64>,
    pub secondary: bool,
}

impl<'a> From<&'a QuadrantLabel> for QuadrantDoc<'a> {
    fn from(q: &'a QuadrantLabel) -> Self {
        QuadrantDoc {
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

/// One subscale of the instrument, with its demand note where it has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscaleDoc<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub items: usize,
    pub range: [f64; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

/// The document of `closer assess score --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreDoc<'a> {
    pub instrument: &'a str,
    pub name: &'a str,
    pub citation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<&'a str>,
    /// The scale scores are reported on.
    pub scale: [i32; 2],
    /// The scale the answers were given on.
    pub administered: [i32; 2],
    pub rescaled_from: Option<[i32; 2]>,
    pub relationship_specific: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a str>,
    pub subscales: Vec<SubscaleDoc<'a>>,
    pub respondents: Vec<RespondentRow<'a>>,
    /// Subscales whose per-row scores are withheld (null in `respondents`): demand scores that
    /// contain safety items, in a multi-row file without research.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_row_withheld: Vec<&'a str>,
    pub summary_minimum: usize,
    pub summary: Option<BTreeMap<&'a str, &'a Summary>>,
    pub item_total: Option<BTreeMap<&'a str, &'a [ItemTotal]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingDoc<'a>>,
    /// One person's own reading in words (a one-row file): the same sentences the text shows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<SaidDoc<'a>>,
    pub notes: Vec<SaidDoc<'a>>,
}

impl<'a> ScoreView<'a> {
    /// Every respondent as shown.
    pub fn rows(&self) -> Vec<RespondentRow<'_>> {
        (0..self.scored.respondents.len())
            .map(|row| RespondentRow {
                scored: self.scored,
                row,
                extras: self.extras[row].as_ref(),
                signals: self.row_signals[row].as_deref(),
                hidden: &self.hidden,
            })
            .collect()
    }

    /// The per-respondent table as CSV cells (see [`CsvTable`]).
    pub fn csv_table(&self) -> CsvTable {
        let rows = self.rows();
        let subs: Vec<&str> = self
            .scored
            .subscales
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        let quadrant = self.instrument.kind != Kind::Communication;
        let norms: Vec<&str> = subs
            .iter()
            .copied()
            .filter(|id| rows.iter().any(|r| r.percentiles().contains_key(id)))
            .collect();
        let signals = self.row_signals.iter().any(Option::is_some);
        let mut header = vec!["line".to_string()];
        header.extend(subs.iter().map(|s| s.to_string()));
        header.extend(subs.iter().map(|s| format!("missing_{s}")));
        if quadrant {
            header.extend(["quadrant".to_string(), "quadrant_rule".to_string()]);
        }
        header.extend(norms.iter().map(|s| format!("percentile_{s}")));
        if signals {
            header.push("signals".to_string());
        }
        let records = rows
            .iter()
            .map(|r| {
                let mut rec = vec![r.line().to_string()];
                rec.extend(r.scores().map(|(_, v)| cell(v)));
                rec.extend(r.missing().map(|(_, k)| k.to_string()));
                if quadrant {
                    let q = r.quadrant();
                    rec.push(q.map_or(String::new(), |q| q.quadrant.as_str().to_string()));
                    rec.push(q.map_or(String::new(), |q| name_of(&q.rule)));
                }
                let p = r.percentiles();
                rec.extend(norms.iter().map(|id| cell(p.get(id).copied())));
                if signals {
                    let list: Vec<String> = r
                        .signals()
                        .unwrap_or_default()
                        .iter()
                        .map(|x| {
                            let item = match &x.source {
                                closer_domain::SignalSource::Item(i) => i.as_str(),
                                _ => "",
                            };
                            format!("{item} {} {}", name_of(&x.domain), name_of(&x.direction))
                        })
                        .collect();
                    rec.push(list.join("; "));
                }
                rec
            })
            .collect();
        CsvTable { header, records }
    }

    /// The JSON document.
    pub fn document(&self) -> ScoreDoc<'_> {
        let (inst, scored) = (self.instrument, self.scored);
        let by_id = |v: &'a [Summary]| -> BTreeMap<&'a str, &'a Summary> {
            scored
                .subscales
                .iter()
                .map(|s| s.id.as_str())
                .zip(v)
                .collect()
        };
        ScoreDoc {
            instrument: &inst.id,
            name: &inst.name,
            citation: &inst.citation,
            order: order_name(inst, scored),
            scale: scored.metric.scale,
            administered: scored.administered,
            rescaled_from: scored.metric.rescaled_from,
            relationship_specific: inst.kind == Kind::RelationshipSpecific,
            target: inst.target.as_deref(),
            subscales: scored
                .subscales
                .iter()
                .zip(&self.demand)
                .map(|(s, d)| SubscaleDoc {
                    id: &s.id,
                    label: &s.label,
                    items: s.items,
                    range: s.range,
                    note: d.as_ref().map(Said::text),
                })
                .collect(),
            respondents: self.rows(),
            per_row_withheld: scored
                .subscales
                .iter()
                .zip(&self.hidden)
                .filter(|(_, h)| **h)
                .map(|(s, _)| s.id.as_str())
                .collect(),
            summary_minimum: MIN_SUMMARY,
            summary: scored.summary.as_deref().map(by_id),
            item_total: scored.item_total.as_ref().map(|v| {
                scored
                    .subscales
                    .iter()
                    .zip(v)
                    .map(|(s, x)| (s.id.as_str(), x.as_slice()))
                    .collect()
            }),
            grading: self
                .own
                .as_ref()
                .map(|o| GradingDoc::new(&o.grading, &self.signal_said)),
            reading: docs(&self.reading),
            notes: docs(&self.notes),
        }
    }
}

// ---------------------------------------------------------------- change

/// Two scored administrations, paired row by row, and how they are to be read.
#[derive(Debug, Clone)]
pub struct ChangeInput<'a> {
    pub instrument: &'static Instrument,
    pub order: &'a Order,
    pub before: (&'a Responses, &'a Scored),
    pub after: (&'a Responses, &'a Scored),
    /// The change of each pair of rows (`closer_measure::change::change`).
    pub pairs: Vec<PairChange>,
    /// A research reader entitled to every pair's demand scores.
    pub research: bool,
    pub region: Option<&'a str>,
    /// The two files' names as the notes say them.
    pub files: (&'a str, &'a str),
}

/// One person's own CPQ signals in each file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeSignals {
    pub before: Vec<SafetySignal>,
    pub after: Vec<SafetySignal>,
}

/// The change between two files with everything said about it.
#[derive(Debug, Clone)]
pub struct ChangeView<'a> {
    pub instrument: &'static Instrument,
    pub before: &'a Scored,
    pub policy: Policy,
    /// Each pair with the subscales shown (demand scores withheld without research).
    pub pairs: Vec<PairChange>,
    /// Per pair: whether each subscale's change is larger than the noise.
    pub per_pair: Vec<Vec<Said>>,
    /// Notes in order; the first says what the instrument is.
    pub notes: Vec<Said>,
    /// The notes on answers that never reach the top of the scale, per file (also in `notes`).
    pub top_unused: Vec<Said>,
    /// One person's own signals in each file and their grading (both files together).
    pub own: Option<(ChangeSignals, Grading)>,
    /// Where those signals lead, in words (an item raised in both files said once).
    pub signal_said: Vec<Said>,
    pub lead: bool,
}

/// What is said and shown about the change between two files.
pub fn change_view(i: ChangeInput<'_>) -> Result<ChangeView<'_>, OwnError> {
    let inst = i.instrument;
    let ((before_resp, before), (after_resp, after)) = (i.before, i.after);
    // The CPQ's direction signals in both files, routed as the screen routes them: a file of
    // one row is one person's own answers; other people's are never read out (as in score).
    let has_pairs = !inst.signals.is_empty();
    let one = before.respondents.len() == 1 && after.respondents.len() == 1;
    let own: Option<(ChangeSignals, Grading)> = (has_pairs && one).then(|| {
        let b = signals(inst, i.order, before_resp.row(0), before_resp.scale);
        let af = signals(inst, i.order, after_resp.row(0), after_resp.scale);
        let g = OwnSignals::of(b.iter().chain(&af).cloned().collect()).grading;
        (
            ChangeSignals {
                before: b,
                after: af,
            },
            g,
        )
    });
    // Other people's demand scores (which contain the threat and name-calling items) are not
    // shown pair by pair without research: a row's sum can give those answers away.
    let hidden: Vec<&str> = before
        .subscales
        .iter()
        .filter(|s| !one && !i.research && !s.safety_items.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    let hidden_labels: Vec<&str> = before
        .subscales
        .iter()
        .filter(|s| hidden.contains(&s.id.as_str()))
        .map(|s| s.label.as_str())
        .collect();
    let mut pairs = i.pairs;
    for pc in &mut pairs {
        pc.subscales
            .retain(|sc| !hidden.contains(&sc.subscale.as_str()));
    }
    let p = match &own {
        Some((_, g)) => nm::policy_for(g),
        None => nm::policy(),
    };
    let mut notes: Vec<Said> = vec![nm::about_instrument(&p, inst, before)?];
    let mut top = Vec::new();
    top.extend(top_unused(&p, i.files.0, before_resp)?);
    top.extend(top_unused(&p, i.files.1, after_resp)?);
    notes.extend(top.iter().cloned());
    for s in 0..before.subscales.len() {
        notes.extend(nm::demand_note(&p, before, s)?);
    }
    if has_pairs && !one {
        notes.push(nm::signals_withheld(&p)?);
    }
    if !hidden_labels.is_empty() {
        notes.push(nm::demand_rows_withheld(&p, &hidden_labels)?);
    }
    let signal_said: Vec<Said> = match &own {
        Some((sig, g)) => {
            // The same item in both files is listed once.
            let mut seen = BTreeSet::new();
            let unique: Vec<SafetySignal> = sig
                .before
                .iter()
                .chain(&sig.after)
                .filter(|x| seen.insert(format!("{:?}", x.source)))
                .cloned()
                .collect();
            nm::signals_routed(&p, &unique, g, i.region)?
        }
        None => Vec::new(),
    };
    let per_pair: Vec<Vec<Said>> = pairs
        .iter()
        .map(|pc| nm::change(&p, pc))
        .collect::<Result<_, _>>()?;
    let lead = own.as_ref().is_some_and(|(_, g)| nm::needs_safety_mode(g));
    Ok(ChangeView {
        instrument: inst,
        before,
        policy: p,
        pairs,
        per_pair,
        notes,
        top_unused: top,
        own,
        signal_said,
        lead,
    })
}

/// One pair of rows: its change per subscale and the plain sentences about it.
#[derive(Debug, Clone, Serialize)]
pub struct PairDoc<'a> {
    #[serde(flatten)]
    pub pair: &'a PairChange,
    /// The plain sentences: per subscale, whether the change is larger than the noise.
    pub said: Vec<SaidDoc<'a>>,
}

/// The document of `closer assess change --json`.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeDoc<'a> {
    pub instrument: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<&'a str>,
    pub scale: [i32; 2],
    pub pairs: Vec<PairDoc<'a>>,
    pub notes: Vec<SaidDoc<'a>>,
    /// One person's own CPQ signals in each file (one-row files only; other people's answers
    /// are never shown), and where they lead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<&'a ChangeSignals>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingDoc<'a>>,
}

impl ChangeView<'_> {
    /// The JSON document.
    pub fn document(&self) -> ChangeDoc<'_> {
        ChangeDoc {
            instrument: &self.instrument.id,
            order: order_name(self.instrument, self.before),
            scale: self.before.administered,
            pairs: self
                .pairs
                .iter()
                .zip(&self.per_pair)
                .map(|(pair, said)| PairDoc {
                    pair,
                    said: docs(said),
                })
                .collect(),
            notes: docs(&self.notes),
            signals: self.own.as_ref().map(|(s, _)| s),
            grading: self
                .own
                .as_ref()
                .map(|(_, g)| GradingDoc::new(g, &self.signal_said)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_measure::instrument;
    use closer_measure::score::score;

    fn cpq() -> &'static Instrument {
        instrument::get("cpq").unwrap().unwrap()
    }

    /// CPQ answers, all 1 but the items given (1-based).
    fn row(set: &[(usize, i16)]) -> Vec<Option<i16>> {
        let mut v = vec![Some(1); 35];
        for &(i, x) in set {
            v[i - 1] = Some(x);
        }
        v
    }

    fn view_of(rows: &[Vec<Option<i16>>], research: bool, f: impl FnOnce(&ScoreView<'_>)) {
        let inst = cpq();
        let order = inst.default_order();
        let resp = Responses::from_rows(35, [1, 9], rows);
        let scored = score(inst, order, &resp, false).unwrap();
        let v = score_view(ScoreInput {
            instrument: inst,
            order,
            responses: &resp,
            scored: &scored,
            rule: Rule::Midpoint,
            research,
            region: Some("UK"),
            file: "f.csv",
        })
        .unwrap();
        f(&v);
    }

    #[test]
    fn other_peoples_signals_and_demand_rows_are_shown_only_to_research() {
        let rows = [row(&[(22, 5)]), row(&[(18, 9), (20, 9)])];
        view_of(&rows, false, |v| {
            assert!(!v.one && v.own.is_none() && v.signal_said.is_empty());
            assert!(v.row_signals.iter().all(Option::is_none));
            // Demand subscales (with safety items) are withheld row by row, in JSON and CSV.
            let withheld: Vec<&str> = v
                .scored
                .subscales
                .iter()
                .zip(&v.hidden)
                .filter(|(_, h)| **h)
                .map(|(s, _)| s.id.as_str())
                .collect();
            assert_eq!(
                withheld,
                [
                    "self_demand_partner_withdraw",
                    "partner_demand_self_withdraw"
                ]
            );
            let doc = serde_json::to_value(v.document()).unwrap();
            assert!(doc["respondents"][1]["partner_demand_self_withdraw"].is_null());
            assert!(doc["respondents"][1].get("signals").is_none());
            let t = v.csv_table();
            assert!(!t.header.contains(&"signals".to_string()));
            let col = t
                .header
                .iter()
                .position(|h| h == "partner_demand_self_withdraw")
                .unwrap();
            assert_eq!(t.records[1][col], "");
            assert!(v.notes.iter().any(|s| s.kind() == "signals_withheld"));
        });
        view_of(&rows, true, |v| {
            assert!(v.hidden.iter().all(|h| !h));
            let sig = v.row_signals[0].as_ref().unwrap();
            assert_eq!(sig.len(), 1);
            let t = v.csv_table();
            let col = t.header.iter().position(|h| h == "signals").unwrap();
            assert_eq!(t.records[0][col], "cpq:22 physical_aggression receiving");
            // A research reader gets no "where it leads" for someone else's answers.
            assert!(v.own.is_none() && v.signal_said.is_empty());
        });
    }

    #[test]
    fn one_persons_own_threat_answer_leads_with_help_in_safety_mode() {
        view_of(&[row(&[(18, 3)])], false, |v| {
            assert!(v.one && v.lead);
            let own = v.own.as_ref().unwrap();
            assert!(own.grading.safety_mode());
            assert!(!v.signal_said.is_empty());
            assert_eq!(v.policy.mode(), closer_safety::Mode::Safety);
            let doc = serde_json::to_value(v.document()).unwrap();
            assert_eq!(doc["grading"]["safety_mode"], true);
            assert_eq!(
                doc["grading"]["said"].as_array().unwrap().len(),
                v.signal_said.len()
            );
            assert_eq!(
                doc["respondents"][0]["signals"][0]["source"]["item"],
                "cpq:18"
            );
        });
    }
}
