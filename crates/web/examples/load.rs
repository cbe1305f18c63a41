//! A small open-loop load generator for `bench/serve_bench.sh`: requests are scheduled at a fixed
//! rate on loopback, and each latency is measured from its scheduled start (so a slow answer
//! delays no one's clock). Bounded in count and time; stops by itself.
//!
//!   cargo run --release -p closer-web --example load -- http://127.0.0.1:PORT home 500 10
//!
//! Kinds: `home` (GET /), `walk` (POST /walk: a flow's first page), `walk-step` (POST /walk:
//! Next from the first step, with its sealed state), `model` (POST /model, every request with
//! new inputs, so nothing is cached).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MAX_SECS: u64 = 60;
const CONNS: usize = 32;

fn field(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let i = page.find(&key).expect("field on the page") + key.len();
    let j = page[i..].find('"').unwrap() + i;
    page[i..j].to_string()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn request(
    conn: &mut Option<TcpStream>,
    host: &str,
    method: &str,
    path: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    if conn.is_none() {
        *conn = Some(TcpStream::connect(host).await?);
    }
    let s = conn.as_mut().unwrap();
    let head = if method == "GET" {
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n")
    } else {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    s.write_all(head.as_bytes()).await?;
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let (status, header_end, len) = loop {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            *conn = None;
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
            let status: u16 = head[9..12].parse().unwrap_or(0);
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            break (status, i + 4, len);
        }
    };
    while buf.len() < header_end + len {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            *conn = None;
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok((
        status,
        String::from_utf8_lossy(&buf[header_end..header_end + len]).into_owned(),
    ))
}

/// The most requests one run sends (a minute at over 150,000 a second).
const MAX_REQUESTS: f64 = 1e7;

/// `total` requests (a whole number, from `rate` a second), as a count; exits 2 with a message
/// unless the rate is positive and finite and the count at most [`MAX_REQUESTS`].
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the count is a whole number in 0..=1e7, checked before the cast"
)]
fn request_count(rate: f64, total: f64) -> usize {
    if !(rate.is_finite() && rate > 0.0 && (0.0..=MAX_REQUESTS).contains(&total)) {
        eprintln!("RATE × SECONDS must be a positive rate and at most {MAX_REQUESTS} requests");
        std::process::exit(2);
    }
    total as usize
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 4 {
        eprintln!("usage: load BASE_URL home|walk|walk-step|model RATE SECONDS");
        std::process::exit(2);
    }
    let host = args[0]
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let kind = args[1].clone();
    let rate: f64 = args[2].parse().expect("RATE");
    let secs: u64 = args[3].parse::<u64>().expect("SECONDS").min(MAX_SECS);
    let total = request_count(rate, (rate * secs as f64).trunc());

    // One page first, for a form token (and the walk's sealed state).
    let mut c = None;
    let (_, home) = request(&mut c, &host, "GET", "/", "")
        .await
        .expect("the server answers");
    let token = enc(&field(&home, "t"));
    let state = if kind == "walk-step" {
        let (_, first) = request(&mut c, &host, "POST", "/walk", &format!("t={token}&flow=1"))
            .await
            .unwrap();
        enc(&field(&first, "s"))
    } else {
        String::new()
    };

    let host = Arc::new(host);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::new();
    for _ in 0..CONNS {
        let (host, next, kind, token, state) = (
            host.clone(),
            next.clone(),
            kind.clone(),
            token.clone(),
            state.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut conn = None;
            let mut lat = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let at = start + Duration::from_secs_f64(i as f64 / rate);
                tokio::time::sleep_until(at.into()).await;
                let (method, path, body) = match kind.as_str() {
                    "home" => ("GET", "/", String::new()),
                    "walk" => ("POST", "/walk", format!("t={token}&flow=1")),
                    "walk-step" => ("POST", "/walk", format!("t={token}&s={state}&go=next")),
                    _ => {
                        // New inputs every time: never cached.
                        let a = 1.0 + (i % 600) as f64 / 100.0;
                        let b = 1.0 + ((i / 600) % 600) as f64 / 100.0;
                        (
                            "POST",
                            "/model",
                            format!(
                                "t={token}&a_anxiety={a}&a_avoidance=2&b_anxiety=2&b_avoidance={b}&way1=pause&who1=A&day1=30"
                            ),
                        )
                    }
                };
                match request(&mut conn, &host, method, path, &body).await {
                    Ok((200, _)) => lat.push(at.elapsed()),
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let wall = start.elapsed().as_secs_f64();
    all.sort();
    let q = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a rank in 0..=len for p in 0..=1; `as` saturates and `get` checks it"
        )]
        let rank = (all.len() as f64 * p).ceil() as usize;
        all.get(rank.saturating_sub(1))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    println!(
        "{kind}: {} ok, {errors} errors, {:.0} req/s offered, {:.0} req/s done; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        all.len(),
        rate,
        all.len() as f64 / wall,
        q(0.50),
        q(0.90),
        q(0.99),
        q(1.0)
    );
}
