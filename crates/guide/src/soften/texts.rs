//! What the softener says, read from `content/soften/texts.toml`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded text file.
pub const TEXTS_TOML: &str = include_str!("../../content/soften/texts.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub heading: Headings,
    /// What closer cannot judge, said whenever it noticed nothing (never an all-clear).
    pub limits: Plain,
    /// For text that does not look like English.
    pub language: Plain,
    /// For a long message.
    pub long: Plain,
    /// A note on pressure, for words that say what will happen or what the other must do.
    pub caution: Plain,
    /// One explanation per kind (by its JSON name).
    pub explain: BTreeMap<String, String>,
    /// Said above the person's own words, shown back exactly as typed.
    pub yours: Plain,
    /// The choice-built openings, offered instead of a rewrite.
    pub openings: Openings,
    /// Plain tips for rewording a message oneself.
    pub tips: Plain,
    pub timing: Plain,
    pub precaution: Precaution,
    pub control: Control,
    pub risk: RiskTexts,
    pub crisis: Crisis,
    pub panic: Plain,
    pub space: Plain,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headings {
    pub noticed: String,
    pub yours: String,
    pub openings: String,
    pub tips: String,
    pub timing: String,
    pub limits: String,
    pub precaution: String,
    pub crisis: String,
    pub always: String,
    pub risk: String,
    pub language: String,
    pub panic: String,
    pub space: String,
    pub long: String,
    pub caution: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plain {
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Openings {
    pub text: String,
    pub part: String,
    pub blank: String,
}

/// The short precautions for the one who sends, by path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precaution {
    pub ordinary: String,
    pub own: String,
    pub afraid: String,
    pub crisis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub noticed: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskTexts {
    pub mine: String,
    pub theirs: String,
    pub self_harm: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crisis {
    /// The line that opens every result: `{line}` is the region's crisis line.
    pub line: String,
    /// The same with no region or no checked line: `{directory}` is where to find one.
    pub no_region: String,
    /// The line that opens every ordinary step of a guided flow: `{line}` as in `line`.
    pub flow_line: String,
    /// The same with no region or no checked line: `{directory}` as in `no_region`.
    pub flow_no_region: String,
    pub other: String,
}

/// The embedded texts, parsed on first use (a test parses them, so this never fails in front
/// of a person).
pub fn texts() -> &'static Texts {
    static T: OnceLock<Texts> = OnceLock::new();
    T.get_or_init(|| match toml::from_str(TEXTS_TOML) {
        Ok(t) => t,
        Err(e) => panic!("content/soften/texts.toml is invalid: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soften::Kind;

    #[test]
    fn texts_parse_and_explain_every_kind() {
        let t: Texts = toml::from_str(TEXTS_TOML).expect("texts parse");
        for k in Kind::ALL {
            if k != Kind::Control {
                assert!(t.explain.contains_key(k.as_str()), "{k:?}");
            }
        }
        for p in ["{parts}", "{reads}", "{later}"] {
            assert!(t.openings.text.contains(p), "{p}");
        }
    }
}
