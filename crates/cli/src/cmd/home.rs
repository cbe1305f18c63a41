//! `closer` with no arguments: a calm home that asks what is happening and leads into a flow,
//! `learn`, `soften`, the private safety check or the helplines — so nothing revealing ever has
//! to be typed on a command line (where it would stay in the shell's history).

use super::guide::FlowName;
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, interactive};
use crate::term::Screen;
use closer_guide::flows;
use closer_guide::ui::ui;
use closer_safety::{Context, Draft, Policy, Topic};

pub fn run() -> CliResult {
    let policy = Policy::new(Context::ordinary());
    let home = flows::home(&policy);
    // Crisis help first, before anything else, whatever brought the person here.
    let menu = || {
        let mut page = Page::new();
        page.text(&home.footer, 0).blank();
        page.text(&home.greeting, 0).blank();
        for (n, (_, label, _)) in home.choices.iter().enumerate() {
            page.choice(n + 1, label);
        }
        page
    };
    if !interactive() {
        // No terminal (a pipe, CI): print the choices and the command behind each; never wait.
        // The commands are shown as reviewed text too: nothing reaches a person unreviewed.
        let mut page = menu();
        page.blank().text(&ui("home-no-terminal"), 0);
        for (_, label, command) in &home.choices {
            let command = policy
                .review(Draft::new(
                    Topic::Interface,
                    "home.command",
                    "",
                    command.as_str(),
                ))
                .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
            page.pair(2, label, 40, &command);
        }
        return emit_page(&page);
    }
    loop {
        let mut screen = Screen::enter();
        screen.clear();
        let mut page = menu();
        page.blank();
        screen.show(page.as_str());
        let Some(answer) = screen.ask(&format!("{} ", ui("home-choose").text())) else {
            break;
        };
        let answer = answer.trim().to_string();
        if answer.eq_ignore_ascii_case("q") {
            break;
        }
        if answer == "8" {
            helplines(&mut screen);
            continue;
        }
        drop(screen);
        let flow = |flow: super::guide::FlowName, afraid: bool| {
            super::guide::run(super::guide::Args {
                flow,
                afraid,
                json: false,
                region: None,
            })
        };
        match answer.as_str() {
            "1" => flow(FlowName::PartnerPulledAway, false)?,
            "2" => flow(FlowName::IPulledAway, false)?,
            "3" => flow(FlowName::SameFight, false)?,
            "4" => flow(FlowName::NotSafe, true)?,
            "5" => super::learn::run(super::learn::Args {
                afraid: false,
                ways: false,
                json: false,
            })?,
            "6" => subcommand("soften"),
            "7" => subcommand("screen"),
            _ => {}
        }
    }
    Ok(())
}

/// Runs another of closer's own commands at this terminal (it inherits the terminal), so the
/// person never types it and it never reaches the shell's history.
fn subcommand(name: &str) {
    if let Ok(exe) = std::env::current_exe() {
        let _ = std::process::Command::new(exe).arg(name).status();
    }
}

/// The helplines, shown in place: the region is asked here (or taken from CLOSER_REGION), used
/// for this screen only and never stored.
fn helplines(screen: &mut Screen) {
    let policy = Policy::new(Context::safety());
    let mut region = std::env::var("CLOSER_REGION")
        .ok()
        .filter(|r| closer_safety::resources::normalise(r).is_some());
    screen.clear();
    if region.is_none() {
        if let Ok(page) = closer_safety::resources::help_now(None, &policy) {
            let mut shown = Page::new();
            for s in page.said.iter().take(1) {
                shown.said(s);
            }
            screen.show(shown.as_str());
        }
        screen.show(Page::new().text(&ui("prompt.region"), 0).as_str());
        let Some(typed) = screen.ask(&format!("{} ", ui("term.region").text())) else {
            return;
        };
        // An unknown or skipped region shows the emergency advice, the known regions and an
        // international directory.
        region = closer_safety::resources::normalise(&typed).map(str::to_string);
    }
    screen.clear();
    if let Ok(page) = closer_safety::resources::help_now(region.as_deref(), &policy) {
        // The page's note on choosing a region names a command; the region was asked here.
        let mut shown = Page::new();
        for s in page.said.iter().filter(|s| s.kind() != "regions") {
            if s.kind() == "heading" {
                shown.heading(s);
            } else {
                shown.title(s).text(s, 2).blank();
            }
        }
        screen.show(shown.as_str());
    }
    let _ = screen.pause(&format!("{} ", ui("press-enter-close").text()));
}
