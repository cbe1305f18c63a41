//! `closer guide FLOW`: a step-by-step flow, interactive at a terminal, printed otherwise.
//!
//! The walk itself — what follows an answer, checks, safety mode, texts built from choices — is
//! `closer_guide::session`, the same state machine the web app drives. This file only renders its
//! views on a private screen and turns keys into answers.

use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, interactive, print_json};
use crate::term::Screen;
use closer_guide::content::Interaction;
use closer_guide::flows::{self, Flow};
use closer_guide::session::{Answer, Expect, Session, SessionError, View};
use closer_guide::ui::ui;
use closer_safety::{Context, Mode, Policy};

#[derive(clap::Args)]
pub struct Args {
    /// The flow (not-safe is always in safety mode).
    #[arg(value_enum)]
    pub flow: FlowName,
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

/// The flows `closer guide` offers, as clap values (a test keeps them equal to the content's
/// flows). `--region` stays a string: an unknown place must still get the emergency advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FlowName {
    /// My partner pulled away (for the one who reaches).
    PartnerPulledAway,
    /// I pulled away (for the one who needs space).
    IPulledAway,
    /// The same fight again.
    SameFight,
    /// I do not feel safe (always safety mode).
    NotSafe,
}

impl FlowName {
    /// The flow's id in the content (`partner-pulled-away`, …).
    pub fn id(self) -> &'static str {
        match self {
            FlowName::PartnerPulledAway => "partner-pulled-away",
            FlowName::IPulledAway => "i-pulled-away",
            FlowName::SameFight => "same-fight",
            FlowName::NotSafe => "not-safe",
        }
    }
}

pub fn run(args: Args) -> CliResult {
    let policy = policy_for(args.afraid);
    let flow = flows::flow(args.flow.id(), &policy).map_err(|e| CliError::usage(e.to_string()))?;
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
        walk(args.flow.id(), args.afraid, region.as_deref())
    } else {
        emit_page(&render(&flow))
    }
}

fn policy_for(afraid: bool) -> Policy {
    Policy::new(if afraid {
        Context::safety()
    } else {
        Context::ordinary()
    })
}

/// The whole flow as a page of reviewed sentences, for pipes and for when there is no terminal.
pub fn render(flow: &Flow) -> Page {
    let interface = Policy::new(Context::ordinary());
    let mut out = Page::new();
    out.text(&flow.title, 0).blank().text(&flow.intro, 0);
    for (i, s) in flow.steps.iter().enumerate() {
        out.numbered_title(i + 1, s.main()).text(s.main(), 0);
        if let Some(b) = s.builds().and_then(closer_guide::compose::builder) {
            // The lists a text is built from; at a terminal they are asked one at a time.
            for (i, part) in b.parts.iter().enumerate() {
                let words: Vec<String> = b
                    .list_of(i)
                    .map(|l| l.items.iter().map(|it| it.text.clone()).collect())
                    .unwrap_or_default();
                let review = |kind: &str, text: &str| {
                    interface.review(closer_safety::Draft::new(
                        closer_safety::Topic::Interface,
                        kind,
                        "",
                        text,
                    ))
                };
                if let (Ok(prompt), Ok(words)) = (
                    review("prompt.part", &part.prompt),
                    review("compose.list", &words.join(" · ")),
                ) {
                    out.blank().item(&prompt, 3).item(&words, 5);
                }
            }
        }
        if !s.items().is_empty() {
            out.blank();
        }
        for item in s.items() {
            out.item(item, 3);
        }
        if let Some(y) = s.if_yes() {
            out.blank().labelled(&ui("if-yes"), y);
        }
        if s.interaction() == Some(Interaction::Helplines) {
            let page = closer_safety::resources::help_now(None, &Policy::new(Context::safety()));
            if let Ok(page) = page {
                out.blank();
                for said in page.said.iter().take(1) {
                    out.entry(said);
                }
            }
        }
    }
    out
}

/// Walks through the flow one view at a time on a private screen.
fn walk(flow: &str, afraid: bool, region: Option<&str>) -> CliResult {
    let mode = if afraid { Mode::Safety } else { Mode::Ordinary };
    let (mut state, mut view) =
        Session::start(flow, mode, region).map_err(|e| CliError::usage(e.to_string()))?;
    let mut screen = Screen::enter();
    loop {
        screen.clear();
        screen.show(render_view(&view).as_str());
        if view.done {
            let _ = screen.pause(&format!("\n{} ", ui("press-enter-close").text()));
            break;
        }
        // The fear path's private record is asked in place (cmd/journal.rs keeps it).
        let answer = if view.private_record {
            super::journal::record_in_place(&mut screen)
        } else {
            read_answer(&mut screen, &view)
        };
        let Some(answer) = answer else {
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

/// One view as a page: the step (with its position), the text built from choices right under
/// it, then any further words, the list to read, the question and the choices.
fn render_view(v: &View) -> Page {
    let mut out = Page::new();
    let mut main_done = false;
    for s in &v.said {
        if s.kind() == "heading" {
            out.heading(s);
            continue;
        }
        let is_main = !main_done && v.step > 0 && s.kind() == v.kind && !s.title().is_empty();
        if is_main {
            out.title_of(s, v.step, v.steps);
        } else {
            out.title(s);
        }
        out.text(s, 0).blank();
        if is_main {
            main_done = true;
            if let Some(b) = &v.built {
                out.quote(b);
            }
        }
    }
    if !main_done && let Some(b) = &v.built {
        out.quote(b);
    }
    for item in &v.items {
        out.item(item, 2);
    }
    if !v.items.is_empty() {
        out.blank();
    }
    if let Some(p) = &v.prompt {
        out.text(p, 0);
    }
    if matches!(v.expect, Expect::Choose | Expect::ChooseMany) {
        for (n, c) in v.choices.iter().enumerate() {
            out.choice(n + 1, &c.label);
        }
    }
    if let Some(r) = &v.reask {
        out.blank().text(r, 0);
    }
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

#[cfg(test)]
mod tests {
    use super::FlowName;
    use clap::ValueEnum;

    #[test]
    fn the_flow_values_are_the_contents_flows() {
        let ids: Vec<&str> = FlowName::value_variants().iter().map(|f| f.id()).collect();
        assert_eq!(ids, closer_guide::flows::flow_ids());
        for f in FlowName::value_variants() {
            // What a person types on the command line is the content's id.
            assert_eq!(f.to_possible_value().unwrap().get_name(), f.id());
        }
    }
}
