//! Interface words (prompts, menus, endings) from `content/interface.toml`, through the policy.
//!
//! Keys are checked by a test that reads the CLI's sources, so a missing key is a failing test.

use closer_safety::{Context, Draft, Policy, Said, Topic};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(serde::Deserialize)]
struct File {
    text: BTreeMap<String, String>,
}

/// Every interface text by key.
pub fn all() -> &'static BTreeMap<String, String> {
    static T: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str::<File>(include_str!("../content/interface.toml"))
            .map(|f| f.text)
            .expect("content/interface.toml parses (checked by tests)")
    })
}

/// The interface text for `key`, reviewed. An unknown key yields the key itself (the tests make
/// sure every key used exists).
pub fn ui(key: &str) -> Said {
    let text = all().get(key).map(String::as_str).unwrap_or(key);
    let policy = Policy::new(Context::ordinary());
    policy
        .review(Draft::new(Topic::Interface, key, "", text))
        .unwrap_or_else(|_| {
            policy
                .review(Draft::new(Topic::Interface, key, "", key))
                .expect("a key passes every lint")
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_interface_text_passes_the_policy() {
        let p = closer_safety::Policy::new(closer_safety::Context::ordinary());
        for (k, v) in super::all() {
            p.review(closer_safety::Draft::new(
                closer_safety::Topic::Interface,
                k,
                "",
                v,
            ))
            .unwrap_or_else(|e| panic!("{k}: {e}"));
        }
    }
}
