//! `closer serve`: the first line names the address; the server answers there; bad options
//! exit 2 with a clear message.

use super::common::{bin, run};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_prints_its_address_first_and_answers_there() {
    let mut child = Command::new(bin())
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .env(
            "CLOSER_SECRET",
            "a test secret of at least thirty-two characters",
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn closer serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    let health = http_get(&addr, "/healthz");
    let home = http_get(&addr, "/");
    let _ = child.kill();
    let _ = child.wait();
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
    let mut child = Command::new(bin())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn closer serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("listening on http://")
        .trim_end_matches('/')
        .to_string();
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
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("GET /numbers 200"), "{log}");
    assert!(log.contains("GET - 404"), "{log}");
    assert!(log.contains("POST /words 403"), "{log}");
    for secret in ["afraid", "region", "UK", "hurts", "127.0.0.1", "?"] {
        assert!(!log.contains(secret), "the log holds {secret:?}: {log}");
    }
}
