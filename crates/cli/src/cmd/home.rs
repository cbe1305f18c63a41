//! `closer` with no arguments: a calm home that asks what is happening and leads into a flow.

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
        let mut s = format!("{}\n\n", home.greeting.text());
        for (key, label, _) in &home.choices {
            s.push_str(&format!("  {key}  {}\n", label.text()));
        }
        s
    };
    if !interactive() {
        // No terminal (a pipe, CI): print the choices and the command behind each; never wait.
        let mut s = menu();
        s.push_str(&format!("\n{}\n", ui("home-no-terminal").text()));
        for (_, label, command) in &home.choices {
            s.push_str(&format!("  {:<34} {command}\n", label.text()));
        }
        s.push_str(&format!("\n{}\n", home.footer.text()));
        print!("{s}");
        return Ok(());
    }
    let mut screen = Screen::enter();
    loop {
        screen.clear();
        screen.show(&menu());
        screen.show(&format!("\n{}\n\n", home.footer.text()));
        let Some(answer) = screen.ask(&format!("{} ", ui("home-choose").text())) else {
            break;
        };
        let target = match answer.as_str() {
            "q" | "Q" => break,
            "1" => Some(("partner-pulled-away", false)),
            "2" => Some(("i-pulled-away", false)),
            "3" => Some(("same-fight", false)),
            "4" => Some(("not-safe", true)),
            "5" => None,
            _ => continue,
        };
        drop(screen);
        return match target {
            Some((flow, afraid)) => super::guide::run(super::guide::Args {
                flow: flow.to_string(),
                afraid,
                json: false,
            }),
            None => {
                let mut s = Screen::enter();
                let sections = flows::learn(&policy);
                for sec in &sections {
                    s.clear();
                    s.show(&format!("{}\n\n{}\n\n", sec.title(), sec.text()));
                    if !s.pause(&format!("{} ", ui("learn-more").text())) {
                        break;
                    }
                }
                Ok(())
            }
        };
    }
    Ok(())
}
