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
use crate::resources;
use closer_domain::{Direction, SafetySignal, SignalDomain, SignalSource};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// An answer to one question. "Not sure" is an answer, and it counts as yes (DESIGN.md §3,
/// invariant 13). Skipping is always allowed; it gives no signal, and it is never read as a no:
/// a skipped question is named in the result, and a skipped violence question makes the danger
/// unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    #[serde(alias = "not sure", alias = "unsure")]
    NotSure,
    Skip,
}

impl Answer {
    /// Reads a typed answer (any case): `y`/`yes`, `n`/`no`, `?`/`not sure`/`unsure`/`u`,
    /// `s`/`skip`. Anything else, including a bare Enter, is not an answer and is asked again;
    /// `q` is not an answer either (the edge handles quitting).
    pub fn from_key(key: &str) -> Option<Answer> {
        let k = key.trim().to_lowercase();
        let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
        match k.as_str() {
            "y" | "yes" => Some(Answer::Yes),
            "n" | "no" => Some(Answer::No),
            "?" | "u" | "unsure" | "not sure" | "notsure" | "not_sure" | "dont know"
            | "don't know" | "maybe" => Some(Answer::NotSure),
            "s" | "skip" => Some(Answer::Skip),
            _ => None,
        }
    }

    /// Yes, or not sure (which counts as yes).
    pub fn counts_as_yes(self) -> bool {
        matches!(self, Answer::Yes | Answer::NotSure)
    }
}

/// How dangerous the answers suggest things may be (`closer screen --json`'s `danger`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Danger {
    /// A high-danger answer (strangulation, threats to kill, weapons, violence getting worse,
    /// a separation with violence) is yes or not sure.
    High,
    /// Any other sign (of harm, of one's own behaviour, or lower-level).
    Raised,
    /// No sign, and no violence question skipped. Never an all-clear: the words say what a
    /// few questions cannot tell.
    None,
    /// No high-danger answer, and a violence question was skipped (or left unanswered).
    Unknown,
}

/// One question of the screen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, used for answers given as JSON.
    pub id: String,
    pub domain: SignalDomain,
    pub direction: Direction,
    /// A few words naming the topic, for the list of skipped questions.
    pub short: String,
    /// A question about violence or fear: skipping it makes the danger unknown.
    #[serde(default)]
    pub violence: bool,
    /// Private: the wording reaches a person only through [`ask`], as a [`Said`].
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum When {
    Crisis,
    HighDanger,
    Strangulation,
    SafetyMode,
    TheirThreats,
    OwnBehaviour,
    Professional,
    Skipped,
    None,
    Always,
}

/// Which helplines a result section shows in place, for the person's region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Lines {
    Crisis,
    Safety,
    OwnBehaviour,
    SomeoneElse,
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
    /// Helplines shown in place with this section (before its words for crisis help, after
    /// them otherwise).
    #[serde(default)]
    lines: Option<Lines>,
    /// Leave the section out when its lines were already shown.
    #[serde(default)]
    skip_if_shown: bool,
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

/// The signals a set of answers gives: one per `yes` or `not sure`, none for `no` or `skip`. Answers to ids
/// that are not questions give nothing (check them with [`question`] first where the ids come
/// from outside).
pub fn signals_from_answers<S: AsRef<str>>(answers: &[(S, Answer)]) -> Vec<SafetySignal> {
    answers
        .iter()
        .filter(|(_, a)| a.counts_as_yes())
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
    /// Between pages of the result.
    More,
    /// When there is no terminal.
    NoTerminal,
}

impl Prompt {
    pub const ALL: [Prompt; 7] = [
        Prompt::Preface,
        Prompt::Keys,
        Prompt::Begin,
        Prompt::Again,
        Prompt::Close,
        Prompt::More,
        Prompt::NoTerminal,
    ];

    fn key(self) -> &'static str {
        match self {
            Prompt::Preface => "preface",
            Prompt::Keys => "keys",
            Prompt::Begin => "begin",
            Prompt::Again => "again",
            Prompt::Close => "close",
            Prompt::More => "more",
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
    /// How dangerous the answers suggest things may be.
    pub danger: Danger,
    /// The ids of the questions skipped or left unanswered, in the order asked.
    pub skipped: Vec<String>,
    /// What is said, in order of urgency: crisis help first, then high danger, safety mode, own
    /// behaviour, a professional, the skipped questions, then the notes said every time; the
    /// region's helplines shown in place.
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

/// What else, beside the grading, shapes the result.
#[derive(Debug, Clone, Default)]
pub struct Situation<'a> {
    /// Question ids skipped or left unanswered.
    pub skipped: Vec<String>,
    /// The person's region (a code or a place name), for the helplines shown in place; asked
    /// once, used only now, never stored.
    pub region: Option<&'a str>,
}

/// The danger level for a grading and the skipped questions.
pub fn danger(grading: &Grading, skipped: &[String]) -> Danger {
    if grading.high_danger() {
        Danger::High
    } else if skipped
        .iter()
        .filter_map(|id| question(id))
        .any(|q| q.violence)
    {
        Danger::Unknown
    } else if grading.is_empty() {
        Danger::None
    } else {
        Danger::Raised
    }
}

/// What the screen says for a grading (from the screen, or from other signals such as a
/// questionnaire), with no region and nothing skipped. See [`result_with`].
pub fn result(grading: &Grading) -> Result<Vec<Said>, Withheld> {
    result_with(grading, &Situation::default())
}

/// What the screen says for a grading. Safety signs (safety mode, one's own controlling
/// behaviour, a crisis) or a skipped violence question review the result in safety mode, which
/// withholds the couple-therapy option: couple therapy is a normal option only when no safety
/// sign is present and nothing about violence went unanswered (DESIGN.md §3, invariants 10
/// and 11). Crisis help comes first; the region's helplines are shown in place.
pub fn result_with(grading: &Grading, ctx: &Situation<'_>) -> Result<Vec<Said>, Withheld> {
    let skipped_violence = ctx
        .skipped
        .iter()
        .filter_map(|id| question(id))
        .any(|q| q.violence);
    let safety_signs = grading.safety_mode()
        || grading.has(Grade::OwnBehaviour)
        || grading.has(Grade::Crisis)
        || skipped_violence;
    let policy = Policy::new(if safety_signs {
        Context::safety()
    } else {
        Context::ordinary()
    });
    let shows = |w: When| match w {
        When::Crisis => grading.has(Grade::Crisis),
        When::HighDanger => grading.high_danger(),
        When::Strangulation => {
            grading.has_signal(SignalDomain::Strangulation, Direction::Receiving)
        }
        When::SafetyMode => grading.has(Grade::SafetyMode),
        When::TheirThreats => {
            grading.has_signal(SignalDomain::SuicideThreatsAsControl, Direction::Receiving)
        }
        When::OwnBehaviour => grading.has(Grade::OwnBehaviour),
        When::Professional => grading.has(Grade::Professional),
        When::Skipped => !ctx.skipped.is_empty(),
        When::None => grading.is_empty() && ctx.skipped.is_empty(),
        When::Always => true,
    };
    let order = [
        When::Crisis,
        When::HighDanger,
        When::Strangulation,
        When::SafetyMode,
        When::TheirThreats,
        When::OwnBehaviour,
        When::Professional,
        When::Skipped,
        When::None,
        When::Always,
    ];
    let skipped_words = ctx
        .skipped
        .iter()
        .filter_map(|id| question(id))
        .map(|q| q.short.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut shown_lines: Vec<Lines> = Vec::new();
    let mut said = Vec::new();
    for when in order.into_iter().filter(|w| shows(*w)) {
        for s in data().result.iter().filter(|s| s.when == when) {
            if s.skip_if_shown && s.lines.is_some_and(|l| shown_lines.contains(&l)) {
                continue;
            }
            let topic = match s.topic {
                ResultTopic::Safety => Topic::Safety,
                ResultTopic::Therapy => Topic::Therapy,
            };
            let text = s.text.replace("{skipped}", &skipped_words);
            let draft = Draft::new(topic, s.kind.clone(), s.title.clone(), text).tagged(&s.tags);
            let words = match policy.review(draft) {
                Ok(x) => Some(x),
                // Withheld on purpose (couple therapy when there are safety signs).
                Err(Withheld::SafetyMode(_)) => None,
                Err(e) => return Err(e),
            };
            let lines = match s.lines {
                Some(l) if !shown_lines.contains(&l) => {
                    shown_lines.push(l);
                    let all = match l {
                        Lines::Crisis => resources::crisis_first(ctx.region),
                        Lines::Safety => resources::safety_first(ctx.region),
                        Lines::OwnBehaviour => resources::own_behaviour_first(ctx.region),
                        Lines::SomeoneElse => resources::for_someone_else(ctx.region),
                    };
                    // The short list with the numbers; each line's source is in help-now.
                    all.into_iter().next()
                }
                _ => None,
            };
            // Crisis help leads: the numbers before any other words.
            if s.lines == Some(Lines::Crisis) {
                said.extend(lines);
                said.extend(words);
            } else {
                said.extend(words);
                said.extend(lines);
            }
        }
    }
    Ok(said)
}

/// Grades a set of answers and says what it means, with no region (the helplines shown say
/// "your local emergency number" and give the international directory). Questions not in
/// `answers` count as skipped.
pub fn outcome<S: AsRef<str>>(answers: &[(S, Answer)]) -> Result<Outcome, Withheld> {
    outcome_in(answers, None)
}

/// Grades a set of answers and says what it means, with the helplines for `region` shown in
/// place. Questions not in `answers` count as skipped.
pub fn outcome_in<S: AsRef<str>>(
    answers: &[(S, Answer)],
    region: Option<&str>,
) -> Result<Outcome, Withheld> {
    let grading = grading::grade(&signals_from_answers(answers));
    let skipped: Vec<String> = questions()
        .iter()
        .filter(|q| {
            !answers
                .iter()
                .any(|(id, a)| id.as_ref() == q.id && *a != Answer::Skip)
        })
        .map(|q| q.id.clone())
        .collect();
    let said = result_with(
        &grading,
        &Situation {
            skipped: skipped.clone(),
            region,
        },
    )?;
    Ok(Outcome {
        danger: danger(&grading, &skipped),
        grading,
        skipped,
        said,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(id: &str) -> Vec<(&str, Answer)> {
        vec![(id, Answer::Yes)]
    }

    /// Every question answered: `id` with `a`, every other one no.
    fn only(id: &str, a: Answer) -> Vec<(&'static str, Answer)> {
        questions()
            .iter()
            .map(|q| (q.id.as_str(), if q.id == id { a } else { Answer::No }))
            .collect()
    }

    fn kinds(o: &Outcome) -> Vec<&str> {
        o.said.iter().map(|s| s.kind()).collect()
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
            let high = ["worse", "neck", "kill", "weapon"].contains(&id);
            let first = if high {
                "high-danger"
            } else {
                "not-your-fault"
            };
            assert_eq!(o.said[0].kind(), first, "{id}");
            assert_eq!(o.danger == Danger::High, high, "{id}");
            assert!(o.said.iter().any(|s| s.kind() == "safety-steps"));
            assert!(!o.said.iter().any(|s| s.has(Tag::CoupleTherapy)), "{id}");
        }
    }

    #[test]
    fn self_harm_leads_to_crisis_and_is_not_hidden_by_safety_mode() {
        let o = outcome(&yes("self_harm")).unwrap();
        assert_eq!(o.grades(), &BTreeSet::from([Grade::Crisis]));
        assert_eq!(o.said[0].kind(), "crisis");
        assert!(o.said[0].text().contains("your local emergency number"));
        // No couple therapy offered beside a crisis, even with lower-level signs.
        let with_low = outcome(&[("tense", Answer::Yes), ("self_harm", Answer::Yes)]).unwrap();
        assert!(with_low.grading.has(Grade::Professional));
        assert!(!with_low.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        let both = outcome(&[("neck", Answer::Yes), ("self_harm", Answer::Yes)]).unwrap();
        assert!(both.safety_mode());
        assert!(both.grading.has(Grade::Crisis));
        let kinds: Vec<&str> = both.said.iter().map(|s| s.kind()).collect();
        assert!(kinds.contains(&"not-your-fault") && kinds.contains(&"crisis"));
        // Crisis help first, even before high danger.
        assert_eq!(kinds[0], "crisis");
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
        let o = outcome(&only("tense", Answer::Yes)).unwrap();
        assert_eq!(o.grades(), &BTreeSet::from([Grade::Professional]));
        assert_eq!(o.danger, Danger::Raised);
        assert!(!o.safety_mode());
        assert_eq!(o.said[0].kind(), "individual");
        // With no safety signs, couple therapy is offered as a normal option.
        assert!(o.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        // Pregnancy with the same sign: safety mode, and the couple option is withheld.
        let mut both = only("tense", Answer::Yes);
        both.retain(|(id, _)| *id != "pregnant");
        both.push(("pregnant", Answer::Yes));
        let amp = outcome(&both).unwrap();
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
        assert_eq!(o.danger, Danger::None);
        // Even then, no all-clear: it says what it cannot tell, and where help is.
        assert!(o.said[0].text().contains("cannot tell"));
        assert!(o.said.iter().any(|s| s.kind() == "safety"));
        // Unknown ids give nothing rather than something wrong.
        assert!(signals_from_answers(&[("nope", Answer::Yes)]).is_empty());
    }

    #[test]
    fn every_result_says_to_screen_again_and_shows_help_in_place() {
        for answers in [
            yes("tense"),
            only("tense", Answer::Yes),
            yes("afraid"),
            yes("self_harm"),
            only("self_harm", Answer::No),
            vec![],
        ] {
            for region in [None, Some("US"), Some("England"), Some("Brazil")] {
                let o = outcome_in(&answers, region).unwrap();
                assert!(o.said.iter().any(|s| s.kind() == "again"));
                // The numbers are shown here, not a command to type.
                assert!(
                    o.said
                        .iter()
                        .any(|s| matches!(s.kind(), "safety" | "crisis" | "own-behaviour-help")),
                    "{answers:?} {region:?}"
                );
                assert!(!o.said.iter().any(|s| s.text().contains("closer help-now")));
                let emergency = match region {
                    Some("US") => "911",
                    Some("England") => "999",
                    _ => "your local emergency number",
                };
                assert!(
                    o.said.iter().any(|s| s.text().contains(emergency)),
                    "{region:?}"
                );
                // Each kind of helpline list is shown once.
                let lists: Vec<&str> = kinds(&o)
                    .into_iter()
                    .filter(|k| matches!(*k, "safety" | "crisis" | "own-behaviour-help"))
                    .collect();
                let set: BTreeSet<&&str> = lists.iter().collect();
                assert_eq!(set.len(), lists.len(), "{lists:?}");
            }
        }
    }

    #[test]
    fn not_sure_counts_as_yes_everywhere() {
        for q in questions() {
            let y = outcome(&only(&q.id, Answer::Yes)).unwrap();
            let ns = outcome(&only(&q.id, Answer::NotSure)).unwrap();
            assert_eq!(y.grading, ns.grading, "{}", q.id);
            assert_eq!(y.danger, ns.danger, "{}", q.id);
            assert_eq!(kinds(&y), kinds(&ns), "{}", q.id);
        }
        let o = outcome_in(&only("self_harm", Answer::NotSure), Some("US")).unwrap();
        assert!(o.grading.has(Grade::Crisis));
        assert_eq!(o.said[0].kind(), "crisis");
        assert!(o.said[0].text().contains("911") && o.said[0].text().contains("988"));
    }

    #[test]
    fn strangulation_is_high_danger_and_never_reads_like_phone_monitoring() {
        let neck = outcome_in(&only("neck", Answer::NotSure), Some("UK")).unwrap();
        let phone = outcome_in(&only("devices", Answer::Yes), Some("UK")).unwrap();
        assert_eq!(neck.danger, Danger::High);
        assert_eq!(phone.danger, Danger::Raised);
        assert_ne!(kinds(&neck), kinds(&phone));
        let k = kinds(&neck);
        assert_eq!(k[0], "high-danger");
        for must in ["medical-care", "emergency-plan", "safety"] {
            assert!(k.contains(&must), "{must}");
        }
        let medical = &neck.said[k.iter().position(|x| *x == "medical-care").unwrap()];
        assert!(medical.text().contains("even if you feel fine"));
        assert!(medical.title().contains("without marks"));
        let urgent = neck.said[0].text();
        assert!(urgent.contains("today"));
        for not in ["high-danger", "medical-care", "emergency-plan"] {
            assert!(!kinds(&phone).contains(&not), "{not}");
        }
        // The abuse lines with the region's numbers, in place.
        assert!(neck.said.iter().any(|s| s.text().contains("0808 2000 247")));
        // Every other high-danger marker is urgent too, and a separation with violence.
        for id in ["kill", "weapon", "worse"] {
            assert_eq!(
                outcome(&only(id, Answer::Yes)).unwrap().danger,
                Danger::High,
                "{id}"
            );
        }
        let mut sep = only("hurt", Answer::Yes);
        assert_eq!(outcome(&sep).unwrap().danger, Danger::Raised);
        sep.retain(|(id, _)| *id != "separating");
        sep.push(("separating", Answer::NotSure));
        let sep = outcome(&sep).unwrap();
        assert_eq!(sep.danger, Danger::High);
        assert_eq!(sep.said[0].kind(), "high-danger");
    }

    #[test]
    fn a_partners_threats_to_harm_themselves_say_who_to_call_for_them() {
        let o = outcome_in(&only("their_threats", Answer::Yes), Some("usa")).unwrap();
        let i = kinds(&o).iter().position(|k| *k == "someone-else").unwrap();
        assert!(o.said[i].text().contains("911") && o.said[i].text().contains("988"));
        assert!(kinds(&o).contains(&"their-threats"));
    }

    #[test]
    fn skipped_questions_are_never_an_all_clear() {
        let all_skip: Vec<(&str, Answer)> = questions()
            .iter()
            .map(|q| (q.id.as_str(), Answer::Skip))
            .collect();
        for o in [outcome(&all_skip).unwrap(), outcome::<&str>(&[]).unwrap()] {
            assert_eq!(o.danger, Danger::Unknown);
            assert_eq!(o.skipped.len(), questions().len());
            assert_eq!(o.said[0].kind(), "skipped");
            assert!(o.said[0].text().contains("never read as a no"));
            assert!(o.said[0].text().contains("being hurt"));
            assert!(!kinds(&o).contains(&"no-signs"));
            assert!(
                !o.said
                    .iter()
                    .any(|s| s.text().contains("None of your answers"))
            );
        }
        // Tension with the violence questions skipped: individual help first, no couple therapy.
        let mut tense = all_skip.clone();
        tense.retain(|(id, _)| *id != "tense");
        tense.push(("tense", Answer::Yes));
        let o = outcome(&tense).unwrap();
        assert_eq!(o.danger, Danger::Unknown);
        assert_eq!(o.said[0].kind(), "individual");
        assert!(!o.said.iter().any(|s| s.has(Tag::CoupleTherapy)));
        // A skipped question that is not about violence leaves the danger as answered.
        let mut one = only("tense", Answer::Yes);
        one.retain(|(id, _)| *id != "money");
        let o = outcome(&one).unwrap();
        assert_eq!(o.danger, Danger::Raised);
        assert_eq!(o.skipped, ["money"]);
        assert!(kinds(&o).contains(&"skipped"));
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
            When::Crisis,
            When::HighDanger,
            When::Strangulation,
            When::SafetyMode,
            When::TheirThreats,
            When::OwnBehaviour,
            When::Professional,
            When::Skipped,
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
            picks in proptest::collection::vec(0u8..5, 17),
        ) {
            let qs = questions();
            let answers: Vec<(&str, Answer)> = qs
                .iter()
                .zip(&picks)
                .filter_map(|(q, p)| match p {
                    0 => Some((q.id.as_str(), Answer::Yes)),
                    1 => Some((q.id.as_str(), Answer::No)),
                    2 => Some((q.id.as_str(), Answer::Skip)),
                    3 => Some((q.id.as_str(), Answer::NotSure)),
                    _ => None,
                })
                .collect();
            let yes: Vec<&Question> = qs
                .iter()
                .zip(&picks)
                .filter(|(_, p)| **p == 0 || **p == 3)
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
            let expected = if o.grading.has(Grade::Crisis) {
                "crisis"
            } else if o.grading.high_danger() {
                "high-danger"
            } else {
                match o.grades().iter().next() {
                    Some(Grade::SafetyMode) => "not-your-fault",
                    Some(Grade::Crisis) => "crisis",
                    Some(Grade::OwnBehaviour) => "own-behaviour",
                    Some(Grade::Professional) => "individual",
                    None if o.skipped.is_empty() => "no-signs",
                    None => "skipped",
                }
            };
            let skipped_violence = o.skipped.iter().any(|id| question(id).unwrap().violence);
            let expected_danger = if o.grading.high_danger() {
                Danger::High
            } else if skipped_violence {
                Danger::Unknown
            } else if o.grading.is_empty() {
                Danger::None
            } else {
                Danger::Raised
            };
            proptest::prop_assert_eq!(o.danger, expected_danger);
            // High danger exactly when a high-danger answer (or a separation with violence)
            // is yes or not sure.
            let high_ids = ["worse", "neck", "kill", "weapon"];
            let violence_ids = ["hurt", "worse", "neck", "kill", "weapon", "sex"];
            let is_yes = |id: &str| yes.iter().any(|q| q.id == id);
            proptest::prop_assert_eq!(
                o.danger == Danger::High,
                high_ids.iter().any(|i| is_yes(i))
                    || (is_yes("separating") && violence_ids.iter().any(|i| is_yes(i)))
            );
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
        assert_eq!(Answer::from_key(""), None);
        assert_eq!(Answer::from_key("   "), None);
        assert_eq!(Answer::from_key("sometimes"), None);
        for ns in [
            "?",
            "not sure",
            "Not  Sure",
            "unsure",
            "u",
            "maybe",
            "not_sure",
        ] {
            assert_eq!(Answer::from_key(ns), Some(Answer::NotSure), "{ns}");
        }
        let j: Answer = serde_json::from_str("\"not_sure\"").unwrap();
        assert_eq!(j, Answer::NotSure);
    }
}
