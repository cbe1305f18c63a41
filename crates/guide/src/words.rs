//! The lists a person picks from when recording a moment: feelings (the same words as the
//! flows' "finding the word for it" step) and needs (`content/journal.toml`). Picked words are
//! our words, so they may be shared; a person's own text never is.

use std::sync::OnceLock;

/// The feeling words, in the order shown: the list the flows' "finding the word for it" step
/// builds from (`content/compose.toml`, list `withdrawer-feelings`), so a word picked in a flow
/// and a word picked in the journal are the same word.
pub fn feelings() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        crate::compose::list(FEELINGS_LIST)
            .map(|l| l.items.iter().map(|i| i.text.clone()).collect())
            .unwrap_or_default()
    })
}

/// The compose list whose words are the journal's feelings.
const FEELINGS_LIST: &str = "withdrawer-feelings";

/// The need words, in the order shown.
pub fn needs() -> &'static [String] {
    static N: OnceLock<Vec<String>> = OnceLock::new();
    N.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            needs: Vec<String>,
        }
        toml::from_str::<File>(include_str!("../content/journal.toml"))
            .expect("journal.toml parses")
            .needs
    })
}

/// The listed word equal to `w` (any case, `_` or `-` for a space), or `None`.
pub fn find<'a>(list: &'a [String], w: &str) -> Option<&'a str> {
    let norm = |s: &str| s.trim().to_lowercase().replace(['_', '-'], " ");
    let w = norm(w);
    list.iter().find(|x| norm(x) == w).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_lists_are_there_and_words_are_found_in_any_spelling() {
        assert!(feelings().len() >= 15, "{:?}", feelings());
        assert!(feelings().iter().any(|f| f == "overwhelmed"));
        assert!(needs().len() >= 15);
        assert_eq!(find(feelings(), "Worn_Out"), Some("worn out"));
        assert_eq!(find(needs(), "to-be-heard"), Some("to be heard"));
        assert_eq!(find(feelings(), "furious-ish"), None);
    }
}
