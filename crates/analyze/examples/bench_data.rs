//! Writes the large moves files the benchmarks time (`bench/patterns_bench.sh`,
//! `bench/hawkes_fit_bench.sh`), seeded, so every run times the same file.
//!
//! - `bench_data episodes N_EPISODES > moves.csv`: N episodes from the calibration study's known
//!   chain, whose moves are spread over the days (labels dropped, so `closer patterns` groups them
//!   by quiet gaps as it would a real log), with a `# window:` line; about 3 moves per episode.
//!   With `per-move` as a third argument every move carries a way with probability ¼.
//! - `bench_data hawkes HORIZON > moves.csv`: the two-dimensional process of the hawkes-rs anchor
//!   (`../shared/bench/hawkes_anchor.py`: baselines 0.3, 0.2; excitation [[0.2, 0.5], [0.6,
//!   0.1]]; decay 1), simulated by `closer_model::hawkes::simulate`: about 168 thousand events at
//!   horizon 1e5 and 1.69 million at 1e6.

use closer_analyze::episodes::calibration::{Source, reference_chain, simulate};
use closer_analyze::rng::{Draw, rng};
use closer_domain::{Way, Window, moves_csv};
use closer_model::hawkes::HawkesParams;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("episodes");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match what {
        "episodes" => {
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200_000);
            let per_move = args.get(3).map(String::as_str) == Some("per-move");
            let src = Source::Chain {
                chain: reference_chain(),
                way: 0.0,
            };
            let mut rng = rng(2026, 0);
            let (mut moves, window) = simulate(&src, n, 12.0, &mut rng);
            for m in &mut moves {
                m.episode = None;
                if per_move && rng.bernoulli(0.25) {
                    m.way = Some(Way::Pause);
                }
            }
            moves_csv::write(&mut out, Some(window), &moves).expect("write");
        }
        "hawkes" => {
            let horizon: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1e5);
            let p = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.1]], 1.0)
                .expect("a square excitation matrix");
            let mut rng = closer_model::rng(7, 0);
            let ev = closer_model::hawkes::simulate(&p, horizon, &mut rng).expect("simulate");
            let w = Window {
                start: 0.0,
                end: horizon,
            };
            writeln!(out, "# window: {}..{}", w.start, w.end).expect("write");
            writeln!(out, "time,partner,move").expect("write");
            for (t, k) in ev {
                let (p, m) = if k == 0 {
                    ("A", "reach")
                } else {
                    ("B", "withdraw")
                };
                writeln!(out, "{t:?},{p},{m}").expect("write");
            }
        }
        other => {
            eprintln!(
                "bench_data: expected `episodes N [per-move]` or `hawkes HORIZON`, found {other:?}"
            );
            std::process::exit(2);
        }
    }
}
