//! The edges of the binary (issue 11): inputs that used to crash it, flags that used to wrap.

use super::common::run;

/// Near-critical parameters used to abort (a 168 GB allocation sized from the stationary count);
/// the work is now bounded by the expected count from an empty history (about 2,550 events).
#[test]
fn simulate_hawkes_near_critical_runs() {
    let r = run(&[
        "simulate-hawkes",
        "--baseline",
        "0.3,0.2",
        "--excitation",
        "0.5,0.5;0.5,0.49999999",
        "--decay",
        "1",
        "--horizon",
        "100",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let n = r.json()["events"].as_u64().expect("events");
    assert!(n > 0 && n < 100_000, "{n}");
}

/// A huge expected count used to panic ("capacity overflow") or run without end; it is refused
/// with exit 2, saying how many events it would make and the limit.
#[test]
fn simulate_hawkes_too_many_events_is_refused() {
    for (baseline, excitation, horizon, count) in [
        ("1e9,1e9", "0,0;0,0", "1e9", "2.000e18"),
        ("0.3,0.2", "0.2,0.5;0.6,0.1", "1e300", "5.000e299"),
    ] {
        let r = run(&[
            "simulate-hawkes",
            "--baseline",
            baseline,
            "--excitation",
            excitation,
            "--decay",
            "1",
            "--horizon",
            horizon,
        ]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains(count), "{}", r.stderr);
        assert!(
            r.stderr.contains("above the limit of 20000000"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
}
