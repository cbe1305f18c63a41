//! `closer assess` with no subcommand: a few reflection questions of our own, one at a time on
//! a private screen, each skippable; nothing is kept.

use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page};
use closer_guide::narrate_measure as nm;

/// The reflection questions: one at a time on a private screen, each skippable; without a
/// terminal, printed with the pointer to validated forms, never waiting for input.
pub(super) fn reflect() -> CliResult {
    let r = nm::reflection(&nm::policy()).map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    if !crate::io::interactive() {
        let mut page = Page::new();
        page.entry(&r.intro);
        for (i, q) in r.questions.iter().enumerate() {
            page.numbered(i + 1, &q.question, 2);
        }
        page.blank().entry(&r.closing);
        return emit_page(&page);
    }
    let mut term = crate::term::Screen::enter();
    term.show(Page::new().entry(&r.intro).as_str());
    if !term.pause(r.keys.begin.text()) {
        return Ok(());
    }
    let total = r.questions.len();
    for (i, q) in r.questions.iter().enumerate() {
        term.clear();
        term.show(&format!("{}/{total}\n\n", i + 1));
        term.show(Page::new().text(&q.question, 2).as_str());
        // What is typed stays on this screen only: it is not kept, and the screen clears.
        let Some(answer) = term.ask(&format!("\n  {}\n> ", r.keys.answer.text())) else {
            return Ok(());
        };
        if answer.eq_ignore_ascii_case("q") {
            return Ok(());
        }
        term.show(&format!("\n{}", Page::new().text(&q.prompt, 2).as_str()));
        if !term.pause(&format!("\n{}", r.keys.next.text())) {
            return Ok(());
        }
    }
    term.clear();
    term.show(Page::new().entry(&r.closing).as_str());
    term.pause(r.keys.close.text());
    Ok(())
}
