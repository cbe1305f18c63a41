//! Small I/O helpers shared by commands: JSON output, reading input files, writing output files
//! atomically (nothing half-written), and terminal detection.

use crate::error::{CliError, CliResult};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Prints one JSON document on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| CliError::Other(e.into()))?;
    writeln!(out)?;
    Ok(())
}

/// Reads a whole input file as UTF-8; a missing or unreadable file is bad input (exit 2).
pub fn read_input(path: &Path) -> CliResult<String> {
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
