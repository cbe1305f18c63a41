//! The third moves reader that `closer fit` carried (a fast path for plain files, issue 11),
//! kept here verbatim as an oracle: on generated files, wherever it accepted a file the one
//! reader (`moves_csv::parse`) must give the same window, times, partners and move types, and
//! wherever the fast path refused a file that `parse` accepts, `parse`'s answer stands (the fit
//! sent such files to `parse` anyway). The fast path is deleted from the CLI; this test is what
//! showed the one reader could replace it.

use closer_domain::{MoveType, Person, Window, moves_csv};
use proptest::prelude::*;

/// The old fast path's result: window, times, and dimension codes (partner × 5 + move type).
struct FastFile {
    window: Option<Window>,
    times: Vec<f64>,
    codes: Vec<u8>,
}

/// Copied from `crates/cli/src/cmd/fit.rs` as it was before issue 11 (only `first_line` dropped).
fn fast_read(text: &str) -> Option<FastFile> {
    let mut lines = text.split('\n');
    let mut first = lines.next()?;
    let mut window = None;
    if let Some(rest) = first.strip_prefix('#') {
        let spec = rest.trim().strip_prefix("window:")?;
        window = Some(spec.trim().parse::<Window>().ok()?);
        first = lines.next()?;
    }
    if first.trim_end_matches('\r') != "time,partner,move" {
        return None;
    }
    let mut times = Vec::new();
    let mut codes = Vec::new();
    let mut prev = f64::NEG_INFINITY;
    let mut ended = false;
    for line in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            ended = true;
            continue;
        }
        if ended {
            return None;
        }
        let (t, rest) = line.split_once(',')?;
        let (p, m) = rest.split_once(',')?;
        let t: f64 = t.parse().ok()?;
        if !t.is_finite() || t < prev {
            return None;
        }
        if let Some(w) = window
            && (t < w.start || t > w.end)
        {
            return None;
        }
        prev = t;
        let p = match p {
            "A" => 0u8,
            "B" => 5,
            _ => return None,
        };
        let m = match m {
            "reach" => 0u8,
            "withdraw" => 1,
            "turn_toward" => 2,
            "repair" => 3,
            "return" => 4,
            _ => return None,
        };
        times.push(t);
        codes.push(p + m);
    }
    if times.is_empty() {
        return None;
    }
    Some(FastFile {
        window,
        times,
        codes,
    })
}

fn code(p: Person, m: MoveType) -> u8 {
    let p = match p {
        Person::A => 0,
        Person::B => 5,
    };
    let m = MoveType::ALL
        .iter()
        .position(|&x| x == m)
        .expect("a move type");
    p + u8::try_from(m).expect("small")
}

/// A plain file, with the variations the fast path met in practice: a window line or none,
/// CRLF or LF, trailing blank lines, times written in several number forms, and now and then a
/// damaged row (out of order, outside the window, an unknown partner or move, a short row).
fn arb_file() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        0usize..3,
        prop::collection::vec((0.0f64..50.0, 0usize..2, 0usize..5, 0usize..4), 1..80),
        prop::option::of((0usize..80, 0usize..5)),
    )
        .prop_map(|(window, crlf, trailing, rows, damage)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut t = 0.0f64;
            let mut body = Vec::new();
            for (dt, p, m, form) in rows {
                t += dt;
                let time = match form {
                    0 => format!("{t:?}"),
                    1 => format!("{t:.3}"),
                    2 => format!("{t:e}"),
                    _ => format!("{}", t.floor()),
                };
                let time_ok: f64 = time.parse().expect("a number");
                t = t.max(time_ok);
                body.push(format!(
                    "{time},{},{}",
                    ["A", "B"][p],
                    MoveType::ALL[m].as_str()
                ));
            }
            if let Some((at, kind)) = damage {
                let at = at % body.len();
                body[at] = match kind {
                    0 => "0.5,A,reach".to_string(),
                    1 => "1e9,A,reach".to_string(),
                    2 => "1,C,reach".to_string(),
                    3 => "1,A,hug".to_string(),
                    _ => "1,A".to_string(),
                };
            }
            let mut text = String::new();
            if window {
                text.push_str(&format!("# window: 0..10000{nl}"));
            }
            text.push_str("time,partner,move");
            text.push_str(nl);
            for row in body {
                text.push_str(&row);
                text.push_str(nl);
            }
            for _ in 0..trailing {
                text.push_str(nl);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_one_reader_agrees_with_the_old_fast_path(text in arb_file()) {
        let fast = fast_read(&text);
        let full = moves_csv::parse(&text, "gen.csv");
        if let Some(fast) = fast {
            let full = full.expect("the fast path accepted it, so must the reader");
            prop_assert_eq!(full.window, fast.window);
            let times: Vec<f64> = full.moves.iter().map(|m| m.at).collect();
            prop_assert_eq!(times, fast.times);
            let codes: Vec<u8> = full.moves.iter().map(|m| code(m.by, m.move_type)).collect();
            prop_assert_eq!(codes, fast.codes);
            prop_assert!(full.moves.iter().all(|m| m.couple.is_none() && m.kind.is_none()));
        } else if let Err(e) = full {
            // Refused by both: the reader names the line and the field.
            prop_assert!(e.line.is_some(), "{}", e);
        }
    }
}

/// The damaged rows of the generator are refused by both readers, at the physical line.
#[test]
fn damaged_files_are_refused_by_both_with_the_line() {
    for nl in ["\n", "\r\n"] {
        let text = format!("# window: 0..100{nl}time,partner,move{nl}1,A,reach{nl}2,C,reach{nl}");
        assert!(fast_read(&text).is_none());
        let e = moves_csv::parse(&text, "d.csv").unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(4), Some("partner")),
            "{nl:?}"
        );
    }
}
