//! Reading a responses CSV (DESIGN.md §10): one row per respondent, item columns `Q1..Qn` in
//! the order's published order, other columns ignored.
//!
//! Pure: the caller reads the file and passes its text and name, so errors can name the file,
//! the line and the column. Missing answers are accepted only where declared (`--missing`);
//! anything else that is not a whole number on the declared scale is an error, so a typo never
//! becomes a score.

use closer_domain::InputError;

/// The answer stored for a missing item.
pub const MISSING: i16 = i16::MIN;

/// Answers of many respondents, row-major, on one declared scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Responses {
    /// Number of item columns per row.
    pub items: usize,
    /// The answer scale the file was administered on.
    pub scale: [i32; 2],
    /// `rows × items` answers; [`MISSING`] where declared missing.
    pub answers: Vec<i16>,
    /// The file line of each row (1-based; the header is line 1).
    pub lines: Vec<u64>,
}

impl Responses {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The answers of row `r`.
    pub fn row(&self, r: usize) -> &[i16] {
        &self.answers[r * self.items..(r + 1) * self.items]
    }

    /// The highest answer given anywhere in the file (missing answers aside); `None` when
    /// nothing was answered. Below the top of the declared scale it may mean the form was
    /// answered on a shorter scale than declared (the ECR on 1–5 read as 1–7).
    pub fn highest_answer(&self) -> Option<i16> {
        self.answers.iter().copied().filter(|&a| a != MISSING).max()
    }

    /// Builds responses from rows of answers (`None` = missing), for tests and callers that
    /// already hold numbers.
    pub fn from_rows(items: usize, scale: [i32; 2], rows: &[Vec<Option<i16>>]) -> Responses {
        let mut answers = Vec::with_capacity(rows.len() * items);
        for r in rows {
            for j in 0..items {
                answers.push(r.get(j).copied().flatten().unwrap_or(MISSING));
            }
        }
        Responses {
            items,
            scale,
            answers,
            lines: (0..rows.len() as u64).map(|i| i + 2).collect(),
        }
    }
}

/// Parses `text` (the contents of `file`) with `items` item columns on `scale`; cells equal to
/// `missing` (after trimming) are missing answers.
///
/// Refused: a header with item columns beyond `Q{items}` (a longer form scored with a shorter
/// form's key would be scored silently and wrongly; see [`parse_with`] to allow it when the
/// mapping is explicit), and a missing-answer code that is also a valid answer on `scale`.
pub fn parse(
    file: &str,
    text: &str,
    items: usize,
    scale: [i32; 2],
    missing: Option<&str>,
) -> Result<Responses, InputError> {
    parse_with(file, text, items, scale, missing, false)
}

/// The item columns `Qk` with k > `items` in a header, in header order.
fn extra_item_columns(headers: &csv::ByteRecord, items: usize) -> Vec<String> {
    headers
        .iter()
        .filter_map(|h| {
            let h = std::str::from_utf8(h).ok()?;
            let rest = h.strip_prefix('Q').or_else(|| h.strip_prefix('q'))?;
            let k: usize = rest.parse().ok()?;
            (rest.bytes().all(|b| b.is_ascii_digit()) && k > items).then(|| h.to_string())
        })
        .collect()
}

/// As [`parse`]; with `extra_items_explicit`, item columns beyond `Q{items}` are ignored (the
/// caller has said that `Q1..Q{items}` hold this instrument's items in its order).
pub fn parse_with(
    file: &str,
    text: &str,
    items: usize,
    scale: [i32; 2],
    missing: Option<&str>,
    extra_items_explicit: bool,
) -> Result<Responses, InputError> {
    if let Some(m) = missing.map(str::trim)
        && let Ok(v) = m.parse::<i32>()
        && v >= scale[0]
        && v <= scale[1]
    {
        return Err(InputError::new(
            file,
            format!(
                "the missing-answer code `{m}` is also a valid answer on the {}–{} scale, so a real answer of {v} would be read as missing; expected a code outside {}–{} (for example NA, an empty cell with --missing '', or a number such as {})",
                scale[0],
                scale[1],
                scale[0],
                scale[1],
                if scale[0] > 0 { 0 } else { scale[1] + 1 }
            ),
        )
        .field("--missing"));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .byte_headers()
        .map_err(|e| InputError::new(file, format!("cannot read the header: {e}")).at(1))?
        .clone();
    let mut cols = Vec::with_capacity(items);
    for q in 1..=items {
        let want = format!("Q{q}");
        let found = headers
            .iter()
            .position(|h| std::str::from_utf8(h).is_ok_and(|h| h.eq_ignore_ascii_case(&want)));
        match found {
            Some(c) => cols.push(c),
            None => {
                return Err(InputError::new(
                    file,
                    format!(
                        "expected item columns Q1..Q{items} in the header (one per item, in the published order); `{want}` is missing"
                    ),
                )
                .at(1)
                .field(want));
            }
        }
    }
    let extra = extra_item_columns(&headers, items);
    if !extra.is_empty() && !extra_items_explicit {
        let shown = if extra.len() > 6 {
            format!(
                "{} … {} ({} columns)",
                extra[..3].join(", "),
                extra[extra.len() - 1],
                extra.len()
            )
        } else {
            extra.join(", ")
        };
        return Err(InputError::new(
            file,
            format!(
                "the header has item columns beyond Q{items}: {shown}; this instrument has {items} items, so expected Q1..Q{items}. Answers to a longer form scored with a shorter form's key give wrong scores. Score the file with the instrument it was answered on, or, if Q1..Q{items} really hold this instrument's items in its order and the other columns are something else, add --ignore-extra-items"
            ),
        )
        .at(1)
        .field(extra[0].clone()));
    }
    let missing = missing.map(str::trim);
    let mut answers = Vec::new();
    let mut lines = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        let more = rdr.read_byte_record(&mut rec).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let mut ie = InputError::new(file, format!("not a well-formed CSV row: {e}"));
            if line > 0 {
                ie = ie.at(line);
            }
            ie
        })?;
        if !more {
            break;
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        for (q, &c) in cols.iter().enumerate() {
            let cell = rec.get(c).unwrap_or(b"");
            let cell = std::str::from_utf8(cell).unwrap_or("\u{fffd}");
            if missing == Some(cell) {
                answers.push(MISSING);
                continue;
            }
            let bad = || {
                let declared = match missing {
                    Some(m) => format!(", or `{m}` for a missing answer"),
                    None => String::from(" (declare a missing-answer code with --missing)"),
                };
                InputError::new(
                    file,
                    format!(
                        "expected a whole number from {} to {}{declared}; found {cell:?}",
                        scale[0], scale[1]
                    ),
                )
                .at(line)
                .field(format!("Q{}", q + 1))
            };
            let v: i32 = cell.parse().map_err(|_| bad())?;
            if v < scale[0] || v > scale[1] {
                return Err(bad());
            }
            answers.push(v as i16);
        }
        lines.push(line);
    }
    Ok(Responses {
        items,
        scale,
        answers,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_item_columns_by_name_and_ignores_others() {
        let t = "id,Q2,Q1,age\nx,3,4,30\ny,1,0,31\n";
        let r = parse("f.csv", t, 2, [1, 5], Some("0")).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.row(0), &[4, 3]);
        assert_eq!(r.row(1), &[MISSING, 1]);
        assert_eq!(r.lines, vec![2, 3]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let t = "Q1,Q2\n1,2\n3,9\n";
        let e = parse("f.csv", t, 2, [1, 7], None).unwrap_err();
        assert_eq!(e.file, "f.csv");
        assert_eq!(e.line, Some(3));
        assert_eq!(e.field.as_deref(), Some("Q2"));
        let e = parse("f.csv", "Q1,Q2\n1,x\n", 2, [1, 7], Some("NA")).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("Q2")));
        assert!(e.message.contains("\"x\""), "{}", e.message);
        // An empty cell is an error unless declared missing.
        let e = parse("f.csv", "Q1,Q2\n1,\n", 2, [1, 7], None).unwrap_err();
        assert_eq!(e.line, Some(2));
        let ok = parse("f.csv", "Q1,Q2\n1,\n", 2, [1, 7], Some("")).unwrap();
        assert_eq!(ok.row(0), &[1, MISSING]);
        let e = parse("f.csv", "Q1,Q3\n1,2\n", 2, [1, 7], None).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(1), Some("Q2")));
        let e = parse("f.csv", "Q1,Q2\n1.5,2\n", 2, [1, 7], None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("Q1"));
    }

    #[test]
    fn extra_item_columns_are_refused_unless_explicit() {
        let t = "id,Q1,Q2,Q3,Q4,Q10,Quality\nx,1,2,3,4,5,7\n";
        let e = parse("f.csv", t, 2, [1, 7], None).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("f.csv", Some(1)));
        assert_eq!(e.field.as_deref(), Some("Q3"));
        assert!(e.message.contains("Q3, Q4, Q10"), "{}", e.message);
        assert!(e.message.contains("expected Q1..Q2"), "{}", e.message);
        assert!(e.message.contains("--ignore-extra-items"), "{}", e.message);
        // `Quality` is not an item column; with the flag, Q1..Q2 are read.
        let r = parse_with("f.csv", t, 2, [1, 7], None, true).unwrap();
        assert_eq!(r.row(0), &[1, 2]);
        assert!(parse("f.csv", "Q1,Q2,Quality\n1,2,3\n", 2, [1, 7], None).is_ok());
    }

    #[test]
    fn highest_answer_skips_missing() {
        let r = parse("f.csv", "Q1,Q2\n1,NA\n5,2\n", 2, [1, 7], Some("NA")).unwrap();
        assert_eq!(r.highest_answer(), Some(5));
        let r = parse("f.csv", "Q1\nNA\n", 1, [1, 7], Some("NA")).unwrap();
        assert_eq!(r.highest_answer(), None);
    }

    #[test]
    fn a_missing_code_that_is_a_valid_answer_is_refused() {
        for m in ["3", " 1", "7"] {
            let e = parse("f.csv", "Q1,Q2\n1,2\n", 2, [1, 7], Some(m)).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("--missing"));
            assert!(e.message.contains("also a valid answer"), "{}", e.message);
        }
        assert!(parse("f.csv", "Q1,Q2\n1,0\n", 2, [1, 7], Some("0")).is_ok());
        assert!(parse("f.csv", "Q1,Q2\n1,8\n", 2, [1, 7], Some("8")).is_ok());
        // On 0–4, 0 is an answer.
        assert!(parse("f.csv", "Q1,Q2\n1,0\n", 2, [0, 4], Some("0")).is_err());
    }
}
