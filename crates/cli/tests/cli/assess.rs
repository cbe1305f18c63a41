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
