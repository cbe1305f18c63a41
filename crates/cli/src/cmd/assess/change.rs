//! `closer assess change`: change between two administrations against measurement error (the
//! reliable-change index), pair by pair, with one person's own safety signs routed.

use super::{GradingOut, Reading, region_of, score_file, setup, top_unused, withheld};
use crate::error::{CliError, CliResult};
use crate::io::{Page, Part, emit_page, emit_versioned, part};
use closer_domain::SafetySignal;
use closer_guide::measure_view as mv;
use closer_guide::narrate_measure as nm;
use closer_measure::change::{self, PairChange};
use closer_measure::signals::signals;
use closer_safety::Said;
use closer_safety::grading::Grading;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Change between two administrations: the difference, its standard error of measurement and
/// the Jacobson–Truax reliable-change index (RCI = (after − before) / (√2 · SEM), SEM =
/// SD · √(1 − reliability)). Rows of the two files are paired in order.
///
/// Reliability and SD come from --reliability and --sd, or from values documented for the
/// instrument on the scale given (only the ECR on 1–5 has them, computed from the public data);
/// otherwise the command asks for them.
#[derive(clap::Args)]
pub(super) struct ChangeArgs {
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
    /// With files of more than one row, also show each pair's CPQ demand scores, which contain
    /// the threat and name-calling items (other people's private information: only for
    /// researchers entitled to see them).
    #[arg(long)]
    research: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

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

pub(super) fn run_change(a: ChangeArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let region = region_of(&a.reading)?;
    let (before_resp, before) = score_file(&a.before, inst, order, scale, &a.reading, false)?;
    let (after_resp, after) = score_file(&a.after, inst, order, scale, &a.reading, false)?;
    // The CPQ's direction signals in both files, routed as the screen routes them: a file of
    // one row is one person's own answers; other people's are never read out (as in `score`).
    let has_pairs = !inst.signals.is_empty();
    let one = before.respondents.len() == 1 && after.respondents.len() == 1;
    let own: Option<(ChangeSignals, Grading)> = (has_pairs && one).then(|| {
        let b = signals(inst, order, before_resp.row(0), scale);
        let af = signals(inst, order, after_resp.row(0), scale);
        let g = mv::OwnSignals::of(b.iter().chain(&af).cloned().collect()).grading;
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
    let mut pairs = change::change(&before, &after, &params).map_err(err)?;
    // Other people's demand scores (which contain the threat and name-calling items) are not
    // shown pair by pair without --research: a row's sum can give those answers away.
    let hidden: Vec<&str> = before
        .subscales
        .iter()
        .filter(|s| !one && !a.research && !s.safety_items.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    let hidden_labels: Vec<&str> = before
        .subscales
        .iter()
        .filter(|s| hidden.contains(&s.id.as_str()))
        .map(|s| s.label.as_str())
        .collect();
    for pc in &mut pairs {
        pc.subscales
            .retain(|sc| !hidden.contains(&sc.subscale.as_str()));
    }
    let p = match &own {
        Some((_, g)) => nm::policy_for(g),
        None => nm::policy(),
    };
    let mut notes: Vec<Said> = vec![nm::about_instrument(&p, inst, &before).map_err(withheld)?];
    notes.extend(top_unused(&p, &a.before, &before_resp)?);
    notes.extend(top_unused(&p, &a.after, &after_resp)?);
    for i in 0..before.subscales.len() {
        if let Some(d) = nm::demand_note(&p, &before, i).map_err(withheld)? {
            notes.push(d);
        }
    }
    if has_pairs && !one {
        notes.push(nm::signals_withheld(&p).map_err(withheld)?);
    }
    if !hidden_labels.is_empty() {
        notes.push(nm::demand_rows_withheld(&p, &hidden_labels).map_err(withheld)?);
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
        return emit_versioned(
            &ChangeOut {
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
            },
            "change",
        );
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
    for (pc, said) in pairs.iter().zip(&per_pair) {
        if pairs.len() > 1 {
            let h = nm::pair_heading(&p, pc.before_line, pc.after_line).map_err(withheld)?;
            page.line(&h);
        }
        for s in said {
            page.entry(s);
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
    emit_page(&page)
}
