//! `closer-store`: the journal's persistence (DESIGN.md §3 invariants 5–8, 15–17; issue 14).
//!
//! One async API, two backends: SQLite (embedded default, one file per person, WAL, synchronous
//! writes, a busy timeout, owner-only permissions) and PostgreSQL (`postgres://` URLs, for hosting).
//! Versioned migrations for each backend (`migrations/sqlite`, `migrations/postgres`) are applied
//! on open. Queries are runtime `query_as` with the same `$N` text on both backends.
//!
//! **Invariants.**
//! - Every read takes a viewer and filters in the query (`WHERE owner = $viewer`, or the
//!   audience of a share). No function returns another person's unshared data; only the owner's
//!   own [`Store::export`] returns everything, and only to that owner.
//! - What a partner can ever see is [`SharedEntry`]: a type with no field for a note, a
//!   perception, a time of day, an edit or an import mark. Sharing a perception is refused; there
//!   is no function to share a check-in, an incident, an assessment or a screen result.
//! - Every body is sealed under the owner's data key once the journal is locked (see
//!   [`crypto`]); outside the bodies the tables hold ids, owners, audience flags and key-wrapping
//!   data only.

pub mod accounts;
pub mod age;
pub mod couple;
pub mod crypto;
pub mod evidence;
pub mod export;
pub mod frozen;
pub mod location;
pub mod model;
pub mod pages;
pub mod settings;

pub use accounts::{NewSession, OpenSession, SessionCheck, SessionLimits, SignedUp};
pub use couple::{
    Invitation, LinkView, NewLink, SHARES_PER_PAGE, SharePage, own_moves_page, share_page,
};
pub use crypto::{DataKey, random_id};
pub use export::{Export, FORMAT, VERSION};
pub use frozen::{LinkFrozen, LinkMeasure};
pub use location::Location;
pub use model::*;
pub use pages::{EntryPage, paginate};
pub use settings::Settings;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("there is no journal at {0} yet")]
    NoJournal(String),
    #[error("the journal is locked: its passphrase is needed")]
    Locked,
    #[error("that passphrase does not open this journal; nothing was changed")]
    WrongPassphrase,
    #[error("the journal is already locked")]
    AlreadyLocked,
    #[error("the journal is not locked")]
    NotLocked,
    #[error("no {0} with that id in this journal")]
    NotFound(&'static str),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the journal's data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A length or an index into a collection in memory, as the databases' integer.
pub(crate) use closer_domain::numeric::len_i64;

/// A tokio runtime for a synchronous caller (the command line): one thread, I/O and timers.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code with whichever pool the store has (the SQL text is shared: `$N`
/// placeholders, types both backends read as `i64`, `String` and `Vec<u8>`).
macro_rules! on_db {
    ($self:expr, $p:ident => $body:expr) => {
        match &$self.db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_db;

/// Whether opening may create the database (`log`, `checkin`, `import`, `lock`) or must find it
/// (`patterns`, `journal`, `report`, `export`, `forget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Create,
    Existing,
}

/// The journal store.
pub struct Store {
    pub(crate) db: Db,
    sqlite_path: Option<PathBuf>,
    keys: Mutex<HashMap<String, DataKey>>,
    locked: Mutex<HashMap<String, bool>>,
}

/// A therapist link as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TherapistLink {
    pub id: String,
    pub name: String,
    pub expires_at: i64,
    pub revoked: bool,
    /// A browser has opened it.
    pub opened: bool,
    /// A second browser tried it and was refused.
    pub refused_elsewhere: bool,
}

/// What `forget` did and what it cannot reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    /// Files removed (SQLite: the database and its `-wal`/`-shm` files).
    pub removed_files: Vec<PathBuf>,
}

#[derive(sqlx::FromRow)]
struct BodyRow {
    id: String,
    body: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    salt: Vec<u8>,
    m_cost: i64,
    t_cost: i64,
    p_cost: i64,
    wrapped: Vec<u8>,
}

/// The tables whose rows are one owner's bodies (with `id`, `owner`, `body`).
pub(crate) const OWNED_TABLES: [&str; 6] = [
    "entries",
    "checkins",
    "incidents",
    "assessments",
    "screen_results",
    "person_settings",
];

impl Store {
    /// Opens (and with [`OpenMode::Create`], creates) the database at `loc`, applying this
    /// version's migrations.
    pub async fn open(loc: &Location, mode: OpenMode) -> Result<Store> {
        match loc {
            Location::Sqlite(path) => Self::open_sqlite(path.clone(), mode).await,
            Location::Postgres(url) => {
                let opts = PgConnectOptions::from_str(url)?;
                Self::open_postgres(opts).await
            }
        }
    }

    /// Opens PostgreSQL with `search_path` set to `schema` (created if missing): tests and
    /// several journals in one database.
    pub async fn open_postgres_schema(url: &str, schema: &str) -> Result<Store> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::Invalid(format!(
                "schema name {schema:?}: expected letters, digits and _"
            )));
        }
        let base = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&pool)
            .await?;
        pool.close().await;
        Self::open_postgres(base.options([("search_path", schema)])).await
    }

    async fn open_postgres(opts: PgConnectOptions) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Store {
            db: Db::Postgres(pool),
            sqlite_path: None,
            keys: Mutex::new(HashMap::new()),
            locked: Mutex::new(HashMap::new()),
        })
    }

    async fn open_sqlite(path: PathBuf, mode: OpenMode) -> Result<Store> {
        let exists = path.exists();
        if !exists {
            if mode == OpenMode::Existing {
                return Err(Error::NoJournal(path.display().to_string()));
            }
            location::create_private_file(&path)?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(false)
            .journal_mode(SqliteJournalMode::Wal)
            // Every acknowledged write is on disk: the WAL is synced at each commit.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Deleted content is overwritten with zeros, not left in free pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        location::restrict_sqlite_files(&path)?;
        Ok(Store {
            db: Db::Sqlite(pool),
            sqlite_path: Some(path),
            keys: Mutex::new(HashMap::new()),
            locked: Mutex::new(HashMap::new()),
        })
    }

    /// Closes the pool (waits for connections to finish).
    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }

    /// The SQLite file, if this store is SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.sqlite_path.as_deref()
    }

    /// The migration versions applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let q = "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version";
        let rows: Vec<(i64,)> = on_db!(self, p => sqlx::query_as(q).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// SQLite's `PRAGMA integrity_check` (`"ok"` when consistent); PostgreSQL answers `"ok"`.
    pub async fn integrity_check(&self) -> Result<String> {
        match &self.db {
            Db::Sqlite(p) => {
                let r: (String,) = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_one(p)
                    .await?;
                Ok(r.0)
            }
            Db::Postgres(_) => Ok("ok".to_string()),
        }
    }

    // ---------------------------------------------------------------- people

    /// A new person with a random id.
    pub async fn create_person(&self) -> Result<String> {
        let id = random_id();
        on_db!(self, p => sqlx::query("INSERT INTO people (id) VALUES ($1)").bind(&id).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(id)
    }

    /// The person whose journal this database is on the command line (created when `create`).
    pub async fn journal_owner(&self, create: bool) -> Result<Option<String>> {
        let q = "SELECT value FROM meta WHERE key = 'journal_owner'";
        let found: Option<(String,)> =
            on_db!(self, p => sqlx::query_as(q).fetch_optional(p).await)?;
        if let Some((id,)) = found {
            return Ok(Some(id));
        }
        if !create {
            return Ok(None);
        }
        let id = random_id();
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO people (id) VALUES ($1)").bind(&id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ('journal_owner', $1)")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(Some(id))
    }

    /// A small setting of this database (not personal content), such as whether the lock was
    /// offered.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let r: Option<(String,)> = on_db!(self, p => sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0))
    }

    /// Sets a setting (see [`Store::setting`]).
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM meta WHERE key = $1").bind(key).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)").bind(key).bind(value).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The linked partner, if any.
    pub async fn partner_of(&self, person: &str) -> Result<Option<String>> {
        let r: Option<(String,)> = on_db!(self, p => sqlx::query_as("SELECT partner_id FROM partner_links WHERE person_id = $1")
            .bind(person)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0))
    }

    // ---------------------------------------------------------------- the lock

    /// Whether the person's journal is locked.
    pub async fn is_locked(&self, person: &str) -> Result<bool> {
        if let Some(&b) = self.locked.lock().expect("lock").get(person) {
            return Ok(b);
        }
        let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM person_keys WHERE person_id = $1")
            .bind(person)
            .fetch_one(p)
            .await)?;
        let b = n.0 > 0;
        self.locked
            .lock()
            .expect("lock")
            .insert(person.to_string(), b);
        Ok(b)
    }

    async fn key_row(&self, person: &str) -> Result<Option<crypto::Wrapped>> {
        let r: Option<KeyRow> = on_db!(self, p => sqlx::query_as("SELECT salt, m_cost, t_cost, p_cost, wrapped FROM person_keys WHERE person_id = $1")
            .bind(person)
            .fetch_optional(p)
            .await)?;
        // The costs were written from `u32`s; a value outside that range is a damaged row.
        let cost = |name: &str, v: i64| {
            u32::try_from(v).map_err(|_| {
                Error::Corrupt(format!("the key's {name} is {v}, outside 0..=4294967295"))
            })
        };
        r.map(|r| {
            Ok(crypto::Wrapped {
                m_cost: cost("memory cost", r.m_cost)?,
                t_cost: cost("time cost", r.t_cost)?,
                p_cost: cost("parallelism", r.p_cost)?,
                salt: r.salt,
                wrapped: r.wrapped,
            })
        })
        .transpose()
    }

    /// Opens the person's data key with their passphrase and keeps it in memory for this store.
    /// A wrong passphrase is [`Error::WrongPassphrase`] and changes nothing.
    pub async fn unlock(&self, person: &str, passphrase: &str) -> Result<()> {
        let w = self.key_row(person).await?.ok_or(Error::NotLocked)?;
        let owned = (passphrase.to_string(), person.to_string());
        let key = tokio::task::spawn_blocking(move || crypto::unwrap(&w, &owned.0, &owned.1))
            .await
            .map_err(|e| Error::Corrupt(format!("key derivation stopped: {e}")))??;
        self.keys
            .lock()
            .expect("lock")
            .insert(person.to_string(), key);
        Ok(())
    }

    /// The key to seal and open this person's bodies: `None` when unlocked; an error when
    /// locked and not opened.
    fn key(&self, person: &str) -> Result<Option<DataKey>> {
        if let Some(k) = self.keys.lock().expect("lock").get(person) {
            return Ok(Some(k.clone()));
        }
        match self.locked.lock().expect("lock").get(person) {
            Some(false) => Ok(None),
            Some(true) => Err(Error::Locked),
            None => Err(Error::Corrupt(
                "the lock state was not read before use".into(),
            )),
        }
    }

    async fn key_for(&self, person: &str) -> Result<Option<DataKey>> {
        self.is_locked(person).await?;
        self.key(person)
    }

    /// Locks an unlocked journal: a new random data key wrapped by the passphrase; every body
    /// of this person is sealed in one transaction. On SQLite the free pages that held the plain
    /// text are then overwritten (secure_delete, VACUUM, a truncating checkpoint).
    pub async fn lock(&self, person: &str, passphrase: &str) -> Result<()> {
        if self.is_locked(person).await? {
            return Err(Error::AlreadyLocked);
        }
        let key = DataKey::generate();
        let (k2, pp, who) = (key.clone(), passphrase.to_string(), person.to_string());
        let w = tokio::task::spawn_blocking(move || crypto::wrap(&k2, &pp, &who))
            .await
            .map_err(|e| Error::Corrupt(format!("key derivation stopped: {e}")))??;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            for table in OWNED_TABLES {
                let rows: Vec<BodyRow> = sqlx::query_as(&format!("SELECT id, body FROM {table} WHERE owner = $1"))
                    .bind(person)
                    .fetch_all(&mut *tx)
                    .await?;
                let aad = aad(table, person);
                for r in rows {
                    let plain = crypto::open(None, &aad, &r.body)?;
                    let sealed = crypto::seal(Some(&key), &aad, &plain);
                    sqlx::query(&format!("UPDATE {table} SET body = $1 WHERE id = $2"))
                        .bind(sealed)
                        .bind(&r.id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for (table, sql) in [
                ("entry_history", "SELECT h.entry_id || ':' || CAST(h.version AS TEXT) AS id, h.body FROM entry_history h JOIN entries e ON e.id = h.entry_id WHERE e.owner = $1"),
                ("therapist_links", "SELECT id, body FROM therapist_links WHERE owner = $1"),
            ] {
                let rows: Vec<BodyRow> = sqlx::query_as(sql).bind(person).fetch_all(&mut *tx).await?;
                let aad = aad(table, person);
                for r in rows {
                    let plain = crypto::open(None, &aad, &r.body)?;
                    let sealed = crypto::seal(Some(&key), &aad, &plain);
                    let update = match table {
                        "entry_history" => "UPDATE entry_history SET body = $1 WHERE entry_id || ':' || CAST(version AS TEXT) = $2",
                        _ => "UPDATE therapist_links SET body = $1 WHERE id = $2",
                    };
                    sqlx::query(update).bind(sealed).bind(&r.id).execute(&mut *tx).await?;
                }
            }
            sqlx::query("INSERT INTO person_keys (person_id, salt, m_cost, t_cost, p_cost, wrapped) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(person)
                .bind(&w.salt)
                .bind(i64::from(w.m_cost))
                .bind(i64::from(w.t_cost))
                .bind(i64::from(w.p_cost))
                .bind(&w.wrapped)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.locked
            .lock()
            .expect("lock")
            .insert(person.to_string(), true);
        self.seal_keys_after_lock(person, &key).await?;
        self.keys
            .lock()
            .expect("lock")
            .insert(person.to_string(), key);
        self.touch(person).await?;
        self.scrub().await?;
        Ok(())
    }

    /// Changes the passphrase: the same data key, wrapped anew. A wrong old passphrase changes
    /// nothing.
    pub async fn change_passphrase(&self, person: &str, old: &str, new: &str) -> Result<()> {
        let w = self.key_row(person).await?.ok_or(Error::NotLocked)?;
        let (o, n, who) = (old.to_string(), new.to_string(), person.to_string());
        let new_w = tokio::task::spawn_blocking(move || -> Result<crypto::Wrapped> {
            let key = crypto::unwrap(&w, &o, &who)?;
            crypto::wrap(&key, &n, &who)
        })
        .await
        .map_err(|e| Error::Corrupt(format!("key derivation stopped: {e}")))??;
        on_db!(self, p => sqlx::query("UPDATE person_keys SET salt = $1, m_cost = $2, t_cost = $3, p_cost = $4, wrapped = $5 WHERE person_id = $6")
            .bind(&new_w.salt)
            .bind(i64::from(new_w.m_cost))
            .bind(i64::from(new_w.t_cost))
            .bind(i64::from(new_w.p_cost))
            .bind(&new_w.wrapped)
            .bind(person)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// SQLite only: overwrite free pages and fold the WAL back into the file, so text that was
    /// deleted or re-sealed is not left behind.
    pub async fn scrub(&self) -> Result<()> {
        if let Db::Sqlite(p) = &self.db {
            sqlx::query("VACUUM").execute(p).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- bodies

    fn seal<T: Serialize>(
        &self,
        key: Option<&DataKey>,
        table: &str,
        owner: &str,
        v: &T,
    ) -> Vec<u8> {
        let json = serde_json::to_vec(v).expect("a record serialises");
        crypto::seal(key, &aad(table, owner), &json)
    }

    fn open_body<T: DeserializeOwned>(
        &self,
        key: Option<&DataKey>,
        table: &str,
        owner: &str,
        body: &[u8],
    ) -> Result<T> {
        let json = crypto::open(key, &aad(table, owner), body)?;
        serde_json::from_slice(&json).map_err(|e| Error::Corrupt(format!("{table}: {e}")))
    }

    // ---------------------------------------------------------------- entries

    /// Records entries logged together (my move, and my perception of my partner's) in one
    /// statement, so in one transaction; returns their ids. `recorded_at` is `now` and never
    /// changes.
    ///
    /// One statement and no explicit `BEGIN`/`COMMIT`: a single-entry write is one round trip to
    /// the database and one synced commit (`synchronous=FULL`), the durable-write path of
    /// `closer log` (issue 14's 1,000 writes/s target; see `docs/journal.md`).
    pub async fn add_entries(
        &self,
        owner: &str,
        entries: &[NewEntry],
        now: i64,
    ) -> Result<Vec<String>> {
        let key = self.key_for(owner).await?;
        let moment = random_id();
        let mut datas = Vec::with_capacity(entries.len());
        for e in entries {
            datas.push(validate_new(e, now, &moment)?);
        }
        if datas.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows = Vec::with_capacity(datas.len());
        on_db!(self, p => {
            // One transaction, one synced commit: the entries' places in insertion order and the
            // new data version are taken with the rows, so a cache never sees half a write.
            let mut tx = p.begin().await?;
            sqlx::query(pages::BUMP_SQL)
                .bind(owner)
                .bind(random_id())
                .bind(len_i64(datas.len()))
                .execute(&mut *tx)
                .await?;
            let last: (i64,) = sqlx::query_as(pages::SEQ_SQL)
                .bind(owner)
                .fetch_one(&mut *tx)
                .await?;
            let first = last.0 - len_i64(datas.len()) + 1;
            for (i, mut data) in datas.drain(..).enumerate() {
                data.seq = first + len_i64(i);
                rows.push((random_id(), self.seal(key.as_ref(), "entries", owner, &data)));
            }
            // Within the databases' limits on bound values (a single entry is one statement).
            let batches = Batches::new(&rows, |n| insert_owned_sql("entries", n));
            for (sql, chunk) in batches.iter() {
                let mut q = sqlx::query(sql).bind(owner);
                for (id, body) in chunk {
                    q = q.bind(id).bind(body);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The viewer's own entries, in time order (`at`, then `recorded_at`, then id), optionally
    /// between two times (inclusive start, exclusive end).
    pub async fn entries(&self, viewer: &str, range: Option<(i64, i64)>) -> Result<Vec<Entry>> {
        let key = self.key_for(viewer).await?;
        let rows: Vec<BodyRow> = on_db!(self, p => sqlx::query_as("SELECT id, body FROM entries WHERE owner = $1")
            .bind(viewer)
            .fetch_all(p)
            .await)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let data: EntryData = self.open_body(key.as_ref(), "entries", viewer, &r.body)?;
            if range.is_none_or(|(a, b)| data.at >= a && data.at < b) {
                out.push(Entry { id: r.id, data });
            }
        }
        pages::sort_entries(&mut out);
        Ok(out)
    }

    /// One of the viewer's own entries.
    pub async fn entry(&self, viewer: &str, id: &str) -> Result<Entry> {
        let key = self.key_for(viewer).await?;
        let r: Option<BodyRow> = on_db!(self, p => sqlx::query_as("SELECT id, body FROM entries WHERE owner = $1 AND id = $2")
            .bind(viewer)
            .bind(id)
            .fetch_optional(p)
            .await)?;
        let r = r.ok_or(Error::NotFound("entry"))?;
        let data = self.open_body(key.as_ref(), "entries", viewer, &r.body)?;
        Ok(Entry { id: r.id, data })
    }

    /// Edits one of the viewer's entries: the earlier version goes to the owner's history,
    /// `recorded_at` stays, `now` is added to `edited_at`. Shares of the entry are refreshed
    /// (a partner sees the new allowed fields, with no mark that anything changed).
    pub async fn edit_entry(
        &self,
        viewer: &str,
        id: &str,
        edit: &EntryEdit,
        now: i64,
    ) -> Result<Entry> {
        let old = self.entry(viewer, id).await?;
        let key = self.key(viewer)?;
        let mut d = old.data.clone();
        if let Some((at, off)) = edit.at {
            d.at = at;
            d.offset_minutes = off;
        }
        if let Some(m) = edit.move_type {
            d.move_type = m;
        }
        if let Some(k) = &edit.kind {
            d.kind = k.clone();
        }
        if let Some(f) = &edit.feelings {
            d.feelings = f.clone();
        }
        if let Some(n) = &edit.needs {
            d.needs = n.clone();
        }
        if let Some(i) = edit.intensity {
            d.intensity = i;
        }
        if let Some(w) = edit.way {
            d.way = w;
        }
        if let Some(n) = &edit.note {
            d.note = n.clone();
        }
        check_intensity(d.intensity)?;
        d.edited_at.push(now);
        let old_body = self.seal(key.as_ref(), "entry_history", viewer, &old.data);
        let new_body = self.seal(key.as_ref(), "entries", viewer, &d);
        let shared = SharedEntry::from_entry(&Entry {
            id: id.to_string(),
            data: d.clone(),
        });
        // The partner sees the new allowed fields (no mark); a link keeps its snapshot.
        let share_body = self.partner_share_body(viewer, &shared).await?;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            let v: (i64,) = sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM entry_history WHERE entry_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO entry_history (entry_id, version, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(v.0 + 1)
                .bind(&old_body)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE entries SET body = $1 WHERE id = $2 AND owner = $3")
                .bind(&new_body)
                .bind(id)
                .bind(viewer)
                .execute(&mut *tx)
                .await?;
            if let Some(body) = &share_body {
                sqlx::query("UPDATE shares SET body = $1 WHERE entry_id = $2 AND audience = 'partner'")
                    .bind(body)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        self.touch(viewer).await?;
        Ok(Entry {
            id: id.to_string(),
            data: d,
        })
    }

    /// The earlier versions of one of the viewer's own entries, oldest first.
    pub async fn history(&self, viewer: &str, id: &str) -> Result<Vec<EntryVersion>> {
        let key = self.key_for(viewer).await?;
        #[derive(sqlx::FromRow)]
        struct H {
            version: i64,
            body: Vec<u8>,
        }
        let rows: Vec<H> = on_db!(self, p => sqlx::query_as("SELECT h.version, h.body FROM entry_history h JOIN entries e ON e.id = h.entry_id WHERE e.owner = $1 AND h.entry_id = $2 ORDER BY h.version")
            .bind(viewer)
            .bind(id)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|h| {
                Ok(EntryVersion {
                    entry: id.to_string(),
                    version: h.version,
                    data: self.open_body(key.as_ref(), "entry_history", viewer, &h.body)?,
                })
            })
            .collect()
    }

    /// Deletes one of the viewer's entries, with its history and shares.
    pub async fn delete_entry(&self, viewer: &str, id: &str) -> Result<()> {
        let n = on_db!(self, p => sqlx::query("DELETE FROM entries WHERE owner = $1 AND id = $2")
            .bind(viewer)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(Error::NotFound("entry"));
        }
        self.touch(viewer).await?;
        Ok(())
    }

    // ---------------------------------------------------------------- sharing

    /// Shares one of the owner's entries with an audience: only the allowlisted projection is
    /// stored for it. A perception of the partner's move is refused, as is sharing with a
    /// partner who is not linked or a link that is not the owner's.
    pub async fn share_entry(&self, owner: &str, id: &str, audience: &Audience) -> Result<()> {
        let e = self.entry(owner, id).await?;
        if e.data.by != Actor::Me {
            return Err(Error::Refused(
                "a perception of your partner's move is never shared".into(),
            ));
        }
        let (kind, audience_id) = match audience {
            Audience::Partner => (
                "partner",
                self.partner_of(owner)
                    .await?
                    .ok_or_else(|| Error::Refused("there is no linked partner".into()))?,
            ),
            Audience::Therapist(link) => {
                let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM therapist_links WHERE id = $1 AND owner = $2 AND revoked = 0")
                    .bind(link)
                    .bind(owner)
                    .fetch_one(p)
                    .await)?;
                if n.0 == 0 {
                    return Err(Error::NotFound("therapist link"));
                }
                ("therapist", link.clone())
            }
        };
        // Partner shares are sealed under the couple key, link shares (snapshots) under the
        // link key: never under the owner's own key, which the reader cannot open.
        let shared = SharedEntry::from_entry(&e);
        let body = match audience {
            Audience::Partner => self
                .partner_share_body(owner, &shared)
                .await?
                .ok_or_else(|| Error::Refused("there is no linked partner".into()))?,
            Audience::Therapist(link) => self.link_share_body(owner, link, &shared).await?,
        };
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM shares WHERE entry_id = $1 AND audience = $2 AND audience_id = $3")
                .bind(id)
                .bind(kind)
                .bind(&audience_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO shares (entry_id, audience, audience_id, body) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(kind)
                .bind(&audience_id)
                .bind(&body)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.touch(owner).await?;
        Ok(())
    }

    /// Withdraws one share.
    pub async fn unshare_entry(&self, owner: &str, id: &str, audience: &Audience) -> Result<()> {
        let (kind, aid) = match audience {
            Audience::Partner => ("partner", None),
            Audience::Therapist(l) => ("therapist", Some(l.clone())),
        };
        on_db!(self, p => sqlx::query("DELETE FROM shares WHERE entry_id IN (SELECT id FROM entries WHERE owner = $1 AND id = $2) AND audience = $3 AND ($4 IS NULL OR audience_id = $4)")
            .bind(owner)
            .bind(id)
            .bind(kind)
            .bind(aid)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.touch(owner).await?;
        Ok(())
    }

    // ---------------------------------------------------------------- owner-only records

    async fn add_owned<T: Serialize>(
        &self,
        table: &'static str,
        owner: &str,
        v: &T,
    ) -> Result<String> {
        let key = self.key_for(owner).await?;
        let id = random_id();
        let body = self.seal(key.as_ref(), table, owner, v);
        on_db!(self, p => sqlx::query(&format!("INSERT INTO {table} (id, owner, body) VALUES ($1, $2, $3)"))
            .bind(&id)
            .bind(owner)
            .bind(&body)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.touch(owner).await?;
        Ok(id)
    }

    async fn owned<T: DeserializeOwned>(
        &self,
        table: &'static str,
        viewer: &str,
    ) -> Result<Vec<(String, T)>> {
        let key = self.key_for(viewer).await?;
        let rows: Vec<BodyRow> = on_db!(self, p => sqlx::query_as(&format!("SELECT id, body FROM {table} WHERE owner = $1"))
            .bind(viewer)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|r| Ok((r.id, self.open_body(key.as_ref(), table, viewer, &r.body)?)))
            .collect()
    }

    /// Records a daily check-in (refused, as [`Error::Invalid`], when [`NewCheckIn::validate`]
    /// refuses it).
    pub async fn add_checkin(&self, owner: &str, c: &NewCheckIn, now: i64) -> Result<String> {
        c.validate().map_err(|e| Error::Invalid(e.to_string()))?;
        let data = CheckInData {
            at: c.at,
            offset_minutes: c.offset_minutes,
            recorded_at: now,
            closeness: c.closeness,
            distress: c.distress,
            safety: c.safety,
            note: c.note.clone().filter(|n| !n.is_empty()),
            imported_at: None,
        };
        self.add_owned("checkins", owner, &data).await
    }

    /// The viewer's own check-ins in time order.
    pub async fn checkins(&self, viewer: &str) -> Result<Vec<CheckIn>> {
        let mut v: Vec<CheckIn> = self
            .owned::<CheckInData>("checkins", viewer)
            .await?
            .into_iter()
            .map(|(id, data)| CheckIn { id, data })
            .collect();
        v.sort_by(|a, b| {
            (a.data.at, a.data.recorded_at, &a.id).cmp(&(b.data.at, b.data.recorded_at, &b.id))
        });
        Ok(v)
    }

    /// Records a private incident (never shared, never counted).
    pub async fn add_incident(
        &self,
        owner: &str,
        at: i64,
        offset_minutes: i32,
        text: &str,
        now: i64,
    ) -> Result<String> {
        let data = IncidentData {
            at,
            offset_minutes,
            recorded_at: now,
            text: text.to_string(),
            imported_at: None,
        };
        self.add_owned("incidents", owner, &data).await
    }

    /// The viewer's own incident records in time order.
    pub async fn incidents(&self, viewer: &str) -> Result<Vec<Incident>> {
        let mut v: Vec<Incident> = self
            .owned::<IncidentData>("incidents", viewer)
            .await?
            .into_iter()
            .map(|(id, data)| Incident { id, data })
            .collect();
        v.sort_by(|a, b| {
            (a.data.at, a.data.recorded_at, &a.id).cmp(&(b.data.at, b.data.recorded_at, &b.id))
        });
        Ok(v)
    }

    /// Records an assessment (answers and scores).
    pub async fn add_assessment(&self, owner: &str, data: &AssessmentData) -> Result<String> {
        self.add_owned("assessments", owner, data).await
    }

    /// The viewer's own assessments in time order.
    pub async fn assessments(&self, viewer: &str) -> Result<Vec<Assessment>> {
        let mut v: Vec<Assessment> = self
            .owned::<AssessmentData>("assessments", viewer)
            .await?
            .into_iter()
            .map(|(id, data)| Assessment { id, data })
            .collect();
        v.sort_by(|a, b| {
            (a.data.at, a.data.recorded_at, &a.id).cmp(&(b.data.at, b.data.recorded_at, &b.id))
        });
        Ok(v)
    }

    /// Keeps a screen result (only when the person chooses to).
    pub async fn keep_screen_result(&self, owner: &str, data: &ScreenResultData) -> Result<String> {
        self.add_owned("screen_results", owner, data).await
    }

    /// The viewer's own kept screen results in time order.
    pub async fn screen_results(&self, viewer: &str) -> Result<Vec<ScreenResult>> {
        let mut v: Vec<ScreenResult> = self
            .owned::<ScreenResultData>("screen_results", viewer)
            .await?
            .into_iter()
            .map(|(id, data)| ScreenResult { id, data })
            .collect();
        v.sort_by(|a, b| {
            (a.data.at, a.data.recorded_at, &a.id).cmp(&(b.data.at, b.data.recorded_at, &b.id))
        });
        Ok(v)
    }

    // ---------------------------------------------------------------- forget

    /// Deletes everything of `person`. On SQLite the journal is one person's file: its content
    /// is deleted with `secure_delete` on, the file vacuumed and checkpointed, the pool closed
    /// and the database, `-wal` and `-shm` files removed (the wrapped key goes with them). On
    /// PostgreSQL the person's rows, keys and links are deleted.
    pub async fn forget(self, person: &str) -> Result<Forgotten> {
        self.delete_rows_of(person).await?;
        self.keys.lock().expect("lock").remove(person);
        let mut removed = Vec::new();
        if let (Db::Sqlite(pool), Some(path)) = (&self.db, &self.sqlite_path) {
            self.scrub().await?;
            // The journal file belongs to one person: once empty, nothing of it needs to stay.
            let others: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM people")
                .fetch_one(pool)
                .await?;
            pool.close().await;
            if others.0 == 0 {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let f = PathBuf::from(format!("{}{suffix}", path.display()));
                    if f.exists() {
                        location::overwrite_and_remove(&f)?;
                        removed.push(f);
                    }
                }
            }
        }
        Ok(Forgotten {
            removed_files: removed,
        })
    }
}

/// Rows per multi-row `INSERT` (two parameters a row and the owner: 1,001 parameters, well
/// under SQLite's 32,766 and PostgreSQL's 65,535).
pub(crate) const INSERT_BATCH: usize = 500;

/// Rows cut into batches of [`INSERT_BATCH`] (the last one shorter), each with the multi-row
/// statement that inserts it: the one place the short last batch is handled, for every batched
/// insert (`add_entries`, `import`'s records and history). Each statement text is built once,
/// the full one and the short one, however many batches there are.
pub(crate) struct Batches<'a, R> {
    rows: &'a [R],
    full: String,
    last: String,
}

impl<'a, R> Batches<'a, R> {
    /// `sql(n)` makes the statement for `n` rows.
    pub(crate) fn new(rows: &'a [R], sql: impl Fn(usize) -> String) -> Batches<'a, R> {
        let short = rows.len() % INSERT_BATCH;
        Batches {
            rows,
            full: if rows.len() >= INSERT_BATCH {
                sql(INSERT_BATCH)
            } else {
                String::new()
            },
            last: if short > 0 { sql(short) } else { String::new() },
        }
    }

    /// Each batch's statement and rows, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &'a [R])> + '_ {
        self.rows.chunks(INSERT_BATCH).map(|c| {
            let sql = if c.len() == INSERT_BATCH {
                &self.full
            } else {
                &self.last
            };
            (sql.as_str(), c)
        })
    }
}

/// `INSERT INTO {table} (id, owner, body) VALUES ($2, $1, $3), ($4, $1, $5), …` for `n` rows:
/// the owner is bound once as `$1`, then each row's id and body.
pub(crate) fn insert_owned_sql(table: &str, n: usize) -> String {
    let mut sql = String::with_capacity(48 + n * 16);
    sql.push_str("INSERT INTO ");
    sql.push_str(table);
    sql.push_str(" (id, owner, body) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        let k = 2 + 2 * i;
        sql.push_str(&format!("(${k}, $1, ${})", k + 1));
    }
    sql
}

pub(crate) fn aad(table: &str, owner: &str) -> String {
    format!("{table}|{owner}")
}

fn check_intensity(i: Option<u8>) -> Result<()> {
    if i.is_some_and(|x| x > 10) {
        return Err(Error::Invalid("intensity: expected 0 to 10".into()));
    }
    Ok(())
}

/// A check-in answer that is not on its scale: the field and what was found, as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: expected a whole number from 0 to 10, or nothing, found {found:?}")]
pub struct OutOfScale {
    pub field: &'static str,
    pub found: String,
}

impl NewCheckIn {
    /// The check-in's questions, as fields of a form or options of a command.
    pub const SCALES: [&'static str; 3] = ["closeness", "distress", "safety"];
    /// The top of every scale (the bottom is 0).
    pub const SCALE_MAX: u8 = 10;

    /// The one rule for a check-in answer, wherever it is typed (`closer checkin`, the web's
    /// `/day`): empty (or only blanks) is no answer; otherwise a whole number from 0 to 10.
    pub fn scale(field: &'static str, typed: Option<&str>) -> Result<Option<u8>, OutOfScale> {
        match typed.map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => match t.parse::<u8>() {
                Ok(n) if n <= Self::SCALE_MAX => Ok(Some(n)),
                _ => Err(OutOfScale {
                    field,
                    found: typed.unwrap_or_default().to_string(),
                }),
            },
        }
    }

    /// Checks the answers of a check-in made in code: each is empty or 0 to 10.
    pub fn validate(&self) -> Result<(), OutOfScale> {
        for (field, v) in Self::SCALES
            .into_iter()
            .zip([self.closeness, self.distress, self.safety])
        {
            if let Some(x) = v.filter(|x| *x > Self::SCALE_MAX) {
                return Err(OutOfScale {
                    field,
                    found: x.to_string(),
                });
            }
        }
        Ok(())
    }
}

fn validate_new(e: &NewEntry, now: i64, moment: &str) -> Result<EntryData> {
    check_intensity(e.intensity)?;
    let move_type = e.move_type.ok_or_else(|| {
        Error::Invalid("move: expected one of reach, withdraw, turn_toward, repair, return".into())
    })?;
    Ok(EntryData {
        at: e.at,
        offset_minutes: e.offset_minutes,
        recorded_at: now,
        by: e.by.unwrap_or(Actor::Me),
        move_type,
        kind: e.kind.clone(),
        feelings: e.feelings.clone(),
        needs: e.needs.clone(),
        intensity: e.intensity,
        way: e.way,
        note: e.note.clone().filter(|n| !n.is_empty()),
        cycle: e.cycle.clone(),
        moment: moment.to_string(),
        edited_at: Vec::new(),
        imported_at: None,
        seq: 0,
    })
}

impl SharedEntry {
    /// The allowlisted projection of one of my own moves (DESIGN.md §3.15).
    pub fn from_entry(e: &Entry) -> SharedEntry {
        SharedEntry {
            id: e.id.clone(),
            move_type: e.data.move_type,
            feelings: e.data.feelings.clone(),
            needs: e.data.needs.clone(),
            intensity: e.data.intensity,
            way: e.data.way,
            day: day_of(e.data.at, e.data.offset_minutes),
            cycle: e.data.cycle.clone(),
        }
    }
}

#[cfg(test)]
mod batch_tests {
    use super::{Batches, INSERT_BATCH, insert_owned_sql};

    /// For every number of rows from 0 to 1,500 (three full batches): the batches cover the
    /// rows once, in order; each is at most `INSERT_BATCH` long, only the last may be shorter;
    /// and each comes with the statement for exactly its length.
    #[test]
    fn every_row_count_up_to_1500_is_cut_into_statements_of_its_own_length() {
        let rows: Vec<usize> = (0..=1500).collect();
        for n in 0..=1500 {
            let b = Batches::new(&rows[..n], |k| insert_owned_sql("entries", k));
            let got: Vec<(&str, &[usize])> = b.iter().collect();
            assert_eq!(got.len(), n.div_ceil(INSERT_BATCH), "{n}");
            let flat: Vec<usize> = got.iter().flat_map(|(_, c)| c.iter().copied()).collect();
            assert_eq!(flat, rows[..n], "{n}");
            for (i, (sql, c)) in got.iter().enumerate() {
                assert!(c.len() == INSERT_BATCH || i + 1 == got.len(), "{n}");
                assert_eq!(*sql, insert_owned_sql("entries", c.len()), "{n}");
                // The last placeholder is the last row's body: 1 + 2 · rows.
                assert!(sql.ends_with(&format!("${})", 1 + 2 * c.len())), "{n}");
            }
        }
    }
}

#[cfg(test)]
mod checkin_rule {
    use super::{NewCheckIn, OutOfScale};

    #[test]
    fn a_check_in_answer_is_empty_or_a_whole_number_from_0_to_10() {
        let s = |t| NewCheckIn::scale("closeness", t);
        assert_eq!(s(None), Ok(None));
        assert_eq!(s(Some(" ")), Ok(None));
        assert_eq!(s(Some("0")), Ok(Some(0)));
        assert_eq!(s(Some(" 10 ")), Ok(Some(10)));
        for bad in ["11", "-1", "5.5", "seven", "256"] {
            let e = s(Some(bad)).unwrap_err();
            assert_eq!(
                e,
                OutOfScale {
                    field: "closeness",
                    found: bad.into()
                }
            );
            assert_eq!(
                e.to_string(),
                format!(
                    "closeness: expected a whole number from 0 to 10, or nothing, found {bad:?}"
                )
            );
        }
    }

    #[test]
    fn a_check_in_made_in_code_is_checked_by_the_same_rule() {
        let ok = NewCheckIn {
            closeness: Some(10),
            distress: Some(0),
            ..NewCheckIn::default()
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = NewCheckIn {
            safety: Some(11),
            ..NewCheckIn::default()
        };
        let e = bad.validate().unwrap_err();
        assert_eq!((e.field, e.found.as_str()), ("safety", "11"));
    }
}
