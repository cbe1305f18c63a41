//! The evidence document's words (`closer export --evidence`, "print my record"): every label the
//! document uses, from `content/journal.toml` through the policy. What the document holds and in
//! which order is `closer_store::evidence`; it asks this module for each word by key, so the
//! terminal and the browser print the same bytes.

/// The document's word for `key` (reviewed by the safety policy, see [`crate::journal::say`]).
pub fn word(key: &str) -> String {
    crate::journal::text(key)
}

// That every key the document asks for (`closer_store::evidence::WORDS`) is in the content is
// checked where both crates are visible: `crates/web/tests/record.rs`,
// `every_word_of_the_evidence_document_is_in_the_content` (the guide may not depend on the store).
