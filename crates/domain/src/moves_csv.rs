//! The moves CSV of DESIGN.md §10: read and write.
//!
//! ```text
//! # window: 0..720
//! time,partner,move,kind,intensity,episode,way,recorded_by,couple
//! 1.5,A,reach,text,4,1,,A,
//! ```
//!
//! Only `time,partner,move` are required. `time` is hours (a number) or RFC 3339; RFC 3339 times
//! become hours since 1970-01-01T00:00Z, so a daily profile computed from them is in UTC. Rows
//! must be sorted by time (within each couple when a `couple` column is present); ties keep their
//! file order, because a whole episode is often logged in one sitting.
//!
//! This module parses text and writes to any `io::Write`; it never opens files itself.

use crate::{InputError, Move, MoveType, Person, Way, Window};
use std::collections::HashMap;
use std::io::{self, Write};

/// A parsed moves file.
#[derive(Debug, Clone, PartialEq)]
pub struct MovesFile {
    /// The window from the `# window:` line, if the file has one.
    pub window: Option<Window>,
    /// Moves in file order (sorted by time, per couple).
    pub moves: Vec<Move>,
    /// The optional columns present in the header, in header order.
    pub columns: Vec<Column>,
}

/// The columns a moves file may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Time,
    Partner,
    Move,
    Kind,
    Intensity,
    Episode,
    Way,
    RecordedBy,
    Couple,
}

impl Column {
    const ALL: [Column; 9] = [
        Column::Time,
        Column::Partner,
        Column::Move,
        Column::Kind,
        Column::Intensity,
        Column::Episode,
        Column::Way,
        Column::RecordedBy,
        Column::Couple,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Time => "time",
            Column::Partner => "partner",
            Column::Move => "move",
            Column::Kind => "kind",
            Column::Intensity => "intensity",
            Column::Episode => "episode",
            Column::Way => "way",
            Column::RecordedBy => "recorded_by",
            Column::Couple => "couple",
        }
    }
}

impl MovesFile {
    /// True when the file has a `couple` column (a multi-couple research file).
    pub fn has_couples(&self) -> bool {
        self.columns.contains(&Column::Couple)
    }

    /// Moves grouped by couple, in order of first appearance. A file without a `couple` column is
    /// one group with an empty id.
    pub fn by_couple(&self) -> Vec<(String, Vec<Move>)> {
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<Move>> = HashMap::new();
        for m in &self.moves {
            let id = m.couple.clone().unwrap_or_default();
            groups
                .entry(id.clone())
                .or_insert_with(|| {
                    order.push(id);
                    Vec::new()
                })
                .push(m.clone());
        }
        order
            .into_iter()
            .map(|id| {
                let moves = groups.remove(&id).unwrap_or_default();
                (id, moves)
            })
            .collect()
    }
}

/// Parses a moves CSV from its text. `file` is the name used in error messages.
pub fn parse(text: &str, file: &str) -> Result<MovesFile, InputError> {
    let err = |msg: String| InputError::new(file, msg);
    // Spreadsheet programs often begin a CSV with a UTF-8 byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(err(
            "the file is empty; expected a header line `time,partner,move`".into(),
        ));
    }
    // The optional window line is the first line only.
    let (window, body, line_offset) = match text.strip_prefix('#') {
        Some(rest) => {
            let (first, body) = rest.split_once('\n').unwrap_or((rest, ""));
            let first = first.trim_end_matches('\r');
            let spec = first.trim().strip_prefix("window:").ok_or_else(|| {
                err(format!(
                    "expected the first line to be `# window: START..END`, found `#{first}`"
                ))
                .at(1)
            })?;
            let window =
                parse_window_spec(spec.trim()).map_err(|m| err(m).at(1).field("window"))?;
            (Some(window), body, 1u64)
        }
        None => (None, text, 0u64),
    };

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());

    let headers = reader
        .byte_headers()
        .map_err(|e| csv_error(file, line_offset, e))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(
            err("expected a header line `time,partner,move`, found nothing".into())
                .at(line_offset + 1),
        );
    }
    let mut index: HashMap<Column, usize> = HashMap::new();
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(h);
        let col = Column::ALL
            .into_iter()
            .find(|c| c.name() == name.trim())
            .ok_or_else(|| {
                err(format!(
                    "unknown column {name:?}; expected time, partner, move and optionally kind, intensity, episode, way, recorded_by, couple"
                ))
                .at(line_offset + 1)
                .field(name.to_string())
            })?;
        if index.insert(col, i).is_some() {
            return Err(err(format!("the column {name:?} appears twice"))
                .at(line_offset + 1)
                .field(name.to_string()));
        }
        columns.push(col);
    }
    for required in [Column::Time, Column::Partner, Column::Move] {
        if !index.contains_key(&required) {
            return Err(err(format!(
                "the header has no `{}` column; expected `time,partner,move` and optional columns",
                required.name()
            ))
            .at(line_offset + 1));
        }
    }

    let mut moves = Vec::new();
    let mut clock: Option<Clock> = window.map(|w| w.1);
    let window = window.map(|w| w.0);
    let mut last_time: HashMap<Option<String>, f64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, line_offset, e)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0) + line_offset;
        let field = |c: Column| -> Result<Option<&str>, InputError> {
            match index.get(&c) {
                None => Ok(None),
                Some(&i) => {
                    let raw = record.get(i).unwrap_or(b"");
                    let s = std::str::from_utf8(raw)
                        .map_err(|_| err("expected UTF-8 text".into()).at(line).field(c.name()))?;
                    Ok(if s.is_empty() { None } else { Some(s) })
                }
            }
        };
        let time_raw = field(Column::Time)?.ok_or_else(|| {
            err("expected a time (hours, or an RFC 3339 date-time), found an empty field".into())
                .at(line)
                .field("time")
        })?;
        let (at, this_clock) = parse_time(time_raw).map_err(|m| err(m).at(line).field("time"))?;
        match clock {
            None => clock = Some(this_clock),
            Some(c) if c != this_clock => {
                return Err(err(format!(
                    "expected every time in the same form as the first ({}), found {time_raw:?}",
                    c.describe()
                ))
                .at(line)
                .field("time"));
            }
            _ => {}
        }
        let by: Person = field(Column::Partner)?
            .ok_or_else(|| {
                err("expected A or B, found an empty field".into())
                    .at(line)
                    .field("partner")
            })?
            .parse()
            .map_err(|m: String| err(m).at(line).field("partner"))?;
        let move_type: MoveType = field(Column::Move)?
            .ok_or_else(|| {
                err("expected a move type (reach, withdraw, turn_toward, repair, return), found an empty field".into())
                    .at(line)
                    .field("move")
            })?
            .parse()
            .map_err(|m: String| err(m).at(line).field("move"))?;
        let kind = field(Column::Kind)?.map(str::to_owned);
        let intensity = match field(Column::Intensity)? {
            None => None,
            Some(s) => Some(s.parse::<u8>().ok().filter(|v| *v <= 10).ok_or_else(|| {
                err(format!("expected a whole number from 0 to 10, found {s:?}"))
                    .at(line)
                    .field("intensity")
            })?),
        };
        let episode = field(Column::Episode)?.map(str::to_owned);
        let way = match field(Column::Way)? {
            None => None,
            Some(s) => Some(s.parse::<Way>().map_err(|m| err(m).at(line).field("way"))?),
        };
        let recorded_by = match field(Column::RecordedBy)? {
            None => None,
            Some(s) => Some(
                s.parse::<Person>()
                    .map_err(|m| err(m).at(line).field("recorded_by"))?,
            ),
        };
        let couple = field(Column::Couple)?.map(str::to_owned);
        if let Some(w) = window
            && (at < w.start || at > w.end)
        {
            return Err(err(format!(
                "the time {time_raw} lies outside the file's window {w}"
            ))
            .at(line)
            .field("time"));
        }
        let prev = last_time.entry(couple.clone()).or_insert(f64::NEG_INFINITY);
        if at < *prev {
            let scope = match &couple {
                Some(c) => format!(" within couple {c:?}"),
                None => String::new(),
            };
            return Err(err(format!(
                "rows must be sorted by time{scope}; this time ({time_raw}) is earlier than the row before it"
            ))
            .at(line)
            .field("time"));
        }
        *prev = at;
        moves.push(Move {
            at,
            by,
            move_type,
            recorded_by,
            kind,
            intensity,
            episode,
            way,
            couple,
        });
    }
    if moves.is_empty() {
        return Err(err("the file has a header but no moves".into()).at(line_offset + 1));
    }
    Ok(MovesFile {
        window,
        moves,
        columns,
    })
}

/// How times are written in a file. A file uses one form throughout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    Hours,
    Rfc3339,
}

impl Clock {
    fn describe(self) -> &'static str {
        match self {
            Clock::Hours => "hours, as a number",
            Clock::Rfc3339 => "RFC 3339 date-times",
        }
    }
}

fn parse_time(s: &str) -> Result<(f64, Clock), String> {
    if let Ok(v) = s.parse::<f64>() {
        if v.is_finite() {
            return Ok((v, Clock::Hours));
        }
        return Err(format!("expected a finite number of hours, found {s:?}"));
    }
    parse_rfc3339_hours(s).map(|h| (h, Clock::Rfc3339))
}

/// Hours since 1970-01-01T00:00Z of an RFC 3339 date-time.
pub fn parse_rfc3339_hours(s: &str) -> Result<f64, String> {
    let dt = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            format!(
                "expected hours (a number) or an RFC 3339 date-time such as 2026-03-01T21:30:00+01:00, found {s:?}"
            )
        })?;
    let nanos = dt.unix_timestamp_nanos();
    Ok(nanos as f64 / 3.6e12)
}

fn parse_window_spec(spec: &str) -> Result<(Window, Clock), String> {
    // Numbers first; RFC 3339 times contain no "..", so splitting on it is safe.
    if let Ok(w) = spec.parse::<Window>() {
        return Ok((w, Clock::Hours));
    }
    let (a, b) = spec
        .split_once("..")
        .ok_or_else(|| format!("expected START..END, found {spec:?}"))?;
    let start = parse_rfc3339_hours(a.trim())?;
    let end = parse_rfc3339_hours(b.trim())?;
    if end <= start {
        return Err(format!(
            "expected a window whose end is after its start, found {spec:?}"
        ));
    }
    Ok((Window { start, end }, Clock::Rfc3339))
}

fn csv_error(file: &str, line_offset: u64, e: csv::Error) -> InputError {
    let line = e.position().map(|p| p.line() + line_offset);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields like the header, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text".to_string(),
        _ => format!("could not read the CSV: {e}"),
    };
    let mut out = InputError::new(file, message);
    out.line = line;
    out
}

/// Writes moves as a moves CSV: the window line (when given), the header and one row per move.
/// Optional columns are written when any move uses them, so the output re-reads to the same moves.
pub fn write<W: Write>(out: &mut W, window: Option<Window>, moves: &[Move]) -> io::Result<()> {
    let mut w = io::BufWriter::new(out);
    if let Some(win) = window {
        writeln!(w, "# window: {}..{}", fmt_f64(win.start), fmt_f64(win.end))?;
    }
    let any = |f: &dyn Fn(&Move) -> bool| moves.iter().any(f);
    let mut cols = vec![Column::Time, Column::Partner, Column::Move];
    if any(&|m| m.kind.is_some()) {
        cols.push(Column::Kind);
    }
    if any(&|m| m.intensity.is_some()) {
        cols.push(Column::Intensity);
    }
    if any(&|m| m.episode.is_some()) {
        cols.push(Column::Episode);
    }
    // The `way` column is always written: an empty column says "no way of responding in use".
    cols.push(Column::Way);
    if any(&|m| m.recorded_by.is_some()) {
        cols.push(Column::RecordedBy);
    }
    if any(&|m| m.couple.is_some()) {
        cols.push(Column::Couple);
    }
    let names: Vec<&str> = cols.iter().map(|c| c.name()).collect();
    writeln!(w, "{}", names.join(","))?;
    let mut csvw = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(&mut w);
    let mut row: Vec<String> = Vec::with_capacity(cols.len());
    for m in moves {
        row.clear();
        for c in &cols {
            row.push(match c {
                Column::Time => fmt_f64(m.at),
                Column::Partner => m.by.as_str().to_string(),
                Column::Move => m.move_type.as_str().to_string(),
                Column::Kind => m.kind.clone().unwrap_or_default(),
                Column::Intensity => m.intensity.map(|v| v.to_string()).unwrap_or_default(),
                Column::Episode => m.episode.clone().unwrap_or_default(),
                Column::Way => m.way.map(|v| v.as_str().to_string()).unwrap_or_default(),
                Column::RecordedBy => m
                    .recorded_by
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_default(),
                Column::Couple => m.couple.clone().unwrap_or_default(),
            });
        }
        csvw.write_record(&row).map_err(io::Error::other)?;
    }
    csvw.flush()?;
    drop(csvw);
    w.flush()
}

/// Shortest text that reads back to the same f64.
fn fmt_f64(v: f64) -> String {
    format!("{v:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_window_header_and_optional_columns() {
        let text = "# window: 0..48\ntime,partner,move,way,recorded_by\n1,A,reach,curious,A\n1,B,withdraw,,A\n2.5,B,return,,B\n";
        let f = parse(text, "m.csv").unwrap();
        assert_eq!(
            f.window,
            Some(Window {
                start: 0.0,
                end: 48.0
            })
        );
        assert_eq!(f.moves.len(), 3);
        assert_eq!(f.moves[0].way, Some(Way::Curious));
        assert!(f.moves[1].is_perception());
        assert!(!f.moves[2].is_perception());
        assert_eq!(f.moves[2].move_type, MoveType::Return);
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = parse("time,partner,move\n1,A,reach\n2,C,reach\n", "x.csv").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("partner")));
        let e = parse(
            "# window: 0..10\ntime,partner,move\n1,A,reach\n0.5,A,reach\n",
            "x.csv",
        )
        .unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("time")));
        assert!(e.to_string().contains("sorted"), "{e}");
        let e = parse("time,partner,move\n1,A,hug\n", "x.csv").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("move"));
        let e = parse("time,partner,move\nNaN,A,reach\n", "x.csv").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("time"));
        let e = parse("", "x.csv").unwrap_err();
        assert!(e.to_string().contains("empty"));
        let e = parse("time,partner,move\n", "x.csv").unwrap_err();
        assert!(e.to_string().contains("no moves"));
        let e = parse("# window: 0..10\ntime,partner,move\n11,A,reach\n", "x.csv").unwrap_err();
        assert!(e.to_string().contains("outside"), "{e}");
        let e = parse("time,partner,move\n1,A,reach,extra\n", "x.csv").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse("time,partner,mvoe\n1,A,reach\n", "x.csv").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("mvoe"));
    }

    #[test]
    fn rfc3339_times_are_hours_since_epoch() {
        let f = parse(
            "time,partner,move\n1970-01-01T02:00:00Z,A,reach\n1970-01-01T03:30:00+01:00,B,withdraw\n",
            "t.csv",
        )
        .unwrap();
        assert_eq!(f.moves[0].at, 2.0);
        assert_eq!(f.moves[1].at, 2.5);
        let e = parse(
            "time,partner,move\n1,A,reach\n1970-01-01T03:30:00Z,B,withdraw\n",
            "t.csv",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn couples_sorted_within_each() {
        let f = parse(
            "time,partner,move,couple\n5,A,reach,c1\n1,A,reach,c2\n6,B,withdraw,c1\n",
            "c.csv",
        )
        .unwrap();
        let groups = f.by_couple();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "c1");
        assert_eq!(groups[0].1.len(), 2);
    }

    fn arb_move() -> impl Strategy<Value = Move> {
        (
            0.0f64..1000.0,
            prop::bool::ANY,
            0usize..5,
            prop::option::of(0u8..=10),
            prop::option::of(0usize..6),
            prop::option::of(prop::bool::ANY),
        )
            .prop_map(|(at, a, t, intensity, way, rec)| Move {
                at,
                by: if a { Person::A } else { Person::B },
                move_type: MoveType::ALL[t],
                recorded_by: rec.map(|r| if r { Person::A } else { Person::B }),
                kind: None,
                intensity,
                episode: None,
                way: way.map(|i| Way::ALL[i]),
                couple: None,
            })
    }

    proptest! {
        #[test]
        fn write_then_parse_round_trips(mut moves in prop::collection::vec(arb_move(), 1..60)) {
            moves.sort_by(|a, b| a.at.total_cmp(&b.at));
            let window = Window { start: 0.0, end: 1000.0 };
            let mut buf = Vec::new();
            write(&mut buf, Some(window), &moves).unwrap();
            let text = String::from_utf8(buf).unwrap();
            let back = parse(&text, "rt.csv").unwrap();
            prop_assert_eq!(back.window, Some(window));
            prop_assert_eq!(back.moves, moves);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text, "fuzz.csv");
        }

        #[test]
        fn parse_never_panics_on_csvish(lines in prop::collection::vec("[0-9a-zA-Z_.,:#+ -]{0,40}", 0..8)) {
            let text = lines.join("\n");
            let _ = parse(&text, "fuzz.csv");
            let with_header = format!("time,partner,move,way,intensity\n{text}");
            let _ = parse(&with_header, "fuzz.csv");
        }
    }
}
