//! Reading a responses CSV (DESIGN.md §10): one row per respondent, item columns `Q1..Qn` in
//! the order's published order, other columns ignored.
//!
//! Pure: the caller reads the file and passes its text and name, so errors can name the file,
//! the line and the column. Missing answers are accepted only where declared (`--missing`);
//! anything else that is not a whole number on the declared scale is an error, so a typo never
//! becomes a score.

use closer_domain::InputError;
use closer_domain::csv_rows::Rows;
use closer_domain::moves_csv::UNTERMINATED;

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
fn extra_item_columns(headers: &[String], items: usize) -> Vec<String> {
    headers
        .iter()
        .filter_map(|h| {
            let rest = h.strip_prefix('Q').or_else(|| h.strip_prefix('q'))?;
            let k: usize = rest.parse().ok()?;
            (rest.bytes().all(|b| b.is_ascii_digit()) && k > items).then(|| h.clone())
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
    // The one CSV layer (`closer_domain::csv_rows`): physical line numbers in CRLF files and
    // after quoted line breaks; fields are trimmed, a byte-order mark is skipped.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Rows::of_text(text);
    let (headers, header_line): (Vec<String>, u64) = loop {
        if !rows.advance() {
            break (Vec::new(), 1);
        }
        if !rows.is_blank() {
            let line = rows.line();
            if rows.unterminated_quote() {
                return Err(InputError::new(file, UNTERMINATED).at(line));
            }
            let names = (0..rows.fields())
                .map(|i| String::from_utf8_lossy(rows.get(i)).trim().to_string())
                .collect();
            break (names, line);
        }
    };
    let mut cols = Vec::with_capacity(items);
    for q in 1..=items {
        let want = format!("Q{q}");
        let found = headers.iter().position(|h| h.eq_ignore_ascii_case(&want));
        match found {
            Some(c) => cols.push(c),
            None => {
                return Err(InputError::new(
                    file,
                    format!(
                        "expected item columns Q1..Q{items} in the header (one per item, in the published order); `{want}` is missing"
                    ),
                )
                .at(header_line)
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
        .at(header_line)
        .field(extra[0].clone()));
    }
    let missing = missing.map(str::trim);
    let mut answers = Vec::new();
    let mut lines = Vec::new();
    while rows.advance() {
        if rows.is_blank() {
            continue;
        }
        let line = rows.line();
        if rows.unterminated_quote() {
            return Err(InputError::new(file, UNTERMINATED).at(line));
        }
        if rows.fields() != headers.len() {
            return Err(InputError::new(
                file,
                format!(
                    "expected {} fields like the header, found {}",
                    headers.len(),
                    rows.fields()
                ),
            )
            .at(line));
        }
        let cell_of = |c: usize| rows.get_str(c).map_or("\u{fffd}", str::trim);
        // A row of empty cells (`,,,`) is no respondent.
        if (0..rows.fields()).all(|c| cell_of(c).is_empty()) {
            continue;
        }
        for (q, &c) in cols.iter().enumerate() {
            let cell = cell_of(c);
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
            // Scales are within -1000..=1000 (the CLI's bounds), so this never refuses.
            answers.push(i16::try_from(v).map_err(|_| bad())?);
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

    /// Error lines are physical lines: the same in a CRLF file as in an LF file, and counted
    /// past a quoted newline in another column; a byte-order mark changes nothing.
    #[test]
    fn line_numbers_are_physical_in_crlf_files_after_quoted_newlines_and_a_bom() {
        let lf = "id,Q1,Q2\nx,1,2\ny,3,9\n";
        let crlf = lf.replace('\n', "\r\n");
        let bom = format!("\u{feff}{lf}");
        for t in [lf, crlf.as_str(), bom.as_str()] {
            let e = parse("f.csv", t, 2, [1, 7], None).unwrap_err();
            assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("Q2")), "{t:?}");
            let ok = parse("f.csv", &t.replace(",9", ",4"), 2, [1, 7], None).unwrap();
            assert_eq!(ok.lines, vec![2, 3], "{t:?}");
        }
        // A note with a line break inside quotes on line 2: the bad row is physical line 4.
        for nl in ["\n", "\r\n"] {
            let t = format!("note,Q1,Q2{nl}\"first{nl}second\",1,2{nl}x,3,9{nl}");
            let e = parse("f.csv", &t, 2, [1, 7], None).unwrap_err();
            assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("Q2")), "{t:?}");
            let ok = parse("f.csv", &t.replace(",9", ",4"), 2, [1, 7], None).unwrap();
            assert_eq!(ok.lines, vec![2, 4], "{t:?}");
            assert_eq!(ok.row(1), &[3, 4]);
        }
        // A row of the wrong length names its own line.
        let e = parse("f.csv", "Q1,Q2\r\n1,2\r\n3\r\n", 2, [1, 7], None).unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
    }

    proptest::proptest! {
        /// Any text: a result, or an error naming the file and (past the header) a line within
        /// the text; never a panic. An accepted file's answers are all on the scale or missing.
        #[test]
        fn any_text_is_read_or_refused_with_file_and_line(
            lines in proptest::collection::vec("[0-9QNA,\" \r-]{0,12}", 0..8),
            header in proptest::sample::select(vec!["Q1,Q2\n", "id,Q2,Q1\r\n", "", "Q1\n"]),
        ) {
            let text = format!("{header}{}", lines.join("\n"));
            match parse("any.csv", &text, 2, [1, 7], Some("NA")) {
                Ok(r) => {
                    proptest::prop_assert!(r.answers.iter().all(|&a| a == MISSING || (1..=7).contains(&a)));
                    proptest::prop_assert_eq!(r.answers.len(), 2 * r.len());
                    let physical = text.split('\n').count() as u64;
                    proptest::prop_assert!(r.lines.iter().all(|&l| l >= 2 && l <= physical), "{:?}", r.lines);
                }
                Err(e) => {
                    proptest::prop_assert_eq!(e.file.as_str(), "any.csv");
                    let physical = text.split('\n').count() as u64;
                    if let Some(l) = e.line {
                        proptest::prop_assert!(l >= 1 && l <= physical.max(1), "{e:?}");
                    }
                }
            }
        }
    }
}
