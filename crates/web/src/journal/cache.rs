//! The journal cache: per session, the owner's entries in order and their rendered patterns,
//! each kept for one data version of that person (`Store::data_version`). Opening 100,000
//! sealed entries per request would miss the latency goal; a version check is one small query.
//!
//! In memory only, never on disk; a session's slot is dropped when the session ends (the
//! session-end hook) and replaced when the person's data version changes. A slot is keyed by the
//! session, so two sessions never share decrypted content, and it holds the person it was
//! filled for, so a slot can never answer for anyone else.

use closer_store::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The cache's key for a session: the hex of its id hash (never the id itself).
pub fn session_key(id_hash: &[u8]) -> String {
    id_hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone)]
struct Slot {
    person: String,
    version: String,
    entries: Arc<Vec<Entry>>,
    patterns: Option<Arc<str>>,
}

/// What the journal pages keep between requests of one session.
#[derive(Default)]
pub struct Cache {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    fn slot(&self, session: &str, person: &str, version: &str) -> Option<Slot> {
        let slots = self.slots.lock().ok()?;
        let s = slots.get(session)?;
        (s.person == person && s.version == version).then(|| s.clone())
    }

    /// The entries kept for this session, person and version, if any.
    pub fn entries(&self, session: &str, person: &str, version: &str) -> Option<Arc<Vec<Entry>>> {
        self.slot(session, person, version).map(|s| s.entries)
    }

    /// Keeps `entries` (in the store's order) for this session at `version`; any older slot of
    /// the session goes, with its patterns.
    pub fn keep_entries(
        &self,
        session: &str,
        person: &str,
        version: &str,
        entries: Arc<Vec<Entry>>,
    ) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.insert(
                session.to_string(),
                Slot {
                    person: person.to_string(),
                    version: version.to_string(),
                    entries,
                    patterns: None,
                },
            );
        }
    }

    /// The rendered patterns kept for this session, person and version, if any.
    pub fn patterns(&self, session: &str, person: &str, version: &str) -> Option<Arc<str>> {
        self.slot(session, person, version)?.patterns
    }

    /// Keeps rendered patterns beside the entries of the same version (ignored when the slot
    /// has moved on to another version meanwhile).
    pub fn keep_patterns(&self, session: &str, person: &str, version: &str, html: Arc<str>) {
        if let Ok(mut slots) = self.slots.lock()
            && let Some(s) = slots.get_mut(session)
            && s.person == person
            && s.version == version
        {
            s.patterns = Some(html);
        }
    }

    /// Drops everything kept for a session (called when it ends).
    pub fn end_session(&self, session: &str) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.remove(session);
        }
    }

    /// Drops every slot filled for a person (their account is gone).
    pub fn forget_person(&self, person: &str) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.retain(|_, s| s.person != person);
        }
    }

    /// How many sessions have a slot (tests).
    pub fn sessions(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Arc<Vec<Entry>> {
        Arc::new(Vec::with_capacity(n))
    }

    #[test]
    fn a_slot_answers_only_its_session_person_and_version() {
        let c = Cache::new();
        c.keep_entries("s1", "p1", "v1", list(1));
        assert!(c.entries("s1", "p1", "v1").is_some());
        assert!(c.entries("s1", "p1", "v2").is_none(), "another version");
        assert!(c.entries("s1", "p2", "v1").is_none(), "another person");
        assert!(c.entries("s2", "p1", "v1").is_none(), "another session");
        c.keep_patterns("s1", "p1", "v1", Arc::from("<p>x</p>"));
        assert_eq!(c.patterns("s1", "p1", "v1").as_deref(), Some("<p>x</p>"));
        // A new version replaces the slot and its patterns.
        c.keep_entries("s1", "p1", "v2", list(2));
        assert!(c.patterns("s1", "p1", "v2").is_none());
        assert!(c.entries("s1", "p1", "v1").is_none());
        // Patterns for a version the slot no longer holds are not kept.
        c.keep_patterns("s1", "p1", "v1", Arc::from("old"));
        assert!(c.patterns("s1", "p1", "v1").is_none());
        assert!(c.patterns("s1", "p1", "v2").is_none());
    }

    #[test]
    fn ending_a_session_drops_its_slot_only() {
        let c = Cache::new();
        c.keep_entries("s1", "p1", "v", list(0));
        c.keep_entries("s2", "p1", "v", list(0));
        c.keep_entries("s3", "p2", "v", list(0));
        c.end_session("s1");
        assert_eq!(c.sessions(), 2);
        assert!(c.entries("s2", "p1", "v").is_some());
        c.forget_person("p1");
        assert_eq!(c.sessions(), 1);
        assert!(c.entries("s3", "p2", "v").is_some());
    }
}
