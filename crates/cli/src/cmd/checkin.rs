//! `closer checkin [--closeness 0-10] [--distress 0-10] [--safety 0-10] [--note -] [--at TIME]`:
//! a daily check-in. At a terminal with no ratings given it asks each (skippable) on a private
//! screen that is cleared afterwards.

use super::journal::{DbArgs, now, open, parse_at, read_note, say_done, store_err};
use crate::error::{CliError, CliResult};
use crate::io::interactive;
use closer_guide::journal as say;
use closer_store::{NewCheckIn, OpenMode};

/// A daily check-in: how close, how overwhelmed, how safe I felt, and one optional note.
#[derive(clap::Args)]
pub struct Args {
    /// How close I felt, 0 to 10.
    #[arg(long, value_parser = |s: &str| scale("--closeness", s))]
    closeness: Option<u8>,
    /// How overwhelmed or distressed I felt, 0 to 10.
    #[arg(long, value_parser = |s: &str| scale("--distress", s))]
    distress: Option<u8>,
    /// How safe I felt, 0 to 10.
    #[arg(long, value_parser = |s: &str| scale("--safety", s))]
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

/// A rating given as an option, by the store's one rule for check-in answers
/// ([`NewCheckIn::scale`]); an empty value is refused here, since an option left out is no
/// answer already.
fn scale(field: &'static str, s: &str) -> Result<u8, String> {
    match NewCheckIn::scale(field, Some(s)) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(format!(
            "{field}: expected a whole number from 0 to 10, found nothing"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// A rating asked on the private screen: empty skips it; an answer off the scale is named with
/// what is expected and asked again.
fn rating(scr: &mut crate::term::Screen, field: &'static str, key: &str) -> Option<u8> {
    loop {
        let typed = scr.ask(&format!("{} ", say::text(key)))?;
        match NewCheckIn::scale(field, Some(&typed)) {
            Ok(v) => return v,
            Err(e) => scr.show(&format!("{e}\n")),
        }
    }
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
        c = rating(&mut scr, "closeness", "checkin.closeness");
        d = rating(&mut scr, "distress", "checkin.distress");
        s = rating(&mut scr, "safety", "checkin.safety");
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
            &NewCheckIn {
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
