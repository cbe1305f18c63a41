//! The owner's complete export (versioned JSON) and its import (all or nothing).
//!
//! `exported_at` is the only field that differs between two exports of one journal: records are
//! in a fixed order and no file path is written. `imported_at` is kept inside the journal (the
//! evidence export prints it) but left out of exports, so export → import → export gives the
//! same document apart from `exported_at`, while an imported record can never pass as original.

use crate::model::*;
use crate::{Batches, Error, INSERT_BATCH, Result, Store, insert_owned_sql, on_db};
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
    ///
    /// Rows go in [`INSERT_BATCH`] at a time (one multi-row `INSERT` each, the owner bound once),
    /// so 100,000 entries are a few hundred statements in one transaction, not 100,000.
    pub async fn import(&self, owner: &str, ex: &Export, now: i64) -> Result<usize> {
        let key = self.key_for(owner).await?;
        let k = key.as_ref();
        fn sealed<'a, T: Clone + Serialize + 'a>(
            s: &Store,
            k: Option<&crate::DataKey>,
            table: &str,
            owner: &str,
            records: impl Iterator<Item = (&'a String, &'a T)>,
            mark: impl Fn(&mut T),
        ) -> Vec<Row> {
            records
                .map(|(id, d)| {
                    let mut d = d.clone();
                    mark(&mut d);
                    (id.clone(), s.seal(k, table, owner, &d))
                })
                .collect()
        }
        let groups: Vec<(&'static str, Vec<Row>)> = vec![
            (
                "entries",
                sealed(
                    self,
                    k,
                    "entries",
                    owner,
                    ex.entries.iter().map(|e| (&e.id, &e.data)),
                    |d: &mut EntryData| d.imported_at = Some(now),
                ),
            ),
            (
                "checkins",
                sealed(
                    self,
                    k,
                    "checkins",
                    owner,
                    ex.checkins.iter().map(|c| (&c.id, &c.data)),
                    |d: &mut CheckInData| d.imported_at = Some(now),
                ),
            ),
            (
                "incidents",
                sealed(
                    self,
                    k,
                    "incidents",
                    owner,
                    ex.incidents.iter().map(|c| (&c.id, &c.data)),
                    |d: &mut IncidentData| d.imported_at = Some(now),
                ),
            ),
            (
                "assessments",
                sealed(
                    self,
                    k,
                    "assessments",
                    owner,
                    ex.assessments.iter().map(|c| (&c.id, &c.data)),
                    |d: &mut AssessmentData| d.imported_at = Some(now),
                ),
            ),
            (
                "screen_results",
                sealed(
                    self,
                    k,
                    "screen_results",
                    owner,
                    ex.screen_results.iter().map(|c| (&c.id, &c.data)),
                    |d: &mut ScreenResultData| d.imported_at = Some(now),
                ),
            ),
        ];
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
        let n: usize = groups.iter().map(|g| g.1.len()).sum();
        let clash: Option<(&'static str, usize)> = on_db!(self, p => {
            let mut tx = p.begin().await?;
            let mut clash = None;
            'all: for (table, rows) in &groups {
                let batches = Batches::new(rows, |n| insert_owned_sql(table, n));
                for (ci, (sql, chunk)) in batches.iter().enumerate() {
                    let mut q = sqlx::query(sql).bind(owner);
                    for (id, body) in chunk {
                        q = q.bind(id).bind(body);
                    }
                    match q.execute(&mut *tx).await {
                        Ok(_) => {}
                        Err(e) if is_unique_violation(&e) => {
                            clash = Some((*table, ci));
                            break 'all;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            if clash.is_none() {
                for (sql, chunk) in Batches::new(&history, insert_history_sql).iter() {
                    let mut q = sqlx::query(sql);
                    for (entry, version, body) in chunk {
                        q = q.bind(entry).bind(version).bind(body);
                    }
                    q.execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            clash
        });
        if let Some((table, ci)) = clash {
            // The transaction is rolled back; name the first record of the refused batch that is
            // already here (or say the file holds one id twice).
            let rows = &groups
                .iter()
                .find(|g| g.0 == table)
                .expect("the clashing table is one of the groups")
                .1;
            let chunk = rows.chunks(INSERT_BATCH).nth(ci).unwrap_or_default();
            let probe = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
            for (id, _) in chunk {
                let found: (i64,) =
                    on_db!(self, p => sqlx::query_as(&probe).bind(id).fetch_one(p).await)?;
                if found.0 > 0 {
                    return Err(Error::Refused(format!(
                        "{table} record {id} is already in this journal; nothing was imported"
                    )));
                }
            }
            return Err(Error::Refused(format!(
                "{table}: the file holds one record id twice; nothing was imported"
            )));
        }
        self.touch(owner).await?;
        Ok(n)
    }
}

/// `INSERT INTO entry_history (entry_id, version, body) VALUES ($1, $2, $3), …` for `n` rows.
fn insert_history_sql(n: usize) -> String {
    let mut sql = String::from("INSERT INTO entry_history (entry_id, version, body) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        let k = 1 + 3 * i;
        sql.push_str(&format!("(${k}, ${}, ${})", k + 1, k + 2));
    }
    sql
}

/// One row to insert: its id and its (sealed) body.
type Row = (String, Vec<u8>);

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
