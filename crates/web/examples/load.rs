//! A small load generator for `bench/web_bench.sh`: open-loop GETs at a fixed rate over
//! keep-alive HTTP/1.1 connections, or many clients posting forms at once. Run from a second
//! process on loopback, so the server's timings include the network stack.
//!
//!     load get  ADDR PATH COOKIE RATE SECONDS [CONNECTIONS]
//!     load post ADDR PATH COOKIE BODY CLIENTS PER_CLIENT
//!
//! `get` prints the count, the errors and the latency percentiles in milliseconds, measured
//! from each request's scheduled time (a slow answer delays the next ones and is counted for
//! them, so a stall is not hidden). `post` prints how many posts were answered 303 (kept) and
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
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn get(addr: String, path: String, cookie: String, rate: f64, secs: f64, conns: usize) {
    let total = (rate * secs).round() as usize;
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
        let at = start + interval * i as u32;
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
                if send(&mut s, request("POST", &addr, &path, &cookie, &body)).await == Some(303) {
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

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let usage = "usage: load get ADDR PATH COOKIE RATE SECONDS [CONNECTIONS] | load post ADDR PATH COOKIE BODY CLIENTS PER_CLIENT";
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
