//! `closer serve`: help in the moment in a browser (DESIGN.md §9, issue 13).
//!
//! A thin edge over the pure crates: every sentence on a page is a `Said` from `closer-guide` or
//! `closer-safety`; this crate only lays them out. Nothing about a visit is stored: no cookies,
//! no server sessions, no request bodies or addresses in logs. A walk's earlier answers travel
//! only inside a sealed, expiring hidden field ([`seal`]).
//!
//! - [`routes`]: the route table, the only place holding a path.
//! - [`layer`]: one middleware for every route: headers, the size limit, the cross-site checks,
//!   the log line.
//! - [`html`]: the page shell (neutral title, quick exit) and the rendering of `Said`.
//! - [`pages`]: the handlers, one per route.

pub mod account;
pub mod forms;
pub mod html;
pub mod journal;
pub mod layer;
pub mod measures;
pub mod pages;
pub mod record;
pub mod routes;
pub mod seal;
pub mod together;
pub mod view;

use axum::Router;
use seal::{Keys, Sealer};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// Where the quick exit goes when nothing else is configured: an everyday page.
pub const DEFAULT_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The neutral site the quick exit opens (tests point it at a local stub).
    pub exit_url: String,
    /// Keys for sealed tokens (shared by all instances when configured).
    pub keys: Keys,
    /// One line per request on standard error (method, route pattern, status, time).
    pub log: bool,
    /// Where accounts live (`--db`, `CLOSER_DB`, else the default file). `None`: this server
    /// offers no accounts (sign-up says so). The database is created at the first sign-up.
    pub db: Option<closer_store::Location>,
    /// Session lifetimes (15 minutes idle, 12 hours in all).
    pub session_limits: closer_store::SessionLimits,
    /// The unit of the growing sign-in delay (tests shorten it).
    pub delay_unit: std::time::Duration,
}

impl Config {
    pub fn new(keys: Keys) -> Config {
        Config {
            exit_url: DEFAULT_EXIT_URL.to_string(),
            keys,
            log: false,
            db: None,
            session_limits: closer_store::SessionLimits::default(),
            delay_unit: account::DELAY_UNIT,
        }
    }
}

/// The server's state: configuration, the sealer, and the what-if cache.
pub struct AppState {
    pub exit_url: String,
    pub sealer: Sealer,
    pub log: bool,
    skew: AtomicI64,
    model_cache: Mutex<HashMap<[u8; 32], Arc<str>>>,
    /// The accounts' database: `None` until it is opened (at the first sign-up, or the first
    /// request that finds it already there). Read it with [`AppState::store`].
    pub store: std::sync::RwLock<Option<Arc<closer_store::Store>>>,
    /// Sessions, sign-in delays and the session-end hooks (see [`account`]).
    pub accounts: account::Accounts,
    /// The journal pages' per-session cache (dropped when a session ends).
    pub journal: Arc<journal::cache::Cache>,
}

/// How many what-if results are kept in memory (deterministic results, keyed by a hash).
const MODEL_CACHE_MAX: usize = 512;

impl AppState {
    pub fn new(config: Config) -> Arc<AppState> {
        let state = Arc::new(AppState {
            exit_url: config.exit_url,
            sealer: Sealer::new(config.keys),
            log: config.log,
            skew: AtomicI64::new(0),
            model_cache: Mutex::new(HashMap::new()),
            store: std::sync::RwLock::new(None),
            accounts: account::Accounts::new(config.db, config.session_limits, config.delay_unit),
            journal: Arc::new(journal::cache::Cache::new()),
        });
        let cache = state.journal.clone();
        state.on_session_end(move |_person, session| {
            cache.end_session(&journal::cache::session_key(&session.id_hash));
        });
        state
    }

    /// Seconds since the epoch (plus the test clock's skew).
    pub fn now(&self) -> u64 {
        let sys = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        sys.saturating_add_signed(self.skew.load(Ordering::Relaxed))
    }

    /// [`now`](Self::now) as the store's signed seconds: a clock past the year 292 billion (only
    /// a test's skew could set one) reads as `i64::MAX` rather than wrapping to the past.
    pub fn now_secs(&self) -> i64 {
        i64::try_from(self.now()).unwrap_or(i64::MAX)
    }

    /// Moves this server's clock (tests of expiry).
    pub fn advance_clock(&self, secs: i64) {
        self.skew.fetch_add(secs, Ordering::Relaxed);
    }

    /// A fresh anti-forgery token for a form on a page being rendered now.
    pub fn form_token(&self) -> String {
        self.sealer
            .seal("form", self.now(), seal::FORM_TTL_SECS, b"")
    }

    pub(crate) fn cached_model(&self, key: &[u8; 32]) -> Option<Arc<str>> {
        self.model_cache.lock().ok()?.get(key).cloned()
    }

    pub(crate) fn cache_model(&self, key: [u8; 32], value: Arc<str>) {
        if let Ok(mut c) = self.model_cache.lock() {
            if c.len() >= MODEL_CACHE_MAX {
                c.clear();
            }
            c.insert(key, value);
        }
    }
}

pub type Shared = Arc<AppState>;

/// The whole application: every route of the table, the 404 page, and the one layer.
pub fn app(state: Shared) -> Router {
    pages::router(state)
}

/// Serves `app(state)` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves on an already bound listener until Ctrl-C (for `closer serve`, which prints the
/// address before calling this).
pub fn run_blocking(listener: std::net::TcpListener, state: Shared) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}
