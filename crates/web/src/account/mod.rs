//! Accounts and sessions for the web app (issue 15; DESIGN.md §3 invariants 14–17).
//!
//! - The session cookie `__Host-s` is `<id>.<secret>` (128 and 256 random bits, base64url),
//!   Secure, HttpOnly, SameSite=Strict, Path=/, without Expires or Max-Age. The database row
//!   (see `closer_store::accounts`) holds the id's hash and the data key sealed under a key from
//!   the secret, so any instance opens it for a request and a dump alone opens nothing.
//! - [`SignedIn`] is the extractor of a signed-in person: no valid session is a 303 to the
//!   sign-in page; a valid one has already handed the data key to the store
//!   ([`closer_store::Store::insert_key`]). [`Posted`] is the same plus the form, whose `csrf`
//!   has been checked (403 otherwise).
//! - Only the layer writes `Set-Cookie`, from a [`CookieOp`] a handler puts in the response's
//!   extensions; any other `Set-Cookie` is removed.
//! - Sign-in is slowed by a growing delay per address (in memory, forgotten within an hour,
//!   never logged), never by a lockout.

pub mod pages;

use crate::forms::Form;
use crate::routes::{self, Id};
use crate::{AppState, Shared, html};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use closer_store::{Location, OpenMode, SessionCheck, SessionLimits, Store};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The session cookie's name (the `__Host-` prefix: Secure, Path=/, no Domain).
pub const COOKIE: &str = "__Host-s";
/// The unit of the growing sign-in delay.
pub const DELAY_UNIT: Duration = Duration::from_millis(250);
/// The longest sign-in delay.
pub const DELAY_MAX: Duration = Duration::from_secs(20);
/// Failures are forgotten this long after the last one.
pub const FAILURE_MEMORY_SECS: u64 = 60 * 60;
/// `Clear-Site-Data` on sign-out and exit.
pub const CLEAR_SITE_DATA: &str = "\"cache\", \"cookies\", \"storage\"";
/// Where a person lands after signing up or signing in: their journal.
pub const AFTER_SIGN_IN: Id = Id::Journal;

/// One session, as handlers and session-end hooks name it (the hash of its id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionRef {
    pub id_hash: Vec<u8>,
}

type Hook = Arc<dyn Fn(&str, &SessionRef) + Send + Sync>;

/// Account state of the server: where the database is, session limits, the sign-in delays and
/// the session-end hooks.
pub struct Accounts {
    pub db: Option<Location>,
    pub limits: SessionLimits,
    delay_unit: Duration,
    open_lock: tokio::sync::Mutex<()>,
    hooks: Mutex<Vec<Hook>>,
    failures: Mutex<HashMap<[u8; 16], (u32, u64)>>,
    /// Addresses are kept only as a salted hash, the salt made at start and never stored.
    salt: [u8; 16],
    last_sweep: AtomicU64,
}

impl Accounts {
    pub fn new(db: Option<Location>, limits: SessionLimits, delay_unit: Duration) -> Accounts {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the operating system's random numbers");
        Accounts {
            db,
            limits,
            delay_unit,
            open_lock: tokio::sync::Mutex::new(()),
            hooks: Mutex::new(Vec::new()),
            failures: Mutex::new(HashMap::new()),
            salt,
            last_sweep: AtomicU64::new(0),
        }
    }

    fn throttle_key(&self, who: &str) -> [u8; 16] {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(who.as_bytes());
        let d = h.finalize();
        let mut k = [0u8; 16];
        k.copy_from_slice(&d[..16]);
        k
    }

    /// The delay before answering an attempt from `who` (an address or a person) at `now`:
    /// none for the first three failures, then doubling from the unit up to [`DELAY_MAX`].
    pub fn delay_for(&self, who: &str, now: u64) -> Duration {
        let mut f = self.failures.lock().expect("lock");
        f.retain(|_, (_, last)| now.saturating_sub(*last) < FAILURE_MEMORY_SECS);
        let n = f.get(&self.throttle_key(who)).map_or(0, |(n, _)| *n);
        if n < 3 {
            return Duration::ZERO;
        }
        let factor = 1u32 << (n - 3).min(16);
        self.delay_unit.saturating_mul(factor).min(DELAY_MAX)
    }

    /// Counts a failed attempt from `who`.
    pub fn failed(&self, who: &str, now: u64) {
        let key = self.throttle_key(who);
        let mut f = self.failures.lock().expect("lock");
        let e = f.entry(key).or_insert((0, now));
        e.0 = e.0.saturating_add(1);
        e.1 = now;
    }

    /// How many addresses or people are remembered (tests: the memory empties within an hour).
    pub fn remembered(&self, now: u64) -> usize {
        let mut f = self.failures.lock().expect("lock");
        f.retain(|_, (_, last)| now.saturating_sub(*last) < FAILURE_MEMORY_SECS);
        f.len()
    }
}

impl AppState {
    /// The accounts' database if it is open.
    pub fn store(&self) -> Option<Arc<Store>> {
        self.store.read().expect("lock").clone()
    }

    /// The database if it exists (opened on first use); anonymous use never creates it.
    pub async fn store_existing(&self) -> Result<Option<Arc<Store>>, closer_store::Error> {
        self.open_store(OpenMode::Existing).await
    }

    /// The database, created if needed (the first sign-up).
    pub async fn store_create(&self) -> Result<Option<Arc<Store>>, closer_store::Error> {
        self.open_store(OpenMode::Create).await
    }

    async fn open_store(&self, mode: OpenMode) -> Result<Option<Arc<Store>>, closer_store::Error> {
        if let Some(s) = self.store() {
            return Ok(Some(s));
        }
        let Some(loc) = &self.accounts.db else {
            return Ok(None);
        };
        let _g = self.accounts.open_lock.lock().await;
        if let Some(s) = self.store() {
            return Ok(Some(s));
        }
        let store = match Store::open(loc, mode).await {
            Ok(s) => Arc::new(s),
            Err(closer_store::Error::NoJournal(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        *self.store.write().expect("lock") = Some(store.clone());
        Ok(Some(store))
    }

    /// Registers a hook run when a session ends (sign-out, exit, expiry, a passphrase change,
    /// deletion), so caches can drop what they hold for that person.
    pub fn on_session_end(&self, f: impl Fn(&str, &SessionRef) + Send + Sync + 'static) {
        self.accounts.hooks.lock().expect("lock").push(Arc::new(f));
    }

    /// After sessions ended: runs the hooks, and drops the person's key from memory when no
    /// session of theirs is left.
    pub async fn sessions_ended(&self, store: &Store, person: &str, ended: &[SessionRef]) {
        let hooks: Vec<Hook> = self.accounts.hooks.lock().expect("lock").clone();
        for s in ended {
            for h in &hooks {
                h(person, s);
            }
        }
        if store.session_count(person).await.unwrap_or(0) == 0 {
            store.drop_key(person);
        }
    }

    /// Removes expired sessions (at most once a minute, from any request that looks at one), and
    /// drops what this instance's journal cache holds for sessions that are no longer open.
    pub async fn sweep_sessions(&self, store: &Store) {
        let now = self.now();
        let last = self.accounts.last_sweep.load(Ordering::Relaxed);
        if now < last + 60 {
            return;
        }
        self.accounts.last_sweep.store(now, Ordering::Relaxed);
        if let Ok(ended) = store
            .purge_expired_sessions(i64::try_from(now).unwrap_or(i64::MAX), self.accounts.limits)
            .await
        {
            let mut by_person: HashMap<String, Vec<SessionRef>> = HashMap::new();
            for (p, h) in ended {
                by_person
                    .entry(p)
                    .or_default()
                    .push(SessionRef { id_hash: h });
            }
            for (p, refs) in by_person {
                self.sessions_ended(store, &p, &refs).await;
            }
        }
        // A session ended by another instance (sign-out, exit, a passphrase change there) ran
        // its hooks there only: what this instance still holds for it goes now.
        for (key, person) in self.journal.held() {
            let Some(id_hash) = crate::journal::cache::id_hash_of(&key) else {
                continue;
            };
            if let Ok(false) = store.session_exists(&id_hash).await {
                self.sessions_ended(store, &person, &[SessionRef { id_hash }])
                    .await;
            }
        }
    }
}

/// What the layer does with the session cookie of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CookieOp {
    /// Set the session cookie to this value.
    Set(String),
    /// Remove the session cookie.
    Clear,
}

impl CookieOp {
    /// The `Set-Cookie` header value.
    pub fn header(&self) -> String {
        match self {
            CookieOp::Set(v) => {
                format!("{COOKIE}={v}; Path=/; Secure; HttpOnly; SameSite=Strict")
            }
            CookieOp::Clear => {
                format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
            }
        }
    }
}

/// The cookie value for a new session: `<id>.<secret>`, base64url.
pub fn cookie_value(s: &closer_store::NewSession) -> String {
    format!("{}.{}", B64.encode(s.id), B64.encode(s.secret))
}

/// The session id and secret in a request's cookies, if well formed.
pub fn session_cookie(h: &HeaderMap) -> Option<(Vec<u8>, Vec<u8>)> {
    for v in h.get_all(header::COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        for part in v.split(';') {
            let Some((name, value)) = part.trim().split_once('=') else {
                continue;
            };
            if name != COOKIE {
                continue;
            }
            let (id, secret) = value.split_once('.')?;
            let id = B64.decode(id).ok()?;
            let secret = B64.decode(secret).ok()?;
            if id.len() == 16 && secret.len() == 32 {
                return Some((id, secret));
            }
            return None;
        }
    }
    None
}

/// Adds the session cookie operation to a response.
pub fn with_cookie(mut r: Response, op: CookieOp) -> Response {
    r.extensions_mut().insert(op);
    r
}

/// Adds `Clear-Site-Data` and removes the session cookie.
pub fn clearing(mut r: Response) -> Response {
    r.headers_mut()
        .insert("clear-site-data", HeaderValue::from_static(CLEAR_SITE_DATA));
    with_cookie(r, CookieOp::Clear)
}

/// A 303 to a path of the table.
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A signed-in person, for one request.
#[derive(Clone)]
pub struct SignedIn {
    pub person: String,
    pub session: SessionRef,
    /// This session's anti-forgery secret: the value of every form's hidden `csrf` field.
    pub csrf: String,
    /// The open database (the person's key is in it for this request).
    pub store: Arc<Store>,
    /// Seconds until the session ends if nothing else happens (the page blanks itself then):
    /// at the earliest moment the server may end it (`SessionLimits::ends_in`).
    pub ends_in: i64,
    /// The person's data version, read with the session; `None` unless the request is a GET
    /// taken by the extractor (a handler that may write before it reads asks the store again).
    pub version_at_check: Option<String>,
    st: Shared,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignedIn(…)")
    }
}

impl SignedIn {
    /// The server state.
    pub fn state(&self) -> &Shared {
        &self.st
    }
}

/// The answer when there is no valid session: 303 to the sign-in page (and the stale cookie,
/// if any, removed).
fn to_login(had_cookie: bool) -> Response {
    let r = see_other(routes::path(Id::Login));
    if had_cookie {
        with_cookie(r, CookieOp::Clear)
    } else {
        r
    }
}

impl FromRequestParts<Shared> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Self::Rejection> {
        let (mut who, version) = check(&parts.headers, st).await?;
        // Only a GET may use the version read with the session: a handler of any other method
        // may write before it reads, so it asks the store again.
        if parts.method == axum::http::Method::GET {
            who.version_at_check = Some(version);
        }
        Ok(who)
    }
}

/// The signed-in person of a request's headers, for a page that anyone may open but that shows
/// a little more to a signed-in person (the walk's link to the private record). `Err` is what
/// [`SignedIn`]'s extractor would answer.
pub async fn signed_in_from(headers: &HeaderMap, st: &Shared) -> Result<SignedIn, Response> {
    check(headers, st).await.map(|(who, _)| who)
}

/// The session check of [`signed_in_from`], with the person's data version read in the same
/// query.
async fn check(headers: &HeaderMap, st: &Shared) -> Result<(SignedIn, String), Response> {
    let Some((id, secret)) = session_cookie(headers) else {
        return Err(to_login(headers.contains_key(header::COOKIE)));
    };
    let store = match st.store_existing().await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(to_login(true)),
        Err(_) => return Err(crate::pages::unavailable(st)),
    };
    st.sweep_sessions(&store).await;
    let limits = st.accounts.limits;
    let now = st.now_secs();
    match store.check_session(&id, &secret, now, limits).await {
        Ok(SessionCheck::Open(s)) => {
            store.insert_key(&s.person, s.key.clone());
            let who = SignedIn {
                person: s.person,
                session: SessionRef { id_hash: s.id_hash },
                csrf: s.csrf,
                store,
                ends_in: limits.ends_in(s.created_at, now),
                version_at_check: None,
                st: st.clone(),
            };
            Ok((who, s.data_version))
        }
        Ok(SessionCheck::Ended { person, id_hash }) => {
            // It expired between two sweeps: what follows a session's end runs now (its
            // cache slot goes, and the key when no session of the person is left).
            st.sessions_ended(&store, &person, &[SessionRef { id_hash }])
                .await;
            Err(to_login(true))
        }
        Ok(SessionCheck::Unknown) => Err(to_login(true)),
        Err(_) => Err(crate::pages::unavailable(st)),
    }
}

/// Compares in constant time.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a posted form's `csrf` against the session's: `Err` is the 403 page to answer with.
pub fn check_csrf(who: &SignedIn, form_csrf: &str) -> Result<(), Response> {
    if !form_csrf.is_empty() && same(who.csrf.as_bytes(), form_csrf.as_bytes()) {
        Ok(())
    } else {
        Err(crate::pages::expired(&who.st, StatusCode::FORBIDDEN))
    }
}

/// Checks the person's passphrase for a guarded action: `Err` is the 403 page (a wrong or
/// missing passphrase). Repeated failures are slowed as sign-ins are.
pub async fn confirm_passphrase(
    st: &Shared,
    who: &SignedIn,
    passphrase: &str,
) -> Result<(), Response> {
    let now = st.now();
    let delay = st.accounts.delay_for(&who.person, now);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if passphrase.is_empty() {
        return Err(pages::passphrase_refused(who));
    }
    match who.store.verify_passphrase(&who.person, passphrase).await {
        Ok(_) => Ok(()),
        Err(closer_store::Error::WrongPassphrase) => {
            st.accounts.failed(&who.person, now);
            Err(pages::passphrase_refused(who))
        }
        Err(_) => Err(crate::pages::unavailable(st)),
    }
}

/// A signed-in person's posted form whose `csrf` was checked (403 otherwise).
pub struct Posted {
    pub who: SignedIn,
    pub form: Form,
}

impl FromRequest<Shared> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, st: &Shared) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let who = SignedIn::from_request_parts(&mut parts, st).await?;
        let bytes = axum::body::to_bytes(body, crate::layer::BODY_LIMIT)
            .await
            .map_err(|_| crate::pages::too_large(st))?;
        let form = Form::parse(&bytes).map_err(|_| crate::pages::bad_form(st))?;
        check_csrf(&who, form.get("csrf").unwrap_or(""))?;
        Ok(Posted { who, form })
    }
}

/// Marks a response as a signed-in page: the layer lets its quick-exit form post to the
/// neutral site (`layer::csp_signed_in`).
#[derive(Debug, Clone, Copy)]
pub struct SignedInPage;

/// A page for a signed-in person: the shell whose quick exit ends the session, with the
/// session's `csrf` and the time the page blanks itself.
pub fn page(who: &SignedIn, status: StatusCode, main: &str) -> Response {
    page_for(&who.st, &who.csrf, who.ends_in, status, main)
}

/// [`page`] from its parts (a page drawn right after the session was made).
pub fn page_for(st: &Shared, csrf: &str, ends_in: i64, status: StatusCode, main: &str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, routes::Body::Html.content_type())],
        html::signed_in_page(&st.exit_url, csrf, ends_in, main),
    )
        .into_response();
    r.extensions_mut().insert(SignedInPage);
    r
}

/// The hidden `csrf` field of a signed-in form.
pub fn csrf_field(who: &SignedIn) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        html::esc(&who.csrf)
    )
}

/// The opening of a signed-in form posting to `id`.
pub fn form_open(who: &SignedIn, id: Id, class: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\" class=\"{class}\" autocomplete=\"off\">{}",
        routes::path(id),
        csrf_field(who)
    )
}

/// Where a request comes from, for the sign-in delay only (never logged, never stored).
pub fn client_key(parts_ext: &axum::http::Extensions) -> String {
    parts_ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_every_attribute_and_no_lifetime() {
        let h = CookieOp::Set("a.b".into()).header();
        assert_eq!(h, "__Host-s=a.b; Path=/; Secure; HttpOnly; SameSite=Strict");
        assert!(!h.contains("Expires") && !h.contains("Max-Age") && !h.contains("Domain"));
        assert!(CookieOp::Clear.header().contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_read_only_when_well_formed() {
        let s = closer_store::NewSession {
            id: [7; 16],
            secret: [9; 32],
            csrf: "x".into(),
        };
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=1; {COOKIE}={}", cookie_value(&s))).unwrap(),
        );
        assert_eq!(session_cookie(&h), Some((vec![7; 16], vec![9; 32])));
        for bad in ["__Host-s=abc", "__Host-s=a.b", "__Host-s=", "s=AAAA.BBBB"] {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_static(bad));
            assert_eq!(session_cookie(&h), None, "{bad}");
        }
    }

    #[test]
    fn delays_grow_then_stop_growing_and_are_forgotten_within_an_hour() {
        let a = Accounts::new(None, SessionLimits::default(), Duration::from_millis(100));
        let t = 1_000_000;
        for _ in 0..3 {
            assert_eq!(a.delay_for("10.0.0.1", t), Duration::ZERO);
            a.failed("10.0.0.1", t);
        }
        assert_eq!(a.delay_for("10.0.0.1", t), Duration::from_millis(100));
        a.failed("10.0.0.1", t);
        assert_eq!(a.delay_for("10.0.0.1", t), Duration::from_millis(200));
        for _ in 0..30 {
            a.failed("10.0.0.1", t);
        }
        assert_eq!(a.delay_for("10.0.0.1", t), DELAY_MAX);
        // Another address is not slowed; nothing is a lockout; an hour later all is forgotten.
        assert_eq!(a.delay_for("10.0.0.2", t), Duration::ZERO);
        assert_eq!(a.remembered(t), 1);
        assert_eq!(a.remembered(t + FAILURE_MEMORY_SECS), 0);
        assert_eq!(
            a.delay_for("10.0.0.1", t + FAILURE_MEMORY_SECS),
            Duration::ZERO
        );
    }

    #[test]
    fn csrf_comparison_is_exact() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
