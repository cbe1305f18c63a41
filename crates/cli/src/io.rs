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
/// a document changes shape in a way a reader would notice.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes one JSON object with `"schema_version"` added to it. A value that does not serialise
/// to an object is placed under `key` (`{"schema_version": N, key: value}`), so every document
/// is an object a reader can check before trusting its shape.
pub fn emit_versioned<T: serde::Serialize>(value: &T, key: &str) -> CliResult {
    let mut v = serde_json::to_value(value).map_err(|e| CliError::Other(e.into()))?;
    let mut doc = match v.take() {
        serde_json::Value::Object(map) => map,
        other => {
            let mut map = serde_json::Map::new();
            map.insert(key.to_string(), other);
            map
        }
    };
    doc.insert("schema_version".into(), SCHEMA_VERSION.into());
    emit_json(&doc)
}

/// Prints one JSON document on stdout (the same as [`emit_json`]; kept for the commands that
/// call it by this name).
pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    emit_json(value)
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

/// Plain text for one reviewed item: its title, then its text indented, then a blank line.
pub fn render_said(s: &closer_safety::Said) -> String {
    let mut out = format!("{}\n", s.title());
    for line in s.text().lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Text for a person, built only from reviewed sentences ([`Said`]) and numbers.
///
/// Every method takes `&Said`; the layout it adds (line breaks, indents, `==` around a heading,
/// a step number, `-` before an item, wrapping at 78 columns) contains no words, so whatever a
/// `Page` holds was said by the policy.
#[derive(Debug, Default, Clone)]
pub struct Page {
    text: String,
}

impl Page {
    pub fn new() -> Page {
        Page::default()
    }

    /// A heading: the title between `==`, then a blank line.
    pub fn heading(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&format!("== {} ==\n\n", s.title()));
        self
    }

    /// The title alone, on its own line (nothing when it is empty).
    pub fn title(&mut self, s: &Said) -> &mut Page {
        if !s.title().is_empty() {
            self.text.push_str(s.title());
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

    /// The text, wrapped, continuation lines indented by `indent`, then a newline.
    pub fn text(&mut self, s: &Said, indent: usize) -> &mut Page {
        self.pad(indent);
        self.text.push_str(&wrap(s.text(), indent));
        self.text.push('\n');
        self
    }

    /// The title (if any), then the text wrapped, then a blank line.
    pub fn said(&mut self, s: &Said) -> &mut Page {
        self.title(s);
        self.text.push_str(&wrap(s.text(), 0));
        self.text.push_str("\n\n");
        self
    }

    /// An entry: the title, then the text indented by two spaces line by line, then a blank
    /// line (helplines, messages).
    pub fn entry(&mut self, s: &Said) -> &mut Page {
        self.text.push_str(&render_said(s));
        self
    }

    /// A list item: `- text`, indented by `indent`, wrapped under its text.
    pub fn item(&mut self, s: &Said, indent: usize) -> &mut Page {
        self.pad(indent);
        self.text.push_str("- ");
        self.text.push_str(&wrap(s.text(), indent + 2));
        self.text.push('\n');
        self
    }

    /// A numbered choice: `  3. label`.
    pub fn choice(&mut self, n: usize, s: &Said) -> &mut Page {
        self.text
            .push_str(&format!("  {n:>2}. {}\n", wrap(s.text(), 6)));
        self
    }

    /// Text in quotation marks, indented (a text built from choices).
    pub fn quote(&mut self, s: &Said) -> &mut Page {
        self.text
            .push_str(&format!("  \"{}\"\n\n", wrap(s.text(), 3)));
        self
    }

    /// Two reviewed texts on one line, the first padded to `width` columns (a menu label and the
    /// command behind it).
    pub fn pair(&mut self, indent: usize, left: &Said, width: usize, right: &Said) -> &mut Page {
        self.pad(indent);
        self.text
            .push_str(&format!("{:<width$} {}\n", left.text(), right.text()));
        self
    }

    /// A labelled text on one line: `  label: text`.
    pub fn labelled(&mut self, label: &Said, s: &Said) -> &mut Page {
        self.text
            .push_str(&format!("  {}: {}\n", label.text(), s.text()));
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

    fn pad(&mut self, indent: usize) {
        self.text.extend(std::iter::repeat_n(' ', indent));
    }

    /// The page as text, for a private screen (`crate::term::Screen::show`).
    pub fn as_str(&self) -> &str {
        &self.text
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
    let mut page = Page::new();
    for s in said {
        page.entry(s);
    }
    emit_page(&page)
}

/// Wraps text at 78 columns for the terminal, keeping line breaks; continuation lines are
/// indented by `indent` spaces. Words are never broken.
pub fn wrap(text: &str, indent: usize) -> String {
    let width = 78usize;
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (li, line) in text.split('\n').enumerate() {
        if li > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(&pad);
            }
        }
        let mut col = indent;
        let mut first = true;
        for word in line.split_whitespace() {
            let w = word.chars().count();
            if !first && col + 1 + w > width {
                out.push('\n');
                out.push_str(&pad);
                col = indent;
            } else if !first {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += w;
            first = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Page, wrap};
    use closer_safety::{Context, Draft, Policy, Topic};

    #[test]
    fn wrap_keeps_words_whole_and_lines() {
        let text = "a ".repeat(60) + "\nPhone: 123";
        let w = wrap(&text, 2);
        for line in w.lines() {
            assert!(line.chars().count() <= 78, "{line}");
        }
        assert!(w.contains("\n  Phone: 123"));
        let long = "word ".repeat(40);
        assert!(!wrap(&long, 0).contains("wo\nrd"));
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
        let mut page = Page::new();
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
