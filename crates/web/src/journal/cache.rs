//! The journal cache: per session, the owner's entries in order and pages drawn from them
//! (the first page of the list, the patterns page), each kept for one data version of that
//! person (`Store::data_version`). Opening 100,000 sealed entries per request would miss the
//! latency goal; the version comes with the session check, in the same query.
//!
//! In memory only, never on disk; a session's slot is dropped when the session ends (the
//! session-end hook) and replaced when the person's data version changes. A slot is keyed by the
//! session, so two sessions never share decrypted content, and it holds the person it was
//! filled for, so a slot can never answer for anyone else.
//!
//! Filling is single-flight per session ([`Cache::fill_lock`]): a sign-in starts the fill in the
//! background and the first page waits for it instead of opening every entry a second time. A
//! fill keeps what it opened only while its session's lock is still the one it was given: the
//! session-end hook removes the lock with the slot, so a fill that finishes after its session
//! ended keeps nothing.

use closer_store::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The cache's key for a session: the hex of its id hash (never the id itself).
pub fn session_key(id_hash: &[u8]) -> String {
    id_hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// The id hash a [`session_key`] was made from.
pub fn id_hash_of(key: &str) -> Option<Vec<u8>> {
    if !key.len().is_multiple_of(2) || !key.is_ascii() {
        return None;
    }
    (0..key.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok())
        .collect()
}

/// A page drawn from a slot's entries and kept beside them (the `main` of the page, without the
/// shell: the shell's blanking time is not part of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Drawn {
    /// The first page of `/journal`.
    ListFirst,
    /// `/journal/patterns`.
    Patterns,
}

#[derive(Clone)]
struct Slot {
    person: String,
    version: String,
    entries: Arc<Vec<Entry>>,
    drawn: HashMap<Drawn, Arc<str>>,
}

/// A session's fill lock: hold it while opening the entries (see [`Cache::fill_lock`]).
pub type FillLock = Arc<tokio::sync::Mutex<()>>;

/// What the journal pages keep between requests of one session.
#[derive(Default)]
pub struct Cache {
    slots: Mutex<HashMap<String, Slot>>,
    fills: Mutex<HashMap<String, FillLock>>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    fn slot<T>(
        &self,
        session: &str,
        person: &str,
        version: &str,
        f: impl FnOnce(&Slot) -> Option<T>,
    ) -> Option<T> {
        let slots = self.slots.lock().ok()?;
        let s = slots.get(session)?;
        if s.person == person && s.version == version {
            f(s)
        } else {
            None
        }
    }

    /// The entries kept for this session, person and version, if any.
    pub fn entries(&self, session: &str, person: &str, version: &str) -> Option<Arc<Vec<Entry>>> {
        self.slot(session, person, version, |s| Some(s.entries.clone()))
    }

    /// The lock that makes filling single-flight for a session: whoever fills holds it, and
    /// whoever finds no slot waits for it before filling. Made on first use; removed when the
    /// session ends.
    pub fn fill_lock(&self, session: &str) -> Option<FillLock> {
        let mut fills = self.fills.lock().ok()?;
        Some(fills.entry(session.to_string()).or_default().clone())
    }

    /// Keeps `entries` (in the store's order) for this session at `version`, with nothing drawn
    /// yet; any older slot of the session goes. Kept only while `lock` is still the session's
    /// fill lock (the session has not ended since it was taken): returns whether it was kept.
    pub fn keep_entries(
        &self,
        session: &str,
        person: &str,
        version: &str,
        entries: Arc<Vec<Entry>>,
        lock: &FillLock,
    ) -> bool {
        let (Ok(fills), Ok(mut slots)) = (self.fills.lock(), self.slots.lock()) else {
            return false;
        };
        if !fills.get(session).is_some_and(|l| Arc::ptr_eq(l, lock)) {
            return false;
        }
        slots.insert(
            session.to_string(),
            Slot {
                person: person.to_string(),
                version: version.to_string(),
                entries,
                drawn: HashMap::new(),
            },
        );
        true
    }

    /// A page drawn for this session, person and version, if kept.
    pub fn drawn(
        &self,
        session: &str,
        person: &str,
        version: &str,
        page: Drawn,
    ) -> Option<Arc<str>> {
        self.slot(session, person, version, |s| s.drawn.get(&page).cloned())
    }

    /// Keeps a drawn page beside the entries of the same version (ignored when the slot has
    /// moved on to another version meanwhile, or is gone).
    pub fn keep_drawn(
        &self,
        session: &str,
        person: &str,
        version: &str,
        page: Drawn,
        html: Arc<str>,
    ) {
        if let Ok(mut slots) = self.slots.lock()
            && let Some(s) = slots.get_mut(session)
            && s.person == person
            && s.version == version
        {
            s.drawn.insert(page, html);
        }
    }

    /// Drops everything kept for a session, and its fill lock (called when it ends).
    pub fn end_session(&self, session: &str) {
        if let Ok(mut fills) = self.fills.lock() {
            fills.remove(session);
        }
        if let Ok(mut slots) = self.slots.lock() {
            slots.remove(session);
        }
    }

    /// Drops every slot filled for a person (their account is gone).
    pub fn forget_person(&self, person: &str) {
        if let (Ok(mut fills), Ok(mut slots)) = (self.fills.lock(), self.slots.lock()) {
            slots.retain(|k, s| {
                let keep = s.person != person;
                if !keep {
                    fills.remove(k);
                }
                keep
            });
        }
    }

    /// The sessions that have a slot, as (session key, person): the sweep checks that each is
    /// still open (a session ended on another instance runs no hook here).
    pub fn held(&self) -> Vec<(String, String)> {
        self.slots
            .lock()
            .map(|s| {
                s.iter()
                    .map(|(k, v)| (k.clone(), v.person.clone()))
                    .collect()
            })
            .unwrap_or_default()
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

    fn keep(c: &Cache, session: &str, person: &str, version: &str, n: usize) -> bool {
        let lock = c.fill_lock(session).unwrap();
        c.keep_entries(session, person, version, list(n), &lock)
    }

    #[test]
    fn a_slot_answers_only_its_session_person_and_version() {
        let c = Cache::new();
        assert!(keep(&c, "s1", "p1", "v1", 1));
        assert!(c.entries("s1", "p1", "v1").is_some());
        assert!(c.entries("s1", "p1", "v2").is_none(), "another version");
        assert!(c.entries("s1", "p2", "v1").is_none(), "another person");
        assert!(c.entries("s2", "p1", "v1").is_none(), "another session");
        c.keep_drawn("s1", "p1", "v1", Drawn::Patterns, Arc::from("<p>x</p>"));
        c.keep_drawn("s1", "p1", "v1", Drawn::ListFirst, Arc::from("<p>l</p>"));
        assert_eq!(
            c.drawn("s1", "p1", "v1", Drawn::Patterns).as_deref(),
            Some("<p>x</p>")
        );
        assert_eq!(
            c.drawn("s1", "p1", "v1", Drawn::ListFirst).as_deref(),
            Some("<p>l</p>")
        );
        assert!(c.drawn("s1", "p2", "v1", Drawn::ListFirst).is_none());
        assert!(c.drawn("s2", "p1", "v1", Drawn::ListFirst).is_none());
        // A new version replaces the slot and what was drawn from it.
        assert!(keep(&c, "s1", "p1", "v2", 2));
        assert!(c.drawn("s1", "p1", "v2", Drawn::Patterns).is_none());
        assert!(c.drawn("s1", "p1", "v2", Drawn::ListFirst).is_none());
        assert!(c.entries("s1", "p1", "v1").is_none());
        // A page drawn for a version the slot no longer holds is not kept.
        c.keep_drawn("s1", "p1", "v1", Drawn::Patterns, Arc::from("old"));
        assert!(c.drawn("s1", "p1", "v1", Drawn::Patterns).is_none());
        assert!(c.drawn("s1", "p1", "v2", Drawn::Patterns).is_none());
    }

    #[test]
    fn ending_a_session_drops_its_slot_only() {
        let c = Cache::new();
        keep(&c, "s1", "p1", "v", 0);
        keep(&c, "s2", "p1", "v", 0);
        keep(&c, "s3", "p2", "v", 0);
        c.end_session("s1");
        assert_eq!(c.sessions(), 2);
        assert!(c.entries("s2", "p1", "v").is_some());
        c.forget_person("p1");
        assert_eq!(c.sessions(), 1);
        assert!(c.entries("s3", "p2", "v").is_some());
        assert_eq!(c.held(), vec![("s3".to_string(), "p2".to_string())]);
    }

    #[test]
    fn a_session_key_names_its_id_hash() {
        let h: Vec<u8> = (0..32).map(|i| i * 7).collect();
        assert_eq!(id_hash_of(&session_key(&h)), Some(h));
        assert_eq!(id_hash_of("abc"), None);
        assert_eq!(id_hash_of("zz"), None);
    }

    #[test]
    fn a_fill_that_ends_after_its_session_ended_keeps_nothing() {
        let c = Cache::new();
        // A fill starts (a sign-in's background fill, or a first page), the session ends while
        // the entries are being opened, then the fill finishes: nothing is kept.
        let lock = c.fill_lock("s1").unwrap();
        c.end_session("s1");
        assert!(!c.keep_entries("s1", "p1", "v", list(3), &lock));
        assert_eq!(c.sessions(), 0);
        // A later lock of the same key is another lock: the old fill still keeps nothing.
        let again = c.fill_lock("s1").unwrap();
        assert!(!Arc::ptr_eq(&lock, &again));
        assert!(!c.keep_entries("s1", "p1", "v", list(3), &lock));
        assert!(c.keep_entries("s1", "p1", "v", list(3), &again));
        // One lock per session while it lasts: the second filler waits for the first.
        assert!(Arc::ptr_eq(&again, &c.fill_lock("s1").unwrap()));
        assert!(!Arc::ptr_eq(&again, &c.fill_lock("s2").unwrap()));
        c.forget_person("p1");
        assert!(!c.keep_entries("s1", "p1", "v", list(3), &again));
    }
}
