//! `closer log MOVE [--partner-move MOVE] [--feeling WORD]... [--need WORD]... [--intensity 0-10]
//! [--way WAY] [--note -] [--at TIME] [--db PATH_OR_URL]`: record a moment in my journal.
//!
//! At a terminal without MOVE it asks one field at a time (each skippable); the first time at a
//! terminal it offers the lock, yes by default. Without a terminal it needs MOVE and never asks.

use super::journal::{
    DbArgs, now, open, parse_at, parse_move, parse_way, pick_words, read_note, say_done, store_err,
};
use crate::error::{CliError, CliResult};
use crate::io::interactive;
use crate::term::Screen;
use closer_domain::MoveType;
use closer_guide::{journal as say, words};
use closer_store::{Actor, NewEntry, OpenMode};

/// Record a moment: my move, how I saw my partner's, feelings, needs, intensity, a note.
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// My move: reach, withdraw, break, turn_toward, repair, return. Without it, at a terminal,
    /// closer asks.
    #[arg(value_name = "MOVE")]
    move_type: Option<String>,
    /// How I saw my partner's move (kept as my perception, never shared).
    #[arg(long, value_name = "MOVE")]
    partner_move: Option<String>,
    /// A feeling from the list (repeat for several).
    #[arg(long = "feeling", value_name = "WORD")]
    feelings: Vec<String>,
    /// A need from the list (repeat for several).
    #[arg(long = "need", value_name = "WORD")]
    needs: Vec<String>,
    /// How strong it was, 0 to 10.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
    intensity: Option<u8>,
    /// The way of responding I tried: pause, curious, space, name, stay, explore.
    #[arg(long, value_name = "WAY")]
    way: Option<String>,
    /// `-`: read my note from standard input (text is never taken as an argument).
    #[arg(long, value_name = "-")]
    note: Option<String>,
    /// When it happened (default now): RFC 3339, `YYYY-MM-DD HH:MM` (UTC) or `YYYY-MM-DD`.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

const AFTER_HELP: &str = "\
The journal is a SQLite file in this computer's local data folder (folder 0700, file 0600),
or --db PATH_OR_URL / CLOSER_DB. `recorded_at` is set by closer and never changes.
A note is read for risk like all free text; it is kept exactly as written.";

const MOVES: [&str; 6] = [
    "reach",
    "withdraw",
    "break",
    "turn_toward",
    "repair",
    "return",
];

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

/// The fields of one moment, from flags or from the prompts.
struct Moment {
    mine: Option<(MoveType, Option<String>)>,
    partner: Option<(MoveType, Option<String>)>,
    feelings: Vec<String>,
    needs: Vec<String>,
    intensity: Option<u8>,
    way: Option<closer_domain::Way>,
    note: Option<String>,
}

async fn run_async(args: Args) -> CliResult {
    let now = now();
    let at = match &args.at {
        Some(s) => parse_at("--at", s, now)?,
        None => (now, 0),
    };
    let prompting = args.move_type.is_none();
    if prompting && !interactive() {
        return Err(CliError::usage(
            "MOVE: expected one of reach, withdraw, break, turn_toward, repair, return (without a terminal, closer cannot ask)",
        ));
    }
    if prompting && args.note.is_some() {
        return Err(CliError::usage(
            "--note -: give MOVE too when the note comes on standard input",
        ));
    }
    // Check every flag before anything is opened or created.
    let mut m = Moment {
        mine: args
            .move_type
            .as_deref()
            .map(|s| parse_move("MOVE", s))
            .transpose()?,
        partner: args
            .partner_move
            .as_deref()
            .map(|s| parse_move("--partner-move", s))
            .transpose()?,
        feelings: pick_words("--feeling", words::feelings(), &args.feelings)?,
        needs: pick_words("--need", words::needs(), &args.needs)?,
        intensity: args.intensity,
        way: args
            .way
            .as_deref()
            .map(|s| parse_way("--way", s))
            .transpose()?,
        note: None,
    };
    if args.note.is_some() {
        m.note = read_note(args.note.as_deref())?;
    }

    let o = open(&args.db, OpenMode::Create, true).await?;
    // At a terminal the questions are on a private screen, cleared when they end; what closer
    // says about them (locked, or how to lock later) is printed after.
    let mut said_first: Vec<&str> = Vec::new();
    if interactive() {
        let mut scr = Screen::enter();
        if let Some(k) = offer_lock(&o, &args.db, &mut scr).await? {
            said_first.push(k);
        }
        if prompting {
            ask(&mut m, &mut scr);
        }
    }
    if prompting && m.mine.is_none() && m.partner.is_none() {
        return say_done(&said_first, None);
    }

    let base = NewEntry {
        at: at.0,
        offset_minutes: at.1,
        ..NewEntry::default()
    };
    let mut entries = Vec::new();
    if let Some((mt, kind)) = m.mine.clone() {
        entries.push(NewEntry {
            by: Some(Actor::Me),
            move_type: Some(mt),
            kind,
            feelings: m.feelings.clone(),
            needs: m.needs.clone(),
            intensity: m.intensity,
            way: m.way,
            note: m.note.clone(),
            ..base.clone()
        });
    }
    if let Some((mt, kind)) = m.partner.clone() {
        entries.push(NewEntry {
            by: Some(Actor::Partner),
            move_type: Some(mt),
            kind,
            // With no move of mine, the note belongs to the perception entry.
            note: if m.mine.is_none() {
                m.note.clone()
            } else {
                None
            },
            ..base.clone()
        });
    }
    o.store
        .add_entries(&o.owner, &entries, now)
        .await
        .map_err(store_err)?;
    o.store.close().await;
    let mut keys = said_first;
    keys.push("log.kept");
    if m.partner.is_some() {
        keys.push("log.kept-perception");
    }
    say_done(&keys, m.note.as_deref())
}

/// The first time at a terminal: offer the lock, yes by default. Returns the key of what to say
/// about it afterwards.
async fn offer_lock(
    o: &super::journal::Opened,
    db: &DbArgs,
    scr: &mut Screen,
) -> CliResult<Option<&'static str>> {
    if o.store
        .setting("lock_offered")
        .await
        .map_err(store_err)?
        .is_some()
        || o.store.is_locked(&o.owner).await.map_err(store_err)?
    {
        return Ok(None);
    }
    o.store
        .set_setting("lock_offered", "yes")
        .await
        .map_err(store_err)?;
    let answer = scr.ask(&format!("{} ", say::text("log.lock-offer")));
    if matches!(
        answer.as_deref().map(str::to_lowercase).as_deref(),
        Some("n" | "no")
    ) {
        return Ok(Some("log.lock-later"));
    }
    if answer.is_none() {
        return Ok(None);
    }
    let pass = super::lock::new_passphrase(db.passphrase_fd)?;
    o.store.lock(&o.owner, &pass).await.map_err(store_err)?;
    Ok(Some("lock.done"))
}

fn prompt_line(scr: &mut Screen, key: &str) -> Option<String> {
    scr.ask(&format!("{} ", say::text(key)))
}

fn numbered(list: &[String]) -> String {
    list.iter()
        .enumerate()
        .map(|(i, w)| format!("{:>2} {w}", i + 1))
        .collect::<Vec<_>>()
        .join("   ")
}

fn pick_numbers(answer: &str, list: &[String]) -> Vec<String> {
    answer
        .split([' ', ','])
        .filter_map(|t| t.trim().parse::<usize>().ok())
        .filter_map(|i| list.get(i.wrapping_sub(1)).cloned())
        .collect()
}

/// Asks one field at a time; Enter skips a field; the end of input stops asking.
fn ask(m: &mut Moment, scr: &mut Screen) {
    let pick_move = |answer: Option<String>| -> Option<(MoveType, Option<String>)> {
        let i: usize = answer?.trim().parse().ok()?;
        let name = MOVES.get(i.checked_sub(1)?)?;
        parse_move("MOVE", name).ok()
    };
    scr.show(&format!("{}\n", say::text("log.moves")));
    m.mine = pick_move(prompt_line(scr, "log.move"));
    m.partner = pick_move(prompt_line(scr, "log.partner-move"));
    if m.mine.is_none() && m.partner.is_none() {
        return;
    }
    if m.mine.is_some() {
        scr.show(&format!("{}\n", numbered(words::feelings())));
        if let Some(a) = prompt_line(scr, "log.feelings") {
            m.feelings = pick_numbers(&a, words::feelings());
        }
        scr.show(&format!("{}\n", numbered(words::needs())));
        if let Some(a) = prompt_line(scr, "log.needs") {
            m.needs = pick_numbers(&a, words::needs());
        }
        if let Some(a) = prompt_line(scr, "log.intensity") {
            m.intensity = a.trim().parse::<u8>().ok().filter(|i| *i <= 10);
        }
        if let Some(a) = prompt_line(scr, "log.way") {
            m.way = parse_way("way", &a).ok();
        }
    }
    if let Some(a) = prompt_line(scr, "log.note") {
        m.note = Some(a).filter(|s| !s.trim().is_empty());
    }
}
