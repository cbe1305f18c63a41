//! Safety signals: facts from a screen or a questionnaire that the safety grading consumes.
//!
//! A signal has a *direction*: something a person receives (victimisation) or does
//! (perpetration). The two lead to different help (DESIGN.md §3.2, §7), so they are never merged.

use serde::{Deserialize, Serialize};

/// What the signal is about. The screen's domains follow DESIGN.md §3.2; the CPQ pairs add
/// threats, name-calling and physical aggression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalDomain {
    /// Being afraid of the partner (including pulling away out of fear).
    Fear,
    /// Being hurt physically.
    PhysicalHarm,
    /// Non-fatal strangulation (choking).
    Strangulation,
    /// Threats to kill.
    ThreatsToKill,
    /// Weapons in the home or used to threaten.
    Weapons,
    /// Following, watching, turning up.
    Stalking,
    /// Checking phone, location or accounts.
    Monitoring,
    /// Being cut off from friends and family.
    Isolation,
    /// Control of money.
    FinancialControl,
    /// Forced or pressured sex.
    SexualCoercion,
    /// A recent or planned separation.
    Separation,
    /// Threats about children or pets.
    ThreatsChildrenPets,
    /// Pregnancy (a known time of raised risk).
    Pregnancy,
    /// Violence getting more frequent or more severe.
    Escalation,
    /// A partner's threats of suicide used to control.
    SuicideThreatsAsControl,
    /// One's own self-harm or suicidal thoughts.
    SelfHarm,
    /// Threats (CPQ 17/18).
    Threats,
    /// Name-calling, attacks on character (CPQ 19/20).
    NameCalling,
    /// Physical aggression (CPQ 21/22).
    PhysicalAggression,
    /// One's own controlling behaviour: following, blocking a door, checking a phone,
    /// keeping on messaging, threatening (the own-behaviour check).
    OwnControl,
    /// Lower-level signs: feeling put down, walking on eggshells, often tense.
    Tension,
}

impl SignalDomain {
    /// Every domain, so tables and tests can check that none is forgotten.
    pub const ALL: [SignalDomain; 21] = [
        SignalDomain::Fear,
        SignalDomain::PhysicalHarm,
        SignalDomain::Strangulation,
        SignalDomain::ThreatsToKill,
        SignalDomain::Weapons,
        SignalDomain::Stalking,
        SignalDomain::Monitoring,
        SignalDomain::Isolation,
        SignalDomain::FinancialControl,
        SignalDomain::SexualCoercion,
        SignalDomain::Separation,
        SignalDomain::ThreatsChildrenPets,
        SignalDomain::Pregnancy,
        SignalDomain::Escalation,
        SignalDomain::SuicideThreatsAsControl,
        SignalDomain::SelfHarm,
        SignalDomain::Threats,
        SignalDomain::NameCalling,
        SignalDomain::PhysicalAggression,
        SignalDomain::OwnControl,
        SignalDomain::Tension,
    ];
}

/// Whether the person receives this or does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// It happens to me (victimisation).
    Receiving,
    /// I do it (perpetration).
    Doing,
    /// About myself only (self-harm, pregnancy, separation).
    Own,
}

/// Where a signal came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalSource {
    /// An answer in the private screen, by question id.
    Screen(String),
    /// The fear check inside a flow.
    FearCheck,
    /// The own-behaviour check inside a flow.
    OwnBehaviourCheck,
    /// An item of a questionnaire, for example `cpq:18`.
    Item(String),
    /// The person said so at the home screen or with `--afraid`.
    SaidSo,
}

/// One fact the safety grading acts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SafetySignal {
    pub domain: SignalDomain,
    pub direction: Direction,
    pub source: SignalSource,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_domains_are_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for d in SignalDomain::ALL {
            // The match is exhaustive: a new domain fails to compile here until it is handled,
            // which is the moment to add it to ALL as well.
            match d {
                SignalDomain::Fear
                | SignalDomain::PhysicalHarm
                | SignalDomain::Strangulation
                | SignalDomain::ThreatsToKill
                | SignalDomain::Weapons
                | SignalDomain::Stalking
                | SignalDomain::Monitoring
                | SignalDomain::Isolation
                | SignalDomain::FinancialControl
                | SignalDomain::SexualCoercion
                | SignalDomain::Separation
                | SignalDomain::ThreatsChildrenPets
                | SignalDomain::Pregnancy
                | SignalDomain::Escalation
                | SignalDomain::SuicideThreatsAsControl
                | SignalDomain::SelfHarm
                | SignalDomain::Threats
                | SignalDomain::NameCalling
                | SignalDomain::PhysicalAggression
                | SignalDomain::OwnControl
                | SignalDomain::Tension => {}
            }
            assert!(seen.insert(d), "{d:?} listed twice");
        }
        assert_eq!(seen.len(), 21);
    }
}
