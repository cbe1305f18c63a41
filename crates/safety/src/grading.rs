//! The grading table of the private screen (DESIGN.md §3.2): which path of help each safety
//! signal leads to, and why.
//!
//! The table is data (`data/grading.toml`, embedded at build time) so the reasoning for every row
//! can be read and reviewed without reading code. [`grade`] applies it to a set of signals:
//! - each signal's row adds its grade; grades co-exist (self-harm's crisis pathway is never
//!   hidden by safety mode, and one's own controlling behaviour is never hidden by being afraid);
//! - a risk amplifier (pregnancy, separation) together with any sign of harm received from a
//!   partner adds safety mode, because those are known periods when violence starts or worsens;
//! - a (domain, direction) that has no row never passes silently: the fallback row for its
//!   direction applies, always erring towards more support.

use closer_domain::{Direction, SafetySignal, SignalDomain};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A path of help. The order is the order of urgency in which results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// (a) Fear, violence or coercion: safety mode.
    SafetyMode,
    /// (c) One's own self-harm or suicidal thoughts: a crisis pathway of its own.
    Crisis,
    /// One's own controlling or aggressive behaviour: help for the person causing harm.
    OwnBehaviour,
    /// (b) Lower-level signs: talk to a professional.
    Professional,
}

impl Grade {
    /// Every grade, in order of urgency.
    pub const ALL: [Grade; 4] = [
        Grade::SafetyMode,
        Grade::Crisis,
        Grade::OwnBehaviour,
        Grade::Professional,
    ];

    /// The snake_case name used in data files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::SafetyMode => "safety_mode",
            Grade::Crisis => "crisis",
            Grade::OwnBehaviour => "own_behaviour",
            Grade::Professional => "professional",
        }
    }
}

/// One row of the grading table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub domain: SignalDomain,
    pub direction: Direction,
    pub grade: Grade,
    /// Why this signal leads to this path, in our own words.
    pub reasoning: String,
    /// A known period of raised risk (pregnancy, separation): alone it leads to its own grade;
    /// with any sign of harm received from a partner it is part of safety mode.
    #[serde(default)]
    pub amplifier: bool,
    /// A recognised marker of high danger (non-fatal strangulation, threats to kill, weapons,
    /// violence getting worse): urgent wording, an abuse service today, an emergency plan.
    #[serde(default)]
    pub high_danger: bool,
    /// Violence received (being hurt, strangled, threatened with a weapon or to be killed,
    /// forced sex): together with a separation it is a marker of high danger too.
    #[serde(default)]
    pub violence: bool,
}

/// What a set of signals leads to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Grading {
    /// Every path of help that applies (they co-exist).
    pub grades: BTreeSet<Grade>,
    /// The rows that produced them, in table order, each once; a fallback or combination row
    /// carries the signal's own domain and direction.
    pub matched: Vec<Row>,
}

impl Grading {
    /// True when safety mode applies (grade (a)).
    pub fn safety_mode(&self) -> bool {
        self.has(Grade::SafetyMode)
    }

    pub fn has(&self, g: Grade) -> bool {
        self.grades.contains(&g)
    }

    /// True when a recognised marker of high danger is present: a row marked `high_danger`
    /// (strangulation, threats to kill, weapons, violence getting worse), or a separation
    /// together with violence received.
    pub fn high_danger(&self) -> bool {
        self.matched.iter().any(|r| r.high_danger)
            || (self
                .matched
                .iter()
                .any(|r| r.domain == SignalDomain::Separation)
                && self.matched.iter().any(|r| r.violence))
    }

    /// True when a signal of this domain and direction is present.
    pub fn has_signal(&self, domain: SignalDomain, direction: Direction) -> bool {
        self.matched
            .iter()
            .any(|r| r.domain == domain && r.direction == direction)
    }

    /// True when no signal was given (for example every question skipped or answered no).
    pub fn is_empty(&self) -> bool {
        self.grades.is_empty()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fallback {
    direction: Direction,
    grade: Grade,
    reasoning: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Combination {
    grade: Grade,
    reasoning: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    row: Vec<Row>,
    fallback: Vec<Fallback>,
    combination: Combination,
}

const DATA: &str = include_str!("../data/grading.toml");

fn parsed() -> &'static TableFile {
    static T: OnceLock<TableFile> = OnceLock::new();
    // The file is embedded at build time, not user input; the tests below parse it, so a broken
    // table fails the build's tests rather than a person's session.
    T.get_or_init(|| toml::from_str(DATA).expect("data/grading.toml is valid (tested)"))
}

/// The grading table, parsed once from the embedded data file.
pub fn table() -> &'static [Row] {
    &parsed().row
}

/// The explicit row for a (domain, direction), if the table has one.
pub fn row_for(domain: SignalDomain, direction: Direction) -> Option<&'static Row> {
    table()
        .iter()
        .find(|r| r.domain == domain && r.direction == direction)
}

/// The row that applies to a signal: its explicit row, or the fallback for its direction.
fn applicable(domain: SignalDomain, direction: Direction) -> Row {
    if let Some(r) = row_for(domain, direction) {
        return r.clone();
    }
    let t = parsed();
    match t.fallback.iter().find(|f| f.direction == direction) {
        Some(f) => Row {
            domain,
            direction,
            grade: f.grade,
            reasoning: f.reasoning.clone(),
            amplifier: false,
            high_danger: false,
            violence: false,
        },
        // The tests prove every direction has a fallback; should one ever be missing, the most
        // protective grade applies rather than nothing.
        None => Row {
            domain,
            direction,
            grade: Grade::SafetyMode,
            reasoning: t.combination.reasoning.clone(),
            amplifier: false,
            high_danger: false,
            violence: false,
        },
    }
}

/// Grades a set of signals (from the screen, the checks in the flows, or a questionnaire).
pub fn grade(signals: &[SafetySignal]) -> Grading {
    let mut seen: BTreeSet<(SignalDomain, Direction)> = BTreeSet::new();
    let mut rows: Vec<Row> = Vec::new();
    for s in signals {
        if seen.insert((s.domain, s.direction)) {
            rows.push(applicable(s.domain, s.direction));
        }
    }
    // Table order (fallback rows after the explicit ones), so the explanation reads the same
    // whatever order the answers came in.
    let position = |r: &Row| {
        table()
            .iter()
            .position(|t| t.domain == r.domain && t.direction == r.direction)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|r| (position(r), r.domain, r.direction));

    let harm_received = rows.iter().any(|r| r.direction == Direction::Receiving);
    let combination = &parsed().combination;
    let mut extra = Vec::new();
    if harm_received {
        for r in rows.iter().filter(|r| r.amplifier) {
            extra.push(Row {
                domain: r.domain,
                direction: r.direction,
                grade: combination.grade,
                reasoning: combination.reasoning.clone(),
                amplifier: true,
                high_danger: false,
                violence: false,
            });
        }
    }
    rows.extend(extra);
    Grading {
        grades: rows.iter().map(|r| r.grade).collect(),
        matched: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_domain::SignalSource;

    fn sig(domain: SignalDomain, direction: Direction) -> SafetySignal {
        SafetySignal {
            domain,
            direction,
            source: SignalSource::Item("test".into()),
        }
    }

    #[test]
    fn high_danger_is_the_recognised_markers_and_a_separation_with_violence() {
        use Direction::*;
        use SignalDomain::*;
        for d in [Strangulation, ThreatsToKill, Weapons, Escalation] {
            assert!(grade(&[sig(d, Receiving)]).high_danger(), "{d:?}");
        }
        for d in [Fear, PhysicalHarm, Monitoring, Stalking, Isolation, Tension] {
            assert!(!grade(&[sig(d, Receiving)]).high_danger(), "{d:?}");
        }
        assert!(!grade(&[sig(Separation, Own)]).high_danger());
        assert!(!grade(&[sig(Separation, Own), sig(Monitoring, Receiving)]).high_danger());
        for d in [PhysicalHarm, SexualCoercion, PhysicalAggression] {
            assert!(
                grade(&[sig(Separation, Own), sig(d, Receiving)]).high_danger(),
                "{d:?}"
            );
        }
        // One's own aggression is not danger to oneself from a partner.
        assert!(!grade(&[sig(Separation, Own), sig(PhysicalAggression, Doing)]).high_danger());
    }

    const DOMAINS: [SignalDomain; 21] = SignalDomain::ALL;
    const DIRECTIONS: [Direction; 3] = [Direction::Receiving, Direction::Doing, Direction::Own];

    /// The pairs the CPQ's self/partner items produce (DESIGN.md §7), plus the checks in flows.
    const CPQ_AND_CHECKS: [(SignalDomain, Direction); 8] = [
        (SignalDomain::Threats, Direction::Receiving),
        (SignalDomain::Threats, Direction::Doing),
        (SignalDomain::NameCalling, Direction::Receiving),
        (SignalDomain::NameCalling, Direction::Doing),
        (SignalDomain::PhysicalAggression, Direction::Receiving),
        (SignalDomain::PhysicalAggression, Direction::Doing),
        (SignalDomain::Fear, Direction::Receiving),
        (SignalDomain::OwnControl, Direction::Doing),
    ];

    #[test]
    fn table_parses_and_every_row_has_reasoning_and_is_unique() {
        assert!(table().len() >= 20);
        let mut seen = BTreeSet::new();
        for r in table() {
            assert!(
                r.reasoning.split_whitespace().count() >= 10,
                "{:?}/{:?} needs a real reasoning",
                r.domain,
                r.direction
            );
            assert!(
                seen.insert((r.domain, r.direction)),
                "duplicate row {:?}/{:?}",
                r.domain,
                r.direction
            );
        }
        for d in DIRECTIONS {
            assert!(
                parsed().fallback.iter().any(|f| f.direction == d),
                "no fallback for {d:?}"
            );
        }
    }

    #[test]
    fn rows_named_in_the_design_have_the_expected_grade() {
        use Direction::*;
        use Grade::*;
        use SignalDomain as D;
        for (d, dir, g) in [
            (D::Threats, Receiving, SafetyMode),
            (D::PhysicalAggression, Receiving, SafetyMode),
            (D::NameCalling, Receiving, Professional),
            (D::Threats, Doing, OwnBehaviour),
            (D::NameCalling, Doing, OwnBehaviour),
            (D::PhysicalAggression, Doing, OwnBehaviour),
            (D::OwnControl, Doing, OwnBehaviour),
            (D::Fear, Receiving, SafetyMode),
            (D::Tension, Receiving, Professional),
            (D::SelfHarm, Own, Crisis),
            (D::Separation, Own, Professional),
            (D::Pregnancy, Own, Professional),
            (D::Strangulation, Receiving, SafetyMode),
            (D::SuicideThreatsAsControl, Receiving, SafetyMode),
        ] {
            let r = row_for(d, dir).unwrap_or_else(|| panic!("no row for {d:?}/{dir:?}"));
            assert_eq!(r.grade, g, "{d:?}/{dir:?}");
            assert_eq!(grade(&[sig(d, dir)]).grades, BTreeSet::from([g]));
        }
    }

    #[test]
    fn cpq_and_check_pairs_all_have_explicit_rows() {
        for (d, dir) in CPQ_AND_CHECKS {
            assert!(row_for(d, dir).is_some(), "{d:?}/{dir:?} has no row");
        }
    }

    #[test]
    fn no_combination_passes_silently() {
        for d in DOMAINS {
            for dir in DIRECTIONS {
                let g = grade(&[sig(d, dir)]);
                assert_eq!(g.grades.len(), 1, "{d:?}/{dir:?}");
                assert_eq!(g.matched.len(), 1);
                assert_eq!((g.matched[0].domain, g.matched[0].direction), (d, dir));
                if dir == Direction::Receiving {
                    // Anything received from a partner is at least a professional path.
                    assert!(g.has(Grade::SafetyMode) || g.has(Grade::Professional));
                }
                if dir == Direction::Doing {
                    assert!(g.has(Grade::OwnBehaviour), "{d:?} doing");
                }
            }
        }
    }

    #[test]
    fn self_harm_is_not_hidden_by_safety_mode() {
        let g = grade(&[
            sig(SignalDomain::Strangulation, Direction::Receiving),
            sig(SignalDomain::SelfHarm, Direction::Own),
        ]);
        assert!(g.safety_mode());
        assert!(g.has(Grade::Crisis));
        assert_eq!(g.grades.len(), 2);
    }

    #[test]
    fn amplifiers_with_any_harm_received_are_safety_mode() {
        for amp in [SignalDomain::Pregnancy, SignalDomain::Separation] {
            // Alone: professional only.
            let alone = grade(&[sig(amp, Direction::Own)]);
            assert_eq!(alone.grades, BTreeSet::from([Grade::Professional]));
            // With a lower-level sign received: safety mode, explained by the combination row.
            for low in [SignalDomain::Tension, SignalDomain::NameCalling] {
                let low_alone = grade(&[sig(low, Direction::Receiving)]);
                assert!(!low_alone.safety_mode());
                let g = grade(&[sig(low, Direction::Receiving), sig(amp, Direction::Own)]);
                assert!(g.safety_mode(), "{amp:?} + {low:?}");
                assert!(
                    g.matched
                        .iter()
                        .any(|r| r.domain == amp && r.grade == Grade::SafetyMode && r.amplifier)
                );
            }
            // With one's own behaviour only (nothing received): no safety mode from the rule.
            let g = grade(&[
                sig(amp, Direction::Own),
                sig(SignalDomain::OwnControl, Direction::Doing),
            ]);
            assert!(!g.safety_mode());
            assert!(g.has(Grade::OwnBehaviour));
        }
    }

    #[test]
    fn no_signals_no_grades_and_duplicates_count_once() {
        assert!(grade(&[]).is_empty());
        let s = sig(SignalDomain::Fear, Direction::Receiving);
        let g = grade(&[s.clone(), s]);
        assert_eq!(g.matched.len(), 1);
    }

    proptest::proptest! {
        /// Grading does not depend on the order of the signals, and adding a signal never
        /// removes a grade (more signs never mean less help).
        #[test]
        fn order_free_and_monotone(
            picks in proptest::collection::vec((0usize..21, 0usize..3), 0..8),
            extra in (0usize..21, 0usize..3),
        ) {
            let sigs: Vec<_> = picks.iter().map(|&(d, r)| sig(DOMAINS[d], DIRECTIONS[r])).collect();
            let mut rev = sigs.clone();
            rev.reverse();
            let g = grade(&sigs);
            proptest::prop_assert_eq!(&g, &grade(&rev));
            let mut more = sigs.clone();
            more.push(sig(DOMAINS[extra.0], DIRECTIONS[extra.1]));
            let g2 = grade(&more);
            proptest::prop_assert!(g.grades.is_subset(&g2.grades));
        }
    }
}
