//! `closer forget [--yes]`: delete all of my journal. SQLite: secure_delete, VACUUM,
//! wal_checkpoint(TRUNCATE), the database, `-wal` and `-shm` files overwritten and removed (the
//! wrapped key with them); then it says what it cannot erase. Without --yes and without a
//! terminal it refuses (exit 2).

use super::journal::{DbArgs, open, say_done, store_err};
use crate::error::{CliError, CliResult};
use crate::io::interactive;
use closer_guide::journal as say;
use closer_store::{Location, OpenMode};

/// Delete all of my journal from this computer (asks first).
#[derive(clap::Args)]
pub struct Args {
    /// Delete without asking (needed without a terminal).
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

async fn run_async(args: Args) -> CliResult {
    if !args.yes && !interactive() {
        return Err(CliError::usage(
            "forget: without a terminal, give --yes to delete the journal",
        ));
    }
    // Forgetting needs no passphrase: the file could be deleted anyway.
    let o = open(&args.db, OpenMode::Existing, false).await?;
    if !args.yes {
        let mut s = crate::term::Screen::enter();
        let answer = s.ask(&format!("{} ", say::text("forget.confirm")));
        drop(s);
        if answer.as_deref().map(str::to_lowercase).as_deref() != Some("forget") {
            return say_done(&["forget.kept"], None);
        }
    }
    let default = matches!(
        (&o.location, closer_store::location::default_path()),
        (Location::Sqlite(p), Ok(d)) if *p == d
    );
    let path = match &o.location {
        Location::Sqlite(p) => Some(p.clone()),
        Location::Postgres(_) => None,
    };
    o.store.forget(&o.owner).await.map_err(store_err)?;
    // The default folder is closer's own: once empty, it goes too.
    if default
        && let Some(dir) = path.as_ref().and_then(|p| p.parent())
        && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
    {
        let _ = std::fs::remove_dir(dir);
    }
    say_done(&["forget.done", "forget.cannot"], None)
}
