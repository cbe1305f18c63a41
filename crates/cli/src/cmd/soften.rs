//! `closer soften [TEXT] [--json]`: a softer way to say it.
//!
//! The analysis and every sentence come from `closer_guide::soften` through the safety policy;
//! this file only reads the message, and prints. The message is read from standard input when
//! TEXT is absent or `-`, so what someone writes about their relationship stays out of shell
//! history; nothing is stored or sent.

use crate::error::{CliError, CliResult};
use crate::io::print_json;
use closer_guide::soften::{render, soften};
use closer_safety::{Context, Policy, Said};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Read, Write};

/// A softer way to say it: notices words that may land hard, and suggests a gentler version.
///
/// Give it a message you are thinking of sending or saying to your partner. It points out words
/// that may land hard (like "never", "always", labels, orders, pressure to answer now), and
/// offers a gentler "I feel … when … I'd like …" version built from your own words, with the
/// feeling left for you to choose, and a check on timing. These are suggestions, not a verdict
/// on you.
///
/// Words that check on someone, count their replies or push with threats or ultimatums get no
/// rewording: only a pause, and where to find support.
///
/// Privacy: leave TEXT out (or give `-`) and type or pipe the message on standard input; then
/// it stays out of your shell history. Nothing is stored, and nothing is sent anywhere.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  closer soften                      type the message, then an empty line\n  closer soften - < draft.txt        read it from a file\n  closer soften --json < draft.txt   one JSON document"
)]
pub struct Args {
    /// The message. Leave it out, or give `-`, to read it from standard input (keeps it out of
    /// your shell history).
    pub text: Option<String>,
    /// Print one JSON document: {"signals": [{"kind", "words", "rule"}], "suggestion": text or
    /// null, "timing_check": text or null, "said": [...]}.
    #[arg(long)]
    pub json: bool,
}

/// The `--json` document.
#[derive(Serialize)]
struct Out<'a> {
    signals: &'a [closer_guide::soften::Signal],
    suggestion: Option<&'a str>,
    timing_check: Option<&'a str>,
    said: &'a [Said],
}

pub fn run(args: Args) -> CliResult {
    let message = match args.text.as_deref() {
        Some(t) if t != "-" => t.to_string(),
        _ => read_message()?,
    };
    if message.trim().is_empty() {
        return Err(CliError::usage(
            "no message to look at: give it as TEXT, or on standard input \
             (for example: closer soften - < draft.txt)",
        ));
    }
    let analysis = soften(&message);
    let rendered = render(&analysis, &Policy::new(Context::ordinary()));
    if args.json {
        let timing = rendered
            .said
            .iter()
            .find(|s| s.kind() == "timing")
            .map(|s| s.text());
        return print_json(&Out {
            signals: &rendered.signals,
            suggestion: rendered.suggestion.as_ref().map(|s| s.text()),
            timing_check: timing,
            said: &rendered.said,
        });
    }
    let mut out = std::io::stdout().lock();
    let mut heading: Option<&str> = None;
    for s in &rendered.said {
        if heading != Some(s.title()) {
            if heading.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", s.title())?;
            heading = Some(s.title());
        }
        for line in wrap(s.text(), 76) {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// Reads the message from standard input. At a terminal: one prompt, then lines until an
/// empty line or end of input. Otherwise: everything (an empty pipe is an error upstream, never
/// a hang).
fn read_message() -> CliResult<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "Type or paste the message, then press Enter on an empty line (or Ctrl-D).\n\
             Nothing is stored or sent."
        );
        let mut lines = Vec::new();
        for line in stdin.lock().lines() {
            let line =
                line.map_err(|_| CliError::usage("expected UTF-8 text on standard input"))?;
            if line.trim().is_empty() {
                break;
            }
            lines.push(line);
        }
        return Ok(lines.join("\n"));
    }
    let mut bytes = Vec::new();
    stdin.lock().read_to_end(&mut bytes)?;
    String::from_utf8(bytes).map_err(|_| CliError::usage("expected UTF-8 text on standard input"))
}

/// Word-wraps a paragraph for the terminal.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_every_word_and_the_width() {
        let t = "one two three four five six seven eight nine ten";
        let lines = wrap(t, 12);
        assert!(lines.iter().all(|l| l.chars().count() <= 12));
        assert_eq!(lines.join(" "), t);
    }
}
