//! What the softener says, read from `content/soften/texts.toml`.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded text file.
pub const TEXTS_TOML: &str = include_str!("../../content/soften/texts.toml");

#[derive(Debug, Deserialize)]
pub struct Texts {
    pub heading: Headings,
    pub nothing: Nothing,
    /// One explanation per kind (by its JSON name).
    pub explain: BTreeMap<String, String>,
    pub frame: Frame,
    pub timing: Timing,
    pub control: Control,
}

#[derive(Debug, Deserialize)]
pub struct Headings {
    pub noticed: String,
    pub suggestion: String,
    pub timing: String,
    pub nothing: String,
    pub precaution: String,
    pub help: String,
}

#[derive(Debug, Deserialize)]
pub struct Nothing {
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Frame {
    pub feeling: String,
    pub situation_blank: String,
    pub request_blank: String,
    pub template: String,
    pub note: String,
}

#[derive(Debug, Deserialize)]
pub struct Timing {
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Control {
    pub noticed: String,
    pub precaution: String,
    pub help: String,
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
        assert!(t.frame.template.contains("{feeling}"));
    }
}
