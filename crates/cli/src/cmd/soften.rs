//! `closer soften [TEXT] [--json] [--region CODE]`: a softer way to say it.
//!
//! soften never rewrites what a person wrote (DESIGN.md §3 invariant 12): their words are shown
//! back exactly as typed, on their own; what was noticed is said in our words; the way to a
//! softer message is the openings built from choices (`closer_guide::compose`) and tips.
//!
//! The analysis and every sentence come from `closer_guide::soften` (and the risk reader in
//! `closer_safety::risk`) through the safety policy; this file only reads the message, and
//! prints. The message is read from standard input when TEXT is absent or `-`, so what someone
//! writes about their relationship stays out of shell history; nothing is stored or sent. At a
//! terminal everything happens on the alternate screen, which is cleared on exit, so neither the
//! message nor what was said stays in the scrollback; piped, it prints plainly.

use crate::error::{CliError, CliResult};
use crate::io::{Page, print_json};
use crate::term::Screen;
use closer_guide::soften::{render_for, soften};
use closer_safety::resources;
use closer_safety::risk::{Language, Risk};
use closer_safety::{Context, Policy, Said};
use serde::Serialize;
use std::io::{BufRead, IsTerminal, Read};

/// A softer way to say it: notices words that may land hard, and offers a softer opening built
/// from choices.
///
/// Give it a message you are thinking of sending or saying to your partner. It shows your words
/// back exactly as you typed them (it never rewrites them), points out words that may land hard
/// (like "never", "always", labels, orders, sarcasm, pressure to answer now), and offers a way
/// to a softer message: an opening you build by picking what you noticed, how it felt and a time
/// to talk, tips for rewording it yourself, and a check on timing. These are suggestions, not a
/// verdict on you. It reads English only and misses a lot, so it never tells you a message is
/// fine.
///
/// Words that speak of suicide or self-harm bring crisis help first, with the numbers for your
/// region (--region, or the CLOSER_REGION environment variable). Words that check on someone,
/// threaten, or keep them from people lead to a pause, and where to find support.
///
/// Privacy: leave TEXT out (or give `-`) and type or pipe the message on standard input; then
/// it stays out of your shell history. Nothing is stored, and nothing is sent anywhere.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  closer soften                      type the message, then an empty line\n  closer soften - < draft.txt        read it from a file\n  closer soften --json < draft.txt   one JSON document\n  closer soften --region UK          helplines for the UK where help is shown"
)]
pub struct Args {
    /// The message. Leave it out, or give `-`, to read it from standard input (keeps it out of
    /// your shell history).
    pub text: Option<String>,
    /// Print one JSON document: {"signals": [{"kind", "words", "rule"}], "risk": [{"kind",
    /// "words"}], "language": "en" | "unknown", "region": code or null, "yours": the message
    /// exactly as given, "suggestion": always null (soften never rewrites a message: text to
    /// send is built from choices, never from what was typed), "offered": [{"builder",
    /// "builds": "from_choices", "parts": [{"id", "prompt", "choices": [...]}]}] (the openings
    /// to build instead; empty when the words call for help instead), "timing_check": text or
    /// null, "said": [...]}.
    #[arg(long)]
    pub json: bool,
    /// Region for the helplines shown in place (for example US, UK, CA-QC; any case). Defaults
    /// to the CLOSER_REGION environment variable. Without one, crisis help shows the emergency
    /// numbers we have checked and an international directory.
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
}

/// The `--json` document.
#[derive(Serialize)]
struct Out<'a> {
    signals: &'a [closer_guide::soften::Signal],
    risk: &'a [Risk],
    language: Language,
    region: Option<&'static str>,
    yours: &'a str,
    /// Always null: kept from the issue-10 contract; soften never rewrites a message.
    suggestion: Option<&'a str>,
    offered: &'a [closer_guide::soften::Offer],
    timing_check: Option<&'a str>,
    /// Always present: the short crisis line that opens every result, whatever the message.
    crisis_line: &'a str,
    said: &'a [Said],
}

pub fn run(args: Args) -> CliResult {
    let given = args
        .region
        .clone()
        .or_else(|| std::env::var("CLOSER_REGION").ok())
        .filter(|r| !r.trim().is_empty());
    let region = given.as_deref().and_then(resources::normalise);
    let at_terminal = !args.json && crate::io::interactive();
    let mut screen = at_terminal.then(Screen::enter);
    let message = match args.text.as_deref() {
        Some(t) if t != "-" => t.to_string(),
        _ => match screen.as_mut() {
            Some(sc) => read_at_screen(sc),
            None => read_message()?,
        },
    };
    if message.trim().is_empty() {
        drop(screen);
        return Err(CliError::usage(
            "no message to look at: give it as TEXT, or on standard input \
             (for example: closer soften - < draft.txt)",
        ));
    }
    let analysis = soften(&message);
    let rendered = render_for(&analysis, &Policy::new(Context::ordinary()), region);
    if args.json {
        let timing = rendered
            .said
            .iter()
            .find(|s| s.kind() == "timing")
            .map(|s| s.text());
        print_json(&Out {
            signals: &rendered.signals,
            risk: &analysis.risk.risks,
            language: analysis.risk.language,
            region,
            yours: &rendered.yours,
            suggestion: None,
            offered: &rendered.offered,
            timing_check: timing,
            crisis_line: &rendered.crisis_line,
            said: &rendered.said,
        })?;
    } else {
        let page = page(&rendered.said, &rendered.yours);
        match screen.as_mut() {
            Some(sc) => {
                sc.clear();
                sc.show(page.as_str());
                sc.pause(&format!(
                    "\n{} ",
                    closer_guide::ui::ui("soften-close").text()
                ));
            }
            // The one output path: a closed pipe is a quiet success, a full disk an error.
            None => crate::io::emit_page(&page)?,
        }
    }
    drop(screen);
    match (given, region) {
        (Some(g), None) => Err(CliError::usage(format!(
            "unknown region {g:?}: the help above is shown without a region; known regions: {}",
            resources::regions().join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Everything said, as a page: a heading when it changes, each paragraph wrapped, and the
/// lines of a list (helplines) indented under it. The person's own words follow the `yours`
/// item exactly as typed, each line behind a bar and never wrapped or changed.
fn page(said: &[Said], yours: &str) -> Page {
    let mut page = Page::new();
    let mut heading: Option<&str> = None;
    for s in said {
        if heading != Some(s.title()) {
            if heading.is_some() {
                page.blank();
            }
            page.title(s);
            heading = Some(s.title());
        }
        page.block(s, 2);
        if s.kind() == "yours" {
            page.their_words(yours);
        }
    }
    page
}

/// At a terminal, on the private screen: one prompt, then lines until an empty line or the end
/// of input.
fn read_at_screen(screen: &mut Screen) -> String {
    screen.show(
        "Type or paste the message, then press Enter on an empty line (or Ctrl-D).\n\
         Nothing is stored or sent, and this screen is cleared when you leave.\n\n",
    );
    let mut lines = Vec::new();
    while let Some(line) = screen.ask("") {
        if line.trim().is_empty() {
            break;
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// Reads the message from standard input. At a terminal (with output piped): one prompt, then
/// lines until an empty line or end of input. Otherwise: everything (an empty pipe is an error
/// upstream, never a hang).
fn read_message() -> CliResult<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        crate::io::note(closer_guide::ui::ui("soften-paste").text());
        let mut lines = Vec::new();
        for line in stdin.lock().lines() {
            let line =
                line.map_err(|_| CliError::usage("expected UTF-8 text on standard input"))?;
            if line.trim().is_empty() {
                break;
            }
            lines.push(line);
        }
        return Ok(lines.join("\n"));
    }
    let mut bytes = Vec::new();
    stdin.lock().read_to_end(&mut bytes)?;
    String::from_utf8(bytes).map_err(|_| CliError::usage("expected UTF-8 text on standard input"))
}
