//! The private screen (DESIGN.md §3.2): questions written by us, answered yes, no or skip, graded
//! by the [`grading`](crate::grading) table, with results in warm words.
//!
//! All of it is data (`data/screen.toml`), and every sentence leaves this module only as a
//! [`Said`], reviewed by the policy: the preface and prompts as interface text, questions and
//! results as safety or therapy content. The result is assembled here, not in the edges, so the
//! terminal and any later interface show the same thing.
//!
//! Nothing is stored: this module is pure, and the CLI shows the result on screen only.

use crate::grading::{self, Grade, Grading};
use crate::policy::{Context, Draft, Policy, Said, Tag, Topic, Withheld};
use closer_domain::{Direction, SafetySignal, SignalDomain, SignalSource};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// An answer to one question. Skipping is always allowed and gives no signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Yes,
    No,
    Skip,
}

impl Answer {
    /// Reads a typed answer: `y`/`yes`, `n`/`no`, `s`/`skip` (any case). `q` is not an answer;
    /// the edge handles quitting.
    pub fn from_key(key: &str) -> Option<Answer> {
        match key.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Some(Answer::Yes),
            "n" | "no" => Some(Answer::No),
            "s" | "skip" => Some(Answer::Skip),
            _ => None,
        }
    }
}

/// One question of the screen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, used for answers given as JSON.
    pub id: String,
    pub domain: SignalDomain,
    pub direction: Direction,
    /// Private: the wording reaches a person only through [`ask`], as a [`Said`].
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum When {
    SafetyMode,
    Crisis,
    OwnBehaviour,
    Professional,
    None,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ResultTopic {
    Safety,
    Therapy,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    when: When,
    topic: ResultTopic,
    kind: String,
    title: String,
    text: String,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    title: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenFile {
    interface: BTreeMap<String, Words>,
    question: Vec<Question>,
    result: Vec<Section>,
}

fn data() -> &'static ScreenFile {
    static S: OnceLock<ScreenFile> = OnceLock::new();
    // Embedded at build time and parsed by the tests below.
    S.get_or_init(|| {
        toml::from_str(include_str!("../data/screen.toml"))
            .expect("data/screen.toml is valid (tested)")
    })
}

/// The questions, in the order they are asked.
pub fn questions() -> &'static [Question] {
    &data().question
}

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    questions().iter().find(|q| q.id == id)
}

/// The signals a set of answers gives: one per `yes`, none for `no` or `skip`. Answers to ids
/// that are not questions give nothing (check them with [`question`] first where the ids come
/// from outside).
pub fn signals_from_answers<S: AsRef<str>>(answers: &[(S, Answer)]) -> Vec<SafetySignal> {
    answers
        .iter()
        .filter(|(_, a)| *a == Answer::Yes)
        .filter_map(|(id, _)| question(id.as_ref()))
        .map(|q| SafetySignal {
            domain: q.domain,
            direction: q.direction,
            source: SignalSource::Screen(q.id.clone()),
        })
        .collect()
}

/// Interface texts the screen needs, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// What the screen is, that it is private, nothing is stored, every question can be skipped
    /// and `q` quits.
    Preface,
    /// The answer keys.
    Keys,
    /// Press Enter to begin.
    Begin,
    /// Asked again after an unknown key.
    Again,
    /// Press Enter to close.
    Close,
    /// When there is no terminal.
    NoTerminal,
}

impl Prompt {
    pub const ALL: [Prompt; 6] = [
        Prompt::Preface,
        Prompt::Keys,
        Prompt::Begin,
        Prompt::Again,
        Prompt::Close,
        Prompt::NoTerminal,
    ];

    fn key(self) -> &'static str {
        match self {
            Prompt::Preface => "preface",
            Prompt::Keys => "keys",
            Prompt::Begin => "begin",
            Prompt::Again => "again",
            Prompt::Close => "close",
            Prompt::NoTerminal => "no_terminal",
        }
    }
}

/// The screen's own sentences are safe in any mode; they are reviewed as safety mode so nothing
/// that asks to approach could ever slip into them.
fn screen_policy() -> Policy {
    Policy::new(Context::safety())
}

/// An interface text, through the policy.
pub fn prompt(p: Prompt) -> Result<Said, Withheld> {
    let w = data()
        .interface
        .get(p.key())
        .ok_or_else(|| Withheld::Lint(format!("no interface text {:?}", p.key())))?;
    screen_policy().review(Draft::new(
        Topic::Interface,
        p.key(),
        w.title.clone(),
        w.text.clone(),
    ))
}

/// A question as it is shown (`number` counts from 1), through the policy.
pub fn ask(q: &Question, number: usize, total: usize) -> Result<Said, Withheld> {
    screen_policy().review(Draft::new(
        Topic::Safety,
        "question",
        format!("Question {number} of {total}"),
        q.text.clone(),
    ))
}

/// The result of a screen.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub grading: Grading,
    /// What is said, in order of urgency (safety mode, crisis, own behaviour, professional), then
    /// the notes said every time.
    pub said: Vec<Said>,
}

impl Outcome {
    pub fn safety_mode(&self) -> bool {
        self.grading.safety_mode()
    }

    pub fn grades(&self) -> &BTreeSet<Grade> {
        &self.grading.grades
    }
}

/// What the screen says for a grading (from the screen, or from other signals such as a
/// questionnaire). Safety signs (safety mode, one's own controlling behaviour, or a crisis) review
/// the result in safety mode, which withholds the couple-therapy option: couple therapy is a
/// normal option only when no safety sign is present (DESIGN.md §3, invariant 10).
pub fn result(grading: &Grading) -> Result<Vec<Said>, Withheld> {
    let safety_signs =
        grading.safety_mode() || grading.has(Grade::OwnBehaviour) || grading.has(Grade::Crisis);
    let policy = Policy::new(if safety_signs {
        Context::safety()
    } else {
        Context::ordinary()
    });
    let shows = |w: When| match w {
        When::SafetyMode => grading.has(Grade::SafetyMode),
        When::Crisis => grading.has(Grade::Crisis),
        When::OwnBehaviour => grading.has(Grade::OwnBehaviour),
        When::Professional => grading.has(Grade::Professional),
        When::None => grading.is_empty(),
        When::Always => true,
    };
    let order = [
        When::SafetyMode,
        When::Crisis,
        When::OwnBehaviour,
        When::Professional,
        When::None,
        When::Always,
    ];
    let mut said = Vec::new();
    for when in order.into_iter().filter(|w| shows(*w)) {
        for s in data().result.iter().filter(|s| s.when == when) {
            let topic = match s.topic {
                ResultTopic::Safety => Topic::Safety,
                ResultTopic::Therapy => Topic::Therapy,
            };
            let draft =
                Draft::new(topic, s.kind.clone(), s.title.clone(), s.text.clone()).tagged(&s.tags);
            match policy.review(draft) {
                Ok(x) => said.push(x),
                // Withheld on purpose (couple therapy when there are safety signs).
                Err(Withheld::SafetyMode(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(said)
}

/// Grades a set of answers and says what it means.
pub fn outcome<S: AsRef<str>>(answers: &[(S, Answer)]) -> Result<Outcome, Withheld> {
    let grading = grading::grade(&signals_from_answers(answers));
    let said = result(&grading)?;
    Ok(Outcome { grading, said })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(id: &str) -> Vec<(&str, Answer)> {
        vec![(id, Answer::Yes)]
    }

    /// The screen's domains, exactly as DESIGN.md §3.2 lists them, plus the lower-level one.
    const DESIGN_DOMAINS: [SignalDomain; 17] = [
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
        SignalDomain::Tension,
    ];

    #[test]
    fn questions_cover_the_design_domains_once_with_unique_ids() {
        let domains: BTreeSet<_> = questions().iter().map(|q| q.domain).collect();
        assert_eq!(domains, DESIGN_DOMAINS.into_iter().collect());
        assert_eq!(questions().len(), DESIGN_DOMAINS.len());
        let ids: BTreeSet<_> = questions().iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids.len(), questions().len());
        for q in questions() {
            assert!(q.text.ends_with('?'), "{}", q.id);
        }
    }

    #[test]
    fn every_screen_signal_has_an_explicit_grading_row() {
        for q in questions() {
            assert!(
                grading::row_for(q.domain, q.direction).is_some(),
                "{}: {:?}/{:?} has no row",
                q.id,
                q.domain,
                q.direction
            );
        }
    }

    #[test]
    fn each_fear_violence_or_coercion_yes_turns_on_safety_mode() {
        let a_domains = [
            "afraid",
            "hurt",
            "worse",
            "neck",
            "kill",
            "weapon",
            "followed",
            "devices",
            "cut_off",
            "money",
            "sex",
            "children_pets",
            "their_threats",
        ];
        for id in a_domains {
            let o = outcome(&yes(id)).unwrap();
            assert!(o.safety_mode(), "{id}");
            assert_eq!(o.said[0].kind(), "not-your-fault", "{id}");
            assert!(o.said.iter().any(|s| s.kind() == "safety-steps"));
            assert!(!o.said.iter().any(|s| s.has(Tag::CoupleTherapy)), "{id}");
        }
    }

    #[test]
    fn self_harm_leads_to_crisis_and_is_not_hidden_by_safety_mode() {
        let o = outcome(&yes("self_harm")).unwrap();
        assert_eq!(o.grades(), &BTreeSet::from([Grade::Crisis]));
        assert_eq!(o.said[0].kind(), "crisis");
        // No couple therapy offered beside a crisis, even with lower-level signs.
        let with_low = outcome(&[("tense", Answer::Yes), ("self_harm", Answer::Yes)]).unwrap();
        assert!(with_low.grading.has(Grade::Professional));
        assert!(!with_low.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        let both = outcome(&[("neck", Answer::Yes), ("self_harm", Answer::Yes)]).unwrap();
        assert!(both.safety_mode());
        assert!(both.grading.has(Grade::Crisis));
        let kinds: Vec<&str> = both.said.iter().map(|s| s.kind()).collect();
        assert!(kinds.contains(&"not-your-fault") && kinds.contains(&"crisis"));
    }

    #[test]
    fn own_behaviour_grading_leads_to_help_for_the_person_causing_harm() {
        let g = grading::grade(&[SafetySignal {
            domain: SignalDomain::OwnControl,
            direction: Direction::Doing,
            source: SignalSource::OwnBehaviourCheck,
        }]);
        let said = result(&g).unwrap();
        assert_eq!(said[0].kind(), "own-behaviour");
        assert!(!said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        assert!(!said.iter().any(|s| s.kind() == "not-your-fault"));
    }

    #[test]
    fn lower_level_signs_only_lead_to_a_professional() {
        let o = outcome(&yes("tense")).unwrap();
        assert_eq!(o.grades(), &BTreeSet::from([Grade::Professional]));
        assert!(!o.safety_mode());
        assert_eq!(o.said[0].kind(), "individual");
        // With no safety signs, couple therapy is offered as a normal option.
        assert!(o.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        // Pregnancy with the same sign: safety mode, and the couple option is withheld.
        let amp = outcome(&[("tense", Answer::Yes), ("pregnant", Answer::Yes)]).unwrap();
        assert!(amp.safety_mode());
        assert!(!amp.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
    }

    #[test]
    fn skip_and_no_give_no_signal() {
        let all_skip: Vec<(&str, Answer)> = questions()
            .iter()
            .map(|q| (q.id.as_str(), Answer::Skip))
            .collect();
        assert!(signals_from_answers(&all_skip).is_empty());
        let all_no: Vec<(&str, Answer)> = questions()
            .iter()
            .map(|q| (q.id.as_str(), Answer::No))
            .collect();
        let o = outcome(&all_no).unwrap();
        assert!(o.grading.is_empty());
        assert_eq!(o.said[0].kind(), "no-signs");
        // Unknown ids give nothing rather than something wrong.
        assert!(signals_from_answers(&[("nope", Answer::Yes)]).is_empty());
    }

    #[test]
    fn every_result_says_to_screen_again_and_where_help_is() {
        for answers in [yes("tense"), yes("afraid"), yes("self_harm"), vec![]] {
            let o = outcome(&answers).unwrap();
            assert!(o.said.iter().any(|s| s.kind() == "again"));
            assert!(o.said.iter().any(|s| s.text().contains("closer help-now")));
        }
    }

    /// Every text in the data passes the policy: all prompts, all questions, and the result for
    /// every combination of grades (plus none).
    #[test]
    fn all_texts_pass_the_policy() {
        for p in Prompt::ALL {
            assert!(prompt(p).is_ok(), "{p:?}");
        }
        let pre = prompt(Prompt::Preface).unwrap();
        for must in ["private", "nothing is saved", "skipped", "q"] {
            assert!(pre.text().contains(must), "{must}");
        }
        for (i, q) in questions().iter().enumerate() {
            assert!(ask(q, i + 1, questions().len()).is_ok(), "{}", q.id);
        }
        for mask in 0u8..16 {
            let grades: BTreeSet<Grade> = Grade::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, g)| *g)
                .collect();
            let g = Grading {
                grades,
                matched: vec![],
            };
            let said = result(&g).unwrap();
            let sections_expected = data()
                .result
                .iter()
                .filter(|s| s.when == When::Always)
                .count();
            assert!(said.len() > sections_expected, "mask {mask}");
        }
        // Every kind of result has words.
        for when in [
            When::SafetyMode,
            When::Crisis,
            When::OwnBehaviour,
            When::Professional,
            When::None,
            When::Always,
        ] {
            assert!(data().result.iter().any(|s| s.when == when), "{when:?}");
        }
    }

    proptest::proptest! {
        /// For any answers: safety mode exactly when a fear, violence or coercion question is
        /// answered yes, or an amplifier (pregnancy, separation) with any sign received; crisis
        /// exactly when the self-harm question is; the first thing said is the most urgent path;
        /// skipped and unanswered questions change nothing.
        #[test]
        fn grading_of_any_answers_follows_the_table(
            picks in proptest::collection::vec(0u8..4, 17),
        ) {
            let qs = questions();
            let answers: Vec<(&str, Answer)> = qs
                .iter()
                .zip(&picks)
                .filter_map(|(q, p)| match p {
                    0 => Some((q.id.as_str(), Answer::Yes)),
                    1 => Some((q.id.as_str(), Answer::No)),
                    2 => Some((q.id.as_str(), Answer::Skip)),
                    _ => None,
                })
                .collect();
            let yes: Vec<&Question> = qs
                .iter()
                .zip(&picks)
                .filter(|(_, p)| **p == 0)
                .map(|(q, _)| q)
                .collect();
            let o = outcome(&answers).unwrap();
            let grade_of = |q: &Question| grading::row_for(q.domain, q.direction).map(|r| r.grade);
            let any_a = yes.iter().any(|q| grade_of(q) == Some(Grade::SafetyMode));
            let any_received = yes.iter().any(|q| q.direction == Direction::Receiving);
            let any_amp = yes
                .iter()
                .any(|q| matches!(q.domain, SignalDomain::Pregnancy | SignalDomain::Separation));
            proptest::prop_assert_eq!(o.safety_mode(), any_a || (any_amp && any_received));
            proptest::prop_assert_eq!(
                o.grading.has(Grade::Crisis),
                yes.iter().any(|q| q.domain == SignalDomain::SelfHarm)
            );
            let first = o.said[0].kind();
            let expected = match o.grades().iter().next() {
                Some(Grade::SafetyMode) => "not-your-fault",
                Some(Grade::Crisis) => "crisis",
                Some(Grade::OwnBehaviour) => "own-behaviour",
                Some(Grade::Professional) => "individual",
                None => "no-signs",
            };
            proptest::prop_assert_eq!(first, expected);
            // Only the yes answers matter.
            let only_yes: Vec<(&str, Answer)> =
                yes.iter().map(|q| (q.id.as_str(), Answer::Yes)).collect();
            proptest::prop_assert_eq!(&o.grading, &outcome(&only_yes).unwrap().grading);
        }
    }

    #[test]
    fn answer_keys_parse() {
        assert_eq!(Answer::from_key(" Y "), Some(Answer::Yes));
        assert_eq!(Answer::from_key("no"), Some(Answer::No));
        assert_eq!(Answer::from_key("s"), Some(Answer::Skip));
        assert_eq!(Answer::from_key("q"), None);
        assert_eq!(Answer::from_key("maybe"), None);
    }
}
