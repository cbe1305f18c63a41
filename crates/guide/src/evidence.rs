//! The evidence document's words (`closer export --evidence`, "print my record"): every label the
//! document uses, from `content/journal.toml` through the policy. What the document holds and in
//! which order is `closer_store::evidence`; it asks this module for each word by key, so the
//! terminal and the browser print the same bytes.

/// The document's word for `key` (reviewed by the safety policy, see [`crate::journal::say`]).
pub fn word(key: &str) -> String {
    crate::journal::text(key)
}

#[cfg(test)]
mod tests {
    /// The keys `closer_store::evidence::WORDS` asks for (kept in step by the store's doc test
    /// and the CLI's byte-for-byte test); each must exist, or the document would print a key.
    const KEYS: &[&str] = &[
        "evidence.title",
        "report.record-line",
        "evidence.advice",
        "evidence.edited",
        "evidence.imported",
        "evidence.hash",
        "entry.incident",
        "entry.checkin",
        "entry.closeness",
        "entry.distress",
        "entry.safety",
        "journal.yours",
        "journal.perception",
        "entry.feelings",
        "entry.needs",
        "entry.intensity",
        "entry.way",
        "entry.edited",
    ];

    #[test]
    fn every_word_of_the_document_is_in_the_content() {
        for k in KEYS {
            assert!(crate::journal::all().contains_key(*k), "{k} missing");
            assert_ne!(super::word(k), *k);
        }
    }
}
