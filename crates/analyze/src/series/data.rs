//! Reading a long-format series file (DESIGN.md §10, "series CSV") into dyads, checked.
//!
//! One row per person per time point; the columns are chosen by name, as rties' `dataPrep`
//! does. Everything a file can get wrong is an [`InputError`] naming the file, the line and the
//! field: unknown columns, non-numeric or non-finite numbers, times out of order within a
//! person, a person in two dyads, a dyad without both partners, unequal series lengths.
//! Missing values of the measured variable (an empty field or `NA`) are allowed and stay
//! missing, as in R.

use closer_domain::InputError;
use closer_domain::csv_rows::Rows;

/// Which columns hold what. Defaults are rties' example data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub dyad: String,
    pub person: String,
    pub time: String,
    pub value: String,
    /// The 0/1 column that tells the two partners apart (rties' `dist_name`).
    pub partner: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            dyad: "couple".into(),
            person: "person".into(),
            time: "time".into(),
            value: "dial".into(),
            partner: "female".into(),
        }
    }
}

/// An identifier as R would hold it: numeric when the whole column is numeric (then it sorts
/// and compares as a number), text otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Id {
    pub text: String,
    pub num: Option<f64>,
}

impl Id {
    /// R's `==` between two columns of the same type.
    pub fn same_as(&self, other: &Id) -> bool {
        match (self.num, other.num) {
            (Some(a), Some(b)) => a == b,
            _ => self.text == other.text,
        }
    }

    fn cmp_r(&self, other: &Id) -> std::cmp::Ordering {
        match (self.num, other.num) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            _ => self.text.cmp(&other.text),
        }
    }
}

/// One person's series, rows in file order (times strictly increasing).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSeries {
    pub id: Id,
    /// 0 or 1: rties' partner indicator (`dist1`).
    pub dist: u8,
    pub time: Vec<f64>,
    /// `None` where the value is missing.
    pub value: Vec<Option<f64>>,
    /// 1-based file line of each row, for messages.
    pub line: Vec<u64>,
}

/// A dyad: two persons with equally long series. `persons` is in rties' order: sorted by
/// person id (R's `order(person)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dyad {
    pub id: Id,
    pub persons: [PersonSeries; 2],
}

impl Dyad {
    /// Index (0 or 1 in `persons`) of the partner with `dist == d`.
    pub fn by_dist(&self, d: u8) -> usize {
        if self.persons[0].dist == d { 0 } else { 1 }
    }
}

/// The whole file, dyads in rties' order (first appearance in person-sorted rows).
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub dyads: Vec<Dyad>,
}

/// The largest magnitude accepted for a time or a value: 1e100. The fits square and multiply
/// these numbers (detrending, the cross-correlation, the QR's column norms, R²), and a value
/// near 1e154 overflows to infinity when squared, which used to come back as every coefficient
/// missing with no word why. Below 1e100, every product and sum of squares of any file that fits
/// in memory stays finite (10¹² rows of (2·10¹⁰⁰)² is 4·10²¹²), and no measurement or clock
/// comes near it.
pub const MAX_MAGNITUDE: f64 = 1e100;

fn parse_num(s: &str) -> Option<f64> {
    let t = trim(s);
    // Whole numbers (times, identifiers) of up to 15 digits are exact in an f64: read them
    // digit by digit, which is what `parse` returns for them, at a fraction of its cost.
    let b = t.as_bytes();
    if !b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')) as f64);
    }
    t.parse::<f64>().ok()
}

/// `str::trim`, without its character-by-character walk when the field neither begins nor ends
/// with whitespace (the usual case: an ASCII byte that is not whitespace cannot start or end a
/// whitespace character).
fn trim(s: &str) -> &str {
    let clean = |c: Option<&u8>| c.is_some_and(u8::is_ascii_graphic);
    if clean(s.as_bytes().first()) && clean(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

fn is_missing(s: &str) -> bool {
    matches!(trim(s).as_bytes(), [] | [b'N', b'A'])
}

struct RawPerson {
    id: String,
    dyad: String,
    dist: u8,
    first_line: u64,
    time: Vec<f64>,
    value: Vec<Option<f64>>,
    line: Vec<u64>,
}

/// What the reader needs of a CSV layer: [`Rows`] (any CSV), or [`PlainRows`] (a text with no
/// quote character, where a record is a line and a field what lies between commas).
trait Records<'a> {
    fn advance(&mut self) -> bool;
    fn is_blank(&self) -> bool;
    fn line(&mut self) -> u64;
    fn fields(&self) -> usize;
    fn unterminated_quote(&self) -> bool;
    /// Field `i` as text (`None` when it is not UTF-8, or past the fields located).
    fn text(&self, i: usize) -> Option<&str>;
    /// From the next record on, only fields `0..need` are read with [`Records::text`] (the
    /// others are still counted by [`Records::fields`]).
    fn locate(&mut self, _need: usize) {}
}

impl<'a> Records<'a> for Rows<'a> {
    fn advance(&mut self) -> bool {
        Rows::advance(self)
    }
    fn is_blank(&self) -> bool {
        Rows::is_blank(self)
    }
    fn line(&mut self) -> u64 {
        Rows::line(self)
    }
    fn fields(&self) -> usize {
        Rows::fields(self)
    }
    fn unterminated_quote(&self) -> bool {
        Rows::unterminated_quote(self)
    }
    fn text(&self, i: usize) -> Option<&str> {
        std::str::from_utf8(self.get(i)).ok()
    }
}

/// The records of a CSV text that holds no `"` at all, read directly: without quotes, CSV is
/// lines (ended by LF, CRLF or CR, blank lines skipped, as the `csv` crate's parser does) split
/// at commas, so no parser state and no copy of each field is needed — the fields are slices of
/// the text, already known to be UTF-8. Physical line numbers are counted as [`Rows`] counts them
/// (LF only). In the profile of `closer series` on rties' example data (docs/research.md,
/// "Speed") the general parser, its line counting and the UTF-8 checks took about a third of
/// the process's CPU; this layer does less work per byte. The test
/// `plain_rows_read_every_quote_free_text_as_the_csv_parser_does` holds the two layers equal.
struct PlainRows<'a> {
    text: &'a str,
    pos: usize,
    start: usize,
    /// Byte offset (in the text) where each of the first `need` fields of the current record
    /// ends.
    ends: Vec<usize>,
    /// Fields in the current record (all of them counted, only the first `need` located).
    count: usize,
    /// How many leading fields are located (the rest are only counted): every field for the
    /// header, then up to the last chosen column.
    need: usize,
    /// The physical line of the current record (line breaks are counted as they are skipped).
    line_no: u64,
}

impl<'a> PlainRows<'a> {
    fn new(text: &'a str) -> PlainRows<'a> {
        PlainRows {
            text,
            pos: 0,
            start: 0,
            ends: Vec::with_capacity(32),
            count: 0,
            need: usize::MAX,
            line_no: 1,
        }
    }
}

impl<'a> Records<'a> for PlainRows<'a> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        // A record holds no line break, so the breaks before it are the ones skipped here.
        while i < bytes.len() && matches!(bytes[i], b'\n' | b'\r') {
            self.line_no += u64::from(bytes[i] == b'\n');
            i += 1;
        }
        if i >= bytes.len() {
            self.pos = i;
            return false;
        }
        self.start = i;
        self.ends.clear();
        // The record ends at the next line break (found by `memchr`, many bytes at a time); its
        // first `need` fields are located comma by comma, and the commas after them only
        // counted (a loop the compiler vectorises), so a wide file costs little per unused
        // column.
        let end = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |k| i + k);
        let line = &bytes[i..end];
        let mut k = 0;
        while self.ends.len() < self.need {
            // Fields are short: a plain scan finds the next comma sooner than a call would.
            match line[k..].iter().position(|&b| b == b',') {
                Some(p) => {
                    k += p;
                    self.ends.push(i + k);
                    k += 1;
                }
                None => {
                    self.ends.push(end);
                    break;
                }
            }
        }
        self.count = if self.ends.last() == Some(&end) {
            self.ends.len()
        } else {
            // `need` fields located, each ended by a comma: the rest are counted.
            self.ends.len()
                + 1
                + line[k..]
                    .iter()
                    .fold(0usize, |n, &b| n + usize::from(b == b','))
        };
        self.pos = end;
        true
    }
    fn is_blank(&self) -> bool {
        self.count == 1
            && self.text.as_bytes()[self.start..self.pos]
                .trim_ascii()
                .is_empty()
    }
    fn line(&mut self) -> u64 {
        self.line_no
    }
    fn fields(&self) -> usize {
        self.count
    }
    fn unterminated_quote(&self) -> bool {
        false
    }
    fn locate(&mut self, need: usize) {
        self.need = need.max(1);
    }
    fn text(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            self.start
        } else {
            self.ends[i - 1] + 1
        };
        self.text.get(start..end)
    }
}

/// Reads and checks a series file. `file` names it in messages.
pub fn parse(file: &str, text: &str, cols: &Columns) -> Result<SeriesData, InputError> {
    // Spreadsheet programs often begin a CSV with a UTF-8 byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One CSV layer for every reader (closer_domain::csv_rows): quoted fields may hold commas
    // and newlines, and line numbers are physical lines, also in CRLF files. A text without a
    // single quote character is read by the faster plain layer, which reads it identically.
    if text.as_bytes().contains(&b'"') {
        parse_records(file, Rows::new(text.as_bytes()), cols)
    } else {
        parse_records(file, PlainRows::new(text), cols)
    }
}

fn parse_records<'a>(
    file: &str,
    mut records: impl Records<'a>,
    cols: &Columns,
) -> Result<SeriesData, InputError> {
    let err = |line: u64, field: &str, msg: String| {
        InputError::new(file, msg).at(line).field(field.to_string())
    };
    let header = loop {
        if !records.advance() {
            return Err(InputError::new(
                file,
                "the file is empty: expected a header line and one row per person per time point",
            ));
        }
        if !records.is_blank() {
            break records.line();
        }
    };
    let too_large = |line: u64, field: &str, found: &str| {
        err(
            line,
            field,
            format!(
                "expected a number no larger than 1e100 in size, found {:?}: numbers this large overflow when the fits square them",
                found.trim()
            ),
        )
    };
    let names: Vec<String> = (0..records.fields())
        .map(|i| {
            records
                .text(i)
                .map(|s| s.trim().to_string())
                .ok_or_else(|| err(header, "header", "expected UTF-8 text".into()))
        })
        .collect::<Result<_, _>>()?;
    let find = |name: &str, flag: &str| -> Result<usize, InputError> {
        names.iter().position(|h| h == name).ok_or_else(|| {
            err(
                header,
                name,
                format!(
                    "no column named `{name}` (chosen by {flag}); the header has: {}",
                    names.join(", ")
                ),
            )
        })
    };
    let c_dyad = find(&cols.dyad, "--dyad-col")?;
    let c_person = find(&cols.person, "--person-col")?;
    let c_time = find(&cols.time, "--time-col")?;
    let c_value = find(&cols.value, "--value-col")?;
    let c_dist = find(&cols.partner, "--partner-col")?;
    let want = [
        (c_dyad, &cols.dyad),
        (c_person, &cols.person),
        (c_time, &cols.time),
        (c_value, &cols.value),
        (c_dist, &cols.partner),
    ];
    records.locate(want.iter().map(|w| w.0).max().unwrap_or(0) + 1);

    let mut persons: Vec<RawPerson> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut rows = 0usize;
    let mut last: Option<usize> = None;
    while records.advance() {
        if records.is_blank() {
            continue;
        }
        let ln = records.line();
        if records.unterminated_quote() {
            return Err(InputError::new(file, closer_domain::moves_csv::UNTERMINATED).at(ln));
        }
        let count = records.fields();
        if count != names.len() {
            return Err(InputError::new(
                file,
                format!(
                    "expected {} fields as in the header, found {}",
                    names.len(),
                    count
                ),
            )
            .at(ln));
        }
        // Only the five chosen columns are looked at.
        let mut picked: [&str; 5] = [""; 5];
        for (slot, &(c, name)) in picked.iter_mut().zip(&want) {
            *slot = records
                .text(c)
                .ok_or_else(|| err(ln, name, "expected UTF-8 text".into()))?;
        }
        rows += 1;
        let [f_dyad, f_person, f_time, f_value, f_dist] = picked;
        let dyad = trim(f_dyad);
        let person = trim(f_person);
        if dyad.is_empty() || dyad == "NA" {
            return Err(err(
                ln,
                &cols.dyad,
                "expected a dyad identifier, found nothing".into(),
            ));
        }
        if person.is_empty() || person == "NA" {
            return Err(err(
                ln,
                &cols.person,
                "expected a person identifier, found nothing".into(),
            ));
        }
        let t = parse_num(f_time).filter(|t| t.is_finite()).ok_or_else(|| {
            err(
                ln,
                &cols.time,
                format!("expected a finite number, found {:?}", f_time.trim()),
            )
        })?;
        if t.abs() > MAX_MAGNITUDE {
            return Err(too_large(ln, &cols.time, f_time));
        }
        let v = if is_missing(f_value) {
            None
        } else {
            Some(
                parse_num(f_value)
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        err(
                            ln,
                            &cols.value,
                            format!(
                                "expected a finite number (or an empty field / NA for a missing value), found {:?}",
                                f_value.trim()
                            ),
                        )
                    })?,
            )
        };
        if v.is_some_and(|v| v.abs() > MAX_MAGNITUDE) {
            return Err(too_large(ln, &cols.value, f_value));
        }
        let d = match trim(f_dist).as_bytes() {
            [b'0'] | [b'0', b'.', b'0'] => 0u8,
            [b'1'] | [b'1', b'.', b'0'] => 1u8,
            _ => {
                return Err(err(
                    ln,
                    &cols.partner,
                    format!(
                        "expected 0 or 1 to tell the two partners apart, found {:?}",
                        f_dist.trim()
                    ),
                ));
            }
        };
        // Rows of one person usually come together: check the previous person first.
        let cached = last.filter(|&k| persons[k].id == person);
        let k = match cached.or_else(|| index.get(person).copied()) {
            Some(k) => k,
            None => {
                // Persons' series are usually equally long: room for as many rows as the
                // previous person had saves growing the vectors row by row.
                let room = persons.last().map_or(0, |p| p.time.len());
                persons.push(RawPerson {
                    id: person.to_string(),
                    dyad: dyad.to_string(),
                    dist: d,
                    first_line: ln,
                    time: Vec::with_capacity(room),
                    value: Vec::with_capacity(room),
                    line: Vec::with_capacity(room),
                });
                index.insert(person.to_string(), persons.len() - 1);
                persons.len() - 1
            }
        };
        last = Some(k);
        let p = &mut persons[k];
        if p.dyad != dyad {
            return Err(err(
                ln,
                &cols.dyad,
                format!(
                    "person {person} is in dyad {} (line {}) and here in dyad {dyad}; a person belongs to one dyad",
                    p.dyad, p.first_line
                ),
            ));
        }
        if p.dist != d {
            return Err(err(
                ln,
                &cols.partner,
                format!(
                    "person {person} has {} = {} on line {} and {d} here; it must be constant within a person",
                    cols.partner, p.dist, p.first_line
                ),
            ));
        }
        if let (Some(&prev), Some(&pl)) = (p.time.last(), p.line.last())
            && t <= prev
        {
            return Err(err(
                ln,
                &cols.time,
                format!(
                    "times must increase within a person: person {person} has {t} here after {prev} on line {pl}"
                ),
            ));
        }
        p.time.push(t);
        p.value.push(v);
        p.line.push(ln);
    }
    if rows == 0 {
        return Err(InputError::new(file, "the file has a header but no rows").at(header));
    }

    let person_num = persons.iter().all(|p| parse_num(&p.id).is_some());
    let dyad_num = persons.iter().all(|p| parse_num(&p.dyad).is_some());
    let mk = |s: &str, numeric: bool| Id {
        text: s.to_string(),
        num: if numeric { parse_num(s) } else { None },
    };

    // rties' order: rows sorted by person id (stable), dyads in order of first appearance.
    let mut order: Vec<usize> = (0..persons.len()).collect();
    let pid: Vec<Id> = persons.iter().map(|p| mk(&p.id, person_num)).collect();
    order.sort_by(|&a, &b| pid[a].cmp_r(&pid[b]));
    let mut dyad_order: Vec<String> = Vec::new();
    let mut members: std::collections::HashMap<String, Vec<usize>> =
        std::collections::HashMap::new();
    for &k in &order {
        let d = &persons[k].dyad;
        let e = members.entry(d.clone()).or_default();
        if e.is_empty() {
            dyad_order.push(d.clone());
        }
        e.push(k);
    }
    let mut slots: Vec<Option<RawPerson>> = persons.into_iter().map(Some).collect();
    let mut dyads = Vec::with_capacity(dyad_order.len());
    for d in dyad_order {
        let ks = members.remove(&d).unwrap_or_default();
        let first_line = ks
            .iter()
            .filter_map(|&k| slots[k].as_ref().map(|p| p.first_line))
            .min()
            .unwrap_or(0);
        if ks.len() != 2 {
            return Err(err(
                first_line,
                &cols.dyad,
                format!(
                    "dyad {d} has {} person(s); each dyad needs exactly two, one with {} = 0 and one with {} = 1",
                    ks.len(),
                    cols.partner,
                    cols.partner
                ),
            ));
        }
        let mut two: Vec<PersonSeries> = Vec::with_capacity(2);
        for &k in &ks {
            if let Some(p) = slots[k].take() {
                two.push(PersonSeries {
                    id: pid[k].clone(),
                    dist: p.dist,
                    time: p.time,
                    value: p.value,
                    line: p.line,
                });
            }
        }
        let (Some(b), Some(a)) = (two.pop(), two.pop()) else {
            continue;
        };
        if a.dist == b.dist {
            return Err(err(
                first_line,
                &cols.partner,
                format!(
                    "both persons of dyad {d} ({} and {}) have {} = {}; one partner must be 0 and the other 1",
                    a.id.text, b.id.text, cols.partner, a.dist
                ),
            ));
        }
        if a.time.len() != b.time.len() {
            return Err(err(
                first_line,
                &cols.person,
                format!(
                    "the two partners of dyad {d} have series of unequal length ({} has {} rows, {} has {}); rties needs equal lengths",
                    a.id.text,
                    a.time.len(),
                    b.id.text,
                    b.time.len()
                ),
            ));
        }
        dyads.push(Dyad {
            id: mk(&d, dyad_num),
            persons: [a, b],
        });
    }
    Ok(SeriesData { dyads })
}

/// Residuals of an ordinary least-squares line of value on time, per person; missing values
/// stay missing (R's `lm(obs ~ time, na.action = na.exclude)`).
pub fn detrend(time: &[f64], value: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut n = 0.0;
    let (mut st, mut sv) = (0.0, 0.0);
    for (t, v) in time.iter().zip(value) {
        if let Some(v) = v {
            n += 1.0;
            st += t;
            sv += v;
        }
    }
    if n == 0.0 {
        return value.to_vec();
    }
    let (mt, mv) = (st / n, sv / n);
    let (mut stt, mut stv) = (0.0, 0.0);
    for (t, v) in time.iter().zip(value) {
        if let Some(v) = v {
            stt += (t - mt) * (t - mt);
            stv += (t - mt) * (v - mv);
        }
    }
    // One observed time (or all equal): the line is flat at the mean, as R's rank-deficient
    // fit gives.
    let slope = if stt > 0.0 { stv / stt } else { 0.0 };
    time.iter()
        .zip(value)
        .map(|(t, v)| v.map(|v| v - mv - slope * (t - mt)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HDR: &str = "couple,person,dial,time,female\n";

    fn p(text: &str) -> Result<SeriesData, InputError> {
        parse("s.csv", text, &Columns::default())
    }

    #[test]
    fn reads_and_orders_like_rties() {
        let t = format!("{HDR}7,507,1,1,0\n7,507,2,2,0\n7,7,3,1,1\n7,7,,2,1\n");
        let d = p(&t).unwrap();
        assert_eq!(d.dyads.len(), 1);
        assert_eq!(d.dyads[0].persons[0].id.text, "7");
        assert_eq!(d.dyads[0].persons[0].value, vec![Some(3.0), None]);
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = p(&format!("{HDR}7,7,x,1,1\n")).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("dial")));
        let e = p(&format!("{HDR}7,7,NaN,1,1\n")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("dial"));
        let e = p(&format!("{HDR}7,7,1,2,1\n7,7,1,1,1\n")).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("time")));
        let e = p("").unwrap_err();
        assert!(e.message.contains("empty"));
        let e = parse(
            "s.csv",
            &format!("{HDR}7,7,1,1,1\n"),
            &Columns {
                value: "mood".into(),
                ..Columns::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("mood"));
        let e = p(&format!("{HDR}7,7,1,1,1\n")).unwrap_err();
        assert!(e.message.contains("exactly two"));
        let e = p(&format!("{HDR}7,7,1,1,1\n7,507,1,1,0\n7,507,1,2,0\n")).unwrap_err();
        assert!(e.message.contains("unequal"));
    }

    /// A quoted newline in another column used to be refused ("expected 6 fields, found 1"),
    /// and CRLF files or rows after a quoted newline must still be named by their physical line.
    #[test]
    fn quoted_newlines_and_crlf_keep_physical_lines() {
        let t = "couple,person,dial,time,female,note\r\n7,507,1,1,0,\"two\r\nlines\"\r\n7,507,2,2,0,x\r\n7,7,3,1,1,y\r\n7,7,4,2,1,z\r\n";
        let d = p(t).unwrap();
        assert_eq!(d.dyads[0].persons[1].value, vec![Some(1.0), Some(2.0)]);
        assert_eq!(d.dyads[0].persons[1].line, vec![2, 4]);
        assert_eq!(d.dyads[0].persons[0].line, vec![5, 6]);
        let bad = "couple,person,dial,time,female,note\r\n7,507,1,1,0,\"two\nlines\"\r\n\r\n7,507,x,2,0,x\r\n";
        let e = p(bad).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(5), Some("dial")), "{e}");
        let e = p("couple,person,dial,time,female\r\n7,7,1,1,1\r\n7,7,1,1\r\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }

    #[test]
    fn quoted_fields_are_read() {
        let t = "\"couple\",person,dial,time,female,note\n\"7\",507,1,1,0,\"a, b\"\n7,507,2,2,0,x\n7,7,3,1,1,\"say \"\"hi\"\"\"\n7,7,4,2,1,y\n";
        let d = p(t).unwrap();
        assert_eq!(d.dyads[0].persons[1].value, vec![Some(1.0), Some(2.0)]);
        let e = p("couple,person,dial,time,female\n7,7,\"1,2\",1\n").unwrap_err();
        assert!(e.message.contains("expected 5 fields"));
    }

    /// Values near 1e154 overflow when squared: they used to come back as a dyad with every
    /// coefficient missing and rank 6, with no word why. Now the reader refuses them, naming the
    /// line and the field; 1e100 (the largest accepted) still reads.
    #[test]
    fn values_and_times_too_large_to_square_are_refused_by_line_and_field() {
        for (row, line, field) in [
            ("7,7,2e154,2,1", 3, "dial"),
            ("7,7,-1e200,2,1", 3, "dial"),
            ("7,7,1.0000001e100,2,1", 3, "dial"),
            ("7,7,1,1e155,1", 3, "time"),
        ] {
            let t = format!("{HDR}7,7,1,1,1\n{row}\n7,507,1,1,0\n7,507,2,2,0\n");
            let e = p(&t).unwrap_err();
            assert_eq!(
                (e.line, e.field.as_deref()),
                (Some(line), Some(field)),
                "{row}: {e}"
            );
            assert!(e.message.contains("overflow"), "{e}");
            assert_eq!(e.file, "s.csv");
        }
        let d = p(&format!(
            "{HDR}7,7,1e100,1,1\n7,7,-1e100,2,1\n7,507,1,1,0\n7,507,2,2,0\n"
        ))
        .unwrap();
        assert_eq!(d.dyads[0].persons[0].value, vec![Some(1e100), Some(-1e100)]);
    }

    /// Every record, field, blank-line decision and physical line number of the plain layer
    /// equals the CSV parser's on quote-free texts with the awkward cases: CRLF, lone CR, blank
    /// and space-only lines, empty and trailing fields, no final line break, a BOM-free start
    /// with blank lines, non-ASCII text.
    #[test]
    fn plain_rows_read_every_quote_free_text_as_the_csv_parser_does() {
        let texts = [
            "a,b,c\n1,2,3\n4,5,6\n",
            "a,b,c\r\n1,2,3\r\n\r\n4,5,6",
            "\n\n a , b \n1,,3\n,,\n   \n\t\n7,8,9,\n",
            "x\ry\rz\r\n\rw\n",
            "é,ü\n1,2\n",
            "",
            "\n\r\n",
            "only",
            "a,b\n1,2\n3",
        ];
        for t in texts {
            let mut a = Rows::new(t.as_bytes());
            let mut b = PlainRows::new(t);
            loop {
                let (x, y) = (Records::advance(&mut a), b.advance());
                assert_eq!(x, y, "{t:?}");
                if !x {
                    break;
                }
                assert_eq!(Records::fields(&a), b.fields(), "{t:?}");
                assert_eq!(Records::is_blank(&a), b.is_blank(), "{t:?}");
                assert_eq!(Records::line(&mut a), b.line(), "{t:?}");
                for i in 0..=b.fields() {
                    let want = if i < b.fields() {
                        Records::text(&a, i)
                    } else {
                        None
                    };
                    assert_eq!(want, b.text(i), "{t:?} field {i}");
                }
            }
            // Locating only the first `need` fields (as the reader does after the header)
            // counts the same fields and reads the located ones the same.
            for need in 1..=4 {
                let mut a = Rows::new(t.as_bytes());
                let mut b = PlainRows::new(t);
                b.locate(need);
                while Records::advance(&mut a) {
                    assert!(b.advance(), "{t:?}");
                    assert_eq!(Records::fields(&a), b.fields(), "{t:?} need {need}");
                    assert_eq!(Records::is_blank(&a), b.is_blank(), "{t:?} need {need}");
                    assert_eq!(Records::line(&mut a), b.line(), "{t:?} need {need}");
                    for i in 0..need.min(b.fields()) {
                        assert_eq!(Records::text(&a, i), b.text(i), "{t:?} {need} {i}");
                    }
                }
                assert!(!b.advance(), "{t:?}");
            }
        }
        // The shortcuts of the number reader give what `str::trim` and `str::parse` give.
        for f in [
            "1",
            "007",
            "123456789012345",
            "1234567890123456",
            " 12",
            "12 ",
            "\u{b}3\u{b}",
            "\u{a0}4",
            "-5",
            "+6",
            "2.5",
            "1e3",
            "",
            "NA",
            " NA ",
            "x",
        ] {
            assert_eq!(trim(f), f.trim(), "{f:?}");
            assert_eq!(parse_num(f), f.trim().parse::<f64>().ok(), "{f:?}");
        }
        // The example data read through both layers gives the same dyads.
        let shared = std::env::var("CLOSER_SHARED").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared").to_string()
        });
        let path = format!("{shared}/data/rties/rties_ExampleDataShort.csv");
        let text = std::fs::read_to_string(&path).expect("shared rties example data");
        assert!(!text.contains('"'));
        let plain = parse("s.csv", &text, &Columns::default()).unwrap();
        let general =
            parse_records("s.csv", Rows::new(text.as_bytes()), &Columns::default()).unwrap();
        assert_eq!(plain, general);
        assert!(plain.dyads.len() >= 10);
    }

    #[test]
    fn detrend_removes_a_line_and_keeps_missing() {
        let t = [1.0, 2.0, 3.0, 4.0];
        let v = [Some(1.0), Some(3.0), None, Some(7.0)];
        let r = detrend(&t, &v);
        assert!(r[2].is_none());
        for x in [r[0], r[1], r[3]] {
            assert!(x.unwrap().abs() < 1e-12);
        }
    }
}
