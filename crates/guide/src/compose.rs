//! Sentences built with a person from their own words: a curious opening, a time to talk, a
//! break with a time to come back, the cycle map, feeling words.
//!
//! Whatever a person types is first read by the softener. Words that monitor or pressure (a
//! `control` signal) never get a polished version: the person gets the precaution and the path to
//! help instead (DESIGN.md §3.1). Harsh words get a gentle nudge to say it about themselves. Only
//! then is the sentence built, and it is reviewed by the policy like everything else.

use crate::soften;
use closer_safety::{Draft, Policy, Said, Tag, Topic};

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
        .review(Draft::new(
            Topic::Soften,
            "reword",
            "",
            "These words may land hard, even if you do not mean them that way. Try saying what \
             you noticed and what you felt, about yourself — for example \"I felt alone\" \
             rather than \"you ignored me\".",
        ))
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
        text.push_str(&format!("I noticed {noticed}"));
    }
    if !felt.is_empty() {
        if text.is_empty() {
            text.push_str(&format!("I've been feeling {felt}"));
        } else {
            text.push_str(&format!(", and I felt {felt}"));
        }
    }
    text.push_str(
        ". Is now an okay time to talk for a bit, or would later suit you better? \
         No pressure — I'd just like to understand.",
    );
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
        format!("Would {when} work for you to talk? If not, tell me what would suit you."),
        &[Tag::Approach],
    )
}

/// A break with a time to come back. Minutes outside 20–1440 get a gentle note.
pub fn break_message(minutes: u32, policy: &Policy) -> Vec<Said> {
    let mut out = Vec::new();
    let when = if minutes >= 120 && minutes % 60 == 0 {
        format!("{} hours", minutes / 60)
    } else {
        format!("{minutes} minutes")
    };
    let msg = format!(
        "I'm getting overwhelmed and I need a break so I can calm down. I'll come back in {when}, \
         and then I'd like us to keep talking."
    );
    out.extend(
        policy
            .review(Draft::new(Topic::Stay, "break", "", msg).tagged(&[Tag::Return]))
            .ok(),
    );
    let note = if minutes < 20 {
        Some(
            "A body that is flooded usually needs at least about twenty minutes to settle, so a longer break may help more.",
        )
    } else if minutes > 24 * 60 {
        Some(
            "Coming back within a day helps the break feel like a pause rather than a door closing.",
        )
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
    let text = format!(
        "When I feel {}, I tend to {}. Then you seem to {}, and then I feel {}. Underneath, what \
         I need most is {}. Round and round it goes — and neither of us is the villain; the loop \
         is.",
        blank(get(0)),
        blank(get(1)),
        blank(get(2)),
        blank(get(3)),
        blank(get(4)),
    );
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
        n => format!("{} and {}", words[..n - 1].join(", "), words[n - 1]),
    };
    finish(
        policy,
        Topic::Explore,
        "feelings",
        format!("Right now I notice I feel {list}."),
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
                    assert!(all.contains("help-now"), "{all}");
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
