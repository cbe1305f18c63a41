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
        for behaviour in ["follow", "block", "check", "messaging", "threat"] {
            assert!(o.question.contains(behaviour), "{behaviour}");
        }
        assert!(o.if_yes.contains("help-now"));
    }
}
