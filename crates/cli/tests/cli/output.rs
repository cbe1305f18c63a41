//! The one output path (issue 11): for every command, a reader that closed the pipe is a quiet
//! success (exit 0, nothing on stderr), and a full disk (`>/dev/full`) is exit 1 with one line.

use super::common::{bin, run};
use std::path::Path;
use std::process::{Command, Stdio};

/// Every subcommand (and the bare home, help and version) with arguments that print something
/// without a terminal. Files they read are made in `dir`.
fn cases(dir: &Path) -> Vec<(&'static str, Vec<String>, String)> {
    let moves = dir.join("moves.csv");
    super::common::hawkes_moves(&moves, 300.0);
    let series = dir.join("series.csv");
    let mut text = String::from("couple,person,dial,time,female\n");
    for (p, f, ph) in [("1", 1, 0.0), ("2", 0, 1.0)] {
        for t in 1..=300 {
            let x = (f64::from(t) / 6.0 + ph).sin() + 0.3 * (f64::from(t * 7919 % 97) / 97.0 - 0.5);
            text.push_str(&format!("1,{p},{x},{t},{f}\n"));
        }
    }
    std::fs::write(&series, text).expect("write series");
    let responses = dir.join("responses.csv");
    let header: Vec<String> = (1..=12).map(|i| format!("Q{i}")).collect();
    let row: Vec<String> = (1..=12).map(|i| (i % 7 + 1).to_string()).collect();
    std::fs::write(
        &responses,
        format!("{}\n{}\n", header.join(","), row.join(",")),
    )
    .expect("write responses");
    let s = |p: &Path| p.display().to_string();
    let a = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let profile = [
        "--a-anxiety",
        "5",
        "--a-avoidance",
        "2",
        "--b-anxiety",
        "2",
        "--b-avoidance",
        "5",
    ];
    let db = s(&dir.join("journal.sqlite"));
    let journal = |v: &[&str]| {
        let mut x = a(v);
        x.extend(["--db".to_string(), db.clone()]);
        x
    };
    let export = dir.join("export.json");
    std::fs::write(
        &export,
        "{\"format\": \"closer-journal\", \"version\": 1, \"exported_at\": \"2026-01-01T00:00:00Z\", \"entries\": [], \"history\": [], \"checkins\": [], \"incidents\": [], \"assessments\": [], \"screen_results\": []}",
    )
    .expect("write export");
    let mut simulate = a(&["simulate", "--days", "20"]);
    simulate.extend(a(&profile));
    let mut phase = a(&["phase"]);
    phase.extend(a(&profile));
    vec![
        ("(home)", vec![], String::new()),
        ("--help", a(&["--help"]), String::new()),
        ("--version", a(&["--version"]), String::new()),
        ("learn", a(&["learn"]), String::new()),
        ("guide", a(&["guide", "partner-pulled-away"]), String::new()),
        ("soften", a(&["soften"]), "Can we talk tonight?\n".into()),
        ("screen", a(&["screen"]), String::new()),
        ("help-now", a(&["help-now"]), String::new()),
        ("simulate", simulate, String::new()),
        ("phase", phase, String::new()),
        ("sweep", a(&["sweep"]), String::new()),
        (
            "assess",
            vec![
                "assess".into(),
                "score".into(),
                "--instrument".into(),
                "ecr-s".into(),
                s(&responses),
            ],
            String::new(),
        ),
        (
            "patterns",
            vec!["patterns".into(), s(&moves)],
            String::new(),
        ),
        (
            "series",
            vec![
                "series".into(),
                s(&series),
                "--model".into(),
                "inertia-coordination".into(),
            ],
            String::new(),
        ),
        ("fit", vec!["fit".into(), s(&moves)], String::new()),
        ("completions", a(&["completions", "bash"]), String::new()),
        ("man", a(&["man"]), String::new()),
        ("log", journal(&["log", "reach"]), String::new()),
        (
            "checkin",
            journal(&["checkin", "--closeness", "5"]),
            String::new(),
        ),
        ("journal", journal(&["journal"]), String::new()),
        (
            "report",
            journal(&["report", "--out", &s(&dir.join("report.html"))]),
            String::new(),
        ),
        ("export", journal(&["export"]), String::new()),
        ("import", journal(&["import", &s(&export)]), String::new()),
        (
            "lock",
            a(&[
                "lock",
                "--passphrase-fd",
                "0",
                "--db",
                &s(&dir.join("lock.sqlite")),
            ]),
            "a passphrase for the test\n".into(),
        ),
        (
            "forget",
            a(&["forget", "--yes", "--db", &s(&dir.join("forget.sqlite"))]),
            String::new(),
        ),
        (
            "simulate-hawkes",
            a(&[
                "simulate-hawkes",
                "--baseline",
                "0.3,0.2",
                "--excitation",
                "0.2,0.5;0.6,0.1",
                "--decay",
                "1",
                "--horizon",
                "50",
            ]),
            String::new(),
        ),
    ]
}

/// Commands with no case, each with its reason.
const NOT_HERE: &[&str] = &[
    // Runs until stopped; its one line of output is checked by `cli::serve`.
    "serve",
];

/// Sets up what a case changes each run: `lock` gets a journal not yet locked, `forget` a
/// journal to delete.
fn prepare(name: &str, dir: &Path) {
    match name {
        "lock" => {
            for f in ["lock.sqlite", "lock.sqlite-wal", "lock.sqlite-shm"] {
                let _ = std::fs::remove_file(dir.join(f));
            }
        }
        // Reading commands need a journal to read: one entry, as `log` would leave.
        "journal" if !dir.join("journal.sqlite").exists() => {
            let db = dir.join("journal.sqlite").display().to_string();
            let (code, err) = run_to(
                &["log".into(), "reach".into(), "--db".into(), db],
                "",
                Stdio::null(),
                dir,
            );
            assert_eq!(code, 0, "{err}");
        }
        "forget" => {
            let db = dir.join("forget.sqlite").display().to_string();
            let (code, err) = run_to(
                &["log".into(), "reach".into(), "--db".into(), db],
                "",
                Stdio::null(),
                dir,
            );
            assert_eq!(code, 0, "{err}");
        }
        _ => {}
    }
}

/// Runs one case with `stdout` as standard output; returns (exit code, stderr).
fn run_to(args: &[String], stdin: &str, stdout: Stdio, dir: &Path) -> (i32, String) {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("CI")
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn closer");
    {
        use std::io::Write;
        let mut si = child.stdin.take().expect("stdin");
        let _ = si.write_all(stdin.as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A pipe whose reading end is already closed: the first write fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    Stdio::from(writer)
}

fn full_disk() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

fn check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = cases(dir.path());
    // The table covers every subcommand the binary lists.
    let help = run(&["--help"]);
    let listed: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(listed.len() >= 13, "{listed:?}");
    for c in listed.iter().filter(|c| !NOT_HERE.contains(c)) {
        assert!(
            cases.iter().any(|(name, ..)| name == c),
            "no output case for `closer {c}`"
        );
    }
    let mut failures = Vec::new();
    for (name, args, stdin) in &cases {
        prepare(name, dir.path());
        let (code, err) = run_to(args, stdin, closed_pipe(), dir.path());
        // Notes a command writes to stderr (e.g. series' density note) may stay; no error line.
        if code != 0 || err.contains("closer:") || err.contains("panicked") {
            failures.push(format!(
                "{name} into a closed pipe: exit {code}, stderr {err:?}"
            ));
        }
        if !Path::new("/dev/full").exists() {
            super::common::required_in_ci("/dev/full");
        } else {
            prepare(name, dir.path());
            let (code, err) = run_to(args, stdin, full_disk(), dir.path());
            let lines: Vec<&str> = err.lines().collect();
            let one = lines.len() == 1
                && lines[0].starts_with("closer: ")
                && lines[0].contains("No space left on device")
                && !err.contains("panicked");
            if code != 1 || !one {
                failures.push(format!(
                    "{name} into /dev/full: exit {code}, stderr {err:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_command_handles_a_closed_pipe_and_a_full_disk() {
    check();
}

#[test]
fn every_json_document_is_an_object_with_a_schema_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cases = cases(dir.path());
    // The subcommands behind `assess` are listed by their own name.
    let responses = dir.path().join("responses.csv").display().to_string();
    cases.push((
        "assess change",
        [
            "assess",
            "change",
            "--instrument",
            "ecr-s",
            "--before",
            &responses,
            "--after",
            &responses,
            "--reliability",
            "0.9",
            "--sd",
            "1",
        ]
        .map(String::from)
        .to_vec(),
        String::new(),
    ));
    for c in cases.iter_mut() {
        if c.0 == "assess" {
            c.0 = "assess score";
        }
    }
    cases.push((
        "learn --ways",
        ["learn", "--ways"].map(String::from).to_vec(),
        String::new(),
    ));
    // Which commands take --json, from their own help: each must have a case here.
    let help = run(&["--help"]);
    let mut with_json: Vec<String> = Vec::new();
    for c in help
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
    {
        let names = if c == "assess" {
            vec!["assess score".to_string(), "assess change".to_string()]
        } else {
            vec![c.to_string()]
        };
        for name in names {
            let args: Vec<&str> = name.split(' ').chain(["--help"]).collect();
            if run(&args).stdout.contains("--json") {
                with_json.push(name);
            }
        }
    }
    assert!(with_json.len() >= 14, "{with_json:?}");
    with_json.push("learn --ways".into());
    let mut failures = Vec::new();
    for name in &with_json {
        let Some((_, args, stdin)) = cases.iter().find(|(n, ..)| n == name) else {
            failures.push(format!("no JSON case for `closer {name}`"));
            continue;
        };
        prepare(name, dir.path());
        let mut args = args.clone();
        args.push("--json".into());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (r, _home) = super::common::run_in(&refs, stdin);
        match serde_json::from_str::<serde_json::Value>(&r.stdout) {
            Ok(v) if v["schema_version"] == 2 => {}
            Ok(v) => failures.push(format!(
                "closer {name} --json: not an object with schema_version 2 (keys: {:?})",
                v.as_object().map(|o| o.keys().take(8).collect::<Vec<_>>())
            )),
            Err(e) => failures.push(format!(
                "closer {name} --json: exit {}, not JSON ({e}); stderr {:.200}",
                r.code, r.stderr
            )),
        }
    }
    for c in [
        "learn",
        "learn --ways",
        "guide",
        "soften",
        "screen",
        "help-now",
        "simulate",
        "phase",
        "sweep",
        "assess score",
        "assess change",
        "patterns",
        "series",
        "fit",
        "simulate-hawkes",
    ] {
        assert!(
            with_json.iter().any(|x| x == c),
            "`closer {c}` no longer takes --json? {with_json:?}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
