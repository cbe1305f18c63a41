//! `closer assess change`: change between two administrations against measurement error (the
//! reliable-change index), pair by pair, with one person's own safety signs routed.

use super::{Reading, own_error, region_of, score_file, setup, withheld};
use crate::error::{CliError, CliResult};
use crate::io::{Page, emit_page, emit_versioned};
use closer_guide::measure_view::assess as va;
use closer_guide::narrate_measure as nm;
use closer_measure::change;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Change between two administrations: the difference, its standard error of measurement and
/// the Jacobson–Truax reliable-change index (RCI = (after − before) / (√2 · SEM), SEM =
/// SD · √(1 − reliability)). Rows of the two files are paired in order.
///
/// Reliability and SD come from --reliability and --sd, or from values documented for the
/// instrument on the scale given (only the ECR on 1–5 has them, computed from the public data);
/// otherwise the command asks for them.
#[derive(clap::Args)]
pub(super) struct ChangeArgs {
    #[command(flatten)]
    reading: Reading,
    /// Answers from the first time (`-` reads standard input, for one of the two).
    #[arg(long)]
    before: PathBuf,
    /// Answers from the second time (`-` reads standard input, for one of the two).
    #[arg(long)]
    after: PathBuf,
    /// Reliability: one value for every subscale (0.9) or per subscale (anxiety=0.9,avoidance=0.92).
    #[arg(long)]
    reliability: Option<String>,
    /// Standard deviation of the scores in a comparable sample: one value or per subscale.
    #[arg(long)]
    sd: Option<String>,
    /// With files of more than one row, also show each pair's CPQ demand scores, which contain
    /// the threat and name-calling items (other people's private information: only for
    /// researchers entitled to see them).
    #[arg(long)]
    research: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

pub(super) fn run_change(a: ChangeArgs) -> CliResult {
    let (inst, order, scale) = setup(&a.reading)?;
    let region = region_of(&a.reading)?;
    if a.before.as_os_str() == "-" && a.after.as_os_str() == "-" {
        return Err(CliError::usage(
            "--before and --after: only one of the two files can be standard input (-)",
        ));
    }
    let (before_resp, before) = score_file(&a.before, inst, order, scale, &a.reading, false)?;
    let (after_resp, after) = score_file(&a.after, inst, order, scale, &a.reading, false)?;
    let ids: Vec<&str> = before.subscales.iter().map(|s| s.id.as_str()).collect();
    let err = |e: change::ChangeError| CliError::usage(e.to_string());
    let r = match &a.reliability {
        Some(t) => change::parse_values("reliability", t, &ids).map_err(err)?,
        None => BTreeMap::new(),
    };
    let sd = match &a.sd {
        Some(t) => change::parse_values("sd", t, &ids).map_err(err)?,
        None => BTreeMap::new(),
    };
    let params = change::resolve(inst, &before, &r, &sd).map_err(err)?;
    let pairs = change::change(&before, &after, &params).map_err(err)?;
    let files = (
        crate::io::input_name(&a.before),
        crate::io::input_name(&a.after),
    );
    let v = va::change_view(va::ChangeInput {
        instrument: inst,
        order,
        before: (&before_resp, &before),
        after: (&after_resp, &after),
        pairs,
        research: a.research,
        region: region.as_deref(),
        files: (&files.0, &files.1),
    })
    .map_err(own_error)?;
    // About the request: said at once on stderr too (JSON readers get it in `notes`).
    for s in &v.top_unused {
        crate::io::note(s.text());
    }
    if a.json {
        return emit_versioned(&v.document(), "change");
    }
    let mut page = Page::new();
    // With a safety sign, safety help and the numbers lead: shown before anything else.
    if v.lead {
        page.entries(&v.signal_said);
    }
    page.entry(&v.notes[0]);
    for (pc, said) in v.pairs.iter().zip(&v.per_pair) {
        if v.pairs.len() > 1 {
            let h = nm::pair_heading(&v.policy, pc.before_line, pc.after_line).map_err(withheld)?;
            page.line(&h);
        }
        page.entries(said);
    }
    for s in v.notes.iter().skip(1) {
        page.entry(s);
    }
    if !v.lead {
        page.entries(&v.signal_said);
    }
    emit_page(&page)
}
