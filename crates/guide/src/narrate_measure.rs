//! Words about measures: scores, the attachment map, norms, change, the demand-score note,
//! questionnaire safety signals and the reflection questions — every sentence through the
//! safety policy with [`Topic::Measure`] (questions: [`Topic::Reflect`]).
//!
//! Scores are described as a tendency in how someone answered, never as a verdict about who
//! they are. A quadrant is a secondary label: the sentence that gives it always carries both
//! scores and names its rule ([`QuadrantLabel`] holds them, so a label cannot come without them).

use closer_domain::{Direction, SafetySignal, SignalDomain, SignalSource};
use closer_measure::change::{PairChange, Source};
use closer_measure::instrument::{Instrument, Kind};
use closer_measure::norms::Percentile;
use closer_measure::quadrant::{QuadrantLabel, Rule};
use closer_measure::score::{MIN_SUMMARY, Scored, SummaryGap};
use closer_measure::stats::RCI_CRITICAL;
use closer_safety::grading::{Grade, Grading};
use closer_safety::{Context, Draft, Policy, Said, Tag, Topic, Withheld};
use serde::Deserialize;
use std::sync::OnceLock;

/// Scores in words use two decimals: more would pretend to a precision the scales do not have.
fn num(x: f64) -> String {
    format!("{x:.2}")
}

fn said(p: &Policy, kind: &str, title: &str, text: String) -> Result<Said, Withheld> {
    p.review(Draft::new(Topic::Measure, kind, title, text))
}

/// The policy for measure narration. Measure sentences ask nothing of anyone, so they read the
/// same in safety mode.
pub fn policy() -> Policy {
    Policy::new(Context::ordinary())
}

/// "ECR-R, author order, answered on 1–7" — the instrument, its order and scale, named.
pub fn instrument_phrase(inst: &Instrument, scored: &Scored) -> String {
    let mut s = inst.abbreviation.clone();
    if inst.orders.len() > 1 {
        s.push_str(&format!(", {} item order", scored.order));
    }
    s.push_str(&format!(
        ", answered on {}–{}",
        scored.administered[0], scored.administered[1]
    ));
    if let Some(from) = scored.metric.rescaled_from {
        s.push_str(&format!(
            " (scores rescaled linearly from {}–{} to the published {}–{}; a rescaled score is not the same as answering on {}–{})",
            from[0], from[1], scored.metric.scale[0], scored.metric.scale[1], scored.metric.scale[0], scored.metric.scale[1]
        ));
    }
    s
}

/// What the instrument is, with its citation and (for the ECR-RS) its target.
pub fn about_instrument(p: &Policy, inst: &Instrument, scored: &Scored) -> Result<Said, Withheld> {
    let mut text = format!(
        "{} — {}. {}",
        inst.name,
        instrument_phrase(inst, scored),
        inst.citation
    );
    if let Some(src) = inst
        .order(&scored.order)
        .and_then(|o| o.single_source.as_deref())
    {
        text.push_str(&format!(
            " The key for the {} item order comes from a single source, {src}, which we have not been able to check against the author's materials or a second source; treat these scores with that in mind, and prefer the author order when you have the form in that order.",
            scored.order
        ));
    }
    if inst.kind == Kind::RelationshipSpecific {
        let target = inst.target.as_deref().unwrap_or("one relationship");
        text.push_str(&format!(
            " These answers are about one relationship ({target}): a relationship-specific score, which is a different thing from a general attachment score and is never combined with one."
        ));
    }
    said(p, "instrument", "Instrument", text)
}

/// The note that goes with every demand score that contains safety items.
pub fn demand_note(p: &Policy, scored: &Scored, subscale: usize) -> Result<Option<Said>, Withheld> {
    let Some(sub) = scored.subscales.get(subscale) else {
        return Ok(None);
    };
    if sub.safety_items.is_empty() {
        return Ok(None);
    }
    let items: Vec<String> = sub
        .safety_items
        .iter()
        .map(|id| id.rsplit(':').next().unwrap_or(id).to_string())
        .collect();
    let text = format!(
        "The {} score partly contains the questionnaire's threat and name-calling items ({}), so a high score can partly reflect those rather than only one person asking for change and the other pulling back.",
        sub.label,
        items.join(" and ")
    );
    said(p, "demand_note", "About the demand score", text).map(Some)
}

/// One respondent's scores, each on its scale and range, with the tendency reading for the
/// attachment instruments.
pub fn scores(
    p: &Policy,
    inst: &Instrument,
    scored: &Scored,
    row: usize,
) -> Result<Vec<Said>, Withheld> {
    let mut out = Vec::new();
    let Some(r) = scored.respondents.get(row) else {
        return Ok(out);
    };
    let mut parts = Vec::new();
    for (i, sub) in scored.subscales.iter().enumerate() {
        let v = match r.scores.get(i).copied().flatten() {
            Some(x) => num(x),
            None => format!(
                "not scored ({} of {} items missing; a subscale is scored with at most one missing item, and only if it has six or more)",
                r.missing.get(i).copied().unwrap_or(0),
                sub.items
            ),
        };
        parts.push(format!(
            "{}: {v} (possible range {}–{})",
            sub.label,
            num(sub.range[0]),
            num(sub.range[1])
        ));
    }
    out.push(said(
        p,
        "scores",
        "Scores",
        format!(
            "On the {}: {}.",
            instrument_phrase(inst, scored),
            parts.join("; ")
        ),
    )?);
    if inst.kind != Kind::Communication {
        let whom = if inst.kind == Kind::RelationshipSpecific {
            "with this partner"
        } else {
            "in close relationships in general"
        };
        out.push(said(
            p,
            "tendency",
            "What the scores describe",
            format!(
                "Anxiety here is how much you tended to worry about closeness and about being let down {whom}; avoidance is how much you tended to keep some distance or find relying on someone uncomfortable. Higher means more of that tendency in how you answered today. It can shift with time, with stress and with the relationship; it describes a tendency, not a verdict on who you are."
            ),
        )?);
    } else {
        // The shared framing is tagged as such, so safety mode withholds it; what is said then
        // describes the answers without it.
        let shared = Draft::new(
            Topic::Measure,
            "tendency",
            "What the scores describe",
            "These sums describe how you saw your couple's communication when you answered: a description of a pattern between two people, not a verdict on either of you.",
        )
        .tagged(&[Tag::SharedFraming]);
        out.push(match p.review(shared) {
            Ok(x) => x,
            Err(Withheld::SafetyMode(_)) => said(
                p,
                "tendency",
                "What the scores describe",
                "These sums describe how you saw the communication with your partner when you answered. They cannot say how safe things are, and they are not a reason to try harder at talking things through.".to_string(),
            )?,
            Err(e) => return Err(e),
        });
    }
    Ok(out)
}

/// The quadrant as a secondary label: both scores, the scale, and the rule, in one sentence.
pub fn quadrant(p: &Policy, inst: &Instrument, q: &QuadrantLabel) -> Result<Said, Withheld> {
    let rule = match (q.rule, q.midpoint) {
        (Rule::Midpoint, Some(m)) => format!(
            "by the scale-midpoint rule (a score above {} on the {}–{} scale counts as higher)",
            num(m),
            q.scale[0],
            q.scale[1]
        ),
        _ => "by the classification functions widely attributed to Brennan, Clark and Shaver (1998), for the ECR and ECR-R answered on 1–7".to_string(),
    };
    let text = format!(
        "A secondary label, {rule}: anxiety {} and avoidance {} on the {} fall in the region researchers call \"{}\". A region is a shorthand for the two scores, which say more; near the dividing line a small change in answers moves the label.",
        num(q.anxiety),
        num(q.avoidance),
        inst.abbreviation,
        q.quadrant.as_str()
    );
    said(p, "quadrant", "Region on the attachment map", text)
}

/// Percentiles against the public ECR data (ECR on 1–5 only), described as what they are.
pub fn norms(
    p: &Policy,
    anxiety: Option<&Percentile>,
    avoidance: Option<&Percentile>,
) -> Result<Option<Said>, Withheld> {
    let mut parts = Vec::new();
    if let Some(a) = anxiety {
        parts.push(format!(
            "anxiety at about the {:.0}th percentile",
            a.percentile
        ));
    }
    if let Some(v) = avoidance {
        parts.push(format!(
            "avoidance at about the {:.0}th percentile",
            v.percentile
        ));
    }
    let Some(first) = anxiety.or(avoidance) else {
        return Ok(None);
    };
    let text = format!(
        "Compared with {}: {}. That says where these answers fall among those people — not in the population, and not what is typical for anyone in particular.",
        first.sample,
        parts.join(", ")
    );
    said(p, "norms", "Percentiles", text).map(Some)
}

/// Said when a file has too few respondents for summary statistics.
pub fn too_few_for_summary(p: &Policy, n: usize) -> Result<Said, Withheld> {
    said(
        p,
        "summary_minimum",
        "Summary statistics",
        format!(
            "Summary statistics (mean, SD, alpha, standard error of measurement, item–total correlations) are shown only with at least {MIN_SUMMARY} scored respondents; this file has {n}."
        ),
    )
}

/// Said when no answer in a file reaches the top of the declared scale: the form may have been
/// answered on a shorter scale than the one declared.
pub fn top_of_scale_unused(
    p: &Policy,
    file: &str,
    highest: i16,
    scale: [i32; 2],
) -> Result<Said, Withheld> {
    if i32::from(highest) <= scale[0] {
        // Every answer at the bottom: a shorter scale is no explanation (a 1–1 scale is not a
        // scale), so only the check is asked for.
        return said(
            p,
            "top_unused",
            "Check the answer scale",
            format!(
                "Every answer in {file} is {highest}, the lowest point of the {}–{} scale declared. If that is how the form was answered, the scores stand; if the answers were written on another scale, give its ends with --scale-min and --scale-max.",
                scale[0], scale[1]
            ),
        );
    }
    said(
        p,
        "top_unused",
        "Check the answer scale",
        format!(
            "No answer in {file} is above {highest}, although the scale declared is {}–{}. If the form was answered on {}–{highest}, give --scale-min {} --scale-max {highest}: scoring a shorter scale as a longer one moves every reversed item and every score. If {}–{} is right, nobody happened to use its top, and the scores stand.",
            scale[0], scale[1], scale[0], scale[0], scale[0], scale[1]
        ),
    )
}

/// Said for each subscale whose summary statistics are withheld, with the reason.
pub fn summary_withheld(
    p: &Policy,
    scored: &Scored,
    subscale: usize,
) -> Result<Option<Said>, Withheld> {
    let (Some(sub), Some(x)) = (
        scored.subscales.get(subscale),
        scored.summary.as_ref().and_then(|v| v.get(subscale)),
    ) else {
        return Ok(None);
    };
    let text = match x.withheld {
        None => return Ok(None),
        Some(SummaryGap::TooFewScored) => format!(
            "{}: only {} respondents have a score on this part (at least {MIN_SUMMARY} are needed), so its mean, SD, alpha, standard error of measurement and item–total correlations are not shown.",
            sub.label, x.n
        ),
        Some(SummaryGap::TooFewComplete) => format!(
            "{}: only {} rows answer every item of this part (at least {MIN_SUMMARY} are needed), so its alpha, standard error of measurement and item–total correlations are not shown; the mean and SD use all {} scored rows.",
            sub.label, x.n_complete, x.n
        ),
        Some(SummaryGap::AlphaNotPositive) => format!(
            "{}: {}, so the items of this part do not hang together here (a mismatched key, scale or item order can do this). A standard error of measurement built on it would mean nothing, so it is not shown, and it should not be used for change scores.",
            sub.label,
            match x.alpha {
                Some(a) => format!("alpha is {} in this file", num(a)),
                None =>
                    "alpha cannot be computed in this file (the total of these items does not vary)"
                        .to_string(),
            }
        ),
    };
    said(p, "summary_withheld", "Statistics not shown", text).map(Some)
}

/// Said with summary statistics: what alpha and item–total correlations are for.
pub fn research_note(p: &Policy) -> Result<Said, Withheld> {
    said(
        p,
        "research_note",
        "About these statistics",
        "Alpha and item–total correlations describe this sample of respondents; they are for research files, not for judging one person's answers. Alpha and item–total use the rows complete on each subscale; means and SDs use every scored row.".to_string(),
    )
}

/// Interface lines of the research-file output.
pub fn respondents_count(p: &Policy, n: usize) -> Result<Said, Withheld> {
    p.review(Draft::new(
        Topic::Interface,
        "respondents",
        "",
        format!("{n} respondents."),
    ))
}

/// Where per-respondent scores are, when a file is too long to list them.
pub fn per_respondent_pointer(p: &Policy) -> Result<Said, Withheld> {
    p.review(Draft::new(
        Topic::Interface,
        "per_respondent",
        "",
        "Per-respondent scores: add --json.",
    ))
}

/// The heading of the item–total table.
pub fn item_total_heading(p: &Policy) -> Result<Said, Withheld> {
    p.review(Draft::new(
        Topic::Interface,
        "item_total",
        "",
        "Corrected item–total correlations (each item with the sum of the other items; r marks a reversed item):",
    ))
}

/// The heading of the per-row safety items table (`--research` only).
pub fn research_signals_heading(p: &Policy) -> Result<Said, Withheld> {
    p.review(Draft::new(
        Topic::Interface,
        "research_signals",
        "",
        "Safety items by row (--research): line, item, what, direction.",
    ))
}

/// The heading of one before/after pair.
pub fn pair_heading(p: &Policy, before_line: u64, after_line: u64) -> Result<Said, Withheld> {
    p.review(Draft::new(
        Topic::Interface,
        "pair",
        "",
        format!("Before: line {before_line}; after: line {after_line}."),
    ))
}

/// Said for a multi-row file without `--research` when per-row scores of subscales holding
/// safety items are withheld: a row's demand sum can give away its threat and name-calling
/// answers (the lowest sum means every one of them was at the bottom of the scale; a sum high
/// enough means at least one was not).
pub fn demand_rows_withheld(p: &Policy, labels: &[&str]) -> Result<Said, Withheld> {
    said(
        p,
        "demand_rows_withheld",
        "Demand scores by row",
        format!(
            "This file holds more than one person's answers, and the {} scores contain the threat and name-calling items, so one row's score can give away how that person answered them. Those scores are therefore not shown row by row (the other scores are, and summaries over the whole file are); a researcher with the right to see them can add --research.",
            labels.join(" and ")
        ),
    )
}

/// Said for a multi-row file without `--research`: safety signals are not shown per row.
pub fn signals_withheld(p: &Policy) -> Result<Said, Withheld> {
    said(
        p,
        "signals_withheld",
        "Safety items",
        "This file holds more than one person's answers. Answers to the threat, name-calling and aggression items are other people's private information, so they are not shown here; a researcher with the right to see them can add --research.".to_string(),
    )
}

fn signal_phrase(s: &SafetySignal) -> String {
    let what = match s.domain {
        SignalDomain::Threats => "threats",
        SignalDomain::NameCalling => "name-calling or attacks on character",
        SignalDomain::PhysicalAggression => "physical aggression",
        _ => "a safety item",
    };
    let dir = match s.direction {
        Direction::Receiving => "from your partner toward you",
        Direction::Doing => "from you toward your partner",
        Direction::Own => "about yourself",
    };
    let item = match &s.source {
        SignalSource::Item(id) => format!("item {}", id.rsplit(':').next().unwrap_or(id)),
        _ => "an answer".to_string(),
    };
    format!("{item} ({what}, {dir})")
}

/// One person's own signals and where each kind of answer leads, with no region (the help
/// shown says "your local emergency number" and gives the international directory). See
/// [`signals_routed`].
pub fn signals(
    p: &Policy,
    signals: &[SafetySignal],
    grading: &Grading,
) -> Result<Vec<Said>, Withheld> {
    signals_routed(p, signals, grading, None)
}

/// One person's own signals, and where they lead, routed exactly as the private screen routes
/// them (DESIGN.md §3.2; issue 10): the list of items read by direction, then the screen's own
/// result for the grading — crisis help first, high danger, safety mode, help for one's own
/// behaviour, a professional — with the region's helplines shown in place (numbers, not a
/// command to type). The screen's note about coming back to its questions is left out.
pub fn signals_routed(
    p: &Policy,
    signals: &[SafetySignal],
    grading: &Grading,
    region: Option<&str>,
) -> Result<Vec<Said>, Withheld> {
    let mut out = Vec::new();
    if signals.is_empty() {
        return Ok(out);
    }
    let list: Vec<String> = signals.iter().map(signal_phrase).collect();
    out.push(said(
        p,
        "signals",
        "Some answers matter for safety",
        format!(
            "You rated {} above the lowest point of the scale, so you did not put them at very unlikely. Any rating above the lowest point counts here, however small. These items are read by direction, because what happens to you and what you do lead to different kinds of help.",
            list.join("; ")
        ),
    )?);
    let routed = closer_safety::screen::result_with(
        grading,
        &closer_safety::screen::Situation {
            skipped: Vec::new(),
            region,
        },
    )?;
    out.extend(routed.into_iter().filter(|s| s.kind() != "again"));
    Ok(out)
}

/// True when a grading holds a safety sign (safety mode, one's own controlling behaviour, a
/// crisis): measure narration is then reviewed in safety mode, which drops the shared "a
/// pattern between two people" framing (DESIGN.md §3.3).
pub fn needs_safety_mode(grading: &Grading) -> bool {
    grading.safety_mode() || grading.has(Grade::OwnBehaviour) || grading.has(Grade::Crisis)
}

/// The policy for one person's measure narration given their own signals' grading.
pub fn policy_for(grading: &Grading) -> Policy {
    if needs_safety_mode(grading) {
        Policy::new(Context::safety())
    } else {
        policy()
    }
}

/// Change for one before/after pair: per subscale, the difference against its noise.
pub fn change(p: &Policy, pair: &PairChange) -> Result<Vec<Said>, Withheld> {
    let mut out = Vec::new();
    for sc in &pair.subscales {
        let src = |s: &Source| match s {
            Source::Given => "as given".to_string(),
            Source::Documented(d) => format!("documented: {d}"),
        };
        let text = match &sc.change {
            None => format!(
                "{}: not compared, because one of the two administrations could not be scored.",
                sc.label
            ),
            Some(c) => {
                let threshold = RCI_CRITICAL * c.se_difference;
                let verdict = if c.reliable {
                    "This change is larger than measurement noise alone usually produces (|RCI| above 1.96): it is likely a real change in how you answered, though not proof of what caused it."
                } else {
                    "This change is within what measurement noise alone often produces (|RCI| at most 1.96), so it is not distinguishable from day-to-day wobble in the answers."
                };
                format!(
                    "{}: {} before, {} after, a difference of {:+.2}. The standard error of measurement is {} (reliability {} {}; SD {} {}), so a difference needs to be larger than about {} to stand out from noise; the reliable-change index is {:+.2}. {verdict}",
                    sc.label,
                    num(c.before),
                    num(c.after),
                    c.difference,
                    num(c.sem),
                    sc.params.reliability,
                    src(&sc.params.reliability_source),
                    sc.params.sd,
                    src(&sc.params.sd_source),
                    num(threshold),
                    c.rci
                )
            }
        };
        out.push(said(p, "change", &sc.label, text)?);
    }
    out.push(said(
        p,
        "noise",
        "About change on short scales",
        "Most week-to-week movement on short questionnaires is noise: mood, sleep and the last conversation all shift answers a little. A change worth noticing is one that is larger than the noise and lasts.".to_string(),
    )?);
    Ok(out)
}

/// A problem with one answer of a form entered by item number (the web's measure form).
pub fn answer_problem(
    p: &Policy,
    problem: &crate::measure_view::AnswerProblem,
    scale: [i32; 2],
) -> Result<Said, Withheld> {
    use crate::measure_view::AnswerProblem;
    let text = match problem {
        AnswerProblem::Missing { item } => format!(
            "Item {item} has no answer yet. Every item needs a whole number from {} to {}, as circled on the form.",
            scale[0], scale[1]
        ),
        AnswerProblem::OutOfRange { item } => format!(
            "Item {item} needs another look: the answer should be a whole number from {} to {}.",
            scale[0], scale[1]
        ),
    };
    said(p, "answer_problem", "One answer needs another look", text)
}

/// How far each score may wobble from measurement error alone: the standard error of
/// measurement where reliability and SD are documented for the form on this scale (per
/// subscale: label, score, SEM), else that it is not known here.
pub fn score_error(
    p: &Policy,
    inst: &Instrument,
    scored: &Scored,
    subscales: &[(String, Option<f64>, Option<f64>)],
) -> Result<Said, Withheld> {
    let known: Vec<String> = subscales
        .iter()
        .filter_map(|(label, score, sem)| {
            let sem = (*sem)?;
            Some(match score {
                Some(x) => format!(
                    "{label} {} give or take {} (standard error of measurement {})",
                    num(*x),
                    num(RCI_CRITICAL * sem),
                    num(sem)
                ),
                None => format!("{label}: standard error of measurement {}", num(sem)),
            })
        })
        .collect();
    let text = if known.is_empty() {
        format!(
            "How much of a score is measurement error is not documented here for the {} answered on {}–{}, so no margin is given. Read small differences between two times as noise.",
            inst.abbreviation, scored.administered[0], scored.administered[1]
        )
    } else {
        format!(
            "Every score carries some measurement error. With the reliability and SD documented for the {} on {}–{}: {}. The margin covers about 95 in 100 measurements.",
            inst.abbreviation,
            scored.administered[0],
            scored.administered[1],
            known.join("; ")
        )
    };
    said(p, "score_error", "How exact the scores are", text)
}

/// Said when there is no earlier result of the same form to compare with.
pub fn first_result(p: &Policy) -> Result<Said, Withheld> {
    said(
        p,
        "first_result",
        "Change over time",
        "There is no earlier result of this form, on this scale, to compare with. If you keep this one and fill in the form again later, the change between the two is shown here.".to_string(),
    )
}

/// Change between two results of a form whose reliability and SD are not documented on its
/// scale: the plain differences, and why no more can be said.
pub fn change_without_error(
    p: &Policy,
    inst: &Instrument,
    before: &Scored,
    after: &Scored,
) -> Result<Vec<Said>, Withheld> {
    let mut parts = Vec::new();
    for (i, sub) in before.subscales.iter().enumerate() {
        let b = before.respondents.first().and_then(|r| r.scores[i]);
        let a = after.respondents.first().and_then(|r| r.scores[i]);
        parts.push(match (b, a) {
            (Some(b), Some(a)) => format!(
                "{}: {} last time, {} now, a difference of {:+.2}",
                sub.label,
                num(b),
                num(a),
                a - b
            ),
            _ => format!(
                "{}: not compared, because one of the two could not be scored",
                sub.label
            ),
        });
    }
    Ok(vec![said(
        p,
        "change_plain",
        "Since last time",
        format!(
            "{}. Whether a difference is larger than measurement noise needs the reliability and SD of the {} on {}–{}, which are not documented here, so no reliable-change index is given. Most small movement on questionnaires is noise.",
            parts.join("; "),
            inst.abbreviation,
            before.administered[0],
            before.administered[1]
        ),
    )?])
}

/// The reflection questions, from `content/reflection.toml`.
#[derive(Debug, Deserialize)]
struct ReflectionFile {
    intro_title: String,
    intro: String,
    closing_title: String,
    closing: String,
    question: Vec<RawQuestion>,
    keys: RawKeys,
}

#[derive(Debug, Deserialize)]
struct RawKeys {
    begin: String,
    answer: String,
    next: String,
    close: String,
}

#[derive(Debug, Deserialize)]
struct RawQuestion {
    id: String,
    text: String,
    prompt: String,
}

/// One reflection question and the prompt shown after it.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub question: Said,
    pub prompt: Said,
}

/// The reflection questions: an introduction, the questions, and where to find validated forms.
#[derive(Debug, Clone)]
pub struct Reflection {
    pub intro: Said,
    pub questions: Vec<Question>,
    pub closing: Said,
    /// Interface prompts of the interactive screen: begin, answer, next, close.
    pub keys: ReflectionKeys,
}

/// The interactive screen's prompts.
#[derive(Debug, Clone)]
pub struct ReflectionKeys {
    pub begin: Said,
    pub answer: Said,
    pub next: Said,
    pub close: Said,
}

/// Problems reading the embedded reflection file (a bug, caught by the tests).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReflectionError {
    #[error("content/reflection.toml: {0}")]
    Parse(String),
    #[error("content/reflection.toml: {0}")]
    Withheld(#[from] Withheld),
}

fn reflection_file() -> Result<&'static ReflectionFile, ReflectionError> {
    static F: OnceLock<Result<ReflectionFile, String>> = OnceLock::new();
    F.get_or_init(|| {
        toml::from_str(include_str!("../content/reflection.toml")).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| ReflectionError::Parse(e.clone()))
}

/// The reflection questions, reviewed for this reader. They produce prompts, never numbers.
pub fn reflection(p: &Policy) -> Result<Reflection, ReflectionError> {
    let f = reflection_file()?;
    let r = |kind: &str, title: &str, text: &str| {
        p.review(Draft::new(Topic::Reflect, kind, title, text))
    };
    Ok(Reflection {
        intro: p.review(Draft::new(
            Topic::Interface,
            "intro",
            &f.intro_title,
            &f.intro,
        ))?,
        questions: f
            .question
            .iter()
            .map(|q| {
                Ok(Question {
                    id: q.id.clone(),
                    question: r("question", &q.id, &q.text)?,
                    prompt: r("prompt", &q.id, &q.prompt)?,
                })
            })
            .collect::<Result<Vec<_>, Withheld>>()?,
        closing: p.review(Draft::new(
            Topic::Interface,
            "closing",
            &f.closing_title,
            &f.closing,
        ))?,
        keys: {
            let k = |kind: &str, text: &str| p.review(Draft::new(Topic::Interface, kind, "", text));
            ReflectionKeys {
                begin: k("begin", &f.keys.begin)?,
                answer: k("answer", &f.keys.answer)?,
                next: k("next", &f.keys.next)?,
                close: k("close", &f.keys.close)?,
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_measure::instrument::get;
    use closer_measure::quadrant::classify;
    use closer_measure::responses::Responses;
    use closer_measure::score::score;
    use closer_safety::grading::grade;

    #[test]
    fn every_answer_at_the_bottom_asks_for_a_check_and_never_a_one_point_scale() {
        let p = Policy::new(closer_safety::Context::ordinary());
        let bottom = top_of_scale_unused(&p, "a.csv", 1, [1, 9]).unwrap();
        assert!(bottom.text().contains("lowest point of the 1–9 scale"));
        assert!(
            !bottom.text().contains("--scale-max 1"),
            "{}",
            bottom.text()
        );
        let shorter = top_of_scale_unused(&p, "a.csv", 5, [1, 7]).unwrap();
        assert!(shorter.text().contains("--scale-min 1 --scale-max 5"));
    }

    fn one(id: &str, scale: [i32; 2], row: Vec<Option<i16>>) -> (&'static Instrument, Scored) {
        let i = get(id).unwrap().unwrap();
        let r = Responses::from_rows(i.items, scale, &[row]);
        (i, score(i, i.default_order(), &r, false).unwrap())
    }

    #[test]
    fn quadrant_sentence_carries_both_scores_and_its_rule() {
        let p = policy();
        let i = get("ecr-r").unwrap().unwrap();
        let q = classify(i, [1, 7], 4.61, 2.3, Rule::Midpoint).unwrap();
        let s = quadrant(&p, i, &q).unwrap();
        assert!(
            s.text().contains("4.61") && s.text().contains("2.30"),
            "{}",
            s.text()
        );
        assert!(s.text().contains("midpoint") && s.text().contains("preoccupied"));
        assert!(s.text().contains("secondary"));
        let q = classify(i, [1, 7], 2.0, 6.0, Rule::Functions).unwrap();
        let s = quadrant(&p, i, &q).unwrap();
        assert!(s.text().contains("classification functions") && s.text().contains("6.00"));
    }

    #[test]
    fn every_attachment_reading_is_a_tendency_and_passes_the_policy() {
        let p = policy();
        for id in ["ecr-r", "ecr", "ecr-s", "ecr-rs", "cpq", "cpq-sf"] {
            let i = get(id).unwrap().unwrap();
            let (_, s) = one(id, i.scale, vec![Some(2); i.items]);
            let said = scores(&p, i, &s, 0).unwrap();
            assert!(
                said.iter().any(|x| x.text().contains("not a verdict")),
                "{id}"
            );
            about_instrument(&p, i, &s).unwrap();
        }
        // The interleaved ECR-R key rests on one unverified source, and says so; the author
        // order does not.
        let i = get("ecr-r").unwrap().unwrap();
        let r = Responses::from_rows(36, [1, 7], &[vec![Some(2); 36]]);
        let inter = score(i, i.order("interleaved").unwrap(), &r, false).unwrap();
        let t = about_instrument(&p, i, &inter).unwrap();
        assert!(t.text().contains("single source"), "{}", t.text());
        assert!(t.text().contains("UNCDEPENdLab"), "{}", t.text());
        let author = score(i, i.order("author").unwrap(), &r, false).unwrap();
        assert!(
            !about_instrument(&p, i, &author)
                .unwrap()
                .text()
                .contains("single source")
        );
        let (i, s) = one("ecr-rs", [1, 7], vec![Some(2); 9]);
        assert!(
            about_instrument(&p, i, &s)
                .unwrap()
                .text()
                .contains("never combined")
        );
    }

    #[test]
    fn demand_scores_carry_the_note_and_others_do_not() {
        let p = policy();
        let (_, s) = one("cpq", [1, 9], vec![Some(3); 35]);
        assert!(demand_note(&p, &s, 0).unwrap().is_none());
        let n = demand_note(&p, &s, 1).unwrap().unwrap();
        assert!(n.text().contains("17 and 19"), "{}", n.text());
        let n = demand_note(&p, &s, 2).unwrap().unwrap();
        assert!(n.text().contains("18 and 20"));
    }

    #[test]
    fn signals_say_where_each_direction_leads() {
        let p = policy();
        let i = get("cpq").unwrap().unwrap();
        let mut row = vec![1i16; 35];
        row[17] = 4; // 18: threats received
        row[18] = 2; // 19: name-calling done
        let sig = closer_measure::signals::signals(i, i.default_order(), &row, [1, 9]);
        let g = grade(&sig);
        let said = signals(&p, &sig, &g).unwrap();
        let kinds: Vec<&str> = said.iter().map(|s| s.kind()).collect();
        // Routed as the screen routes them: safety mode with the abuse lines in place, then
        // help for one's own behaviour with its lines.
        assert_eq!(kinds[0], "signals");
        for k in [
            "not-your-fault",
            "safety",
            "own-behaviour",
            "own-behaviour-help",
        ] {
            assert!(kinds.contains(&k), "{k}: {kinds:?}");
        }
        assert!(!kinds.contains(&"couple") && !kinds.contains(&"again"));
        assert!(
            said[0]
                .text()
                .contains("item 18 (threats, from your partner toward you)")
        );
        assert!(said[0].text().contains(
            "item 19 (name-calling or attacks on character, from you toward your partner)"
        ));
        assert!(!said.iter().any(|s| s.text().contains("closer help-now")));
        // The CPQ runs from very unlikely to very likely: no "never" in the reading of it.
        assert!(!said[0].text().contains("never"), "{}", said[0].text());
        assert!(
            said[0]
                .text()
                .contains("above the lowest point of the scale")
        );
        // With a region, its numbers are in the text.
        let uk = signals_routed(&p, &sig, &g, Some("UK")).unwrap();
        assert!(uk.iter().any(|s| s.text().contains("999")));
        // Safety mode keeps every measure sentence (none asks to approach).
        let safe = Policy::new(Context::safety());
        assert_eq!(signals(&safe, &sig, &g).unwrap().len(), said.len());
        assert!(needs_safety_mode(&g));
        assert_eq!(policy_for(&g).mode(), closer_safety::Mode::Safety);
    }

    #[test]
    fn safety_mode_drops_the_shared_framing_of_the_cpq_reading() {
        let (i, s) = one("cpq", [1, 9], vec![Some(2); 35]);
        let ordinary = scores(&policy(), i, &s, 0).unwrap();
        assert!(
            ordinary
                .iter()
                .any(|x| x.text().contains("not a verdict on either of you"))
        );
        let safe = scores(&Policy::new(Context::safety()), i, &s, 0).unwrap();
        assert_eq!(safe.len(), ordinary.len());
        for x in &safe {
            assert!(!x.text().contains("either of you"), "{}", x.text());
            assert!(!x.text().contains("between two people"), "{}", x.text());
        }
    }

    #[test]
    fn reflection_questions_are_prompts_for_oneself() {
        let r = reflection(&policy()).unwrap();
        assert!(r.questions.len() >= 3);
        assert!(r.closing.text().contains("closer assess score"));
        for q in &r.questions {
            assert!(
                !q.question.text().chars().any(|c| c.is_ascii_digit()),
                "{}",
                q.id
            );
        }
        // Nothing in them asks to approach, so they all survive safety mode too.
        let safe = reflection(&Policy::new(Context::safety())).unwrap();
        assert_eq!(safe.questions.len(), r.questions.len());
    }
}
