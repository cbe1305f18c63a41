//! The owner's complete export (versioned JSON) and its import (all or nothing).
//!
//! `exported_at` is the only field that differs between two exports of one journal: records are
//! in a fixed order and no file path is written. `imported_at` is kept inside the journal (the
//! evidence export prints it) but left out of exports, so export → import → export gives the
//! same document apart from `exported_at`, while an imported record can never pass as original.

use crate::model::*;
use crate::{Error, Result, Store, on_db};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "closer-journal";
pub const VERSION: u32 = 1;

/// One person's whole journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub entries: Vec<Entry>,
    pub history: Vec<EntryVersion>,
    pub checkins: Vec<CheckIn>,
    pub incidents: Vec<Incident>,
    pub assessments: Vec<Assessment>,
    pub screen_results: Vec<ScreenResult>,
}

impl Export {
    /// Reads an export file's text. A foreign or malformed file is refused whole with what is
    /// wrong (and where, for JSON errors).
    pub fn parse(text: &str, file: &str) -> Result<Export> {
        // The typed read first (one pass over a large file); when it fails, a second look says
        // whether this is a closer export at all before naming the field.
        let typed = serde_json::from_str::<Export>(text);
        let (format, version) = match &typed {
            Ok(ex) => (Some(ex.format.clone()), Some(u64::from(ex.version))),
            Err(_) => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => (
                    v.get("format").and_then(|f| f.as_str()).map(str::to_string),
                    v.get("version").and_then(|f| f.as_u64()),
                ),
                Err(e) => {
                    return Err(Error::Invalid(format!(
                        "{file}: line {}, column {}: expected a closer journal export (JSON): {e}",
                        e.line(),
                        e.column()
                    )));
                }
            },
        };
        match format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "{file}: field \"format\": expected \"{FORMAT}\", found {other:?}"
                )));
            }
            None => {
                return Err(Error::Invalid(format!(
                    "{file}: field \"format\": expected \"{FORMAT}\"; this is not a closer journal export"
                )));
            }
        }
        match version {
            Some(n) if n == u64::from(VERSION) => {}
            Some(n) => {
                return Err(Error::Invalid(format!(
                    "{file}: field \"version\": expected {VERSION}, found {n} (a newer closer wrote it?)"
                )));
            }
            None => {
                return Err(Error::Invalid(format!(
                    "{file}: field \"version\": expected the number {VERSION}"
                )));
            }
        }
        let ex = typed.map_err(|e| {
            Error::Invalid(format!(
                "{file}: line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        ex.check(file)?;
        Ok(ex)
    }

    fn check(&self, file: &str) -> Result<()> {
        let bad = |what: String| Err(Error::Invalid(format!("{file}: {what}")));
        let mut ids = std::collections::HashSet::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !ids.insert(e.id.as_str()) {
                return bad(format!(
                    "entries[{i}].id: expected a unique id, found {:?} twice",
                    e.id
                ));
            }
            if e.data.intensity.is_some_and(|x| x > 10) {
                return bad(format!("entries[{i}].intensity: expected 0 to 10"));
            }
            if e.id.is_empty() {
                return bad(format!("entries[{i}].id: expected an id"));
            }
        }
        for (i, h) in self.history.iter().enumerate() {
            if !ids.contains(h.entry.as_str()) {
                return bad(format!(
                    "history[{i}].entry: expected the id of an entry in this file, found {:?}",
                    h.entry
                ));
            }
        }
        for (i, c) in self.checkins.iter().enumerate() {
            for (n, v) in [
                ("closeness", c.data.closeness),
                ("distress", c.data.distress),
                ("safety", c.data.safety),
            ] {
                if v.is_some_and(|x| x > 10) {
                    return bad(format!("checkins[{i}].{n}: expected 0 to 10"));
                }
            }
        }
        Ok(())
    }

    /// The export as pretty JSON, without any `imported_at` (kept inside the journal only).
    pub fn to_json(&self) -> String {
        let mut s = if self.has_import_marks() {
            let mut c = self.clone();
            c.entries.iter_mut().for_each(|e| e.data.imported_at = None);
            c.history.iter_mut().for_each(|e| e.data.imported_at = None);
            c.checkins
                .iter_mut()
                .for_each(|e| e.data.imported_at = None);
            c.incidents
                .iter_mut()
                .for_each(|e| e.data.imported_at = None);
            c.assessments
                .iter_mut()
                .for_each(|e| e.data.imported_at = None);
            c.screen_results
                .iter_mut()
                .for_each(|e| e.data.imported_at = None);
            serde_json::to_string_pretty(&c)
        } else {
            serde_json::to_string_pretty(self)
        }
        .expect("an export serialises");
        s.push('\n');
        s
    }

    fn has_import_marks(&self) -> bool {
        self.entries.iter().any(|e| e.data.imported_at.is_some())
            || self.history.iter().any(|e| e.data.imported_at.is_some())
            || self.checkins.iter().any(|e| e.data.imported_at.is_some())
            || self.incidents.iter().any(|e| e.data.imported_at.is_some())
            || self
                .assessments
                .iter()
                .any(|e| e.data.imported_at.is_some())
            || self
                .screen_results
                .iter()
                .any(|e| e.data.imported_at.is_some())
    }
}

impl Store {
    /// Everything of the owner's, in a fixed order. Only the owner can call this for themself:
    /// the caller passes the journal's owner.
    pub async fn export(&self, owner: &str, now: i64) -> Result<Export> {
        let entries = self.entries(owner, None).await?;
        let mut history = Vec::new();
        for e in &entries {
            if !e.data.edited_at.is_empty() {
                history.extend(self.history(owner, &e.id).await?);
            }
        }
        Ok(Export {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at: rfc3339(now),
            entries,
            history,
            checkins: self.checkins(owner).await?,
            incidents: self.incidents(owner).await?,
            assessments: self.assessments(owner).await?,
            screen_results: self.screen_results(owner).await?,
        })
    }

    /// Imports an export into the owner's journal in one transaction: everything or nothing.
    /// Every record gets `imported_at = now`; `recorded_at` is kept as the file says. A record
    /// whose id is already in this database refuses the whole import.
    pub async fn import(&self, owner: &str, ex: &Export, now: i64) -> Result<usize> {
        let key = self.key_for(owner).await?;
        let k = key.as_ref();
        let mut rows: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
        for e in &ex.entries {
            let mut d = e.data.clone();
            d.imported_at = Some(now);
            rows.push(("entries", e.id.clone(), self.seal(k, "entries", owner, &d)));
        }
        for c in &ex.checkins {
            let mut d = c.data.clone();
            d.imported_at = Some(now);
            rows.push((
                "checkins",
                c.id.clone(),
                self.seal(k, "checkins", owner, &d),
            ));
        }
        for c in &ex.incidents {
            let mut d = c.data.clone();
            d.imported_at = Some(now);
            rows.push((
                "incidents",
                c.id.clone(),
                self.seal(k, "incidents", owner, &d),
            ));
        }
        for c in &ex.assessments {
            let mut d = c.data.clone();
            d.imported_at = Some(now);
            rows.push((
                "assessments",
                c.id.clone(),
                self.seal(k, "assessments", owner, &d),
            ));
        }
        for c in &ex.screen_results {
            let mut d = c.data.clone();
            d.imported_at = Some(now);
            rows.push((
                "screen_results",
                c.id.clone(),
                self.seal(k, "screen_results", owner, &d),
            ));
        }
        let history: Vec<(String, i64, Vec<u8>)> = ex
            .history
            .iter()
            .map(|h| {
                let mut d = h.data.clone();
                d.imported_at = Some(now);
                (
                    h.entry.clone(),
                    h.version,
                    self.seal(k, "entry_history", owner, &d),
                )
            })
            .collect();
        let n = rows.len();
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            for (table, id, body) in &rows {
                let r = sqlx::query(&format!("INSERT INTO {table} (id, owner, body) VALUES ($1, $2, $3)"))
                    .bind(id)
                    .bind(owner)
                    .bind(body)
                    .execute(&mut *tx)
                    .await;
                if let Err(e) = r {
                    if is_unique_violation(&e) {
                        return Err(Error::Refused(format!(
                            "{table} record {id} is already in this journal; nothing was imported"
                        )));
                    }
                    return Err(e.into());
                }
            }
            for (entry, version, body) in &history {
                sqlx::query("INSERT INTO entry_history (entry_id, version, body) VALUES ($1, $2, $3)")
                    .bind(entry)
                    .bind(version)
                    .bind(body)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        self.touch(owner).await?;
        Ok(n)
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
