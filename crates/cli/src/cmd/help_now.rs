//! `closer help-now`: emergency advice and helplines, from `closer-safety`'s vetted list.
//!
//! Everything shown is assembled by `closer_safety::resources::help_now` and reaches the screen
//! as `Said`; this file only prints it. At a terminal it runs on the alternate screen
//! (`crate::term::Screen`), so nothing stays in the scrollback, and asks where the person is
//! when no region was given; piped, it prints plainly. Nothing is stored and nothing is written
//! to disk; the region is used for this run only.

use super::screen::show_paged;
use crate::error::{CliError, CliResult};
use closer_safety::resources::{self, HelpNow, HelpNowError, RegionPrompt};
use closer_safety::{Context, Policy, Said};

/// Emergency advice and helplines (details: `closer help-now --help`).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Where you are: a region code or a country name, any case: for example US, USA, United
    /// States, CA, Ontario, UK, England, Scotland, IE, AU, NZ, DE, FR, NL, ES, IN, ZA, BR,
    /// INTL (GB is accepted for UK). A sub-national region also shows its country's lines.
    /// Also read from CLOSER_REGION.
    #[arg(long, value_name = "PLACE")]
    region: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,
}

const AFTER_HELP: &str = "\
Every number comes from a vetted list (each entry seen on the organisation's own page or on at
least two independent reputable pages) and is shown with its source and the source's date.
Nothing is stored. At a terminal the page opens on a screen of its own that clears when you
close it, and asks where you are if no region was given.

Without a region: emergency advice, the list of regions, and an international directory.
A place we recognise but have no checked lines for (such as Brazil) says so plainly and gives
the emergency advice and the international directory. A place we do not recognise prints the
same page as no region, then exits with code 2 and lists the known regions on standard error.

--json prints {\"region\", \"regions\", \"said\": [{\"topic\", \"kind\", \"title\", \"text\",
\"tags\"}], \"resources\": [{\"region\", \"kind\", \"name\", \"title\", \"phone\", \"text\",
\"chat_url\", \"hours\", \"open_day_and_night\", \"serves\", \"source_url\", \"source_date\",
\"confidence\"}]} (text, hours and serves as written for people; title is the name as shown).";

/// The region from `--region`, else from `CLOSER_REGION` (blank counts as none).
pub fn region_arg(given: Option<String>) -> Option<String> {
    given
        .or_else(|| std::env::var("CLOSER_REGION").ok())
        .filter(|s| !s.trim().is_empty())
}

fn other(e: HelpNowError) -> CliError {
    CliError::Other(anyhow::anyhow!("{e}"))
}

/// The page for a region, or for none with the usage error to end with when the place was not
/// recognised.
fn page_for(region: Option<&str>, policy: &Policy) -> CliResult<(HelpNow, Option<CliError>)> {
    match resources::help_now(region, policy) {
        Ok(p) => Ok((p, None)),
        Err(e @ HelpNowError::UnknownRegion { .. }) => {
            let page = resources::help_now(None, policy).map_err(other)?;
            Ok((page, Some(CliError::usage(e.to_string()))))
        }
        Err(e) => Err(other(e)),
    }
}

pub fn run(args: Args) -> CliResult {
    // The help-now page is what someone who is not safe reads: reviewed in safety mode.
    let policy = Policy::new(Context::safety());
    let region = region_arg(args.region);
    if !args.json && crate::io::interactive() {
        return run_interactive(region, &policy);
    }
    let (page, err) = page_for(region.as_deref(), &policy)?;
    if args.json {
        crate::io::print_json(&page)?;
    } else {
        let out: String = page.said.iter().map(render).collect();
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`closer help-now | head`) is not worth an error.
        let _ = stdout.write_all(out.as_bytes());
    }
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// At a terminal: the page on the alternate screen, asking where the person is (once) when no
/// region was given. Dropping the screen clears it.
fn run_interactive(region: Option<String>, policy: &Policy) -> CliResult {
    let prompt = |w| resources::region_prompt(w).map_err(|e| CliError::Other(e.into()));
    let ask = prompt(RegionPrompt::Ask)?;
    let unknown = prompt(RegionPrompt::Unknown)?;
    let close = prompt(RegionPrompt::Close)?;
    let more = closer_safety::screen::prompt(closer_safety::screen::Prompt::More)
        .map_err(|e| CliError::Other(e.into()))?;
    let size = super::screen::TermSize::now();
    let mut term = crate::term::Screen::enter();
    let region = match region {
        Some(r) => Some(r),
        None => {
            term.show(&size.render(&ask));
            match term.ask("> ") {
                None => return Ok(()),
                Some(r) if r.eq_ignore_ascii_case("q") => return Ok(()),
                Some(r) if r.trim().is_empty() => None,
                Some(r) => Some(r),
            }
        }
    };
    let (page, err) = page_for(region.as_deref(), policy)?;
    term.clear();
    let mut items: Vec<String> = Vec::new();
    if err.is_some() {
        items.push(size.render(&unknown));
    }
    items.extend(page.said.iter().map(|s| size.render(s)));
    // Page by page: the private screen has no scrollback.
    if show_paged(&mut term, &size, &items, more.text()) {
        term.pause(&format!("{}\n", size.wrap(close.text(), "")));
    }
    drop(term);
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Plain text for one said item: headings stand out, entries are indented under their title.
fn render(s: &Said) -> String {
    if s.kind() == "heading" {
        return format!("== {} ==\n\n", s.title());
    }
    crate::io::render_said(s)
}
