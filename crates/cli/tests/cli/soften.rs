//! `closer soften`, end to end: the JSON contract, standard input, never a rewrite (the words
//! shown back as typed, openings built from choices), and nothing written to disk.

use super::common::{files_under, run, run_in};

fn kinds(v: &serde_json::Value) -> Vec<String> {
    v["signals"]
        .as_array()
        .expect("signals is a list")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind").to_string())
        .collect()
}

#[test]
fn soften_json_harsh_message_is_shown_back_as_typed_with_openings_never_a_rewrite() {
    let (r, _home) = run_in(&["soften", "--json"], "You never listen to me!\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert!(kinds(&v).contains(&"absolute".to_string()), "{v}");
    let words = v["signals"][0]["words"].as_str().expect("words");
    assert!(words.starts_with("You never listen"), "{words}");
    // Their words back exactly as given; no rewrite, ever.
    assert_eq!(v["yours"], "You never listen to me!\n");
    assert!(v["suggestion"].is_null(), "{v}");
    assert!(!r.stdout.contains("I feel ["), "{v}");
    // Instead: the opening built from choices, as data and as words.
    assert_eq!(v["offered"][0]["builder"], "opening");
    assert_eq!(v["offered"][0]["builds"], "from_choices");
    assert_eq!(v["offered"][0]["parts"][1]["id"], "felt");
    assert!(
        v["offered"][0]["parts"][1]["choices"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("lonely"))
    );
    assert_eq!(v["offered"][1]["builder"], "timing");
    let said = said_kinds(&v);
    assert_eq!(
        said[0], "crisis-line",
        "crisis help first, whatever the message"
    );
    assert_eq!(said[1], "yours");
    for k in ["openings", "tips", "precaution", "timing"] {
        assert!(said.contains(&k.to_string()), "{k}: {said:?}");
    }
    assert!(
        v["timing_check"]
            .as_str()
            .expect("timing")
            .contains("If not now, when?")
    );
}

fn said_kinds(v: &serde_json::Value) -> Vec<String> {
    v["said"]
        .as_array()
        .expect("said")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind").to_string())
        .collect()
}

fn risk_kinds(v: &serde_json::Value) -> Vec<String> {
    v["risk"]
        .as_array()
        .expect("risk is a list")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind").to_string())
        .collect()
}

/// Phrases that would tell a person a message is fine (DESIGN.md §3, invariant 11).
const ALL_CLEAR: [&str; 6] = [
    "nothing here looks",
    "looks fine",
    "nothing to soften",
    "safe to send",
    "unlikely to",
    "looks likely to land",
];

fn assert_no_all_clear(v: &serde_json::Value, msg: &str) {
    let all = v["said"].to_string().to_lowercase();
    for bad in ALL_CLEAR {
        assert!(!all.contains(bad), "{msg}: {bad:?} in {all}");
    }
}

#[test]
fn soften_json_control_gets_no_openings_only_precaution_and_help() {
    for msg in [
        "I can see you read my message",
        "if you leave I'll take the kids",
        "You know what happens when you make me angry.",
    ] {
        let r = run_in(&["soften", "--json", msg], "").0;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert!(kinds(&v).contains(&"control".to_string()), "{msg}: {v}");
        assert!(!risk_kinds(&v).is_empty(), "{msg}: {v}");
        assert!(v["suggestion"].is_null(), "{msg}: {v}");
        assert!(v["timing_check"].is_null(), "{msg}: {v}");
        assert_eq!(
            v["offered"],
            serde_json::json!([]),
            "{msg}: help, not openings"
        );
        assert_eq!(v["yours"], msg);
        let said = said_kinds(&v);
        assert!(!said.contains(&"openings".to_string()), "{msg}");
        assert!(said.contains(&"precaution".to_string()), "{msg}: {said:?}");
        assert!(said.contains(&"help".to_string()), "{msg}: {said:?}");
        assert!(!r.stdout.to_lowercase().contains("i feel ["), "{msg}");
        // No text tells a person to type a revealing command.
        assert!(!r.stdout.contains("closer help-now"), "{msg}");
        assert_no_all_clear(&v, msg);
    }
}

/// Reproduction 4 of issue 10: every one of these got an all-clear, or a rewrite.
#[test]
fn soften_json_reproduction_4_is_noticed_never_rewritten_never_all_clear() {
    for (msg, kind) in [
        (
            "I'm not going to let you go out with them tonight.",
            "isolation",
        ),
        ("I'm coming over whether you want me to or not.", "threat"),
        ("I'll be waiting outside when you finish.", "surveillance"),
        ("You better be home by 10.", "isolation"),
        (
            "I deserve to know who you text. I feel scared when I can't see your phone.",
            "surveillance",
        ),
        ("You know what happens when you make me angry.", "threat"),
    ] {
        let r = run_in(&["soften", "--json", "-"], msg).0;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert!(risk_kinds(&v).contains(&kind.to_string()), "{msg}: {v}");
        assert!(v["suggestion"].is_null(), "{msg}");
        assert_eq!(v["language"], "en");
        assert!(said_kinds(&v).contains(&"precaution".to_string()));
        assert_no_all_clear(&v, msg);
    }
}

/// Reproduction 5 of issue 10: self-harm is crisis help first, with the region's numbers in
/// place (not a command to run).
#[test]
fn soften_json_self_harm_leads_with_the_regions_crisis_numbers() {
    for msg in [
        "i dont want to be here anymore. nobody would even notice if i was gone",
        "I'll kill myself if you leave me",
    ] {
        let r = run_in(&["soften", "--json", "--region", "UK", "-"], msg).0;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert!(
            risk_kinds(&v).contains(&"self_harm".to_string()),
            "{msg}: {v}"
        );
        assert_eq!(v["said"][0]["kind"], "crisis", "{msg}");
        // The screen's own crisis block: one source for every surface.
        assert_eq!(
            v["said"][0]["title"],
            "If you are thinking about suicide or hurting yourself"
        );
        let first = v["said"][0]["text"].as_str().expect("text");
        assert!(first.contains("116 123"), "{first}");
        assert!(first.contains("999"), "{first}");
        assert!(v["suggestion"].is_null());
        assert_eq!(v["offered"], serde_json::json!([]));
        assert_eq!(v["region"], "UK");
        assert!(said_kinds(&v).contains(&"precaution".to_string()));
    }
    // From the environment, and with no region at all.
    let out = std::process::Command::new(super::common::bin())
        .args(["soften", "--json", "i want to die"])
        .env("CLOSER_REGION", "us")
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["said"][0]["text"].as_str().unwrap().contains("988"));
    let r = run_in(&["soften", "--json", "i want to die"], "").0;
    let v = r.json();
    assert_eq!(v["said"][0]["kind"], "crisis");
    let first = v["said"][0]["text"].as_str().expect("text");
    assert!(first.contains("findahelpline.com"), "{first}");
}

#[test]
fn soften_unknown_region_still_shows_help_and_exits_2() {
    let (r, _home) = run_in(&["soften", "--region", "atlantis", "i want to die"], "");
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .contains("If you are thinking about suicide or hurting yourself"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("known regions"), "{}", r.stderr);
}

/// Reproduction 9 of issue 10: anxious protest gets help for the panic, not the control text.
/// Crisis help first by construction: every result, whatever the message, opens with the short
/// crisis line (the region's line, name and number; with no region, the emergency advice and
/// where to find a line), and the JSON field `crisis_line` is always present.
#[test]
fn soften_json_every_result_opens_with_the_crisis_line() {
    for msg in [
        "see you at 7",
        "I love you so much",
        "You never listen to me!",
        "I'm coming over whether you want me to or not.",
        "pls answer me im freaking out its been 5 hours",
    ] {
        let v = run_in(&["soften", "--json", "--region", "US", msg], "")
            .0
            .json();
        let line = v["crisis_line"].as_str().expect("crisis_line");
        assert!(line.contains("call 988"), "{msg}: {line}");
        assert_eq!(v["said"][0]["kind"], "crisis-line", "{msg}: {v}");
        assert_eq!(v["said"][0]["text"], line, "{msg}");
        let v = run_in(&["soften", "--json", msg], "").0.json();
        let line = v["crisis_line"].as_str().expect("crisis_line");
        assert!(line.contains("local emergency number"), "{msg}: {line}");
        assert!(line.contains("findahelpline.com"), "{msg}: {line}");
        assert_eq!(v["said"][0]["kind"], "crisis-line", "{msg}: {v}");
    }
    // Self-harm read: the full crisis block leads; the field is still there.
    let v = run_in(&["soften", "--json", "--region", "US", "i want to die"], "")
        .0
        .json();
    assert_eq!(v["said"][0]["kind"], "crisis");
    assert!(v["crisis_line"].as_str().unwrap().contains("988"));
}

#[test]
fn soften_json_anxious_protest_gets_the_panic_help() {
    for msg in [
        "pls answer me im freaking out its been 5 hours",
        "YOU NEVER TEXT ME BACK",
    ] {
        let r = run_in(&["soften", "--json", msg], "").0;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        let said = said_kinds(&v);
        assert!(said.contains(&"panic".to_string()), "{msg}: {said:?}");
        assert!(!said.contains(&"control".to_string()), "{msg}: {said:?}");
        assert!(!said.contains(&"help".to_string()), "{msg}: {said:?}");
        assert!(risk_kinds(&v).is_empty(), "{msg}: {v}");
    }
}

#[test]
fn soften_json_nothing_noticed_says_what_it_cannot_judge_and_non_english_says_so() {
    let v = run_in(&["soften", "--json", "see you at 7"], "").0.json();
    let said = said_kinds(&v);
    assert_eq!(said[0], "crisis-line");
    assert_eq!(said[1], "yours");
    assert_eq!(said[2], "limits");
    assert!(said.contains(&"precaution".to_string()));
    assert!(
        v["said"][2]["text"]
            .as_str()
            .unwrap()
            .contains("English only")
    );
    assert_no_all_clear(&v, "see you at 7");
    let v = run_in(&["soften", "--json", "te quiero mucho mi amor"], "")
        .0
        .json();
    assert_eq!(v["language"], "unknown");
    assert_eq!(said_kinds(&v)[0], "crisis-line");
    assert_eq!(said_kinds(&v)[1], "language");
    assert!(
        v["said"][1]["text"]
            .as_str()
            .unwrap()
            .contains("I can only read English")
    );
    assert!(v["suggestion"].is_null());
    assert!(said_kinds(&v).contains(&"precaution".to_string()));
}

#[test]
fn soften_json_caring_message_is_left_alone() {
    for msg in [
        "I love you",
        "you always make me laugh",
        "take the time you need, I'll be here",
    ] {
        let r = run_in(&["soften", "--json", "-"], msg).0;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(v["signals"], serde_json::json!([]), "{msg}");
        assert!(v["suggestion"].is_null(), "{msg}");
    }
}

#[test]
fn soften_empty_stdin_is_a_clear_error_not_a_hang() {
    for input in ["", "   \n\n"] {
        let (r, _home) = run_in(&["soften"], input);
        assert_eq!(r.code, 2, "{}", r.stdout);
        assert!(r.stderr.contains("no message"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn soften_writes_nothing_under_home() {
    let (r, home) = run_in(
        &["soften"],
        "why do you always leave your dishes in the sink??",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (r2, home2) = run_in(&["soften", "--json", "I saw you read my message"], "");
    assert_eq!(r2.code, 0, "{}", r2.stderr);
    for h in [&home, &home2] {
        assert!(
            files_under(h.path()).is_empty(),
            "{:?}",
            files_under(h.path())
        );
    }
}

#[test]
fn soften_human_output_shows_the_words_as_typed_what_it_noticed_openings_and_timing() {
    let msg = "you always leave your dishes in the sink";
    let (r, _home) = run_in(&["soften"], msg);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Crisis help is the first thing shown, whatever the message.
    assert!(r.stdout.starts_with("Always here\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("if you are thinking of hurting yourself"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Your message, as you wrote it"),
        "{}",
        r.stdout
    );
    // The words themselves, on a line of their own, unchanged and unwrapped.
    assert!(r.stdout.contains(&format!("    | {msg}\n")), "{}", r.stdout);
    assert!(r.stdout.contains("What you might want to look at"));
    assert!(r.stdout.contains("A softer message, built from choices"));
    assert!(r.stdout.contains("If you reword it yourself"));
    assert!(r.stdout.contains("Before you send it"));
    assert!(!r.stdout.contains("A gentler way to say it"));
    assert!(!r.stdout.contains("I feel ["));
    // Suggestions, not verdicts.
    assert!(!r.stdout.to_lowercase().contains("abusive"));
}

#[test]
fn soften_help_says_stdin_keeps_it_out_of_shell_history() {
    let r = run(&["soften", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("standard input"), "{}", r.stdout);
    assert!(r.stdout.contains("shell history"), "{}", r.stdout);
    assert!(r.stdout.contains("--json"));
}

#[test]
fn soften_unknown_flag_is_bad_usage() {
    let r = run(&["soften", "--nope"]);
    assert_eq!(r.code, 2);
}

/// `closer soften` at a pseudo-terminal; see [`super::common::at_a_terminal`].
fn soften_at_a_terminal(keys: &str) -> Option<String> {
    super::common::at_a_terminal(&["soften"], keys)
}

/// At a terminal with no TEXT: one prompt, the message is read up to the first empty line, and
/// nothing after it is taken as part of the message.
#[test]
fn soften_at_a_terminal_prompts_once_and_reads_until_an_empty_line() {
    let Some(out) = soften_at_a_terminal("you never listen to me\n\nI saw you read my message\n")
    else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    assert_eq!(out.matches("Type or paste the message").count(), 1, "{out}");
    assert!(out.contains("| you never listen to me"), "{out}");
    assert!(!out.contains("| I saw you read my message"), "{out}");
    // The line after the empty line was not read as the message: no risk output.
    assert!(!out.contains("What these words may mean"), "{out}");
    // The private screen was used and left.
    assert!(
        out.contains("\x1b[?1049h") && out.contains("\x1b[?1049l"),
        "{out:?}"
    );
}

/// The terminal output with escape sequences removed and spaces collapsed.
fn flat(out: &str) -> String {
    let mut s = String::new();
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ … final byte in @..~
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            continue;
        }
        s.push(c);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reproduction 4 typed at a terminal: risk noticed, no rewrite, no all-clear, on the private
/// screen.
#[test]
fn soften_at_a_terminal_reproduction_4_gets_no_all_clear_and_no_rewrite() {
    for msg in [
        "I'm coming over whether you want me to or not.",
        "You better be home by 10.",
        "I'll be waiting outside when you finish.",
    ] {
        let Some(out) = soften_at_a_terminal(&format!("{msg}\n\n\n")) else {
            eprintln!("skipped: script(1) not available");
            return;
        };
        let f = flat(&out);
        assert!(f.contains("What these words may mean"), "{msg}: {f}");
        assert!(f.contains("A pause, first"), "{msg}: {f}");
        // Crisis help opens the result, before their words and what was noticed.
        let line = f
            .find("Always here, whatever you wrote")
            .expect("crisis line");
        assert!(
            line < f.find("Your message, as you wrote it").unwrap(),
            "{f}"
        );
        assert!(
            !f.contains("A softer message, built from choices"),
            "{msg}: {f}"
        );
        assert!(!f.contains("Nothing here looks"), "{msg}: {f}");
        assert!(out.contains("\x1b[?1049h"), "not on the alternate screen");
    }
}

/// Reproduction 5 typed at a terminal: crisis help is the first thing shown, with numbers.
#[test]
fn soften_at_a_terminal_reproduction_5_leads_with_crisis_help() {
    let Some(out) = super::common::at_a_terminal(
        &["soften", "--region", "US"],
        "i dont want to be here anymore. nobody would even notice if i was gone\n\n\n",
    ) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let f = flat(&out);
    let after_prompt = f
        .split("cleared when you leave.")
        .last()
        .expect("prompt shown");
    let help = after_prompt
        .find("If you are thinking about suicide or hurting yourself")
        .expect("crisis help shown");
    let noticed = after_prompt
        .find("What these words may mean")
        .expect("noticed");
    assert!(help < noticed, "{f}");
    assert!(after_prompt.contains("988"), "{f}");
    assert!(after_prompt.contains("911"), "{f}");
    assert!(!after_prompt.contains("Nothing to soften"), "{f}");
    assert!(!after_prompt.contains("closer help-now"), "{f}");
}

/// Reproduction 9 typed at a terminal: help for the panic, not the control text.
#[test]
fn soften_at_a_terminal_reproduction_9_gets_help_for_the_panic() {
    for msg in [
        "pls answer me im freaking out its been 5 hours",
        "YOU NEVER TEXT ME BACK",
    ] {
        let Some(out) = soften_at_a_terminal(&format!("{msg}\n\n\n")) else {
            eprintln!("skipped: script(1) not available");
            return;
        };
        let f = flat(&out);
        assert!(f.contains("When no answer comes"), "{msg}: {f}");
        assert!(f.contains("Space, not silence"), "{msg}: {f}");
        assert!(!f.contains("check on the other person"), "{msg}: {f}");
        assert!(!f.contains("Lines for people worried"), "{msg}: {f}");
    }
}
