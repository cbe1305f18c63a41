//! Fuzzing the long-format series reader (`closer_analyze::series::data::parse`) and every model
//! behind it with proptest: files built from real and broken pieces — dyads of one, two or three
//! persons, partner indicators that are wrong or repeated, person ids that trigger rties' pairing
//! quirk, times out of order, values missing (`NA`, empty), non-finite or not numbers, series of
//! unequal length, a byte-order mark, CRLF endings, quotes and extra columns.
//!
//! Laws: the reader never panics; every error names the file and, when it names a line, a line
//! that exists; and on anything it accepts, the inertia–coordination model (both lag rules, both
//! pairings), the coupled oscillator, the VAR(1) and the profiles never panic, account for every
//! dyad (fitted or skipped with a reason), and report only finite numbers.

use closer_analyze::series::{
    Columns, Grid, Lag, Pairing, coupled_oscillator, data, inertia_coordination, profiles, var1,
};
use proptest::prelude::*;

/// A value that the reader accepts: a number, or a missing value (`NA`, empty).
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => (-50.0f64..50.0).prop_map(|v| format!("{v:.3}")),
        4 => (0u32..6).prop_map(|v| v.to_string()),
        1 => Just("NA".to_string()),
        1 => Just(String::new()),
    ]
}

/// A field the reader must refuse where a number is expected.
fn broken() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e400".to_string()),
        Just("abc".to_string()),
        Just("\"unterminated".to_string()),
        Just("é✓".to_string()),
        Just("2".to_string()),
    ]
}

/// One dyad: its length, both persons' values, and how person ids are numbered (rties'
/// convention, the man sorting first — the pairing quirk — or ids unrelated to the dyad's).
fn dyad() -> impl Strategy<Value = (usize, Vec<String>, Vec<String>, i32)> {
    (0usize..40).prop_flat_map(|m| {
        (
            Just(m),
            prop::collection::vec(value(), m),
            prop::collection::vec(value(), m),
            prop_oneof![Just(500i32), Just(-1000), Just(7000)],
        )
    })
}

/// What is done to a well-formed file before reading it.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    /// Field `col` of row `row` (both modulo their counts) becomes `text`.
    Field {
        row: usize,
        col: usize,
        text: String,
    },
    /// Row `row`'s time is set to 0 (out of order unless it is a person's first row).
    TimeBack {
        row: usize,
    },
    /// Row `row` is dropped (unequal lengths, or a person with no rows).
    Drop {
        row: usize,
    },
    /// Row `row` is repeated (a repeated time).
    Repeat {
        row: usize,
    },
    /// A third person joins the first dyad.
    ThirdPerson,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => Just(Mutation::None),
        1 => (any::<usize>(), 0usize..5, broken())
            .prop_map(|(row, col, text)| Mutation::Field { row, col, text }),
        1 => any::<usize>().prop_map(|row| Mutation::TimeBack { row }),
        1 => any::<usize>().prop_map(|row| Mutation::Drop { row }),
        1 => any::<usize>().prop_map(|row| Mutation::Repeat { row }),
        1 => Just(Mutation::ThirdPerson),
    ]
}

fn file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(dyad(), 1..5),
        mutation(),
        prop::bool::ANY,
        prop::bool::ANY,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(dyads, mutation, crlf, extra, bom)| {
            // Rows as [couple, person, dial, time, female].
            let mut rows: Vec<[String; 5]> = Vec::new();
            for (i, (m, v0, v1, offset)) in dyads.iter().enumerate() {
                let couple = i32::try_from(i).expect("a few dyads") + 1;
                for (dist, (id, vals)) in [(couple + offset, v0), (couple, v1)].iter().enumerate() {
                    for t in 0..*m {
                        rows.push([
                            couple.to_string(),
                            id.to_string(),
                            vals[t].clone(),
                            (t + 1).to_string(),
                            dist.to_string(),
                        ]);
                    }
                }
            }
            let n = rows.len().max(1);
            match mutation {
                Mutation::None => {}
                Mutation::Field { row, col, text } => {
                    if let Some(r) = rows.get_mut(row % n) {
                        r[col] = text;
                    }
                }
                Mutation::TimeBack { row } => {
                    if let Some(r) = rows.get_mut(row % n) {
                        r[3] = "0".into();
                    }
                }
                Mutation::Drop { row } => {
                    if row % n < rows.len() {
                        rows.remove(row % n);
                    }
                }
                Mutation::Repeat { row } => {
                    if let Some(r) = rows.get(row % n).cloned() {
                        rows.insert(row % n, r);
                    }
                }
                Mutation::ThirdPerson => {
                    rows.push([
                        "1".into(),
                        "99".into(),
                        "1.0".into(),
                        "1".into(),
                        "1".into(),
                    ]);
                }
            }
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str(if extra {
                "time,dial,couple,person,female,note"
            } else {
                "couple,person,dial,time,female"
            });
            s.push_str(nl);
            for [c, p, v, t, f] in rows {
                if extra {
                    s.push_str(&format!("{t},{v},{c},{p},{f},\"x, y\"{nl}"));
                } else {
                    s.push_str(&format!("{c},{p},{v},{t},{f}{nl}"));
                }
            }
            s
        })
}

fn finite(x: Option<f64>) -> bool {
    x.is_none_or(f64::is_finite)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_byte_order_mark_and_crlf_endings_change_nothing(text in file()) {
        let plain = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        let variant = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
        let a = data::parse("fuzz.csv", &plain, &Columns::default());
        let b = data::parse("fuzz.csv", &variant, &Columns::default());
        prop_assert_eq!(format!("{:?}", a), format!("{:?}", b));
    }

    #[test]
    fn the_series_reader_and_models_never_panic(text in file()) {
        let lines = text.lines().count() as u64;
        match data::parse("fuzz.csv", &text, &Columns::default()) {
            Err(e) => {
                prop_assert_eq!(e.file.as_str(), "fuzz.csv");
                if let Some(l) = e.line {
                    prop_assert!(l >= 1 && l <= lines.max(1), "line {} of {}", l, lines);
                }
                prop_assert!(!e.message.is_empty());
            }
            Ok(d) => {
                let n = d.dyads.len();
                for lag in [Lag::AbsMaxCC, Lag::Fixed(1)] {
                    for pairing in [Pairing::Rties, Pairing::Partner] {
                        let f = inertia_coordination(&d, lag, pairing, true);
                        prop_assert_eq!(f.dyads.len() + f.skipped.len(), n);
                        for x in &f.dyads {
                            let c = &x.full;
                            // R² is 0/0 when every fitted value and residual is 0 (a series
                            // of zeros): then it is NaN, as in R, and the adjusted R² missing.
                            prop_assert!(c.r2.is_finite() || c.adj_r2.is_none(), "{:?}", c);
                            for v in [c.int0, c.int1, c.inert0, c.coord0, c.inert1, c.coord1, c.adj_r2] {
                                prop_assert!(finite(v), "{:?}", c);
                            }
                        }
                        for s in &f.skipped {
                            prop_assert!(!s.reason.is_empty());
                        }
                    }
                }
                let grid = Grid { taus: vec![1, 2], embeds: vec![3, 4], delta: 1.0 };
                let f = coupled_oscillator(&d, &grid, Pairing::Rties);
                prop_assert_eq!(f.dyads.len() + f.skipped.len(), n);
                let mut rows = Vec::new();
                for x in &f.dyads {
                    let c = &x.fit;
                    let all = [c.obs_0, c.d1_0, c.p_obs_0, c.p_d1_0, c.obs_1, c.d1_1, c.p_obs_1, c.p_d1_1];
                    for v in all.iter().chain(&[c.period_0, c.period_1, c.adj_r2, c.uncoupled_adj_r2]) {
                        prop_assert!(finite(*v), "{:?}", c);
                    }
                    if all.iter().all(Option::is_some) {
                        rows.push(all.iter().map(|v| v.unwrap()).collect::<Vec<f64>>());
                    }
                }
                for dy in &d.dyads {
                    if let Ok(v) = var1::fit_dyad(dy, 0.95) {
                        prop_assert!(format!("{v:?}").find("NaN").is_none(), "{:?}", v);
                    }
                }
                // Profiles over whatever oscillator parameters came out: an answer or a
                // reported refusal, never a panic.
                if let Ok(p) = profiles::profiles(&rows, &profiles::ProfileOptions { k: 2, starts: 2, bootstrap: 2, seed: 1 }) {
                    prop_assert_eq!(p.labels.len(), rows.len());
                    prop_assert!(p.bic.is_finite());
                }
            }
        }
    }
}
