//! `closer serve`: help in the moment in a browser. Everything shown comes from `closer-web`,
//! which lays out what the pure crates say; this file reads the options and binds the address.

use crate::error::{CliError, CliResult};
use closer_web::seal::Keys;
use closer_web::{AppState, Config, DEFAULT_EXIT_URL};
use std::path::PathBuf;

/// Serve closer in a browser: the home, the step-by-step guides, learn, a softer way to say it,
/// a private safety check, helplines and the what-if model. Nothing is stored.
///
/// Prints `listening on http://ADDR/` as the first line, then serves until Ctrl-C. Open that
/// address in a browser. Without an account: no cookies, nothing stored; a walk's answers
/// travel sealed inside the page for fifteen minutes. With an account (`/signup`): a journal
/// locked by the passphrase, in the database of --db (or CLOSER_DB), created at the first
/// sign-up; one session cookie.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  closer serve                          a free port on 127.0.0.1\n  closer serve --addr 127.0.0.1:8080\n  CLOSER_SECRET=... closer serve        several instances sharing one key"
)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:0")]
    pub addr: String,
    /// The everyday site the quick exit opens.
    #[arg(long, value_name = "URL", default_value = DEFAULT_EXIT_URL)]
    pub exit_url: String,
    /// A file holding the secret that seals answers between pages (one line of at least 32
    /// characters; a second line, the previous secret, stays valid during a rotation). Also
    /// read from the CLOSER_SECRET environment variable. Without either, a key is made at start
    /// (walks then do not survive a restart).
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// Print no line per request on standard error.
    #[arg(long)]
    pub quiet: bool,
    /// Where journals are kept: a SQLite file or a postgres:// URL. Also read from CLOSER_DB.
    /// Without either, `web.db` in this computer's local data folder. The database is created
    /// at the first sign-up; using the site without an account never creates it.
    #[arg(long, value_name = "PATH_OR_URL")]
    pub db: Option<String>,
    /// Allow plain HTTP on an address other than loopback (only behind a TLS proxy on the same
    /// private network; browsers keep the session cookie only over HTTPS or on localhost).
    #[arg(long)]
    pub insecure_http: bool,
}

pub fn run(args: Args) -> CliResult {
    let keys = match (&args.secret_file, std::env::var("CLOSER_SECRET").ok()) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("--secret-file {}: {e}", path.display())))?;
            Keys::from_secret(&text)
                .map_err(|e| CliError::usage(format!("--secret-file {}: {e}", path.display())))?
        }
        (None, Some(text)) => {
            Keys::from_secret(&text).map_err(|e| CliError::usage(format!("CLOSER_SECRET: {e}")))?
        }
        (None, None) => Keys::generate(),
    };
    if !(args.exit_url.starts_with("http://") || args.exit_url.starts_with("https://")) {
        return Err(CliError::usage(format!(
            "--exit-url {}: expected an address starting with http:// or https://",
            args.exit_url
        )));
    }
    // --db, else CLOSER_DB, else `web.db` next to the command line's journal (the web's
    // accounts are kept apart from the journal of `closer log`).
    let env_db = std::env::var("CLOSER_DB").ok().filter(|e| !e.is_empty());
    let db = match args
        .db
        .as_deref()
        .filter(|f| !f.is_empty())
        .or(env_db.as_deref())
    {
        Some(given) => closer_store::Location::parse(given),
        None => closer_store::location::default_path()
            .map(|p| closer_store::Location::Sqlite(p.with_file_name("web.db")))
            .map_err(|e| CliError::usage(format!("--db: {e}")))?,
    };
    let listener = std::net::TcpListener::bind(&args.addr)
        .map_err(|e| CliError::usage(format!("--addr {}: {e}", args.addr)))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() && !args.insecure_http {
        return Err(CliError::usage(format!(
            "--addr {}: this address is reachable from other computers, and closer serve speaks \
plain HTTP, so passphrases and sessions would cross the network unencrypted. Listen on \
127.0.0.1 behind a reverse proxy that terminates TLS, or add --insecure-http if a \
TLS proxy on a private network is in front of this address.",
            args.addr
        )));
    }
    // The first line of standard output is the address (a contract tests and scripts read).
    crate::io::emit(&format!("listening on http://{addr}/\n"))?;
    let mut config = Config::new(keys);
    config.exit_url = args.exit_url;
    config.log = !args.quiet;
    config.db = Some(db);
    let state = AppState::new(config);
    closer_web::run_blocking(listener, state)?;
    Ok(())
}
