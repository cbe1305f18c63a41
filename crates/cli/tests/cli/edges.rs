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
    assert_eq!(r.json()["schema_version"], 2);
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

/// `--lag 18446744073709551615` used to fit a lead-1 model silently and 2⁶³ wrapped; both are
/// refused by the value parser (exit 2, one usage error naming the flag and the range), and the
/// largest accepted lag still means "rows in the past" (the dyad is reported, not fitted).
#[test]
fn series_lag_is_parsed_with_checked_bounds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.csv");
    let mut text = String::from("couple,person,dial,time,female\n");
    for (id, f) in [("1", "1"), ("2", "0")] {
        for t in 0..40 {
            let v = ((t as f64) * 0.7 + if f == "1" { 0.0 } else { 1.3 }).sin();
            text.push_str(&format!("1,{id},{v},{t},{f}\n"));
        }
    }
    std::fs::write(&path, text).expect("write");
    let path = path.display().to_string();
    for bad in [
        "18446744073709551615",
        "9223372036854775808",
        "1000001",
        "0",
    ] {
        let r = run(&[
            "series",
            &path,
            "--model",
            "inertia-coordination",
            "--lag",
            bad,
        ]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{bad}: {}", r.stdout);
        assert!(
            r.stderr.contains("--lag") && r.stderr.contains("from 1 to 1000000"),
            "{bad}: {}",
            r.stderr
        );
    }
    let r = run(&[
        "series",
        &path,
        "--model",
        "inertia-coordination",
        "--lag",
        "1000000",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("no row has every value"),
        "no lead-1 fit: {}",
        r.stdout
    );
}

/// Every reader takes `-` for standard input and gives the same answer as from the file; its
/// errors name "standard input".
#[test]
fn readers_accept_standard_input() {
    use super::common::run_in;
    let dir = tempfile::tempdir().expect("temp dir");
    let moves = dir.path().join("m.csv");
    super::common::hawkes_moves(&moves, 300.0);
    let text = std::fs::read_to_string(&moves).expect("read");
    let series = dir.path().join("s.csv");
    let mut s = String::from("couple,person,dial,time,female\n");
    for (p, f, ph) in [("1", 1, 0.0), ("2", 0, 1.0)] {
        for t in 1..=300 {
            let x = (f64::from(t) / 6.0 + ph).sin() + 0.3 * (f64::from(t * 7919 % 97) / 97.0 - 0.5);
            s.push_str(&format!("1,{p},{x},{t},{f}\n"));
        }
    }
    std::fs::write(&series, &s).expect("write");
    let m = moves.to_str().expect("utf-8");
    let sp = series.to_str().expect("utf-8");
    for (from_file, from_stdin, input) in [
        (
            vec!["patterns", m, "--json"],
            vec!["patterns", "-", "--json"],
            &text,
        ),
        (vec!["fit", m, "--json"], vec!["fit", "-", "--json"], &text),
        (
            vec!["series", sp, "--model", "inertia-coordination"],
            vec!["series", "-", "--model", "inertia-coordination"],
            &s,
        ),
    ] {
        let a = run(&from_file);
        let (b, _home) = run_in(&from_stdin, input);
        assert_eq!(a.code, 0, "{from_file:?}: {}", a.stderr);
        assert_eq!(b.code, 0, "{from_stdin:?}: {}", b.stderr);
        assert_eq!(a.stdout, b.stdout, "{from_stdin:?}");
        let (bad, _home) = run_in(&from_stdin, "time,partner\n1,A\n");
        assert_eq!(bad.code, 2, "{from_stdin:?}: {}", bad.stderr);
        assert!(
            bad.stderr.starts_with("closer: standard input"),
            "{from_stdin:?}: {}",
            bad.stderr
        );
    }
}

/// Shell completions and the man page come from the same clap definitions the binary parses
/// with; the top-level help says what bare `closer` does.
#[test]
fn completions_man_page_and_top_level_help() {
    for (shell, marker) in [
        ("bash", "_closer()"),
        ("zsh", "#compdef closer"),
        ("fish", "complete -c closer"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains(marker),
            "{shell}: {}",
            &r.stdout[..200.min(r.stdout.len())]
        );
        for sub in ["simulate-hawkes", "series", "help-now"] {
            assert!(r.stdout.contains(sub), "{shell} lacks {sub}");
        }
    }
    let bad = run(&["completions", "cmd.exe"]);
    assert_eq!(bad.code, 2);
    let man = run(&["man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(man.stdout.contains(".TH closer 1"), "{}", man.stdout);
    assert!(man.stdout.contains("simulate\\-hawkes"), "{}", man.stdout);
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout
            .contains("Run `closer` with no command to open the home screen"),
        "{}",
        help.stdout
    );
}

/// The subcommands listed under "Commands:" in a help text (without `help`): lines indented by
/// exactly two spaces (a wrapped description is indented further).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// No help text points to a file that is not shipped with the binary (DESIGN.md, ARCHITECTURE.md,
/// docs/, ../shared): a person who installed `closer` has none of them. Every subcommand's
/// `--help`, nested ones too.
#[test]
fn no_help_text_points_to_files_that_are_not_shipped() {
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let r = run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        for unshipped in [
            "DESIGN.md",
            "ARCHITECTURE.md",
            "docs/",
            "../shared",
            "README",
        ] {
            assert!(
                !r.stdout.contains(unshipped),
                "`closer {}` names {unshipped}:\n{}",
                args.join(" "),
                r.stdout
            );
        }
        seen += 1;
        for sub in subcommands(&r.stdout) {
            let mut p = path.clone();
            p.push(sub);
            todo.push(p);
        }
    }
    // The top level, its commands and the nested ones (assess, journal, …) were all read.
    assert!(seen > 25, "only {seen} help texts");
}

/// A private screen that is sent SIGTERM (or SIGHUP) leaves the alternate screen before it ends,
/// as Ctrl-C does, so what it showed is not left on the terminal. Runs `closer screen` at a
/// pseudo-terminal (script(1)) with input held open, and `timeout` sends the signal.
#[test]
fn a_private_screen_left_by_a_termination_signal_clears_itself() {
    use std::process::{Command, Stdio};
    let Some(script) = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        super::common::required_in_ci("script(1), for the pseudo-terminal tests");
        return;
    };
    for signal in ["TERM", "HUP"] {
        let home = tempfile::tempdir().expect("temp dir");
        let cmd = format!(
            "timeout --foreground -s {signal} 2 '{}' screen",
            super::common::bin().display()
        );
        let mut child = Command::new("timeout")
            .args(["60", script, "-qec", &cmd, "/dev/null"])
            .current_dir(home.path())
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn script");
        // Input stays open (nothing typed): the screen waits until the signal comes.
        let stdin = child.stdin.take();
        let out = child.wait_with_output().expect("wait");
        drop(stdin);
        let raw = String::from_utf8_lossy(&out.stdout);
        let entered = raw.find("\x1b[?1049h");
        let left = raw.rfind("\x1b[?1049l");
        assert!(
            entered.is_some(),
            "SIG{signal}: the screen never opened: {raw:?}"
        );
        assert!(
            left > entered,
            "SIG{signal}: the alternate screen was not left: {raw:?}"
        );
    }
}
