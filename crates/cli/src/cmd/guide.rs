//! `closer guide FLOW`: a step-by-step flow, interactive at a terminal, printed otherwise.

use crate::error::{CliError, CliResult};
use crate::io::{interactive, print_json};
use crate::term::Screen;
use closer_guide::compose::{self, Composed};
use closer_guide::content::Interaction;
use closer_guide::flows::{self, Flow, Step};
use closer_guide::ui::ui;
use closer_safety::grading::grade;
use closer_safety::{Context, Policy};

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
}

pub fn run(args: Args) -> CliResult {
    let policy = policy_for(args.afraid);
    let flow = flows::flow(&args.flow, &policy).map_err(|e| CliError::usage(e.to_string()))?;
    if args.json {
        return print_json(&flow);
    }
    if interactive() {
        walk(flow, args.afraid)
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
        wrap(flow.intro.text())
    ));
    for (i, s) in flow.steps.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {}\n\n{}\n",
            i + 1,
            s.title(),
            wrap(s.text())
        ));
        if s.interaction() == Some(Interaction::Feelings) {
            let words: Vec<&str> = s.items().iter().map(|i| i.text()).collect();
            out.push_str(&format!("\n   {}\n", words.join(" · ")));
        } else {
            for item in s.items() {
                out.push_str(&format!("\n   - {}", item.text()));
            }
            if !s.items().is_empty() {
                out.push('\n');
            }
        }
        if let Some(y) = s.if_yes() {
            out.push_str(&format!("\n   If yes: {}\n", y.text()));
        }
    }
    out
}

/// Walks through the flow one step at a time on a private screen.
fn walk(flow: Flow, afraid: bool) -> CliResult {
    let mut screen = Screen::enter();
    let name = flow.flow.clone();
    let mut flow = flow;
    let mut i = 0;
    'outer: loop {
        let Some(step) = flow.steps.get(i).cloned() else {
            screen.clear();
            screen.show(&format!("{}\n\n", ui("end").text()));
            let _ = screen.pause(ui("press-enter-close").text());
            break;
        };
        screen.clear();
        if i == 0 {
            screen.show(&format!(
                "{}\n\n{}\n\n",
                flow.title.text(),
                wrap(flow.intro.text())
            ));
        }
        screen.show(&format!(
            "{}  ({} of {})\n\n{}\n\n",
            step.title(),
            i + 1,
            flow.steps.len(),
            wrap(step.text())
        ));
        match step.interaction() {
            Some(Interaction::Check) => {
                let answer = screen.ask(&format!("{} ", ui("check-answer").text()));
                match answer.as_deref().map(str::to_lowercase).as_deref() {
                    None | Some("q") => break 'outer,
                    Some("y") | Some("yes") => {
                        let signal = if step.kind() == "fear" {
                            closer_safety::checks::fear_signal()
                        } else {
                            closer_safety::checks::own_behaviour_signal()
                        };
                        let g = grade(&[signal]);
                        if let Some(y) = step.if_yes() {
                            screen.show(&format!("\n{}\n\n", wrap(y.text())));
                        }
                        if g.safety_mode() && !afraid {
                            // Rebuild the flow in safety mode and start it from the top.
                            if !screen.pause(ui("press-enter-continue").text()) {
                                break 'outer;
                            }
                            flow = flows::flow(&name, &policy_for(true))
                                .map_err(|e| CliError::usage(e.to_string()))?;
                            i = 0;
                            continue 'outer;
                        }
                        // Own behaviour: no more coaching; only help for the person.
                        let rest: Vec<Step> = flow.steps[i + 1..]
                            .iter()
                            .filter(|s| s.way() == "therapy" && s.kind() != "couple")
                            .cloned()
                            .collect();
                        for s in rest {
                            screen.show(&format!("{}\n\n{}\n\n", s.title(), wrap(s.text())));
                        }
                        let _ = screen.pause(ui("press-enter-close").text());
                        break 'outer;
                    }
                    _ => {}
                }
            }
            Some(Interaction::Breathing) => {
                if !screen.pause(&format!("{} ", ui("press-enter-start-breathing").text())) {
                    break;
                }
                breathe(&mut screen);
            }
            Some(other) => {
                if !interact(&mut screen, &step, other, &policy_for(flow.safety_mode)) {
                    break;
                }
            }
            None => {
                for item in step.items() {
                    screen.show(&format!("  - {}\n", wrap(item.text())));
                }
            }
        }
        if step.interaction() != Some(Interaction::Check)
            && !screen.pause(&format!("\n{} ", ui("press-enter-next").text()))
        {
            break;
        }
        i += 1;
    }
    drop(screen);
    Ok(())
}

/// Shows a composed sentence, or what is said instead of it.
fn show_composed(screen: &mut Screen, c: Composed) {
    match c {
        Composed::Ready(s) => screen.show(&format!(
            "\n  \"{}\"\n\n  {}\n",
            wrap(s.text()),
            ui("make-it-yours").text()
        )),
        Composed::Reword(lines) | Composed::Control(lines) => {
            for l in lines {
                screen.show(&format!("\n{}\n", wrap(l.text())));
            }
        }
        Composed::Nothing => {}
    }
}

/// The interactive part of a step. Returns false when the person quits (q or end of input).
fn interact(screen: &mut Screen, step: &Step, how: Interaction, policy: &Policy) -> bool {
    let numbered = |screen: &mut Screen| {
        for (n, item) in step.items().iter().enumerate() {
            screen.show(&format!("  {}. {}\n", n + 1, wrap(item.text())));
        }
    };
    let ask = |screen: &mut Screen, prompt: &str| -> Option<String> {
        match screen.ask(prompt) {
            None => None,
            Some(a) if a == "q" || a == "Q" => None,
            Some(a) => Some(a),
        }
    };
    match how {
        Interaction::Choose => {
            numbered(screen);
            let Some(a) = ask(screen, &format!("\n{} ", ui("pick-number").text())) else {
                return false;
            };
            if let Some(item) = a
                .parse::<usize>()
                .ok()
                .and_then(|n| step.items().get(n.wrapping_sub(1)))
            {
                screen.show(&format!("\n  \"{}\"\n", wrap(item.text())));
            }
        }
        Interaction::Questions => {
            for item in step.items() {
                screen.show(&format!("\n  {}\n", wrap(item.text())));
                if !screen.pause(&format!("  {} ", ui("next-question").text())) {
                    return false;
                }
            }
        }
        Interaction::Timing => {
            numbered(screen);
            let Some(a) = ask(screen, &format!("\n{} ", ui("timing-ask").text())) else {
                return false;
            };
            show_composed(screen, compose::timing(&a, policy));
        }
        Interaction::Opening => {
            let Some(noticed) = ask(screen, &format!("{}\n> ", ui("opening-noticed").text()))
            else {
                return false;
            };
            let Some(felt) = ask(screen, &format!("{}\n> ", ui("opening-felt").text())) else {
                return false;
            };
            show_composed(screen, compose::opening(&noticed, &felt, policy));
            screen.show(&format!("\n{}\n", ui("opening-or").text()));
            numbered(screen);
        }
        Interaction::Feelings => {
            numbered(screen);
            let Some(a) = ask(screen, &format!("\n{} ", ui("feelings-pick").text())) else {
                return false;
            };
            let words: Vec<String> = a
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter_map(|t| t.parse::<usize>().ok())
                .filter_map(|n| step.items().get(n.wrapping_sub(1)))
                .map(|s| s.text().to_string())
                .collect();
            show_composed(screen, compose::feelings(&words, policy));
        }
        Interaction::Break => {
            let Some(a) = ask(screen, &format!("{} ", ui("break-minutes").text())) else {
                return false;
            };
            let minutes = if a.is_empty() {
                20
            } else {
                a.parse::<u32>().unwrap_or(20).max(1)
            };
            for s in compose::break_message(minutes, policy) {
                screen.show(&format!("\n  {}\n", wrap(s.text())));
            }
        }
        Interaction::CycleMap => {
            let mut answers = Vec::new();
            for item in step.items() {
                let Some(a) = ask(screen, &format!("{} ", item.text())) else {
                    return false;
                };
                answers.push(a);
            }
            show_composed(screen, compose::cycle_map(&answers, policy));
        }
        Interaction::Breathing | Interaction::Check => {}
    }
    true
}

/// Six slow breaths: in for four, out for six, with a countdown.
fn breathe(screen: &mut Screen) {
    use std::time::Duration;
    for round in 1..=6 {
        for (word, secs) in [(ui("breathe-in"), 4u64), (ui("breathe-out"), 6)] {
            let word = word.text();
            for left in (1..=secs).rev() {
                screen.show(&format!("\r  {round}/6  {word} … {left}   "));
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    screen.show(&format!("\r  {:<40}\n", ui("breathing-done").text()));
}

/// Wraps text at 78 columns for the terminal.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    for (pi, para) in text.split("\n\n").enumerate() {
        if pi > 0 {
            out.push_str("\n\n");
        }
        let mut col = 0;
        for word in para.split_whitespace() {
            if col > 0 && col + 1 + word.chars().count() > 78 {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += word.chars().count();
        }
    }
    out
}
