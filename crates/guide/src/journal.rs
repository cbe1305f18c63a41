//! The journal's words (`content/journal.toml`), through the policy: prompts and headings as
//! interface text, the paths shown when a note is read for risk as safety text.

use closer_safety::{Context, Draft, Policy, Said, Topic};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(serde::Deserialize)]
struct File {
    text: BTreeMap<String, String>,
}

/// Every journal text by key.
pub fn all() -> &'static BTreeMap<String, String> {
    static T: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str::<File>(include_str!("../content/journal.toml"))
            .map(|f| f.text)
            .expect("content/journal.toml parses (checked by tests)")
    })
}

fn topic(key: &str) -> Topic {
    if key.starts_with("risk.") || key.starts_with("forget.cannot") {
        Topic::Safety
    } else {
        Topic::Interface
    }
}

/// The journal text for `key`, reviewed for an ordinary reader. An unknown key yields the key
/// itself (a test makes sure every key the CLI uses exists).
pub fn say(key: &str) -> Said {
    let text = all().get(key).map(String::as_str).unwrap_or(key);
    let policy = Policy::new(Context::ordinary());
    policy
        .review(Draft::new(topic(key), key, "", text))
        .unwrap_or_else(|_| {
            policy
                .review(Draft::new(Topic::Interface, key, "", key))
                .expect("a key passes every lint")
        })
}

/// The text of [`say`], for building a line or a page.
pub fn text(key: &str) -> String {
    say(key).text().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_journal_text_passes_the_policy_in_both_modes() {
        for ctx in [
            closer_safety::Context::ordinary(),
            closer_safety::Context::safety(),
        ] {
            let p = closer_safety::Policy::new(ctx);
            for (k, v) in super::all() {
                p.review(closer_safety::Draft::new(super::topic(k), k, "", v))
                    .unwrap_or_else(|e| panic!("{k}: {e}"));
            }
        }
    }
}
