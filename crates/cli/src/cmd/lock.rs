//! `closer lock [--passphrase-fd N] [--new-passphrase-fd M]`: lock my journal with a passphrase,
//! or change it. The passphrase wraps a random data key (Argon2id, XChaCha20-Poly1305) and is
//! never stored; a wrong current passphrase says so and changes nothing.

use super::journal::{DbArgs, open, passphrase, say_done, store_err};
use crate::error::{CliError, CliResult};
use crate::io::interactive;
use closer_guide::journal as say;
use closer_store::OpenMode;

/// Lock my journal with a passphrase, or change the passphrase.
#[derive(clap::Args)]
pub struct Args {
    /// Read the new passphrase from this open file descriptor (for scripts).
    #[arg(long, value_name = "M")]
    new_passphrase_fd: Option<u32>,
    #[command(flatten)]
    db: DbArgs,
}

/// A new passphrase: from a descriptor, or typed twice at a terminal.
pub fn new_passphrase(fd: Option<u32>) -> CliResult<String> {
    if fd.is_some() {
        return passphrase(fd, "lock.new");
    }
    if !interactive() {
        return Err(CliError::usage(
            "a new passphrase is typed at a terminal, or given with --new-passphrase-fd M",
        ));
    }
    let a = rpassword::prompt_password(format!("{} ", say::text("lock.new")))?;
    let b = rpassword::prompt_password(format!("{} ", say::text("lock.again")))?;
    if a != b {
        return Err(CliError::usage(say::text("lock.mismatch")));
    }
    if a.is_empty() {
        return Err(CliError::usage("expected a passphrase, found nothing"));
    }
    Ok(a)
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

async fn run_async(args: Args) -> CliResult {
    let o = open(&args.db, OpenMode::Create, false).await?;
    if o.store.is_locked(&o.owner).await.map_err(store_err)? {
        let old = passphrase(args.db.passphrase_fd, "lock.old")?;
        let new = new_passphrase(args.new_passphrase_fd)?;
        o.store
            .change_passphrase(&o.owner, &old, &new)
            .await
            .map_err(store_err)?;
        o.store.close().await;
        say_done(&["lock.changed"], None)
    } else {
        // Without --new-passphrase-fd, --passphrase-fd gives the new passphrase of an unlocked
        // journal (there is no current one).
        let fd = args.new_passphrase_fd.or(args.db.passphrase_fd);
        let new = new_passphrase(fd)?;
        o.store.lock(&o.owner, &new).await.map_err(store_err)?;
        o.store
            .set_setting("lock_offered", "yes")
            .await
            .map_err(store_err)?;
        o.store.close().await;
        say_done(&["lock.done"], None)
    }
}
