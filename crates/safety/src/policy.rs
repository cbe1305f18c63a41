//! The policy: one gate for every sentence `closer` says to a person.
//!
//! Content is written as a [`Draft`] (a topic, tags saying what it asks of the reader, a title and
//! a text). [`Policy::review`] either turns it into a [`Said`] — the only type the CLI and web
//! edges can print — or withholds it with a reason. `Said` has private fields and no public
//! constructor, so no code outside this module can make one: there is no path around the policy.
//!
//! What the policy enforces:
//! - **Safety mode** (DESIGN.md §3.3) withholds every draft tagged as asking someone to approach,
//!   to give space in order to reconnect, to stay or come back, to do something together, couple
//!   therapy, or the shared "neither is the villain" framing; and every draft whose topic is one of
//!   the approach-or-together ways of responding (curious, space, name, explore, stay).
//! - **Lint, always**: no personal forecasts ("will cut your fights by 23%"), no labels or
//!   verdicts about a person, no blame; numbers in narration of a model or of data must be marked
//!   as an illustration or as a perception.
//!
//! ```compile_fail
//! // A `Said` cannot be built outside the policy.
//! let s = closer_safety::Said { topic: closer_safety::Topic::Pause, kind: String::new(),
//!     title: String::new(), text: String::new(), tags: vec![] };
//! ```

use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// Whether safety mode is on (DESIGN.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Ordinary,
    Safety,
}

/// What the policy needs to know about the reader's situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub mode: Mode,
}

impl Context {
    pub fn ordinary() -> Context {
        Context {
            mode: Mode::Ordinary,
        }
    }
    pub fn safety() -> Context {
        Context { mode: Mode::Safety }
    }
}

/// What a piece of content is: the step's "way" in a flow, or the kind of narration.
///
/// Content files name it directly (`way = "pause"` deserialises to [`Topic::Pause`]); an unknown
/// name fails to load, so a mistyped way can never fall back to a topic that safety mode keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Regulate before reacting: breathing, grounding, self-questions.
    Pause,
    /// A check inside a flow (the fear check, the own-behaviour check).
    Check,
    Curious,
    Space,
    Name,
    Explore,
    Stay,
    /// Safety steps, safety planning, helplines.
    Safety,
    /// Therapy information.
    Therapy,
    /// Psychoeducation: what may be going on.
    Understand,
    /// Reflection for oneself (questions, an emotion-naming aid) that asks nothing of the other.
    Reflect,
    /// Plain-language narration of the dance model's output.
    ModelNarration,
    /// Plain-language narration of a person's own data.
    DataNarration,
    /// Words about a measure (scores, change, quadrants).
    Measure,
    /// A suggestion from the softener.
    Soften,
    /// Interface text: prompts, menus, headings.
    Interface,
}

impl Topic {
    /// Topics that ask someone to approach, to reconnect or to do something together; none of
    /// them survive safety mode.
    fn is_approach_or_joint(self) -> bool {
        matches!(
            self,
            Topic::Curious | Topic::Space | Topic::Name | Topic::Explore | Topic::Stay
        )
    }
}

/// Each way of responding (DESIGN.md §4) is the topic of the content that explains or offers it:
/// one exhaustive match, so a new `Way` cannot compile without a topic (and so without a decision
/// about safety mode).
impl From<closer_domain::Way> for Topic {
    fn from(way: closer_domain::Way) -> Topic {
        use closer_domain::Way;
        match way {
            Way::Pause => Topic::Pause,
            Way::Curious => Topic::Curious,
            Way::Space => Topic::Space,
            Way::Name => Topic::Name,
            Way::Stay => Topic::Stay,
            Way::Explore => Topic::Explore,
        }
    }
}

/// What a draft asks of, or assumes about, the reader. Authors must tag honestly; tests check
/// that content with these meanings carries the tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// Asks the reader to move toward the other person (a bid, an opening, a talk).
    Approach,
    /// Giving space in order to reconnect.
    Space,
    /// Staying, or coming back after a break.
    Return,
    /// Something done together (naming the pattern, exploring together, a joint exercise).
    Joint,
    /// Couple therapy.
    CoupleTherapy,
    /// The loop framed as shared ("neither is the villain").
    SharedFraming,
    /// Numbers from a model, labelled as an illustration.
    Illustration,
    /// What one person recorded about the other, labelled as their perception.
    Perception,
}

impl Tag {
    fn withheld_in_safety_mode(self) -> bool {
        matches!(
            self,
            Tag::Approach
                | Tag::Space
                | Tag::Return
                | Tag::Joint
                | Tag::CoupleTherapy
                | Tag::SharedFraming
        )
    }
}

/// Content before review.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub topic: Topic,
    /// A finer kind within the topic (for example `fear` for a check, `couple` for therapy).
    pub kind: String,
    pub title: String,
    pub text: String,
    pub tags: Vec<Tag>,
}

impl Draft {
    pub fn new(
        topic: Topic,
        kind: impl Into<String>,
        title: impl Into<String>,
        text: impl Into<String>,
    ) -> Draft {
        Draft {
            topic,
            kind: kind.into(),
            title: title.into(),
            text: text.into(),
            tags: Vec::new(),
        }
    }

    pub fn tagged(mut self, tags: &[Tag]) -> Draft {
        self.tags.extend_from_slice(tags);
        self
    }
}

/// Content the policy approved for this reader. The only type the edges print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Said {
    topic: Topic,
    kind: String,
    title: String,
    text: String,
    tags: Vec<Tag>,
}

impl Said {
    pub fn topic(&self) -> Topic {
        self.topic
    }
    pub fn kind(&self) -> &str {
        &self.kind
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }
    pub fn has(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }
}

/// Why a draft was not said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Withheld {
    #[error("withheld in safety mode: the content is {0}")]
    SafetyMode(String),
    #[error("withheld by the content lint: {0}")]
    Lint(String),
}

/// The gate. Cheap to make; one per reader and situation.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    context: Context,
}

impl Policy {
    pub fn new(context: Context) -> Policy {
        Policy { context }
    }

    pub fn context(&self) -> Context {
        self.context
    }

    pub fn mode(&self) -> Mode {
        self.context.mode
    }

    /// Approves a draft for this reader, or says why not.
    pub fn review(&self, draft: Draft) -> Result<Said, Withheld> {
        if self.context.mode == Mode::Safety {
            if draft.topic.is_approach_or_joint() {
                return Err(Withheld::SafetyMode(format!(
                    "a {:?} step, which asks to approach or to do something together",
                    draft.topic
                )));
            }
            if let Some(tag) = draft.tags.iter().find(|t| t.withheld_in_safety_mode()) {
                return Err(Withheld::SafetyMode(format!("tagged {tag:?}")));
            }
        }
        lint(&draft).map_err(Withheld::Lint)?;
        Ok(Said {
            topic: draft.topic,
            kind: draft.kind,
            title: draft.title,
            text: draft.text,
            tags: draft.tags,
        })
    }

    /// Reviews many drafts and keeps those that pass: for flows, where safety mode drops steps.
    pub fn keep(&self, drafts: impl IntoIterator<Item = Draft>) -> Vec<Said> {
        drafts
            .into_iter()
            .filter_map(|d| self.review(d).ok())
            .collect()
    }
}

struct Lints {
    forecast: Regex,
    label: Regex,
    blame: Regex,
    digit: Regex,
}

fn lints() -> &'static Lints {
    static L: OnceLock<Lints> = OnceLock::new();
    L.get_or_init(|| Lints {
        // "will lower your fights by 23%", "you will break up", "your partner will leave".
        forecast: Regex::new(
            r"(?i)\b(will|is going to)\s+(lower|reduce|cut|raise|increase|drop|fall|rise)\b[^.]*\bby\s+\d+(\.\d+)?\s*%|\byou\s+(two\s+)?will\s+(break up|split|divorce|separate)|\byour partner will (leave|cheat|change)",
        )
        .expect("valid regex"),
        // Labels on a person: "your partner is an avoidant", "you are a narcissist".
        label: Regex::new(
            r"(?i)\b(your partner|they|he|she|you)\s+(is|are)\s+(an?\s+)?(narcissist\w*|toxic|crazy|psycho\w*|avoidant|anxious type|clingy|needy|cold|broken|the problem|to blame)\b",
        )
        .expect("valid regex"),
        // Blame: "it's your fault", "their fault".
        blame: Regex::new(r"(?i)\b(it'?s|it is)\s+(all\s+)?(your|their|his|her)\s+fault\b")
            .expect("valid regex"),
        digit: Regex::new(r"\d").expect("valid regex"),
    })
}

fn lint(d: &Draft) -> Result<(), String> {
    let l = lints();
    for (what, text) in [("title", &d.title), ("text", &d.text)] {
        if let Some(m) = l.forecast.find(text) {
            return Err(format!(
                "a personal forecast in the {what}: {:?}",
                m.as_str()
            ));
        }
        if let Some(m) = l.label.find(text) {
            return Err(format!(
                "a label or verdict about a person in the {what}: {:?}",
                m.as_str()
            ));
        }
        if let Some(m) = l.blame.find(text) {
            return Err(format!("blame in the {what}: {:?}", m.as_str()));
        }
    }
    if matches!(d.topic, Topic::ModelNarration | Topic::DataNarration)
        && l.digit.is_match(&d.text)
        && !d
            .tags
            .iter()
            .any(|t| matches!(t, Tag::Illustration | Tag::Perception))
        && d.topic == Topic::ModelNarration
    {
        return Err("a number in model narration must be tagged as an illustration".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(topic: Topic, text: &str, tags: &[Tag]) -> Draft {
        Draft::new(topic, "k", "t", text).tagged(tags)
    }

    #[test]
    fn safety_mode_withholds_approach_and_joint_content() {
        let p = Policy::new(Context::safety());
        for topic in [
            Topic::Curious,
            Topic::Space,
            Topic::Name,
            Topic::Explore,
            Topic::Stay,
        ] {
            assert!(p.review(draft(topic, "x", &[])).is_err(), "{topic:?}");
        }
        for tag in [
            Tag::Approach,
            Tag::Space,
            Tag::Return,
            Tag::Joint,
            Tag::CoupleTherapy,
            Tag::SharedFraming,
        ] {
            assert!(
                p.review(draft(Topic::Understand, "x", &[tag])).is_err(),
                "{tag:?}"
            );
        }
        assert!(
            p.review(draft(Topic::Pause, "Breathe out slowly.", &[]))
                .is_ok()
        );
        assert!(
            p.review(draft(Topic::Therapy, "Individual therapy is for you.", &[]))
                .is_ok()
        );
        // Ordinary mode keeps them.
        let o = Policy::new(Context::ordinary());
        assert!(
            o.review(draft(
                Topic::Curious,
                "Ask if now is a good time.",
                &[Tag::Approach]
            ))
            .is_ok()
        );
    }

    #[test]
    fn lint_refuses_forecasts_labels_and_blame() {
        let p = Policy::new(Context::ordinary());
        for bad in [
            "This will lower your fights by 23%.",
            "Your partner is avoidant.",
            "You are the problem.",
            "It's your fault.",
            "Your partner will leave.",
        ] {
            assert!(
                p.review(draft(Topic::Understand, bad, &[])).is_err(),
                "{bad}"
            );
        }
        assert!(
            p.review(draft(
                Topic::Understand,
                "Pulling away is often a way to feel safe.",
                &[]
            ))
            .is_ok()
        );
    }

    #[test]
    fn topics_deserialise_by_name_and_unknown_names_fail() {
        #[derive(serde::Deserialize)]
        struct T {
            way: Topic,
        }
        let t: T = toml::from_str("way = 'curious'").unwrap();
        assert_eq!(t.way, Topic::Curious);
        let t: T = toml::from_str("way = 'model_narration'").unwrap();
        assert_eq!(t.way, Topic::ModelNarration);
        // No fallback: a typo is an error, never Interface (which safety mode would keep).
        assert!(toml::from_str::<T>("way = 'curios'").is_err());
        assert!(toml::from_str::<T>("way = 'Curious'").is_err());
    }

    #[test]
    fn every_way_of_responding_has_its_own_topic_and_approach_ways_are_withheld() {
        use closer_domain::Way;
        let p = Policy::new(Context::safety());
        for way in Way::ALL {
            let topic = Topic::from(way);
            // The topic's name is the way's name (content files use one vocabulary).
            let name = serde_json::to_value(topic).unwrap();
            assert_eq!(name, serde_json::json!(way.as_str()), "{way:?}");
            let kept = p.review(draft(topic, "x", &[])).is_ok();
            assert_eq!(kept, way == Way::Pause, "{way:?} in safety mode");
        }
    }

    #[test]
    fn model_numbers_must_be_labelled_as_illustration() {
        let p = Policy::new(Context::ordinary());
        assert!(
            p.review(draft(Topic::ModelNarration, "Alarm settles near 0.2.", &[]))
                .is_err()
        );
        assert!(
            p.review(draft(
                Topic::ModelNarration,
                "In this illustration, alarm settles near 0.2.",
                &[Tag::Illustration]
            ))
            .is_ok()
        );
    }
}
