//! Prints the numbers the narration reads: outcome shares over seeds, the resting state against
//! the simulated mean alarm, and each way's paired effect.
//! `cargo run --release -p closer-model --example study_numbers -- 7,1 1,7 90 20 [way …]`
use closer_model::*;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pr = |s: &str| {
        let (x, y) = s.split_once(',').unwrap();
        Profile::new(x.parse().unwrap(), y.parse().unwrap()).unwrap()
    };
    let (a, b) = (pr(&args[0]), pr(&args[1]));
    let days: f64 = args[2].parse().unwrap();
    let seeds: usize = args[3].parse().unwrap();
    let ways: Vec<WayUse> = args[4..].iter().map(|s| s.parse().unwrap()).collect();
    let sim = simulate(a, b, &ways, days, 1, seeds, false).unwrap();
    println!("shares {:?}", sim.shown.outcome_share);
    println!("shown A {:?}\nshown B {:?}", sim.shown.a, sim.shown.b);
    if let Some(st) = &sim.run.steady {
        println!(
            "steady alarms {:.3} / {:.3} agrees {}",
            st.a.alarm, st.b.alarm, sim.steady_agrees
        );
    }
    for e in &sim.way_effects {
        println!(
            "{}:{}@{} A {:?} {:.3}->{:.3} fl {:.1}->{:.1} | B {:?} {:.3}->{:.3} fl {:.1}->{:.1}",
            e.way.way,
            e.way.who,
            e.way.day,
            e.a.direction,
            e.a.mean_alarm_without,
            e.a.mean_alarm_with,
            e.a.flares_without,
            e.a.flares_with,
            e.b.direction,
            e.b.mean_alarm_without,
            e.b.mean_alarm_with,
            e.b.flares_without,
            e.b.flares_with
        );
    }
}
