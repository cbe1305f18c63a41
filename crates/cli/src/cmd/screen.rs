//! `closer screen`: the private safety check, one question at a time.
//!
//! At a terminal it runs on the alternate screen (`crate::term::Screen`), which clears when the
//! check ends, on `q`, or on Ctrl-C, so nothing stays in the scrollback. Without a terminal it
//! never waits for input: it says the check needs a terminal and where help is, and exits 0 —
//! or, with `--json`, grades answers given as JSON on standard input (for tests and tools).
//! Everything shown comes from `closer_safety::screen` as `Said`. Nothing is stored.

use crate::error::{CliError, CliResult};
use crate::io::render_said as render;
use crate::io::{Part, part};
use closer_safety::screen::{self, Answer, Prompt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};

/// A private safety check, one question at a time (details: `closer screen --help`).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Without a terminal: read answers as JSON on stdin, print the result as JSON.
    #[arg(long)]
    json: bool,
}

const AFTER_HELP: &str = "\
Each question can be skipped (s), and q quits at any moment. The screen clears when it ends.
Nothing is stored or written anywhere.

Without a terminal (a pipe, a script, CI) it does not wait for input: it prints a short message
and how to get help now (closer help-now), and exits 0.

--json (only without a terminal) reads answers from standard input as
  {\"answers\": {\"ID\": \"yes\" | \"no\" | \"skip\", ...}}
with question IDs: tense, afraid, hurt, worse, neck, kill, weapon, followed, devices, cut_off,
money, sex, children_pets, their_threats, separating, pregnant, self_harm (unanswered questions
count as skipped), and prints
  {\"grades\": [\"safety_mode\" | \"crisis\" | \"own_behaviour\" | \"professional\", ...],
   \"safety_mode\": bool, \"result\": [{\"kind\", \"title\", \"text\"}, ...]}
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
    if args.json {
        if std::io::stdin().is_terminal() {
            return Err(CliError::usage(
                "--json reads answers as JSON from standard input; at a terminal, run `closer screen` without --json",
            ));
        }
        return run_json();
    }
    if crate::io::interactive() {
        return run_interactive();
    }
    let msg = screen::prompt(Prompt::NoTerminal).map_err(withheld)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(render(&msg).as_bytes());
    Ok(())
}

fn run_json() -> CliResult {
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
            "standard input, line {}, column {}: expected {{\"answers\": {{\"ID\": \"yes\"|\"no\"|\"skip\"}}}}: {e}",
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
    let outcome = screen::outcome(&answers).map_err(withheld)?;
    crate::io::print_json(&JsonResult {
        grades: outcome.grades().iter().copied().collect(),
        safety_mode: outcome.safety_mode(),
        result: outcome.said.iter().map(part).collect(),
    })
}

/// The check at a terminal. Dropping `Screen` (at the end, on `q`, on end of input, on any
/// early return) clears it; Ctrl-C is handled by `crate::term`.
fn run_interactive() -> CliResult {
    let preface = screen::prompt(Prompt::Preface).map_err(withheld)?;
    let keys = screen::prompt(Prompt::Keys).map_err(withheld)?;
    let begin = screen::prompt(Prompt::Begin).map_err(withheld)?;
    let again = screen::prompt(Prompt::Again).map_err(withheld)?;
    let close = screen::prompt(Prompt::Close).map_err(withheld)?;
    let questions = screen::questions();
    let asked = questions
        .iter()
        .enumerate()
        .map(|(i, q)| screen::ask(q, i + 1, questions.len()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(withheld)?;

    let mut term = crate::term::Screen::enter();
    term.show(&render(&preface));
    term.show(&render(&keys));
    if !term.pause(&format!("{} ", begin.text())) {
        return Ok(());
    }
    let mut answers: Vec<(&str, Answer)> = Vec::with_capacity(questions.len());
    for (q, said) in questions.iter().zip(&asked) {
        term.clear();
        term.show(&render(said));
        loop {
            let Some(line) = term.ask(&format!("{}\n> ", keys.text())) else {
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
                None => term.show(&render(&again)),
            }
        }
    }
    let outcome = screen::outcome(&answers).map_err(withheld)?;
    term.clear();
    for s in &outcome.said {
        term.show(&render(s));
    }
    term.pause(&format!("{}\n", close.text()));
    Ok(())
}
