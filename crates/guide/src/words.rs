//! The lists a person picks from when recording a moment: feelings (the same words as the
//! flows' "Finding the word for it" step) and needs (`content/journal.toml`). Picked words are
//! our words, so they may be shared; a person's own text never is.

use std::sync::OnceLock;

/// The feeling words, in the order shown.
pub fn feelings() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        let v: toml::Value =
            toml::from_str(include_str!("../content/flows.toml")).expect("flows.toml parses");
        v.get("flow")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("step").and_then(|s| s.as_array()))
            .flatten()
            .find(|s| s.get("interaction").and_then(|i| i.as_str()) == Some("feelings"))
            .and_then(|s| s.get("items"))
            .and_then(|i| i.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    })
}

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
