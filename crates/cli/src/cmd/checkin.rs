//! `closer checkin [--closeness 0-10] [--distress 0-10] [--safety 0-10] [--note -] [--at TIME]`:
//! a daily check-in. At a terminal with no ratings given it asks each (skippable) on a private
//! screen that is cleared afterwards.

use super::journal::{DbArgs, now, open, parse_at, read_note, say_done, store_err};
use crate::error::{CliError, CliResult};
use crate::io::interactive;
use closer_guide::journal as say;
use closer_store::OpenMode;

/// A daily check-in: how close, how overwhelmed, how safe I felt, and one optional note.
#[derive(clap::Args)]
pub struct Args {
    /// How close I felt, 0 to 10.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
    closeness: Option<u8>,
    /// How overwhelmed or distressed I felt, 0 to 10.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
    distress: Option<u8>,
    /// How safe I felt, 0 to 10.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
    safety: Option<u8>,
    /// `-`: read my note from standard input.
    #[arg(long, value_name = "-")]
    note: Option<String>,
    /// When (default now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

fn rating(s: Option<String>) -> Option<u8> {
    s?.trim().parse::<u8>().ok().filter(|v| *v <= 10)
}

async fn run_async(args: Args) -> CliResult {
    let now = now();
    let at = match &args.at {
        Some(s) => parse_at("--at", s, now)?,
        None => (now, 0),
    };
    let (mut c, mut d, mut s) = (args.closeness, args.distress, args.safety);
    let mut note = read_note(args.note.as_deref())?;
    let asking = c.is_none() && d.is_none() && s.is_none() && note.is_none();
    if asking && !interactive() {
        return Err(CliError::usage(
            "checkin: expected at least one of --closeness, --distress, --safety, --note - (without a terminal, closer cannot ask)",
        ));
    }
    let o = open(&args.db, OpenMode::Create, true).await?;
    if asking {
        let mut scr = crate::term::Screen::enter();
        scr.show(&format!("{}\n\n", say::text("checkin.intro")));
        c = rating(scr.ask(&format!("{} ", say::text("checkin.closeness"))));
        d = rating(scr.ask(&format!("{} ", say::text("checkin.distress"))));
        s = rating(scr.ask(&format!("{} ", say::text("checkin.safety"))));
        note = scr
            .ask(&format!("{} ", say::text("checkin.note")))
            .filter(|n| !n.trim().is_empty());
        drop(scr);
        if c.is_none() && d.is_none() && s.is_none() && note.is_none() {
            return Ok(());
        }
    }
    o.store
        .add_checkin(
            &o.owner,
            &closer_store::NewCheckIn {
                at: at.0,
                offset_minutes: at.1,
                closeness: c,
                distress: d,
                safety: s,
                note: note.clone(),
            },
            now,
        )
        .await
        .map_err(store_err)?;
    o.store.close().await;
    say_done(&["checkin.kept"], note.as_deref())
}
