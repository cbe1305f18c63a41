//! The softener's words to the person, every one reviewed by the safety policy.
//!
//! The path is chosen by what was noticed, never the wording of the person's message:
//! - **self-harm** (the risk reader): crisis help first, with the emergency number and the
//!   region's crisis lines in place (or, with no region, the emergency numbers we have checked and
//!   an international directory); then what was noticed, help for the panic if there is panic,
//!   the precaution, and no rewrite.
//! - **other risks** (violence, threats, surveillance, isolation, children): what the words may
//!   mean, the precaution for tonight or for someone who is afraid (by whose act it is), the
//!   lines for that (in place when the region is known), and no rewrite.
//! - **control** (checking, counting, ultimatums the risk reader did not catch): what was noticed,
//!   the precaution, and the path to help. Anxious reaching (counting calls, pressing for a reply)
//!   gets help for the panic instead of the own-behaviour path.
//! - **harsh words**: how they may land, the gentler version, a note that it is theirs to change.
//! - **nothing noticed**: what closer cannot judge — never an all-clear.
//!
//! Every path ends with the precaution for the one who sends (kind `precaution`); the timing
//! check and the gentler version ask the reader to approach, so they are tagged
//! [`Tag::Approach`] and safety mode withholds them.

use super::suggest::frame;
use super::texts::texts;
use super::{ANXIOUS_CONTROL, Kind, Signal, Softened};
use closer_safety::resources::{self, Kind as Line, Resource};
use closer_safety::risk::{Direction, Language, Path, RiskKind};
use closer_safety::{Draft, Mode, Policy, Said, Tag, Topic};
use serde::Serialize;

/// A message's analysis as the person sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rendered {
    pub signals: Vec<Signal>,
    /// The gentler version, as approved by the policy; `None` for control, for any risk, for
    /// nothing to soften, for text that is not English, and in safety mode.
    pub suggestion: Option<Said>,
    /// Everything said, in reading order.
    pub said: Vec<Said>,
}

/// Renders an analysis for a reader through `policy`, with no region known.
pub fn render(s: &Softened, policy: &Policy) -> Rendered {
    render_for(s, policy, None)
}

/// Renders an analysis for a reader through `policy`; `region` (a code `closer_safety::
/// resources` knows, in any spelling it accepts) chooses which helplines are shown in place.
/// An unknown region is treated as no region: the emergency numbers we have checked and the
/// international directory.
pub fn render_for(s: &Softened, policy: &Policy, region: Option<&str>) -> Rendered {
    let t = texts();
    let region = region.and_then(resources::normalise);
    let mut said: Vec<Said> = Vec::new();
    let review = |d: Draft| policy.review(d).ok();
    let safety =
        |kind: &str, title: &str, text: &str| review(Draft::new(Topic::Safety, kind, title, text));
    // The writer's own words lead each explanation; if the policy refuses them (they may hold
    // a label the lint will not repeat), the explanation is said without them.
    let noticed = |topic: Topic, kind: &str, title: &str, words: &str, text: &str| {
        review(Draft::new(
            topic,
            kind,
            title,
            format!("{words} \u{2014} {text}"),
        ))
        .or_else(|| review(Draft::new(topic, kind, title, text)))
    };
    let reading = &s.risk;
    let path = reading.path();
    let mut suggestion = None;

    // 1. Crisis help comes first, before anything else.
    if path == Path::Crisis {
        said.extend(safety("crisis", &t.heading.crisis, &crisis_text(region)));
    }
    if reading.language == Language::Unknown {
        said.extend(review(Draft::new(
            Topic::Soften,
            "language",
            &t.heading.language,
            &t.language.text,
        )));
    }

    // 2. What was noticed.
    let risk_words = |pred: &dyn Fn(RiskKind, Direction) -> bool| -> String {
        quote_all(
            reading
                .risks
                .iter()
                .filter(|r| pred(r.kind, r.by))
                .map(|r| r.words.as_str()),
        )
    };
    if reading.has(RiskKind::SelfHarm) {
        let w = risk_words(&|k, _| k == RiskKind::SelfHarm);
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &w,
            &t.risk.self_harm,
        ));
    }
    let other = |k: RiskKind| k != RiskKind::SelfHarm;
    let theirs = risk_words(&|k, by| other(k) && by != Direction::Mine);
    let mine = risk_words(&|k, by| other(k) && by == Direction::Mine);
    if !theirs.is_empty() {
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &theirs,
            &t.risk.theirs,
        ));
    }
    if !mine.is_empty() {
        said.extend(noticed(
            Topic::Safety,
            "risk",
            &t.heading.risk,
            &mine,
            &t.risk.mine,
        ));
    }
    let control = quote_all(
        s.signals
            .iter()
            .filter(|x| x.kind == Kind::Control && !x.rule.starts_with("risk-"))
            .map(|x| x.words.as_str()),
    );
    if !control.is_empty() {
        said.extend(noticed(
            Topic::Soften,
            "control",
            &t.heading.noticed,
            &control,
            &t.control.noticed,
        ));
    }
    let rewrite_allowed = !s.has_control() && reading.language == Language::En;
    if rewrite_allowed {
        for kind in first_seen_kinds(s) {
            let Some(text) = t.explain.get(kind.as_str()) else {
                continue;
            };
            said.extend(noticed(
                Topic::Soften,
                kind.as_str(),
                &t.heading.noticed,
                &quoted(s, kind),
                text,
            ));
        }
        if let Some(text) = &s.suggestion {
            let draft = |text: &str| {
                Draft::new(Topic::Soften, "suggestion", &t.heading.suggestion, text)
                    .tagged(&[Tag::Approach])
            };
            suggestion = review(draft(text)).or_else(|| {
                if policy.mode() == Mode::Safety {
                    None
                } else {
                    review(draft(&frame(None, None)))
                }
            });
            if let Some(sug) = &suggestion {
                said.push(sug.clone());
                said.extend(review(
                    Draft::new(Topic::Soften, "note", &t.heading.suggestion, &t.frame.note)
                        .tagged(&[Tag::Approach]),
                ));
            }
        }
    }
    if s.signals.is_empty() && reading.language == Language::En {
        said.extend(review(Draft::new(
            Topic::Soften,
            "limits",
            &t.heading.limits,
            &t.limits.text,
        )));
    }

    // 3. Help for the panic, when the message reads as anxious reaching and does not check on,
    //    threaten or control anyone.
    let control_serious = s.signals.iter().any(|x| {
        x.kind == Kind::Control
            && !x.rule.starts_with("risk-")
            && !ANXIOUS_CONTROL.contains(&x.rule.as_str())
    });
    let serious = control_serious || !theirs.is_empty() || !mine.is_empty();
    if s.anxious && !serious {
        said.extend(review(Draft::new(
            Topic::Pause,
            "panic",
            &t.heading.panic,
            &t.panic.text,
        )));
        if path != Path::Crisis {
            said.extend(review(
                Draft::new(Topic::Soften, "space", &t.heading.space, &t.space.text)
                    .tagged(&[Tag::Space]),
            ));
        }
    }

    // 4. The precaution for the one who sends: always.
    let own_path = !mine.is_empty() || (control_serious && theirs.is_empty());
    let precaution = match path {
        Path::Crisis => &t.precaution.crisis,
        Path::Safety => &t.precaution.afraid,
        Path::OwnBehaviour => &t.precaution.own,
        Path::Unmarked if own_path => &t.precaution.own,
        Path::Unmarked => &t.precaution.ordinary,
    };
    said.extend(safety("precaution", &t.heading.precaution, precaution));
    if path == Path::Safety && !mine.is_empty() {
        said.extend(safety(
            "precaution",
            &t.heading.precaution,
            &t.precaution.own,
        ));
    }

    // 5. Where help is.
    let afraid_help =
        path == Path::Safety || (policy.mode() == Mode::Safety && path != Path::Crisis);
    if afraid_help {
        said.extend(safety(
            "help",
            &t.heading.help,
            &lines_text(region, Line::Dv, &t.help.lines_afraid, &t.help.afraid),
        ));
    }
    if own_path {
        said.extend(safety(
            "help",
            &t.heading.help,
            &lines_text(region, Line::OwnBehaviour, &t.help.lines_own, &t.help.own),
        ));
    }

    // 6. Timing, for a message that may still be sent as it is or reworded.
    if rewrite_allowed && path == Path::Unmarked {
        said.extend(review(
            Draft::new(Topic::Soften, "timing", &t.heading.timing, &t.timing.text)
                .tagged(&[Tag::Approach]),
        ));
    }
    if s.long {
        said.extend(review(Draft::new(
            Topic::Soften,
            "long",
            &t.heading.long,
            &t.long.text,
        )));
    }
    Rendered {
        signals: s.signals.clone(),
        suggestion,
        said,
    }
}

/// Crisis help with the numbers in place: the region's emergency number and crisis lines, or,
/// with no region, every emergency number we have checked and the international directory.
fn crisis_text(region: Option<&str>) -> String {
    let c = &texts().crisis;
    let mut out = Vec::new();
    let lines = region.and_then(resources::for_region).unwrap_or_default();
    let emergency: Vec<&str> = lines
        .iter()
        .filter(|r| r.kind == Line::Emergency)
        .filter_map(|r| r.phone.as_deref())
        .collect();
    if emergency.is_empty() {
        out.push(c.emergency_unknown.clone());
        out.push(c.emergency_list.clone());
        let mut seen: Vec<String> = Vec::new();
        for r in resources::all()
            .iter()
            .filter(|r| r.kind == Line::Emergency && r.region != "INTL")
        {
            if let Some(p) = &r.phone {
                let entry = format!("  {}: {p}", r.region);
                if !seen.contains(&entry) {
                    seen.push(entry);
                }
            }
        }
        out.extend(seen);
    } else {
        out.push(c.emergency.replace("{emergency}", &emergency.join(" or ")));
    }
    let crisis: Vec<&Resource> = lines
        .iter()
        .copied()
        .filter(|r| r.kind == Line::Crisis && r.region != "INTL")
        .collect();
    if !crisis.is_empty() {
        out.push(c.lines.clone());
        out.extend(crisis.iter().map(|r| entry(r)));
    }
    out.push(c.directory.clone());
    out.extend(
        resources::all()
            .iter()
            .filter(|r| r.region == "INTL" && r.kind == Line::Crisis)
            .map(entry),
    );
    out.push(c.other.clone());
    out.join("\n")
}

/// Lines of one kind for the region, in place; with no region (or none of that kind), where to
/// find them.
fn lines_text(region: Option<&str>, kind: Line, heading: &str, fallback: &str) -> String {
    let lines: Vec<&Resource> = region
        .and_then(resources::for_region)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.kind == kind && r.region != "INTL")
        .collect();
    if lines.is_empty() {
        return fallback.to_string();
    }
    let mut out = vec![heading.to_string()];
    out.extend(lines.iter().map(|r| entry(r)));
    out.join("\n")
}

/// One line as a person reads it: name, phone, text, chat; hours when they are short enough to
/// be written for people.
fn entry(r: &Resource) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = &r.phone {
        parts.push(format!("call {p}"));
    }
    if let Some(x) = &r.text {
        parts.push(x.clone());
    }
    if let Some(u) = &r.chat_url {
        parts.push(u.clone());
    }
    let mut s = format!("  {}: {}", r.name, parts.join("; "));
    if let Some(h) = r.hours.as_deref().filter(|h| h.chars().count() <= 24) {
        s.push_str(&format!(" ({h})"));
    }
    s
}

/// Kinds in the order they first appear in the message.
fn first_seen_kinds(s: &Softened) -> Vec<Kind> {
    let mut out: Vec<Kind> = Vec::new();
    for sig in &s.signals {
        if !out.contains(&sig.kind) {
            out.push(sig.kind);
        }
    }
    out
}

/// The writer's words for one kind, quoted: `"you never", "every time you"`.
fn quoted(s: &Softened, kind: Kind) -> String {
    quote_all(
        s.signals
            .iter()
            .filter(|x| x.kind == kind)
            .map(|x| x.words.as_str()),
    )
}

fn quote_all<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut ws: Vec<String> = Vec::new();
    for w in words {
        let q = format!("\u{201C}{w}\u{201D}");
        if !ws.contains(&q) {
            ws.push(q);
        }
    }
    ws.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soften::soften;
    use closer_safety::Context;

    fn kinds(r: &Rendered) -> Vec<&str> {
        r.said.iter().map(|s| s.kind()).collect()
    }

    #[test]
    fn every_fixed_sentence_passes_the_policy() {
        let p = Policy::new(Context::ordinary());
        let t = texts();
        let mut all: Vec<(Topic, &str)> = vec![
            (Topic::Soften, &t.limits.text),
            (Topic::Soften, &t.language.text),
            (Topic::Soften, &t.long.text),
            (Topic::Soften, &t.frame.note),
            (Topic::Soften, &t.timing.text),
            (Topic::Soften, &t.control.noticed),
            (Topic::Soften, &t.space.text),
            (Topic::Pause, &t.panic.text),
        ];
        for x in [
            &t.precaution.ordinary,
            &t.precaution.own,
            &t.precaution.afraid,
            &t.precaution.crisis,
            &t.risk.mine,
            &t.risk.theirs,
            &t.risk.self_harm,
            &t.help.own,
            &t.help.afraid,
        ] {
            all.push((Topic::Safety, x));
        }
        for x in t.explain.values() {
            all.push((Topic::Soften, x));
        }
        for (topic, text) in all {
            assert!(
                p.review(Draft::new(topic, "k", "t", text)).is_ok(),
                "{text}"
            );
        }
        let plain = frame(None, None);
        assert!(p.review(Draft::new(Topic::Soften, "k", "t", plain)).is_ok());
    }

    #[test]
    fn harsh_message_gets_explanations_suggestion_precaution_and_timing() {
        let r = render(
            &soften("You never listen to me!"),
            &Policy::new(Context::ordinary()),
        );
        assert_eq!(
            kinds(&r),
            vec!["absolute", "suggestion", "note", "precaution", "timing"]
        );
        let sug = r.suggestion.expect("a suggestion");
        assert!(
            sug.text().contains("when you don't listen to me"),
            "{}",
            sug.text()
        );
        assert!(sug.text().starts_with("I feel ["));
    }

    #[test]
    fn control_gets_only_what_was_noticed_the_precaution_and_help() {
        let r = render(
            &soften("I can see you read my message, answer me"),
            &Policy::new(Context::ordinary()),
        );
        assert!(r.suggestion.is_none());
        assert!(!kinds(&r).contains(&"suggestion"));
        assert!(kinds(&r).contains(&"precaution"));
        assert!(kinds(&r).contains(&"help"));
        assert!(r.said.iter().all(|s| !s.has(Tag::Approach)));
    }

    #[test]
    fn self_harm_leads_with_crisis_numbers_for_the_region() {
        let p = Policy::new(Context::ordinary());
        let s = soften("i dont want to be here anymore. nobody would even notice if i was gone");
        let us = render_for(&s, &p, Some("us"));
        assert_eq!(us.said[0].kind(), "crisis");
        assert!(us.said[0].text().contains("988"), "{}", us.said[0].text());
        assert!(us.said[0].text().contains("911"));
        assert!(us.suggestion.is_none());
        let none = render_for(&s, &p, None);
        assert_eq!(none.said[0].kind(), "crisis");
        assert!(none.said[0].text().contains("findahelpline.com"));
        assert!(none.said[0].text().contains("999"));
        assert!(kinds(&none).contains(&"precaution"));
    }

    #[test]
    fn nothing_noticed_is_never_an_all_clear() {
        let r = render(&soften("see you at 7"), &Policy::new(Context::ordinary()));
        assert_eq!(kinds(&r), vec!["limits", "precaution", "timing"]);
        let all = r
            .said
            .iter()
            .map(|s| s.text().to_lowercase())
            .collect::<String>();
        for bad in [
            "looks fine",
            "nothing here looks",
            "safe to send",
            "nothing to soften",
        ] {
            assert!(!all.contains(bad), "{bad}");
        }
        assert!(all.contains("english only"));
    }

    #[test]
    fn anxious_protest_gets_the_panic_help_and_no_own_behaviour_path() {
        for m in [
            "pls answer me im freaking out its been 5 hours",
            "YOU NEVER TEXT ME BACK",
        ] {
            let r = render(&soften(m), &Policy::new(Context::ordinary()));
            let k = kinds(&r);
            assert!(k.contains(&"panic"), "{m}: {k:?}");
            assert!(k.contains(&"space"), "{m}: {k:?}");
            assert!(!k.contains(&"control"), "{m}: {k:?}");
            assert!(!k.contains(&"help"), "{m}: {k:?}");
        }
    }

    #[test]
    fn safety_mode_withholds_the_suggestion_and_the_timing_check() {
        let r = render(
            &soften("you always leave your dishes in the sink"),
            &Policy::new(Context::safety()),
        );
        assert!(r.suggestion.is_none());
        assert!(r.said.iter().all(|s| !s.has(Tag::Approach)));
        assert!(r.said.iter().any(|s| s.kind() == "help"));
    }
}
