//! `closer` with no arguments: a calm home that asks what is happening and leads into a flow,
//! `learn`, `soften`, the private safety check or the helplines — so nothing revealing ever has
//! to be typed on a command line (where it would stay in the shell's history).

use super::guide::wrap;
use crate::error::CliResult;
use crate::io::interactive;
use crate::term::Screen;
use closer_guide::flows;
use closer_guide::ui::ui;
use closer_safety::{Context, Policy};

pub fn run() -> CliResult {
    let policy = Policy::new(Context::ordinary());
    let home = flows::home(&policy);
    let menu = || {
        let mut s = format!("{}\n\n", wrap(home.greeting.text(), 0));
        for (key, label, _) in &home.choices {
            s.push_str(&format!("  {key}  {}\n", wrap(label.text(), 5)));
        }
        s
    };
    if !interactive() {
        // No terminal (a pipe, CI): print the choices and the command behind each; never wait.
        let mut s = menu();
        s.push_str(&format!("\n{}\n", ui("home-no-terminal").text()));
        for (_, label, command) in &home.choices {
            s.push_str(&format!("  {:<40} {command}\n", label.text()));
        }
        s.push_str(&format!("\n{}\n", wrap(home.footer.text(), 0)));
        print!("{s}");
        return Ok(());
    }
    loop {
        let mut screen = Screen::enter();
        screen.clear();
        screen.show(&menu());
        screen.show(&format!("\n{}\n\n", wrap(home.footer.text(), 0)));
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
        let flow = |name: &str, afraid: bool| {
            super::guide::run(super::guide::Args {
                flow: name.to_string(),
                afraid,
                json: false,
                region: None,
            })
        };
        match answer.as_str() {
            "1" => flow("partner-pulled-away", false)?,
            "2" => flow("i-pulled-away", false)?,
            "3" => flow("same-fight", false)?,
            "4" => flow("not-safe", true)?,
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
            for s in page.said.iter().take(1) {
                screen.show(&format!("{}\n{}\n\n", s.title(), wrap(s.text(), 0)));
            }
        }
        screen.show(&format!("{}\n", wrap(ui("prompt.region").text(), 0)));
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
        for s in page.said.iter().filter(|s| s.kind() != "regions") {
            if s.kind() == "heading" {
                screen.show(&format!("== {} ==\n\n", s.title()));
            } else {
                screen.show(&format!("{}\n  {}\n\n", s.title(), wrap(s.text(), 2)));
            }
        }
    }
    let _ = screen.pause(&format!("{} ", ui("press-enter-close").text()));
}
