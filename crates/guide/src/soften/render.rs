//! The softener's words to the person, every one reviewed by the safety policy.
//!
//! What is said: for each kind noticed, the writer's words and how they may land; the gentler
//! version, a note that it is theirs to change, and the timing check. For control: what was
//! noticed, the precaution and the path to help — and nothing else. The suggestion and the
//! timing check ask the reader to approach the other person, so they are tagged
//! [`Tag::Approach`] and safety mode withholds them.

use super::suggest::frame;
use super::texts::texts;
use super::{Kind, Signal, Softened};
use closer_safety::{Draft, Mode, Policy, Said, Tag, Topic};
use serde::Serialize;

/// A message's analysis as the person sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rendered {
    pub signals: Vec<Signal>,
    /// The gentler version, as approved by the policy; `None` for control, for nothing to
    /// soften, and in safety mode.
    pub suggestion: Option<Said>,
    /// Everything said, in reading order.
    pub said: Vec<Said>,
}

/// Renders an analysis for a reader through `policy`.
pub fn render(s: &Softened, policy: &Policy) -> Rendered {
    let t = texts();
    let mut said = Vec::new();
    let mut suggestion = None;
    let review = |d: Draft| policy.review(d).ok();
    // The writer's own words lead each explanation; if the policy refuses them (they may hold
    // a label the lint will not repeat), the explanation is said without them.
    let noticed = |kind: &str, words: &str, text: &str| {
        review(Draft::new(
            Topic::Soften,
            kind,
            &t.heading.noticed,
            format!("{words} \u{2014} {text}"),
        ))
        .or_else(|| review(Draft::new(Topic::Soften, kind, &t.heading.noticed, text)))
    };
    if s.has_control() {
        said.extend(noticed(
            "control",
            &quoted(s, Kind::Control),
            &t.control.noticed,
        ));
        said.extend(review(Draft::new(
            Topic::Safety,
            "precaution",
            &t.heading.precaution,
            &t.control.precaution,
        )));
        said.extend(review(Draft::new(
            Topic::Safety,
            "help",
            &t.heading.help,
            &t.control.help,
        )));
    } else if s.signals.is_empty() {
        said.extend(review(Draft::new(
            Topic::Soften,
            "nothing",
            &t.heading.nothing,
            &t.nothing.text,
        )));
    } else {
        for kind in first_seen_kinds(s) {
            let Some(text) = t.explain.get(kind.as_str()) else {
                continue;
            };
            said.extend(noticed(kind.as_str(), &quoted(s, kind), text));
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
        said.extend(review(
            Draft::new(Topic::Soften, "timing", &t.heading.timing, &t.timing.text)
                .tagged(&[Tag::Approach]),
        ));
        if policy.mode() == Mode::Safety {
            said.extend(review(Draft::new(
                Topic::Safety,
                "help",
                &t.heading.help,
                &t.control.help,
            )));
        }
    }
    Rendered {
        signals: s.signals.clone(),
        suggestion,
        said,
    }
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
    let mut ws: Vec<String> = Vec::new();
    for sig in s.signals.iter().filter(|x| x.kind == kind) {
        let q = format!("\u{201C}{}\u{201D}", sig.words);
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

    #[test]
    fn every_fixed_sentence_passes_the_policy() {
        let p = Policy::new(Context::ordinary());
        let t = texts();
        for (topic, text) in [
            (Topic::Soften, &t.nothing.text),
            (Topic::Soften, &t.frame.note),
            (Topic::Soften, &t.timing.text),
            (Topic::Soften, &t.control.noticed),
            (Topic::Safety, &t.control.precaution),
            (Topic::Safety, &t.control.help),
        ] {
            assert!(
                p.review(Draft::new(topic, "k", "t", text.as_str())).is_ok(),
                "{text}"
            );
        }
        for text in t.explain.values() {
            assert!(
                p.review(Draft::new(Topic::Soften, "k", "t", text.as_str()))
                    .is_ok()
            );
        }
        let plain = frame(None, None);
        assert!(p.review(Draft::new(Topic::Soften, "k", "t", plain)).is_ok());
    }

    #[test]
    fn harsh_message_gets_explanations_suggestion_and_timing() {
        let r = render(
            &soften("You never listen to me!"),
            &Policy::new(Context::ordinary()),
        );
        let kinds: Vec<&str> = r.said.iter().map(|s| s.kind()).collect();
        assert_eq!(kinds, vec!["absolute", "suggestion", "note", "timing"]);
        let sug = r.suggestion.expect("a suggestion");
        assert!(
            sug.text().contains("when you don't listen to me"),
            "{}",
            sug.text()
        );
        assert!(sug.text().starts_with("I feel ["));
    }

    #[test]
    fn control_gets_only_the_precaution_and_help() {
        let r = render(
            &soften("I can see you read my message, answer me"),
            &Policy::new(Context::ordinary()),
        );
        assert!(r.suggestion.is_none());
        let kinds: Vec<&str> = r.said.iter().map(|s| s.kind()).collect();
        assert_eq!(kinds, vec!["control", "precaution", "help"]);
        assert!(r.said.iter().all(|s| !s.has(Tag::Approach)));
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
