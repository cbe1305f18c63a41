//! `closer export [--out FILE] [--moves-csv | --evidence]`: my whole journal as versioned JSON
//! (`"format": "closer-journal"`; `exported_at` is the only field that changes between two
//! exports), my moves as a moves CSV (DESIGN.md §10), or the evidence document: every entry,
//! incident and check-in in date order, notes word for word, `at`, `recorded_at`, edits and
//! imports, with a SHA-256 of its text printed on it, under a neutral file name; optionally
//! encrypted with a passphrase in the standard age format (`--encrypt`), so it opens with any
//! age tool as well as with closer.

use super::journal::{DbArgs, entry_lines, now, open, store_err};
use crate::error::{CliError, CliResult};
use crate::io::{emit, interactive, read_input, write_output};
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
    /// Encrypt the evidence document with a passphrase (the age file format: `age -d FILE`
    /// opens it too). The passphrase is typed twice at a terminal, or read from
    /// --passphrase-file; never given as an argument.
    #[arg(long, requires = "evidence")]
    encrypt: bool,
    /// With --encrypt: read the passphrase from the first line of this file (`-`: standard
    /// input).
    #[arg(long, value_name = "FILE", requires = "encrypt")]
    passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

/// Writes the export to `out`, or to standard output (data: the person's own records).
fn emit_to(out: Option<&PathBuf>, text: &str) -> CliResult {
    match out {
        Some(p) => write_output(p, text.as_bytes()),
        None => emit(text),
    }
}

/// The passphrase for an encrypted evidence document: the first line of --passphrase-file, or
/// typed twice at a terminal.
fn evidence_passphrase(file: Option<&PathBuf>) -> CliResult<String> {
    if let Some(f) = file {
        let text = read_input(f)?;
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            return Err(CliError::usage(format!(
                "--passphrase-file {}: expected a passphrase on its first line, found nothing",
                crate::io::input_name(f)
            )));
        }
        return Ok(line);
    }
    if !interactive() {
        return Err(CliError::usage(
            "--encrypt: type the passphrase at a terminal, or give --passphrase-file FILE (- for standard input)",
        ));
    }
    let a = rpassword::prompt_password(format!("{} ", say::text("evidence.passphrase")))?;
    let b = rpassword::prompt_password(format!("{} ", say::text("lock.again")))?;
    if a != b {
        return Err(CliError::usage(say::text("lock.mismatch")));
    }
    if a.is_empty() {
        return Err(CliError::usage("expected a passphrase, found nothing"));
    }
    Ok(a)
}

async fn run_async(args: Args) -> CliResult {
    let now = now();
    // The evidence passphrase is asked before the journal is opened, so a mistake costs nothing.
    let evidence_pass = if args.encrypt {
        Some(evidence_passphrase(args.passphrase_file.as_ref())?)
    } else {
        None
    };
    let o = open(&args.db, OpenMode::Existing, true).await?;
    if args.moves_csv {
        let entries = o.store.entries(&o.owner, None).await.map_err(store_err)?;
        let file = closer_store::to_moves_file(&entries);
        let mut buf = Vec::new();
        closer_domain::moves_csv::write(&mut buf, None, &file.moves)?;
        let text = String::from_utf8(buf).map_err(|e| CliError::Other(e.into()))?;
        return emit_to(args.out.as_ref(), &text);
    }
    if args.evidence {
        let doc = evidence(&o, now).await?;
        let day = closer_store::day_of(now, 0);
        let (name, bytes) = match &evidence_pass {
            Some(pass) => (
                format!("notes-{day}.txt.age"),
                closer_store::age::encrypt(doc.text.as_bytes(), pass, closer_store::age::LOG_N),
            ),
            None => (format!("notes-{day}.txt"), doc.text.into_bytes()),
        };
        let out = args.out.clone().unwrap_or_else(|| PathBuf::from(name));
        write_output(&out, &bytes)?;
        return emit(&format!("{}\nSHA-256 {}\n", out.display(), doc.hash));
    }
    let ex = o.store.export(&o.owner, now).await.map_err(store_err)?;
    emit_to(args.out.as_ref(), &ex.to_json())
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
            "{}  {}\n",
            local_time(i.data.at, i.data.offset_minutes),
            say::text("entry.incident")
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
            "{}  {} · {} {} · {} {} · {} {}\n",
            local_time(c.data.at, c.data.offset_minutes),
            say::text("entry.checkin"),
            say::text("entry.closeness"),
            r(c.data.closeness),
            say::text("entry.distress"),
            r(c.data.distress),
            say::text("entry.safety"),
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
