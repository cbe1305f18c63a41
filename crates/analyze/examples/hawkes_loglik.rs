//! `hawkes_loglik MOVES.csv HORIZON PARAMS.json`: closer's exact log-likelihood of a moves file
//! at given parameters (`{"baseline": [..], "excitation": [[..]..], "decay": x}`, dimensions in
//! closer's order), for `bench/hawkes_vs_hawkes_rs.sh` to compare with `hawkes-rs`' own value at
//! its estimates.

use closer_analyze::hawkes::{Events, HawkesParams, log_likelihood};
use closer_domain::{Window, moves_csv};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 {
        return Err("usage: hawkes_loglik MOVES.csv HORIZON PARAMS.json".into());
    }
    let text = std::fs::read_to_string(&a[1])?;
    let horizon: f64 = a[2].parse()?;
    let p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&a[3])?)?;
    let file = moves_csv::parse(&text, &a[1])?;
    let ev = Events::from_moves(
        &file.moves,
        Window {
            start: 0.0,
            end: horizon,
        },
        1,
    )?;
    let nums = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .map(|x| x.iter().filter_map(|y| y.as_f64()).collect())
            .unwrap_or_default()
    };
    let baseline = nums(&p["baseline"]);
    let excitation: Vec<f64> = p["excitation"]
        .as_array()
        .map(|rows| rows.iter().flat_map(nums).collect())
        .unwrap_or_default();
    let decay = p["decay"].as_f64().ok_or("no decay")?;
    let d = baseline.len();
    if d != ev.dims() || excitation.len() != d * d {
        return Err("parameter shapes do not match the file's dimensions".into());
    }
    let params = HawkesParams {
        dims: d,
        bins: 1,
        baseline,
        excitation,
        decay,
    };
    println!("{:.17e}", log_likelihood(&ev, &params));
    Ok(())
}
