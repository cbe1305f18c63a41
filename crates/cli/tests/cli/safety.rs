//! End-to-end tests of `closer screen` and `closer help-now`: no waiting without a terminal,
//! only vetted helplines with source and date, exit codes, and nothing written to disk.

use super::common::{files_under, run, run_in, shared};
use closer_safety::screen;
use serde_json::Value;

fn json_str<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

#[test]
fn help_now_without_region_gives_emergency_advice_and_regions() {
    let (r, home) = run_in(&["help-now"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap_or("");
    assert!(
        first.contains("danger"),
        "emergency advice comes first: {first}"
    );
    assert!(r.stdout.contains("emergency number"));
    for code in ["US", "UK", "UK-SCT", "AU", "NZ", "IE", "CA-QC"] {
        assert!(r.stdout.contains(code), "{code} not listed");
    }
    assert!(r.stdout.contains("findahelpline.com"));
    assert!(files_under(home.path()).is_empty());
}

#[test]
fn help_now_shows_only_vetted_lines_each_with_source_and_date() {
    let reference: Option<Vec<Value>> =
        std::fs::read_to_string(shared().join("reference/resources.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
    for code in ["US", "uk", "UK-SCT", "AU", "NZ", "IE", "DE", "ZA", "CA"] {
        let (r, home) = run_in(&["help-now", "--region", code, "--json"], "");
        assert_eq!(r.code, 0, "{code}: {}", r.stderr);
        assert!(files_under(home.path()).is_empty());
        let v = r.json();
        let resources = v["resources"].as_array().expect("resources");
        assert!(resources.len() >= 3, "{code}");
        let said = v["said"].as_array().expect("said");
        assert_eq!(json_str(&said[0], "kind"), "emergency-advice");
        assert!(said.iter().any(|s| json_str(s, "kind") == "checked"));
        let kinds: Vec<&str> = resources.iter().map(|e| json_str(e, "kind")).collect();
        assert!(kinds.contains(&"crisis") && kinds.contains(&"dv"), "{code}");
        for e in resources {
            assert!(matches!(json_str(e, "confidence"), "V" | "S"), "{e}");
            assert!(json_str(e, "source_url").starts_with("http"), "{e}");
            assert!(!json_str(e, "source_date").is_empty(), "{e}");
            // Each line is said with its source and date.
            assert!(
                said.iter().any(|s| {
                    let t = json_str(s, "text");
                    t.contains(json_str(e, "source_url")) && t.contains(json_str(e, "source_date"))
                }),
                "{e}"
            );
            // Never an invented number: the same entry, same phone, is in the vetted reference.
            if let Some(reference) = &reference {
                assert!(
                    reference.iter().any(|x| x["name"] == e["name"]
                        && x["phone"] == e["phone"]
                        && x["region"] == e["region"]
                        && matches!(x["confidence"].as_str(), Some("V") | Some("S"))),
                    "{e} is not in the reference as V/S"
                );
            }
        }
        // The human output shows the same lines with their sources.
        let h = run(&["help-now", "--region", code]);
        assert_eq!(h.code, 0);
        for e in resources {
            if let Some(p) = e["phone"].as_str() {
                assert!(h.stdout.contains(p), "{code}: {p}");
            }
            assert!(h.stdout.contains(json_str(e, "source_url")));
        }
        assert!(h.stdout.find("danger") < h.stdout.find("Source:"));
    }
}

#[test]
fn help_now_sub_region_includes_its_country() {
    let v = run(&["help-now", "--region", "uk-sct", "--json"]).json();
    let regions: Vec<&str> = v["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|e| json_str(e, "region"))
        .collect();
    assert!(regions.contains(&"UK-SCT") && regions.contains(&"UK"));
    assert!(!regions.contains(&"UK-WLS"));
    assert_eq!(v["region"], "UK-SCT");
    // The ISO spelling works too.
    let gb = run(&["help-now", "--region", "gb-sct", "--json"]).json();
    assert_eq!(gb["region"], "UK-SCT");
    assert_eq!(gb["resources"], v["resources"]);
}

#[test]
fn help_now_unknown_region_still_gives_emergency_advice_then_exits_2_listing_valid_codes() {
    let r = run(&["help-now", "--region", "atlantis"]);
    assert_eq!(r.code, 2);
    // The advice and the international directory are printed all the same.
    assert!(r.stdout.starts_with("If you are in danger"), "{}", r.stdout);
    assert!(r.stdout.contains("emergency number"));
    assert!(r.stdout.contains("findahelpline.com"));
    assert!(
        r.stderr.contains("atlantis") && r.stderr.contains("UK-SCT"),
        "{}",
        r.stderr
    );
    let j = run(&["help-now", "--region", "atlantis", "--json"]);
    assert_eq!(j.code, 2);
    assert_eq!(j.json()["said"][0]["kind"], "emergency-advice");
}

/// Reproduction 6 of issue 10 (the part on help-now): `--region BR`, `USA`, `England` printed
/// only an error. Country names and codes both work now; Brazil, which has no checked lines in
/// the reference, says so plainly and gives the emergency advice and the directory.
#[test]
fn help_now_accepts_country_names_and_says_plainly_when_it_has_no_lines() {
    let us = run(&["help-now", "--region", "USA"]);
    assert_eq!(us.code, 0, "{}", us.stderr);
    assert!(us.stdout.contains("911") && us.stdout.contains("988"));
    assert!(us.stdout.contains("1-800-656-4673"), "RAINN is listed");
    let us2 = run(&["help-now", "--region", "united states", "--json"]).json();
    assert_eq!(us2["region"], "US");
    let en = run(&["help-now", "--region", "England"]);
    assert_eq!(en.code, 0, "{}", en.stderr);
    for number in ["999", "0808 2000 247", "0808 802 0300", "116 123"] {
        assert!(en.stdout.contains(number), "England: {number}");
    }
    assert!(en.stdout.contains("247sexualabusesupport.org.uk"));
    let br = run(&["help-now", "--region", "BR"]);
    assert_eq!(br.code, 0, "{}", br.stderr);
    assert!(br.stdout.starts_with("If you are in danger"));
    assert!(br.stdout.contains("No checked lines for Brazil yet"));
    assert!(br.stdout.contains("https://findahelpline.com/BR"));
    assert!(!br.stdout.contains("911") && !br.stdout.contains("Phone:"));
    // The same page from CLOSER_REGION, in any case.
    let (ontario, _) = {
        let home = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(super::common::bin())
            .args(["help-now", "--json"])
            .env_clear()
            .env("HOME", home.path())
            .env("CLOSER_REGION", "ontario")
            .output()
            .unwrap();
        (String::from_utf8_lossy(&out.stdout).into_owned(), home)
    };
    let v: Value = serde_json::from_str(&ontario).unwrap();
    assert_eq!(v["region"], "CA-ON");
    // Maintainers' notes never reach a person, in text or JSON.
    for page in [&us.stdout, &en.stdout] {
        assert!(!page.contains("Do not hard-code") && !page.contains("verified"));
    }
    assert!(!ontario.contains("\"notes\""));
}

/// Help-now says how to take a line out of the shell's history.
#[test]
fn help_now_says_how_to_remove_a_line_from_shell_history() {
    for args in [vec!["help-now"], vec!["help-now", "--region", "uk"]] {
        let r = run(&args);
        assert!(r.words().contains("history -d"), "{args:?}");
    }
}

#[test]
fn screen_without_a_terminal_does_not_wait_and_exits_0() {
    // Empty stdin, and stdin with answers: neither is read without --json.
    for stdin in ["", "y\ny\ny\n"] {
        let (r, home) = run_in(&["screen"], stdin);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("terminal"));
        // Where help is, without a revealing command to type.
        assert!(r.stdout.contains("emergency number"));
        assert!(r.stdout.contains("findahelpline.com"));
        assert!(!r.stdout.contains("closer help-now"));
        // No question is printed where it could end up in a log or scrollback.
        assert!(!r.stdout.contains("Question 1"));
        assert!(files_under(home.path()).is_empty());
    }
    let (r, _) = run_in(&["screen", "--json"], "");
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["interactive"], false);
}

fn screen_json(answers: &str) -> Value {
    let (r, home) = run_in(&["screen", "--json"], answers);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(files_under(home.path()).is_empty());
    r.json()
}

fn grades(v: &Value) -> Vec<&str> {
    v["grades"]
        .as_array()
        .expect("grades")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn screen_json_grades_answers_end_to_end() {
    let v = screen_json(r#"{"answers": {"neck": "yes", "self_harm": "yes", "tense": "no"}}"#);
    assert_eq!(grades(&v), ["safety_mode", "crisis"]);
    assert_eq!(v["safety_mode"], true);
    let kinds: Vec<&str> = v["result"]
        .as_array()
        .expect("result")
        .iter()
        .map(|p| json_str(p, "kind"))
        .collect();
    // Crisis help first, then the urgent words for strangulation.
    assert_eq!(kinds[0], "crisis");
    assert_eq!(kinds[1], "crisis-words");
    let pos = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    assert!(pos("high-danger") < pos("not-your-fault"));
    assert!(kinds.contains(&"not-your-fault") && kinds.contains(&"again"));
    assert!(!kinds.contains(&"couple"));
    assert_eq!(v["danger"], "high");

    let low = screen_json(r#"{"answers": {"tense": "yes"}}"#);
    assert_eq!(grades(&low), ["professional"]);
    assert_eq!(low["safety_mode"], false);

    let skipped = screen_json(r#"{"answers": {"afraid": "skip", "hurt": "skip"}}"#);
    assert!(grades(&skipped).is_empty());
    assert_eq!(skipped["safety_mode"], false);
    assert_eq!(skipped["danger"], "unknown");
}

fn all_answered(id: &str, answer: &str) -> String {
    let fields: Vec<String> = screen::questions()
        .iter()
        .map(|q| {
            let a = if q.id == id { answer } else { "no" };
            format!("\"{}\": \"{a}\"", q.id)
        })
        .collect();
    format!("{{\"answers\": {{{}}}}}", fields.join(", "))
}

fn result_kinds(v: &Value) -> Vec<String> {
    v["result"]
        .as_array()
        .expect("result")
        .iter()
        .map(|p| json_str(p, "kind").to_string())
        .collect()
}

/// The JSON contract of issue 10: "not_sure" is an answer and counts as yes; "danger" is high,
/// raised, none or unknown; "crisis" is a grade whenever self-harm is yes or not sure, and
/// crisis help with the region's numbers comes first. Yes / no / skip work as before.
#[test]
fn screen_json_contract_not_sure_danger_and_crisis() {
    // Backward compatible: the old answers and fields are unchanged.
    let old = screen_json(&all_answered("afraid", "yes"));
    assert_eq!(grades(&old), ["safety_mode"]);
    assert_eq!(old["safety_mode"], true);
    assert_eq!(old["danger"], "raised");
    assert_eq!(old["skipped"], serde_json::json!([]));

    for id in ["neck", "kill", "weapon", "worse"] {
        for a in ["yes", "not_sure"] {
            let v = screen_json(&all_answered(id, a));
            assert_eq!(v["danger"], "high", "{id} {a}");
            assert_eq!(v["safety_mode"], true, "{id} {a}");
        }
    }
    // not_sure gives exactly what yes gives, for every question.
    for q in screen::questions() {
        let y = screen_json(&all_answered(&q.id, "yes"));
        let ns = screen_json(&all_answered(&q.id, "not_sure"));
        assert_eq!(y["grades"], ns["grades"], "{}", q.id);
        assert_eq!(y["danger"], ns["danger"], "{}", q.id);
        assert_eq!(result_kinds(&y), result_kinds(&ns), "{}", q.id);
    }
    let none = screen_json(&all_answered("tense", "no"));
    assert_eq!(none["danger"], "none");
    assert!(grades(&none).is_empty());
    let raised = screen_json(&all_answered("tense", "yes"));
    assert_eq!(raised["danger"], "raised");
    // Separation together with violence is high danger.
    let sep = screen_json(
        &all_answered("hurt", "yes")
            .replace("\"separating\": \"no\"", "\"separating\": \"not_sure\""),
    );
    assert_eq!(sep["danger"], "high");
    // A high-danger answer outranks a skipped violence question; a skipped one makes it unknown.
    let hi = screen_json(r#"{"answers": {"neck": "not_sure"}}"#);
    assert_eq!(hi["danger"], "high");
    let unk = screen_json(r#"{"answers": {"tense": "yes", "devices": "yes"}}"#);
    assert_eq!(unk["danger"], "unknown");
    assert!(
        unk["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "hurt")
    );

    // Self-harm yes or not sure: the crisis grade, crisis help first with the region's numbers.
    for a in ["yes", "not_sure"] {
        let (r, _) = run_in(
            &["screen", "--json", "--region", "USA"],
            &all_answered("self_harm", a),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert!(grades(&v).contains(&"crisis"), "{a}");
        let first = &v["result"][0];
        assert_eq!(first["kind"], "crisis");
        let text = json_str(first, "text");
        assert!(text.contains("911") && text.contains("988"), "{text}");
    }
    // The region by name, and from CLOSER_REGION.
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(super::common::bin())
        .args(["screen", "--json"])
        .env_clear()
        .env("HOME", home.path())
        .env("CLOSER_REGION", "england")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut si = child.stdin.take().unwrap();
        si.write_all(all_answered("self_harm", "not_sure").as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json_str(&v["result"][0], "text");
    assert!(text.contains("999") && text.contains("116 123"), "{text}");
    // An unknown place is bad input.
    let (r, _) = run_in(
        &["screen", "--json", "--region", "atlantis"],
        "{\"answers\": {}}",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("atlantis") && r.stderr.contains("UK-SCT"));
}

/// What the command prints is exactly what the safety crate said through the policy.
#[test]
fn screen_json_result_is_the_policy_reviewed_outcome() {
    let v = screen_json(r#"{"answers": {"afraid": "yes"}}"#);
    let outcome = screen::outcome(&[("afraid", screen::Answer::Yes)]).expect("outcome");
    let printed = v["result"].as_array().expect("result");
    assert_eq!(printed.len(), outcome.said.len());
    for (p, s) in printed.iter().zip(&outcome.said) {
        assert_eq!(json_str(p, "title"), s.title());
        assert_eq!(json_str(p, "text"), s.text());
    }
}

#[test]
fn screen_json_bad_input_exits_2() {
    let r = run_in(&["screen", "--json"], r#"{"answers": {"nope": "yes"}}"#).0;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nope") && r.stderr.contains("self_harm"),
        "{}",
        r.stderr
    );
    let r = run_in(
        &["screen", "--json"],
        r#"{"answers": {"afraid": "perhaps"}}"#,
    )
    .0;
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 1"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn screen_help_documents_every_question_id() {
    let r = run(&["screen", "--help"]);
    assert_eq!(r.code, 0);
    for q in screen::questions() {
        assert!(r.stdout.contains(&q.id), "{} missing from --help", q.id);
    }
    assert!(r.stdout.contains("--json"));
}

/// `closer screen` at a pseudo-terminal; see [`super::common::at_a_terminal`].
fn screen_at_a_terminal(keys: &str) -> Option<String> {
    super::common::at_a_terminal(&["screen"], keys)
}

const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";

/// Everything the screen shows is on the alternate screen, which is cleared and left at the end
/// and on quit, so nothing stays in the terminal's scrollback.
#[test]
fn screen_at_a_terminal_shows_everything_on_a_cleared_alternate_screen() {
    let all_no = format!("\n{}\n", "n\n".repeat(screen::questions().len()));
    let Some(out) = screen_at_a_terminal(&all_no) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let start = out.find(ENTER_ALT).expect("enters the alternate screen");
    let end = out.rfind(LEAVE_ALT).expect("leaves the alternate screen");
    assert!(start < end);
    let inside = &out[start..end];
    assert!(inside.contains("Question 1 of"));
    assert!(inside.contains("Worth doing again"));
    // Cleared right before leaving, and nothing printed after.
    assert!(inside.ends_with("\x1b[H\x1b[2J"));
    assert!(!out[..start].contains("Question"));
    assert!(out[end + LEAVE_ALT.len()..].trim().is_empty());

    // Quitting at the first question: cleared, no result shown.
    let out = screen_at_a_terminal("\nq\n").expect("script present");
    let end = out.rfind(LEAVE_ALT).expect("leaves the alternate screen");
    assert!(out[..end].ends_with("\x1b[H\x1b[2J"));
    assert!(!out.contains("Worth doing again"));
    assert!(out[end + LEAVE_ALT.len()..].trim().is_empty());
}

/// What a person sees at the terminal: escape sequences removed, words joined across the
/// wrapped lines, spaces collapsed.
fn plain(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The keys for the whole screen: Enter to begin, one answer per question (the others `n`),
/// the region, then Enter for every page and to close.
fn screen_keys(answers: &[(&str, &str)], region: &str) -> String {
    let mut keys = String::from("\n");
    for q in screen::questions() {
        let a = answers
            .iter()
            .find(|(id, _)| *id == q.id)
            .map(|(_, a)| *a)
            .unwrap_or("n");
        keys.push_str(a);
        keys.push('\n');
    }
    keys.push_str(region);
    keys.push('\n');
    keys.push_str(&"\n".repeat(12));
    keys
}

/// Reproduction 10 of issue 10, typed at a terminal: strangulation gave the same result as
/// phone monitoring. Now "not sure" about the neck is high danger: urgent words, medical care
/// even without marks, an abuse service today, an emergency plan and the region's numbers;
/// phone monitoring is safety mode without the high-danger words.
#[test]
fn screen_at_a_terminal_strangulation_is_not_phone_monitoring() {
    let Some(neck) = screen_at_a_terminal(&screen_keys(&[("neck", "?")], "England")) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let neck = plain(&neck);
    for must in [
        "serious danger",
        "even without marks",
        "today",
        "An emergency plan",
        "call 999",
        "0808 2000 247",
    ] {
        assert!(neck.contains(must), "{must}: {neck}");
    }
    let phone = plain(&screen_at_a_terminal(&screen_keys(&[("devices", "y")], "England")).unwrap());
    assert!(phone.contains("not your fault") && phone.contains("0808 2000 247"));
    for not in ["serious danger", "without marks", "An emergency plan"] {
        assert!(!phone.contains(not), "{not}");
    }
    // Words are never broken across lines: every line of the result fits the terminal and the
    // long question reads whole once the lines are joined.
    assert!(neck.contains("put their hands, an arm or anything else around your neck"));
}

/// Reproduction 10, continued: skipping every question said "None of your answers points to a
/// concern"; tension with the violence questions skipped still offered couple therapy. A bare
/// Enter or "sometimes" is asked again rather than read as no.
#[test]
fn screen_at_a_terminal_skips_are_never_an_all_clear() {
    let all_skip: Vec<(&str, &str)> = screen::questions()
        .iter()
        .map(|q| (q.id.as_str(), "s"))
        .collect();
    let Some(out) = screen_at_a_terminal(&screen_keys(&all_skip, "")) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let out = plain(&out);
    assert!(out.contains("You skipped these"), "{out}");
    assert!(out.contains("never read as a no"));
    assert!(!out.contains("None of your answers"));
    assert!(!out.contains("Couple therapy"));
    // No region given: the emergency advice and the directory, still in place.
    assert!(out.contains("your local emergency number") && out.contains("findahelpline.com"));

    let mut tense = all_skip.clone();
    tense.retain(|(id, _)| *id != "tense");
    tense.insert(0, ("tense", "y"));
    let out = plain(&screen_at_a_terminal(&screen_keys(&tense, "usa")).unwrap());
    assert!(out.contains("Someone to talk it through with"), "{out}");
    assert!(!out.contains("Couple therapy"), "{out}");
    assert!(out.contains("911") && out.contains("1-800-799-7233"));

    // A bare Enter and "sometimes" are asked again; the answer after them counts.
    let mut keys = String::from("\n\nsometimes\ny\n");
    keys.push_str(&"n\n".repeat(screen::questions().len() - 1));
    keys.push_str("uk\n");
    keys.push_str(&"\n".repeat(12));
    let out = plain(&screen_at_a_terminal(&keys).unwrap());
    assert_eq!(out.matches("Please type y, n, ?").count(), 2, "{out}");
    assert!(out.contains("Someone to talk it through with"));
}

/// Self-harm answered "not sure" at a terminal: crisis help first, shown in place with the
/// region's numbers (asked once inside the screen), before any other result.
#[test]
fn screen_at_a_terminal_self_harm_not_sure_leads_with_crisis_numbers() {
    let Some(out) = screen_at_a_terminal(&screen_keys(
        &[("self_harm", "not sure"), ("afraid", "y")],
        "United States",
    )) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let out = plain(&out);
    let result = &out[out.find("Where are you?").expect("the region is asked")..];
    let crisis = result
        .find("If you are thinking about suicide")
        .expect("crisis help");
    let safety = result.find("not your fault").expect("safety words");
    assert!(crisis < safety, "crisis first");
    assert!(result.contains("call 911") && result.contains("988"));
}

/// Reproduction 6 of issue 10, typed at a terminal: help-now with BR, USA and England (given
/// as the flag, or typed when asked), on the private screen.
#[test]
fn help_now_at_a_terminal_for_br_usa_and_england() {
    let Some(br) = super::common::at_a_terminal(&["help-now", "--region", "BR"], &"\n".repeat(20))
    else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    assert!(br.contains(ENTER_ALT) && br.contains(LEAVE_ALT));
    let br = plain(&br);
    assert!(br.contains("No checked lines for Brazil yet"), "{br}");
    assert!(br.contains("findahelpline.com/BR"));
    // Asked where: typed at the prompt.
    let keys = format!("USA\n{}", "\n".repeat(30));
    let us = plain(&super::common::at_a_terminal(&["help-now"], &keys).unwrap());
    assert!(us.contains("Where are you?"));
    assert!(us.contains("911") && us.contains("988") && us.contains("1-800-656-4673"));
    let keys = format!("England\n{}", "\n".repeat(30));
    let en = plain(&super::common::at_a_terminal(&["help-now"], &keys).unwrap());
    for n in ["999", "0808 2000 247", "0808 802 0300", "116 123"] {
        assert!(en.contains(n), "{n}");
    }
    assert!(en.contains("history -d"));
    // Nothing after leaving the private screen.
    let raw =
        super::common::at_a_terminal(&["help-now", "--region", "usa"], &"\n".repeat(30)).unwrap();
    let end = raw.rfind(LEAVE_ALT).unwrap();
    assert!(raw[end + LEAVE_ALT.len()..].trim().is_empty());
}
