//! Web accounts (issue 15): a web account is a *locked* person whose data key is wrapped by the
//! passphrase; the username is generated (words and a number) and stored only as a hash.
//!
//! - Keys for a request: [`Store::insert_key`] / [`Store::drop_key`] (memory only, never disk).
//! - Sign-up creates the person and wraps a new key (no scrub: an empty person has nothing to
//!   scrub). Sign-in runs Argon2id for known and unknown names alike ([`Store::sign_in`]).
//! - Sessions: the row holds a hash of the id, the person, the data key sealed under a key
//!   derived from the secret in the cookie, the times and a CSRF secret.
//! - Recovery codes (optional): a lookup hash each and the data key wrapped by a key derived
//!   from the code; used once; using one ends every session.
//! - Deleting an account destroys the wrapped keys first, then the person's data.

use crate::crypto::{self, DataKey, random_bytes, random_id};
use crate::{Error, Result, Store, on_db};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// How long a session lives: idle and in all (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

/// How often a session's `last_seen` is written: at most once per this many seconds. A page
/// opened within a minute of the last write does not move it, so the idle limit counts from a
/// time up to this much before the person's last request: a session ends early by up to this
/// much, never late. (Before, every second with a request wrote the row: an fsync on SQLite and
/// a write on PostgreSQL for each signed-in page.)
pub const LAST_SEEN_GRAIN_SECS: i64 = 60;

impl SessionLimits {
    /// How often `last_seen` is written for these limits: [`LAST_SEEN_GRAIN_SECS`], or a
    /// quarter of the idle limit when that is shorter (tests with short limits).
    pub fn last_seen_grain(&self) -> i64 {
        LAST_SEEN_GRAIN_SECS.min(self.idle_secs / 4).max(1)
    }

    /// Seconds a page may promise before the session ends if nothing else happens, seen at
    /// `now` for a session made at `created_at`: the idle limit less the grain of `last_seen`
    /// ([`SessionLimits::last_seen_grain`]; the session ends then at the earliest, whatever the row's `last_seen`), or the time
    /// left of the absolute limit if that is sooner. It does not depend on when `last_seen` was
    /// last written, so two pages of the same session answered at different times within the
    /// grain do not differ by it.
    pub fn ends_in(&self, created_at: i64, now: i64) -> i64 {
        (self.idle_secs - self.last_seen_grain())
            .max(0)
            .min(created_at + self.absolute_secs - now)
            .max(0)
    }
}

impl Default for SessionLimits {
    /// 15 minutes idle, 12 hours in all.
    fn default() -> Self {
        SessionLimits {
            idle_secs: 15 * 60,
            absolute_secs: 12 * 60 * 60,
        }
    }
}

/// A new session's secrets, for the cookie. The store keeps only the id's hash.
#[derive(Clone)]
pub struct NewSession {
    /// 128 random bits.
    pub id: [u8; 16],
    /// 256 random bits; the key that seals the data key in the row is derived from it.
    pub secret: [u8; 32],
    /// The per-session anti-forgery secret (128 random bits, hex).
    pub csrf: String,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewSession(…)")
    }
}

/// An open session, found from the cookie's id and secret.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub person: String,
    pub key: DataKey,
    pub csrf: String,
    /// SHA-256 of the session id: how the session is named to end it.
    pub id_hash: Vec<u8>,
    pub created_at: i64,
    /// The person's data version read in the same query as the session (see
    /// [`Store::data_version`]): a page that only reads may use it instead of asking again.
    pub data_version: String,
}

/// What a session cookie names at one request ([`Store::check_session`]).
#[derive(Debug, Clone)]
pub enum SessionCheck {
    /// A valid session.
    Open(OpenSession),
    /// It had expired; this call ended it (its row is gone).
    Ended { person: String, id_hash: Vec<u8> },
    /// No such session (or not this secret).
    Unknown,
}

/// A successful sign-up.
#[derive(Debug, Clone)]
pub struct SignedUp {
    pub username: String,
    pub person: String,
    pub key: DataKey,
}

/// How many recovery codes are made at once.
pub const RECOVERY_CODES: usize = 8;

/// The words usernames are made of (from `data/username-words.txt`).
pub fn username_words() -> &'static [&'static str] {
    static W: OnceLock<Vec<&'static str>> = OnceLock::new();
    W.get_or_init(|| {
        include_str!("../data/username-words.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// A uniform index into a list (the word list and the code alphabet, a few thousand items at
/// most); a list longer than `u32::MAX` would be drawn from its first `u32::MAX` items.
fn random_index(len: usize) -> usize {
    random_below(u32::try_from(len).unwrap_or(u32::MAX)) as usize
}

fn random_below(n: u32) -> u32 {
    // Rejection sampling: no bias towards the first words.
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let b: [u8; 4] = random_bytes();
        let x = u32::from_le_bytes(b);
        if x < zone {
            return x % n;
        }
    }
}

/// A generated username: two words and a number, such as `amber-harbor-4821`.
pub fn generate_username() -> String {
    let w = username_words();
    let a = w[random_index(w.len())];
    let b = w[random_index(w.len())];
    let n = 1000 + random_below(9000);
    format!("{a}-{b}-{n}")
}

/// A username as typed, made comparable: trimmed, lower case, spaces as hyphens.
pub fn normalize_username(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn username_hash(username: &str) -> Vec<u8> {
    sha256(&[
        b"closer username v1|",
        normalize_username(username).as_bytes(),
    ])
}

fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_vec()
}

fn key32(parts: &[&[u8]]) -> DataKey {
    let mut k = [0u8; 32];
    k.copy_from_slice(&sha256(parts));
    DataKey(k)
}

/// The hash a session row is found by.
pub fn session_id_hash(id: &[u8]) -> Vec<u8> {
    sha256(&[b"closer session id v1|", id])
}

fn session_kek(secret: &[u8]) -> DataKey {
    key32(&[b"closer session key v1|", secret])
}

fn session_aad(id_hash: &[u8], person: &str) -> String {
    let hex: String = id_hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sessions|{hex}|{person}")
}

/// A recovery code as typed, made comparable (letters and digits only, lower case).
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn code_hash(person: &str, code: &str) -> Vec<u8> {
    sha256(&[
        b"closer recovery id v1|",
        person.as_bytes(),
        b"|",
        normalize_code(code).as_bytes(),
    ])
}

fn code_kek(person: &str, code: &str) -> DataKey {
    key32(&[
        b"closer recovery key v1|",
        person.as_bytes(),
        b"|",
        normalize_code(code).as_bytes(),
    ])
}

/// A recovery code: 20 characters from an alphabet without look-alikes (100 bits), in groups.
fn generate_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789"; // 31 letters and digits
    let mut out = String::new();
    for i in 0..20 {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[random_index(ALPHABET.len())] as char);
    }
    out
}

/// The wrapping Argon2id runs against when a username is unknown, so a known and an unknown
/// name cost the same time.
fn dummy_wrapped() -> &'static crypto::Wrapped {
    static D: OnceLock<crypto::Wrapped> = OnceLock::new();
    D.get_or_init(|| {
        crypto::wrap(&DataKey::generate(), &random_id(), "nobody")
            .expect("wrapping a random key cannot fail")
    })
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Corrupt(format!("key derivation stopped: {e}")))?
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Store {
    // ------------------------------------------------------------ keys in memory

    /// Hands this store a person's opened data key (for one request of a signed-in person).
    /// Memory only; never written anywhere.
    pub fn insert_key(&self, person: &str, key: DataKey) {
        self.locked
            .lock()
            .expect("lock")
            .insert(person.to_string(), true);
        self.keys
            .lock()
            .expect("lock")
            .insert(person.to_string(), key);
    }

    /// Forgets a person's data key (their last session ended). The key is wiped on drop.
    pub fn drop_key(&self, person: &str) {
        self.keys.lock().expect("lock").remove(person);
    }

    /// Whether this store holds the person's opened key now.
    pub fn holds_key(&self, person: &str) -> bool {
        self.keys.lock().expect("lock").contains_key(person)
    }

    // ------------------------------------------------------------ accounts

    /// A new account: a person, a fresh data key wrapped by `passphrase`, and a generated
    /// username (a collision is retried, never reported).
    pub async fn sign_up(&self, passphrase: &str) -> Result<SignedUp> {
        if passphrase.chars().count() < 8 {
            return Err(Error::Invalid(
                "passphrase: expected at least 8 characters".into(),
            ));
        }
        let person = random_id();
        let key = DataKey::generate();
        let (k2, pp, who) = (key.clone(), passphrase.to_string(), person.clone());
        let w = blocking(move || crypto::wrap(&k2, &pp, &who)).await?;
        for _ in 0..16 {
            let username = generate_username();
            let uh = username_hash(&username);
            let res: std::result::Result<(), sqlx::Error> = on_db!(self, p => async {
                let mut tx = p.begin().await?;
                sqlx::query("INSERT INTO people (id) VALUES ($1)").bind(&person).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO person_keys (person_id, salt, m_cost, t_cost, p_cost, wrapped) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&person)
                    .bind(&w.salt)
                    .bind(i64::from(w.m_cost))
                    .bind(i64::from(w.t_cost))
                    .bind(i64::from(w.p_cost))
                    .bind(&w.wrapped)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO accounts (username_hash, person_id) VALUES ($1, $2)")
                    .bind(&uh)
                    .bind(&person)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }.await);
            match res {
                Ok(()) => {
                    self.insert_key(&person, key.clone());
                    return Ok(SignedUp {
                        username,
                        person,
                        key,
                    });
                }
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Refused(
            "no free username was found; please try again".into(),
        ))
    }

    async fn person_of_username(&self, username: &str) -> Result<Option<String>> {
        let uh = username_hash(username);
        let r: Option<(String,)> = on_db!(self, p => sqlx::query_as("SELECT person_id FROM accounts WHERE username_hash = $1")
            .bind(&uh)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0))
    }

    /// Opens an account with its username and passphrase. An unknown username and a wrong
    /// passphrase are the same [`Error::WrongPassphrase`] after the same Argon2id work (against
    /// a dummy wrapping for unknown names).
    pub async fn sign_in(&self, username: &str, passphrase: &str) -> Result<(String, DataKey)> {
        let person = self.person_of_username(username).await?;
        // The same queries for an unknown name (a lookup that finds nothing), then the same
        // Argon2id work against the dummy wrapping.
        let row = self
            .key_row(
                person
                    .as_deref()
                    .unwrap_or("00000000000000000000000000000000"),
            )
            .await?;
        let pp = passphrase.to_string();
        let who = person.clone();
        let key = blocking(move || match (row, who) {
            (Some(w), Some(who)) => crypto::unwrap(&w, &pp, &who),
            _ => {
                let _ = crypto::unwrap(dummy_wrapped(), &pp, "nobody");
                Err(Error::WrongPassphrase)
            }
        })
        .await?;
        let person = person.ok_or(Error::WrongPassphrase)?;
        Ok((person, key))
    }

    /// The Argon2id work of a sign-in with no account behind it (no database yet): the same
    /// time as [`Store::sign_in`] with an unknown name. Always [`Error::WrongPassphrase`].
    pub async fn dummy_sign_in(passphrase: &str) -> Result<()> {
        let pp = passphrase.to_string();
        blocking(move || {
            let _ = crypto::unwrap(dummy_wrapped(), &pp, "nobody");
            Err(Error::WrongPassphrase)
        })
        .await
    }

    /// Checks a signed-in person's passphrase (guarded actions); returns the data key.
    pub async fn verify_passphrase(&self, person: &str, passphrase: &str) -> Result<DataKey> {
        let w = self.key_row(person).await?.ok_or(Error::NotLocked)?;
        let (pp, who) = (passphrase.to_string(), person.to_string());
        blocking(move || crypto::unwrap(&w, &pp, &who)).await
    }

    /// Whether the person has a web account.
    pub async fn has_account(&self, person: &str) -> Result<bool> {
        let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM accounts WHERE person_id = $1")
            .bind(person)
            .fetch_one(p)
            .await)?;
        Ok(n.0 > 0)
    }

    // ------------------------------------------------------------ sessions

    /// Starts a session for a person whose key is open.
    pub async fn create_session(
        &self,
        person: &str,
        key: &DataKey,
        now: i64,
    ) -> Result<NewSession> {
        let s = NewSession {
            id: random_bytes(),
            secret: random_bytes(),
            csrf: random_id(),
        };
        let id_hash = session_id_hash(&s.id);
        let sealed = crypto::seal(
            Some(&session_kek(&s.secret)),
            &session_aad(&id_hash, person),
            &key.0,
        );
        on_db!(self, p => sqlx::query("INSERT INTO sessions (id_hash, person_id, sealed_key, created_at, last_seen, csrf) VALUES ($1, $2, $3, $4, $4, $5)")
            .bind(&id_hash)
            .bind(person)
            .bind(&sealed)
            .bind(now)
            .bind(&s.csrf)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(s)
    }

    /// The session named by a cookie's id and secret, if it is open at `now`: its person, the
    /// data key (unsealed with the secret), the CSRF secret and the person's data version. An
    /// expired session is removed (and `None`); `last_seen` moves to `now` when it is at least
    /// [`SessionLimits::last_seen_grain`] old.
    pub async fn open_session(
        &self,
        id: &[u8],
        secret: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<OpenSession>> {
        Ok(match self.check_session(id, secret, now, limits).await? {
            SessionCheck::Open(s) => Some(s),
            SessionCheck::Ended { .. } | SessionCheck::Unknown => None,
        })
    }

    /// As [`Store::open_session`], but a session that this call found expired (and ended: its
    /// row is gone) is named, so the caller can run what must follow a session's end (a web
    /// server drops the session's cache and, when none is left, the person's key).
    pub async fn check_session(
        &self,
        id: &[u8],
        secret: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<SessionCheck> {
        #[derive(sqlx::FromRow)]
        struct Row {
            person_id: String,
            sealed_key: Vec<u8>,
            created_at: i64,
            last_seen: i64,
            csrf: String,
            version: Option<String>,
        }
        let id_hash = session_id_hash(id);
        // One round trip: the session and its person's data version.
        let row: Option<Row> = on_db!(self, p => sqlx::query_as("SELECT s.person_id, s.sealed_key, s.created_at, s.last_seen, s.csrf, j.version FROM sessions s LEFT JOIN journal_state j ON j.person_id = s.person_id WHERE s.id_hash = $1")
            .bind(&id_hash)
            .fetch_optional(p)
            .await)?;
        let Some(row) = row else {
            return Ok(SessionCheck::Unknown);
        };
        if now - row.last_seen > limits.idle_secs || now - row.created_at > limits.absolute_secs {
            // Ended here, once: a concurrent request that also saw it expired finds no row.
            return Ok(match self.end_session(&id_hash).await? {
                Some(person) => SessionCheck::Ended { person, id_hash },
                None => SessionCheck::Unknown,
            });
        }
        let Ok(plain) = crypto::open(
            Some(&session_kek(secret)),
            &session_aad(&id_hash, &row.person_id),
            &row.sealed_key,
        ) else {
            // A wrong secret: not this session's cookie. Nothing changes.
            return Ok(SessionCheck::Unknown);
        };
        if plain.len() != 32 {
            return Err(Error::Corrupt("a session key has the wrong length".into()));
        }
        let mut k = [0u8; 32];
        k.copy_from_slice(&plain);
        if now - row.last_seen >= limits.last_seen_grain() {
            // Only forward (a concurrent request may have written a later time already).
            on_db!(self, p => sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2 AND last_seen < $1")
                .bind(now)
                .bind(&id_hash)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(SessionCheck::Open(OpenSession {
            person: row.person_id,
            key: DataKey(k),
            csrf: row.csrf,
            id_hash,
            created_at: row.created_at,
            data_version: row.version.unwrap_or_default(),
        }))
    }

    /// Ends one session; returns its person (if it existed).
    pub async fn end_session(&self, id_hash: &[u8]) -> Result<Option<String>> {
        let r: Option<(String,)> = on_db!(self, p => sqlx::query_as("DELETE FROM sessions WHERE id_hash = $1 RETURNING person_id")
            .bind(id_hash)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0))
    }

    /// Ends every session of a person except `keep` ("sign out everywhere" keeps none).
    /// Returns the hashes of the sessions ended.
    pub async fn end_sessions(&self, person: &str, keep: Option<&[u8]>) -> Result<Vec<Vec<u8>>> {
        let keep = keep.map(<[u8]>::to_vec).unwrap_or_default();
        let r: Vec<(Vec<u8>,)> = on_db!(self, p => sqlx::query_as("DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2 RETURNING id_hash")
            .bind(person)
            .bind(&keep)
            .fetch_all(p)
            .await)?;
        Ok(r.into_iter().map(|x| x.0).collect())
    }

    /// Whether a session row exists (tests and the exit's check).
    pub async fn session_exists(&self, id_hash: &[u8]) -> Result<bool> {
        let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_one(p)
            .await)?;
        Ok(n.0 > 0)
    }

    /// How many sessions a person has open.
    pub async fn session_count(&self, person: &str) -> Result<i64> {
        let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE person_id = $1")
            .bind(person)
            .fetch_one(p)
            .await)?;
        Ok(n.0)
    }

    /// Removes every session past its limits at `now`; returns each ended session as (person,
    /// id hash).
    pub async fn purge_expired_sessions(
        &self,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let r: Vec<(String, Vec<u8>)> = on_db!(self, p => sqlx::query_as("DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2 RETURNING person_id, id_hash")
            .bind(now - limits.idle_secs)
            .bind(now - limits.absolute_secs)
            .fetch_all(p)
            .await)?;
        Ok(r)
    }

    // ------------------------------------------------------------ passphrase, recovery

    /// Changes the passphrase and ends every other session of the person.
    pub async fn change_passphrase_signed_in(
        &self,
        person: &str,
        old: &str,
        new: &str,
        keep: &[u8],
    ) -> Result<Vec<Vec<u8>>> {
        if new.chars().count() < 8 {
            return Err(Error::Invalid(
                "new passphrase: expected at least 8 characters".into(),
            ));
        }
        self.change_passphrase(person, old, new).await?;
        self.end_sessions(person, Some(keep)).await
    }

    /// New recovery codes (the passphrase is needed; the old codes stop working). Shown once.
    pub async fn regenerate_recovery_codes(
        &self,
        person: &str,
        passphrase: &str,
    ) -> Result<Vec<String>> {
        let key = self.verify_passphrase(person, passphrase).await?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| generate_code()).collect();
        let rows: Vec<(Vec<u8>, Vec<u8>)> = codes
            .iter()
            .map(|c| {
                let aad = format!("recovery_codes|{person}");
                (
                    code_hash(person, c),
                    crypto::seal(Some(&code_kek(person, c)), &aad, &key.0),
                )
            })
            .collect();
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM recovery_codes WHERE person_id = $1").bind(person).execute(&mut *tx).await?;
            for (h, w) in &rows {
                sqlx::query("INSERT INTO recovery_codes (code_hash, person_id, wrapped) VALUES ($1, $2, $3)")
                    .bind(h)
                    .bind(person)
                    .bind(w)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(codes)
    }

    /// Removes every recovery code of a person (they chose to have none).
    pub async fn remove_recovery_codes(&self, person: &str) -> Result<()> {
        on_db!(self, p => sqlx::query("DELETE FROM recovery_codes WHERE person_id = $1")
            .bind(person)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// How many unused recovery codes a person has.
    pub async fn recovery_code_count(&self, person: &str) -> Result<i64> {
        let n: (i64,) = on_db!(self, p => sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE person_id = $1")
            .bind(person)
            .fetch_one(p)
            .await)?;
        Ok(n.0)
    }

    /// Uses a recovery code: the data key is wrapped by `new_passphrase`, the code is spent and
    /// every session of the person ends. An unknown username or code is
    /// [`Error::WrongPassphrase`] (after the same Argon2id work).
    pub async fn recover(
        &self,
        username: &str,
        code: &str,
        new_passphrase: &str,
    ) -> Result<(String, DataKey, Vec<Vec<u8>>)> {
        if new_passphrase.chars().count() < 8 {
            return Err(Error::Invalid(
                "new passphrase: expected at least 8 characters".into(),
            ));
        }
        let person = self.person_of_username(username).await?;
        let found: Option<(String, Vec<u8>)> = match &person {
            Some(p) => {
                let h = code_hash(p, code);
                let r: Option<(Vec<u8>,)> = on_db!(self, db => sqlx::query_as("SELECT wrapped FROM recovery_codes WHERE code_hash = $1 AND person_id = $2")
                    .bind(&h)
                    .bind(p)
                    .fetch_optional(db)
                    .await)?;
                r.map(|x| (p.clone(), x.0))
            }
            None => None,
        };
        let code_s = code.to_string();
        let new = new_passphrase.to_string();
        let (person, key, w) = blocking(move || {
            let Some((person, wrapped)) = found else {
                // The same Argon2id work as a real wrap, so an unknown name or code is not faster.
                let _ = crypto::wrap(&DataKey::generate(), &new, "nobody");
                return Err(Error::WrongPassphrase);
            };
            let plain = crypto::open(
                Some(&code_kek(&person, &code_s)),
                &format!("recovery_codes|{person}"),
                &wrapped,
            )
            .map_err(|_| Error::WrongPassphrase)?;
            if plain.len() != 32 {
                return Err(Error::Corrupt("a recovery key has the wrong length".into()));
            }
            let mut k = [0u8; 32];
            k.copy_from_slice(&plain);
            let key = DataKey(k);
            let w = crypto::wrap(&key, &new, &person)?;
            Ok((person, key, w))
        })
        .await?;
        let h = code_hash(&person, code);
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE person_keys SET salt = $1, m_cost = $2, t_cost = $3, p_cost = $4, wrapped = $5 WHERE person_id = $6")
                .bind(&w.salt)
                .bind(i64::from(w.m_cost))
                .bind(i64::from(w.t_cost))
                .bind(i64::from(w.p_cost))
                .bind(&w.wrapped)
                .bind(&person)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE code_hash = $1").bind(&h).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        let ended = self.end_sessions(&person, None).await?;
        Ok((person, key, ended))
    }

    // ------------------------------------------------------------ deleting

    /// Deletes a web account: first its wrapped keys (passphrase, recovery codes, sessions) and
    /// its username, committed on their own, so nothing can open the data even if the rest is
    /// interrupted; then every row of the person (the `forget` path for one person). What they
    /// shared leaves their partner's and any therapist's view with it.
    pub async fn delete_account(&self, person: &str) -> Result<()> {
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            for q in [
                "DELETE FROM person_keys WHERE person_id = $1",
                "DELETE FROM recovery_codes WHERE person_id = $1",
                "DELETE FROM sessions WHERE person_id = $1",
                "DELETE FROM accounts WHERE person_id = $1",
            ] {
                sqlx::query(q).bind(person).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.drop_key(person);
        self.delete_rows_of(person).await?;
        self.locked.lock().expect("lock").remove(person);
        Ok(())
    }

    /// Deletes every row of one person, in one transaction (shared by `forget` and
    /// [`Store::delete_account`]).
    pub(crate) async fn delete_rows_of(&self, person: &str) -> Result<()> {
        self.delete_couple_keys_of(person).await?;
        on_db!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM person_keys WHERE person_id = $1").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM shares WHERE audience_id = $1 OR entry_id IN (SELECT id FROM entries WHERE owner = $1)").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM shares WHERE audience = 'therapist' AND audience_id IN (SELECT id FROM therapist_links WHERE owner = $1)").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM entry_history WHERE entry_id IN (SELECT id FROM entries WHERE owner = $1)").bind(person).execute(&mut *tx).await?;
            for t in crate::OWNED_TABLES.iter().chain(["therapist_links"].iter()) {
                sqlx::query(&format!("DELETE FROM {t} WHERE owner = $1")).bind(person).execute(&mut *tx).await?;
            }
            for q in [
                "DELETE FROM recovery_codes WHERE person_id = $1",
                "DELETE FROM sessions WHERE person_id = $1",
                "DELETE FROM accounts WHERE person_id = $1",
            ] {
                sqlx::query(q).bind(person).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM partner_links WHERE person_id = $1 OR partner_id = $1").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM meta WHERE key = 'journal_owner' AND value = $1").bind(person).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM people WHERE id = $1").bind(person).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_two_words_and_a_four_digit_number() {
        for _ in 0..200 {
            let u = generate_username();
            let parts: Vec<&str> = u.split('-').collect();
            assert_eq!(parts.len(), 3, "{u}");
            assert!(username_words().contains(&parts[0]), "{u}");
            assert!(username_words().contains(&parts[1]), "{u}");
            let n: u32 = parts[2].parse().unwrap();
            assert!((1000..=9999).contains(&n), "{u}");
        }
        assert!(username_words().len() >= 100);
    }

    #[test]
    fn typed_usernames_and_codes_are_normalised() {
        assert_eq!(
            normalize_username("  Amber Harbor 4821 "),
            "amber-harbor-4821"
        );
        assert_eq!(normalize_username("amber-harbor-4821"), "amber-harbor-4821");
        assert_eq!(
            username_hash("Amber_Harbor-4821"),
            username_hash("amber-harbor-4821")
        );
        assert_eq!(
            normalize_code("ABCDE-fgh2k 34567-89abc"),
            "abcdefgh2k3456789abc"
        );
        let c = generate_code();
        assert_eq!(c.len(), 23);
        assert_eq!(normalize_code(&c).len(), 20);
    }

    #[test]
    fn a_session_key_opens_only_with_its_secret_and_its_row() {
        let key = DataKey::generate();
        let id_hash = session_id_hash(b"id-1");
        let sealed = crypto::seal(
            Some(&session_kek(b"secret")),
            &session_aad(&id_hash, "p1"),
            &key.0,
        );
        assert_eq!(
            crypto::open(
                Some(&session_kek(b"secret")),
                &session_aad(&id_hash, "p1"),
                &sealed
            )
            .unwrap(),
            key.0
        );
        assert!(
            crypto::open(
                Some(&session_kek(b"other")),
                &session_aad(&id_hash, "p1"),
                &sealed
            )
            .is_err()
        );
        assert!(
            crypto::open(
                Some(&session_kek(b"secret")),
                &session_aad(&id_hash, "p2"),
                &sealed
            )
            .is_err()
        );
    }
}
