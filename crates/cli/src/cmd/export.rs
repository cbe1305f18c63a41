//! `closer export [--out FILE] [--moves-csv | --evidence]`: my whole journal as versioned JSON
//! (`"format": "closer-journal"`; `exported_at` is the only field that changes between two
//! exports), my moves as a moves CSV (DESIGN.md §10), or the evidence document: every entry,
//! incident and check-in in date order, notes word for word, `at`, `recorded_at`, edits and
//! imports, with a SHA-256 of its text printed on it, under a neutral file name; optionally
//! encrypted with a passphrase in the standard age format (`--encrypt`), so it opens with any
//! age tool as well as with closer.

use super::journal::{DbArgs, now, open, store_err};
use crate::error::{CliError, CliResult};
use crate::io::{emit, interactive, read_input, write_output};
use closer_guide::journal as say;
use closer_store::OpenMode;
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

/// The evidence document of the opened journal: `closer_store::evidence` in the guide's words
/// (the browser's "print my record" makes the same bytes).
pub async fn evidence(
    o: &super::journal::Opened,
    now: i64,
) -> CliResult<closer_store::evidence::Document> {
    let ev = o.store.evidence(&o.owner, now).await.map_err(store_err)?;
    Ok(ev.document(&closer_guide::evidence::word))
}
