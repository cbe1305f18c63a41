//! Small I/O helpers shared by commands: the one output path ([`emit`], [`emit_json`],
//! [`note`]), reading input files, writing output files atomically (nothing half-written), and
//! terminal detection.
//!
//! Every byte a command prints goes through [`emit`] (standard output) or [`note`] (standard
//! error): `print!` and friends panic when a write fails, so the crate denies them. A write
//! error comes back as [`CliError::Write`]; `main` turns a closed pipe into a quiet exit 0 and
//! any other write error into one line and exit 1.

use crate::error::{CliError, CliResult};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes `text` to standard output and flushes it: the one path to stdout.
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
