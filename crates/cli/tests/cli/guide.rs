//! `closer guide`, `closer learn` and the home screen, end to end.

use super::common::{files_under, run, run_in};

const FLOWS: [&str; 3] = ["partner-pulled-away", "i-pulled-away", "same-fight"];

fn steps(v: &serde_json::Value) -> Vec<(String, String)> {
    v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["way"].as_str().unwrap_or("").to_string(),
                s["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn guide_json_follows_the_contract() {
    for flow in FLOWS {
        let r = run(&["guide", flow, "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["flow"], flow);
        assert_eq!(v["safety_mode"], false);
        assert_eq!(v["framing"], "shared");
        for s in v["steps"].as_array().unwrap() {
            for key in ["way", "kind", "title", "text"] {
                assert!(s[key].is_string(), "{flow}: step lacks {key}: {s}");
            }
            let way = s["way"].as_str().unwrap();
            assert!(
                [
                    "pause",
                    "check",
                    "curious",
                    "space",
                    "name",
                    "explore",
                    "stay",
                    "safety",
                    "therapy",
                    "understand"
                ]
                .contains(&way),
                "{flow}: unexpected way {way}"
            );
            let kind = s["kind"].as_str().unwrap();
            if way == "therapy" {
                assert!(
                    [
                        "couple",
                        "ask-partner",
                        "individual",
                        "emdr-info",
                        "directories",
                        "crisis"
                    ]
                    .contains(&kind),
                    "{kind}"
                );
            }
            if way == "check" {
                assert!(
                    ["fear", "own-behaviour", "reaching"].contains(&kind),
                    "{kind}"
                );
                // Checks accept only yes, no, not sure and quit.
                assert_eq!(
                    s["accepts"],
                    serde_json::json!(["yes", "no", "not_sure", "quit"]),
                    "{flow}"
                );
            }
            // No step composes from free text: a step that builds a text says so, and builds
            // only from choices.
            let interaction = s["interaction"].as_str().unwrap_or("");
            assert!(
                !["opening", "timing", "cycle_map", "feelings"].contains(&interaction),
                "{flow}: a free-text composer is left: {interaction}"
            );
            if interaction == "build" {
                assert_eq!(s["builds"], "from_choices", "{flow}: {kind}");
                assert!(s["parts"].as_u64().unwrap() >= 1);
            } else {
                assert!(s["builds"].is_null(), "{flow}: {kind}");
            }
            if ["opening", "timing", "cycle-map", "feelings", "tonight"].contains(&kind) {
                assert_eq!(s["builds"], "from_choices", "{flow}: {kind}");
            }
            // No text tells a person to type a revealing command.
            let text = s["text"].as_str().unwrap();
            for cmd in ["closer help-now", "closer guide", "--afraid"] {
                assert!(!text.contains(cmd), "{flow}: {kind}: {cmd}");
            }
        }
        let st = steps(&v);
        // The fear check comes before the first step of way curious, space, name, stay or
        // explore, after at most a skippable pause.
        let fear = st
            .iter()
            .position(|s| s.1 == "fear")
            .unwrap_or_else(|| panic!("{flow}: no fear check"));
        assert!(fear <= 1, "{flow}: fear check at {fear}");
        for (i, s) in st.iter().enumerate() {
            if i < fear {
                assert_eq!(s.0, "pause", "{flow}: {s:?} before the fear check");
            }
            if ["curious", "space", "name", "stay", "explore"].contains(&s.0.as_str()) {
                assert!(i > fear, "{flow}: {s:?} before the fear check");
            }
        }
        // The own-behaviour check comes before any curious, space or name step.
        let ob = st
            .iter()
            .position(|s| s.1 == "own-behaviour")
            .expect("own-behaviour check");
        for (i, s) in st.iter().enumerate() {
            if ["curious", "space", "name"].contains(&s.0.as_str()) {
                assert!(i > ob, "{flow}: {s:?} before the own-behaviour check");
            }
        }
        // Every flow ends with therapy as a normal option, couple therapy included.
        assert!(st.contains(&("therapy".into(), "couple".into())));
        assert_eq!(st.last().unwrap().0, "therapy");
    }
}

#[test]
fn afraid_keeps_only_safe_steps_and_says_it_is_not_their_fault() {
    for flow in FLOWS.iter().copied().chain(["not-safe"]) {
        let r = run(&["guide", flow, "--afraid", "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["safety_mode"], true);
        assert_eq!(v["framing"], "not_your_fault");
        let st = steps(&v);
        // The emergency number and helplines come first, then "not your fault".
        assert_eq!(st[0].1, "helplines");
        assert_eq!(st[1].1, "not-your-fault");
        for (way, kind) in &st {
            assert!(
                ["pause", "check", "safety"].contains(&way.as_str())
                    || (way == "therapy" && kind != "couple"),
                "{flow}: safety mode kept {way}/{kind}"
            );
        }
        let text = r.stdout.to_lowercase();
        assert!(
            !text.contains("villain"),
            "{flow}: shared framing in safety mode"
        );
        assert!(!text.contains("couple therapy is a normal"), "{flow}");
        for banned in ["emdr", "discernment", "stopped reaching", "closer help-now"] {
            assert!(!text.contains(banned), "{flow}: {banned}");
        }
        assert!(text.contains("emergency"));
    }
    // The not-safe flow is safety mode even without the flag.
    let v = run(&["guide", "not-safe", "--json"]).json();
    assert_eq!(v["safety_mode"], true);
}

#[test]
fn guide_without_a_terminal_prints_the_whole_flow_and_does_not_wait() {
    let r = run(&["guide", "partner-pulled-away"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("let your body slow down"));
    assert!(r.stdout.contains("A gentle, honest check"));
    assert!(r.stdout.contains("If yes:"));
    assert!(r.stdout.contains("Couple therapy"));
}

#[test]
fn unknown_flow_and_bad_usage_exit_2() {
    let r = run(&["guide", "make-them-listen"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("partner-pulled-away"), "{}", r.stderr);
    assert_eq!(run(&["guide"]).code, 2);
    assert_eq!(run(&["guide", "same-fight", "--nope"]).code, 2);
    assert_eq!(run(&["no-such-command"]).code, 2);
    // An unknown region is bad input: exit 2, naming the known regions.
    let r = run(&["guide", "not-safe", "--region", "Atlantis"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("Atlantis") && r.stderr.contains("US"),
        "{}",
        r.stderr
    );
    assert_eq!(run(&["guide", "not-safe", "--region", "uk"]).code, 0);
}

#[test]
fn learn_covers_both_roles_and_afraid_drops_the_shared_framing() {
    let r = run(&["learn"]);
    assert_eq!(r.code, 0);
    for needle in [
        "If you are the one who reaches",
        "If you are the one who pulls away",
        "Two real needs",
        "There is hope",
        "not the dance",
    ] {
        assert!(r.stdout.contains(needle), "learn lacks {needle:?}");
    }
    let a = run(&["learn", "--afraid"]);
    assert_eq!(a.code, 0);
    assert!(a.stdout.contains("not your fault"));
    assert!(!a.stdout.contains("villain"));
    let w = run(&["learn", "--ways", "--json"]).json();
    assert_eq!(w["ways"].as_array().unwrap().len(), 6);
    let stay = w["ways"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "stay")
        .unwrap();
    assert!(stay.to_string().contains("flooding"));
}

#[test]
fn home_without_a_terminal_lists_the_choices_and_exits() {
    let r = run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "My partner pulled away",
        "I'm the one who pulls away",
        "We keep having the same fight",
        "I'm not safe",
        "I just want to understand",
        "Find a softer way to say something",
        "A private safety check",
        "Helplines",
        "closer guide not-safe",
        "emergency",
    ] {
        assert!(r.stdout.contains(needle), "home lacks {needle:?}");
    }
}

#[test]
fn commands_that_store_nothing_write_nothing() {
    // DESIGN.md §3.8: run each under an empty home folder and look for any file at all.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], ""),
        (vec!["learn"], ""),
        (vec!["learn", "--afraid", "--ways"], ""),
        (vec!["guide", "partner-pulled-away"], ""),
        (vec!["guide", "i-pulled-away", "--json"], ""),
        (vec!["guide", "same-fight", "--afraid"], ""),
        (vec!["guide", "not-safe"], ""),
        (vec!["soften"], "you never listen to me\n"),
        (vec!["soften", "-", "--json"], "I saw you read my message\n"),
        (vec!["screen"], ""),
        (vec!["help-now"], ""),
        (vec!["help-now", "--region", "US"], ""),
    ];
    for (args, stdin) in cases {
        let (r, home) = run_in(&args, stdin);
        assert!(r.code == 0 || r.code == 2, "{args:?}: {}", r.stderr);
        let written = files_under(home.path());
        assert!(written.is_empty(), "{args:?} wrote {written:?}");
    }
}

#[test]
fn no_sentence_reaches_a_person_except_through_the_policy() {
    // The CLI prints only text from closer-guide / closer-safety (Said values). This scans the
    // CLI's own sources for sentence-like string literals in printing calls: there must be none
    // in the commands of the guide.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cmd");
    let sentence = regex_lite_sentence();
    for name in ["guide.rs", "home.rs", "learn.rs"] {
        let src = std::fs::read_to_string(dir.join(name)).unwrap();
        for (n, line) in src.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            if (l.contains("print!(")
                || l.contains("println!(")
                || l.contains(".show(")
                || l.contains(".ask(")
                || l.contains(".pause("))
                && let Some(lit) = first_literal(l)
            {
                assert!(
                    !sentence(&lit),
                    "{name}:{}: a sentence bypasses the policy: {lit}",
                    n + 1
                );
            }
        }
    }
}

/// A string literal looks like a sentence when it has three or more words (keys and format
/// placeholders are not words).
fn regex_lite_sentence() -> impl Fn(&str) -> bool {
    |s: &str| {
        s.split_whitespace()
            .filter(|w| !w.contains('{') && w.chars().filter(|c| c.is_alphabetic()).count() > 1)
            .count()
            >= 3
    }
}

fn first_literal(line: &str) -> Option<String> {
    let start = line.find('"')? + 1;
    let rest = &line[start..];
    let end = rest.find('"')?;
    Some(rest[..end].replace("\\n", " "))
}

#[test]
fn every_interface_key_the_guide_uses_exists() {
    // `ui("key")` falls back to the key itself; a missing key would show a key to a person.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let toml = std::fs::read_to_string(root.join("crates/guide/content/interface.toml")).unwrap();
    let mut checked = 0;
    for file in [
        "crates/cli/src/cmd/guide.rs",
        "crates/cli/src/cmd/home.rs",
        "crates/cli/src/cmd/learn.rs",
        "crates/guide/src/session.rs",
    ] {
        let src = std::fs::read_to_string(root.join(file)).unwrap();
        let uses = src
            .match_indices("ui(\"")
            .map(|(i, _)| i + 4)
            .chain(src.match_indices("say(").filter_map(|(i, _)| {
                // `say(&policy, "key")`: the first literal within the call.
                let call = &src[i..i + 60.min(src.len() - i)];
                let q = call.find('"')?;
                (!call[..q].contains(')')).then_some(i + q + 1)
            }))
            .collect::<Vec<_>>();
        for start in uses {
            let rest = &src[start..];
            let key = &rest[..rest.find('"').unwrap()];
            assert!(
                toml.contains(&format!("\n\"{key}\" = ")),
                "{file}: interface key {key:?} is missing"
            );
            checked += 1;
        }
    }
    assert!(checked > 10);
}
