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
    /// Only on the own-behaviour path (help for a person worried about what they did).
    Own,
}

/// What a step asks of the person; the flow session (`crate::session`) decides what follows each
/// answer, and every surface only renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interaction {
    /// A breathing pacer with a timer; always optional.
    Breathing,
    /// Pick one of the items (a ready-made message, a grounding idea).
    Choose,
    /// Questions to answer in one's head (nothing stored).
    Questions,
    /// Build a text from parts picked from our lists (`builds` names the builder).
    Build,
    /// Plan a break with a time to come back (a number of minutes).
    Break,
    /// A yes / no / not sure safety check.
    Check,
    /// The emergency number and helplines for the person's region (asked once per run).
    Helplines,
    /// Therapist directories by region.
    Directories,
    /// A step for both partners (naming the pattern together): shown only after the person says
    /// both are open to it; "not yet" leaves it for another time.
    BothOpen,
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
    /// For `interaction = "build"`: the builder in `compose.toml`.
    #[serde(default)]
    pub builds: Option<String>,
    /// For `interaction = "helplines"`: the kinds of line to show (empty: all).
    #[serde(default)]
    pub lines: Vec<String>,
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
    /// Paths a flow switches to: `safety` (safety mode) and `own-behaviour`.
    path: Vec<FlowSpec>,
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
    /// `ordinary` (default), `safety` (the safety-mode version of a card) or `always`.
    #[serde(default)]
    pub when: When,
}

/// Where a way card is shown (`closer learn --ways`).
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

/// How well a directory entry was verified; unverified entries (`U`) do not parse, so they can
/// never ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Confidence {
    V,
    S,
}

/// One therapist directory (from `../shared/reference/therapy-directories.json`, V and S only).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub region: String,
    /// `eft-couple`, `emdr`, `couple-and-individual`, `individual`, `low-cost`.
    pub kind: String,
    pub name: String,
    pub url: String,
    pub serves: String,
    pub source_url: String,
    pub source_date: String,
    pub confidence: Confidence,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoriesFile {
    directory: Vec<Directory>,
}

/// All content, parsed.
#[derive(Debug)]
pub struct Content {
    pub flows: Vec<FlowSpec>,
    /// The paths a flow switches to (`safety`, `own-behaviour`).
    pub paths: Vec<FlowSpec>,
    pub directories: Vec<Directory>,
    pub blocks: Vec<Piece>,
    pub understand: Vec<Piece>,
    pub ways: Vec<WaySpec>,
    pub home: HomeSpec,
}

impl Content {
    pub fn block(&self, id: &str) -> Option<&Piece> {
        self.blocks.iter().find(|b| b.id == id)
    }
    pub fn path(&self, id: &str) -> Option<&FlowSpec> {
        self.paths.iter().find(|p| p.id == id)
    }
}

/// The raw text of every content file, by name: for the review catalogue and the tests.
pub const FILES: [(&str, &str); 7] = [
    ("compose.toml", include_str!("../content/compose.toml")),
    (
        "therapists.toml",
        include_str!("../content/therapists.toml"),
    ),
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
    let dirs: DirectoriesFile =
        toml::from_str(get("therapists.toml")).map_err(|e| format!("therapists.toml: {e}"))?;
    crate::compose::parse()?;
    Ok(Content {
        flows: flows.flow,
        paths: flows.path,
        directories: dirs.directory,
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
        assert_eq!(c.ways.iter().filter(|w| w.when != When::Safety).count(), 6);
        assert_eq!(c.home.choices.len(), 8);
        assert!(c.path("safety").is_some() && c.path("own-behaviour").is_some());
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
                .chain(c.paths.iter())
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
        for f in c.flows.iter().chain(c.paths.iter()) {
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
                    assert!(
                        closer_safety::checks::check(k).is_some(),
                        "unknown check {k}"
                    );
                }
                let piece = s
                    .use_block
                    .as_ref()
                    .and_then(|b| c.block(b))
                    .or(s.inline.as_ref());
                if let Some(p) = piece {
                    // A step that builds a text names a builder that exists, and only those do.
                    assert_eq!(
                        p.interaction == Some(Interaction::Build),
                        p.builds.is_some(),
                        "{}: {}",
                        f.id,
                        p.title
                    );
                    if let Some(b) = &p.builds {
                        assert!(crate::compose::builder(b).is_some(), "unknown builder {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn therapist_directories_ship_only_checked_entries_with_their_source() {
        let c = parse_all().unwrap();
        assert!(c.directories.len() >= 5);
        for d in &c.directories {
            assert!(d.url.starts_with("https://"), "{}", d.name);
            assert!(d.source_url.starts_with("https://"), "{}", d.name);
        }
        // The unverified (U) entry of the reference list does not ship.
        assert!(!c.directories.iter().any(|d| d.url.contains("emdraa")));
        assert!(
            toml::from_str::<DirectoriesFile>(
                "[[directory]]\nregion='AU'\nkind='emdr'\nname='x'\nurl='https://x'\nserves='x'\n\
             source_url='https://x'\nsource_date='x'\nconfidence='U'\n"
            )
            .is_err()
        );
    }
}
