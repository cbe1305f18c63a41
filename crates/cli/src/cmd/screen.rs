//! `closer screen`: the private safety check, one question at a time.
//!
//! At a terminal it runs on the alternate screen (`crate::term::Screen`), which clears when the
//! check ends, on `q`, or on Ctrl-C, so nothing stays in the scrollback. Without a terminal it
//! never waits for input: it says the check needs a terminal and where help is, and exits 0 —
//! or, with `--json`, grades answers given as JSON on standard input (for tests and tools).
//! Everything shown comes from `closer_safety::screen` as `Said`. Nothing is stored unless the
//! person chooses to keep the result: at a terminal a yes/no question after it (no by default;
//! only a typed yes keeps it), or `--keep` with `--json`; it goes to their own journal
//! (`Store::keep_screen_result`), never shared and never counted.

use crate::error::{CliError, CliResult};
use crate::io::{Part, part};
use closer_safety::screen::{self, Answer, Prompt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};

/// A private safety check, one question at a time (details: `closer screen --help`).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Without a terminal: read answers as JSON on stdin, print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Where you are (a region code or a country name, any case), for the helplines shown with
    /// the result; also read from CLOSER_REGION. At a terminal it is asked once if not given.
    /// Never stored.
    #[arg(long, value_name = "PLACE")]
    region: Option<String>,
    /// With --json: keep the result in my private journal (at a terminal closer asks instead).
    #[arg(long, requires = "json")]
    keep: bool,
    #[command(flatten)]
    db: super::journal::DbArgs,
}

const AFTER_HELP: &str = "\
Answers: y (yes), n (no), ? (not sure: it counts as yes), s (skip), q (quit; the screen
clears). Anything else, including a bare Enter, is asked again. Skipped questions are never
read as a no. Nothing is stored or written anywhere unless you choose to keep the result in
your private journal (asked after it; --keep with --json); the region is never stored.

Without a terminal (a pipe, a script, CI) it does not wait for input: it prints a short message
with emergency advice and the international directory, and exits 0.

--json (only without a terminal) reads answers from standard input as
  {\"answers\": {\"ID\": \"yes\" | \"no\" | \"not_sure\" | \"skip\", ...}}
with question IDs: tense, afraid, hurt, worse, neck, kill, weapon, followed, devices, cut_off,
money, sex, children_pets, their_threats, separating, pregnant, self_harm (unanswered questions
count as skipped; \"not_sure\" counts as yes), and prints
  {\"grades\": [\"safety_mode\" | \"crisis\" | \"own_behaviour\" | \"professional\", ...],
   \"safety_mode\": bool, \"danger\": \"high\" | \"raised\" | \"none\" | \"unknown\",
   \"skipped\": [ID, ...], \"result\": [{\"kind\", \"title\", \"text\"}, ...]}
danger is high if any high-danger answer (neck, kill, weapon, worse, or separating together
with violence) is yes or not sure; else unknown if a violence question (afraid, hurt, worse,
neck, kill, weapon, sex) was skipped; else raised if any answer gives a sign; else none.
\"crisis\" is among the grades whenever self_harm is yes or not sure, and the result then
begins with crisis help for the region (--region or CLOSER_REGION).
With empty standard input it prints {\"interactive\": false, \"result\": [...]} (the message).";

/// Answers given as JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answers {
    answers: BTreeMap<String, Answer>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    grades: Vec<closer_safety::Grade>,
    safety_mode: bool,
    danger: screen::Danger,
    skipped: &'a [String],
    result: Vec<Part<'a>>,
}

#[derive(Serialize)]
struct JsonNoInput<'a> {
    interactive: bool,
    result: Vec<Part<'a>>,
}

fn withheld(e: closer_safety::Withheld) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

pub fn run(args: Args) -> CliResult {
    let region = super::help_now::region_arg(args.region);
    if args.json {
        if std::io::stdin().is_terminal() {
            return Err(CliError::usage(
                "--json reads answers as JSON from standard input; at a terminal, run `closer screen` without --json",
            ));
        }
        return run_json(region.as_deref(), args.keep.then_some(&args.db));
    }
    if crate::io::interactive() {
        return run_interactive(region, &args.db);
    }
    let msg = screen::prompt(Prompt::NoTerminal).map_err(withheld)?;
    crate::io::emit_said(std::slice::from_ref(&msg))
}

/// What is kept of a screen when the person chooses to (the shape the web app keeps too).
fn kept_result(
    answers: &[(impl AsRef<str>, Answer)],
    outcome: &screen::Outcome,
) -> serde_json::Value {
    closer_guide::measure_view::kept_screen(answers, outcome)
}

/// Keeps a screen's result in the person's own journal (created if needed; a locked journal
/// asks for its passphrase or takes --passphrase-fd).
fn keep(db: &super::journal::DbArgs, result: serde_json::Value) -> CliResult {
    closer_store::runtime()?.block_on(async {
        let o = super::journal::open(db, closer_store::OpenMode::Create, true).await?;
        let now = super::journal::now();
        o.store
            .keep_screen_result(
                &o.owner,
                &closer_store::ScreenResultData {
                    at: now,
                    recorded_at: now,
                    result,
                    imported_at: None,
                },
            )
            .await
            .map_err(super::journal::store_err)?;
        o.store.close().await;
        Ok(())
    })
}

fn run_json(region: Option<&str>, keep_in: Option<&super::journal::DbArgs>) -> CliResult {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| CliError::usage(format!("standard input: cannot read it: {e}")))?;
    if input.trim().is_empty() {
        let msg = screen::prompt(Prompt::NoTerminal).map_err(withheld)?;
        return crate::io::print_json(&JsonNoInput {
            interactive: false,
            result: vec![part(&msg)],
        });
    }
    let ids = || {
        screen::questions()
            .iter()
            .map(|q| q.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parsed: Answers = serde_json::from_str(&input).map_err(|e| {
        CliError::usage(format!(
            "standard input, line {}, column {}: expected {{\"answers\": {{\"ID\": \"yes\"|\"no\"|\"not_sure\"|\"skip\"}}}}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    if let Some(bad) = parsed
        .answers
        .keys()
        .find(|id| screen::question(id).is_none())
    {
        return Err(CliError::usage(format!(
            "standard input, field answers.{bad}: not a question id; expected one of: {}",
            ids()
        )));
    }
    let answers: Vec<(String, Answer)> = parsed.answers.into_iter().collect();
    if let Some(r) = region
        && closer_safety::resources::normalise(r).is_none()
    {
        return Err(CliError::usage(format!(
            "--region / CLOSER_REGION: no place {r:?}; known regions: {} (a country name works too)",
            closer_safety::resources::regions().join(", ")
        )));
    }
    let outcome = screen::outcome_in(&answers, region).map_err(withheld)?;
    if let Some(db) = keep_in {
        keep(db, kept_result(&answers, &outcome))?;
    }
    crate::io::print_json(&JsonResult {
        grades: outcome.grades().iter().copied().collect(),
        safety_mode: outcome.safety_mode(),
        danger: outcome.danger,
        skipped: &outcome.skipped,
        result: outcome.said.iter().map(part).collect(),
    })
}

/// The check at a terminal. Dropping `Screen` (at the end, on `q`, on end of input, on any
/// early return) clears it; Ctrl-C is handled by `crate::term`. Anything but a clear answer
/// (including a bare Enter) is asked again. The region is asked once, at the end, unless given.
fn run_interactive(region: Option<String>, db: &super::journal::DbArgs) -> CliResult {
    use closer_safety::resources::{self, RegionPrompt};
    let preface = screen::prompt(Prompt::Preface).map_err(withheld)?;
    let keys = screen::prompt(Prompt::Keys).map_err(withheld)?;
    let begin = screen::prompt(Prompt::Begin).map_err(withheld)?;
    let again = screen::prompt(Prompt::Again).map_err(withheld)?;
    let close = screen::prompt(Prompt::Close).map_err(withheld)?;
    let more_keys = screen::prompt(Prompt::More).map_err(withheld)?;
    let ask_region = resources::region_prompt(RegionPrompt::Ask).map_err(withheld)?;
    let unknown = resources::region_prompt(RegionPrompt::Unknown).map_err(withheld)?;
    let questions = screen::questions();
    let asked = questions
        .iter()
        .enumerate()
        .map(|(i, q)| screen::ask(q, i + 1, questions.len()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(withheld)?;
    let size = TermSize::now();

    let mut term = crate::term::Screen::enter();
    term.show(&size.render(&preface));
    term.show(&size.render(&keys));
    if !term.pause(&format!("{} ", begin.text())) {
        return Ok(());
    }
    let mut answers: Vec<(&str, Answer)> = Vec::with_capacity(questions.len());
    for (q, said) in questions.iter().zip(&asked) {
        term.clear();
        term.show(&size.render(said));
        loop {
            let Some(line) = term.ask(&format!("{}\n> ", size.wrap(keys.text(), ""))) else {
                return Ok(());
            };
            if line.eq_ignore_ascii_case("q") {
                return Ok(());
            }
            match Answer::from_key(&line) {
                Some(a) => {
                    answers.push((q.id.as_str(), a));
                    break;
                }
                None => term.show(&size.render(&again)),
            }
        }
    }
    // Where the person is, asked once, for the lines shown with the result; never kept.
    let mut place: Option<String> = region.filter(|r| resources::normalise(r).is_some());
    let mut not_found = false;
    if place.is_none() {
        term.clear();
        term.show(&size.render(&ask_region));
        let Some(line) = term.ask("> ") else {
            return Ok(());
        };
        if line.eq_ignore_ascii_case("q") {
            return Ok(());
        }
        if !line.trim().is_empty() {
            if resources::normalise(&line).is_some() {
                place = Some(line);
            } else {
                not_found = true;
            }
        }
    }
    let outcome = screen::outcome_in(&answers, place.as_deref()).map_err(withheld)?;
    let mut items: Vec<String> = Vec::new();
    if not_found {
        items.push(size.render(&unknown));
    }
    items.extend(outcome.said.iter().map(|s| size.render(s)));
    // Page by page, so nothing scrolls off the top of a screen that has no scrollback.
    let more = format!("{}\n", size.wrap(close.text(), ""));
    term.clear();
    if !show_paged(&mut term, &size, &items, more_keys.text()) {
        return Ok(());
    }
    // Keeping the result is offered, never the default: only a typed yes keeps it.
    let offer = closer_guide::journal::say("screen.keep-offer");
    let wants = term
        .ask(&format!("\n{}\n> ", size.wrap(offer.text(), "")))
        .is_some_and(|a| matches!(a.to_lowercase().as_str(), "y" | "yes"));
    if wants {
        keep(db, kept_result(&answers, &outcome))?;
        let kept = closer_guide::journal::say("screen.kept");
        term.show(&size.render(&kept));
    }
    term.pause(&more);
    Ok(())
}

/// Shows rendered items a page at a time on a private screen, waiting for Enter between pages
/// (the alternate screen has no scrollback to scroll up in). False when the person quit.
pub(crate) fn show_paged(
    term: &mut crate::term::Screen,
    size: &TermSize,
    items: &[String],
    more: &str,
) -> bool {
    let mut used = 0usize;
    for item in items {
        let h = item.lines().count();
        if used > 0 && used + h + 2 > size.rows {
            if !term.pause(&format!("{}\n", size.wrap(more, ""))) {
                return false;
            }
            term.clear();
            used = 0;
        }
        term.show(item);
        used += h;
    }
    true
}

/// The terminal's size, for wrapping words at spaces (never breaking a word across lines) and
/// for paging. Read from `stty size` on the terminal; 24 × 80 when it cannot be read.
pub(crate) struct TermSize {
    rows: usize,
    cols: usize,
}

impl TermSize {
    pub(crate) fn now() -> TermSize {
        let read = || -> Option<(usize, usize)> {
            let tty = std::fs::File::open("/dev/tty").ok()?;
            let out = std::process::Command::new("stty")
                .arg("size")
                .stdin(tty)
                .stderr(std::process::Stdio::null())
                .output()
                .ok()?;
            let text = String::from_utf8(out.stdout).ok()?;
            let mut it = text.split_whitespace().map(|x| x.parse::<usize>().ok());
            Some((it.next()??, it.next()??))
        };
        let (rows, cols) = read()
            .filter(|(r, c)| *r >= 5 && *c >= 20)
            .unwrap_or((24, 80));
        TermSize { rows, cols }
    }

    /// Words wrapped to the width, each line starting with `indent`; line breaks kept (the
    /// one renderer, `crate::io::fill`).
    pub(crate) fn wrap(&self, text: &str, indent: &str) -> String {
        crate::io::fill(text, indent, indent, crate::io::width_for(self.cols))
    }

    /// A reviewed item: its title, then its text indented and wrapped, then a blank line.
    pub(crate) fn render(&self, s: &closer_safety::Said) -> String {
        if s.kind() == "heading" {
            return format!("== {} ==\n\n", self.wrap(s.title(), ""));
        }
        crate::io::render_said_at(s, crate::io::width_for(self.cols))
    }
}

#[cfg(test)]
mod tests {
    use super::TermSize;

    #[test]
    fn wrapping_never_breaks_a_word_and_keeps_every_word() {
        let t = TermSize { rows: 24, cols: 30 };
        let text = "Has your partner ever put their hands, an arm or anything else around your neck?\n- a list item that is long enough to wrap around";
        let w = t.wrap(text, "  ");
        for line in w.lines() {
            assert!(line.chars().count() <= 29, "{line:?}");
        }
        let words: Vec<&str> = w.split_whitespace().collect();
        let want: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words, want);
        assert!(
            w.contains("\n    "),
            "hanging indent for the list item: {w}"
        );
    }
}
