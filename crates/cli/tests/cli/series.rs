//! `closer series`: rties' published numbers through the binary, bad input, pairing, profiles,
//! the VAR(1) minimum.

use super::common::{files_under, run, run_in, shared};
use std::path::PathBuf;

fn full() -> String {
    shared()
        .join("data/rties/rties_ExampleDataFull.csv")
        .display()
        .to_string()
}

/// Writes `text` to a temporary file and returns (dir guard, path).
fn temp_csv(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let p: PathBuf = dir.path().join("series.csv");
    std::fs::write(&p, text).expect("write");
    (dir, p.display().to_string())
}

fn r(x: f64, d: i32) -> f64 {
    let m = 10f64.powi(d);
    (x * m).round() / m
}

#[test]
fn ic_csv_reproduces_rties_dyad_2() {
    let out = run(&["series", &full(), "--model", "inertia-coordination"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "dyad,int0,int1,inert0,coord0,inert1,coord1,r2,adj_r2,shift,cc_lag,n,rank,skipped"
    );
    let two: Vec<&str> = out
        .stdout
        .lines()
        .find(|l| l.starts_with("2,"))
        .unwrap()
        .split(',')
        .collect();
    let want = [-0.00518, 0.00637, 0.10804, -0.22004, 0.26794, 0.16868];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(r(two[i + 1].parse().unwrap(), 5), *w);
    }
    // 80 dyads + header; dyad 19's coordination slopes are empty (R's NA).
    assert_eq!(out.stdout.lines().count(), 81);
    let nineteen: Vec<&str> = out
        .stdout
        .lines()
        .find(|l| l.starts_with("19,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!((nineteen[4], nineteen[6]), ("", ""));
}

#[test]
fn compare_json_gives_rties_means() {
    let out = run(&[
        "series",
        &full(),
        "--model",
        "inertia-coordination",
        "--compare",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(
        r(j["mean"]["adj_r2_inertia"].as_f64().unwrap(), 6),
        0.472638
    );
    assert_eq!(
        r(j["mean"]["adj_r2_inert_coord"].as_f64().unwrap(), 5),
        0.49623
    );
    let out = run(&[
        "series",
        &full(),
        "--model",
        "coupled-oscillator",
        "--compare",
        "--json",
    ]);
    let j = out.json();
    assert_eq!(r(j["mean"]["adj_r2_coupled"].as_f64().unwrap(), 4), 0.4230);
    assert_eq!(
        r(j["mean"]["adj_r2_uncoupled"].as_f64().unwrap(), 4),
        0.3887
    );
}

#[test]
fn clo_json_array_with_nulls_for_aliased_terms() {
    let out = run(&[
        "series",
        &full(),
        "--model",
        "coupled-oscillator",
        "--taus",
        "4,5",
        "--embeds",
        "3,4,5",
        "--delta",
        "1",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["schema_version"], 2);
    let arr = j["dyads"].as_array().unwrap();
    assert_eq!(arr.len(), 80);
    let two = arr.iter().find(|d| d["dyad"] == "2").unwrap();
    assert_eq!(
        (two["tau"].as_u64(), two["embed"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(r(two["period_0"].as_f64().unwrap(), 2), 41.09);
    assert_eq!(r(two["period_1"].as_f64().unwrap(), 2), 38.16);
    assert_eq!(r(two["p_d1_1"].as_f64().unwrap(), 5), 0.01094);
    let nineteen = arr.iter().find(|d| d["dyad"] == "19").unwrap();
    for k in ["p_obs_0", "p_d1_0", "p_obs_1", "p_d1_1"] {
        assert!(nineteen[k].is_null(), "{k}");
    }
    assert!(nineteen["obs_0"].is_number());
}

#[test]
fn nothing_is_written() {
    let (out, home) = run_in(&["series", &full(), "--model", "coupled-oscillator"], "");
    assert_eq!(out.code, 0);
    assert!(files_under(home.path()).is_empty());
}

const HDR: &str = "couple,person,dial,time,female\n";

/// A small dyad file: `n` rows per person of a smooth oscillation plus a deterministic wobble.
fn dyad_rows(dyad: &str, p0: &str, p1: &str, n: usize) -> String {
    let mut s = String::new();
    for (p, f, ph) in [(p1, 1, 0.0), (p0, 0, 1.0)] {
        for t in 1..=n {
            let x = (t as f64 / 6.0 + ph).sin() + 0.3 * ((t * 7919 % 97) as f64 / 97.0 - 0.5);
            s.push_str(&format!("{dyad},{p},{x},{t},{f}\n"));
        }
    }
    s
}

#[test]
fn bad_input_names_file_line_and_field() {
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            format!("{HDR}1,1,abc,1,1\n"),
            vec![],
            "line 2, field `dial`",
        ),
        (format!("{HDR}1,1,NaN,1,1\n"), vec![], "field `dial`"),
        (
            format!("{HDR}1,1,2,2,1\n1,1,2,1,1\n"),
            vec![],
            "line 3, field `time`",
        ),
        (String::new(), vec![], "empty"),
        (
            format!("{HDR}1,1,2,1,1\n1,1,2,2,1\n"),
            vec![],
            "exactly two",
        ),
        (
            format!("{HDR}1,1,2,1,1\n1,1,2,2,1\n1,501,2,1,0\n"),
            vec![],
            "unequal",
        ),
        (
            format!("{HDR}1,1,2,1,1\n"),
            vec!["--value-col", "mood"],
            "field `mood`",
        ),
        (format!("{HDR}1,1,2,1,x\n"), vec![], "field `female`"),
    ];
    for (text, extra, want) in cases {
        let (_g, path) = temp_csv(&text);
        let mut args = vec!["series", path.as_str(), "--model", "inertia-coordination"];
        args.extend(extra);
        let out = run(&args);
        assert_eq!(out.code, 2, "{text:?}: {}", out.stderr);
        assert!(out.stderr.contains(&path), "{}", out.stderr);
        assert!(out.stderr.contains(want), "want {want:?} in {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
    let out = run(&["series", "/no/such/file.csv", "--model", "var1"]);
    assert_eq!(out.code, 2);
    let (_g, path) = temp_csv(&dyad_rows("1", "501", "1", 50));
    for bad in [
        vec!["--lag", "0"],
        vec!["--embeds", "2"],
        vec!["--taus", "0"],
        vec!["--delta", "-1"],
    ] {
        let mut args = vec!["series", path.as_str(), "--model", "coupled-oscillator"];
        args.extend(bad.iter());
        let out = run(&args);
        assert_eq!(out.code, 2, "{bad:?}");
    }
}

#[test]
fn rties_pairing_quirk_is_reported_and_partner_pairing_differs() {
    // Dyad 9 whose "first" person (id 9) sorts after the other (id 3): rties' rule pairs each
    // person with themselves.
    let text = format!("{HDR}{}", dyad_rows("9", "3", "9", 300));
    let (_g, path) = temp_csv(&text);
    let quirk = run(&[
        "series",
        &path,
        "--model",
        "inertia-coordination",
        "--lag",
        "1",
    ]);
    assert_eq!(quirk.code, 0, "{}", quirk.stderr);
    assert!(quirk.stderr.contains("pair a person with themselves"));
    let fixed = run(&[
        "series",
        &path,
        "--model",
        "inertia-coordination",
        "--lag",
        "1",
        "--pairing",
        "partner",
    ]);
    assert_eq!(fixed.code, 0);
    assert!(!fixed.stderr.contains("themselves"));
    assert_ne!(quirk.stdout, fixed.stdout);
    // With self-pairing the partner slope is aliased with the own slope: empty coord columns.
    let row: Vec<&str> = quirk.stdout.lines().nth(1).unwrap().split(',').collect();
    assert_eq!((row[4], row[6]), ("", ""));
    let row: Vec<&str> = fixed.stdout.lines().nth(1).unwrap().split(',').collect();
    assert!(!row[4].is_empty() && !row[6].is_empty());
    // On data where the dyad-id person sorts first, the two pairings agree.
    let text = format!("{HDR}{}", dyad_rows("3", "9", "3", 300));
    let (_g2, path) = temp_csv(&text);
    let a = run(&["series", &path, "--model", "coupled-oscillator"]);
    let b = run(&[
        "series",
        &path,
        "--model",
        "coupled-oscillator",
        "--pairing",
        "partner",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_dyad_too_short_for_the_grid_is_skipped_and_reported() {
    let text = format!(
        "{HDR}{}{}",
        dyad_rows("1", "501", "1", 300),
        dyad_rows("2", "502", "2", 8)
    );
    let (_g, path) = temp_csv(&text);
    let out = run(&["series", &path, "--model", "coupled-oscillator", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["schema_version"], 2);
    let skipped = j["dyads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dyad"] == "2")
        .unwrap();
    assert!(skipped["skipped"].as_str().unwrap().contains("too few"));
    assert!(out.stderr.contains("dyad 2 was not fitted"));
    assert!(out.stderr.contains("dense series"));
}

#[test]
fn profiles_are_reproducible_and_report_stability() {
    let args = [
        "series",
        &full(),
        "--model",
        "coupled-oscillator",
        "--profiles",
        "2",
        "--bootstrap",
        "30",
        "--json",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let j = a.json();
    assert_eq!(j["profiles"]["n"], 79);
    assert_eq!(j["dropped"][0]["dyad"], "19");
    // mclust's 14 families in mclust's order, and the chosen one is the largest BIC.
    let table = j["profiles"]["table"].as_array().unwrap();
    let names: Vec<&str> = table
        .iter()
        .map(|r| r["family"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE", "VVE", "EEV", "VEV",
            "EVV", "VVV"
        ]
    );
    let best = table
        .iter()
        .filter(|r| r["bic"].is_number())
        .max_by(|a, b| {
            a["bic"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["bic"].as_f64().unwrap())
        })
        .unwrap();
    assert_eq!(j["profiles"]["chosen"], best["family"]);
    assert_eq!(j["profiles"]["bic"], best["bic"]);
    // mclust 6.0.0 chooses VEE here (BIC 3754.248); closer reaches that VEE maximum too, and
    // a higher VVE one (docs/research.md, "Profiles").
    let vee = table.iter().find(|r| r["family"] == "VEE").unwrap();
    assert!((vee["bic"].as_f64().unwrap() - 3754.2482).abs() < 1e-3);
    assert_eq!(j["profiles"]["chosen"], "VVE");
    assert!(j["profiles"]["bootstrap_ari"]["median"].is_number());
    assert!(j["profiles"]["restart_ari"]["runs"].as_u64().unwrap() >= 1);
    // Every dyad is a row, as in the CSV: 79 with a profile, dyad 19 with its reason.
    let rows = j["dyads"].as_array().unwrap();
    assert_eq!(rows.len(), 80);
    assert_eq!(rows.iter().filter(|r| r["profile"].is_u64()).count(), 79);
    // VEE is 0.46 BIC below VVE: listed as close, with how far its classification is from the
    // chosen one; the chosen family agrees with itself.
    assert_eq!(j["profiles"]["close"], serde_json::json!(["VEE"]));
    assert_eq!(best["ari_with_chosen"], 1.0);
    let vee_ari = vee["ari_with_chosen"].as_f64().unwrap();
    assert!((0.9..1.0).contains(&vee_ari), "{vee_ari}");
    let text = run(&args[..args.len() - 1]);
    assert!(
        text.stderr
            .contains("close: VEE within 2 BIC of VVE: the data do not clearly prefer one"),
        "{}",
        text.stderr
    );
}

fn diary(days: usize) -> String {
    // A deterministic coupled AR(1)-like pair of daily series.
    let mut s = String::from("id,who,mood,day,p\n");
    let (mut a, mut b) = (0.0f64, 0.0f64);
    let mut rows = Vec::new();
    for t in 1..=days {
        let e1 = ((t * 7919) % 101) as f64 / 101.0 - 0.5;
        let e2 = ((t * 104729) % 103) as f64 / 103.0 - 0.5;
        let (na, nb) = (0.5 * a + 0.2 * b + e1, 0.4 * b + 0.1 * a + e2);
        a = na;
        b = nb;
        rows.push((a, b));
    }
    for (t, (a, _)) in rows.iter().enumerate() {
        s.push_str(&format!("d1,x,{a},{},0\n", t + 1));
    }
    for (t, (_, b)) in rows.iter().enumerate() {
        s.push_str(&format!("d1,y,{b},{},1\n", t + 1));
    }
    s
}

#[test]
fn var1_refuses_short_diaries_and_fits_long_ones() {
    let cols = [
        "--dyad-col",
        "id",
        "--person-col",
        "who",
        "--value-col",
        "mood",
        "--time-col",
        "day",
        "--partner-col",
        "p",
    ];
    let (_g, path) = temp_csv(&diary(20));
    let mut args = vec!["series", path.as_str(), "--model", "var1"];
    args.extend(cols);
    let out = run(&args);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("at least 40 usable days"),
        "{}",
        out.stderr
    );
    let (_g2, path) = temp_csv(&diary(120));
    let mut args = vec!["series", path.as_str(), "--model", "var1", "--json"];
    args.extend(cols);
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = out.json();
    assert_eq!(j["schema_version"], 2);
    let d = &j["dyads"][0];
    assert_eq!(d["n"], 119);
    for k in ["int0", "inert0", "cross0", "int1", "inert1", "cross1"] {
        let (lower, upper) = (&d[format!("{k}_lower")], &d[format!("{k}_upper")]);
        assert!(lower.as_f64().unwrap() < upper.as_f64().unwrap(), "{k}");
    }
}

#[test]
fn help_explains_pairing_and_dense_series() {
    let out = run(&["series", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--pairing"));
    assert!(out.stdout.contains("pairs a person with themselves"));
    assert!(out.stdout.contains("dense series"));
}

/// One JSON object with its keys in the document's order (`serde_json::Value` would sort them).
struct Ordered(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Ordered, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Ordered, A::Error> {
                let mut kv = Vec::new();
                while let Some(e) = m.next_entry::<String, serde_json::Value>()? {
                    kv.push(e);
                }
                Ok(Ordered(kv))
            }
        }
        d.deserialize_map(V)
    }
}

/// The rows of a `closer series` JSON document (its `dyads`), keys in order.
#[derive(serde::Deserialize)]
struct Rows {
    dyads: Vec<Ordered>,
}

/// Runs `closer ARGS` for CSV and with `--json` on the same input and checks that the two
/// carry one table: the CSV header is each JSON row's keys in order, there are as many CSV rows
/// as JSON rows, and every value agrees (numbers parsed and compared exactly, JSON's null an
/// empty field, booleans and strings as written). Returns the JSON rows.
fn csv_and_json_agree(args: &[&str]) -> Vec<Ordered> {
    let csv = run(args);
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let json = run(&with_json);
    assert_eq!(
        (csv.code, json.code),
        (0, 0),
        "{args:?}: {} {}",
        csv.stderr,
        json.stderr
    );
    let rows: Rows = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not a document with dyads ({e})"));
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a CSV header")
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{args:?}: CSV does not parse ({e})"));
    assert_eq!(records.len(), rows.dyads.len(), "{args:?}: row counts");
    assert!(!records.is_empty(), "{args:?}: no rows");
    for (record, Ordered(row)) in records.iter().zip(&rows.dyads) {
        let keys: Vec<&str> = row.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(header, keys, "{args:?}: CSV header against JSON keys");
        assert_eq!(record.len(), header.len(), "{args:?}: {record:?}");
        for ((name, v), field) in row.iter().zip(record.iter()) {
            match v {
                serde_json::Value::Null => {
                    assert!(field.is_empty(), "{args:?} {name}: {field:?} for null")
                }
                serde_json::Value::Number(n) => {
                    let x: f64 = field
                        .parse()
                        .unwrap_or_else(|_| panic!("{args:?} {name}: {field:?} for {n}"));
                    assert_eq!(x, n.as_f64().expect("f64"), "{args:?} {name}");
                }
                serde_json::Value::Bool(b) => assert_eq!(field, b.to_string(), "{args:?} {name}"),
                serde_json::Value::String(s) => assert_eq!(field, s, "{args:?} {name}"),
                other => panic!("{args:?} {name}: not a table value: {other}"),
            }
        }
    }
    rows.dyads
}

fn value<'a>(row: &'a Ordered, key: &str) -> &'a serde_json::Value {
    row.0
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key}"))
}

/// Profiles over few dyads, quickly (the stability numbers are not what is checked here).
const QUICK_PROFILES: [&str; 6] = ["--profiles", "2", "--starts", "2", "--bootstrap", "3"];

/// The inertia–coordination model: its table (with a skipped dyad), its comparison and its
/// profiles print one table each, the same in CSV and JSON. On the code before this test the
/// comparison's CSV and JSON were written separately (the JSON keys in another order) and the
/// profiles' JSON rows had no `skipped` column; before that the table's CSV lacked `rank` and
/// `cc_lag`.
#[test]
fn ic_csv_and_json_carry_the_same_columns_and_values() {
    let text = format!(
        "{HDR}{}{}",
        dyad_rows("1", "11", "1", 300),
        dyad_rows("2", "21", "2", 2)
    );
    let (_g, path) = temp_csv(&text);
    let model = ["--model", "inertia-coordination", "--pairing", "partner"];
    let table = csv_and_json_agree(&[&["series", path.as_str()][..], &model].concat());
    let keys: Vec<&str> = table[0].0.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        keys.contains(&"cc_lag") && keys.contains(&"rank"),
        "{keys:?}"
    );
    assert!(
        table.iter().any(|r| value(r, "skipped").is_string()),
        "a skipped dyad"
    );
    let full = full();
    let base = ["series", full.as_str(), "--model", "inertia-coordination"];
    let compare = csv_and_json_agree(&[&base[..], &["--compare"]].concat());
    assert_eq!(compare.len(), 80);
    let profiles = csv_and_json_agree(&[&base[..], &QUICK_PROFILES].concat());
    // Dyad 19 (identical series, coord NA) is in the table with its reason, not in a profile.
    let nineteen = profiles
        .iter()
        .find(|r| value(r, "dyad") == "19")
        .expect("dyad 19");
    assert!(value(nineteen, "profile").is_null());
    assert!(value(nineteen, "skipped").is_string());
}

/// The oscillator's table, comparison and profiles, the same in CSV and JSON. On the code
/// before this test the comparison's and the profiles' CSV were written by hand and disagreed
/// with their JSON (key order; no `skipped` in the profiles' JSON rows).
#[test]
fn clo_csv_and_json_carry_the_same_columns_and_values() {
    let full = full();
    let base = [
        "series",
        full.as_str(),
        "--model",
        "coupled-oscillator",
        "--taus",
        "5",
        "--embeds",
        "4,5",
    ];
    let table = csv_and_json_agree(&base);
    assert_eq!(table.len(), 80);
    let nineteen = table
        .iter()
        .find(|r| value(r, "dyad") == "19")
        .expect("dyad 19");
    assert!(value(nineteen, "p_obs_0").is_null(), "an aliased term");
    let compare = csv_and_json_agree(&[&base[..], &["--compare"]].concat());
    assert_eq!(compare.len(), 80);
    let profiles = csv_and_json_agree(&[&base[..], &QUICK_PROFILES].concat());
    assert_eq!(profiles.len(), 80);
}

/// The dyadic VAR(1): each coefficient's estimate, standard error and interval are columns of
/// one flat row (`int0`, `int0_se`, `int0_lower`, `int0_upper`, …) in both outputs, with `n`,
/// `level`, `undercoverage_risk` and `skipped`. On the code before this test the JSON nested
/// each coefficient and carried `level` and `undercoverage_risk`, which the CSV lacked.
#[test]
fn var1_csv_and_json_carry_the_same_columns_and_values() {
    let mut text = diary(120);
    // A second dyad with one partner constant: its previous-day values are collinear, so it is
    // skipped with a reason (a row with empty values in both outputs).
    for t in 1..=120 {
        text.push_str(&format!("d2,u,{},{t},0\n", (t % 7) as f64 / 3.0));
    }
    for t in 1..=120 {
        text.push_str(&format!("d2,v,1.5,{t},1\n"));
    }
    let (_g, path) = temp_csv(&text);
    let rows = csv_and_json_agree(&[
        "series",
        path.as_str(),
        "--model",
        "var1",
        "--dyad-col",
        "id",
        "--person-col",
        "who",
        "--value-col",
        "mood",
        "--time-col",
        "day",
        "--partner-col",
        "p",
    ]);
    assert_eq!(rows.len(), 2);
    let keys: Vec<&str> = rows[0].0.iter().map(|(k, _)| k.as_str()).collect();
    for k in [
        "int0",
        "inert0_se",
        "cross1_lower",
        "cross1_upper",
        "undercoverage_risk",
    ] {
        assert!(keys.contains(&k), "{k}: {keys:?}");
    }
    let lower = value(&rows[0], "inert0_lower").as_f64().expect("a number");
    let upper = value(&rows[0], "inert0_upper").as_f64().expect("a number");
    assert!(lower < upper);
    assert!(value(&rows[1], "skipped").is_string());
    assert!(value(&rows[1], "int0").is_null());
}

/// Values whose squares overflow (|x| near 1e154) used to give dyads with every coefficient
/// empty, rank 6 and empty comparison means, with no note. Every model now refuses them with
/// exit 2, naming the file, the line and the field.
#[test]
fn values_too_large_to_square_are_refused_naming_the_line() {
    let text = format!("{HDR}{}", dyad_rows("1", "501", "1", 60));
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 5 of the file (the fourth row): its value becomes 3e154.
    let mut fields: Vec<String> = lines[4].split(',').map(str::to_string).collect();
    fields[2] = "3e154".into();
    let mut changed = lines.clone();
    changed[4] = fields.join(",");
    let (_g, path) = temp_csv(&(changed.join("\n") + "\n"));
    for model in ["inertia-coordination", "coupled-oscillator", "var1"] {
        let out = run(&["series", &path, "--model", model]);
        assert_eq!(out.code, 2, "{model}: {}", out.stderr);
        assert!(out.stderr.contains(&path), "{}", out.stderr);
        assert!(
            out.stderr.contains("line 5, field `dial`") && out.stderr.contains("overflow"),
            "{model}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty());
    }
}
