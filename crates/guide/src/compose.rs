//! Sentences built with a person from their own words: a curious opening, a time to talk, a
//! break with a time to come back, the cycle map, feeling words.
//!
//! Whatever a person types is first read by the softener. Words that monitor or pressure (a
//! `control` signal) never get a polished version: the person gets the precaution and the path to
//! help instead (DESIGN.md §3.1). Harsh words get a gentle nudge to say it about themselves. Only
//! then is the sentence built, and it is reviewed by the policy like everything else.

use crate::soften;
use crate::ui::all;
use closer_safety::{Draft, Policy, Said, Tag, Topic};

/// A template from `content/interface.toml` (keys `compose.*`).
fn t(key: &str) -> &'static str {
    all().get(key).map(String::as_str).unwrap_or("")
}

/// What came of composing a sentence.
#[derive(Debug, Clone)]
pub enum Composed {
    /// The sentence, ready to use or change.
    Ready(Said),
    /// The words would land hard; these lines say how to put it about oneself.
    Reword(Vec<Said>),
    /// The words monitor or pressure: no sentence, only the precaution and the path to help.
    Control(Vec<Said>),
    /// Nothing to build (empty input), or the policy withheld it (for example in safety mode).
    Nothing,
}

/// Reads the person's words before building anything with them.
fn screen_words(words: &str, policy: &Policy) -> Option<Composed> {
    let s = soften::soften(words);
    if s.signals.is_empty() {
        return None;
    }
    let rendered = soften::render(&s, policy);
    if s.has_control() {
        return Some(Composed::Control(rendered.said));
    }
    // Keep the explanation of what was noticed; the rewrite is not the point here.
    let hint = policy
        .review(Draft::new(Topic::Soften, "reword", "", t("compose.reword")))
        .ok();
    let mut lines: Vec<Said> = rendered
        .said
        .into_iter()
        .filter(|s| s.kind() != "suggestion")
        .collect();
    lines.extend(hint);
    Some(Composed::Reword(lines))
}

fn clean(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', '!', '?', ','])
        .to_string()
}

fn finish(policy: &Policy, topic: Topic, kind: &str, text: String, tags: &[Tag]) -> Composed {
    match policy.review(Draft::new(topic, kind, "", text).tagged(tags)) {
        Ok(s) => Composed::Ready(s),
        Err(_) => Composed::Nothing,
    }
}

/// "I noticed …, and I felt …" — a curious opening that leaves room for "not now".
pub fn opening(noticed: &str, felt: &str, policy: &Policy) -> Composed {
    let (noticed, felt) = (clean(noticed), clean(felt));
    if noticed.is_empty() && felt.is_empty() {
        return Composed::Nothing;
    }
    if let Some(c) = screen_words(&format!("{noticed}. {felt}."), policy) {
        return c;
    }
    let mut text = String::new();
    if !noticed.is_empty() {
        text.push_str(&t("compose.noticed").replace("{noticed}", &noticed));
    }
    if !felt.is_empty() {
        if text.is_empty() {
            text.push_str(&t("compose.felt-only").replace("{felt}", &felt));
        } else {
            text.push_str(&t("compose.and-felt").replace("{felt}", &felt));
        }
    }
    text.push_str(t("compose.opening-end"));
    finish(policy, Topic::Curious, "opening", text, &[Tag::Approach])
}

/// "Would … work for you?" — proposing a time after a "not now".
pub fn timing(when: &str, policy: &Policy) -> Composed {
    let when = clean(when);
    if when.is_empty() {
        return Composed::Nothing;
    }
    if let Some(c) = screen_words(&when, policy) {
        return c;
    }
    finish(
        policy,
        Topic::Curious,
        "timing",
        t("compose.timing").replace("{when}", &when),
        &[Tag::Approach],
    )
}

/// A break with a time to come back. Minutes outside 20–1440 get a gentle note.
pub fn break_message(minutes: u32, policy: &Policy) -> Vec<Said> {
    let mut out = Vec::new();
    let when = if minutes >= 120 && minutes.is_multiple_of(60) {
        t("compose.hours").replace("{n}", &(minutes / 60).to_string())
    } else {
        t("compose.minutes").replace("{n}", &minutes.to_string())
    };
    let msg = t("compose.break").replace("{when}", &when);
    out.extend(
        policy
            .review(Draft::new(Topic::Stay, "break", "", msg).tagged(&[Tag::Return]))
            .ok(),
    );
    let note = if minutes < 20 {
        Some(t("compose.break-short"))
    } else if minutes > 24 * 60 {
        Some(t("compose.break-long"))
    } else {
        None
    };
    if let Some(n) = note {
        out.extend(
            policy
                .review(Draft::new(Topic::Stay, "break-note", "", n).tagged(&[Tag::Return]))
                .ok(),
        );
    }
    out
}

/// The cycle map in the person's own words: when I feel…, I…; then you…; then I…; I need….
pub fn cycle_map(answers: &[String], policy: &Policy) -> Composed {
    let a: Vec<String> = answers.iter().map(|s| clean(s)).collect();
    let get = |i: usize| a.get(i).cloned().unwrap_or_default();
    if a.iter().all(|s| s.is_empty()) {
        return Composed::Nothing;
    }
    if let Some(Composed::Control(c)) = screen_words(&a.join(". "), policy) {
        return Composed::Control(c);
    }
    let blank = |s: String| if s.is_empty() { "…".to_string() } else { s };
    let mut text = t("compose.cycle-map").to_string();
    for i in 0..5 {
        text = text.replace(&format!("{{{i}}}"), &blank(get(i)));
    }
    finish(
        policy,
        Topic::Explore,
        "cycle-map",
        text,
        &[Tag::SharedFraming],
    )
}

/// "Right now I notice I feel …" from picked feeling words.
pub fn feelings(words: &[String], policy: &Policy) -> Composed {
    let words: Vec<String> = words
        .iter()
        .map(|w| clean(w))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Composed::Nothing;
    }
    let list = match words.len() {
        1 => words[0].clone(),
        n => format!(
            "{} {} {}",
            words[..n - 1].join(", "),
            t("compose.and"),
            words[n - 1]
        ),
    };
    finish(
        policy,
        Topic::Explore,
        "feelings",
        t("compose.feelings").replace("{list}", &list),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_safety::Context;

    fn p() -> Policy {
        Policy::new(Context::ordinary())
    }

    #[test]
    fn opening_uses_the_persons_words_and_leaves_room_for_not_now() {
        match opening("you went quiet after dinner", "a bit lonely", &p()) {
            Composed::Ready(s) => {
                assert!(s.text().starts_with(
                    "I noticed you went quiet after dinner, and I felt a bit lonely."
                ));
                assert!(s.text().contains("later"));
                assert!(s.has(Tag::Approach));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn monitoring_words_never_get_a_polished_opening() {
        for noticed in [
            "I can see you read my message",
            "you were online but didn't answer me",
            "I checked your location and you weren't at work",
        ] {
            match opening(noticed, "hurt", &p()) {
                Composed::Control(lines) => {
                    assert!(!lines.is_empty());
                    let all: String = lines.iter().map(|s| s.text()).collect();
                    // Where help is, without a revealing command to type (issue 10).
                    assert!(all.contains("I'm not safe"), "{all}");
                    assert!(!all.contains("help-now"), "{all}");
                }
                other => panic!("{noticed}: {other:?}"),
            }
        }
    }

    #[test]
    fn harsh_words_get_a_nudge_not_a_sentence() {
        match opening("you never listen to me", "angry", &p()) {
            Composed::Reword(lines) => assert!(!lines.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nothing_is_composed_in_safety_mode() {
        let s = Policy::new(Context::safety());
        assert!(matches!(
            opening("you seemed tired", "sad", &s),
            Composed::Nothing
        ));
        assert!(break_message(30, &s).is_empty());
        assert!(matches!(cycle_map(&["sad".into()], &s), Composed::Nothing));
    }

    #[test]
    fn break_message_names_the_return_and_notes_short_or_long_breaks() {
        let m = break_message(30, &p());
        assert_eq!(m.len(), 1);
        assert!(m[0].text().contains("come back in 30 minutes"));
        assert_eq!(break_message(5, &p()).len(), 2);
        let long = break_message(48 * 60, &p());
        assert!(long[0].text().contains("48 hours"));
        assert!(long[1].text().contains("within a day"));
    }

    #[test]
    fn cycle_map_is_in_the_persons_words() {
        let answers: Vec<String> = [
            "unseen",
            "text more",
            "go quiet",
            "more alone",
            "to know I matter",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match cycle_map(&answers, &p()) {
            Composed::Ready(s) => {
                assert!(s.text().contains(
                    "When I feel unseen, I tend to text more. Then you seem to go quiet"
                ));
                assert!(s.text().contains("to know I matter"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn feelings_join_naturally() {
        let w: Vec<String> = ["tired", "crowded", "sad"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        match feelings(&w, &p()) {
            Composed::Ready(s) => assert_eq!(
                s.text(),
                "Right now I notice I feel tired, crowded and sad."
            ),
            other => panic!("{other:?}"),
        }
    }
}
