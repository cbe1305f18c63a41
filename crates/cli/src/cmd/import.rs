//! `closer import FILE`: bring a `closer export` file into my journal, all or nothing. Every
//! imported record is marked with the time of the import (the evidence export prints it).

use super::journal::{DbArgs, now, open, say_done, store_err};
use crate::error::{CliError, CliResult};
use crate::io::read_input;
use closer_guide::words;
use closer_store::{Export, OpenMode};
use std::collections::HashSet;
use std::path::PathBuf;

/// Import a journal export (JSON from `closer export`), all or nothing.
#[derive(clap::Args)]
pub struct Args {
    /// The export file.
    file: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

async fn run_async(args: Args) -> CliResult {
    let name = args.file.display().to_string();
    let text = read_input(&args.file)?;
    // The whole file is checked before the journal is opened or created.
    let ex = Export::parse(&text, &name).map_err(|e| CliError::usage(e.to_string()))?;
    // Exports hold the lists' own spellings, so an exact match is checked first (a set lookup)
    // and only other spellings go through the lists' tolerant matching.
    let feelings: HashSet<&str> = words::feelings().iter().map(String::as_str).collect();
    let needs: HashSet<&str> = words::needs().iter().map(String::as_str).collect();
    for (i, e) in ex.entries.iter().enumerate() {
        for f in &e.data.feelings {
            if !feelings.contains(f.as_str()) && words::find(words::feelings(), f).is_none() {
                return Err(CliError::usage(format!(
                    "{name}: entries[{i}].feelings: expected words from the list, found {f:?}"
                )));
            }
        }
        for n in &e.data.needs {
            if !needs.contains(n.as_str()) && words::find(words::needs(), n).is_none() {
                return Err(CliError::usage(format!(
                    "{name}: entries[{i}].needs: expected words from the list, found {n:?}"
                )));
            }
        }
    }
    let o = open(&args.db, OpenMode::Create, true).await?;
    o.store
        .import(&o.owner, &ex, now())
        .await
        .map_err(store_err)?;
    o.store.close().await;
    say_done(&["import.done"], None)
}
