//! Fuzzing the numeric flags and the readers through the binary (issue 11): whatever a flag or
//! a file says, `closer` ends by itself, never panics or aborts, and either succeeds (exit 0) or
//! refuses with exit 2 and one clear message (a file's errors name the file). Small case counts:
//! the whole module stays well under a minute.

use super::common::bin;
use proptest::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs closer with a time limit; returns (exit code, stderr). A run past the limit fails the
/// test: unbounded work from a flag is a bug.
fn run_limited(args: &[String], dir: &Path, stdin: &str) -> (i32, String) {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn closer");
    {
        use std::io::Write;
        let mut si = child.stdin.take().expect("stdin");
        let _ = si.write_all(stdin.as_bytes());
    }
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("closer {args:?} ran for more than a minute");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn check(args: &[String], dir: &Path, stdin: &str) -> Result<(), TestCaseError> {
    let (code, err) = run_limited(args, dir, stdin);
    prop_assert!(!err.contains("panicked"), "{args:?}: {err}");
    prop_assert!(code == 0 || code == 2, "{args:?}: exit {code}: {err}");
    if code == 2 {
        let last = err.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        // Notes may come first; the refusal is one `closer:` line at the end, or clap's usage
        // error (which starts with `error:` and ends with a pointer to --help).
        let ours = last.starts_with("closer: ")
            && err.lines().filter(|l| l.starts_with("closer: ")).count() == 1;
        let clap = err.starts_with("error: ") && last.starts_with("For more information");
        prop_assert!(ours || clap, "{args:?}: {err}");
    }
    Ok(())
}

/// A run that reads a file: it ends with 0, or with exit 2 and a last line `closer: NAME…` that
/// names what it read (the file's path, or "standard input"); never a panic.
fn check_names(args: &[String], dir: &Path, stdin: &str, name: &str) -> Result<(), TestCaseError> {
    let (code, err) = run_limited(args, dir, stdin);
    prop_assert!(!err.contains("panicked"), "{args:?}: {err}");
    prop_assert!(code == 0 || code == 2, "{args:?}: exit {code}: {err}");
    if code == 2 {
        let last = err.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        prop_assert!(
            last.starts_with(&format!("closer: {name}")),
            "{args:?}: {err}"
        );
    }
    Ok(())
}

/// Numbers as a person or a script might type them, well-formed or not.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e300".to_string()),
        Just("1e-300".to_string()),
        Just("18446744073709551615".to_string()),
        Just("18446744073709551616".to_string()),
        Just("9223372036854775808".to_string()),
        Just("".to_string()),
        Just("1,2".to_string()),
        Just("0x10".to_string()),
        (0u64..5000).prop_map(|n| n.to_string()),
        (-1e6f64..1e6).prop_map(|x| x.to_string()),
        "[0-9.eE+-]{1,8}",
    ]
}

/// A small valid moves file and a small valid series file in `dir`.
fn files(dir: &Path) -> (String, String) {
    let moves = dir.join("m.csv");
    let mut m = String::from("# window: 0..200\ntime,partner,move\n");
    for i in 0..120u32 {
        let t = f64::from(i) * 1.6 + f64::from(i % 7) * 0.1;
        m.push_str(&format!(
            "{t},{},{}\n",
            ["A", "B"][(i % 2) as usize],
            ["reach", "withdraw"][((i / 2) % 2) as usize]
        ));
    }
    std::fs::write(&moves, m).expect("write moves");
    let series = dir.join("s.csv");
    let mut s = String::from("couple,person,dial,time,female\n");
    for d in 1..=3u32 {
        for (p, f, ph) in [(d * 10, 1, 0.0), (d * 10 + 1, 0, 1.0)] {
            for t in 1..=80u32 {
                let x = (f64::from(t) / 6.0 + ph + f64::from(d)).sin()
                    + 0.3 * (f64::from(t * 7919 % 97) / 97.0 - 0.5);
                s.push_str(&format!("{d},{p},{x},{t},{f}\n"));
            }
        }
    }
    std::fs::write(&series, s).expect("write series");
    (moves.display().to_string(), series.display().to_string())
}

/// Every numeric flag of every command, with the rest of a valid command line.
fn flag_cases(moves: &str, series: &str) -> Vec<(Vec<String>, &'static str)> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let hawkes = |flag: &'static str| {
        let mut a = v(&[
            "simulate-hawkes",
            "--baseline",
            "0.3,0.2",
            "--excitation",
            "0.2,0.5;0.6,0.1",
            "--decay",
            "1",
            "--horizon",
            "50",
        ]);
        let i = a.iter().position(|x| x == flag).expect("flag") + 1;
        a.remove(i);
        a.remove(i - 1);
        (a, flag)
    };
    vec![
        hawkes("--decay"),
        hawkes("--horizon"),
        hawkes("--baseline"),
        (
            v(&[
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
            "--seed",
        ),
        (v(&["fit", moves, "--intervals", "none"]), "--horizon"),
        (
            v(&["fit", moves, "--intervals", "none"]),
            "--daily-baseline",
        ),
        (v(&["fit", moves, "--intervals", "none"]), "--window"),
        (
            v(&["fit", moves, "--intervals", "none", "--null-test", "0"]),
            "--null-test",
        ),
        (v(&["patterns", moves]), "--gap"),
        (v(&["patterns", moves]), "--window"),
        (
            v(&["series", series, "--model", "inertia-coordination"]),
            "--lag",
        ),
        (
            v(&["series", series, "--model", "coupled-oscillator"]),
            "--taus",
        ),
        (
            v(&["series", series, "--model", "coupled-oscillator"]),
            "--embeds",
        ),
        (
            v(&["series", series, "--model", "coupled-oscillator"]),
            "--delta",
        ),
        (
            v(&[
                "series",
                series,
                "--model",
                "inertia-coordination",
                "--bootstrap",
                "2",
                "--starts",
                "1",
            ]),
            "--profiles",
        ),
        (
            v(&[
                "series",
                series,
                "--model",
                "inertia-coordination",
                "--profiles",
                "1",
                "--bootstrap",
                "2",
            ]),
            "--starts",
        ),
        (
            v(&[
                "series",
                series,
                "--model",
                "inertia-coordination",
                "--profiles",
                "1",
                "--starts",
                "1",
            ]),
            "--bootstrap",
        ),
        (
            v(&[
                "series",
                series,
                "--model",
                "inertia-coordination",
                "--profiles",
                "1",
                "--starts",
                "1",
                "--bootstrap",
                "2",
            ]),
            "--seed",
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn numeric_flags_end_with_0_or_a_clear_refusal(values in prop::collection::vec(number(), 18)) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (moves, series) = files(dir.path());
        for ((mut args, flag), value) in flag_cases(&moves, &series).into_iter().zip(values) {
            // `--flag=value`, so values starting with '-' are values, not flags.
            args.push(format!("{flag}={value}"));
            check(&args, dir.path(), "")?;
        }
    }

    /// Well-formed moves files whose times are anywhere from minutes to far past any life (a move
    /// at 10^12 hours once made the day-to-day memory ask for 333 GB): the readers and the
    /// analyses end with 0 or a clear refusal naming the file, within the time limit.
    #[test]
    fn moves_at_any_time_end_with_0_or_a_clear_refusal(
        mut times in prop::collection::vec(
            prop_oneof![0.0f64..1e3, 1e6f64..1e15, Just(1e12), Just(1e300)],
            1..40,
        ),
        sorted in any::<bool>(),
    ) {
        if sorted {
            times.sort_by(f64::total_cmp);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut text = String::from("time,partner,move\n");
        for (i, t) in times.iter().enumerate() {
            let (who, what) = if i % 2 == 0 { ("A", "reach") } else { ("B", "withdraw") };
            text.push_str(&format!("{t},{who},{what}\n"));
        }
        let path = dir.path().join("far.csv");
        std::fs::write(&path, &text).expect("write");
        let p = path.display().to_string();
        for args in [
            vec!["patterns".to_string(), p.clone()],
            vec!["patterns".to_string(), p.clone(), "--json".into()],
            vec!["fit".to_string(), p.clone(), "--intervals".into(), "none".into()],
        ] {
            check_names(&args, dir.path(), "", &p)?;
        }
    }

    #[test]
    fn readers_refuse_malformed_files_naming_the_file(
        lines in prop::collection::vec("[0-9a-zA-Z_.,:#\" \r-]{0,30}", 0..8),
        header in prop_oneof![
            Just("time,partner,move\n"),
            Just("# window: 0..100\ntime,partner,move,kind\n"),
            Just("couple,person,dial,time,female\n"),
            Just(""),
        ],
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = format!("{header}{}", lines.join("\n"));
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &text).expect("write");
        let p = path.display().to_string();
        for args in [
            vec!["patterns".to_string(), p.clone()],
            vec!["fit".to_string(), p.clone(), "--intervals".into(), "none".into(), "--horizon".into(), "100".into()],
            vec!["series".to_string(), p.clone(), "--model".into(), "inertia-coordination".into()],
        ] {
            check_names(&args, dir.path(), "", &p)?;
        }
        // The same through standard input, named as such.
        let (code, err) = run_limited(&["patterns".to_string(), "-".into()], dir.path(), &text);
        prop_assert!(code == 0 || code == 2, "stdin: exit {code}: {err}");
        if code == 2 {
            prop_assert!(err.starts_with("closer: standard input"), "{err}");
        }
    }
}

/// A valid one-row and a valid two-row ECR-S answers file in `dir` (12 items on 1–7).
fn answers(dir: &Path) -> (String, String) {
    let head: Vec<String> = (1..=12).map(|i| format!("Q{i}")).collect();
    let one = dir.join("one.csv");
    std::fs::write(
        &one,
        format!("{}\n5,6,2,7,3,4,6,1,5,2,7,3\n", head.join(",")),
    )
    .expect("write");
    let two = dir.join("two.csv");
    std::fs::write(
        &two,
        format!(
            "{}\n5,6,2,7,3,4,6,1,5,2,7,3\n1,2,3,4,5,6,7,1,2,3,4,5\n",
            head.join(",")
        ),
    )
    .expect("write");
    (one.display().to_string(), two.display().to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// `closer assess`'s numeric flags (the scale, reliability and SD, as one value or per
    /// subscale): exit 0 or one clear refusal, never a panic.
    #[test]
    fn assess_flags_end_with_0_or_a_clear_refusal(
        values in prop::collection::vec(number(), 4),
        per in prop::sample::select(vec!["", "anxiety=", "avoidance=", "anxiety=0.8,avoidance="]),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (one, two) = answers(dir.path());
        let s = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let score = s(&["assess", "score", "--instrument", "ecr-s", &one]);
        let change = s(&["assess", "change", "--instrument", "ecr-s", "--before", &one, "--after", &two]);
        let mut a = score.clone();
        a.extend([format!("--scale-min={}", values[0]), format!("--scale-max={}", values[1])]);
        check(&a, dir.path(), "")?;
        let mut c = change.clone();
        c.extend([format!("--reliability={per}{}", values[2]), format!("--sd={per}{}", values[3])]);
        check(&c, dir.path(), "")?;
        let mut c = change;
        c.extend([format!("--scale-min={}", values[0]), "--scale-max=9".to_string(), "--reliability=0.9".into(), format!("--sd={}", values[3])]);
        check(&c, dir.path(), "")?;
    }

    /// The answers reader: any text is scored or refused with exit 2 and a message naming the
    /// file (from a file and from standard input alike).
    #[test]
    fn assess_reader_refuses_malformed_files_naming_the_file(
        lines in prop::collection::vec("[0-9QNA,\" \r-]{0,30}", 0..6),
        header in prop_oneof![
            Just("Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11,Q12\n"),
            Just("id,Q12,Q11,Q10,Q9,Q8,Q7,Q6,Q5,Q4,Q3,Q2,Q1\r\n"),
            Just("Q1,Q2\n"),
            Just(""),
        ],
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = format!("{header}{}", lines.join("\n"));
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, &text).expect("write");
        let p = path.display().to_string();
        for (args, name) in [
            (vec!["assess", "score", "--instrument", "ecr-s", "--missing", "NA", &p], p.as_str()),
            (vec!["assess", "score", "--instrument", "ecr-s", "-"], "standard input"),
            (vec!["assess", "change", "--instrument", "ecr-s", "--reliability", "0.9", "--sd", "1", "--before", &p, "--after", &p], p.as_str()),
        ] {
            let args: Vec<String> = args.iter().map(|x| x.to_string()).collect();
            check_names(&args, dir.path(), &text, name)?;
        }
    }
}
