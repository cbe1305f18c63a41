//! Times the softener (issue 10): reads a `label,text` CSV (RFC 4180 quoting, a header line)
//! named as the first argument, reports the first call's time (it trains the two small models:
//! the risk reader's and the tone model) and then, over every message of the file, the
//! per-message mean, p50, p99 and max of [`closer_guide::soften::soften`].
//!
//! `cargo run --release -p closer-guide --example soften_time -- FILE.csv [--show]`
//! (`--show` prints, for every message, its label, what was noticed and the text; for reviewing
//! the rules, not for timing). `bench/soften_bench.sh` runs it on the committed corpora.

use closer_guide::soften::soften;
use std::time::Instant;

fn parse(csv: &str, file: &str) -> Result<Vec<(String, String)>, String> {
    let mut rows = Vec::new();
    for (n, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let Some((label, rest)) = line.split_once(',') else {
            return Err(format!("{file}, line {}: expected label,text", n + 1));
        };
        let text = match rest.strip_prefix('"') {
            Some(q) => q
                .strip_suffix('"')
                .ok_or_else(|| format!("{file}, line {}: a quote that is not closed", n + 1))?
                .replace("\"\"", "\""),
            None => rest.to_string(),
        };
        rows.push((label.to_string(), text));
    }
    Ok(rows)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args.iter().any(|a| a == "--show");
    let Some(file) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: soften_time FILE.csv [--show]  (FILE: label,text with a header line)");
        std::process::exit(2);
    };
    let csv = match std::fs::read_to_string(file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{file}: cannot read it: {e}");
            std::process::exit(2);
        }
    };
    let rows = match parse(&csv, file) {
        Ok(r) if !r.is_empty() => r,
        Ok(_) => {
            eprintln!("{file}: no messages after the header line (expected label,text)");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let first = soften(&rows[0].1);
    let first_time = t.elapsed();
    std::hint::black_box(&first);
    let mut times = Vec::with_capacity(rows.len());
    for (label, text) in &rows {
        let t = Instant::now();
        let s = soften(text);
        times.push(t.elapsed().as_secs_f64() * 1e6);
        if show {
            let what: Vec<String> = s
                .signals
                .iter()
                .map(|x| format!("{}={}", x.rule, x.words))
                .collect();
            println!(
                "{label}\t{}\t{what:?}\t{text}",
                if what.is_empty() { "-" } else { "FLAG" }
            );
        }
        std::hint::black_box(&s);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let n = times.len();
    // The nearest-rank quantile: q in 0..=1 of n times, so the rank is at most n.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "q * n for q in 0..=1 is a rank in 0..=n, clamped"
    )]
    let at = |q: f64| times[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    let mean = times.iter().sum::<f64>() / n as f64;
    println!(
        "{file}: {n} messages; first call (trains the models) {:.1} ms; per message mean {mean:.1} µs, p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        first_time.as_secs_f64() * 1e3,
        at(0.50),
        at(0.99),
        times[n - 1]
    );
}
