//! `closer serve` with accounts: two processes on one database share sessions (SQLite here;
//! PostgreSQL too when `TEST_DATABASE_URL` is set), no log line holds what was typed, and a
//! non-loopback address without TLS is refused.

use super::common::{Server, http, run};

fn hidden(page: &str, name: &str) -> String {
    let pat = format!("name=\"{name}\" value=\"");
    let i = page
        .find(&pat)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + pat.len();
    page[i..i + page[i..].find('"').unwrap()].to_string()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn carry_a_session_between_two_processes(db: &str) {
    let pp = "Ocelotcanary passphrase 2718";
    let one = Server::start(&["--db", db], true);
    let two = Server::start(&["--db", db], true);
    let form = http(&one.addr, "GET", "/signup", None, "");
    let t = hidden(&form, "t");
    let r = http(
        &one.addr,
        "POST",
        "/signup",
        None,
        &format!("t={}&passphrase={}", enc(&t), enc(pp)),
    );
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let cookie_line = r
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a session cookie");
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let username = r
        .split("id=\"username\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    // The other process opens the same session.
    let me = http(&two.addr, "GET", "/me", Some(&cookie), "");
    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    let csrf = hidden(&me, "csrf");
    // Sign out on the second; the first no longer knows the session.
    let out = http(
        &two.addr,
        "POST",
        "/logout",
        Some(&cookie),
        &format!("csrf={}", enc(&csrf)),
    );
    assert!(out.starts_with("HTTP/1.1 303"), "{out}");
    let again = http(&one.addr, "GET", "/me", Some(&cookie), "");
    assert!(again.starts_with("HTTP/1.1 303"), "{again}");
    assert!(
        again.contains("location: /login") || again.contains("Location: /login"),
        "{again}"
    );
    let logs = one.stop() + &two.stop();
    assert!(logs.contains("POST /signup 200"), "{logs}");
    for secret in [
        pp,
        "Ocelotcanary",
        username.as_str(),
        cookie.as_str(),
        csrf.as_str(),
        "127.0.0.1",
    ] {
        assert!(!logs.contains(secret), "the log holds {secret:?}:\n{logs}");
    }
}

#[test]
fn two_processes_share_sessions_on_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("web.db");
    carry_a_session_between_two_processes(db.to_str().unwrap());
}

#[test]
fn two_processes_share_sessions_on_postgres() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("note: TEST_DATABASE_URL is not set; the PostgreSQL run was skipped");
        return;
    };
    if url.is_empty() {
        return;
    }
    carry_a_session_between_two_processes(&url);
}

#[test]
fn a_reachable_address_without_tls_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("web.db");
    let r = run(&["serve", "--addr", "0.0.0.0:0", "--db", db.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--insecure-http"), "{}", r.stderr);
    assert!(r.stderr.contains("TLS"), "{}", r.stderr);
    assert!(!db.exists(), "nothing was created");
}
