//! The evidence document (`closer export --evidence`, and "print my record" in the browser): one
//! person's own record in date order — every entry with its edit and import marks, the private
//! record (incidents) and the check-ins, notes word for word — with a SHA-256 of its text.
//!
//! This module holds what the document *is* (which records, in which order, which marks, the
//! hash); its words are the guide's (`closer_guide::evidence`), passed in as a lookup by key, so
//! the terminal and the browser produce the same bytes. The document always says that it is one
//! person's own record and that what it says of another person is that person's perception
//! (`report.record-line`).

use crate::model::*;
use crate::{Result, Store};
use sha2::{Digest, Sha256};

/// One record of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Entry(Entry),
    Incident(Incident),
    CheckIn(CheckIn),
}

impl Item {
    /// The time the record is about, then when it was written: the document's order.
    fn order(&self) -> (i64, i64) {
        match self {
            Item::Entry(e) => (e.data.at, e.data.recorded_at),
            Item::Incident(i) => (i.data.at, i.data.recorded_at),
            Item::CheckIn(c) => (c.data.at, c.data.recorded_at),
        }
    }
}

/// Everything the evidence document holds, in its order (by `at`, then `recorded_at`; records
/// of one time keep the order entries, private record, check-ins).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub exported_at: i64,
    pub items: Vec<Item>,
}

/// The document: its text (ending with the hash line) and the SHA-256 (hex) of the text above
/// that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub text: String,
    pub hash: String,
}

/// The keys of the words the document uses (the guide has every one; a guide test checks it).
pub const WORDS: &[&str] = &[
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

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One entry as the journal's list prints it: local time, short id, whose move, the picked
/// words, the intensity, the way, an edit mark; then the note word for word, line by line.
pub fn entry_lines(e: &Entry, word: &dyn Fn(&str) -> String) -> String {
    let who = match e.data.by {
        Actor::Me => word("journal.yours"),
        Actor::Partner => word("journal.perception"),
    };
    let mut parts = vec![format!(
        "{}: {}{}",
        who,
        e.data.move_type.as_str(),
        e.data
            .kind
            .as_deref()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default()
    )];
    if !e.data.feelings.is_empty() {
        parts.push(format!(
            "{}: {}",
            word("entry.feelings"),
            e.data.feelings.join(", ")
        ));
    }
    if !e.data.needs.is_empty() {
        parts.push(format!(
            "{}: {}",
            word("entry.needs"),
            e.data.needs.join(", ")
        ));
    }
    if let Some(i) = e.data.intensity {
        parts.push(format!("{} {i}/10", word("entry.intensity")));
    }
    if let Some(w) = e.data.way {
        parts.push(format!("{}: {}", word("entry.way"), w.as_str()));
    }
    if !e.data.edited_at.is_empty() {
        parts.push(word("entry.edited"));
    }
    let mut out = format!(
        "{}  {}  {}\n",
        local_time(e.data.at, e.data.offset_minutes),
        &e.id[..8.min(e.id.len())],
        parts.join(" · ")
    );
    if let Some(n) = &e.data.note {
        out.push_str(&quoted(n));
    }
    out
}

fn quoted(text: &str) -> String {
    let mut s = String::new();
    for l in text.lines() {
        s.push_str(&format!("    │ {l}\n"));
    }
    s
}

fn marks(
    word: &dyn Fn(&str) -> String,
    recorded_at: i64,
    edited: &[i64],
    imported: Option<i64>,
) -> String {
    let mut s = format!("  recorded_at {}\n", rfc3339(recorded_at));
    for t in edited {
        s.push_str(&format!("  {} {}\n", word("evidence.edited"), rfc3339(*t)));
    }
    if let Some(t) = imported {
        s.push_str(&format!("  {} {}\n", word("evidence.imported"), rfc3339(t)));
    }
    s
}

impl Item {
    /// The record's block of the document.
    pub fn text(&self, word: &dyn Fn(&str) -> String) -> String {
        match self {
            Item::Entry(e) => {
                let mut s = entry_lines(e, word);
                s.push_str(&marks(
                    word,
                    e.data.recorded_at,
                    &e.data.edited_at,
                    e.data.imported_at,
                ));
                s
            }
            Item::Incident(i) => {
                let mut s = format!(
                    "{}  {}\n",
                    local_time(i.data.at, i.data.offset_minutes),
                    word("entry.incident")
                );
                s.push_str(&quoted(&i.data.text));
                s.push_str(&marks(word, i.data.recorded_at, &[], i.data.imported_at));
                s
            }
            Item::CheckIn(c) => {
                let r = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
                let mut s = format!(
                    "{}  {} · {} {} · {} {} · {} {}\n",
                    local_time(c.data.at, c.data.offset_minutes),
                    word("entry.checkin"),
                    word("entry.closeness"),
                    r(c.data.closeness),
                    word("entry.distress"),
                    r(c.data.distress),
                    word("entry.safety"),
                    r(c.data.safety)
                );
                if let Some(n) = &c.data.note {
                    s.push_str(&quoted(n));
                }
                s.push_str(&marks(word, c.data.recorded_at, &[], c.data.imported_at));
                s
            }
        }
    }
}

impl Evidence {
    /// Puts the records in the document's order.
    pub fn new(
        exported_at: i64,
        entries: Vec<Entry>,
        incidents: Vec<Incident>,
        checkins: Vec<CheckIn>,
    ) -> Evidence {
        let mut items: Vec<Item> = entries
            .into_iter()
            .map(Item::Entry)
            .chain(incidents.into_iter().map(Item::Incident))
            .chain(checkins.into_iter().map(Item::CheckIn))
            .collect();
        // Stable: records of one time keep the order above.
        items.sort_by_key(Item::order);
        Evidence { exported_at, items }
    }

    /// The document in the guide's words (`word` looks a key of [`WORDS`] up).
    pub fn document(&self, word: &dyn Fn(&str) -> String) -> Document {
        let mut text = format!(
            "{}\n{}\n\n{}\n\n{} {}\n\n",
            word("evidence.title"),
            word("report.record-line"),
            word("evidence.advice"),
            "exported_at",
            rfc3339(self.exported_at)
        );
        for item in &self.items {
            text.push_str(&item.text(word));
            text.push('\n');
        }
        let hash = sha256_hex(&text);
        text.push_str(&format!("----\n{}: {hash}\n", word("evidence.hash")));
        Document { text, hash }
    }
}

impl Store {
    /// The owner's evidence records (entries, private record, check-ins) at `now`. Only the
    /// owner can call this for themself: the caller passes the journal's owner.
    pub async fn evidence(&self, owner: &str, now: i64) -> Result<Evidence> {
        Ok(Evidence::new(
            now,
            self.entries(owner, None).await?,
            self.incidents(owner).await?,
            self.checkins(owner).await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(k: &str) -> String {
        format!("<{k}>")
    }

    fn entry(id: &str, at: i64, recorded_at: i64, note: Option<&str>) -> Entry {
        Entry {
            id: id.into(),
            data: EntryData {
                at,
                offset_minutes: 0,
                recorded_at,
                by: Actor::Me,
                move_type: closer_domain::MoveType::Reach,
                kind: None,
                feelings: vec![],
                needs: vec![],
                intensity: None,
                way: None,
                note: note.map(str::to_string),
                cycle: vec![],
                moment: id.into(),
                edited_at: vec![],
                imported_at: None,
                seq: 0,
            },
        }
    }

    #[test]
    fn records_are_in_date_order_and_the_hash_covers_the_text_above_its_line() {
        let inc = Incident {
            id: "i1".into(),
            data: IncidentData {
                at: 50,
                recorded_at: 60,
                offset_minutes: 0,
                text: "first line\nsecond".into(),
                imported_at: None,
            },
        };
        let ev = Evidence::new(
            1000,
            vec![
                entry("e2", 200, 210, None),
                entry("e1", 100, 110, Some("kept as typed")),
            ],
            vec![inc],
            vec![],
        );
        let order: Vec<(i64, i64)> = ev.items.iter().map(Item::order).collect();
        assert_eq!(order, vec![(50, 60), (100, 110), (200, 210)]);
        let doc = ev.document(&word);
        assert!(
            doc.text
                .starts_with("<evidence.title>\n<report.record-line>\n")
        );
        assert!(doc.text.contains("    │ first line\n    │ second\n"));
        assert!(doc.text.contains("    │ kept as typed\n"));
        let (above, below) = doc.text.split_once("----\n").unwrap();
        assert_eq!(sha256_hex(above), doc.hash);
        assert_eq!(below, format!("<evidence.hash>: {}\n", doc.hash));
        assert_eq!(doc.hash.len(), 64);
    }
}
