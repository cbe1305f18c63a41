//! One person's measure, as `closer assess` and the web app show it: what a score, its error,
//! the reliable change, the subscales, the map region, the percentiles, the safety signals and
//! the narration are. Both front ends call these functions, so they render the very same values;
//! they only lay them out (a terminal page and JSON, or HTML).
//!
//! Pure: answers come in as numbers or form values, the previous result as kept numbers; nothing
//! is read or written here.

pub mod assess;

use crate::narrate_measure as nm;
use closer_domain::SafetySignal;
use closer_measure::change;
use closer_measure::instrument::{self, Instrument, Kind, Order};
use closer_measure::norms::{self, Percentile};
use closer_measure::quadrant::{self, QuadrantLabel, Rule};
use closer_measure::responses::{MISSING, Responses};
use closer_measure::score::{Scored, score};
use closer_measure::signals::signals;
use closer_safety::grading::{Grading, grade};
use closer_safety::{Said, Withheld};
use std::collections::BTreeMap;

/// Per-respondent extras for the attachment instruments: the map region and the percentiles.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub quadrant: Option<QuadrantLabel>,
    pub percentiles: Vec<(String, Percentile)>,
}

/// The map region (by `rule`) and percentiles of row `row`; empty for the CPQ. An error is a
/// rule that does not apply (the classification functions need a 1–7 administration).
pub fn extras(
    inst: &Instrument,
    scored: &Scored,
    row: usize,
    rule: Rule,
) -> Result<Extras, String> {
    let mut e = Extras::default();
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
        e.quadrant = Some(quadrant::classify(inst, scale, a, v, rule).map_err(|e| e.to_string())?);
    } else if rule == Rule::Functions {
        // Still refuse an inapplicable rule even when this row is unscorable.
        quadrant::classify(inst, scored.administered, 1.0, 1.0, rule).map_err(|e| e.to_string())?;
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

/// One person's own CPQ direction signals and their grading (as the screen grades them).
#[derive(Debug, Clone)]
pub struct OwnSignals {
    pub signals: Vec<SafetySignal>,
    pub grading: Grading,
}

impl OwnSignals {
    /// Graded signals (the CLI's change grades the signals of both files together).
    pub fn of(signals: Vec<SafetySignal>) -> OwnSignals {
        let grading = grade(&signals);
        OwnSignals { signals, grading }
    }

    /// Whether safety help and the numbers lead the page (shown before anything else).
    pub fn lead(&self) -> bool {
        nm::needs_safety_mode(&self.grading)
    }
}

/// One person's own signals in `answers`; `None` for an instrument without signal pairs.
pub fn own_signals(
    inst: &Instrument,
    order: &Order,
    answers: &[i16],
    scale: [i32; 2],
) -> Option<OwnSignals> {
    (!inst.signals.is_empty()).then(|| OwnSignals::of(signals(inst, order, answers, scale)))
}

/// One person's own reading in words: the scores on their scale and range, what they describe,
/// the percentiles and the map region (a secondary label with both scores and its rule).
pub fn reading(
    p: &closer_safety::Policy,
    inst: &Instrument,
    scored: &Scored,
    row: usize,
    extras: Option<&Extras>,
) -> Result<Vec<Said>, Withheld> {
    let mut out = nm::scores(p, inst, scored, row)?;
    if let Some(e) = extras {
        let find = |id: &str| e.percentiles.iter().find(|(k, _)| k == id).map(|(_, p)| p);
        out.extend(nm::norms(p, find("anxiety"), find("avoidance"))?);
        if let Some(q) = &e.quadrant {
            out.push(nm::quadrant(p, inst, q)?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- one person's form

/// A form a person can fill in: an instrument on an answer scale (its published scale, or another
/// scale for which reliability and SD are documented, so change can be measured there).
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub instrument: &'static Instrument,
    pub scale: [i32; 2],
}

impl Choice {
    /// The scale as a form value, `"1-7"`.
    pub fn scale_value(&self) -> String {
        format!("{}-{}", self.scale[0], self.scale[1])
    }

    /// The item labels of the official form, in order ("1", "2", … or the CPQ-SF's "A1", …).
    pub fn item_labels(&self) -> Vec<String> {
        let order = self.instrument.default_order();
        (0..self.instrument.items)
            .map(|i| {
                order
                    .labels
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| (i + 1).to_string())
            })
            .collect()
    }
}

/// Every form a person can fill in, in the instruments' order.
pub fn choices() -> Vec<Choice> {
    let mut out = Vec::new();
    let Ok(all) = instrument::all() else {
        return out;
    };
    for inst in all {
        out.push(Choice {
            instrument: inst,
            scale: inst.scale,
        });
        for f in &inst.reliability {
            if f.for_change
                && f.sd.is_some()
                && f.scale != inst.scale
                && !out
                    .iter()
                    .any(|c| c.instrument.id == inst.id && c.scale == f.scale)
            {
                out.push(Choice {
                    instrument: inst,
                    scale: f.scale,
                });
            }
        }
    }
    out
}

/// The choice named by a posted instrument id and scale value (`"1-7"`); `None` for anything
/// that is not one of [`choices`].
pub fn choice(instrument: &str, scale: &str) -> Option<Choice> {
    choices()
        .into_iter()
        .find(|c| c.instrument.id == instrument && c.scale_value() == scale)
}

/// What is wrong with one answer of a form: the item (its label on the official form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerProblem {
    Missing { item: String },
    OutOfRange { item: String },
}

/// One person's answers from a form, item by item (`get(i)` is the value of item `i`, 0-based):
/// every item is a whole number on the choice's scale. The first problem names its item.
pub fn answers_from_form<'a>(
    c: &Choice,
    get: impl Fn(usize) -> Option<&'a str>,
) -> Result<Responses, AnswerProblem> {
    let labels = c.item_labels();
    let mut row = Vec::with_capacity(labels.len());
    for (i, item) in labels.into_iter().enumerate() {
        match get(i).map(str::trim) {
            None | Some("") => return Err(AnswerProblem::Missing { item }),
            Some(v) => match v.parse::<i16>() {
                Ok(n) if (c.scale[0]..=c.scale[1]).contains(&i32::from(n)) => {
                    row.push(Some(n));
                }
                _ => return Err(AnswerProblem::OutOfRange { item }),
            },
        }
    }
    Ok(Responses::from_rows(c.instrument.items, c.scale, &[row]))
}

/// What is said about a problem with one answer.
pub fn answer_problem(
    p: &closer_safety::Policy,
    c: &Choice,
    problem: &AnswerProblem,
) -> Result<Said, Withheld> {
    nm::answer_problem(p, problem, c.scale)
}

/// A kept result's answers (as the journal keeps them) back as responses on the choice's scale;
/// `None` when they do not fit it (another form or scale).
pub fn responses_from_kept(c: &Choice, answers: &[Option<f64>]) -> Option<Responses> {
    if answers.len() != c.instrument.items {
        return None;
    }
    let mut row = Vec::with_capacity(answers.len());
    for a in answers {
        match a {
            None => row.push(None),
            Some(x)
                if x.fract() == 0.0
                    && (f64::from(c.scale[0])..=f64::from(c.scale[1])).contains(x) =>
            {
                #[allow(
                    clippy::cast_possible_truncation,
                    reason = "a whole number inside the choice's scale, which fits i16"
                )]
                row.push(Some(*x as i16));
            }
            Some(_) => return None,
        }
    }
    Some(Responses::from_rows(c.instrument.items, c.scale, &[row]))
}

/// The answers of row 0 as the journal keeps them (a missing answer as `None`).
pub fn kept_answers(resp: &Responses) -> Vec<Option<f64>> {
    resp.row(0)
        .iter()
        .map(|&a| (a != MISSING).then_some(f64::from(a)))
        .collect()
}

/// The scores of row 0 as the journal keeps them: each subscale by id, the scale, the
/// administered scale and the item order.
pub fn kept_scores(scored: &Scored) -> serde_json::Value {
    let mut scores = serde_json::Map::new();
    let r = &scored.respondents[0];
    for (sub, x) in scored.subscales.iter().zip(&r.scores) {
        scores.insert(sub.id.clone(), serde_json::json!(x));
    }
    scores.insert("scale".into(), serde_json::json!(scored.metric.scale));
    scores.insert(
        "administered".into(),
        serde_json::json!(scored.administered),
    );
    scores.insert("order".into(), serde_json::json!(scored.order));
    serde_json::Value::Object(scores)
}

/// Whether a kept result was answered on the choice's instrument and scale.
pub fn kept_fits(c: &Choice, instrument: &str, scores: &serde_json::Value) -> bool {
    instrument == c.instrument.id
        && scores
            .get("administered")
            .and_then(|v| serde_json::from_value::<[i32; 2]>(v.clone()).ok())
            .is_none_or(|s| s == c.scale)
}

/// One subscale's score in a result.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscaleScore {
    pub id: String,
    pub label: String,
    pub score: Option<f64>,
    pub range: [f64; 2],
    /// The standard error of measurement, where reliability and SD are documented.
    pub sem: Option<f64>,
}

/// One person's result of one form, with everything said about it in the order it is shown.
#[derive(Debug)]
pub struct OwnResult {
    pub choice: Choice,
    pub responses: Responses,
    pub scored: Scored,
    pub subscales: Vec<SubscaleScore>,
    pub extras: Option<Extras>,
    pub signals: Option<OwnSignals>,
    /// The change against the previous result, per subscale, where it could be measured.
    pub change: Option<change::PairChange>,
    /// Safety help leads: shown before anything else.
    pub lead: bool,
    /// How many of [`OwnResult::said`] lead (the safety help shown before the scores).
    pub leading: usize,
    /// Everything said, in order (with the safety help first when it leads).
    pub said: Vec<Said>,
}

impl OwnResult {
    /// Whether the result routes safety signals to help (the screen's routing, with a region's
    /// lines or, without one, the international directory): then the page asks where the person
    /// is, the way the help area does, and shows that region's lines.
    pub fn routes_help(&self) -> bool {
        self.signals.as_ref().is_some_and(|o| !o.signals.is_empty())
    }
}

/// Why a result could not be made.
#[derive(Debug, thiserror::Error)]
pub enum OwnError {
    #[error("{0}")]
    Score(String),
    #[error(transparent)]
    Withheld(#[from] Withheld),
}

/// One person's result: the scores, each with its error where documented, the reading, the
/// change against `previous` (the same form answered before) as the reliable-change index where
/// reliability and SD are documented, else the plain difference and why no more can be said, and
/// the CPQ's direction signals routed as the screen routes them (with `region`'s helplines).
pub fn own_result(
    c: Choice,
    responses: Responses,
    previous: Option<&Responses>,
    region: Option<&str>,
) -> Result<OwnResult, OwnError> {
    let inst = c.instrument;
    let order = inst.default_order();
    let scored =
        score(inst, order, &responses, false).map_err(|e| OwnError::Score(e.to_string()))?;
    let own = own_signals(inst, order, responses.row(0), c.scale);
    let p = match &own {
        Some(o) => nm::policy_for(&o.grading),
        None => nm::policy(),
    };
    let ex = if inst.kind == Kind::Communication {
        None
    } else {
        Some(extras(inst, &scored, 0, Rule::Midpoint).map_err(OwnError::Score)?)
    };
    let subscales: Vec<SubscaleScore> = scored
        .subscales
        .iter()
        .enumerate()
        .map(|(i, s)| SubscaleScore {
            id: s.id.clone(),
            label: s.label.clone(),
            score: scored.respondents[0].scores[i],
            range: s.range,
            sem: sem_of(inst, &s.id, c.scale),
        })
        .collect();
    let lead = own.as_ref().is_some_and(OwnSignals::lead);
    let signal_said = match &own {
        Some(o) => nm::signals_routed(&p, &o.signals, &o.grading, region)?,
        None => Vec::new(),
    };
    let mut said = Vec::new();
    if lead {
        said.extend(signal_said.iter().cloned());
    }
    let leading = said.len();
    said.push(nm::about_instrument(&p, inst, &scored)?);
    said.extend(reading(&p, inst, &scored, 0, ex.as_ref())?);
    said.push(nm::score_error(
        &p,
        inst,
        &scored,
        &subscales_sem(&subscales),
    )?);
    let mut pair = None;
    match previous.map(|b| score(inst, order, b, false)) {
        None => said.push(nm::first_result(&p)?),
        Some(Err(e)) => return Err(OwnError::Score(e.to_string())),
        Some(Ok(before)) => {
            let none = BTreeMap::new();
            match change::resolve(inst, &before, &none, &none)
                .and_then(|params| change::change(&before, &scored, &params))
            {
                Ok(mut pairs) if !pairs.is_empty() => {
                    let pc = pairs.remove(0);
                    said.extend(nm::change(&p, &pc)?);
                    pair = Some(pc);
                }
                _ => said.extend(nm::change_without_error(&p, inst, &before, &scored)?),
            }
        }
    }
    for i in 0..scored.subscales.len() {
        said.extend(nm::demand_note(&p, &scored, i)?);
    }
    if !lead {
        said.extend(signal_said);
    }
    Ok(OwnResult {
        choice: c,
        responses,
        scored,
        subscales,
        extras: ex,
        signals: own,
        change: pair,
        lead,
        leading,
        said,
    })
}

/// The documented standard error of measurement of a subscale on a scale: SD · √(1 − reliability).
pub fn sem_of(inst: &Instrument, subscale: &str, scale: [i32; 2]) -> Option<f64> {
    let f = inst.change_fact(subscale, scale)?;
    Some(f.sd? * (1.0 - f.alpha).sqrt())
}

fn subscales_sem(s: &[SubscaleScore]) -> Vec<(String, Option<f64>, Option<f64>)> {
    s.iter()
        .map(|x| (x.label.clone(), x.score, x.sem))
        .collect()
}

/// What is kept of the private screen when the person chooses to (the command line and the web
/// alike): the answers and what they lead to, never the region, never any text.
pub fn kept_screen<S: AsRef<str>>(
    answers: &[(S, closer_safety::screen::Answer)],
    outcome: &closer_safety::screen::Outcome,
) -> serde_json::Value {
    serde_json::json!({
        "answers": answers
            .iter()
            .map(|(id, a)| (id.as_ref().to_string(), serde_json::json!(a)))
            .collect::<serde_json::Map<_, _>>(),
        "grades": outcome.grades().iter().copied().collect::<Vec<_>>(),
        "safety_mode": outcome.safety_mode(),
        "danger": outcome.danger,
        "skipped": outcome.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, scale: [i32; 2]) -> Choice {
        choices()
            .into_iter()
            .find(|c| c.instrument.id == id && c.scale == scale)
            .unwrap_or_else(|| panic!("{id} {scale:?} is a choice"))
    }

    #[test]
    fn every_instrument_is_offered_on_its_scale_and_the_ecr_also_on_1_to_5() {
        let all = choices();
        for id in instrument::IDS {
            assert!(
                all.iter()
                    .any(|c| c.instrument.id == id && c.scale == c.instrument.scale)
            );
        }
        assert!(choice("ecr", "1-5").is_some());
        assert!(choice("ecr", "1-6").is_none());
        assert!(choice("nope", "1-7").is_none());
        assert_eq!(c("cpq-sf", [1, 9]).item_labels()[2], "A3a");
        assert_eq!(c("ecr-s", [1, 7]).item_labels()[11], "12");
    }

    #[test]
    fn raised_cpq_signals_route_to_the_chosen_regions_lines_and_ask_for_a_region() {
        let ch = c("cpq", [1, 9]);
        let mut row = vec![Some(1); 35];
        let quiet = own_result(
            ch,
            Responses::from_rows(35, [1, 9], &[row.clone()]),
            None,
            None,
        )
        .unwrap();
        assert!(!quiet.routes_help(), "no signal raised: nothing to route");
        for p in &ch.instrument.signals {
            row[p.self_pos] = Some(8);
            row[p.partner_pos] = Some(8);
        }
        let answers = Responses::from_rows(35, [1, 9], &[row]);
        let text = |r: &OwnResult| {
            r.said
                .iter()
                .map(|s| s.text().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let anywhere = own_result(ch, answers.clone(), None, None).unwrap();
        assert!(anywhere.routes_help());
        let us = own_result(ch, answers, None, Some("US")).unwrap();
        assert!(us.routes_help());
        // Without a region, the international directory; with one, that region's own lines.
        assert!(text(&anywhere).contains("findahelpline.com"));
        assert!(!text(&anywhere).contains("1-800-799-7233"));
        assert!(text(&us).contains("1-800-799-7233"), "{}", text(&us));
        // The scores do not depend on the region.
        assert_eq!(anywhere.subscales.len(), us.subscales.len());
        for (a, b) in anywhere.subscales.iter().zip(&us.subscales) {
            assert_eq!(a.score, b.score);
        }
        let ecr = own_result(
            c("ecr-rs", [1, 7]),
            Responses::from_rows(9, [1, 7], &[vec![Some(7); 9]]),
            None,
            None,
        )
        .unwrap();
        assert!(!ecr.routes_help(), "no signal pairs: no region asked");
    }

    #[test]
    fn a_form_answer_is_a_whole_number_on_the_scale_and_the_first_problem_names_its_item() {
        let ch = c("ecr-rs", [1, 7]);
        let mut v = ["4"; 9];
        let r = answers_from_form(&ch, |i| v.get(i).copied()).unwrap();
        assert_eq!(r.row(0), &[4; 9]);
        v[6] = "8";
        assert_eq!(
            answers_from_form(&ch, |i| v.get(i).copied()).unwrap_err(),
            AnswerProblem::OutOfRange { item: "7".into() }
        );
        v[6] = "4";
        v[2] = " ";
        assert_eq!(
            answers_from_form(&ch, |i| v.get(i).copied()).unwrap_err(),
            AnswerProblem::Missing { item: "3".into() }
        );
        v[2] = "2.5";
        assert!(matches!(
            answers_from_form(&ch, |i| v.get(i).copied()),
            Err(AnswerProblem::OutOfRange { .. })
        ));
    }

    #[test]
    fn the_ecr_on_1_to_5_gives_errors_and_the_reliable_change_against_the_last_time() {
        let ch = c("ecr", [1, 5]);
        let before = Responses::from_rows(36, [1, 5], &[vec![Some(2); 36]]);
        let after = Responses::from_rows(36, [1, 5], &[vec![Some(4); 36]]);
        let r = own_result(ch, after.clone(), Some(&before), None).unwrap();
        // Reverse-keyed items move the other way, so compare with the scorer's own numbers.
        let sb = score(ch.instrument, ch.instrument.default_order(), &before, false).unwrap();
        let pc = r
            .change
            .as_ref()
            .expect("documented reliability and SD on 1–5");
        for (i, sc) in pc.subscales.iter().enumerate() {
            let ch = sc.change.as_ref().unwrap();
            assert!((ch.before - sb.respondents[0].scores[i].unwrap()).abs() < 1e-12);
            assert!((ch.after - r.scored.respondents[0].scores[i].unwrap()).abs() < 1e-12);
        }
        let sem = r.subscales[0].sem.unwrap();
        assert!(
            (sem - 0.803 * (1.0f64 - 0.916).sqrt()).abs() < 1e-9,
            "{sem}"
        );
        let text: Vec<&str> = r.said.iter().map(|s| s.text()).collect();
        assert!(
            text.iter().any(|t| t.contains("reliable-change index")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains(&format!("{:.2}", 1.96 * sem))),
            "{text:?}"
        );
        assert!(r.extras.as_ref().unwrap().percentiles.len() == 2);
        // Kept and read back, the answers are the same responses.
        let kept = kept_answers(&after);
        assert_eq!(responses_from_kept(&ch, &kept).unwrap(), after);
        assert!(kept_fits(&ch, "ecr", &kept_scores(&r.scored)));
        assert!(!kept_fits(
            &c("ecr", [1, 7]),
            "ecr",
            &kept_scores(&r.scored)
        ));
    }

    #[test]
    fn without_documented_reliability_the_change_is_the_plain_difference_said_as_such() {
        let ch = c("ecr-s", [1, 7]);
        let before = Responses::from_rows(12, [1, 7], &[vec![Some(3); 12]]);
        let after = Responses::from_rows(12, [1, 7], &[vec![Some(5); 12]]);
        let r = own_result(ch, after, Some(&before), None).unwrap();
        assert!(r.change.is_none());
        assert!(r.subscales.iter().all(|s| s.sem.is_none()));
        let text: Vec<&str> = r.said.iter().map(|s| s.kind()).collect();
        assert!(text.contains(&"change_plain"), "{text:?}");
        assert!(text.contains(&"score_error"), "{text:?}");
        let first = own_result(ch, r.responses.clone(), None, None).unwrap();
        assert!(first.said.iter().any(|s| s.kind() == "first_result"));
    }

    #[test]
    fn a_cpq_threat_answer_leads_with_safety_help_as_the_screen_routes_it() {
        let ch = c("cpq", [1, 9]);
        let mut calm = vec![Some(1); 35];
        let r = own_result(
            ch,
            Responses::from_rows(35, [1, 9], &[calm.clone()]),
            None,
            None,
        )
        .unwrap();
        assert!(!r.lead);
        assert!(r.signals.as_ref().unwrap().signals.is_empty());
        // Every signal item raised: whatever the pairs are, help leads.
        for p in &ch.instrument.signals {
            calm[p.partner_pos] = Some(7);
            calm[p.self_pos] = Some(7);
        }
        let r = own_result(
            ch,
            Responses::from_rows(35, [1, 9], &[calm]),
            None,
            Some("UK"),
        )
        .unwrap();
        assert!(r.lead);
        assert_eq!(r.said[0].kind(), "signals");
        assert!(!r.signals.as_ref().unwrap().signals.is_empty());
    }
}
