//! `closer report --out FILE.html`: one self-contained, printable page of my own entries'
//! patterns, my check-ins over time and my kept questionnaire results, with the charts inline
//! (SVG from `closer-chart`); nothing is fetched from anywhere. Every sentence comes from
//! `closer-guide`; the fixed "one person's own record" line is added here, on every report.

use super::journal::{DbArgs, Opened, open, store_err};
use crate::error::{CliError, CliResult};
use crate::io::{emit, write_output};
use closer_analyze::episodes::{self, Options, View};
use closer_domain::Person;
use closer_guide::{journal as say, narrate_patterns, record_charts};
use closer_store::OpenMode;
use std::path::PathBuf;

/// One printable page of my own journal, for me or to take to a therapist.
#[derive(clap::Args)]
pub struct Args {
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    out: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

/// My own patterns, from my own entries only, with the honesty rules of `closer patterns`.
pub async fn journal_patterns(o: &Opened, gap: f64) -> CliResult<narrate_patterns::PatternsOut> {
    let entries = o.store.entries(&o.owner, None).await.map_err(store_err)?;
    let file = closer_store::to_moves_file(&entries);
    let opts = Options {
        view: View::Own(Person::A),
        gap,
        ..Options::default()
    };
    let report =
        episodes::analyze(&file, &opts).map_err(|e| CliError::usage(format!("journal: {e}")))?;
    narrate_patterns::narrate(&narrate_patterns::policy(), &report)
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page for the journal's owner (a pure function of what they may see).
pub async fn page(o: &Opened) -> CliResult<String> {
    let pat = journal_patterns(o, episodes::DEFAULT_GAP_HOURS).await?;
    let checkins = o.store.checkins(&o.owner).await.map_err(store_err)?;
    let measures = o.store.assessments(&o.owner).await.map_err(store_err)?;
    let mut h = String::new();
    h.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str(&format!(
        "<title>{}</title>\n",
        esc(&say::text("report.title"))
    ));
    h.push_str("<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.45;color:#111}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}.record{border:1px solid #444;padding:.6rem}svg{max-width:100%;height:auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}@media print{.noprint{display:none}}</style>\n");
    h.push_str("</head><body>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&say::text("report.title"))));
    h.push_str(&format!(
        "<p class=\"record\">{}</p>\n",
        esc(&say::text("report.record-line"))
    ));
    h.push_str(&format!(
        "<p class=\"noprint\">{}</p>\n",
        esc(&say::text("report.print"))
    ));

    h.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&say::text("report.patterns"))
    ));
    h.push_str(&format!("<p>{}</p>\n", esc(pat.record.text())));
    h.push_str(&format!("<p>{}</p>\n<ul>\n", esc(pat.window.text.text())));
    for f in &pat.findings {
        h.push_str(&format!("<li>{}</li>\n", esc(f.text.text())));
    }
    h.push_str("</ul>\n");
    for n in &pat.notes {
        h.push_str(&format!("<p>{}</p>\n", esc(n.text())));
    }

    h.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&say::text("report.checkins"))
    ));
    if checkins.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>\n",
            esc(&say::text("report.checkins-none"))
        ));
    } else {
        // The chart and its minimum are the browser's (`record_charts::checkins`): below
        // the minimum, the sentence saying there are not enough check-ins yet, and no chart.
        // These are a person's own check-ins, not a model: the record's own line goes under
        // the caption instead of the model's.
        let points: Vec<record_charts::CheckinPoint> = checkins
            .iter()
            .map(|c| record_charts::CheckinPoint {
                at: c.data.at,
                closeness: c.data.closeness,
                distress: c.data.distress,
                safety: c.data.safety,
            })
            .collect();
        let chart = record_charts::checkins(&points, closer_chart::DESKTOP);
        match &chart.svg {
            Some(svg) => h.push_str(&format!(
                "<figure>{svg}<figcaption>{}</figcaption></figure>\n",
                esc(chart.text.text())
            )),
            None => h.push_str(&format!(
                "<p class=\"not-enough\">{}</p>\n",
                esc(chart.text.text())
            )),
        }
    }

    h.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&say::text("report.measures"))
    ));
    if measures.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>\n",
            esc(&say::text("report.measures-none"))
        ));
    } else {
        h.push_str("<table>\n");
        for m in &measures {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&closer_store::day_of(m.data.at, 0)),
                esc(&m.data.instrument),
                esc(&m.data.scores.to_string())
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str(&format!(
        "<p class=\"record\">{}</p>\n</body></html>\n",
        esc(&say::text("report.record-line"))
    ));
    Ok(h)
}

async fn run_async(args: Args) -> CliResult {
    let o = open(&args.db, OpenMode::Existing, true).await?;
    let html = page(&o).await?;
    write_output(&args.out, html.as_bytes())?;
    emit(&format!("{}\n", args.out.display()))
}
