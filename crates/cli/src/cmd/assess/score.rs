//! `closer assess score`: subscale scores per respondent, the research summary for larger
//! files, and for one person their own reading, map region, percentiles and safety signs.

use super::{Reading, keep, own_error, region_of, score_file, setup, tables, withheld};
use crate::cmd::journal::DbArgs;
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, emit_versioned};
use closer_guide::measure_view::assess as va;
use closer_guide::narrate_measure as nm;
use closer_measure::quadrant::Rule;
use std::path::PathBuf;

/// Score a responses file: subscale scores per respondent; for research files (30 or more
/// respondents) means, SDs, alpha, SEM and item–total correlations.
///
/// Reverse-keyed items are scored as (min + max − answer) on the scale given. Scores stay on
/// that scale unless --rescale is given. A subscale is scored with at most one missing item,
/// and only if it has six or more items; otherwise it is left unscored.
///
/// For one person (a one-row file) the attachment instruments show both scores, a plain reading,
/// and a region of the attachment map as a secondary label with its rule; the ECR answered on
/// 1–5 also shows percentiles against the public ECR sample (self-selected, online).
#[derive(clap::Args)]
pub(super) struct ScoreArgs {
    #[command(flatten)]
    reading: Reading,
    /// The responses CSV (`-` reads standard input).
    file: PathBuf,
    /// Report scores on the instrument's published scale (a labelled linear rescaling).
    #[arg(long)]
    rescale: bool,
    /// The rule for the secondary region label: midpoint (default) or functions (the
    /// classification functions; ECR and ECR-R answered on 1–7 only).
    #[arg(long, value_parser = ["midpoint", "functions"], default_value = "midpoint")]
    quadrant: String,
    /// Show every row's CPQ threat, name-calling and aggression answers (other people's private
    /// information: only for researchers entitled to see them).
    #[arg(long)]
    research: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// Print the per-respondent scores as CSV (one row per respondent: line, each subscale,
    /// missing answers per subscale, the map region and percentiles where they apply, signals
    /// where shown); the notes, and where one person's answers lead, go to stderr.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// Keep these scores (and the answers) in your journal: one person's own answers only (a
    /// one-row file). Without it, at a terminal, you are asked after the scores are shown, and
    /// nothing is kept unless you say yes.
    #[arg(long)]
    keep: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub(super) fn run_score(a: ScoreArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let rule = if a.quadrant == "functions" {
        Rule::Functions
    } else {
        Rule::Midpoint
    };
    let (resp, scored) = score_file(&a.file, inst, order, scale, &a.reading, a.rescale)?;
    let region = region_of(&a.reading)?;
    let n = scored.respondents.len();
    // Data on stdout (JSON or CSV): nothing is asked there, and a confirmation goes to stderr.
    let data = a.json || a.csv;
    let keeping = keep::decide(a.keep, n, data)?;
    let journal = keep::open_first(keeping, &a.db)?;
    let record = |at: i64| keep::record(&inst.id, &resp, &scored, at);
    let file = crate::io::input_name(&a.file);
    let v = va::score_view(va::ScoreInput {
        instrument: inst,
        order,
        responses: &resp,
        scored: &scored,
        rule,
        research: a.research,
        region: region.as_deref(),
        file: &file,
    })
    .map_err(own_error)?;
    // About the request: said at once on stderr too (JSON readers get it in `notes`).
    if let Some(s) = &v.top_unused {
        crate::io::note(s.text());
    }

    if a.json {
        emit_versioned(&v.document(), "score")?;
        return keep::keep(keeping, journal, &a.db, data, record);
    }
    if a.csv {
        // The words stay with the data, on stderr: one person's safety help first, then the
        // notes (the top-of-scale one was said already).
        let notes = v.notes.iter().filter(|s| v.top_unused.as_ref() != Some(*s));
        let mut page = Page::new();
        for s in v.signal_said.iter().chain(notes) {
            page.entry(s);
        }
        crate::io::note(page.as_str().trim_end());
        emit_csv(&v.csv_table())?;
        return keep::keep(keeping, journal, &a.db, data, record);
    }

    let p = &v.policy;
    let mut page = Page::new();
    // With a safety sign, safety help and the numbers lead: shown before anything else.
    if v.lead {
        page.entries(&v.signal_said);
    }
    page.entry(&v.notes[0]);
    if v.one {
        page.entries(&v.reading);
    } else {
        page.line(&nm::respondents_count(p, n).map_err(withheld)?);
        if n <= 50 {
            tables::scores(&mut page, &scored, &v.hidden);
        } else {
            page.line(&nm::per_respondent_pointer(p).map_err(withheld)?);
        }
        if let (Some(sum), Some(it)) = (&scored.summary, &scored.item_total) {
            let heading = nm::item_total_heading(p).map_err(withheld)?;
            tables::summary(&mut page, &scored, sum, it, &heading);
        }
        if a.research && v.has_pairs {
            let heading = nm::research_signals_heading(p).map_err(withheld)?;
            tables::signals(&mut page, &scored, &v.row_signals, &heading);
        }
    }
    for s in v.notes.iter().skip(1) {
        page.entry(s);
    }
    if !v.lead {
        page.entries(&v.signal_said);
    }
    emit_page(&page)?;
    keep::keep(keeping, journal, &a.db, data, record)
}

/// The per-respondent table through `csv::Writer`: numbers and identifiers, data not words.
#[allow(clippy::disallowed_methods)] // data: per-respondent scores as CSV
fn emit_csv(t: &va::CsvTable) -> CliResult {
    let mut w = csv::Writer::from_writer(Vec::new());
    let other = |e: csv::Error| CliError::Other(e.into());
    w.write_record(&t.header).map_err(other)?;
    for r in &t.records {
        w.write_record(r).map_err(other)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))?;
    crate::io::emit(&String::from_utf8(bytes).map_err(|e| CliError::Other(e.into()))?)
}
