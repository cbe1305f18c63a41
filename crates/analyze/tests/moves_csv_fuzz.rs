//! Fuzzing the moves CSV reader (`closer_domain::moves_csv::parse`) and the patterns analysis
//! behind it with proptest: CSV-shaped text built from real and broken pieces (headers in any
//! order, numbers, NaN, infinities, RFC 3339 times, quotes, a byte-order mark, CRLF endings,
//! window lines). Laws: the reader never panics; every error names the file and, when it names a
//! line, a line that exists; every file it accepts is sorted, finite, inside its window, and reads
//! back to the same moves after writing; and the analysis of anything accepted never panics and
//! keeps its own invariants in every view.

use closer_analyze::episodes::{Options, View, analyze};
use closer_domain::Person;
use closer_domain::moves_csv::{self, Column};
use proptest::prelude::*;

const COLUMNS: [&str; 10] = [
    "time",
    "partner",
    "move",
    "kind",
    "intensity",
    "episode",
    "way",
    "recorded_by",
    "couple",
    "mood",
];

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..500).prop_map(|v| v.to_string()),
        (0.0f64..500.0).prop_map(|v| format!("{v}")),
        Just("A".to_string()),
        Just("B".to_string()),
        Just("b".to_string()),
        Just("C".to_string()),
        Just("reach".to_string()),
        Just("withdraw".to_string()),
        Just("turn_toward".to_string()),
        Just("repair".to_string()),
        Just("return".to_string()),
        Just("pause".to_string()),
        Just("stay".to_string()),
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("11".to_string()),
        Just("2026-03-01T21:30:00+01:00".to_string()),
        Just("2026-13-01T21:30:00Z".to_string()),
        Just("\"a, quoted\"".to_string()),
        Just("\"unterminated".to_string()),
        Just("é✓".to_string()),
        "[ -~]{0,6}",
    ]
}

fn csvish() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop_oneof![
            Just("# window: 0..500".to_string()),
            Just("# window: 500..0".to_string()),
            Just("# window: 2026-03-01T00:00:00Z..2026-04-01T00:00:00Z".to_string()),
            Just("# not a window".to_string()),
            Just("#".to_string()),
        ]),
        prop::bool::ANY,
        prop::collection::vec(0usize..COLUMNS.len(), 0..7),
        prop::collection::vec(prop::collection::vec(field(), 0..8), 0..12),
        prop::bool::ANY,
    )
        .prop_map(|(window, bom, cols, rows, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            if let Some(w) = window {
                s.push_str(&w);
                s.push_str(nl);
            }
            let mut header = vec!["time", "partner", "move"];
            header.extend(cols.iter().map(|&i| COLUMNS[i]));
            s.push_str(&header.join(","));
            s.push_str(nl);
            for r in rows {
                s.push_str(&r.join(","));
                s.push_str(nl);
            }
            s
        })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let lines = text.lines().count() as u64;
    match moves_csv::parse(text, "fuzz.csv") {
        Err(e) => {
            prop_assert_eq!(&e.file, "fuzz.csv");
            if let Some(l) = e.line {
                prop_assert!(l >= 1 && l <= lines + 1, "line {} of {}: {}", l, lines, e);
            }
            prop_assert!(!e.message.is_empty());
        }
        Ok(f) => {
            prop_assert!(!f.moves.is_empty());
            for w in f.moves.windows(2) {
                if w[0].couple == w[1].couple {
                    prop_assert!(w[0].at <= w[1].at);
                }
            }
            for m in &f.moves {
                prop_assert!(m.at.is_finite());
                if let Some(w) = f.window {
                    prop_assert!(m.at >= w.start && m.at <= w.end);
                }
                prop_assert!(m.intensity.is_none_or(|i| i <= 10));
            }
            // Written back and read again: the same moves (when all of one couple, so sorted).
            if !f.has_couples() {
                let mut buf = Vec::new();
                moves_csv::write(&mut buf, f.window, &f.moves).unwrap();
                let back = moves_csv::parse(&String::from_utf8(buf).unwrap(), "rt.csv");
                prop_assert!(back.is_ok(), "{:?}", back.err());
                let back = back.unwrap();
                prop_assert_eq!(back.moves.len(), f.moves.len());
                for (a, b) in back.moves.iter().zip(&f.moves) {
                    prop_assert_eq!((a.at, a.by, a.move_type), (b.at, b.by, b.move_type));
                    prop_assert_eq!(
                        (a.way, a.recorded_by, a.intensity),
                        (b.way, b.recorded_by, b.intensity)
                    );
                }
            }
            // The analysis of anything accepted never panics, in every view.
            for view in [View::Joint, View::Own(Person::A), View::Own(Person::B)] {
                let opts = Options {
                    view,
                    draws: 50,
                    ..Options::default()
                };
                match analyze(&f, &opts) {
                    Err(_) => {
                        let no_recorder = !f.columns.contains(&Column::RecordedBy);
                        prop_assert!(f.has_couples() || (view != View::Joint && no_recorder));
                    }
                    Ok(r) => {
                        prop_assert_eq!(r.finished + r.unfinished, r.episodes.len());
                        prop_assert!(r.unfinished <= 1);
                        for x in &r.findings {
                            if let (Some(e), Some([lo, hi])) = (x.estimate, x.interval) {
                                prop_assert!(lo <= hi, "{:?}", x);
                                prop_assert!(e.is_finite() && lo.is_finite() && hi.is_finite());
                            }
                            prop_assert!(x.enough == x.estimate.is_some() || !x.enough);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn csv_shaped_input_never_panics_and_keeps_its_laws(text in csvish()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check(&text)?;
    }

    #[test]
    fn valid_files_in_sorted_order_are_accepted(
        steps in prop::collection::vec((0.0f64..5.0, 0usize..2, 0usize..5, prop::option::of(0usize..2)), 1..40)
    ) {
        let mut t = 0.0;
        let mut s = String::from("time,partner,move,recorded_by\n");
        for (dt, p, m, r) in &steps {
            t += dt;
            let rec = r.map(|i| ["A", "B"][i]).unwrap_or("");
            s.push_str(&format!("{t},{},{},{rec}\n", ["A", "B"][*p], ["reach", "withdraw", "turn_toward", "repair", "return"][*m]));
        }
        let f = moves_csv::parse(&s, "ok.csv");
        prop_assert!(f.is_ok(), "{:?}", f.err());
        prop_assert_eq!(f.unwrap().moves.len(), steps.len());
        check(&s)?;
    }
}

/// Regression: spreadsheet programs often save CSV with a UTF-8 byte-order mark; the reader
/// refused such files with `unknown column "\u{feff}time"` (or took the window line for a
/// header). A leading mark is now skipped, so the same file reads the same with or without it.
#[test]
fn a_byte_order_mark_is_skipped() {
    for text in [
        "time,partner,move\n1,A,reach\n2,B,withdraw\n",
        "# window: 0..10\r\ntime,partner,move\r\n1,A,reach\r\n",
    ] {
        let plain = moves_csv::parse(text, "m.csv").unwrap();
        let marked = moves_csv::parse(&format!("\u{feff}{text}"), "m.csv").unwrap();
        assert_eq!(plain, marked);
    }
}
