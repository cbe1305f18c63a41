//! The fear check and the own-behaviour check used inside the flows (DESIGN.md §3.2).
//!
//! They are questions, not verdicts. The flows place them before any step that asks someone to
//! approach, to give space in order to reconnect, or to come back; a "yes" becomes a
//! [`SafetySignal`] that the grading turns into safety mode or the own-behaviour path.

use closer_domain::{Direction, SafetySignal, SignalDomain, SignalSource};
use serde::Deserialize;
use std::sync::OnceLock;

/// One check's words (from `data/checks.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub question: String,
    /// Reassurance shown with the question.
    pub note: String,
    /// What is said after a yes.
    pub if_yes: String,
}

#[derive(Deserialize)]
struct Checks {
    fear: Check,
    own_behaviour: Check,
    reaching: Check,
}

fn checks() -> &'static Checks {
    static C: OnceLock<Checks> = OnceLock::new();
    C.get_or_init(|| {
        // The file is embedded and checked by the tests below, so a parse failure is a build bug.
        toml::from_str(include_str!("../data/checks.toml")).expect("data/checks.toml is valid")
    })
}

/// Asked of the person who pulls away: do they pull away out of fear?
pub fn fear_check() -> &'static Check {
    &checks().fear
}

/// Asked with compassion of the person who reaches: following, blocking, checking, threatening.
pub fn own_behaviour_check() -> &'static Check {
    &checks().own_behaviour
}

/// Asked of the person who reaches: anxious reaching (many messages, asking again, pleading).
/// A yes is not a safety signal: it brings help for the panic and the flow goes on.
pub fn reaching_check() -> &'static Check {
    &checks().reaching
}

/// The check with this id (`fear`, `own-behaviour`, `reaching`).
pub fn check(id: &str) -> Option<&'static Check> {
    match id {
        "fear" => Some(fear_check()),
        "own-behaviour" => Some(own_behaviour_check()),
        "reaching" => Some(reaching_check()),
        _ => None,
    }
}

/// An answer to a check inside a flow. Only these four are accepted; anything else is asked
/// again (DESIGN.md §3.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckAnswer {
    Yes,
    No,
    NotSure,
    Quit,
}

impl CheckAnswer {
    /// Doubt counts as yes.
    pub fn counts_as_yes(self) -> bool {
        matches!(self, CheckAnswer::Yes | CheckAnswer::NotSure)
    }

    /// Reads what a person typed. `None` (ask again) for anything that is not clearly one of
    /// the four — a bare Enter, "skip", a number. Words of doubt ("sometimes", "maybe") are
    /// "not sure".
    pub fn parse(typed: &str) -> Option<CheckAnswer> {
        let t = typed.trim().to_lowercase();
        let t = t.trim_end_matches(['.', '!']);
        match t {
            "y" | "yes" | "yeah" | "yep" => Some(CheckAnswer::Yes),
            "n" | "no" | "nope" => Some(CheckAnswer::No),
            "?" | "ns" | "u" | "not sure" | "not_sure" | "not-sure" | "notsure" | "unsure"
            | "maybe" | "sometimes" | "i don't know" | "i dont know" | "don't know"
            | "dont know" | "idk" => Some(CheckAnswer::NotSure),
            "q" | "quit" => Some(CheckAnswer::Quit),
            _ => None,
        }
    }
}

/// The signal a "yes" to the fear check produces.
pub fn fear_signal() -> SafetySignal {
    SafetySignal {
        domain: SignalDomain::Fear,
        direction: Direction::Receiving,
        source: SignalSource::FearCheck,
    }
}

/// The signal a "yes" to the own-behaviour check produces.
pub fn own_behaviour_signal() -> SafetySignal {
    SafetySignal {
        domain: SignalDomain::OwnControl,
        direction: Direction::Doing,
        source: SignalSource::OwnBehaviourCheck,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_parse_and_ask_what_they_should() {
        let f = fear_check();
        assert!(f.question.contains("afraid"));
        let o = own_behaviour_check();
        for act in [
            "followed",
            "blocked",
            "grabbed",
            "pushed",
            "hit",
            "thrown",
            "broken",
            "threatened",
            "phone",
            "tracked",
            "keys",
            "money",
        ] {
            assert!(o.question.contains(act), "{act}");
        }
        // Anxious reaching is its own check, not the own-behaviour one.
        assert!(!o.question.contains("message"));
        let r = reaching_check();
        assert!(r.question.contains("message after message"));
        // No check tells a person to type a revealing command.
        for c in [f, o, r] {
            for cmd in ["closer help-now", "closer guide", "--afraid", "`closer"] {
                let all = format!("{} {} {}", c.question, c.note, c.if_yes);
                assert!(!all.contains(cmd), "{}: {cmd}", c.id);
            }
        }
        assert!(f.question.contains("themselves"));
    }

    #[test]
    fn only_yes_no_not_sure_and_quit_are_answers_and_doubt_is_yes() {
        use CheckAnswer::*;
        for (typed, want) in [
            ("y", Some(Yes)),
            ("YES", Some(Yes)),
            ("n", Some(No)),
            ("no", Some(No)),
            ("not sure", Some(NotSure)),
            ("?", Some(NotSure)),
            ("sometimes", Some(NotSure)),
            ("Maybe", Some(NotSure)),
            ("q", Some(Quit)),
            ("", None),
            ("s", None),
            ("skip", None),
            ("1", None),
            ("nah whatever", None),
        ] {
            assert_eq!(CheckAnswer::parse(typed), want, "{typed:?}");
        }
        assert!(NotSure.counts_as_yes());
        assert!(Yes.counts_as_yes());
        assert!(!No.counts_as_yes());
        assert_eq!(check("reaching").map(|c| c.id.as_str()), Some("reaching"));
        assert!(check("nope").is_none());
    }
}
