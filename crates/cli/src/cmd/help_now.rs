//! `closer help-now`: emergency advice and helplines, from `closer-safety`'s vetted list.
//!
//! Everything shown is assembled by `closer_safety::resources::help_now` and reaches the screen
//! as `Said`; this file only prints it. Nothing is stored and nothing is written to disk.

use crate::error::{CliError, CliResult};
use closer_safety::resources::{self, HelpNowError};
use closer_safety::{Context, Policy, Said};

/// Emergency advice and helplines (details: `closer help-now --help`).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Region code, any case: for example US, CA, CA-QC, UK, UK-SCT, IE, AU, NZ, DE, FR, NL, ES,
    /// IN, ZA, INTL (GB is accepted for UK). A sub-national code also shows its country's lines.
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long)]
    json: bool,
}

const AFTER_HELP: &str = "\
Every number comes from a vetted list (each entry seen on the organisation's own page or on at
least two independent reputable pages) and is shown with its source and the source's date.
Nothing is stored.

Without --region: emergency advice, the list of regions, and an international directory.
An unknown region exits with code 2 and lists the known ones.

--json prints {\"region\", \"regions\", \"said\": [{\"topic\", \"kind\", \"title\", \"text\",
\"tags\"}], \"resources\": [{\"region\", \"kind\", \"name\", \"phone\", \"text\", \"chat_url\",
\"hours\", \"serves\", \"source_url\", \"source_date\", \"confidence\"}]}.";

pub fn run(args: Args) -> CliResult {
    // The help-now page is what someone who is not safe reads: reviewed in safety mode.
    let policy = Policy::new(Context::safety());
    let page = resources::help_now(args.region.as_deref(), &policy).map_err(|e| match e {
        HelpNowError::UnknownRegion { .. } => CliError::usage(e.to_string()),
        HelpNowError::Withheld(_) => CliError::Other(anyhow::anyhow!("{e}")),
    })?;
    if args.json {
        return crate::io::print_json(&page);
    }
    let mut out = String::new();
    for s in &page.said {
        out.push_str(&render(s));
    }
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`closer help-now | head`) is not worth an error.
    let _ = stdout.write_all(out.as_bytes());
    Ok(())
}

/// Plain text for one said item: headings stand out, entries are indented under their title.
fn render(s: &Said) -> String {
    if s.kind() == "heading" {
        return format!("== {} ==\n\n", s.title());
    }
    crate::io::render_said(s)
}
