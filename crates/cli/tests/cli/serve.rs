//! `closer serve`: the first line names the address; the server answers there; bad options
//! exit 2 with a clear message.

use super::common::{Server, http, run};
use std::io::{Read, Write};

fn http_get(addr: &str, path: &str) -> String {
    http(addr, "GET", path, None, "")
}

#[test]
fn serve_prints_its_address_first_and_answers_there() {
    let server = Server::start(&["--quiet"], true);
    let addr = server.addr.clone();
    let health = http_get(&addr, "/healthz");
    let home = http_get(&addr, "/");
    server.stop();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok\n"), "{health}");
    assert!(home.contains("id=\"quick-exit\""), "{home}");
    assert!(
        home.to_ascii_lowercase()
            .contains("cache-control: no-store")
    );
}

#[test]
fn serve_refuses_a_short_secret_and_a_bad_address() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("secret");
    std::fs::write(&f, "short\n").unwrap();
    let r = run(&["serve", "--secret-file", f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("line 1") && r.stderr.contains("32 characters"),
        "{}",
        r.stderr
    );
    let r = run(&["serve", "--addr", "not-an-address"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--addr not-an-address"), "{}", r.stderr);
    let r = run(&["serve", "--exit-url", "javascript:alert(1)"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn the_log_holds_no_query_no_body_and_no_address() {
    let server = Server::start(&[], false);
    let addr = server.addr.clone();
    let _ = http_get(&addr, "/numbers?region=UK&afraid=yes");
    let _ = http_get(&addr, "/afraid-of-him");
    {
        let body = "t=x&text=he+hurts+me";
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST /words HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 403"), "{out}");
    }
    let log = server.stop();
    assert!(log.contains("GET /numbers 200"), "{log}");
    assert!(log.contains("GET - 404"), "{log}");
    assert!(log.contains("POST /words 403"), "{log}");
    for secret in ["afraid", "region", "UK", "hurts", "127.0.0.1", "?"] {
        assert!(!log.contains(secret), "the log holds {secret:?}: {log}");
    }
}
