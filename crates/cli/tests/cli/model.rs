//! End-to-end: `closer simulate`, `closer phase`, `closer sweep`.

use super::common::{files_under, run, run_in};
use closer_domain::moves_csv;

const AA: [&str; 8] = [
    "--a-anxiety",
    "6",
    "--a-avoidance",
    "2",
    "--b-anxiety",
    "2",
    "--b-avoidance",
    "6",
];

fn args<'a>(cmd: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![cmd];
    v.extend_from_slice(&AA);
    v.extend_from_slice(extra);
    v
}

#[test]
fn simulate_json_has_outcome_moves_and_both_peoples_steady_values() {
    let r = run(&args("simulate", &["--days", "60", "--json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert!(
        ["recurs", "spirals"].contains(&j["outcome"].as_str().unwrap()),
        "{j}"
    );
    assert_eq!(j["horizon_days"], 60.0);
    assert!(j["moves"].as_u64().unwrap() > 100);
    for p in ["A", "B"] {
        for k in ["alarm", "hope", "reach_rate", "withdraw_rate"] {
            assert!(j["steady"][p][k].as_f64().is_some(), "{p}.{k}: {j}");
        }
    }
    let stable = j["fixed_points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["stable"] == true)
        .count();
    assert_eq!(stable, 2);
    assert!(
        j["illustration"]
            .as_str()
            .unwrap()
            .contains("not a forecast")
    );
}

#[test]
fn a_way_lowers_both_steady_alarms_end_to_end() {
    let base = run(&args("simulate", &["--days", "30", "--json"])).json();
    let with = run(&args(
        "simulate",
        &["--days", "30", "--json", "--way", "stay:B@0"],
    ))
    .json();
    for p in ["A", "B"] {
        let (x0, x1) = (
            base["steady"][p]["alarm"].as_f64().unwrap(),
            with["steady"][p]["alarm"].as_f64().unwrap(),
        );
        assert!(x1 < x0, "{p}: {x0} → {x1}");
    }
}

#[test]
fn simulate_human_output_shows_both_people_the_outcome_and_its_horizon() {
    let r = run(&args(
        "simulate",
        &["--days", "45", "--way", "curious:A@10"],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.words()
            .contains("Over 45 days, the loop for this imagined couple")
            || r.words()
                .contains("Over 45 days, how the loop goes for this imagined couple"),
        "{}",
        r.stdout
    );
    assert!(r.words().contains("A's alarm") && r.words().contains("B's alarm"));
    assert!(r.words().contains("not a forecast"));
    assert!(
        r.words()
            .contains("In 20 runs with it and the same 20 runs without it")
    );
}

/// Same seed → byte-identical stdout and moves CSV; simulated moves parse back.
#[test]
fn same_seed_gives_byte_identical_output_and_moves() {
    let a = args(
        "simulate",
        &[
            "--days",
            "40",
            "--seed",
            "7",
            "--way",
            "pause:A@5",
            "--moves-out",
            "m.csv",
            "--chart",
            "c.svg",
        ],
    );
    let (r1, d1) = run_in(&a, "");
    let (r2, d2) = run_in(&a, "");
    assert_eq!((r1.code, r2.code), (0, 0), "{}", r1.stderr);
    assert_eq!(r1.stdout, r2.stdout);
    let m1 = std::fs::read(d1.path().join("work/m.csv")).unwrap();
    let m2 = std::fs::read(d2.path().join("work/m.csv")).unwrap();
    assert_eq!(m1, m2);
    let text = String::from_utf8(m1).unwrap();
    assert!(
        text.starts_with("# window: 0.0..960.0\ntime,partner,move,"),
        "{}",
        &text[..80]
    );
    let parsed = moves_csv::parse(&text, "m.csv").unwrap();
    assert!(parsed.moves.len() > 50);
    assert!(
        parsed
            .moves
            .iter()
            .any(|m| m.way == Some(closer_domain::Way::Pause))
    );
    assert!(
        parsed
            .moves
            .iter()
            .all(|m| m.way.is_none() || (m.by == closer_domain::Person::A && m.at >= 120.0))
    );
    let svg = std::fs::read_to_string(d1.path().join("work/c.svg")).unwrap();
    assert!(svg.contains("A alarm") && svg.contains("B alarm") && svg.contains("illustration"));
    assert!(svg.contains("pause by A"));
    let j1 = run(&args(
        "simulate",
        &["--days", "20", "--seed", "3", "--json"],
    ))
    .stdout;
    let j2 = run(&args(
        "simulate",
        &["--days", "20", "--seed", "3", "--json"],
    ))
    .stdout;
    assert_eq!(j1, j2);
}

#[test]
fn simulate_writes_nothing_unless_asked() {
    let (r, dir) = run_in(&args("simulate", &["--days", "10"]), "");
    assert_eq!(r.code, 0);
    assert!(
        files_under(dir.path()).is_empty(),
        "{:?}",
        files_under(dir.path())
    );
}

#[test]
fn bad_input_is_one_clear_message_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "simulate",
                "--a-anxiety",
                "9",
                "--a-avoidance",
                "2",
                "--b-anxiety",
                "2",
                "--b-avoidance",
                "6",
            ],
            "1–7",
        ),
        (
            &[
                "simulate",
                "--a-anxiety",
                "NaN",
                "--a-avoidance",
                "2",
                "--b-anxiety",
                "2",
                "--b-avoidance",
                "6",
            ],
            "1–7",
        ),
        (
            &[
                "simulate",
                "--a-anxiety",
                "2",
                "--a-avoidance",
                "2",
                "--b-anxiety",
                "-3",
                "--b-avoidance",
                "6",
            ],
            "1–7",
        ),
        (
            &[
                "phase",
                "--a-anxiety",
                "2",
                "--a-avoidance",
                "0.5",
                "--b-anxiety",
                "2",
                "--b-avoidance",
                "6",
            ],
            "1–7",
        ),
    ];
    for (a, want) in cases {
        let (r, dir) = run_in(a, "");
        assert_eq!(r.code, 2, "{a:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{a:?}: {}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(files_under(dir.path()).is_empty());
    }
    for (w, want) in [
        ("hug:A@1", "expected one of"),
        ("pause:C@1", "A, B or both"),
        ("pause:A-3", "A, B or both"),
        ("pause", "NAME:WHO@DAY"),
        ("pause:A@x", "day number"),
        ("pause:A@-3", "0 or more"),
        ("pause:A@400", "after the horizon"),
        ("name:A@1", "name:both"),
    ] {
        let (r, dir) = run_in(&args("simulate", &["--way", w, "--moves-out", "m.csv"]), "");
        assert_eq!(r.code, 2, "{w}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{w}: {}", r.stderr);
        assert!(files_under(dir.path()).is_empty(), "{w}");
    }
    let r = run(&args("simulate", &["--days", "-5"]));
    assert_eq!(r.code, 2);
    let r = run(&["sweep", "--grid", "1"]);
    assert_eq!(r.code, 2);
}

#[test]
fn phase_json_lists_fixed_points_with_stability_and_draws_a_chart() {
    let (r, dir) = run_in(&args("phase", &["--json", "--chart", "p.svg"]), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let fps = j["fixed_points"].as_array().unwrap();
    assert_eq!(fps.len(), 3, "{j}");
    assert_eq!(fps.iter().filter(|f| f["stable"] == true).count(), 2);
    for f in fps {
        assert!(f["A"]["alarm"].as_f64().is_some() && f["B"]["alarm"].as_f64().is_some());
    }
    let svg = std::fs::read_to_string(dir.path().join("work/p.svg")).unwrap();
    assert!(svg.contains("alarm of A") && svg.contains("alarm of B"));
    assert!(svg.contains("where B's alarm stops changing") && !svg.contains("nullcline"));
    assert_eq!(svg.matches("<title>stable resting point").count(), 2);
    let r = run(&[
        "phase",
        "--a-anxiety",
        "2",
        "--a-avoidance",
        "2",
        "--b-anxiety",
        "2",
        "--b-avoidance",
        "2",
        "--json",
    ]);
    assert_eq!(r.json()["fixed_points"].as_array().unwrap().len(), 1);
}

#[test]
fn sweep_is_reproducible_and_covers_the_plane() {
    let a = [
        "sweep", "--grid", "4", "--days", "20", "--json", "--chart", "h.svg",
    ];
    let (r1, d1) = run_in(&a, "");
    let (r2, _) = run_in(&a, "");
    assert_eq!(r1.code, 0, "{}", r1.stderr);
    assert_eq!(r1.stdout, r2.stdout);
    let j = r1.json();
    assert_eq!(j["cells"].as_array().unwrap().len(), 16);
    assert_eq!(j["held"]["a_avoidance"], 2.0);
    let total: u64 = j["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 16);
    let svg = std::fs::read_to_string(d1.path().join("work/h.svg")).unwrap();
    assert!(svg.matches("<rect x=").count() >= 16);
    let r = run(&[
        "sweep",
        "--grid",
        "2",
        "--days",
        "5",
        "--all-dims",
        "--json",
    ]);
    assert_eq!(r.json()["cells"].as_array().unwrap().len(), 16);
}

/// `simulate --json` reads the outcome over several seeds: `seeds`, `outcome_share` with all five
/// outcomes summing to 1, and `outcome` stays the pictured run's; `steady` stays, with
/// `steady_agrees` beside it.
#[test]
fn simulate_json_gives_outcome_shares_over_seeds_and_whether_the_resting_state_agrees() {
    let couple = [
        "simulate",
        "--a-anxiety",
        "7",
        "--a-avoidance",
        "1",
        "--b-anxiety",
        "1",
        "--b-avoidance",
        "7",
        "--days",
        "90",
    ];
    let mut a = couple.to_vec();
    a.extend(["--json", "--seeds", "10"]);
    let r = run(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["seeds"], 10);
    let share = j["outcome_share"].as_object().unwrap();
    let keys: Vec<&str> = share.keys().map(String::as_str).collect();
    for k in ["settles", "recurs", "spirals", "drifts", "distant"] {
        assert!(keys.contains(&k), "{k}: {j}");
    }
    assert_eq!(share.len(), 5);
    let total: f64 = share.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    // Near a boundary: more than one outcome, none with a clear majority.
    assert!(
        share.values().filter(|v| v.as_f64().unwrap() > 0.0).count() >= 2,
        "{j}"
    );
    assert_eq!(j["clear_cut"], false);
    // The pictured run's outcome is one the shares count.
    let pictured = j["outcome"].as_str().unwrap();
    assert!(share[pictured].as_f64().unwrap() > 0.0);
    // The only resting state (alarms near 5) is far from what the runs show (near 1).
    assert!(j["steady"]["A"]["alarm"].as_f64().unwrap() > 4.0);
    assert_eq!(j["steady_agrees"], false);
    assert!(j["shown"]["A"]["mean_alarm"].as_f64().unwrap() < 2.0);
    let r = run(&couple);
    assert!(
        r.words().contains("is not clear-cut: across 20 runs"),
        "{}",
        r.stdout
    );
    assert!(
        r.words().contains("the runs do not stay near it"),
        "{}",
        r.stdout
    );
    // A secure couple: clear-cut, and the resting state agrees.
    let j = run(&[
        "simulate",
        "--a-anxiety",
        "2",
        "--a-avoidance",
        "2",
        "--b-anxiety",
        "2",
        "--b-avoidance",
        "2",
        "--days",
        "60",
        "--json",
    ])
    .json();
    assert_eq!(j["outcome_share"]["settles"], 1.0);
    assert_eq!(j["steady_agrees"], true);
    assert_eq!(j["seeds"], 20);
}

/// Each way is narrated from paired runs; a way with no measurable effect says so.
#[test]
fn simulate_narrates_each_way_from_paired_runs() {
    let r = run(&args(
        "simulate",
        &[
            "--days", "180", "--way", "space:B", "--way", "stay:B", "--json",
        ],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let effects = j["way_effects"].as_array().unwrap();
    assert_eq!(effects.len(), 2);
    assert_eq!(effects[0]["flag"], "space:B@0");
    assert_eq!(effects[0]["A"]["direction"], "no_clear_difference");
    assert_eq!(effects[0]["B"]["direction"], "no_clear_difference");
    assert_eq!(effects[1]["A"]["direction"], "calmer");
    let text: Vec<String> = j["narration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap_or_default().to_string())
        .collect();
    let space = text.iter().find(|t| t.contains("B gives space")).unwrap();
    assert!(
        space.contains("no clear difference to either person's alarm for this imagined couple"),
        "{space}"
    );
    assert!(!text.iter().any(|t| t.contains("moves both people")));
}

/// A way given twice to the same person (on any day) would stack: refused, naming both flags.
#[test]
fn a_way_given_twice_for_the_same_person_is_refused_naming_both_flags() {
    for (cmd, w1, w2) in [
        ("simulate", "pause:A@0", "pause:A@5"),
        ("simulate", "name:both", "name:both"),
        ("simulate", "pause:A", "pause:both@3"),
        ("phase", "stay:B", "stay:B@2"),
    ] {
        let mut extra = vec!["--way", w1, "--way", w2, "--chart", "c.svg"];
        if cmd == "simulate" {
            extra.extend(["--days", "30"]);
        }
        let (r, dir) = run_in(&args(cmd, &extra), "");
        assert_eq!(r.code, 2, "{w1} {w2}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("--way {w1} and --way {w2}")),
            "{}",
            r.stderr
        );
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
        assert!(files_under(dir.path()).is_empty());
    }
    // Different people, or different ways: fine.
    let r = run(&args(
        "simulate",
        &[
            "--days", "10", "--way", "pause:A", "--way", "pause:B", "--way", "stay:B",
        ],
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&args("simulate", &["--days", "10", "--seeds", "4"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// `sweep --json` gives each cell its shares over the seeds and marks cells without a clear
/// majority; the chart hatches them and says how many runs each cell has.
#[test]
fn sweep_gives_each_cell_its_shares_and_marks_unclear_cells() {
    let (r, dir) = run_in(
        &[
            "sweep", "--grid", "6", "--days", "60", "--seeds", "8", "--json", "--chart", "h.svg",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["seeds"], 8);
    let cells = j["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 36);
    let mut unclear = 0;
    for c in cells {
        let share = c["outcome_share"].as_object().unwrap();
        assert_eq!(share.len(), 5);
        let total: f64 = share.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-12);
        let top = share
            .values()
            .map(|v| v.as_f64().unwrap())
            .fold(0.0, f64::max);
        assert_eq!(c["clear"], top >= 0.75, "{c}");
        assert_eq!(share[c["outcome"].as_str().unwrap()].as_f64().unwrap(), top);
        // Shares are whole runs out of 8.
        for v in share.values() {
            let k = v.as_f64().unwrap() * 8.0;
            assert!((k - k.round()).abs() < 1e-9);
        }
        unclear += usize::from(c["clear"] == false);
    }
    assert_eq!(j["unclear"], unclear);
    let svg = std::fs::read_to_string(dir.path().join("work/h.svg")).unwrap();
    assert!(
        svg.contains("in 8 runs of each imagined couple"),
        "{svg:.400}"
    );
    assert_eq!(svg.matches("(no clear majority)</title>").count(), unclear);
    let text = run(&["sweep", "--grid", "6", "--days", "60", "--seeds", "8"]).words();
    assert!(text.contains("run 8 times"), "{text}");
}

/// Every chart the commands write is readable: no jargon, the flare level on a fixed alarm scale,
/// and both people in every panel.
#[test]
fn charts_from_the_commands_use_plain_words_and_show_both_people() {
    let (r, dir) = run_in(
        &args(
            "simulate",
            &["--days", "30", "--chart", "s.svg", "--chart-size", "phone"],
        ),
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(dir.path().join("work/s.svg")).unwrap();
    assert!(svg.contains("width=\"380\""));
    assert!(svg.contains(">flare level<"));
    for who in [
        "A alarm",
        "B alarm",
        "A hope",
        "B hope",
        "A reaching",
        "B reaching",
    ] {
        assert!(svg.contains(who), "{who}");
    }
    assert!(svg.contains("one run of 20"));
    let (r, dir) = run_in(&args("phase", &["--chart", "p.svg"]), "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(dir.path().join("work/p.svg")).unwrap();
    assert!(!svg.to_lowercase().contains("nullcline"));
    assert!(svg.contains("where A's alarm stops changing"));
}

#[test]
fn simulate_hawkes_refuses_an_exploding_process_and_writes_a_log_fit_can_read() {
    use super::common::{files_under, run, run_in};
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // The reference benchmark's parameters, with a chosen excitation, horizon and output file.
    let args = |excitation: &'static str, horizon: &'static str, out: String| -> Vec<String> {
        let fixed = [
            "simulate-hawkes",
            "--baseline",
            "0.3,0.2",
            "--decay",
            "1",
            "--seed",
            "7",
        ];
        let mut a: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        for (flag, v) in [("--excitation", excitation), ("--horizon", horizon)] {
            a.extend([flag.to_string(), v.to_string()]);
        }
        a.extend(["--moves-out".to_string(), out]);
        a
    };
    // Spectral radius 1.1: refused with exit 2, nothing written.
    let bad = args("0.6,0.5;0.6,0.6", "100", "m.csv".into());
    let (r, home) = run_in(&strs(&bad), "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("spectral radius"), "{}", r.stderr);
    assert!(files_under(home.path()).is_empty());
    // A stable process: counts agree with the stationary rates, and the log parses back.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    let mut good = args("0.2,0.5;0.6,0.1", "20000", out.display().to_string());
    good.push("--json".into());
    let r = run(&strs(&good));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let rates = v["stationary_rates"].as_array().unwrap();
    for k in 0..2 {
        let n = v["counts"][k].as_f64().unwrap();
        let expect = rates[k].as_f64().unwrap() * 20000.0;
        // Clustered counts vary more than Poisson; 5 % is many standard deviations here.
        assert!(
            (n - expect).abs() < 0.05 * expect,
            "type {k}: {n} vs {expect}"
        );
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# window: 0.0..20000.0\n"));
    let parsed = closer_domain::moves_csv::parse(&text, "m.csv").expect("the log parses back");
    assert_eq!(
        parsed.moves.len(),
        usize::try_from(v["events"].as_u64().unwrap()).unwrap()
    );
    assert_eq!(parsed.window.map(|w| w.end), Some(20000.0));
    // Same seed, same bytes.
    let out2 = dir.path().join("m2.csv");
    let again = args("0.2,0.5;0.6,0.1", "20000", out2.display().to_string());
    assert_eq!(run(&strs(&again)).code, 0);
    assert_eq!(text, std::fs::read_to_string(&out2).unwrap());
}
