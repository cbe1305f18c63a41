//! Times the one moves reader against the fast path `closer fit` used to carry (issue 11):
//! `cargo run --release -p closer-domain --example read_moves -- FILE.csv [REPEATS] [old|new]`.
//! Prints the best of REPEATS runs of each, in seconds.

use closer_domain::{MoveType, Person, Window, moves_csv};
use std::time::Instant;

/// The old fast path's result: window, times, and dimension codes (partner × 5 + move type).
struct FastFile {
    window: Option<Window>,
    times: Vec<f64>,
    codes: Vec<u8>,
}

/// As in `tests/fit_fast_path_oracle.rs`; copied from `crates/cli/src/cmd/fit.rs` as it was before issue 11 (only `first_line` dropped).
fn fast_read(text: &str) -> Option<FastFile> {
    let mut lines = text.split('\n');
    let mut first = lines.next()?;
    let mut window = None;
    if let Some(rest) = first.strip_prefix('#') {
        let spec = rest.trim().strip_prefix("window:")?;
        window = Some(spec.trim().parse::<Window>().ok()?);
        first = lines.next()?;
    }
    if first.trim_end_matches('\r') != "time,partner,move" {
        return None;
    }
    let mut times = Vec::new();
    let mut codes = Vec::new();
    let mut prev = f64::NEG_INFINITY;
    let mut ended = false;
    for line in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            ended = true;
            continue;
        }
        if ended {
            return None;
        }
        let (t, rest) = line.split_once(',')?;
        let (p, m) = rest.split_once(',')?;
        let t: f64 = t.parse().ok()?;
        if !t.is_finite() || t < prev {
            return None;
        }
        if let Some(w) = window
            && (t < w.start || t > w.end)
        {
            return None;
        }
        prev = t;
        let p = match p {
            "A" => 0u8,
            "B" => 5,
            _ => return None,
        };
        let m = match m {
            "reach" => 0u8,
            "withdraw" => 1,
            "turn_toward" => 2,
            "repair" => 3,
            "return" => 4,
            _ => return None,
        };
        times.push(t);
        codes.push(p + m);
    }
    if times.is_empty() {
        return None;
    }
    Some(FastFile {
        window,
        times,
        codes,
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: read_moves FILE.csv [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let text = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let mut best = [f64::INFINITY; 2];
    let mut n = [0usize; 2];
    let only = args.next();
    for _ in 0..repeats {
        let t = Instant::now();
        if only.as_deref() != Some("new") {
            let f = fast_read(&text).expect("a plain file");
            best[0] = best[0].min(t.elapsed().as_secs_f64());
            n[0] = f.times.len() + f.codes.len() / 2 + usize::from(f.window.is_some());
        }
        if only.as_deref() == Some("old") {
            continue;
        }
        let t = Instant::now();
        let mut times: Vec<f64> = Vec::with_capacity(text.len() / 24);
        let mut codes: Vec<(Person, MoveType)> = Vec::with_capacity(text.len() / 24);
        moves_csv::read(&text, &path, |m| {
            times.push(m.at);
            codes.push((m.by, m.move_type));
        })
        .expect("a valid file");
        best[1] = best[1].min(t.elapsed().as_secs_f64());
        n[1] = times.len() + codes.len() / 2;
    }
    println!(
        "moves {}  old fast path {:.3} s  one reader {:.3} s  ratio {:.2}",
        n[1] * 2 / 3,
        best[0],
        best[1],
        best[1] / best[0]
    );
}
