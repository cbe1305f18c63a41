//! Words about a couple's own moves (`closer patterns`), every sentence through the safety policy
//! with [`Topic::DataNarration`].
//!
//! The rules the wording keeps (DESIGN.md §3.5–§3.7, §6):
//! - In a personal view, the findings come from the viewer's own records; whatever the viewer
//!   noted about the other person is *their perception* and is said so (tagged
//!   [`Tag::Perception`]).
//! - No sentence states a rate of the other person's behaviour: findings are about episodes and
//!   about the viewer's own reaching, never "your partner withdraws N times a week".
//! - Below a finding's minimum, the sentence says the entries are not enough yet and gives no
//!   number but the count and the minimum.
//! - A comparison between episodes with and without a way of responding is described, never
//!   offered as proof, and the reason is given.
//! - Descriptive and warm: no verdicts about anyone, no forecasts. No shared-loop framing ("the
//!   loop belongs to you both"): the reader may be someone in danger, and this view is not
//!   coaching (DESIGN.md §3.1, §3.3).

use closer_analyze::episodes::{
    EpisodeView, Finding, Grouping, Kind, Report, Summary, View, WindowSource,
};
use closer_domain::{Person, Window};
use closer_safety::{Context, Draft, Policy, Said, Tag, Topic, Withheld};
use serde::{Serialize, Serializer};

/// The policy for data narration: findings ask nothing of anyone, so they read the same in
/// safety mode.
pub fn policy() -> Policy {
    Policy::new(Context::ordinary())
}

fn said_text<S: Serializer>(s: &Said, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.text())
}

fn said_texts<S: Serializer>(v: &[Said], ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_seq(v.iter().map(|s| s.text()))
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub interval: [f64; 2],
}

/// One finding, in words and numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingOut {
    pub kind: &'static str,
    /// The person the finding is about (always the viewer in a personal view).
    pub person: Option<Person>,
    #[serde(serialize_with = "said_text")]
    pub text: Said,
    pub estimate: Option<f64>,
    pub interval: Option<[f64; 2]>,
    /// Successes, for a proportion.
    pub count: Option<usize>,
    pub n: usize,
    pub minimum: usize,
    pub enough: bool,
    /// The estimate under the flatter prior (chain findings). Its interval is not shown: the
    /// calibration study found it covering far below nominal at the sizes people log.
    pub flat_prior_estimate: Option<f64>,
    /// A share's interval (or the chain length's) before the allowance for hard or easy
    /// stretches of days the log has not seen; None where nothing was widened.
    pub interval_before: Option<[f64; 2]>,
    pub method: &'static str,
}

/// The chain length's allowance for stretches of days the log has not seen (docs/analysis.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LengthWidening {
    /// Days from the log's first move to its last.
    pub span_days: f64,
    /// The largest day-to-day persistence of a hidden level of distress allowed for.
    pub persistence_covered: f64,
    /// The allowance, a half-width on the log scale added in quadrature to each side's.
    pub log_half_width: f64,
    /// The interval before the allowance (from the blocks of days alone).
    pub interval_before: [f64; 2],
}

/// The shares' allowance for stretches of days the log has not seen (docs/analysis.md): every
/// share's interval (and the chain's P(ends reconnected)) is widened by it on the log-odds scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ShareWidening {
    /// Days from the log's first move to its last.
    pub span_days: f64,
    /// The largest day-to-day persistence of a hidden level of distress allowed for.
    pub persistence_covered: f64,
    /// The allowance, a half-width on the log-odds scale added in quadrature to each side's.
    pub logit_half_width: f64,
}

/// The window, where it came from, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowOut {
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub source: WindowSource,
    #[serde(serialize_with = "said_text")]
    pub text: Said,
}

/// Everything `closer patterns` shows, ready to print or to serialise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternsOut {
    /// "A", "B", or "joint".
    pub viewer: String,
    #[serde(serialize_with = "said_text")]
    pub record: Said,
    pub window: WindowOut,
    pub gap_hours: f64,
    pub grouping: Grouping,
    /// All episodes read, finished or not.
    pub episodes: usize,
    pub finished: usize,
    pub unfinished: usize,
    pub enough: bool,
    pub findings: Vec<FindingOut>,
    pub p_reconnected: Option<Estimate>,
    pub p_repair: Option<Estimate>,
    pub expected_length: Option<Estimate>,
    /// How the chain length's interval allows for hard or easy stretches the log has not seen
    /// (`None` when the chain is not computed).
    pub expected_length_widening: Option<LengthWidening>,
    /// How every share's interval allows for hard or easy stretches the log has not seen
    /// (`None` when no share is shown).
    pub share_widening: Option<ShareWidening>,
    pub chain_prior: &'static str,
    pub way: closer_analyze::episodes::WayComparison,
    #[serde(serialize_with = "said_texts")]
    pub notes: Vec<Said>,
    pub episode_list: Vec<EpisodeView>,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

fn hours(x: f64) -> String {
    if x < 1.0 {
        format!("{:.0} minutes", 60.0 * x)
    } else if x < 48.0 {
        format!("{x:.1} hours")
    } else {
        format!("{:.1} days", x / 24.0)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Who a personal view's sentences speak to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Register {
    /// To the person whose record it is: "when you reached out" (`closer patterns`, my patterns).
    #[default]
    Reader,
    /// About that person, to someone they chose to show it to (a therapist's view): "when they
    /// reached out". The reader is not the writer of the record.
    ThirdPerson,
}

/// A personal view's words about its writer, for someone else to read: every "you" of the
/// sentence becomes "they"/"them" (and "your", "yours", "yourself" follow).
pub fn third_person(text: &str) -> String {
    use regex::Regex;
    use std::sync::OnceLock;
    static R: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let rules = R.get_or_init(|| {
        [
            (r"\byourself\b", "themselves"),
            (r"\byours\b", "theirs"),
            (r"\bYour\b", "Their"),
            (r"\byour\b", "their"),
            (r"\b(toward|to|for|with|at|from|by) you\b", "$1 them"),
            (r"\bYou\b", "They"),
            (r"\byou\b", "they"),
        ]
        .into_iter()
        .map(|(p, r)| (Regex::new(p).expect("a fixed pattern"), r))
        .collect()
    });
    let mut t = text.to_string();
    for (re, with) in rules {
        t = re.replace_all(&t, *with).into_owned();
    }
    t
}

/// Words for one viewer: "you" in a personal view, "A"/"B" in a joint record.
struct Voice {
    view: View,
    register: Register,
}

impl Voice {
    fn own(&self) -> bool {
        matches!(self.view, View::Own(_))
    }
    fn tags(&self) -> &'static [Tag] {
        if self.own() { &[Tag::Perception] } else { &[] }
    }
    fn who(&self, p: Option<Person>) -> String {
        match (self.view, p) {
            (View::Own(_), _) => "you".into(),
            (View::Joint, Some(p)) => p.as_str().into(),
            (View::Joint, None) => "either person".into(),
        }
    }
}

fn draft(voice: &Voice, kind: &str, title: &str, text: String) -> Draft {
    let (title, text) = match (voice.own(), voice.register) {
        (true, Register::ThirdPerson) => (third_person(title), third_person(&text)),
        _ => (title.to_string(), text),
    };
    Draft::new(Topic::DataNarration, kind, &title, text).tagged(voice.tags())
}

/// Turns the numbers of a report into what is said, through the policy, to the record's writer.
pub fn narrate(p: &Policy, report: &Report) -> Result<PatternsOut, Withheld> {
    narrate_in(p, report, Register::Reader)
}

/// [`narrate`] in a register: to the writer, or about them to someone they showed it to.
pub fn narrate_in(
    p: &Policy,
    report: &Report,
    register: Register,
) -> Result<PatternsOut, Withheld> {
    let voice = Voice {
        view: report.view,
        register,
    };
    let record = match report.view {
        View::Own(_) => p.review(draft(
            &voice,
            "record",
            "Whose records",
            "These findings come only from the moves you recorded yourself. Where you noted a move of your partner's, it is your perception of that moment — how it looked to you — and it is described that way. Nothing here measures your partner.".into(),
        ))?,
        View::Joint => p.review(draft(
            &voice,
            "record",
            "Whose records",
            "This file is read as one joint record of both people's moves, as a simulation or a research file is: it is no one person's own view.".into(),
        ))?,
    };
    let window = window_out(p, &voice, report)?;
    let mut findings = Vec::new();
    for f in &report.findings {
        findings.push(finding_out(p, &voice, report, f)?);
    }
    let est = |k: Kind| -> Option<Estimate> {
        let f = report.finding(k, None)?;
        Some(Estimate {
            estimate: f.estimate?,
            interval: f.interval?,
        })
    };
    let mut notes = vec![p.review(draft(
        &voice,
        "describe",
        "What these numbers are",
        "These numbers describe the episodes recorded so far, with their uncertainty. They are not a forecast and not a verdict about anyone.".into(),
    ))?];
    // Every share is widened for hard or easy stretches that last for weeks (docs/analysis.md):
    // said in the same plain line as the tilt towards hard days, whenever a share is shown.
    let shares_shown = report
        .findings
        .iter()
        .any(|f| f.enough && f.interval_before.is_some() && f.kind != Kind::ChainLength);
    let widened = if shares_shown && report.share_allowance > 0.0 {
        format!(
            " Hard and easy stretches can also each last for weeks, and {} of entries may hold more of one kind than usual, so each share's interval is kept wider than these episodes alone would give.",
            plural(whole_days(report.span_days), "day", "days")
        )
    } else {
        String::new()
    };
    notes.push(p.review(draft(
        &voice,
        "hard-days",
        "Hard days and easy days",
        format!("Most people note more on hard days than on easy ones, and hard days tend to come in runs. So these shares lean towards how the hard stretches went, and episodes close together count as less independent evidence than their number suggests; the intervals allow for that by treating each stretch of days as one unit.{widened}"),
    ))?);
    if report.unfinished > 0 {
        notes.push(p.review(draft(
            &voice,
            "unfinished",
            "The last episode",
            "The most recent episode may still be going on, so it is counted as unfinished rather than as ending apart.".into(),
        ))?);
    }
    Ok(PatternsOut {
        viewer: match report.view {
            View::Own(p) => p.as_str().into(),
            View::Joint => "joint".into(),
        },
        record,
        window,
        gap_hours: report.gap_hours,
        grouping: report.grouping,
        episodes: report.episodes.len(),
        finished: report.finished,
        unfinished: report.unfinished,
        enough: report.enough,
        findings,
        p_reconnected: est(Kind::Reconnected),
        p_repair: est(Kind::Repair),
        expected_length: est(Kind::ChainLength),
        expected_length_widening: report.chain.as_ref().map(|c| LengthWidening {
            span_days: c.span_days,
            persistence_covered: closer_analyze::episodes::PERSISTENCE_COVERED,
            log_half_width: c.length_allowance,
            interval_before: c.length_observed,
        }),
        share_widening: shares_shown.then_some(ShareWidening {
            span_days: report.span_days,
            persistence_covered: closer_analyze::episodes::PERSISTENCE_COVERED,
            logit_half_width: report.share_allowance,
        }),
        chain_prior: "Dirichlet(1/6) on each row (Perks); the estimate under the flatter Dirichlet(1) shown beside it",
        way: report.way.clone(),
        notes,
        episode_list: report.episodes.clone(),
    })
}

fn window_out(p: &Policy, voice: &Voice, r: &Report) -> Result<WindowOut, Withheld> {
    let span = |w: &Window| format!("hours {} to {}", num(w.start), num(w.end));
    let where_from = match (r.window_source, r.window) {
        (WindowSource::Given, Some(w)) => format!("The window is {}, as given.", span(&w)),
        (WindowSource::File, Some(w)) => {
            format!("The window is {}, from the file's window line.", span(&w))
        }
        (WindowSource::Span, Some(w)) => format!(
            "The file gives no window, so the span of the moves read, {}, is used.",
            span(&w)
        ),
        (_, None) => "There are no moves to read in this window.".to_string(),
    };
    let grouping = match r.grouping {
        Grouping::Labels => "Episodes follow the file's episode labels.".to_string(),
        Grouping::Gaps => format!(
            "Episodes are separated by quiet stretches of {} or more.",
            hours(r.gap_hours)
        ),
        Grouping::LabelsAndGaps => format!(
            "Episodes follow the file's episode labels; moves without a label are separated by quiet stretches of {} or more.",
            hours(r.gap_hours)
        ),
        Grouping::None => String::new(),
    };
    let counts = format!(
        "{} read: {} finished, {} unfinished.",
        plural(r.episodes.len(), "episode", "episodes"),
        r.finished,
        r.unfinished
    );
    let text = [where_from, grouping, counts]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(WindowOut {
        start: r.window.map(|w| w.start),
        end: r.window.map(|w| w.end),
        source: r.window_source,
        text: p.review(draft(voice, "window", "Window", text))?,
    })
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn interval_pct(i: [f64; 2]) -> String {
    format!("95% interval {} to {}", pct(i[0]), pct(i[1]))
}

fn flat_text(f: Option<Summary>, as_pct: bool) -> String {
    match f {
        Some(s) if as_pct => format!(
            " Under a flatter starting assumption the estimate would be {}: the gap between the two shows how much the assumption matters.",
            pct(s.estimate)
        ),
        Some(s) => format!(
            " Under a flatter starting assumption the estimate would be {:.1}: the gap between the two shows how much the assumption matters.",
            s.estimate
        ),
        None => String::new(),
    }
}

fn finding_out(p: &Policy, voice: &Voice, r: &Report, f: &Finding) -> Result<FindingOut, Withheld> {
    let (title, text) = finding_text(voice, r, f);
    let text = p.review(draft(voice, f.kind.as_str(), &title, text))?;
    Ok(FindingOut {
        kind: f.kind.as_str(),
        person: f.person,
        text,
        estimate: f.estimate,
        interval: f.interval,
        count: f.count,
        n: f.n,
        minimum: f.minimum,
        enough: f.enough,
        flat_prior_estimate: f.flat.map(|s| s.estimate),
        interval_before: f.interval_before,
        method: f.method,
    })
}

/// "Not enough yet" for a finding; `unit` and `units` are the singular and plural of what is
/// counted ("finished episode with a reach" / "finished episodes with a reach").
fn not_enough(title: &str, unit: &str, units: &str, f: &Finding) -> String {
    format!(
        "{title}: the entries are not enough yet. This needs at least {} and there {} so far.",
        plural(f.minimum, unit, units),
        if f.n == 1 {
            "is 1".to_string()
        } else {
            format!("are {}", f.n)
        }
    )
}

/// A share withheld because its interval, widened for hard and easy stretches, runs from almost
/// none to almost all (`closer_analyze::episodes::share_too_wide`).
fn share_too_wide(title: &str, r: &Report) -> String {
    format!(
        "{title}: the entries are not enough yet. The range this share could lie in is still too wide to be useful — from almost none of these episodes to almost all of them — because hard and easy stretches can each last for weeks, and {} of entries may hold more of one kind than usual.",
        plural(whole_days(r.span_days), "day", "days")
    )
}

fn finding_text(v: &Voice, r: &Report, f: &Finding) -> (String, String) {
    let k = f.count.unwrap_or(0);
    let n = f.n;
    // "k of n (p%; 95% interval …)", for the proportions.
    let share = |i: [f64; 2]| format!("{}; {}", pct(k as f64 / n as f64), interval_pct(i));
    // A proportion is said only with enough entries and an interval; otherwise "not enough yet",
    // counted in `unit`/`units`.
    let proportion =
        |title: String, unit: &str, units: &str, text: &dyn Fn([f64; 2]) -> String| match f
            .interval
            .filter(|_| f.enough)
        {
            Some(i) => (title, text(i)),
            None if f.n >= f.minimum && f.n > 0 => {
                let t = share_too_wide(&title, r);
                (title, t)
            }
            None => {
                let t = not_enough(&title, unit, units, f);
                (title, t)
            }
        };
    match f.kind {
        Kind::Starts => proportion(
            "How episodes start".to_string(),
            "episode",
            "episodes",
            &|i| {
                if v.own() {
                    format!(
                        "In {k} of the {n} episodes you recorded, the first move you noted was your own ({}).",
                        share(i)
                    )
                } else {
                    format!(
                        "{k} of the {n} episodes began with a move by {} ({}).",
                        v.who(f.person),
                        share(i)
                    )
                }
            },
        ),
        Kind::ReachAnswered => proportion(
            if v.own() {
                "When you reached out".to_string()
            } else {
                format!("When {} reached out", v.who(f.person))
            },
            "finished episode with a reach",
            "finished episodes with a reach",
            &|i| {
                if v.own() {
                    format!(
                        "In {k} of the {n} finished episodes where you reached out, you recorded a reach of yours being met — the next move you noted from your partner was turning toward you or a repair ({}). This is how those moments looked to you.",
                        share(i)
                    )
                } else {
                    format!(
                        "In {k} of the {n} finished episodes where {} reached out, a reach was met by the other person turning toward them or repairing ({}).",
                        v.who(f.person),
                        share(i)
                    )
                }
            },
        ),
        Kind::Reconnected => proportion(
            "How episodes end".to_string(),
            "finished episode",
            "finished episodes",
            &|i| {
                format!(
                    "{k} of the {n} finished episodes ended reconnected — with a repair, a return after a break, or a bid that was answered ({}).",
                    share(i)
                )
            },
        ),
        Kind::Repair => proportion(
            "Ending with a repair".to_string(),
            "finished episode",
            "finished episodes",
            &|i| {
                format!(
                    "{k} of the {n} finished episodes ended with a repair ({}).",
                    share(i)
                )
            },
        ),
        Kind::TimeToReconnect => {
            let title = "How long reconnecting takes".to_string();
            match (f.enough, f.estimate, f.interval) {
                (true, Some(m), Some(i)) => (
                    title,
                    format!(
                        "Among the {n} episodes that ended reconnected, half came back together within {} of the first move, or sooner (95% interval {} to {}). An episode logged in one sitting counts as no time at all.",
                        hours(m),
                        hours(i[0]),
                        hours(i[1])
                    ),
                ),
                _ => (
                    title.clone(),
                    not_enough(&title, "reconnected episode", "reconnected episodes", f),
                ),
            }
        }
        Kind::ChainReconnected => {
            let title = "Read as a chain of moves".to_string();
            match (f.enough, f.estimate, f.interval) {
                (true, Some(e), Some(i)) => (
                    title,
                    format!(
                        "Reading each episode as a chain of moves, an episode like these ended reconnected with a chance of about {} ({}).{} This summarises the episodes so far; it is not a forecast.",
                        pct(e),
                        interval_pct(i),
                        flat_text(f.flat, true)
                    ),
                ),
                (false, _, _) if f.n >= f.minimum && r.chain.is_some() => {
                    (title.clone(), share_too_wide(&title, r))
                }
                _ => (
                    title.clone(),
                    not_enough(&title, "finished episode", "finished episodes", f),
                ),
            }
        }
        Kind::ChainLength => {
            let title = "How long episodes run".to_string();
            // The interval allows for hard or easy stretches that last for weeks, which a log of
            // a month or two may not have seen (docs/analysis.md): said in one plain line.
            let stretches = |days: f64| {
                format!(
                    " This interval is kept wider than these episodes alone would give: hard and easy stretches can each last for weeks, and episodes can run longer or shorter in them, so {} of entries may hold more of one kind than usual.",
                    plural(whole_days(days), "day", "days")
                )
            };
            match (f.enough, f.estimate, f.interval, r.chain.as_ref()) {
                (true, Some(e), Some(i), c) => (
                    title,
                    format!(
                        "An episode like these ran to about {e:.1} moves on average (95% interval {:.1} to {:.1}).{}{}",
                        i[0],
                        i[1],
                        c.filter(|c| c.length_allowance > 0.0)
                            .map(|c| stretches(c.span_days))
                            .unwrap_or_default(),
                        flat_text(f.flat, false)
                    ),
                ),
                (false, _, _, Some(c)) if f.n >= f.minimum => (
                    title.clone(),
                    format!(
                        "{title}: the entries are not enough yet. The range the average could lie in is still too wide to be useful — from less than a third of the best estimate to more than three times it — because hard and easy stretches can each last for weeks, and {} of entries may hold more of one kind than usual.",
                        plural(whole_days(c.span_days), "day", "days")
                    ),
                ),
                _ => (
                    title.clone(),
                    not_enough(&title, "finished episode", "finished episodes", f),
                ),
            }
        }
        Kind::WayDifference => {
            let title = "Episodes with a way of responding tried".to_string();
            let w = &r.way;
            let caution = "This is a description, not proof that a way of responding helped or did not: people often try something new at their hardest moments, and hard moments tend to ease afterwards whatever was tried, so a comparison like this can mislead in either direction.";
            match (f.enough, f.estimate, f.interval) {
                (true, Some(d), Some(i)) => (
                    title,
                    format!(
                        "Of the {} finished episodes where {} noted a way of responding being tried, {} ended reconnected; of the {} without, {} did. A longer episode has more chances both to have a way noted and to end differently, so the comparison is made between episodes of the same length: there the difference is {} percentage points (95% interval {} to {}). {caution}",
                        w.with_way.episodes,
                        if v.own() { "you" } else { "the record" },
                        w.with_way.reconnected,
                        w.without_way.episodes,
                        w.without_way.reconnected,
                        signed_points(d),
                        signed_points(i[0]),
                        signed_points(i[1]),
                    ),
                ),
                _ => (
                    title.clone(),
                    format!(
                        "{title}: the entries are not enough yet to compare. The comparison is made between episodes of the same length, and needs at least {} finished episodes with a way of responding tried and {} without that have a match of the same length; there are {} and {} so far ({} and {} in all). {caution}",
                        f.minimum,
                        f.minimum,
                        w.comparable_with,
                        w.comparable_without,
                        w.with_way.episodes,
                        w.without_way.episodes
                    ),
                ),
            }
        }
    }
}

fn signed_points(x: f64) -> String {
    let v = (100.0 * x).round();
    if v > 0.0 {
        format!("+{v:.0}")
    } else {
        format!("{v:.0}")
    }
}

/// A span of days as the whole number a sentence says (at least one).
fn whole_days(days: f64) -> usize {
    closer_domain::numeric::whole(days.round().max(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_analyze::episodes::{Options, analyze};
    use closer_domain::moves_csv;

    fn file(text: &str) -> moves_csv::MovesFile {
        moves_csv::parse(text, "t.csv").unwrap()
    }

    /// Twelve finished episodes (nine reconnected) and one unfinished, recorded by A, with B's
    /// moves as A saw them.
    fn twelve() -> String {
        let mut s = String::from("# window: 0..295\ntime,partner,move,way,recorded_by\n");
        for i in 0..13 {
            let t = 24 * i;
            s.push_str(&format!(
                "{t},A,reach,{},A\n",
                if i % 2 == 0 { "pause" } else { "" }
            ));
            if i < 9 {
                s.push_str(&format!("{}.5,B,turn_toward,,A\n", t));
            } else {
                s.push_str(&format!("{}.5,B,withdraw,,A\n", t));
            }
        }
        s
    }

    #[test]
    fn own_view_words_perception_and_states_no_rate_of_the_partner() {
        let f = file(&twelve());
        let r = analyze(
            &f,
            &Options {
                view: View::Own(Person::A),
                ..Options::default()
            },
        )
        .unwrap();
        let out = narrate(&policy(), &r).unwrap();
        assert_eq!(out.viewer, "A");
        assert!(out.record.has(Tag::Perception));
        let rate = regex::Regex::new(
            r"(?i)(per (hour|day|week|month)|a (day|week|month)|times a|your partner (withdraws|reaches|pulls|turns|repairs|returns))",
        )
        .unwrap();
        for f in &out.findings {
            assert!(f.text.has(Tag::Perception), "{}", f.text.text());
            assert!(!rate.is_match(f.text.text()), "{}", f.text.text());
        }
        let rec = out
            .findings
            .iter()
            .find(|f| f.kind == "reconnected")
            .unwrap();
        assert_eq!((rec.count, rec.n), (Some(9), 12));
        assert!(
            rec.text
                .text()
                .contains("9 of the 12 finished episodes ended reconnected")
        );
        assert!(rec.text.text().contains("75%"));
        // Clopper-Pearson for 9 of 12 is 43% to 95% (the interval before the allowance); the
        // interval said is widened for hard or easy stretches a 12-day log may not have seen
        // (issue 12), by hand: each side's log-odds half-width h becomes sqrt(h² + c²).
        let before = rec
            .interval_before
            .expect("the interval before the allowance");
        assert!((before[0] - 0.4281).abs() < 1e-4 && (before[1] - 0.9451).abs() < 1e-4);
        let c = r.share_allowance;
        let days = r.span_days;
        assert!((days - 288.5 / 24.0).abs() < 1e-9, "{days}");
        let v = closer_analyze::episodes::mean_level_variance(days, 0.95);
        assert!(
            (c - 1.959_963_984_540_054 * 0.6 * v.sqrt()).abs() < 1e-12,
            "{c}"
        );
        let l = |p: f64| (p / (1.0 - p)).ln();
        let m = 3f64.ln();
        let lo = 1.0 / (1.0 + (-(m - ((m - l(before[0])).powi(2) + c * c).sqrt())).exp());
        let hi = 1.0 / (1.0 + (-(m + ((l(before[1]) - m).powi(2) + c * c).sqrt())).exp());
        let i = rec.interval.unwrap();
        assert!(
            (i[0] - lo).abs() < 1e-12 && (i[1] - hi).abs() < 1e-12,
            "{i:?}"
        );
        let said = format!("95% interval {} to {}", pct(lo), pct(hi));
        assert!(
            rec.text.text().contains(&said),
            "{said}: {}",
            rec.text.text()
        );
        // The same plain line as the tilt towards hard days says the shares are widened.
        let hard = out
            .notes
            .iter()
            .find(|n| n.text().contains("hard days"))
            .expect("the hard-days line");
        assert!(
            hard.text()
                .contains("12 days of entries may hold more of one kind than usual, so each share's interval is kept wider"),
            "{}",
            hard.text()
        );
        let w = out.share_widening.expect("shares are shown");
        assert_eq!((w.span_days, w.logit_half_width), (days, c));
        assert_eq!(w.persistence_covered, 0.95);
        // Nothing here is coaching or shared-loop framing: the same view passes the safety-mode
        // policy unchanged, for a reader who may be in danger.
        let safe = narrate(&Policy::new(Context::safety()), &r).unwrap();
        assert_eq!(safe, out);
        for t in out.notes.iter().chain([&out.record]) {
            let t = t.text().to_lowercase();
            assert!(!t.contains("two of you") && !t.contains("neither"), "{t}");
        }
        // The way comparison is below its minimum here and says so, with the reason it is not proof.
        let way = out
            .findings
            .iter()
            .find(|f| f.kind == "way_difference")
            .unwrap();
        assert!(!way.enough);
        assert!(way.text.text().contains("not enough yet"));
        assert!(way.text.text().contains("not proof"));
    }

    #[test]
    fn a_share_too_wide_to_say_anything_is_withheld_with_the_reason() {
        // Above its minimum, a share whose widened interval runs from almost none to almost all
        // is withheld by the analysis (`share_too_wide`); the words say the entries are not
        // enough yet and why, and give no number and no minimum that has already been met.
        // 24 finished episodes (and one unfinished) over 24 days, so the chain is read too.
        let mut text = String::from("# window: 0..590\ntime,partner,move\n");
        for i in 0..25 {
            let t = 24 * i;
            let answer = if i % 3 == 0 {
                "withdraw"
            } else {
                "turn_toward"
            };
            text.push_str(&format!("{t},A,reach\n{t}.5,B,{answer}\n"));
        }
        let mut r = analyze(&file(&text), &Options::default()).unwrap();
        assert!(r.chain.is_some());
        for kind in [Kind::Reconnected, Kind::ChainReconnected] {
            let f = r
                .findings
                .iter_mut()
                .find(|f| f.kind == kind)
                .expect("the finding");
            f.enough = false;
            f.estimate = None;
            f.interval = None;
            f.n = f.minimum.max(f.n);
        }
        let out = narrate(&policy(), &r).unwrap();
        for kind in ["reconnected", "chain_reconnected"] {
            let t = out
                .findings
                .iter()
                .find(|f| f.kind == kind)
                .unwrap()
                .text
                .text()
                .to_string();
            assert!(t.contains("not enough yet"), "{t}");
            assert!(
                t.contains("from almost none of these episodes to almost all of them")
                    && t.contains("24 days of entries"),
                "{t}"
            );
            assert!(!t.contains('%') && !t.contains("needs at least"), "{t}");
        }
    }

    #[test]
    fn below_minimum_no_numbers_only_not_enough() {
        let f = file("time,partner,move\n0,A,reach\n1,B,turn_toward\n30,A,reach\n");
        let r = analyze(&f, &Options::default()).unwrap();
        let out = narrate(&policy(), &r).unwrap();
        assert!(!out.enough);
        assert!(out.p_reconnected.is_none());
        for f in &out.findings {
            assert!(!f.enough);
            assert!(f.estimate.is_none() && f.interval.is_none());
            assert!(
                f.text.text().contains("not enough yet"),
                "{}",
                f.text.text()
            );
        }
        assert!(out.record.text().contains("joint record"));
    }

    #[test]
    fn the_third_person_register_speaks_about_the_writer_never_to_the_reader() {
        let f = file(&twelve());
        let r = analyze(
            &f,
            &Options {
                view: View::Own(Person::A),
                ..Options::default()
            },
        )
        .unwrap();
        let mine = narrate(&policy(), &r).unwrap();
        let theirs = narrate_in(&policy(), &r, Register::ThirdPerson).unwrap();
        let you = regex::Regex::new(r"(?i)\byou(r|rs|rself)?\b").unwrap();
        let all = |o: &PatternsOut| {
            let mut v = vec![o.record.clone(), o.window.text.clone()];
            v.extend(o.findings.iter().map(|f| f.text.clone()));
            v.extend(o.notes.iter().cloned());
            v
        };
        for s in all(&theirs) {
            assert!(!you.is_match(s.text()), "{}", s.text());
            assert!(!you.is_match(s.title()), "{}", s.title());
        }
        assert!(all(&mine).iter().any(|s| you.is_match(s.text())));
        let reach = theirs
            .findings
            .iter()
            .find(|f| f.kind == "reach_answered")
            .expect("the reach finding");
        assert_eq!(reach.text.title(), "When they reached out");
        assert!(
            reach
                .text
                .text()
                .contains("where they reached out, they recorded a reach of theirs being met"),
            "{}",
            reach.text.text()
        );
        assert!(
            theirs
                .record
                .text()
                .contains("moves they recorded themselves")
        );
        assert!(theirs.record.text().contains("their perception"));
        // The numbers are the same; only the voice differs.
        assert_eq!(
            mine.findings
                .iter()
                .map(|f| (f.n, f.count))
                .collect::<Vec<_>>(),
            theirs
                .findings
                .iter()
                .map(|f| (f.n, f.count))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            third_person("toward you, Your own, yourself"),
            "toward them, Their own, themselves"
        );
    }
}
