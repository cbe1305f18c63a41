//! `closer learn`: what may be going on, for the one who reaches and the one who pulls away.

use crate::error::CliResult;
use crate::io::{interactive, print_json};
use crate::term::Screen;
use closer_guide::flows;
use closer_safety::{Context, Policy};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// I am afraid of my partner: show what fits that situation instead.
    #[arg(long)]
    pub afraid: bool,
    /// Also explain each way of responding: what it is, why it helps, how, what it is not.
    #[arg(long)]
    pub ways: bool,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Out<'a> {
    safety_mode: bool,
    sections: &'a [flows::Step],
    ways: &'a [flows::WayCard],
}

pub fn run(args: Args) -> CliResult {
    let policy = Policy::new(if args.afraid {
        Context::safety()
    } else {
        Context::ordinary()
    });
    let sections = flows::learn(&policy);
    let ways = if args.ways {
        flows::ways(&policy)
    } else {
        Vec::new()
    };
    if args.json {
        return print_json(&Out {
            safety_mode: args.afraid,
            sections: &sections,
            ways: &ways,
        });
    }
    if interactive() {
        // At a terminal: one section at a time on the alternate screen, cleared on exit, so
        // nothing stays in the scrollback of a shared device.
        let mut screen = Screen::enter();
        let wrap = super::guide::wrap;
        for s in &sections {
            screen.clear();
            screen.show(&format!("{}\n\n{}\n\n", s.title(), wrap(s.text(), 0)));
            if !screen.pause(&format!("{} ", closer_guide::ui::ui("learn-more").text())) {
                return Ok(());
            }
        }
        for w in &ways {
            screen.clear();
            screen.show(&format!("{}\n\n", w.title));
            for (label, text) in &w.parts {
                screen.show(&format!("{label}\n  {}\n\n", wrap(text, 2)));
            }
            if !screen.pause(&format!("{} ", closer_guide::ui::ui("learn-more").text())) {
                return Ok(());
            }
        }
        return Ok(());
    }
    let mut out = String::new();
    for s in &sections {
        out.push_str(&format!("{}\n\n{}\n\n", s.title(), s.text()));
    }
    for w in &ways {
        out.push_str(&format!("{}\n", w.title));
        for (label, text) in &w.parts {
            out.push_str(&format!("  {label}: {text}\n"));
        }
        out.push('\n');
    }
    if !args.ways && !args.afraid {
        out.push_str(&format!(
            "{}\n",
            closer_guide::ui::ui("learn-ways-hint").text()
        ));
    }
    print!("{out}");
    Ok(())
}
