//! `closer assess`: scoring, change, signals by direction and privacy of other people's rows,
//! bad input, and the reflection questions without a terminal.

use super::common::{files_under, run, run_in, shared};
use std::path::{Path, PathBuf};

/// Writes a responses file into a temporary folder and returns its absolute path.
fn write(dir: &Path, name: &str, items: usize, rows: &[Vec<String>]) -> PathBuf {
    let mut t: String = (1..=items)
        .map(|i| format!("Q{i}"))
        .collect::<Vec<_>>()
        .join(",");
    t.push('\n');
    for r in rows {
        t.push_str(&r.join(","));
        t.push('\n');
    }
    let p = dir.join(name);
    std::fs::write(&p, t).unwrap();
    p
}

/// Human output wraps lines; compare on whitespace-normalised text.
/// `closer assess score --instrument INSTRUMENT REST...`.
fn score(instrument: &str, rest: &[&str]) -> super::common::Run {
    let mut args = vec!["assess", "score", "--instrument", instrument];
    args.extend_from_slice(rest);
    run(&args)
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn row(v: &[i32]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn ecr_path() -> String {
    shared()
        .join("data/ecr/ECR-data-1March2018_data.csv")
        .display()
        .to_string()
}

#[test]
fn one_person_ecr_on_1_to_5_shows_scores_norms_and_a_labelled_region() {
    let d = tempfile::tempdir().unwrap();
    // All answers 2 on 1–5: anxiety (17·2 + 4)/18 = 38/18; avoidance (9·2 + 9·4)/18 = 3.
    let f = write(d.path(), "me.csv", 36, &[row(&[2; 36])]);
    let f = f.to_str().unwrap();
    let r = score("ecr", &["--scale-min", "1", "--scale-max", "5", f]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        flat(&r.stdout).contains("2.11") && flat(&r.stdout).contains("3.00"),
        "{}",
        r.stdout
    );
    assert!(flat(&r.stdout).contains("not a verdict"));
    assert!(
        flat(&r.stdout).contains("median age 23") && flat(&r.stdout).contains("two thirds women")
    );
    assert!(flat(&r.stdout).contains("scale-midpoint rule"));
    let j = score(
        "ecr",
        &["--scale-min", "1", "--scale-max", "5", f, "--json"],
    )
    .json();
    let p = &j["respondents"][0];
    assert!((p["anxiety"].as_f64().unwrap() - 38.0 / 18.0).abs() < 1e-12);
    assert_eq!(p["avoidance"].as_f64().unwrap(), 3.0);
    assert_eq!(p["quadrant"]["label"], "secure");
    assert_eq!(p["quadrant"]["rule"], "midpoint");
    assert_eq!(p["quadrant"]["anxiety"], p["anxiety"]);
    assert_eq!(p["quadrant"]["avoidance"], p["avoidance"]);
    assert!(p["percentiles"]["anxiety"].as_f64().is_some());
    assert_eq!(j["scale"], serde_json::json!([1, 5]));
    assert!(j["summary"].is_null());
}

/// The quadrant is never shown without both scores: not in JSON (every labelled respondent
/// carries both scores, equal to those in the label), not in text, and never for an unscorable
/// subscale.
#[test]
fn quadrant_never_without_both_scores() {
    let d = tempfile::tempdir().unwrap();
    let mut rows: Vec<Vec<String>> = (0..5)
        .map(|k| (0..36).map(|j| ((k + j) % 7 + 1).to_string()).collect())
        .collect();
    // Row 3: two anxiety items missing → anxiety unscorable → no label.
    rows[2][0] = "NA".into();
    rows[2][1] = "NA".into();
    let f = write(d.path(), "r.csv", 36, &rows);
    let j = score("ecr-r", &[f.to_str().unwrap(), "--missing", "NA", "--json"]).json();
    assert_eq!(j["order"], "author");
    for p in j["respondents"].as_array().unwrap() {
        match p.get("quadrant") {
            Some(q) => {
                assert!(p["anxiety"].is_f64() && p["avoidance"].is_f64());
                assert_eq!(q["anxiety"], p["anxiety"]);
                assert_eq!(q["avoidance"], p["avoidance"]);
                assert!(q["rule"].is_string());
            }
            None => assert!(p["anxiety"].is_null() || p["avoidance"].is_null()),
        }
    }
    assert!(j["respondents"][2]["anxiety"].is_null());
    assert!(j["respondents"][2].get("quadrant").is_none());
    // Functions only on 1–7 ECR/ECR-R.
    let f1 = write(d.path(), "one.csv", 36, &[row(&[3; 36])]);
    let r = score(
        "ecr",
        &[
            "--scale-min",
            "1",
            "--scale-max",
            "5",
            "--quadrant",
            "functions",
            f1.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("1–7 only"), "{}", r.stderr);
}

#[test]
fn public_ecr_data_summary_matches_reference_alphas() {
    let r = score(
        "ecr",
        &[
            "--scale-min",
            "1",
            "--scale-max",
            "5",
            "--missing",
            "0",
            &ecr_path(),
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["respondents"].as_array().unwrap().len(), 51_491);
    let s = &j["summary"];
    // Alphas on rows complete per subscale; the reference .916/.938 is on rows complete on all
    // 36 items, so agreement to about .001 is expected.
    assert!((s["anxiety"]["alpha"].as_f64().unwrap() - 0.916).abs() < 0.002);
    assert!((s["avoidance"]["alpha"].as_f64().unwrap() - 0.938).abs() < 0.002);
    assert!(s["anxiety"]["sem"].as_f64().unwrap() > 0.0);
    assert_eq!(
        j["item_total"]["anxiety"].as_array().unwrap().len(),
        18,
        "item–total for every anxiety item"
    );
    assert_eq!(j["item_total"]["avoidance"][1]["item"], "ecr:3");
    assert_eq!(j["item_total"]["avoidance"][1]["reversed"], true);
    // A research file gets no per-person map sentences and no percentiles in text.
    let t = score(
        "ecr",
        &[
            "--scale-min",
            "1",
            "--scale-max",
            "5",
            "--missing",
            "0",
            &ecr_path(),
        ],
    );
    assert!(flat(&t.stdout).contains("51491 respondents"));
    assert!(!flat(&t.stdout).contains("Region on the attachment map"));
}

#[test]
fn bad_input_names_file_line_and_column_and_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let mut bad = row(&[3; 12]);
    bad[6] = "x".into();
    let f = write(d.path(), "bad.csv", 12, &[row(&[3; 12]), bad]);
    let (r, home) = run_in(
        &[
            "assess",
            "score",
            "--instrument",
            "ecr-s",
            f.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.csv, line 3, field `Q7`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "nothing half-printed: {}", r.stdout);
    assert!(
        files_under(home.path()).is_empty(),
        "{:?}",
        files_under(home.path())
    );
    // Out of range.
    let mut out = row(&[3; 12]);
    out[11] = "8".into();
    let f = write(d.path(), "range.csv", 12, &[out]);
    let r = score("ecr-s", &[f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 2, field `Q12`") && r.stderr.contains("from 1 to 7"));
    // An undeclared empty cell.
    let mut empty = row(&[3; 12]);
    empty[0] = String::new();
    let f = write(d.path(), "empty.csv", 12, &[empty]);
    let r = score("ecr-s", &[f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--missing"), "{}", r.stderr);
    // A missing item column.
    let f = write(d.path(), "short.csv", 11, &[row(&[3; 11])]);
    let r = score("ecr-s", &[f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("line 1, field `Q12`"), "{}", r.stderr);
    // An order that the instrument does not have.
    let f = write(d.path(), "ok.csv", 12, &[row(&[3; 12])]);
    let r = score("ecr-s", &["--order", "interleaved", f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
}

fn cpq_row(set: &[(usize, i32)]) -> Vec<String> {
    let mut v = vec![1; 35];
    for &(i, x) in set {
        v[i - 1] = x;
    }
    row(&v)
}

#[test]
fn one_persons_cpq_shows_their_signals_by_direction_and_where_they_lead() {
    let d = tempfile::tempdir().unwrap();
    // Receiving threats (18) → safety mode; doing name-calling (19) → own-behaviour path.
    let f = write(d.path(), "cpq.csv", 35, &[cpq_row(&[(18, 3), (19, 2)])]);
    let j = score("cpq", &[f.to_str().unwrap(), "--json"]).json();
    let sig = j["respondents"][0]["signals"].as_array().unwrap();
    assert_eq!(sig.len(), 2);
    assert_eq!(sig[0]["domain"], "threats");
    assert_eq!(sig[0]["direction"], "receiving");
    assert_eq!(sig[0]["source"]["item"], "cpq:18");
    assert_eq!(sig[1]["domain"], "name_calling");
    assert_eq!(sig[1]["direction"], "doing");
    assert_eq!(sig[1]["source"]["item"], "cpq:19");
    assert_eq!(j["grading"]["safety_mode"], true);
    assert_eq!(
        j["grading"]["grades"],
        serde_json::json!(["safety_mode", "own_behaviour"])
    );
    let t = score("cpq", &[f.to_str().unwrap()]);
    // Routed as the screen routes them: the help is in place, with numbers, not a command.
    assert!(!flat(&t.stdout).contains("closer help-now"), "{}", t.stdout);
    assert!(flat(&t.stdout).contains("not your fault"), "{}", t.stdout);
    assert!(flat(&t.stdout).contains("your local emergency number"));
    // Receiving name-calling only → a professional; physical aggression done → own behaviour.
    let f = write(d.path(), "cpq2.csv", 35, &[cpq_row(&[(20, 9), (21, 2)])]);
    let j = score("cpq", &[f.to_str().unwrap(), "--json"]).json();
    assert_eq!(j["grading"]["safety_mode"], false);
    assert_eq!(
        j["grading"]["grades"],
        serde_json::json!(["own_behaviour", "professional"])
    );
    // All answers 1: no signal.
    let f = write(d.path(), "cpq3.csv", 35, &[cpq_row(&[])]);
    let j = score("cpq", &[f.to_str().unwrap(), "--json"]).json();
    assert_eq!(j["respondents"][0]["signals"], serde_json::json!([]));
    assert_eq!(j["grading"]["grades"], serde_json::json!([]));
}

#[test]
fn other_peoples_signals_only_with_research() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "many.csv",
        35,
        &[cpq_row(&[(22, 5)]), cpq_row(&[]), cpq_row(&[(17, 2)])],
    );
    let f = f.to_str().unwrap();
    let j = score("cpq", &[f, "--json"]).json();
    for p in j["respondents"].as_array().unwrap() {
        assert!(p.get("signals").is_none(), "{p}");
    }
    assert!(j.get("grading").is_none());
    let notes = serde_json::to_string(&j["notes"]).unwrap();
    assert!(notes.contains("--research"));
    let t = score("cpq", &[f]);
    assert!(
        !flat(&t.stdout).contains("cpq:22") && !flat(&t.stdout).contains("physical_aggression")
    );
    assert!(flat(&t.stdout).contains("--research"));
    let t = score("cpq", &[f, "--research"]);
    assert!(
        flat(&t.stdout).contains("2 cpq:22 physical_aggression receiving"),
        "{}",
        t.stdout
    );
    assert!(flat(&t.stdout).contains("4 cpq:17 threats doing"));
    let j = score("cpq", &[f, "--research", "--json"]).json();
    assert_eq!(
        j["respondents"][0]["signals"][0]["source"]["item"],
        "cpq:22"
    );
    assert_eq!(j["respondents"][0]["signals"][0]["direction"], "receiving");
    assert_eq!(j["respondents"][2]["signals"][0]["direction"], "doing");
    // A research reader gets no "where it leads" for someone else's answers.
    assert!(j.get("grading").is_none());
}

#[test]
fn demand_scores_carry_the_note_in_text_and_json() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "cpq.csv", 35, &[cpq_row(&[(3, 9)])]);
    let f = f.to_str().unwrap();
    let t = score("cpq", &[f]);
    assert!(flat(&t.stdout).contains("17 and 19") && flat(&t.stdout).contains("18 and 20"));
    let j = score("cpq", &[f, "--json"]).json();
    // Self demand: items 3 (9), 9, 11, 13, 17, 19, 32 (1 each) = 15.
    assert_eq!(j["respondents"][0]["self_demand_partner_withdraw"], 15.0);
    let subs = j["subscales"].as_array().unwrap();
    assert!(subs[0].get("note").is_none());
    assert!(subs[1]["note"].as_str().unwrap().contains("17 and 19"));
    assert!(subs[2]["note"].as_str().unwrap().contains("18 and 20"));
    let c = run(&[
        "assess",
        "change",
        "--instrument",
        "cpq",
        "--before",
        f,
        "--after",
        f,
        "--reliability",
        "0.8",
        "--sd",
        "8",
    ]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(flat(&c.stdout).contains("17 and 19"));
}

#[test]
fn change_uses_documented_values_or_asks_for_them() {
    let d = tempfile::tempdir().unwrap();
    let b = write(d.path(), "b.csv", 36, &[row(&[2; 36])]);
    let a = write(d.path(), "a.csv", 36, &[row(&[4; 36])]);
    let (b, a) = (b.to_str().unwrap(), a.to_str().unwrap());
    let j = run(&[
        "assess",
        "change",
        "--instrument",
        "ecr",
        "--scale-min",
        "1",
        "--scale-max",
        "5",
        "--before",
        b,
        "--after",
        a,
        "--json",
    ])
    .json();
    // Anxiety 38/18 → 70/18; SEM = .803·√(1 − .916); RCI = (32/18)/(√2·SEM).
    let c = &j["pairs"][0]["subscales"][0]["change"];
    let sem = 0.803 * (1.0f64 - 0.916).sqrt();
    assert!((c["sem"].as_f64().unwrap() - sem).abs() < 1e-12);
    let rci = (32.0 / 18.0) / (2f64.sqrt() * sem);
    assert!((c["rci"].as_f64().unwrap() - rci).abs() < 1e-9);
    assert_eq!(c["reliable"], true);
    let said = serde_json::to_string(&j["pairs"][0]["said"]).unwrap();
    assert!(said.contains("larger than measurement noise"));
    assert!(said.contains("week-to-week"));
    // ECR-R: nothing documented → asks, exit 2.
    let r = run(&[
        "assess",
        "change",
        "--instrument",
        "ecr-r",
        "--before",
        b,
        "--after",
        a,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--reliability") && r.stderr.contains("--sd"));
    // With flags: a small change is called noise. Anxiety all 2 → 30/18... compare 2s vs 2s
    // with one item changed: anxiety item 1 from 2 to 3 → difference 1/18.
    let mut v = vec![2; 36];
    v[0] = 3;
    let a2 = write(d.path(), "a2.csv", 36, &[row(&v)]);
    let t = run(&[
        "assess",
        "change",
        "--instrument",
        "ecr-r",
        "--before",
        b,
        "--after",
        a2.to_str().unwrap(),
        "--reliability",
        "anxiety=0.9,avoidance=0.9",
        "--sd",
        "1.1",
    ]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(flat(&t.stdout).contains("within what measurement noise alone often produces"));
}

#[test]
fn summary_only_with_enough_respondents_and_rescaling_is_labelled() {
    let d = tempfile::tempdir().unwrap();
    let rows: Vec<Vec<String>> = (0..5).map(|k| row(&[k % 5 + 1; 12])).collect();
    let f = write(d.path(), "five.csv", 12, &rows);
    let j = score(
        "ecr-s",
        &[
            "--scale-min",
            "1",
            "--scale-max",
            "5",
            "--rescale",
            f.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    assert!(j["summary"].is_null());
    assert_eq!(j["summary_minimum"], 30);
    assert!(
        serde_json::to_string(&j["notes"])
            .unwrap()
            .contains("at least 30")
    );
    assert_eq!(j["scale"], serde_json::json!([1, 7]));
    assert_eq!(j["rescaled_from"], serde_json::json!([1, 5]));
    // Row 3: all 3 on 1–5 → 3 → 4 on 1–7.
    assert_eq!(j["respondents"][2]["anxiety"], 4.0);
}

#[test]
fn ecr_rs_is_relationship_specific() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "rs.csv", 9, &[row(&[1, 1, 1, 1, 7, 7, 7, 7, 7])]);
    let j = score("ecr-rs", &[f.to_str().unwrap(), "--json"]).json();
    assert_eq!(j["relationship_specific"], true);
    assert_eq!(j["target"], "romantic partner");
    // Avoidance: items 1–4 reversed (8 − 1 = 7) and 5, 6 at 7 → 7; anxiety 7.
    assert_eq!(j["respondents"][0]["avoidance"], 7.0);
    assert_eq!(j["respondents"][0]["anxiety"], 7.0);
    let t = score("ecr-rs", &[f.to_str().unwrap()]);
    assert!(flat(&t.stdout).contains("never combined"), "{}", t.stdout);
}

#[test]
fn reflection_without_a_terminal_prints_and_never_waits() {
    let (r, home) = run_in(&["assess"], "this should not be read\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flat(&r.stdout).contains("1. ") && flat(&r.stdout).contains("5. "));
    assert!(flat(&r.stdout).contains("closer assess score"));
    assert!(flat(&r.stdout).contains("Fraley"));
    assert!(
        !flat(&r.stdout).contains("\x1b["),
        "no terminal control codes"
    );
    assert!(files_under(home.path()).is_empty());
}

#[test]
fn ecr_r_orders_are_named_and_scored_with_their_own_keys() {
    let d = tempfile::tempdir().unwrap();
    let v: Vec<i32> = (1..=36).map(|j| if j <= 18 { 7 } else { 1 }).collect();
    let f = write(d.path(), "r.csv", 36, &[row(&v)]);
    let f = f.to_str().unwrap();
    let a = score("ecr-r", &[f, "--json"]).json();
    assert_eq!(a["order"], "author");
    // Author key: anxiety (16·7 + 2·1)/18; interleaved key: (8·7 + 1 + 8·1 + 7)/18 = 4.
    assert!((a["respondents"][0]["anxiety"].as_f64().unwrap() - 114.0 / 18.0).abs() < 1e-12);
    let b = score("ecr-r", &["--order", "interleaved", f, "--json"]).json();
    assert_eq!(b["order"], "interleaved");
    assert_eq!(b["respondents"][0]["anxiety"], 4.0);
    let t = score("ecr-r", &["--order", "interleaved", f]);
    assert!(
        flat(&t.stdout).contains("interleaved item order"),
        "{}",
        t.stdout
    );
    let h = run(&["assess", "score", "--help"]);
    assert_eq!(h.code, 0);
    assert!(h.stdout.contains("--instrument") && h.stdout.contains("--research"));
}

/// `closer assess` at a pseudo-terminal; see [`super::common::at_a_terminal`].
fn assess_at_a_terminal(keys: &str) -> Option<String> {
    super::common::at_a_terminal(&["assess"], keys)
}

/// At a terminal: one question at a time on the alternate screen, every one skippable, a prompt
/// after each, and the pointer to validated forms at the end; q stops at once; the screen is
/// left (and cleared) either way.
#[test]
fn reflection_at_a_terminal_is_one_question_at_a_time_and_skippable() {
    // Begin, then for five questions: an answer or Enter (skip), then Enter to go on; close.
    let keys = "\n\n\nsome words\n\n\n\n\n\n\n\n\n";
    let Some(out) = assess_at_a_terminal(keys) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    assert!(out.contains("\x1b[?1049h"), "entered the alternate screen");
    assert!(
        out.trim_end().ends_with("\x1b[?1049l"),
        "left it at the end"
    );
    for k in 1..=5 {
        assert!(out.contains(&format!("{k}/5")), "{out}");
    }
    let flat = flat(&out.replace('\r', ""));
    assert!(flat.contains("closer assess score"), "{out}");
    assert!(flat.contains("where understanding starts"));
    // q stops at the first question.
    let out = assess_at_a_terminal("\nq\n").unwrap();
    assert!(out.contains("1/5") && !out.contains("2/5"), "{out}");
    assert!(out.trim_end().ends_with("\x1b[?1049l"));
}

/// Reproduction 13 of issue 10: `closer assess change --instrument cpq` with Q22 = 9 in the
/// after file printed only the reliable-change text. Now both files' direction signals are
/// read and routed as the screen routes them: the signal, the grading, the safety text and
/// the region's numbers, first; and the narration drops the shared framing.
#[test]
fn assess_change_reads_the_signals_in_both_files_and_routes_them() {
    let d = tempfile::tempdir().unwrap();
    let before = write(d.path(), "before.csv", 35, &[cpq_row(&[])]);
    let after = write(d.path(), "after.csv", 35, &[cpq_row(&[(22, 9)])]);
    let args = |json: bool, region: &str| {
        let mut v = vec![
            "assess".to_string(),
            "change".into(),
            "--instrument".into(),
            "cpq".into(),
            "--before".into(),
            before.to_str().unwrap().into(),
            "--after".into(),
            after.to_str().unwrap().into(),
            "--reliability".into(),
            "0.8".into(),
            "--sd".into(),
            "5".into(),
            "--region".into(),
            region.into(),
        ];
        if json {
            v.push("--json".into());
        }
        v
    };
    let a = args(true, "UK");
    let r = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["signals"]["before"], serde_json::json!([]));
    assert_eq!(j["signals"]["after"][0]["domain"], "physical_aggression");
    assert_eq!(j["signals"]["after"][0]["direction"], "receiving");
    assert_eq!(j["signals"]["after"][0]["source"]["item"], "cpq:22");
    assert_eq!(j["grading"]["grades"], serde_json::json!(["safety_mode"]));
    assert_eq!(j["grading"]["safety_mode"], true);
    let said = j["grading"]["said"].as_array().unwrap();
    let kinds: Vec<&str> = said.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "signals");
    assert!(
        kinds.contains(&"not-your-fault") && kinds.contains(&"safety"),
        "{kinds:?}"
    );
    assert!(!kinds.contains(&"couple"));
    let safety = said.iter().find(|s| s["kind"] == "safety").unwrap();
    let text = safety["text"].as_str().unwrap();
    assert!(
        text.contains("999") && text.contains("0808 2000 247"),
        "{text}"
    );

    // The words: the safety text and numbers lead, before the reliable-change text.
    let a = args(false, "united states");
    let t = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(t.code, 0, "{}", t.stderr);
    let out = flat(&t.stdout);
    let safety_at = out.find("not your fault").expect("safety text");
    let change_at = out.find("reliable-change index").expect("change text");
    assert!(safety_at < change_at);
    assert!(
        out.contains("911") && out.contains("1-800-799-7233"),
        "{out}"
    );
    assert!(out.contains("item 22 (physical aggression, from your partner toward you)"));

    // The same item in the BEFORE file is read too; a self item is the own-behaviour path.
    let before2 = write(d.path(), "before2.csv", 35, &[cpq_row(&[(21, 5)])]);
    let after2 = write(d.path(), "after2.csv", 35, &[cpq_row(&[])]);
    let r = run(&[
        "assess",
        "change",
        "--instrument",
        "cpq",
        "--before",
        before2.to_str().unwrap(),
        "--after",
        after2.to_str().unwrap(),
        "--reliability",
        "0.8",
        "--sd",
        "5",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["signals"]["before"][0]["direction"], "doing");
    assert_eq!(j["grading"]["grades"], serde_json::json!(["own_behaviour"]));
    // No signal: no grading said, and nothing changes in the change text.
    let none = run(&[
        "assess",
        "change",
        "--instrument",
        "cpq",
        "--before",
        after2.to_str().unwrap(),
        "--after",
        after2.to_str().unwrap(),
        "--reliability",
        "0.8",
        "--sd",
        "5",
        "--json",
    ])
    .json();
    assert_eq!(none["grading"]["grades"], serde_json::json!([]));
    assert_eq!(none["grading"]["said"], serde_json::json!([]));
    // An unknown place is bad usage.
    let a = args(true, "atlantis");
    let bad = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("atlantis"));
}

/// In safety mode the measure narration drops the shared framing ("not a verdict on either of
/// you"); without a safety sign it stays.
#[test]
fn assess_score_in_safety_mode_drops_the_shared_framing() {
    let d = tempfile::tempdir().unwrap();
    let unsafe_ = write(d.path(), "a.csv", 35, &[cpq_row(&[(18, 4)])]);
    let t = score("cpq", &[unsafe_.to_str().unwrap(), "--region", "AU"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let out = flat(&t.stdout);
    assert!(!out.contains("either of you"), "{out}");
    assert!(!out.contains("between two people"));
    assert!(out.contains("000") && out.contains("1800 737 732"), "{out}");
    assert!(out.find("not your fault") < out.find("Instrument"));
    let calm = write(d.path(), "b.csv", 35, &[cpq_row(&[])]);
    let t = score("cpq", &[calm.to_str().unwrap()]);
    assert!(flat(&t.stdout).contains("not a verdict on either of you"));
}

/// Reproduction 13 of issue 10, at a terminal: the same command typed by a person shows the
/// signal, the safety words and the region's numbers before the reliable-change text.
#[test]
fn assess_change_at_a_terminal_shows_the_safety_pathway() {
    let d = tempfile::tempdir().unwrap();
    let before = write(d.path(), "before.csv", 35, &[cpq_row(&[])]);
    let after = write(d.path(), "after.csv", 35, &[cpq_row(&[(22, 9)])]);
    let Some(out) = super::common::at_a_terminal(
        &[
            "assess",
            "change",
            "--instrument",
            "cpq",
            "--before",
            before.to_str().unwrap(),
            "--after",
            after.to_str().unwrap(),
            "--reliability",
            "0.8",
            "--sd",
            "5",
            "--region",
            "England",
        ],
        "",
    ) else {
        eprintln!("skipped: script(1) not available");
        return;
    };
    let out = flat(&out.replace('\r', ""));
    let safety = out.find("not your fault").expect("safety words");
    assert!(safety < out.find("reliable-change index").unwrap());
    assert!(out.contains("item 22 (physical aggression, from your partner toward you)"));
    assert!(out.contains("999") && out.contains("0808 2000 247"));
}

#[test]
fn a_longer_form_scored_with_a_shorter_key_is_refused_unless_explicit() {
    let d = tempfile::tempdir().unwrap();
    // ECR answers (36 items) given to the ECR-S (12 items).
    let f = write(d.path(), "ecr36.csv", 36, &[row(&[4; 36]), row(&[2; 36])]);
    let r = score("ecr-s", &[f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let e = flat(&r.stderr);
    assert!(e.contains("ecr36.csv, line 1, field `Q13`"), "{e}");
    assert!(e.contains("Q13, Q14, Q15 … Q36 (24 columns)"), "{e}");
    assert!(e.contains("expected Q1..Q12"), "{e}");
    assert!(e.contains("--ignore-extra-items"), "{e}");
    // Explicit: Q1..Q12 are read, the rest ignored.
    let r = score(
        "ecr-s",
        &["--ignore-extra-items", "--json", f.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["respondents"].as_array().unwrap().len(), 2);
    // The flag is documented.
    let h = run(&["assess", "score", "--help"]);
    assert!(
        flat(&h.stdout).contains("--ignore-extra-items"),
        "{}",
        h.stdout
    );
}

#[test]
fn a_missing_code_that_is_a_valid_answer_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "m.csv", 12, &[row(&[1; 12])]);
    let r = score("ecr-s", &["--missing", "1", f.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let e = flat(&r.stderr);
    assert!(e.contains("m.csv") && e.contains("--missing"), "{e}");
    assert!(
        e.contains("`1` is also a valid answer on the 1–7 scale"),
        "{e}"
    );
    // The same code outside the scale is fine.
    let r = score(
        "ecr-s",
        &[
            "--missing",
            "1",
            "--scale-min",
            "2",
            "--scale-max",
            "8",
            "--json",
        ]
        .iter()
        .copied()
        .chain([f.to_str().unwrap()])
        .collect::<Vec<_>>(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_summary_minimum_applies_to_each_subscale_and_sem_needs_a_positive_alpha() {
    let d = tempfile::tempdir().unwrap();
    // 40 ECR-S rows; on 15 of them two anxiety items (Q2, Q4) are missing, so anxiety has 25
    // scores and avoidance 40.
    let rows: Vec<Vec<String>> = (0..40)
        .map(|k| {
            (0..12)
                .map(|j| {
                    if k < 15 && (j == 1 || j == 3) {
                        "NA".to_string()
                    } else {
                        ((k * 3 + j * (k % 5 + 1)) % 7 + 1).to_string()
                    }
                })
                .collect()
        })
        .collect();
    let f = write(d.path(), "part.csv", 12, &rows);
    let r = score("ecr-s", &["--missing", "NA", "--json", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let a = &j["summary"]["anxiety"];
    assert_eq!(a["n"], 25);
    assert_eq!(a["withheld"], "too_few_scored");
    assert!(a["mean"].is_null() && a["alpha"].is_null() && a["sem"].is_null());
    assert_eq!(j["summary"]["avoidance"]["n"], 40);
    assert!(j["summary"]["avoidance"]["mean"].is_f64());
    let notes = j["notes"].to_string();
    assert!(
        notes.contains("only 25 respondents have a score"),
        "{notes}"
    );
    let t = score("ecr-s", &["--missing", "NA", f.to_str().unwrap()]);
    assert!(
        flat(&t.stdout).contains("only 25 respondents"),
        "{}",
        t.stdout
    );

    // Anxiety items pulling against each other: alpha below zero, SEM withheld and why.
    let rows: Vec<Vec<String>> = (0..40)
        .map(|k| {
            let hi = k % 7 + 1;
            (0..12)
                .map(|j| {
                    let v = if j % 2 == 1 && (j / 2) % 2 == 0 {
                        hi
                    } else {
                        8 - hi
                    };
                    v.to_string()
                })
                .collect()
        })
        .collect();
    let f = write(d.path(), "neg.csv", 12, &rows);
    let r = score("ecr-s", &["--json", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let a = &j["summary"]["anxiety"];
    assert!(a["alpha"].as_f64().unwrap() <= 0.0, "{a}");
    assert!(a["sem"].is_null(), "{a}");
    assert_eq!(a["withheld"], "alpha_not_positive");
    assert!(
        j["notes"].to_string().contains("not shown"),
        "{}",
        j["notes"]
    );
}

#[test]
fn answers_that_never_reach_the_top_of_the_scale_are_flagged() {
    let d = tempfile::tempdir().unwrap();
    // ECR answered on 1–5, scored as if on 1–7 (the default).
    let f = write(
        d.path(),
        "ecr15.csv",
        36,
        &[row(&[1, 5, 3, 4, 2, 5].repeat(6)), row(&[2; 36])],
    );
    let r = score("ecr", &["--json", f.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = flat(&r.stderr);
    assert!(
        e.contains("No answer in")
            && e.contains("ecr15.csv is above 5, although the scale declared is 1–7"),
        "{e}"
    );
    assert!(e.contains("--scale-min 1 --scale-max 5"), "{e}");
    let notes = r.json()["notes"].to_string();
    assert!(notes.contains("is above 5"), "{notes}");
    // Declared 1–5: no warning.
    let r = score(
        "ecr",
        &["--scale-min", "1", "--scale-max", "5", f.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("No answer"), "{}", r.stderr);
    assert!(!r.stdout.contains("No answer"));
    // change reads both files.
    let g = write(d.path(), "after.csv", 36, &[row(&[7; 36]), row(&[2; 36])]);
    let r = run(&[
        "assess",
        "change",
        "--instrument",
        "ecr",
        "--reliability",
        "0.9",
        "--sd",
        "1",
        "--before",
        f.to_str().unwrap(),
        "--after",
        g.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        flat(&r.stderr).contains("ecr15.csv is above 5"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("after.csv"), "{}", r.stderr);
}

#[test]
fn the_mutual_threat_item_7_feeds_the_grading_in_both_directions() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "cpq7.csv", 35, &[cpq_row(&[(7, 4)])]);
    let r = score("cpq", &[f.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let sig = j["respondents"][0]["signals"].as_array().unwrap();
    let got: Vec<(String, String, String)> = sig
        .iter()
        .map(|s| {
            (
                s["domain"].as_str().unwrap().to_string(),
                s["direction"].as_str().unwrap().to_string(),
                s["source"]["item"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("threats".into(), "receiving".into(), "cpq:7".into()),
            ("threats".into(), "doing".into(), "cpq:7".into()),
        ]
    );
    // Threats received put the reading in safety mode; threats made lead to help for oneself.
    assert_eq!(j["grading"]["safety_mode"], true);
    assert_eq!(
        j["grading"]["grades"],
        serde_json::json!(["safety_mode", "own_behaviour"])
    );
    let t = score("cpq", &[f.to_str().unwrap()]);
    assert!(
        flat(&t.stdout).contains("item 7 (threats, from your partner toward you)"),
        "{}",
        t.stdout
    );
}

#[test]
fn the_interleaved_ecr_r_key_says_it_rests_on_one_unverified_source() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "r.csv", 36, &[row(&[1, 7, 3, 5].repeat(9))]);
    let f = f.to_str().unwrap();
    for args in [
        vec!["--order", "interleaved", f],
        vec!["--order", "interleaved", "--json", f],
    ] {
        let r = score("ecr-r", &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            flat(&r.stdout).contains("comes from a single source"),
            "{}",
            r.stdout
        );
    }
    let r = score("ecr-r", &[f]);
    assert!(!flat(&r.stdout).contains("single source"), "{}", r.stdout);
    let r = run(&[
        "assess",
        "change",
        "--instrument",
        "ecr-r",
        "--order",
        "interleaved",
        "--reliability",
        "0.9",
        "--sd",
        "1",
        "--before",
        f,
        "--after",
        f,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(flat(&r.stdout).contains("single source"), "{}", r.stdout);
}

#[test]
fn other_peoples_demand_sums_are_not_shown_row_by_row_without_research() {
    let d = tempfile::tempdir().unwrap();
    // Row 2: items 18 and 20 at 9 and the rest of partner demand at 9 too: a sum of 63 would
    // say that person was threatened and called names.
    let hi: Vec<(usize, i32)> = [4, 10, 12, 14, 18, 20, 33]
        .iter()
        .map(|&i| (i, 9))
        .collect();
    let f = write(
        d.path(),
        "many.csv",
        35,
        &[cpq_row(&hi), cpq_row(&[(3, 5)])],
    );
    let f = f.to_str().unwrap();
    let j = score("cpq", &[f, "--json"]).json();
    assert_eq!(
        j["per_row_withheld"],
        serde_json::json!([
            "self_demand_partner_withdraw",
            "partner_demand_self_withdraw"
        ])
    );
    for p in j["respondents"].as_array().unwrap() {
        assert!(p["partner_demand_self_withdraw"].is_null(), "{p}");
        assert!(p["self_demand_partner_withdraw"].is_null(), "{p}");
        assert!(p["constructive_communication"].is_f64(), "{p}");
    }
    assert!(j["notes"].to_string().contains("not shown row by row"));
    let t = score("cpq", &[f]);
    assert!(!t.stdout.contains("63.000"), "{}", t.stdout);
    assert!(!t.stdout.contains("p_dem/self_wd"), "{}", t.stdout);
    assert!(flat(&t.stdout).contains("can give away how that person answered them"));
    // With --research they are shown.
    let j = score("cpq", &[f, "--json", "--research"]).json();
    assert_eq!(j["respondents"][0]["partner_demand_self_withdraw"], 63.0);
    assert!(j.get("per_row_withheld").is_none());
    // One person's own file shows their own.
    let g = write(d.path(), "one.csv", 35, &[cpq_row(&hi)]);
    let j = score("cpq", &[g.to_str().unwrap(), "--json"]).json();
    assert_eq!(j["respondents"][0]["partner_demand_self_withdraw"], 63.0);
    // change pairs rows the same way.
    let args = |extra: &[&'static str]| {
        let mut v = vec![
            "assess",
            "change",
            "--instrument",
            "cpq",
            "--before",
            f,
            "--after",
            f,
            "--reliability",
            "0.8",
            "--sd",
            "8",
            "--json",
        ];
        v.extend_from_slice(extra);
        run(&v)
    };
    let c = args(&[]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    let j = c.json();
    let subs: Vec<String> = j["pairs"][0]["subscales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subscale"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(subs, vec!["constructive_communication".to_string()]);
    assert!(j["notes"].to_string().contains("not shown row by row"));
    let j = args(&["--research"]).json();
    assert_eq!(j["pairs"][0]["subscales"].as_array().unwrap().len(), 3);
}

/// `closer ARGS` with `--db DB` added.
fn with_db(args: &[&str], db: &Path) -> super::common::Run {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend(["--db".to_string(), db.display().to_string()]);
    let refs: Vec<&str> = v.iter().map(String::as_str).collect();
    run(&refs)
}

/// The assessments a journal holds, from its export.
fn kept(db: &Path) -> Vec<serde_json::Value> {
    let e = with_db(&["export"], db);
    assert_eq!(e.code, 0, "{}", e.stderr);
    e.json()["assessments"].as_array().unwrap().clone()
}

#[test]
fn assess_keeps_one_persons_scores_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let answers = [5, 6, 2, 7, 3, 4, 6, 1, 5, 2, 7, 3];
    let one = write(dir.path(), "one.csv", 12, &[row(&answers)]);
    let one = one.display().to_string();
    let db = dir.path().join("journal.sqlite");
    let args = ["assess", "score", "--instrument", "ecr-s", one.as_str()];

    // Without a terminal and without --keep: nothing is kept, no journal is made.
    let r = with_db(&args, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!flat(&r.stdout).contains("kept"), "{}", r.stdout);
    assert!(!db.exists());

    // --keep: the answers and the same scores the JSON shows, in the journal.
    let scores = run(&[&args[..], &["--json"]].concat()).json();
    let mut keep = args.to_vec();
    keep.push("--keep");
    let r = with_db(&keep, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        flat(&r.stdout).contains("Scores kept in your journal"),
        "{}",
        r.stdout
    );
    let a = kept(&db);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["instrument"], "ecr-s");
    let given: Vec<f64> = answers.iter().map(|&x| f64::from(x)).collect();
    assert_eq!(a[0]["answers"], serde_json::json!(given));
    for sub in ["anxiety", "avoidance"] {
        assert_eq!(
            a[0]["scores"][sub], scores["respondents"][0][sub],
            "{sub}: {}",
            a[0]["scores"]
        );
    }
    assert_eq!(a[0]["scores"]["scale"], serde_json::json!([1, 7]));

    // With --json the document stays alone on stdout; the confirmation goes to stderr.
    keep.push("--json");
    let r = with_db(&keep, &db);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["schema_version"], 2);
    assert!(r.stderr.contains("Scores kept"), "{}", r.stderr);
    assert_eq!(kept(&db).len(), 2);

    // Several people's answers are never kept in one person's journal: refused before anything
    // is printed or made.
    let many = write(dir.path(), "many.csv", 12, &[row(&answers), row(&answers)]);
    let other = dir.path().join("other.sqlite");
    let r = with_db(
        &[
            "assess",
            "score",
            "--instrument",
            "ecr-s",
            &many.display().to_string(),
            "--keep",
        ],
        &other,
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("--keep") && r.stderr.contains("2 respondents"),
        "{}",
        r.stderr
    );
    assert!(!other.exists());
}

#[test]
fn at_a_terminal_assess_asks_before_keeping_and_no_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        dir.path(),
        "one.csv",
        12,
        &[row(&[5, 6, 2, 7, 3, 4, 6, 1, 5, 2, 7, 3])],
    );
    let one = one.display().to_string();
    let db = dir.path().join("journal.sqlite");
    let dbs = db.display().to_string();
    let args = [
        "assess",
        "score",
        "--instrument",
        "ecr-s",
        one.as_str(),
        "--db",
        dbs.as_str(),
    ];
    // Enter alone keeps nothing (and makes no journal).
    let Some(out) = super::common::at_a_terminal(&args, "\n") else {
        return;
    };
    let out = flat(&out);
    assert!(out.contains("Keep these scores"), "{out}");
    assert!(out.contains("Nothing was kept"), "{out}");
    assert!(!db.exists());
    // Anything but yes keeps nothing.
    let out = flat(&super::common::at_a_terminal(&args, "sure\n").unwrap());
    assert!(out.contains("Nothing was kept"), "{out}");
    assert!(!db.exists());
    // y keeps them.
    let out = flat(&super::common::at_a_terminal(&args, "y\n").unwrap());
    assert!(out.contains("Scores kept in your journal"), "{out}");
    assert_eq!(kept(&db).len(), 1);
}

/// `--keep` with a locked journal and no passphrase (no terminal, no `--passphrase-fd`): refused
/// before anything is printed (exit 2, stdout empty, the reason on stderr), not after the scores
/// are shown; with the passphrase on a descriptor the scores are printed and kept.
#[test]
fn assess_keep_checks_a_locked_journal_before_printing_any_score() {
    let dir = tempfile::tempdir().unwrap();
    let answers = [5, 6, 2, 7, 3, 4, 6, 1, 5, 2, 7, 3];
    let one = write(dir.path(), "one.csv", 12, &[row(&answers)]);
    let one = one.display().to_string();
    let db = dir.path().join("journal.sqlite");
    let dbs = db.display().to_string();
    let keep = [
        "assess",
        "score",
        "--instrument",
        "ecr-s",
        one.as_str(),
        "--keep",
        "--db",
        dbs.as_str(),
    ];
    assert_eq!(run(&keep).code, 0);
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "river stone lamp\n").unwrap();
    // `closer ARGS 3<pass`, for --passphrase-fd 3.
    let with_pass = |args: &[&str]| {
        let mut line = format!("exec '{}'", super::common::bin().display());
        for a in args {
            line.push_str(&format!(" '{a}'"));
        }
        line.push_str(&format!(" 3<'{}'", pass.display()));
        let out = std::process::Command::new("sh")
            .args(["-c", &line])
            .env_remove("CLOSER_REGION")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, _) = with_pass(&["lock", "--passphrase-fd", "3", "--db", dbs.as_str()]);
    assert_eq!(code, Some(0));

    for json in [false, true] {
        let mut args = keep.to_vec();
        if json {
            args.push("--json");
        }
        let r = run(&args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stdout.is_empty(), "printed before refusing: {}", r.stdout);
        assert!(r.stderr.contains("passphrase"), "{}", r.stderr);
    }

    let mut args = keep.to_vec();
    args.extend(["--passphrase-fd", "3"]);
    let (code, stdout) = with_pass(&args);
    assert_eq!(code, Some(0));
    assert!(
        flat(&stdout).contains("Scores kept in your journal"),
        "{stdout}"
    );
}

// ------------------------------------------------------------------ pinned JSON documents

/// Deterministic, varied answers on `lo..=hi` for `n` rows of `items` items (no randomness:
/// a fixed arithmetic pattern, so the pinned documents never move).
fn spread(n: usize, items: usize, lo: i32, hi: i32) -> Vec<Vec<String>> {
    let span = hi - lo + 1;
    (0..n)
        .map(|k| {
            let k = i32::try_from(k).expect("a few rows");
            row(&(0..i32::try_from(items).expect("a few items"))
                .map(|j| lo + (k * 5 + j * 3 + (k * j) % 4 + (k / 3) * j) % span)
                .collect::<Vec<_>>())
        })
        .collect()
}

/// The `closer assess … --json` documents on fixed example files, each compared byte for byte
/// with `crates/cli/tests/golden/assess/NAME.json` (the temporary folder's path replaced by
/// `DIR`). The documents' types live in `closer_guide::measure_view::assess`; this pins what
/// they print, so moving or changing them cannot change a document unnoticed. After an intended
/// change of a document, rewrite the files with `CLOSER_UPDATE_GOLDEN=1` and review the diff.
#[test]
fn assess_json_documents_are_pinned_on_the_example_files() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_str().unwrap().to_string();
    let w = |name: &str, items: usize, rows: &[Vec<String>]| {
        write(d.path(), name, items, rows).display().to_string()
    };
    let ecr_one = w("ecr_one.csv", 36, &[row(&[2; 36])]);
    let ecr_after = w("ecr_after.csv", 36, &[row(&[4; 36])]);
    let mut missing = spread(5, 36, 1, 7);
    missing[2][0] = "NA".into();
    missing[2][1] = "NA".into();
    missing[4][7] = "NA".into();
    let ecr_r_five = w("ecr_r_five.csv", 36, &missing);
    let ecr_forty = w("ecr_forty.csv", 36, &spread(40, 36, 1, 7));
    let ecr_low = w("ecr_low.csv", 36, &spread(3, 36, 1, 5));
    let ecr_s_rescale = w("ecr_s_rescale.csv", 12, &spread(5, 12, 1, 5));
    let ecr_rs = w("ecr_rs.csv", 9, &[row(&[1, 1, 1, 1, 7, 7, 7, 7, 7])]);
    let cpq_signals = w(
        "cpq_signals.csv",
        35,
        &[cpq_row(&[(18, 3), (19, 2), (3, 9)])],
    );
    let cpq_calm = w("cpq_calm.csv", 35, &[cpq_row(&[])]);
    let cpq_after = w("cpq_after.csv", 35, &[cpq_row(&[(22, 9)])]);
    let mut many = spread(32, 35, 1, 9);
    many[1] = cpq_row(&[(22, 5), (17, 2)]);
    let cpq_many = w("cpq_many.csv", 35, &many);
    let mut few = spread(3, 35, 1, 9);
    few[1] = cpq_row(&[(22, 5), (17, 2)]);
    let cpq_few = w("cpq_few.csv", 35, &few);
    let cpq_few_after = w("cpq_few_after.csv", 35, &spread(3, 35, 2, 9));
    let cpq_sf = w("cpq_sf.csv", 11, &spread(2, 11, 1, 9));

    let s = |inst: &str, file: &str, rest: &[&str]| {
        let mut v: Vec<String> = ["assess", "score", "--instrument", inst, file, "--json"]
            .iter()
            .map(|x| x.to_string())
            .collect();
        v.extend(rest.iter().map(|x| x.to_string()));
        v
    };
    let c = |inst: &str, before: &str, after: &str, rest: &[&str]| {
        let mut v: Vec<String> = [
            "assess",
            "change",
            "--instrument",
            inst,
            "--before",
            before,
            "--after",
            after,
            "--json",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        v.extend(rest.iter().map(|x| x.to_string()));
        v
    };
    let one_to_five = ["--scale-min", "1", "--scale-max", "5"];
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("score_ecr_one_1to5", s("ecr", &ecr_one, &one_to_five)),
        (
            "score_ecr_r_missing",
            s("ecr-r", &ecr_r_five, &["--missing", "NA"]),
        ),
        (
            "score_ecr_r_interleaved_functions",
            s(
                "ecr-r",
                &ecr_forty,
                &["--order", "interleaved", "--quadrant", "functions"],
            ),
        ),
        ("score_ecr_top_unused", s("ecr", &ecr_low, &[])),
        (
            "score_ecr_s_rescaled",
            s(
                "ecr-s",
                &ecr_s_rescale,
                &[&one_to_five[..], &["--rescale"]].concat(),
            ),
        ),
        ("score_ecr_rs", s("ecr-rs", &ecr_rs, &[])),
        (
            "score_cpq_own_signals",
            s("cpq", &cpq_signals, &["--region", "UK"]),
        ),
        ("score_cpq_calm", s("cpq", &cpq_calm, &[])),
        ("score_cpq_many", s("cpq", &cpq_many, &[])),
        (
            "score_cpq_many_research",
            s("cpq", &cpq_many, &["--research"]),
        ),
        ("score_cpq_sf", s("cpq-sf", &cpq_sf, &[])),
        (
            "change_ecr_documented",
            c("ecr", &ecr_one, &ecr_after, &one_to_five),
        ),
        (
            "change_cpq_own_signals",
            c(
                "cpq",
                &cpq_calm,
                &cpq_after,
                &["--reliability", "0.8", "--sd", "5", "--region", "UK"],
            ),
        ),
        (
            "change_cpq_few",
            c(
                "cpq",
                &cpq_few,
                &cpq_few_after,
                &["--reliability", "0.8", "--sd", "5"],
            ),
        ),
        (
            "change_cpq_few_research",
            c(
                "cpq",
                &cpq_few,
                &cpq_few_after,
                &[
                    "--reliability",
                    "constructive_communication=0.7,self_demand_partner_withdraw=0.8,partner_demand_self_withdraw=0.85",
                    "--sd",
                    "6",
                    "--research",
                ],
            ),
        ),
    ];
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/assess");
    let update = std::env::var_os("CLOSER_UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    for (name, args) in &cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&refs);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let doc = r.stdout.replace(&dir, "DIR");
        // A document, and the one the tests above read.
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["schema_version"], 2, "{name}");
        let path = golden.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &doc).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (CLOSER_UPDATE_GOLDEN=1 writes it)", path.display())
        });
        if want != doc {
            differ.push(name.to_string());
        }
    }
    assert!(
        differ.is_empty(),
        "these `closer assess --json` documents changed: {differ:?}; compare with \
         crates/cli/tests/golden/assess/ and, if the change is intended, rerun with \
         CLOSER_UPDATE_GOLDEN=1"
    );
}

/// `-` reads the answers from standard input, as every reader does: the same document as from
/// the file (only the file's name differs), errors naming "standard input"; in `change` one of
/// the two files may be standard input, not both.
#[test]
fn assess_reads_standard_input_for_one_file() {
    let d = tempfile::tempdir().unwrap();
    let rows = spread(3, 12, 1, 5);
    let f = write(d.path(), "s.csv", 12, &rows);
    let fs = f.to_str().unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let from_file = score("ecr-s", &[fs, "--json"]);
    let (from_stdin, _h) = super::common::run_in(
        &["assess", "score", "--instrument", "ecr-s", "-", "--json"],
        &text,
    );
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    // The answers never reach 7: the note names the input, the rest is the same document.
    assert!(from_file.stdout.contains(fs), "{}", from_file.stdout);
    assert!(
        from_stdin.stdout.contains("standard input"),
        "{}",
        from_stdin.stdout
    );
    assert_eq!(
        from_file.stdout.replace(fs, "standard input"),
        from_stdin.stdout
    );
    // A bad row from standard input names it, with the line and column.
    let (bad, _h) = super::common::run_in(
        &["assess", "score", "--instrument", "ecr-s", "-"],
        &format!("{text}x,{}\n", ["1"; 11].join(",")),
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr
            .starts_with("closer: standard input, line 5, field `Q1`"),
        "{}",
        bad.stderr
    );
    let (empty, _h) = super::common::run_in(&["assess", "score", "--instrument", "ecr-s", "-"], "");
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.starts_with("closer: standard input"),
        "{}",
        empty.stderr
    );
    // change: the first time from a file, the second from standard input.
    let after = spread(3, 12, 2, 7);
    let mut after_text = (1..=12)
        .map(|i| format!("Q{i}"))
        .collect::<Vec<_>>()
        .join(",");
    after_text.push('\n');
    for r in &after {
        after_text.push_str(&r.join(","));
        after_text.push('\n');
    }
    let a = write(d.path(), "a.csv", 12, &after);
    let c = |after: &str| {
        vec![
            "assess".to_string(),
            "change".into(),
            "--instrument".into(),
            "ecr-s".into(),
            "--before".into(),
            fs.into(),
            "--after".into(),
            after.into(),
            "--reliability".into(),
            "0.9".into(),
            "--sd".into(),
            "1".into(),
            "--json".into(),
        ]
    };
    let args = c(a.to_str().unwrap());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let want = run(&refs);
    assert_eq!(want.code, 0, "{}", want.stderr);
    let args = c("-");
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (got, _h) = super::common::run_in(&refs, &after_text);
    assert_eq!(got.code, 0, "{}", got.stderr);
    assert_eq!(want.json()["pairs"], got.json()["pairs"]);
    let (both, _h) = super::common::run_in(
        &[
            "assess",
            "change",
            "--instrument",
            "ecr-s",
            "--before",
            "-",
            "--after",
            "-",
        ],
        &text,
    );
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(
        both.stderr.contains("only one of the two files"),
        "{}",
        both.stderr
    );
}

/// `assess score --csv` is made from the same rows as the JSON document: every CSV cell equals
/// the JSON value of that row (scores, withheld scores empty, missing counts, the map region and
/// its rule, percentiles, signals), so the two cannot drift; it conflicts with --json.
#[test]
fn assess_csv_rows_are_the_json_rows() {
    let d = tempfile::tempdir().unwrap();
    let mut missing = spread(5, 36, 1, 7);
    missing[2][0] = "NA".into();
    missing[2][1] = "NA".into();
    let ecr_r = write(d.path(), "r.csv", 36, &missing).display().to_string();
    let ecr = write(d.path(), "e.csv", 36, &[row(&[2; 36])])
        .display()
        .to_string();
    let mut many = spread(4, 35, 1, 9);
    many[1] = cpq_row(&[(22, 5), (17, 2)]);
    let cpq = write(d.path(), "c.csv", 35, &many).display().to_string();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("ecr-r", vec![ecr_r.as_str(), "--missing", "NA"]),
        (
            "ecr",
            vec![ecr.as_str(), "--scale-min", "1", "--scale-max", "5"],
        ),
        ("cpq", vec![cpq.as_str()]),
        ("cpq", vec![cpq.as_str(), "--research"]),
    ];
    for (inst, rest) in cases {
        let j = score(inst, &[&rest[..], &["--json"]].concat()).json();
        let c = score(inst, &[&rest[..], &["--csv"]].concat());
        assert_eq!(c.code, 0, "{}", c.stderr);
        let mut rdr = csv::Reader::from_reader(c.stdout.as_bytes());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        let people = j["respondents"].as_array().unwrap();
        assert_eq!(rows.len(), people.len(), "{inst} {rest:?}");
        let num = |v: &serde_json::Value| match v {
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        for (rec, p) in rows.iter().zip(people) {
            for (col, cell) in header.iter().zip(rec.iter()) {
                let want = if let Some(sub) = col.strip_prefix("missing_") {
                    p.get("missing")
                        .map_or("0".to_string(), |m| m[sub].to_string())
                } else if let Some(sub) = col.strip_prefix("percentile_") {
                    num(&p["percentiles"][sub])
                } else if col == "quadrant" {
                    p["quadrant"]["label"].as_str().unwrap_or("").to_string()
                } else if col == "quadrant_rule" {
                    p["quadrant"]["rule"].as_str().unwrap_or("").to_string()
                } else if col == "signals" {
                    p["signals"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|s| {
                                    format!(
                                        "{} {} {}",
                                        s["source"]["item"].as_str().unwrap(),
                                        s["domain"].as_str().unwrap(),
                                        s["direction"].as_str().unwrap()
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .unwrap_or_default()
                } else {
                    num(&p[col.as_str()])
                };
                assert_eq!(cell, want, "{inst} {rest:?} column {col}");
            }
            // Every key of the JSON row has its column(s).
            for key in p.as_object().unwrap().keys() {
                let has = header.iter().any(|h| {
                    h == key
                        || (key == "missing" && h.starts_with("missing_"))
                        || (key == "percentiles" && h.starts_with("percentile_"))
                        || (key == "quadrant" && h == "quadrant")
                });
                assert!(has, "{inst} {rest:?}: no column for {key}");
            }
        }
        if rest.contains(&"--research") {
            assert!(header.contains(&"signals".to_string()));
            assert!(
                c.stdout.contains("cpq:22 physical_aggression receiving"),
                "{}",
                c.stdout
            );
        }
    }
    // One person's own CPQ answers with a sign of danger: the help comes with the data.
    let own = write(d.path(), "own.csv", 35, &[cpq_row(&[(18, 3)])]);
    let c = score("cpq", &[own.to_str().unwrap(), "--csv", "--region", "UK"]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(flat(&c.stderr).contains("not your fault"), "{}", c.stderr);
    let both = score("cpq", &[own.to_str().unwrap(), "--csv", "--json"]);
    assert_eq!(both.code, 2);
}
