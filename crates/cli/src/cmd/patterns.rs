//! `closer patterns MOVES.csv [--me A|B] [--gap HOURS] [--window START..END] [--json]`:
//! a couple's own moves read honestly (DESIGN.md §6). The numbers come from
//! `closer_analyze::episodes`, the words from `closer_guide::narrate_patterns`; this file only
//! parses arguments and prints.

use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, read_input};
use closer_analyze::episodes::{self, DEFAULT_GAP_HOURS, Options, View};
use closer_domain::{Person, Window, moves_csv};
use closer_guide::narrate_patterns;
use std::path::PathBuf;

/// Read a moves file honestly: episodes, how they start and end, with intervals and minimums.
///
/// With --me, only the rows you recorded yourself (recorded_by) are read; what you noted about
/// your partner is shown as your perception, and nothing states a rate of their behaviour.
/// Without --me, the file is read as one joint record (a simulation or a research file).
#[derive(clap::Args)]
pub struct Args {
    /// The moves CSV: `time,partner,move` and optional `kind,intensity,episode,way,recorded_by`
    /// (`-` reads standard input). Without it, my own journal is read (`--db`, `CLOSER_DB` or the
    /// default journal).
    pub file: Option<PathBuf>,
    /// Read only the rows this person recorded (A or B). Rows with no `recorded_by` are not
    /// theirs and are left out; a file without a `recorded_by` column is refused.
    #[arg(long, value_name = "A|B")]
    pub me: Option<Person>,
    /// Hours of quiet that separate two episodes, for moves without an `episode` label.
    #[arg(long, value_name = "HOURS", default_value_t = DEFAULT_GAP_HOURS)]
    pub gap: f64,
    /// The observation window in hours (wins over the file's `# window:` line).
    #[arg(long, value_name = "START..END")]
    pub window: Option<Window>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: super::journal::DbArgs,
}

/// Files at least this long (about a hundred thousand rows) show progress on stderr.
const LONG_FILE_BYTES: usize = 2_000_000;

pub fn run(args: Args) -> CliResult {
    if !(args.gap.is_finite() && args.gap > 0.0) {
        return Err(CliError::usage(format!(
            "--gap: expected a positive number of hours, found {}",
            args.gap
        )));
    }
    let Some(path) = &args.file else {
        return journal(&args);
    };
    let name = crate::io::input_name(path);
    let text = read_input(path)?;
    // A long file tells on stderr what is being done (a million rows take a few seconds).
    let long = text.len() >= LONG_FILE_BYTES;
    let say = |msg: &str| {
        if long {
            crate::io::note(&format!("closer patterns: {msg}"));
        }
    };
    say("reading the moves");
    let file = moves_csv::parse(&text, &name)?;
    say(&format!(
        "finding episodes in {} moves and summarising them",
        file.moves.len()
    ));
    let opts = Options {
        view: args.me.map(View::Own).unwrap_or(View::Joint),
        gap: args.gap,
        window: args.window,
        ..Options::default()
    };
    let report =
        episodes::analyze(&file, &opts).map_err(|e| CliError::usage(format!("{name}: {e}")))?;
    let out = narrate_patterns::narrate(&narrate_patterns::policy(), &report)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    if args.json {
        return crate::io::emit_versioned(&out, "patterns");
    }
    emit_page(&page(&out))
}

/// Findings are printed one to a line, unwrapped, as they always were: a line per finding is
/// what people (and scripts) read, search and compare between runs.
const ONE_LINE_EACH: usize = 100_000;

/// The findings as words: what was read and over which window, each finding, then the notes.
fn page(out: &narrate_patterns::PatternsOut) -> Page {
    let mut page = Page::with_width(ONE_LINE_EACH);
    page.text(&out.record, 0).text(&out.window.text, 0).blank();
    for f in &out.findings {
        page.bullet(&f.text);
    }
    page.blank();
    for n in &out.notes {
        page.text(n, 0);
    }
    page
}

/// My own journal: only my own entries, read as mine (what I noted of my partner is my
/// perception); the journal view is always personal and shown on the private screen.
fn journal(args: &Args) -> CliResult {
    if args.me.is_some() || args.window.is_some() {
        return Err(CliError::usage(
            "--me and --window apply to a moves file; the journal is always read as yours",
        ));
    }
    let out = closer_store::runtime()?.block_on(async {
        let o = super::journal::open(&args.db, closer_store::OpenMode::Existing, true).await?;
        super::report::journal_patterns(&o, args.gap).await
    })?;
    if args.json {
        return crate::io::emit_versioned(&out, "patterns");
    }
    super::journal::show_private(page(&out).as_str())
}
