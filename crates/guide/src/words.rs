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

/// Picked words (each given word may hold several, comma-separated), each checked against
/// `list`; the error names the field, the listed words and the word not found.
pub fn pick(field: &str, list: &[String], given: &[String]) -> Result<Vec<String>, String> {
    given
        .iter()
        .flat_map(|g| g.split(','))
        .filter(|g| !g.trim().is_empty())
        .map(|g| {
            find(list, g).map(str::to_string).ok_or_else(|| {
                format!(
                    "{field}: expected one of the listed words ({}), found {g:?}",
                    list.join(", ")
                )
            })
        })
        .collect()
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

    #[test]
    fn picked_words_are_the_lists_spelling_and_an_unknown_one_is_named() {
        let got = pick(
            "feeling",
            feelings(),
            &["OVERWHELMED".into(), String::new()],
        )
        .unwrap();
        assert_eq!(got, ["overwhelmed"]);
        let e = pick("feeling", feelings(), &["overwhelmed,zzz".into()]).unwrap_err();
        assert!(
            e.starts_with("feeling: expected one of the listed words ("),
            "{e}"
        );
        assert!(e.ends_with("found \"zzz\""), "{e}");
    }
}
