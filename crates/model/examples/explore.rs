use closer_model::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let days: f64 = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(180.0);
    let cases = [
        ((2.0, 2.0), (2.0, 2.0)),
        ((6.0, 2.0), (2.0, 6.0)),
        ((2.0, 6.0), (2.0, 6.0)),
        ((6.0, 2.0), (1.0, 7.0)),
        ((7.0, 1.0), (1.0, 7.0)),
        ((4.0, 4.0), (4.0, 4.0)),
        ((6.0, 6.0), (6.0, 6.0)),
    ];
    for ((aa, av), (ba, bv)) in cases {
        let a = Profile::new(aa, av).unwrap();
        let b = Profile::new(ba, bv).unwrap();
        let p = Params::from_profiles(a, b);
        println!(
            "== A({aa},{av}) B({ba},{bv}) days {days} mf hope {:.2?}",
            mean_field_hope(&p, &[], days)
        );
        for seed in 0..3 {
            let t0 = std::time::Instant::now();
            let mut g = rng(seed, 0);
            let tr = sim::simulate(&p, &[], days, &mut g, false).unwrap();
            let el = t0.elapsed();
            let s = outcome::classify(&tr, 1.0);
            println!(
                "  seed {seed}: {:?} moves {} flares {:?} peak {:.2?} late_high {:.2} reach e {:.2?} l {:.2?} conn {:.2} hope {:.2?} ({:?})",
                s.outcome,
                tr.n_moves,
                s.flares,
                s.mean_flare_peak,
                s.late_high_alarm_share,
                s.reach_per_day_early,
                s.reach_per_day_late,
                s.connecting_per_day,
                s.hope_end,
                el
            );
        }
    }
}
