//! `closer export [--out FILE] [--moves-csv | --evidence]`: my whole journal as versioned JSON
//! (`"format": "closer-journal"`; `exported_at` is the only field that changes between two
//! exports), my moves as a moves CSV (DESIGN.md §10), or the evidence document: every entry,
//! incident and check-in in date order, notes word for word, `at`, `recorded_at`, edits and
//! imports, with a SHA-256 of its text printed on it, under a neutral file name.

use super::journal::{DbArgs, entry_lines, now, open, store_err};
use crate::error::CliResult;
use crate::io::write_output;
use closer_guide::journal as say;
use closer_store::{OpenMode, local_time, rfc3339};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Export my journal: complete JSON (default), a moves CSV, or an evidence document.
#[derive(clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output (the evidence document defaults to a
    /// neutral name, notes-YYYY-MM-DD.txt, in the current folder).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// My moves as a moves CSV (time in hours since 1970, partner A = me, B = my perception of
    /// my partner, recorded_by A).
    #[arg(long, conflicts_with = "evidence")]
    moves_csv: bool,
    /// A printable record in date order with a SHA-256 of its text.
    #[arg(long)]
    evidence: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

fn emit(out: Option<&PathBuf>, bytes: &[u8]) -> CliResult {
    match out {
        Some(p) => write_output(p, bytes),
        None => {
            use std::io::Write;
            let mut o = std::io::stdout().lock();
            o.write_all(bytes)?;
            Ok(())
        }
    }
}

async fn run_async(args: Args) -> CliResult {
    let now = now();
    let o = open(&args.db, OpenMode::Existing, true).await?;
    if args.moves_csv {
        let entries = o.store.entries(&o.owner, None).await.map_err(store_err)?;
        let file = closer_store::to_moves_file(&entries);
        let mut buf = Vec::new();
        closer_domain::moves_csv::write(&mut buf, None, &file.moves)?;
        return emit(args.out.as_ref(), &buf);
    }
    if args.evidence {
        let doc = evidence(&o, now).await?;
        let out = args.out.clone().unwrap_or_else(|| {
            PathBuf::from(format!("notes-{}.txt", closer_store::day_of(now, 0)))
        });
        write_output(&out, doc.text.as_bytes())?;
        println!("{}", out.display());
        println!("SHA-256 {}", doc.hash);
        return Ok(());
    }
    let ex = o.store.export(&o.owner, now).await.map_err(store_err)?;
    emit(args.out.as_ref(), ex.to_json().as_bytes())
}

struct Evidence {
    text: String,
    hash: String,
}

fn marks(recorded_at: i64, edited: &[i64], imported: Option<i64>) -> String {
    let mut s = format!("  recorded_at {}\n", rfc3339(recorded_at));
    for t in edited {
        s.push_str(&format!(
            "  {} {}\n",
            say::text("evidence.edited"),
            rfc3339(*t)
        ));
    }
    if let Some(t) = imported {
        s.push_str(&format!(
            "  {} {}\n",
            say::text("evidence.imported"),
            rfc3339(t)
        ));
    }
    s
}

async fn evidence(o: &super::journal::Opened, now: i64) -> CliResult<Evidence> {
    let mut items: Vec<(i64, i64, String)> = Vec::new();
    for e in o.store.entries(&o.owner, None).await.map_err(store_err)? {
        let mut s = entry_lines(&e);
        s.push_str(&marks(
            e.data.recorded_at,
            &e.data.edited_at,
            e.data.imported_at,
        ));
        items.push((e.data.at, e.data.recorded_at, s));
    }
    for i in o.store.incidents(&o.owner).await.map_err(store_err)? {
        let mut s = format!(
            "{}  incident\n",
            local_time(i.data.at, i.data.offset_minutes)
        );
        for l in i.data.text.lines() {
            s.push_str(&format!("    │ {l}\n"));
        }
        s.push_str(&marks(i.data.recorded_at, &[], i.data.imported_at));
        items.push((i.data.at, i.data.recorded_at, s));
    }
    for c in o.store.checkins(&o.owner).await.map_err(store_err)? {
        let r = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
        let mut s = format!(
            "{}  check-in · closeness {} · distress {} · safety {}\n",
            local_time(c.data.at, c.data.offset_minutes),
            r(c.data.closeness),
            r(c.data.distress),
            r(c.data.safety)
        );
        if let Some(n) = &c.data.note {
            for l in n.lines() {
                s.push_str(&format!("    │ {l}\n"));
            }
        }
        s.push_str(&marks(c.data.recorded_at, &[], c.data.imported_at));
        items.push((c.data.at, c.data.recorded_at, s));
    }
    items.sort_by_key(|a| (a.0, a.1));
    let mut text = format!(
        "{}\n{}\n\n{}\n\n{} {}\n\n",
        say::text("evidence.title"),
        say::text("report.record-line"),
        say::text("evidence.advice"),
        "exported_at",
        rfc3339(now)
    );
    for (_, _, s) in &items {
        text.push_str(s);
        text.push('\n');
    }
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    text.push_str(&format!("----\n{}: {hash}\n", say::text("evidence.hash")));
    Ok(Evidence { text, hash })
}
