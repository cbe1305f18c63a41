//! Benchmarks for bench/model.sh (release build): the linear Hawkes special case's simulation
//! throughput at the anchor's parameters, and one simulated couple-year (simulation alone, and
//! with the mean-field work `closer simulate` adds). Prints one JSON line.
//!
//!     cargo run --release -p closer-model --example model_bench -- --horizon 1e6 --seed 7

use closer_model::hawkes::{HawkesParams, simulate};
use closer_model::params::{Params, Profile};
use std::time::Instant;

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let horizon = arg("--horizon", 1e6);
    let seed: u64 = arg("--seed", 7);
    let params = HawkesParams::from_rows(vec![0.3, 0.2], &[vec![0.2, 0.5], vec![0.6, 0.1]], 1.0)
        .expect("a square excitation matrix");
    // Best of 3, as a timing of the simulation alone (no file writing).
    let mut best = f64::INFINITY;
    let mut events = 0usize;
    for rep in 0..3u64 {
        let mut rng = closer_model::rng(seed, rep);
        let t0 = Instant::now();
        let ev = simulate(&params, horizon, &mut rng).expect("anchor parameters are stationary");
        best = best.min(t0.elapsed().as_secs_f64());
        events = ev.len();
    }
    let a = Profile::new(6.0, 2.0).expect("in range");
    let b = Profile::new(2.0, 6.0).expect("in range");
    let p = Params::from_profiles(a, b);
    let mut year_sim = f64::INFINITY;
    let mut moves = 0;
    for rep in 0..5u64 {
        let mut rng = closer_model::rng(seed, rep);
        let t0 = Instant::now();
        let tr = closer_model::sim::simulate(&p, &[], 365.0, &mut rng, true).expect("valid");
        year_sim = year_sim.min(t0.elapsed().as_secs_f64());
        moves = tr.n_moves;
    }
    let t0 = Instant::now();
    let run = closer_model::run(a, b, &[], 365.0, seed, true).expect("valid");
    let year_full = t0.elapsed().as_secs_f64();
    println!(
        "{{\"tool\": \"closer-model\", \"events\": {events}, \"horizon\": {horizon}, \"simulate_s\": {best:.4}, \"events_per_s\": {:.0}, \"couple_year_simulation_s\": {year_sim:.5}, \"couple_year_moves\": {moves}, \"couple_year_with_mean_field_s\": {year_full:.4}, \"couple_year_outcome\": \"{}\"}}",
        events as f64 / best,
        run.summary.outcome
    );
}
