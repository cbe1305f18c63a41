//! `closer guide FLOW`: a step-by-step flow, interactive at a terminal, printed otherwise.
//!
//! The walk itself — what follows an answer, checks, safety mode, texts built from choices — is
//! `closer_guide::session`, the same state machine the web app drives. This file only renders its
//! views on a private screen and turns keys into answers.

use crate::error::{CliError, CliResult};
use crate::io::{interactive, print_json};
use crate::term::Screen;
use closer_guide::content::Interaction;
use closer_guide::flows::{self, Flow};
use closer_guide::session::{Answer, Expect, Session, SessionError, View};
use closer_guide::ui::ui;
use closer_safety::{Context, Mode, Policy, Said};

#[derive(clap::Args)]
pub struct Args {
    /// The flow: partner-pulled-away, i-pulled-away, same-fight, or not-safe.
    pub flow: String,
    /// I am afraid of my partner: show only what helps with safety (safety mode).
    #[arg(long)]
    pub afraid: bool,
    /// Print the flow as one JSON document instead of walking through it.
    #[arg(long)]
    pub json: bool,
    /// Country or region for the helplines (a code such as US or UK, or a country name). Also
    /// read from CLOSER_REGION. Used only for this run, never stored; without it the flow asks
    /// when it shows helplines.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

pub fn run(args: Args) -> CliResult {
    let policy = policy_for(args.afraid);
    let flow = flows::flow(&args.flow, &policy).map_err(|e| CliError::usage(e.to_string()))?;
    let region = args
        .region
        .clone()
        .or_else(|| std::env::var("CLOSER_REGION").ok())
        .filter(|r| !r.trim().is_empty());
    if let Some(r) = &region
        && closer_safety::resources::normalise(r).is_none()
    {
        return Err(CliError::usage(
            SessionError::UnknownRegion {
                given: r.clone(),
                known: closer_safety::resources::regions()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            }
            .to_string(),
        ));
    }
    if args.json {
        return print_json(&flow);
    }
    if interactive() {
        walk(&args.flow, args.afraid, region.as_deref())
    } else {
        print!("{}", render(&flow));
        Ok(())
    }
}

fn policy_for(afraid: bool) -> Policy {
    Policy::new(if afraid {
        Context::safety()
    } else {
        Context::ordinary()
    })
}

/// The whole flow as plain text, for pipes and for when there is no terminal.
pub fn render(flow: &Flow) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}\n\n{}\n",
        flow.title.text(),
        wrap(flow.intro.text(), 0)
    ));
    for (i, s) in flow.steps.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {}\n\n{}\n",
            i + 1,
            s.title(),
            wrap(s.text(), 0)
        ));
        if let Some(b) = s.builds().and_then(closer_guide::compose::builder) {
            // The lists a text is built from; at a terminal they are asked one at a time.
            for (i, part) in b.parts.iter().enumerate() {
                let words: Vec<String> = b
                    .list_of(i)
                    .map(|l| l.items.iter().map(|it| policy_line(&it.text)).collect())
                    .unwrap_or_default();
                let prompt = policy_line(&part.prompt);
                out.push_str(&format!(
                    "\n   {}\n     {}\n",
                    prompt,
                    wrap(&words.join(" · "), 5)
                ));
            }
        }
        for item in s.items() {
            out.push_str(&format!("\n   - {}", wrap(item.text(), 5)));
        }
        if !s.items().is_empty() {
            out.push('\n');
        }
        if let Some(y) = s.if_yes() {
            out.push_str(&format!("\n   If yes: {}\n", wrap(y.text(), 11)));
        }
        if s.interaction() == Some(Interaction::Helplines) {
            let page = closer_safety::resources::help_now(None, &Policy::new(Context::safety()));
            if let Ok(page) = page {
                out.push('\n');
                for said in page.said.iter().take(1) {
                    out.push_str(&render_said(said));
                }
            }
        }
    }
    out
}

/// A prompt from the builders' data, reviewed like every other sentence.
fn policy_line(text: &str) -> String {
    Policy::new(Context::ordinary())
        .review(closer_safety::Draft::new(
            closer_safety::Topic::Interface,
            "prompt.part",
            "",
            text,
        ))
        .map(|s| s.text().to_string())
        .unwrap_or_default()
}

/// Walks through the flow one view at a time on a private screen.
fn walk(flow: &str, afraid: bool, region: Option<&str>) -> CliResult {
    let mode = if afraid { Mode::Safety } else { Mode::Ordinary };
    let (mut state, mut view) =
        Session::start(flow, mode, region).map_err(|e| CliError::usage(e.to_string()))?;
    let mut screen = Screen::enter();
    loop {
        screen.clear();
        screen.show(&render_view(&view));
        if view.done {
            let _ = screen.pause(&format!("\n{} ", ui("press-enter-close").text()));
            break;
        }
        let Some(answer) = read_answer(&mut screen, &view) else {
            break;
        };
        match Session::answer(&state, answer) {
            Ok((s, v)) => {
                state = s;
                view = v;
            }
            // The keys are checked before they become answers, so this is not expected; the same
            // step is shown again rather than leaving the person stranded.
            Err(_) => view.reask = Some(ui("term.bad-number")),
        }
    }
    drop(screen);
    Ok(())
}

/// One view as text: the step (with its position), the text built from choices right under it,
/// then any further words, the list to read, the question and the choices.
fn render_view(v: &View) -> String {
    let mut out = String::new();
    let mut main_done = false;
    let quote = |b: &Said| format!("  \"{}\"\n\n", wrap(b.text(), 3));
    for s in &v.said {
        if s.kind() == "heading" {
            out.push_str(&format!("== {} ==\n\n", s.title()));
            continue;
        }
        let is_main = !main_done && v.step > 0 && s.kind() == v.kind && !s.title().is_empty();
        if is_main {
            out.push_str(&format!("{}  ({} of {})\n", s.title(), v.step, v.steps));
        } else if !s.title().is_empty() {
            out.push_str(&format!("{}\n", s.title()));
        }
        out.push_str(&format!("{}\n\n", wrap(s.text(), 0)));
        if is_main {
            main_done = true;
            if let Some(b) = &v.built {
                out.push_str(&quote(b));
            }
        }
    }
    if !main_done && let Some(b) = &v.built {
        out.push_str(&quote(b));
    }
    for item in &v.items {
        out.push_str(&format!("  - {}\n", wrap(item.text(), 4)));
    }
    if !v.items.is_empty() {
        out.push('\n');
    }
    if let Some(p) = &v.prompt {
        out.push_str(&format!("{}\n", wrap(p.text(), 0)));
    }
    if matches!(v.expect, Expect::Choose | Expect::ChooseMany) {
        for (n, c) in v.choices.iter().enumerate() {
            out.push_str(&format!("  {:>2}. {}\n", n + 1, wrap(c.label.text(), 6)));
        }
    }
    if let Some(r) = &v.reask {
        out.push_str(&format!("\n{}\n", wrap(r.text(), 0)));
    }
    out
}

fn render_said(s: &Said) -> String {
    let mut out = String::new();
    if !s.title().is_empty() {
        out.push_str(&format!("{}\n", s.title()));
    }
    out.push_str(&format!("{}\n\n", wrap(s.text(), 0)));
    out
}

/// Keys every view accepts: `b` back, `!` safety help (outside safety mode), `q` quit.
fn common(typed: &str, v: &View) -> Option<Answer> {
    match typed {
        "q" | "Q" => Some(Answer::Quit),
        "b" | "B" => Some(Answer::Back),
        "!" if v.safety_help => Some(Answer::SafetyHelp),
        _ => None,
    }
}

/// Reads keys until they make an answer for this view. `None` at the end of input.
fn read_answer(screen: &mut Screen, v: &View) -> Option<Answer> {
    let hint = |plain: &str, safety: &str| -> String {
        let key = if v.safety_help { plain } else { safety };
        format!("\n{} ", ui(key).text())
    };
    loop {
        let typed = match v.expect {
            Expect::Next | Expect::End => screen.ask(&hint("term.next", "term.next-safety"))?,
            Expect::Breathing => screen.ask(&hint("term.breathing", "term.breathing-safety"))?,
            Expect::Check => screen.ask(&format!("\n{} ", ui("term.check").text()))?,
            Expect::Choose => screen.ask(&hint("term.pick", "term.pick-safety"))?,
            Expect::ChooseMany => screen.ask(&format!("\n{} ", ui("term.pick-many").text()))?,
            Expect::Minutes => screen.ask(&format!("\n{} ", ui("term.minutes").text()))?,
            Expect::Region => screen.ask(&format!("\n{} ", ui("term.region").text()))?,
        };
        let typed = typed.trim();
        if let Some(a) = common(typed, v) {
            return Some(a);
        }
        match v.expect {
            Expect::Next | Expect::End => return Some(Answer::Next),
            Expect::Breathing => {
                if typed.eq_ignore_ascii_case("s") {
                    return Some(Answer::Skip);
                }
                if let Some(t) = v.timer {
                    breathe(screen, t.rounds, t.breathe_in_secs, t.breathe_out_secs);
                }
                return Some(Answer::Next);
            }
            // Anything that is not a clear answer goes to the session, which asks again.
            Expect::Check => return Some(Answer::from_check_text(typed).unwrap_or(Answer::Next)),
            Expect::Choose => {
                if typed.is_empty() {
                    return Some(Answer::Skip);
                }
                if let Some(c) = pick(typed, v) {
                    return Some(Answer::Choose(c));
                }
            }
            Expect::ChooseMany => {
                if typed.is_empty() {
                    return Some(Answer::Skip);
                }
                let keys: Option<Vec<String>> = typed
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|t| !t.is_empty())
                    .map(|t| pick(t, v))
                    .collect();
                if let Some(keys) = keys {
                    return Some(Answer::ChooseMany(keys));
                }
            }
            Expect::Minutes => {
                if typed.is_empty() {
                    return Some(Answer::Next);
                }
                return Some(Answer::Minutes(typed.parse::<u32>().unwrap_or(0)));
            }
            Expect::Region => {
                if typed.is_empty() {
                    return Some(Answer::Skip);
                }
                return Some(Answer::Region(typed.to_string()));
            }
        }
        screen.show(&format!("{}\n", ui("term.bad-number").text()));
    }
}

/// The key of the numbered choice typed, if it is one.
fn pick(typed: &str, v: &View) -> Option<String> {
    typed
        .parse::<usize>()
        .ok()
        .and_then(|n| v.choices.get(n.wrapping_sub(1)))
        .map(|c| c.key.clone())
}

/// The breathing pacer, with a countdown. Keys pressed while it runs are thrown away afterwards,
/// so they do not leak into the next question.
fn breathe(screen: &mut Screen, rounds: u32, breathe_in: u32, breathe_out: u32) {
    use std::time::Duration;
    for round in 1..=rounds {
        for (word, secs) in [
            (ui("breathe-in"), breathe_in),
            (ui("breathe-out"), breathe_out),
        ] {
            let word = word.text();
            for left in (1..=secs).rev() {
                screen.show(&format!("\r  {round}/{rounds}  {word} … {left}   "));
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    screen.drain_input();
    screen.show(&format!("\r  {:<40}\n", ui("breathing-done").text()));
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
    use super::wrap;

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
}
