//! The journal's load generator for `bench/web_bench.sh` (the anonymous pages have `load.rs`): open-loop GETs at a fixed rate over
//! keep-alive HTTP/1.1 connections, or many clients posting forms at once. Run from a second
//! process on loopback, so the server's timings include the network stack.
//!
//!     journal_load get  ADDR PATH COOKIE RATE SECONDS [CONNECTIONS]
//!     journal_load post ADDR PATH COOKIE BODY CLIENTS PER_CLIENT
//!     journal_load seed DB PASSPHRASE ENTRIES
//!
//! `seed` makes an account in the database `DB` (a SQLite path or a `postgres://` URL) with
//! ENTRIES sealed entries over a year (imported in one transaction, as `closer import` does) and
//! prints its username, before the server starts.
//!
//! `get` prints the count, the errors and the latency percentiles in milliseconds, measured
//! from each request's scheduled time (a slow answer delays the next ones and is counted for
//! them, so a stall is not hidden). `post` prints how many posts were answered 200 (kept) and
//! how many failed. The COOKIE is sent as the `Cookie` header; BODY is form-encoded.

use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: &str) -> Sender {
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).ok();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    sender
}

async fn send(s: &mut Sender, req: Request<Full<Bytes>>) -> Option<u16> {
    s.ready().await.ok()?;
    let resp = s.send_request(req).await.ok()?;
    let status = resp.status().as_u16();
    resp.into_body().collect().await.ok()?;
    Some(status)
}

fn request(method: &str, addr: &str, path: &str, cookie: &str, body: &str) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr)
        .header("cookie", cookie);
    if method == "POST" {
        b = b
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", format!("http://{addr}"));
    }
    b.body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a rank in 0..len for p in 0..=100; `as` saturates and the index is clamped"
    )]
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
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

async fn get(addr: String, path: String, cookie: String, rate: f64, secs: f64, conns: usize) {
    let total = request_count(rate, (rate * secs).round());
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (tx, rx) = tokio::sync::mpsc::channel::<Instant>(total.max(1));
    let rx = Arc::new(Mutex::new(rx));
    let results = Arc::new(Mutex::new(Vec::<(f64, bool)>::with_capacity(total)));
    let mut workers = Vec::new();
    for _ in 0..conns {
        let (rx, results, addr, path, cookie) = (
            rx.clone(),
            results.clone(),
            addr.clone(),
            path.clone(),
            cookie.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut s = connect(&addr).await;
            loop {
                let Some(at) = rx.lock().await.recv().await else {
                    break;
                };
                let st = send(&mut s, request("GET", &addr, &path, &cookie, "")).await;
                let ms = at.elapsed().as_secs_f64() * 1000.0;
                results.lock().await.push((ms, st == Some(200)));
                if st.is_none() {
                    s = connect(&addr).await;
                }
            }
        }));
    }
    let start = Instant::now();
    for i in 0..total {
        let at = start + interval * u32::try_from(i).expect("at most MAX_REQUESTS");
        tokio::time::sleep_until(at.into()).await;
        tx.send(at).await.expect("queue");
    }
    drop(tx);
    for w in workers {
        w.await.expect("worker");
    }
    let r = results.lock().await;
    let errors = r.iter().filter(|x| !x.1).count();
    let mut ms: Vec<f64> = r.iter().map(|x| x.0).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "requests={} errors={} rate={rate}/s p50={:.2}ms p90={:.2}ms p99={:.2}ms max={:.2}ms",
        r.len(),
        errors,
        pct(&ms, 50.0),
        pct(&ms, 90.0),
        pct(&ms, 99.0),
        ms.last().copied().unwrap_or(f64::NAN)
    );
}

async fn post(
    addr: String,
    path: String,
    cookie: String,
    body: String,
    clients: usize,
    each: usize,
) {
    let mut tasks = Vec::new();
    let start = Arc::new(tokio::sync::Barrier::new(clients));
    for _ in 0..clients {
        let (addr, path, cookie, body, start) = (
            addr.clone(),
            path.clone(),
            cookie.clone(),
            body.clone(),
            start.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut s = connect(&addr).await;
            start.wait().await;
            let mut kept = 0;
            for _ in 0..each {
                if send(&mut s, request("POST", &addr, &path, &cookie, &body)).await == Some(200) {
                    kept += 1;
                }
            }
            kept
        }));
    }
    let mut kept = 0;
    for t in tasks {
        kept += t.await.expect("client");
    }
    println!(
        "posted={} kept={kept} failed={}",
        clients * each,
        clients * each - kept
    );
}

async fn seed(db: String, passphrase: String, n: usize) {
    use closer_domain::{MoveType, Way};
    use closer_store::*;
    let store = Store::open(&Location::parse(&db), OpenMode::Create)
        .await
        .expect("open the database");
    let up = store.sign_up(&passphrase).await.expect("sign up");
    store.insert_key(&up.person, up.key.clone());
    let moves = [
        MoveType::Reach,
        MoveType::Withdraw,
        MoveType::TurnToward,
        MoveType::Repair,
        MoveType::Return,
    ];
    let ways = [
        Way::Pause,
        Way::Curious,
        Way::Space,
        Way::Name,
        Way::Stay,
        Way::Explore,
    ];
    let t0: i64 = 1_700_000_000;
    let span: i64 = 365 * 86_400;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let entries = (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (k, n64) = (
                i64::try_from(i).expect("ENTRIES fits i64"),
                i64::try_from(n.max(1)).expect("ENTRIES fits i64"),
            );
            let at = t0 + (k * span) / n64;
            Entry {
                id: random_id(),
                data: EntryData {
                    at,
                    offset_minutes: 60,
                    recorded_at: at + 30,
                    by: if x.is_multiple_of(3) {
                        Actor::Partner
                    } else {
                        Actor::Me
                    },
                    move_type: moves[(x >> 8) as usize % moves.len()],
                    kind: None,
                    feelings: vec!["tired".into()],
                    needs: vec!["calm".into()],
                    intensity: Some((x >> 16).to_le_bytes()[0] % 11),
                    way: (x >> 24)
                        .is_multiple_of(4)
                        .then(|| ways[(x >> 28) as usize % ways.len()]),
                    note: (x >> 32)
                        .is_multiple_of(5)
                        .then(|| format!("a few words of my own, number {i}")),
                    cycle: vec![],
                    moment: random_id(),
                    edited_at: vec![],
                    imported_at: None,
                    seq: k + 1,
                },
            }
        })
        .collect();
    let ex = Export {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: rfc3339(t0 + span),
        entries,
        history: vec![],
        checkins: vec![],
        incidents: vec![],
        assessments: vec![],
        screen_results: vec![],
    };
    store
        .import(&up.person, &ex, t0 + span)
        .await
        .expect("import");
    store.close().await;
    println!("{}", up.username);
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let usage = "usage: journal_load get ADDR PATH COOKIE RATE SECONDS [CONNECTIONS] | journal_load post ADDR PATH COOKIE BODY CLIENTS PER_CLIENT | journal_load seed DB PASSPHRASE ENTRIES";
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    match a.get(1).map(String::as_str) {
        Some("get") if a.len() >= 7 => rt.block_on(get(
            a[2].clone(),
            a[3].clone(),
            a[4].clone(),
            a[5].parse().expect("RATE"),
            a[6].parse().expect("SECONDS"),
            a.get(7)
                .map(|c| c.parse().expect("CONNECTIONS"))
                .unwrap_or(16),
        )),
        Some("seed") if a.len() >= 5 => rt.block_on(seed(
            a[2].clone(),
            a[3].clone(),
            a[4].parse().expect("ENTRIES"),
        )),
        Some("post") if a.len() >= 8 => rt.block_on(post(
            a[2].clone(),
            a[3].clone(),
            a[4].clone(),
            a[5].clone(),
            a[6].parse().expect("CLIENTS"),
            a[7].parse().expect("PER_CLIENT"),
        )),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
