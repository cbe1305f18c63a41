//! Small I/O helpers shared by commands: the one output path ([`emit_page`], [`emit_json`],
//! [`emit`], [`note`]), reading input files, writing output files atomically (nothing
//! half-written), and terminal detection.
//!
//! Every byte a command prints goes through this module: `print!` and friends panic when a write
//! fails, so the crate denies them. A write error comes back as [`CliError::Write`]; `main` turns
//! a closed pipe into a quiet exit 0 and any other write error into one line and exit 1.
//!
//! **Words to a person are a [`Page`].** A `Page` can only be filled with [`Said`] values (which
//! only `closer_safety::Policy::review` makes) and numbers; its layout (headings, numbering,
//! indents, wrapping) adds no words. The commands of the guide and of safety (`guide`, `home`,
//! `learn`, `screen`, `help-now`) print text only with [`emit_page`], and show it on a private
//! screen with [`Page::as_str`]. The raw emitter [`emit`] is for data (CSV, tables of numbers,
//! research output): `crates/cli/clippy.toml` makes it, `std::io::stdout` and `std::io::stderr`
//! a `clippy::disallowed_methods` error (denied in `main.rs`) everywhere except this module,
//! `term.rs` and the data commands allowed in `cmd/mod.rs`, so a sentence printed around the
//! policy does not pass clippy.

// This module is the output path: it alone writes to the standard streams.
#![allow(clippy::disallowed_methods)]

use closer_safety::Said;

use crate::error::{CliError, CliResult};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes raw `text` to standard output and flushes it: for data, never for words to a person
/// (those are a [`Page`], printed by [`emit_page`]). Disallowed by `crates/cli/clippy.toml`
/// outside the data commands.
pub fn emit(text: &str) -> CliResult {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Write)
}

/// Writes one JSON document (pretty, with a final newline) to standard output.
pub fn emit_json<T: serde::Serialize>(value: &T) -> CliResult {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| CliError::Other(e.into()))?;
    text.push('\n');
    emit(&text)
}

/// The version of the JSON documents `closer` prints (the `"schema_version"` key). Raised when
/// a document changes shape in a way a reader would notice. 2: `series` VAR(1) rows became flat
/// (`int0`, `int0_se`, `int0_lower`, … instead of one object per coefficient), the profiles
/// document lists dropped dyads among its `dyads` with their reason, and rows keep their
/// type's key order (issue 11: CSV and JSON from one row type).
pub const SCHEMA_VERSION: u32 = 2;

/// Writes one JSON object with `"schema_version"` first in it, the value's own keys after in
/// their order. A value that does not serialise to an object is placed under `key`
/// (`{"schema_version": N, key: value}`), so every document is an object a reader can check
/// before trusting its shape.
pub fn emit_versioned<T: serde::Serialize>(value: &T, key: &str) -> CliResult {
    #[derive(serde::Serialize)]
    struct Versioned<'a, T: serde::Serialize> {
        schema_version: u32,
        #[serde(flatten)]
        value: &'a T,
    }
    let v = serde_json::to_value(value).map_err(|e| CliError::Other(e.into()))?;
    if v.is_object() {
        emit_json(&Versioned {
            schema_version: SCHEMA_VERSION,
            value,
        })
    } else {
        let mut doc = serde_json::Map::new();
        doc.insert("schema_version".into(), SCHEMA_VERSION.into());
        doc.insert(key.to_string(), v);
        emit_json(&doc)
    }
}

/// Prints one JSON document on stdout with `"schema_version"` added, for the commands that call
/// it by this name (an object, as every document should be; a value that is not an object is
/// printed as it is, until its command makes it one with [`emit_versioned`]).
pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let v = serde_json::to_value(value).map_err(|e| CliError::Other(e.into()))?;
    if v.is_object() {
        emit_versioned(value, "value")
    } else {
        emit_json(&v)
    }
}

/// Writes `text` and a newline to standard error (notes, progress, the final error line). A
/// failed write to stderr is dropped: there is nowhere left to report it, and a note must never
/// turn a finished piece of work into a failure.
pub fn note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
}

/// Reads standard input to the end as UTF-8 (`-` as a file name); an unreadable or non-UTF-8
/// stream is bad input (exit 2).
pub fn read_stdin() -> CliResult<String> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| CliError::usage(format!("standard input: cannot read it: {e}")))?;
    String::from_utf8(bytes).map_err(|_| CliError::usage("standard input: expected UTF-8 text"))
}

/// The name a reader gives its input in messages: the path, or "standard input" for `-`.
pub fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a whole input file as UTF-8, or standard input when the path is `-`; a missing or
/// unreadable file is bad input (exit 2).
pub fn read_input(path: &Path) -> CliResult<String> {
    if path.as_os_str() == "-" {
        return read_stdin();
    }
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::usage(format!("{}: cannot read the file: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::usage(format!("{}: expected UTF-8 text", path.display())))
}

/// Writes an output file atomically: to a temporary file beside it, then renamed into place,
/// so a failure never leaves a half-written file.
pub fn write_output(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| CliError::usage(format!("{}: not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(CliError::usage(format!(
            "{}: cannot write the file: {e}",
            path.display()
        )));
    }
    Ok(())
}

/// True when a person is at a terminal: both stdin and stdout are terminals. Interactive
/// screens check this and print their content instead of waiting for input that never comes.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// True when stderr is a terminal (for progress bars).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// One reviewed sentence as JSON: its kind, title and text.
#[derive(serde::Serialize)]
pub struct Part<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub text: &'a str,
}

/// The JSON form of a [`Said`](closer_safety::Said).
pub fn part(s: &closer_safety::Said) -> Part<'_> {
    Part {
        kind: s.kind(),
        title: s.title(),
        text: s.text(),
    }
}

/// Plain text for one reviewed item at a given width (a private screen passes its own): its
/// title, then its text indented by two spaces, both wrapped, then a blank line.
pub fn render_said_at(s: &closer_safety::Said, width: usize) -> String {
    let mut out = String::new();
    if !s.title().is_empty() {
        out.push_str(&fill(s.title(), "", "", width));
        out.push('\n');
    }
    if !s.text().is_empty() {
        out.push_str(&fill(s.text(), "  ", "  ", width));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Text for a person, built only from reviewed sentences ([`Said`]) and numbers.
///
/// Every method takes `&Said`; the layout it adds (line breaks, indents, `==` around a heading,
/// a step number, `-` before an item, wrapping at the page's width) contains no words, so
/// whatever a `Page` holds was said by the policy. Two exceptions hold no words of ours:
/// [`Page::table`] (numbers and identifiers from data files: subscale ids, column names) and
/// [`Page::their_words`] (a person's own message shown back to them exactly as typed).
#[derive(Debug, Clone)]
pub struct Page {
    text: String,
    width: usize,
}

impl Default for Page {
    fn default() -> Page {
        Page::new()
    }
}

impl Page {
    /// An empty page wrapped at [`width`] (the terminal's, or [`PIPED_WIDTH`]).
    pub fn new() -> Page {
        Page::with_width(width())
    }

    /// An empty page wrapped at `width` columns (a private screen's own width; tests).
    pub fn with_width(width: usize) -> Page {
        Page {
            text: String::new(),
            width: width.max(MIN_WIDTH),
        }
    }

    /// A heading: the title between `==`, then a blank line.
    pub fn heading(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&format!("== {} ==\n\n", s.title()));
        self
    }

    /// The title alone, on its own line (nothing when it is empty).
    pub fn title(&mut self, s: &Said) -> &mut Page {
        if !s.title().is_empty() {
            self.text.push_str(&fill(s.title(), "", "", self.width));
            self.text.push('\n');
        }
        self
    }

    /// The title with its position in a walk: `Title  (3/7)`.
    pub fn title_of(&mut self, s: &Said, step: usize, steps: usize) -> &mut Page {
        self.text
            .push_str(&format!("{}  ({step}/{steps})\n", s.title()));
        self
    }

    /// A numbered title after a blank line (`\n3. Title\n\n`).
    pub fn numbered_title(&mut self, n: usize, s: &Said) -> &mut Page {
        self.text.push_str(&format!("\n{n}. {}\n\n", s.title()));
        self
    }

    /// The text, every line indented by `indent` and wrapped, then a newline.
    pub fn text(&mut self, s: &Said, indent: usize) -> &mut Page {
        let pad = " ".repeat(indent);
        self.text.push_str(&fill(s.text(), &pad, &pad, self.width));
        self.text.push('\n');
        self
    }

    /// The title (if any), then the text wrapped, then a blank line.
    pub fn said(&mut self, s: &Said) -> &mut Page {
        self.title(s);
        self.text.push_str(&fill(s.text(), "", "", self.width));
        self.text.push_str("\n\n");
        self
    }

    /// An entry: the title, then the text indented by two spaces, both wrapped, then a blank
    /// line (helplines, messages, narration).
    pub fn entry(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&render_said_at(s, self.width));
        self
    }

    /// Entries, one after another.
    pub fn entries(&mut self, said: &[Said]) -> &mut Page {
        for s in said {
            self.entry(s);
        }
        self
    }

    /// The text alone on its line(s), wrapped, then a blank line (a one-line interface note).
    pub fn line(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&fill(s.text(), "", "", self.width));
        self.text.push_str("\n\n");
        self
    }

    /// A list item: `- text`, indented by `indent`, wrapped under its text.
    pub fn item(&mut self, s: &Said, indent: usize) -> &mut Page {
        let pad = " ".repeat(indent);
        self.text.push_str(&fill(
            s.text(),
            &format!("{pad}- "),
            &format!("{pad}  "),
            self.width,
        ));
        self.text.push('\n');
        self
    }

    /// A bulleted item: `• text`, wrapped under its text (a finding).
    pub fn bullet(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&fill(s.text(), "• ", "  ", self.width));
        self.text.push('\n');
        self
    }

    /// The text line by line, each indented by `indent` and wrapped under itself; a line that
    /// starts with two spaces (a list under the text, such as helplines) two columns deeper;
    /// empty lines left out.
    pub fn block(&mut self, s: &Said, indent: usize) -> &mut Page {
        for line in s.text().lines().filter(|l| !l.trim().is_empty()) {
            let deeper = if line.starts_with("  ") { 2 } else { 0 };
            let pad = " ".repeat(indent + deeper);
            self.text.push_str(&fill(line, &pad, &pad, self.width));
            self.text.push('\n');
        }
        self
    }

    /// A person's own words shown back to them exactly as typed: after a blank line, each line
    /// behind a bar, never wrapped, changed or mixed into our sentences (DESIGN.md §3,
    /// invariant 12). Beside [`Page::table`], the one thing on a page that is not a `Said`:
    /// these are not our words but theirs.
    pub fn their_words(&mut self, words: &str) -> &mut Page {
        self.text.push('\n');
        for line in words.lines() {
            self.text.push_str("    | ");
            self.text.push_str(line);
            self.text.push('\n');
        }
        self
    }

    /// A numbered item: `3. text`, indented by `indent`, wrapped under its text.
    pub fn numbered(&mut self, n: usize, s: &Said, indent: usize) -> &mut Page {
        let pad = " ".repeat(indent);
        let first = format!("{pad}{n}. ");
        let rest = " ".repeat(first.chars().count());
        self.text
            .push_str(&fill(s.text(), &first, &rest, self.width));
        self.text.push('\n');
        self
    }

    /// A numbered choice: `   3. label`.
    pub fn choice(&mut self, n: usize, s: &Said) -> &mut Page {
        self.text.push_str(&fill(
            s.text(),
            &format!("  {n:>2}. "),
            "      ",
            self.width,
        ));
        self.text.push('\n');
        self
    }

    /// Text in quotation marks, indented (a text built from choices).
    pub fn quote(&mut self, s: &Said) -> &mut Page {
        self.text
            .push_str(&fill(&format!("{}\"", s.text()), "  \"", "   ", self.width));
        self.text.push_str("\n\n");
        self
    }

    /// Two reviewed texts on one line, the first padded to `width` columns (a menu label and the
    /// command behind it).
    pub fn pair(&mut self, indent: usize, left: &Said, width: usize, right: &Said) -> &mut Page {
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text
            .push_str(&format!("{:<width$} {}\n", left.text(), right.text()));
        self
    }

    /// A labelled text: `  label: text`, wrapped with its continuation lines under the text.
    pub fn labelled(&mut self, label: &Said, s: &Said) -> &mut Page {
        let first = format!("  {}: ", label.text());
        let rest = " ".repeat(first.chars().count().min(self.width / 2));
        self.text
            .push_str(&fill(s.text(), &first, &rest, self.width));
        self.text.push('\n');
        self
    }

    /// A table of numbers and identifiers, laid out as given and never wrapped (a research
    /// file's scores). Its cells come from data (numbers, subscale ids and column names of an
    /// instrument file), not sentences: `Table` can only be built from those.
    pub fn table(&mut self, t: &Table) -> &mut Page {
        self.text.push_str(&t.text);
        self
    }

    /// An empty line.
    pub fn blank(&mut self) -> &mut Page {
        self.text.push('\n');
        self
    }

    /// Another page appended.
    pub fn extend(&mut self, other: &Page) -> &mut Page {
        self.text.push_str(&other.text);
        self
    }

    /// The page as text, for a private screen (`crate::term::Screen::show`).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Rows of numbers under column names that are identifiers (`line`, `anxiety`, `alpha`), for
/// [`Page::table`]. Cells are numbers, `—` for a missing one, or identifiers; nothing in a table
/// is a sentence.
#[derive(Debug, Default, Clone)]
pub struct Table {
    text: String,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds one line of cells, each right-aligned to its width (left-aligned when the width is
    /// negative).
    pub fn row(&mut self, cells: &[Cell<'_>]) -> &mut Table {
        for c in cells {
            let w = c.width.unsigned_abs() as usize;
            let s = match c.value {
                CellValue::Id(x) => x.to_string(),
                CellValue::Count(x) => x.to_string(),
                CellValue::Num(Some(x), p) => format!("{x:.p$}"),
                CellValue::Num(None, _) => "—".to_string(),
                CellValue::Gap => String::new(),
            };
            if c.width < 0 {
                self.text.push_str(&format!("{s:<w$}"));
            } else {
                self.text.push_str(&format!("{s:>w$}"));
            }
        }
        self.text.push('\n');
        self
    }

    /// An empty line.
    pub fn blank(&mut self) -> &mut Table {
        self.text.push('\n');
        self
    }
}

/// One cell of a [`Table`] and its width (negative: left-aligned).
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub value: CellValue<'a>,
    pub width: i32,
}

/// What a cell holds.
#[derive(Debug, Clone, Copy)]
pub enum CellValue<'a> {
    /// An identifier from a data file or a column name (no spaces: never a sentence).
    Id(&'a str),
    /// A whole number (a count, a line number).
    Count(u64),
    /// A number with this many decimals, or `—` when missing.
    Num(Option<f64>, usize),
    /// Spaces only.
    Gap,
}

impl<'a> Cell<'a> {
    /// An identifier; one with a space in it is shown cut at the space, so a sentence cannot
    /// pass as an identifier.
    pub fn id(s: &'a str, width: i32) -> Cell<'a> {
        let s = s.split(char::is_whitespace).next().unwrap_or("");
        Cell {
            value: CellValue::Id(s),
            width,
        }
    }
    pub fn count(x: u64, width: i32) -> Cell<'a> {
        Cell {
            value: CellValue::Count(x),
            width,
        }
    }
    pub fn num(x: Option<f64>, decimals: usize, width: i32) -> Cell<'a> {
        Cell {
            value: CellValue::Num(x, decimals),
            width,
        }
    }
    pub fn gap(width: i32) -> Cell<'a> {
        Cell {
            value: CellValue::Gap,
            width,
        }
    }
}

/// Prints a page of reviewed sentences on standard output: the one way the commands of the
/// guide and of safety print text.
pub fn emit_page(page: &Page) -> CliResult {
    // The checked path: a Page holds only Said values.
    emit(&page.text)
}

/// Prints reviewed sentences as entries (title, then the text indented).
pub fn emit_said(said: &[Said]) -> CliResult {
    emit_page(Page::new().entries(said))
}

/// The width text is wrapped at when standard output is not a terminal (a pipe, a file), so
/// piped output is the same on every machine.
pub const PIPED_WIDTH: usize = 80;

/// The widest line a page is wrapped at, even on a wider terminal: longer lines are hard to read.
pub const MAX_WIDTH: usize = 100;

/// The narrowest width text is wrapped at.
pub const MIN_WIDTH: usize = 20;

/// The width words to a person are wrapped at: one column less than the terminal standard
/// output is (from 20 to [`MAX_WIDTH`]), or [`PIPED_WIDTH`] when it is not a terminal or
/// reports a width under 20 columns.
pub fn width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return PIPED_WIDTH;
    }
    // A terminal that reports no size (or a silly one, as a bare pseudo-terminal may) is taken
    // to be the standard 80 columns, and wrapped one short of its edge like any other terminal
    // (a full 80-character line would make many terminals wrap again by themselves).
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .filter(|&cols| cols >= MIN_WIDTH)
        .map_or(width_for(PIPED_WIDTH), width_for)
}

/// The wrapping width for a terminal of `cols` columns.
pub fn width_for(cols: usize) -> usize {
    cols.saturating_sub(1).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// The one text renderer: wraps `text` at `width` columns with `textwrap` (first fit, only at
/// spaces: words, addresses and hyphenated words are never broken; line breaks kept). The first line starts with `first`, every other line with
/// `rest`; a line that starts with `- ` (a list item) has its continuation lines under its text.
/// Empty lines stay empty. Returns no final newline.
pub fn fill(text: &str, first: &str, rest: &str, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let lead = if i == 0 { first } else { rest };
        let line = line.trim();
        if line.is_empty() {
            out.push_str(lead.trim_end());
            continue;
        }
        let hang = if line.starts_with("- ") {
            format!("{rest}  ")
        } else {
            rest.to_string()
        };
        let opts = textwrap::Options::new(width)
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .initial_indent(lead)
            .subsequent_indent(&hang);
        let lines = textwrap::wrap(line, opts);
        out.push_str(&lines.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Cell, Page, Table, fill, width_for};
    use closer_safety::{Context, Draft, Policy, Topic};

    #[test]
    fn fill_keeps_words_whole_lines_and_list_hangs() {
        let text =
            "a ".repeat(60) + "\nPhone: 123\n\n- an item long enough to wrap around the edge";
        let w = fill(&text, "", "  ", 30);
        for line in w.lines() {
            assert!(line.chars().count() <= 30, "{line:?}");
        }
        assert!(
            w.contains("\n  Phone: 123\n\n  - an item long enough to\n    wrap"),
            "{w}"
        );
        let words: Vec<&str> = w.split_whitespace().collect();
        assert_eq!(words, text.split_whitespace().collect::<Vec<_>>());
        // A word longer than the width is never broken, nor is a hyphenated one or an address.
        assert_eq!(
            fill(
                "see https://example.org/a-long-hyphenated-path-name now",
                "",
                "",
                20
            ),
            "see\nhttps://example.org/a-long-hyphenated-path-name\nnow"
        );
        let long = "x".repeat(50);
        assert_eq!(
            fill(&format!("a {long} b"), "", "", 20),
            format!("a\n{long}\nb")
        );
        // The first line has its own lead (a numbered choice), the rest line up under it.
        assert_eq!(
            fill("one two three four", "  1. ", "     ", 20),
            "  1. one two three\n     four"
        );
    }

    #[test]
    fn the_width_follows_the_terminal_within_bounds() {
        assert_eq!(width_for(80), 79);
        assert_eq!(width_for(200), super::MAX_WIDTH);
        assert_eq!(width_for(5), super::MIN_WIDTH);
        assert_eq!(Page::with_width(3).width, super::MIN_WIDTH);
        // Not a terminal under `cargo test`: the fixed width.
        assert_eq!(super::width(), super::PIPED_WIDTH);
    }

    #[test]
    fn a_labelled_text_wraps_under_its_text() {
        let p = Policy::new(Context::ordinary());
        let label = p
            .review(Draft::new(Topic::Interface, "k", "", "If yes"))
            .unwrap();
        let s = p
            .review(Draft::new(
                Topic::Pause,
                "k",
                "",
                "Breathe out slowly and let your shoulders drop a little.",
            ))
            .unwrap();
        let mut page = Page::with_width(30);
        page.labelled(&label, &s);
        assert_eq!(
            page.as_str(),
            "  If yes: Breathe out slowly\n          and let your\n          shoulders drop a\n          little.\n"
        );
    }

    #[test]
    fn a_table_holds_numbers_and_identifiers_only() {
        let mut t = Table::new();
        t.row(&[Cell::id("line", 6), Cell::id("anxiety score", 10)])
            .row(&[Cell::count(2, 6), Cell::num(Some(1.23456), 3, 10)])
            .row(&[Cell::gap(6), Cell::num(None, 3, 10)]);
        let mut page = Page::with_width(20);
        page.table(&t);
        assert_eq!(
            page.as_str(),
            "  line   anxiety\n     2     1.235\n               —\n"
        );
    }

    #[test]
    fn a_page_adds_layout_but_no_words() {
        let p = Policy::new(Context::ordinary());
        let s = p
            .review(Draft::new(
                Topic::Pause,
                "k",
                "Slow down",
                "Breathe out slowly.",
            ))
            .unwrap();
        let mut page = Page::with_width(80);
        page.heading(&s)
            .numbered_title(2, &s)
            .said(&s)
            .entry(&s)
            .item(&s, 3)
            .choice(1, &s)
            .quote(&s)
            .title_of(&s, 1, 4)
            .pair(2, &s, 20, &s)
            .labelled(&s, &s);
        assert_eq!(
            page.as_str(),
            "== Slow down ==\n\n\n2. Slow down\n\nSlow down\nBreathe out slowly.\n\n\
             Slow down\n  Breathe out slowly.\n\n   - Breathe out slowly.\n   1. Breathe out \
             slowly.\n  \"Breathe out slowly.\"\n\nSlow down  (1/4)\n  Breathe out \
             slowly.  Breathe out slowly.\n  Breathe out slowly.: Breathe out slowly.\n"
        );
        // Every word on the page is a word of the reviewed sentence.
        let words: std::collections::HashSet<&str> =
            "Slow down Breathe out slowly.".split_whitespace().collect();
        for w in page.as_str().split(|c: char| !c.is_alphabetic()) {
            assert!(w.is_empty() || words.iter().any(|x| x.contains(w)), "{w:?}");
        }
    }
}
