//! How often `spirals` (worst month ≥ 0.6 of hours in a flare and the last month ≥ LAST) is read
//! over the 7⁴ grid, and for the named 7,1/1,7 couple over seeds.
//! `cargo run --release -p closer-model --example spiral_study -- DAYS LAST`
use closer_model::*;
fn shares(tr: &Trace) -> (f64, f64) {
    let flag: Vec<f64> = tr
        .peak
        .iter()
        .map(|p| if p[0] > 1.0 || p[1] > 1.0 { 1.0 } else { 0.0 })
        .collect();
    let n = flag.len();
    let w = (30 * 24).min(n);
    let mut acc: f64 = flag[..w].iter().sum();
    let mut best = acc;
    for k in w..n {
        acc += flag[k] - flag[k - w];
        best = best.max(acc);
    }
    (
        best / w as f64,
        flag[n - w..].iter().sum::<f64>() / w as f64,
    )
}
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let days: f64 = a[1].parse().unwrap();
    let last: f64 = a[2].parse().unwrap();
    let lv = |k: usize| 1.0 + k as f64;
    let mut n = 0;
    for i in 0..2401usize {
        let c = [lv(i % 7), lv(i / 7 % 7), lv(i / 49 % 7), lv(i / 343)];
        let p = Params::from_profiles(
            Profile::new(c[0], c[1]).unwrap(),
            Profile::new(c[2], c[3]).unwrap(),
        );
        let tr = sim::simulate(&p, &[], days, &mut rng(1, i as u64), false).unwrap();
        let (w, l) = shares(&tr);
        if w >= 0.6 && l >= last {
            n += 1;
        }
    }
    let p = Params::from_profiles(
        Profile::new(7.0, 1.0).unwrap(),
        Profile::new(1.0, 7.0).unwrap(),
    );
    let mut m = 0;
    let mut ls = vec![];
    for s in 0..40 {
        let tr = sim::simulate(&p, &[], days, &mut rng(s, 0), false).unwrap();
        let (w, l) = shares(&tr);
        ls.push((l * 100.0).round() / 100.0);
        if w >= 0.6 && l >= last {
            m += 1;
        }
    }
    println!(
        "{days} days, last ≥ {last}: grid spirals {n}/2401; 7,1/1,7 spirals {m}/40; last-month shares {ls:?}"
    );
}
