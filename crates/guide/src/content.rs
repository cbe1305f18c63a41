//! The embedded content files, parsed once.
//!
//! Content is data (DESIGN.md §9): every sentence lives in `content/*.toml`, so reviewers can read
//! and check it in one place (docs/content-review.md) without reading code. The files are
//! embedded at build time and parsed on first use; the tests parse every file, so a malformed file
//! is a failing test, never a failure in front of a person.

use closer_safety::{Draft, Tag, Topic};
use serde::Deserialize;
use std::sync::OnceLock;

/// When a piece of content is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Only outside safety mode.
    #[default]
    Ordinary,
    /// Only in safety mode.
    Safety,
    /// In both.
    Always,
}

/// How a terminal presents a step; the text is the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interaction {
    /// A breathing pacer with a timer.
    Breathing,
    /// Pick one of the items.
    Choose,
    /// Questions to answer in one's head (nothing stored).
    Questions,
    /// Is now a good time; if not, when.
    Timing,
    /// Build a curious opening from one's own words.
    Opening,
    /// Pick feeling words.
    Feelings,
    /// Plan a break with a time to come back.
    Break,
    /// Fill in the cycle map.
    CycleMap,
    /// A yes/no safety check.
    Check,
}

/// One piece of content: a step of a flow, a block, or a section of `learn`.
#[derive(Debug, Clone, Deserialize)]
pub struct Piece {
    #[serde(default)]
    pub id: String,
    pub way: String,
    pub kind: String,
    #[serde(default)]
    pub when: When,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub interaction: Option<Interaction>,
}

impl Piece {
    /// The policy topic for this piece's `way`.
    pub fn topic(&self) -> Topic {
        topic_of(&self.way)
    }

    /// The draft of the piece's main text, for review.
    pub fn draft(&self) -> Draft {
        Draft::new(self.topic(), &self.kind, &self.title, &self.text).tagged(&self.tags)
    }

    /// Drafts of the piece's items; they share the piece's topic and tags.
    pub fn item_drafts(&self) -> Vec<Draft> {
        self.items
            .iter()
            .map(|i| Draft::new(self.topic(), &self.kind, "", i).tagged(&self.tags))
            .collect()
    }
}

/// Maps a content file's `way` to the policy's topic. Unknown ways are caught by the tests.
pub fn topic_of(way: &str) -> Topic {
    match way {
        "pause" => Topic::Pause,
        "check" => Topic::Check,
        "curious" => Topic::Curious,
        "space" => Topic::Space,
        "name" => Topic::Name,
        "explore" => Topic::Explore,
        "stay" => Topic::Stay,
        "safety" => Topic::Safety,
        "therapy" => Topic::Therapy,
        "understand" => Topic::Understand,
        "reflect" => Topic::Reflect,
        _ => Topic::Interface,
    }
}

/// A step in `flows.toml`: inline content, a shared block, or a check.
#[derive(Debug, Clone, Deserialize)]
pub struct StepSpec {
    #[serde(rename = "use")]
    pub use_block: Option<String>,
    pub check: Option<String>,
    #[serde(flatten)]
    pub inline: Option<Piece>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FlowSpec {
    pub id: String,
    pub title: String,
    pub intro: String,
    #[serde(rename = "step")]
    pub steps: Vec<StepSpec>,
}

#[derive(Debug, Deserialize)]
struct FlowsFile {
    flow: Vec<FlowSpec>,
}

#[derive(Debug, Deserialize)]
struct BlocksFile {
    block: Vec<Piece>,
}

#[derive(Debug, Deserialize)]
struct UnderstandFile {
    section: Vec<Piece>,
}

/// One way of responding, as `closer learn --ways` explains it.
#[derive(Debug, Clone, Deserialize)]
pub struct WaySpec {
    pub id: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub title: String,
    pub what: String,
    pub why: String,
    pub how: String,
    pub not: String,
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaysFile {
    way: Vec<WaySpec>,
}

/// One choice on the home screen.
#[derive(Debug, Clone, Deserialize)]
pub struct HomeChoice {
    pub key: String,
    pub label: String,
    pub command: String,
}

/// The home screen.
#[derive(Debug, Clone, Deserialize)]
pub struct HomeSpec {
    pub title: String,
    pub greeting: String,
    pub footer: String,
    #[serde(rename = "choice")]
    pub choices: Vec<HomeChoice>,
}

/// All content, parsed.
#[derive(Debug)]
pub struct Content {
    pub flows: Vec<FlowSpec>,
    pub blocks: Vec<Piece>,
    pub understand: Vec<Piece>,
    pub ways: Vec<WaySpec>,
    pub home: HomeSpec,
}

impl Content {
    pub fn block(&self, id: &str) -> Option<&Piece> {
        self.blocks.iter().find(|b| b.id == id)
    }
}

/// The raw text of every content file, by name: for the review catalogue and the tests.
pub const FILES: [(&str, &str); 5] = [
    ("flows.toml", include_str!("../content/flows.toml")),
    ("blocks.toml", include_str!("../content/blocks.toml")),
    (
        "understand.toml",
        include_str!("../content/understand.toml"),
    ),
    ("ways.toml", include_str!("../content/ways.toml")),
    ("home.toml", include_str!("../content/home.toml")),
];

/// Parses every content file. Only the tests and [`content`] call this.
pub fn parse_all() -> Result<Content, String> {
    let get = |name: &str| -> &'static str {
        FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or("")
    };
    let flows: FlowsFile =
        toml::from_str(get("flows.toml")).map_err(|e| format!("flows.toml: {e}"))?;
    let blocks: BlocksFile =
        toml::from_str(get("blocks.toml")).map_err(|e| format!("blocks.toml: {e}"))?;
    let understand: UnderstandFile =
        toml::from_str(get("understand.toml")).map_err(|e| format!("understand.toml: {e}"))?;
    let ways: WaysFile = toml::from_str(get("ways.toml")).map_err(|e| format!("ways.toml: {e}"))?;
    let home: HomeSpec = toml::from_str(get("home.toml")).map_err(|e| format!("home.toml: {e}"))?;
    Ok(Content {
        flows: flows.flow,
        blocks: blocks.block,
        understand: understand.section,
        ways: ways.way,
        home,
    })
}

/// The parsed content. The files are embedded and parsed by the tests, so this cannot fail in a
/// released build.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| parse_all().expect("embedded content parses (checked by tests)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_content_file_parses() {
        let c = parse_all().unwrap();
        assert!(c.flows.len() >= 3);
        assert_eq!(c.ways.len(), 6);
        assert_eq!(c.home.choices.len(), 5);
    }

    #[test]
    fn every_way_name_is_known() {
        let c = parse_all().unwrap();
        let known = [
            "pause",
            "check",
            "curious",
            "space",
            "name",
            "explore",
            "stay",
            "safety",
            "therapy",
            "understand",
            "reflect",
        ];
        let all = c.blocks.iter().chain(c.understand.iter()).chain(
            c.flows
                .iter()
                .flat_map(|f| f.steps.iter().filter_map(|s| s.inline.as_ref())),
        );
        for p in all {
            assert!(
                known.contains(&p.way.as_str()),
                "unknown way {:?} in {:?}",
                p.way,
                p.title
            );
        }
    }

    #[test]
    fn every_step_is_exactly_one_thing_and_resolves() {
        let c = parse_all().unwrap();
        for f in &c.flows {
            for s in &f.steps {
                let n = s.use_block.is_some() as u8
                    + s.check.is_some() as u8
                    + s.inline.is_some() as u8;
                assert_eq!(
                    n, 1,
                    "flow {} has a step that is not exactly one thing",
                    f.id
                );
                if let Some(b) = &s.use_block {
                    assert!(c.block(b).is_some(), "flow {} uses unknown block {b}", f.id);
                }
                if let Some(k) = &s.check {
                    assert!(k == "fear" || k == "own-behaviour", "unknown check {k}");
                }
            }
        }
    }
}
