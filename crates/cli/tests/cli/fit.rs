//! `closer fit`: the Hawkes fit end to end — JSON fields, windows, multi-couple files, bad input.

use super::common::{files_under, run, run_in};
use std::path::PathBuf;

/// A deterministic log: bursts where a reach by A is often followed by a withdrawal by B.
fn log(n: usize, seed: u64, couple: Option<&str>) -> Vec<String> {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut u = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut t = 0.0;
    let mut rows = Vec::new();
    while rows.len() < n {
        t += -u().max(1e-12).ln() * 2.0;
        let c = couple.map(|c| format!(",{c}")).unwrap_or_default();
        rows.push(format!("{t:.4},A,reach{c}"));
        if u() < 0.6 {
            rows.push(format!("{:.4},B,withdraw{c}", t + 0.3 * u()));
        }
        if u() < 0.3 {
            rows.push(format!("{:.4},B,withdraw{c}", t + 0.4 + u()));
        }
    }
    rows
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

fn sorted_body(rows: &[String]) -> String {
    let mut r: Vec<(f64, &String)> = rows
        .iter()
        .map(|l| (l.split(',').next().unwrap().parse::<f64>().unwrap(), l))
        .collect();
    r.sort_by(|a, b| a.0.total_cmp(&b.0));
    r.iter().map(|x| format!("{}\n", x.1)).collect()
}

#[test]
fn json_reports_every_documented_field() {
    let dir = tempfile::tempdir().unwrap();
    let body = sorted_body(&log(400, 1, None));
    let f = write(
        &dir,
        "m.csv",
        &format!("# window: 0..800\ntime,partner,move\n{body}"),
    );
    let (r, home) = run_in(&["fit", f.to_str().unwrap(), "--json"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["schema_version"], 2);
    assert_eq!(
        j["dimensions"],
        serde_json::json!(["A reach", "B withdraw"])
    );
    assert_eq!(j["horizon"], 800.0);
    let n = j["events"].as_u64().unwrap();
    assert!(n >= 400);
    assert_eq!(j["baseline"].as_array().unwrap().len(), 2);
    let g = j["excitation"].as_array().unwrap();
    assert_eq!(g.len(), 2);
    // The log was built so that A's reach is followed by B's withdrawal.
    assert!(g[1][0].as_f64().unwrap() > 0.2, "{g:?}");
    assert!(j["decay"].as_f64().unwrap() > 0.0);
    let rho = j["spectral_radius"].as_f64().unwrap();
    assert!(rho >= 0.0);
    if rho < 1.0 {
        assert_eq!(j["cascade_size"].as_array().unwrap().len(), 2);
    } else {
        assert!(j["cascade_size"].is_null());
    }
    let loops = j["loop_gain"].as_array().unwrap();
    assert_eq!(loops.len(), 1);
    assert_eq!(loops[0]["reach"], "A reach");
    assert_eq!(loops[0]["withdraw"], "B withdraw");
    let gain = loops[0]["gain"].as_f64().unwrap();
    let want = g[1][0].as_f64().unwrap() * g[0][1].as_f64().unwrap();
    assert!((gain - want).abs() < 1e-12);
    assert!(j["log_likelihood"].as_f64().unwrap().is_finite());
    assert!(j["projected_gradient_max"].as_f64().unwrap() < 1e-3);
    let iv = &j["intervals"];
    assert_eq!(iv["method"], "profile likelihood");
    assert_eq!(iv["excitation"].as_array().unwrap().len(), 4);
    for (k, e) in iv["excitation"].as_array().unwrap().iter().enumerate() {
        let est = g[k / 2][k % 2].as_f64().unwrap();
        assert!(e["lower"].as_f64().unwrap() <= est + 1e-9);
        if let Some(u) = e["upper"].as_f64() {
            assert!(u >= est - 1e-9);
        }
    }
    let checks = j["rescaling"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks[0]["ks_p_value"].as_f64().is_some());
    assert!(
        j["rescaling_note"]
            .as_str()
            .unwrap()
            .contains("little power")
    );
    assert!(j["note"].as_str().unwrap().contains("not a reading"));
    // Nothing written anywhere.
    assert!(files_under(home.path()).is_empty());
}

#[test]
fn human_output_states_method_and_that_it_is_a_research_fit() {
    let dir = tempfile::tempdir().unwrap();
    let body = sorted_body(&log(200, 2, None));
    let f = write(&dir, "m.csv", &format!("time,partner,move\n{body}"));
    let r = run(&[
        "fit",
        f.to_str().unwrap(),
        "--horizon",
        "500",
        "--intervals",
        "none",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("maximum likelihood"));
    assert!(r.stdout.contains("research"));
    assert!(r.stdout.contains("not a reading of anyone's relationship"));
    assert!(r.stdout.contains("excitation: row = the move set off"));
    assert!(r.stdout.contains("little power"));
    assert!(!r.stdout.to_lowercase().contains("your partner"));
}

#[test]
fn window_flags_override_the_file_and_daily_baseline_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let body = sorted_body(&log(200, 3, None));
    let f = write(
        &dir,
        "m.csv",
        &format!("# window: 0..600\ntime,partner,move\n{body}"),
    );
    let a = run(&["fit", f.to_str().unwrap(), "--json", "--intervals", "none"]).json();
    let b = run(&[
        "fit",
        f.to_str().unwrap(),
        "--window",
        "0..700",
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    assert_eq!(a["horizon"], 600.0);
    assert_eq!(b["horizon"], 700.0);
    assert_ne!(a["log_likelihood"], b["log_likelihood"]);
    let c = run(&[
        "fit",
        f.to_str().unwrap(),
        "--daily-baseline",
        "4",
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    assert_eq!(c["daily_baseline_bins"], 4);
    assert_eq!(
        c["baseline_daily"].as_array().unwrap()[0]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // The daily baseline nests the constant one: its maximum is at least as high.
    assert!(c["log_likelihood"].as_f64().unwrap() >= a["log_likelihood"].as_f64().unwrap() - 1e-6);
}

#[test]
fn the_fast_reader_and_the_full_reader_agree() {
    // An optional column sends the file through the full reader; the fit must not change.
    let dir = tempfile::tempdir().unwrap();
    let body = sorted_body(&log(150, 4, None));
    let plain = write(&dir, "p.csv", &format!("time,partner,move\n{body}"));
    let with_way: String = body.lines().map(|l| format!("{l},\n")).collect();
    let full = write(&dir, "f.csv", &format!("time,partner,move,way\n{with_way}"));
    let a = run(&[
        "fit",
        plain.to_str().unwrap(),
        "--horizon",
        "400",
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    let b = run(&[
        "fit",
        full.to_str().unwrap(),
        "--horizon",
        "400",
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    assert_eq!(a["log_likelihood"], b["log_likelihood"]);
    assert_eq!(a["excitation"], b["excitation"]);
}

#[test]
fn multi_couple_files_give_an_array_one_fit_per_couple() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("# window: 0..500\ntime,partner,move,couple\n");
    text.push_str(&sorted_body(&log(150, 5, Some("c1"))));
    text.push_str(&sorted_body(&log(120, 6, Some("c2"))));
    let f = write(&dir, "multi.csv", &text);
    let r = run(&["fit", f.to_str().unwrap(), "--json", "--intervals", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["schema_version"], 2);
    let arr = j["couples"].as_array().expect("an array of couples");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["couple"], "c1");
    assert_eq!(arr[1]["couple"], "c2");
    // Each couple fitted on its own: the single-couple fit of c1 gives the same numbers.
    let mut one = String::from("# window: 0..500\ntime,partner,move\n");
    one.push_str(&sorted_body(&log(150, 5, None)));
    let g = write(&dir, "one.csv", &one);
    let s = run(&["fit", g.to_str().unwrap(), "--json", "--intervals", "none"]).json();
    assert_eq!(s["log_likelihood"], arr[0]["log_likelihood"]);
    // No progress bar without a terminal.
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn no_window_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "m.csv",
        "time,partner,move\n1,A,reach\n2,B,withdraw\n",
    );
    let r = run(&["fit", f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no observation window"), "{}", r.stderr);
    assert!(r.stderr.contains("--horizon"));
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_input_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "unsorted",
            "time,partner,move\n1,A,reach\n3,B,withdraw\n2,A,reach\n",
            "line 4, field `time`",
        ),
        (
            "partner",
            "time,partner,move\n1,A,reach\n2,C,withdraw\n",
            "line 3, field `partner`",
        ),
        (
            "move",
            "time,partner,move\n1,A,reach\n2,B,sulk\n",
            "line 3, field `move`",
        ),
        (
            "nan",
            "time,partner,move\n1,A,reach\nNaN,B,withdraw\n",
            "line 3, field `time`",
        ),
        (
            "text",
            "time,partner,move\n1,A,reach\nsoon,B,withdraw\n",
            "line 3, field `time`",
        ),
        ("empty", "", "empty"),
        ("header-only", "time,partner,move\n", "no moves"),
    ];
    for (name, text, want) in cases {
        let f = write(&dir, &format!("{name}.csv"), text);
        let r = run(&["fit", f.to_str().unwrap(), "--horizon", "10"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("{name}.csv")),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(want), "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}");
    }
    // A move outside the window given on the command line.
    let f = write(
        &dir,
        "late.csv",
        "time,partner,move\n1,A,reach\n12,B,withdraw\n",
    );
    let r = run(&["fit", f.to_str().unwrap(), "--horizon", "10"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 3, field `time`"), "{}", r.stderr);
    // Bad flags.
    let r = run(&["fit", f.to_str().unwrap(), "--window", "5..1"]);
    assert_eq!(r.code, 2);
    let r = run(&[
        "fit",
        f.to_str().unwrap(),
        "--horizon",
        "20",
        "--daily-baseline",
        "0",
    ]);
    assert_eq!(r.code, 2);
    let r = run(&["fit", "/nonexistent/moves.csv", "--horizon", "20"]);
    assert_eq!(r.code, 2);
}

/// A log with no excitation at all: two independent Poisson streams.
fn poisson_log(n: usize, seed: u64) -> Vec<String> {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut u = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows = Vec::new();
    for who in ["A,reach", "B,withdraw"] {
        let mut t = 0.0;
        loop {
            t += -u().max(1e-12).ln() * 4.0;
            if t >= 2.0 * n as f64 {
                break;
            }
            rows.push(format!("{t:.4},{who}"));
        }
    }
    rows
}

#[test]
fn null_test_gates_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    // Strongly excited: B's withdrawals follow A's reaches within the hour.
    let body = sorted_body(&log(300, 3, None));
    let f = write(
        &dir,
        "x.csv",
        &format!("# window: 0..600\ntime,partner,move\n{body}"),
    );
    let path = f.to_str().unwrap();
    let r = run(&["fit", path, "--json", "--null-test", "39"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let t = &j["null_test"];
    assert_eq!(t["replicates"], 39);
    assert!(t["lr"].as_f64().unwrap() > 20.0, "{t}");
    // Above all 39 simulated statistics: the smallest p-value there is.
    assert_eq!(t["p_value"].as_f64().unwrap(), 1.0 / 40.0);
    let findings: Vec<&str> = t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(findings.contains(&"B withdraw ← A reach"), "{t}");
    assert_eq!(t["findings"], t["intervals_excluding_zero"]);
    // Seeded: the same file gives the same test.
    let again = run(&["fit", path, "--json", "--null-test", "39"]);
    assert_eq!(again.json()["null_test"], j["null_test"]);
    // Without intervals (and without the flag) there is no test in the output; with the
    // default profile intervals the test runs with 39 replicates.
    let plain = run(&["fit", path, "--json", "--intervals", "none"]);
    assert!(plain.json().get("null_test").is_none());
    let default = run(&["fit", path, "--json"]);
    assert_eq!(default.json()["null_test"]["replicates"], 39);
    let human = run(&["fit", path, "--null-test", "39"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("test of no excitation at all (Monte Carlo, 39 replicates)"),
        "{}",
        human.stdout
    );
    let line = human
        .stdout
        .lines()
        .find(|l| l.starts_with("test of no excitation"))
        .unwrap();
    assert!(line.contains("p 0.025"), "{line}");
    assert!(line.contains("count as findings: "), "{line}");
    assert!(line.contains("B withdraw ← A reach"), "{line}");

    // No excitation: whatever the intervals say, findings are listed only if the test rejects.
    let body = sorted_body(&poisson_log(300, 4));
    let f = write(
        &dir,
        "p.csv",
        &format!("# window: 0..600\ntime,partner,move\n{body}"),
    );
    let r = run(&["fit", f.to_str().unwrap(), "--json", "--null-test", "39"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.json()["null_test"];
    let p = t["p_value"].as_f64().unwrap();
    assert!((1.0 / 40.0..=1.0).contains(&p), "{t}");
    if p < 0.05 {
        assert_eq!(t["findings"], t["intervals_excluding_zero"]);
    } else {
        assert_eq!(t["findings"], serde_json::json!([]));
    }
    let help = run(&["fit", "--help"]);
    assert!(help.stdout.contains("--null-test <B>"), "{}", help.stdout);
}

/// Two independent streams that both come only in the evening (19:00–23:00), for `days` days:
/// no excitation at all, a strong daily rhythm.
fn evening_log(days: usize, seed: u64) -> String {
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut u = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut rows: Vec<(f64, &str)> = Vec::new();
    for d in 0..days {
        for who in ["A,reach", "B,withdraw"] {
            let mut t = 19.0 + -u().max(1e-12).ln() / 0.5;
            while t < 23.0 {
                rows.push((24.0 * d as f64 + t, who));
                t += -u().max(1e-12).ln() / 0.5;
            }
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let body: String = rows.iter().map(|(t, w)| format!("{t:.4},{w}\n")).collect();
    format!("# window: 0..{}\ntime,partner,move\n{body}", 24 * days)
}

#[test]
fn the_default_fit_tests_for_a_daily_rhythm_and_chooses_its_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let evening = write(&dir, "evening.csv", &evening_log(40, 3));
    let r = run(&[
        "fit",
        evening.to_str().unwrap(),
        "--json",
        "--intervals",
        "none",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["daily_rhythm"]["flat"], false, "{}", j["daily_rhythm"]);
    assert!(j["daily_rhythm"]["p_value"].as_f64().unwrap() < 0.05);
    assert_eq!(j["daily_baseline_bins"], 24);
    // A log with no rhythm keeps the constant baseline, exactly as asked with one bin.
    let body = sorted_body(&log(400, 1, None));
    let flat = write(
        &dir,
        "flat.csv",
        &format!("# window: 0..800\ntime,partner,move\n{body}"),
    );
    let a = run(&[
        "fit",
        flat.to_str().unwrap(),
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    assert_eq!(a["daily_rhythm"]["flat"], true, "{}", a["daily_rhythm"]);
    assert!(a["daily_baseline_bins"].is_null());
    let b = run(&[
        "fit",
        flat.to_str().unwrap(),
        "--json",
        "--intervals",
        "none",
        "--daily-baseline",
        "1",
    ])
    .json();
    assert_eq!(a["log_likelihood"], b["log_likelihood"]);
    assert_eq!(a["excitation"], b["excitation"]);
    // A window shorter than two complete days cannot be tested: constant baseline, null test.
    let short = write(
        &dir,
        "short.csv",
        "# window: 0..30\ntime,partner,move\n1,A,reach\n1.5,B,withdraw\n20,A,reach\n",
    );
    let s = run(&[
        "fit",
        short.to_str().unwrap(),
        "--json",
        "--intervals",
        "none",
    ])
    .json();
    assert!(s["daily_rhythm"].is_null());
    assert!(s["daily_baseline_bins"].is_null());
}

#[test]
fn a_constant_baseline_asked_for_a_rhythmic_log_withholds_findings_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let evening = write(&dir, "evening.csv", &evening_log(30, 5));
    let r = run(&[
        "fit",
        evening.to_str().unwrap(),
        "--json",
        "--daily-baseline",
        "1",
        "--null-test",
        "19",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["daily_rhythm"]["flat"], false);
    assert!(j["daily_baseline_bins"].is_null());
    let t = &j["null_test"];
    assert_eq!(t["findings"].as_array().unwrap().len(), 0);
    assert!(
        t["note"].as_str().unwrap().contains("Findings withheld"),
        "{}",
        t["note"]
    );
    // Coarse bins are warned about.
    let c = run(&[
        "fit",
        evening.to_str().unwrap(),
        "--json",
        "--intervals",
        "none",
        "--daily-baseline",
        "4",
    ])
    .json();
    let w = c["warnings"].as_array().unwrap();
    assert!(
        w.iter().any(|w| w.as_str().unwrap().contains("too coarse")),
        "{w:?}"
    );
}

#[test]
fn an_empty_couple_is_refused_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "c.csv",
        "# window: 0..100\ntime,partner,move,couple\n1,A,reach,c1\n2,B,withdraw,\n3,A,reach,c1\n",
    );
    let r = run(&["fit", f.to_str().unwrap(), "--intervals", "none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 4"), "{}", r.stderr);
    assert!(r.stderr.contains("couple"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_window_far_longer_than_the_moves_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let body = sorted_body(&log(300, 2, None));
    let f = write(
        &dir,
        "long.csv",
        &format!("# window: 0..1000000000\ntime,partner,move\n{body}"),
    );
    let j = run(&["fit", f.to_str().unwrap(), "--json", "--intervals", "none"]).json();
    let w: Vec<String> = j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(w.iter().any(|w| w.contains("far longer")), "{w:?}");
    assert_eq!(j["decay_at_bound"], true);
    assert!(
        w.iter().any(|w| w.contains("edge of its search range")),
        "{w:?}"
    );
}
