//! `closer learn`: what may be going on, for the one who reaches and the one who pulls away.

use crate::error::CliResult;
use crate::io::{Page, emit_page, interactive, print_json};
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
        let more = format!("{} ", closer_guide::ui::ui("learn-more").text());
        for s in &sections {
            screen.clear();
            screen.show(
                Page::new()
                    .title(s.main())
                    .blank()
                    .text(s.main(), 0)
                    .blank()
                    .as_str(),
            );
            if !screen.pause(&more) {
                return Ok(());
            }
        }
        for w in &ways {
            screen.clear();
            screen.show(way_card(w).as_str());
            if !screen.pause(&more) {
                return Ok(());
            }
        }
        return Ok(());
    }
    let mut out = Page::new();
    for s in &sections {
        out.title(s.main()).blank().text(s.main(), 0).blank();
    }
    for w in &ways {
        out.extend(&way_card(w));
    }
    if !args.ways && !args.afraid {
        out.text(&closer_guide::ui::ui("learn-ways-hint"), 0);
    }
    emit_page(&out)
}

/// One way card: its title, then each labelled part, then a blank line.
fn way_card(w: &flows::WayCard) -> Page {
    let mut page = Page::new();
    if let Some((_, first)) = w.reviewed.first() {
        page.title(first);
    }
    for (label, text) in &w.reviewed {
        page.labelled(label, text);
    }
    page.blank();
    page
}
