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

use crate::csv_rows::Rows;
use crate::{InputError, Move, MoveType, Person, Way, Window};
use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

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

    /// Moves grouped by couple, in order of first appearance, without copying them (see
    /// [`MovesFile::by_couple`]). A file without a `couple` column is one group with an empty id.
    pub fn into_by_couple(self) -> Vec<(String, Vec<Move>)> {
        if !self.has_couples() {
            return vec![(String::new(), self.moves)];
        }
        let mut order: Vec<(String, Vec<Move>)> = Vec::new();
        let mut slot: HashMap<String, usize> = HashMap::new();
        for m in self.moves {
            let id = m.couple.as_deref().unwrap_or_default();
            let i = match slot.get(id) {
                Some(&i) => i,
                None => {
                    slot.insert(id.to_string(), order.len());
                    order.push((id.to_string(), Vec::new()));
                    order.len() - 1
                }
            };
            order[i].1.push(m);
        }
        order
    }

    /// Moves grouped by couple, in order of first appearance, as references into the file (no
    /// move is copied). A file without a `couple` column is one group with an empty id.
    pub fn by_couple(&self) -> Vec<(&str, Vec<&Move>)> {
        let mut order: Vec<(&str, Vec<&Move>)> = Vec::new();
        let mut slot: HashMap<&str, usize> = HashMap::new();
        for m in &self.moves {
            let id = m.couple.as_deref().unwrap_or_default();
            let i = *slot.entry(id).or_insert_with(|| {
                order.push((id, Vec::new()));
                order.len() - 1
            });
            order[i].1.push(m);
        }
        order
    }

    /// How many couples the file holds (1 for a file without a `couple` column).
    pub fn couple_count(&self) -> usize {
        let mut ids: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for m in &self.moves {
            ids.insert(m.couple.as_deref().unwrap_or_default());
        }
        ids.len().max(1)
    }
}

/// Parses a moves CSV from its text. `file` is the name used in error messages.
///
/// One reader for every command (the `csv` crate underneath): quoted fields may hold commas and
/// newlines, and error line numbers are physical lines of the text (also in CRLF files and after
/// a quoted newline). Built for million-row research files: no per-field map lookup, no
/// allocation for an absent optional field, and line numbers computed only for an error.
pub fn parse(text: &str, file: &str) -> Result<MovesFile, InputError> {
    let mut moves = Vec::with_capacity(text.len() / 24);
    let head = read(text, file, |m| moves.push(m))?;
    Ok(MovesFile {
        window: head.window,
        moves,
        columns: head.columns,
    })
}

/// What a moves file says besides its moves: the window line and the columns present.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The window from the `# window:` line, if the file has one.
    pub window: Option<Window>,
    /// The columns present in the header, in header order.
    pub columns: Vec<Column>,
}

/// The one moves reader, streaming: checks the file exactly as [`parse`] does and hands each
/// valid move to `each`, in file order, without keeping them. For a million-event research file
/// a caller can build its own columns (times and types) and never hold a `Vec<Move>`. On an
/// error some moves may already have been handed over; the error is what counts.
pub fn read(text: &str, file: &str, mut each: impl FnMut(Move)) -> Result<Head, InputError> {
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
    // The physical line of a byte offset into `body` (errors only: a scan of the text so far).
    let line_at = |byte: u64| physical_line(body, byte) + line_offset;

    let mut record = Rows::of_text(body);
    let headers: Vec<Vec<u8>> = if record.advance() {
        (0..record.fields())
            .map(|i| record.get(i).to_vec())
            .collect()
    } else {
        Vec::new()
    };
    let header_line = line_at(record.start());
    if headers.is_empty() || (headers.len() == 1 && headers[0].trim_ascii().is_empty()) {
        return Err(
            err("expected a header line `time,partner,move`, found nothing".into()).at(header_line),
        );
    }
    // Column → its index in a record, by the column's position in `Column::ALL`.
    let mut index: [Option<usize>; 9] = [None; 9];
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let name = std::str::from_utf8(h.trim_ascii())
            .map_err(|_| err("expected UTF-8 text in the header".into()).at(header_line))?;
        let col = Column::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| {
                err(format!(
                    "unknown column {name:?}; expected time, partner, move and optionally kind, intensity, episode, way, recorded_by, couple"
                ))
                .at(header_line)
                .field(name.to_string())
            })?;
        if index[col as usize].replace(i).is_some() {
            return Err(err(format!("the column {name:?} appears twice"))
                .at(header_line)
                .field(name.to_string()));
        }
        columns.push(col);
    }
    for required in [Column::Time, Column::Partner, Column::Move] {
        if index[required as usize].is_none() {
            return Err(err(format!(
                "the header has no `{}` column; expected `time,partner,move` and optional columns",
                required.name()
            ))
            .at(header_line));
        }
    }

    // Only files with optional columns pay for reading them.
    let optional = index[Column::Kind as usize..].iter().any(Option::is_some);
    let mut count = 0usize;
    let mut clock: Option<Clock> = window.map(|w| w.1);
    let window = window.map(|w| w.0);
    // The last time per couple, by the couple's interned index (the file's own order is
    // checked within each couple).
    let mut last_time = f64::NEG_INFINITY;
    let mut last_by_couple: Vec<f64> = Vec::new();
    let mut labels = Labels::default();
    while record.advance() {
        if record.unterminated_quote() {
            return Err(err(UNTERMINATED.into()).at(line_at(record.start())));
        }
        if record.fields() != headers.len() {
            return Err(err(format!(
                "expected {} fields like the header, found {}",
                headers.len(),
                record.fields()
            ))
            .at(line_at(record.start())));
        }
        let at_row = |(field, message): (&'static str, String)| {
            err(message).at(line_at(record.start())).field(field)
        };
        let (m, couple) =
            read_row(&record, &index, optional, &mut clock, window, &mut labels).map_err(at_row)?;
        let prev = match couple {
            None => &mut last_time,
            Some(c) => {
                if c >= last_by_couple.len() {
                    last_by_couple.resize(c + 1, f64::NEG_INFINITY);
                }
                &mut last_by_couple[c]
            }
        };
        if m.at < *prev {
            let scope = match &m.couple {
                Some(c) => format!(" within couple {c:?}"),
                None => String::new(),
            };
            let raw = field_str(&record, index[Column::Time as usize], "time")
                .ok()
                .flatten()
                .unwrap_or("");
            return Err(at_row((
                "time",
                format!(
                    "rows must be sorted by time{scope}; this time ({raw}) is earlier than the row before it"
                ),
            )));
        }
        *prev = m.at;
        count += 1;
        each(m);
    }
    if count == 0 {
        return Err(err("the file has a header but no moves".into()).at(header_line));
    }
    Ok(Head { window, columns })
}

/// One field of a record, trimmed (ASCII whitespace, as `csv::Trim::All` does); `None` when the
/// column is absent or the field empty.
#[inline]
fn field_str<'r>(
    record: &'r Rows<'_>,
    index: Option<usize>,
    name: &'static str,
) -> Result<Option<&'r str>, (&'static str, String)> {
    let Some(i) = index else { return Ok(None) };
    let raw = record
        .get_str(i)
        .ok_or_else(|| (name, "expected UTF-8 text".to_string()))?
        .trim_ascii();
    Ok((!raw.is_empty()).then_some(raw))
}

/// Free-text labels (kind, episode, couple), one shared copy per distinct value: a reader
/// allocates once per new value, not once per row. Each column remembers its last value, since
/// consecutive rows usually repeat it.
#[derive(Default)]
struct Labels {
    kind: Interner,
    episode: Interner,
    couple: Interner,
}

/// Distinct strings in order of first appearance, each with its index.
#[derive(Default)]
struct Interner {
    index: HashMap<Arc<str>, usize>,
    values: Vec<Arc<str>>,
    last: Option<usize>,
}

impl Interner {
    /// The shared copy of `s` and its index.
    fn get(&mut self, s: &str) -> (Arc<str>, usize) {
        if let Some(i) = self.last
            && *self.values[i] == *s
        {
            return (self.values[i].clone(), i);
        }
        let i = match self.index.get(s) {
            Some(&i) => i,
            None => {
                let v: Arc<str> = Arc::from(s);
                self.index.insert(v.clone(), self.values.len());
                self.values.push(v);
                self.values.len() - 1
            }
        };
        self.last = Some(i);
        (self.values[i].clone(), i)
    }
}

/// The optional fields of a row (kind, intensity, episode, way, recorded_by, couple) on a move
/// that has its required ones; also the couple's index among the file's couples.
fn read_optional(
    record: &Rows<'_>,
    index: &[Option<usize>; 9],
    labels: &mut Labels,
    m: &mut Move,
) -> Result<Option<usize>, (&'static str, String)> {
    let get = |c: Column| field_str(record, index[c as usize], c.name());
    m.kind = get(Column::Kind)?.map(|s| labels.kind.get(s).0);
    m.intensity = match get(Column::Intensity)? {
        None => None,
        Some(s) => Some(s.parse::<u8>().ok().filter(|v| *v <= 10).ok_or_else(|| {
            (
                "intensity",
                format!("expected a whole number from 0 to 10, found {s:?}"),
            )
        })?),
    };
    m.episode = get(Column::Episode)?.map(|s| labels.episode.get(s).0);
    m.way = match get(Column::Way)? {
        None => None,
        Some(s) => Some(s.parse::<Way>().map_err(|m| ("way", m))?),
    };
    m.recorded_by = match get(Column::RecordedBy)? {
        None => None,
        Some(s) => Some(s.parse::<Person>().map_err(|m| ("recorded_by", m))?),
    };
    Ok(match get(Column::Couple)? {
        None => None,
        Some(s) => {
            let (id, i) = labels.couple.get(s);
            m.couple = Some(id);
            Some(i)
        }
    })
}

/// One row as a move; an error is (field, what was expected and found).
#[inline]
fn read_row(
    record: &Rows<'_>,
    index: &[Option<usize>; 9],
    optional: bool,
    clock: &mut Option<Clock>,
    window: Option<Window>,
    labels: &mut Labels,
) -> Result<(Move, Option<usize>), (&'static str, String)> {
    let get = |c: Column| field_str(record, index[c as usize], c.name());
    // Partner and move are compared as bytes first (the common spellings), text only otherwise.
    let bytes = |c: Column| {
        index[c as usize]
            .map_or(&b""[..], |i| record.get(i))
            .trim_ascii()
    };
    let time_raw = get(Column::Time)?.ok_or_else(|| {
        (
            "time",
            "expected a time (hours, or an RFC 3339 date-time), found an empty field".to_string(),
        )
    })?;
    let (at, this_clock) = parse_time(time_raw).map_err(|m| ("time", m))?;
    match *clock {
        None => *clock = Some(this_clock),
        Some(c) if c != this_clock => {
            return Err((
                "time",
                format!(
                    "expected every time in the same form as the first ({}), found {time_raw:?}",
                    c.describe()
                ),
            ));
        }
        _ => {}
    }
    let by = match bytes(Column::Partner) {
        b"A" => Person::A,
        b"B" => Person::B,
        _ => match get(Column::Partner)? {
            Some(s) => s.parse().map_err(|m| ("partner", m))?,
            None => {
                return Err((
                    "partner",
                    "expected A or B, found an empty field".to_string(),
                ));
            }
        },
    };
    let move_type = match bytes(Column::Move) {
        b"reach" => MoveType::Reach,
        b"withdraw" => MoveType::Withdraw,
        b"turn_toward" => MoveType::TurnToward,
        b"repair" => MoveType::Repair,
        b"return" => MoveType::Return,
        _ => match get(Column::Move)? {
            Some(s) => s.parse().map_err(|m| ("move", m))?,
            None => {
                return Err((
                    "move",
                    "expected a move type (reach, withdraw, turn_toward, repair, return), found an empty field".to_string(),
                ));
            }
        },
    };
    let mut m = Move::new(at, by, move_type);
    let couple = if optional {
        read_optional(record, index, labels, &mut m)?
    } else {
        None
    };
    if let Some(w) = window
        && (at < w.start || at > w.end)
    {
        return Err((
            "time",
            format!("the time {time_raw} lies outside the file's window {w}"),
        ));
    }
    Ok((m, couple))
}

/// The 1-based physical line of the first character of the record starting at `byte`: line
/// breaks before it are counted, and the reader's own position may sit on the `\n` of a `\r\n`
/// (or on blank lines it skips), so those are stepped over first.
fn physical_line(body: &str, byte: u64) -> u64 {
    let bytes = body.as_bytes();
    let mut b = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
        b += 1;
    }
    let breaks = bytes[..b].iter().filter(|&&c| c == b'\n').count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

/// The physical line (1-based, in the whole text) of the `index`-th move of a file that
/// [`parse`] accepted: for errors found after parsing (say, a move outside a window given on the
/// command line). `None` when there is no such move.
pub fn line_of_move(text: &str, index: usize) -> Option<u64> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (body, offset) = match text.strip_prefix('#') {
        Some(rest) => (rest.split_once('\n').map_or("", |(_, b)| b), 1),
        None => (text, 0),
    };
    let mut record = Rows::of_text(body);
    // The header, then the moves.
    record.advance();
    let mut i = 0usize;
    while record.advance() {
        if i == index {
            return Some(physical_line(body, record.start()) + offset);
        }
        i += 1;
    }
    None
}

/// The message for a quoted field that is never closed.
pub const UNTERMINATED: &str = "expected a closing \" for the quoted field that starts on this line; the rest of the file was read as one field";

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
                Column::Kind => m.kind.as_deref().unwrap_or_default().to_string(),
                Column::Intensity => m.intensity.map(|v| v.to_string()).unwrap_or_default(),
                Column::Episode => m.episode.as_deref().unwrap_or_default().to_string(),
                Column::Way => m.way.map(|v| v.as_str().to_string()).unwrap_or_default(),
                Column::RecordedBy => m
                    .recorded_by
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_default(),
                Column::Couple => m.couple.as_deref().unwrap_or_default().to_string(),
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

    /// Error lines are physical lines: a CRLF file used to name the line above, and a quoted
    /// newline in an earlier row moves every later line down.
    #[test]
    fn error_lines_are_physical_in_crlf_files_and_after_quoted_newlines() {
        for (text, line) in [
            ("time,partner,move\r\n1,A,reach\r\n2,C,reach\r\n", 3),
            (
                "# window: 0..9\r\ntime,partner,move\r\n1,A,reach\r\n2,C,reach\r\n",
                4,
            ),
            (
                "time,partner,move,kind\n1,A,reach,\"two\nlines\"\n2,C,reach,x\n",
                4,
            ),
            (
                "time,partner,move,kind\r\n1,A,reach,\"two\r\nlines\"\r\n\r\n2,C,reach,x\r\n",
                5,
            ),
            ("time,partner,move\n\n\n1,C,reach\n", 4),
        ] {
            let e = parse(text, "x.csv").unwrap_err();
            assert_eq!(
                (e.line, e.field.as_deref()),
                (Some(line), Some("partner")),
                "{text:?}"
            );
        }
        // A wrong number of fields, after a quoted newline, in CRLF.
        let e = parse(
            "time,partner,move,kind\r\n1,A,reach,\"a\r\nb\"\r\n2,A\r\n",
            "x.csv",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.to_string().contains("expected 4 fields"), "{e}");
        // A quote that is never closed is refused at the line where its field starts.
        for nl in ["\n", "\r\n"] {
            let text = format!(
                "time,partner,move,kind{nl}1,A,reach,x{nl}2,A,reach,\"open{nl}3,A,reach,y{nl}"
            );
            let e = parse(&text, "x.csv").unwrap_err();
            assert_eq!(
                (e.line, e.message.as_str()),
                (Some(3), UNTERMINATED),
                "{nl:?}"
            );
        }
        // line_of_move finds the same physical lines after parsing.
        let text =
            "# window: 0..9\r\ntime,partner,move,kind\r\n1,A,reach,\"a\r\nb\"\r\n2,B,reach,x\r\n";
        assert!(parse(text, "x.csv").is_ok());
        assert_eq!(line_of_move(text, 0), Some(3));
        assert_eq!(line_of_move(text, 1), Some(5));
        assert_eq!(line_of_move(text, 2), None);
    }

    #[test]
    fn into_by_couple_groups_without_copying_in_first_appearance_order() {
        let f = parse(
            "time,partner,move,couple\n5,A,reach,c1\n1,A,reach,c2\n6,B,withdraw,c1\n",
            "c.csv",
        )
        .unwrap();
        let want: Vec<(String, Vec<Move>)> = f
            .by_couple()
            .into_iter()
            .map(|(id, ms)| (id.to_string(), ms.into_iter().cloned().collect()))
            .collect();
        assert_eq!(f.couple_count(), 2);
        // One shared copy per distinct label: rows 1 and 3 hold the same "c1".
        let (a, b) = (&f.moves[0].couple, &f.moves[2].couple);
        assert!(Arc::ptr_eq(a.as_ref().unwrap(), b.as_ref().unwrap()));
        assert_eq!(f.moves[1].couple.as_deref(), Some("c2"));
        let got = f.into_by_couple();
        assert_eq!(got, want);
        assert_eq!(
            got.iter().map(|g| g.1.len()).collect::<Vec<_>>(),
            vec![2, 1]
        );
        let single = parse("time,partner,move\n1,A,reach\n", "s.csv").unwrap();
        let g = single.into_by_couple();
        assert_eq!((g.len(), g[0].0.as_str(), g[0].1.len()), (1, "", 1));
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

    /// What any text must give: either moves that are finite, sorted, inside the window and
    /// survive a write-and-read round trip unchanged, or an error that names the file, says
    /// what was expected, and (when it names a line) a line that exists in the text.
    fn check_outcome(text: &str) -> Result<(), TestCaseError> {
        match parse(text, "fuzz.csv") {
            Ok(f) => {
                prop_assert!(!f.moves.is_empty());
                prop_assert!(f.moves.iter().all(|m| m.at.is_finite()));
                prop_assert!(
                    f.moves
                        .windows(2)
                        .all(|w| w[0].at <= w[1].at || f.has_couples())
                );
                if let Some(w) = f.window {
                    prop_assert!(f.moves.iter().all(|m| m.at >= w.start && m.at <= w.end));
                }
                let mut buf = Vec::new();
                write(&mut buf, f.window, &f.moves).unwrap();
                let back = parse(std::str::from_utf8(&buf).unwrap(), "back.csv").unwrap();
                prop_assert_eq!(back.moves, f.moves);
            }
            Err(e) => {
                prop_assert_eq!(e.file.as_str(), "fuzz.csv");
                prop_assert!(
                    e.message.contains("expected")
                        || e.message.starts_with("the ")
                        || e.message.starts_with("rows must be sorted"),
                    "{}",
                    e
                );
                if let Some(line) = e.line {
                    let lines = text.split('\n').count() as u64;
                    prop_assert!(
                        line >= 1 && line <= lines.max(1),
                        "line {} of {}: {}",
                        line,
                        lines,
                        e
                    );
                }
            }
        }
        Ok(())
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
            check_outcome(&text)?;
        }

        #[test]
        fn parse_never_panics_on_csvish(lines in prop::collection::vec("[0-9a-zA-Z_.,:#+ -]{0,40}", 0..8)) {
            let text = lines.join("\n");
            check_outcome(&text)?;
            let with_header = format!("time,partner,move,way,intensity\n{text}");
            check_outcome(&with_header)?;
        }
    }
}
