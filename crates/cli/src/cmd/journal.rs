//! `closer journal [show|edit|delete|history ID] [--from DATE] [--to DATE] [--json]`: my own
//! entries, listed, shown, edited and deleted. Also the helpers every journal command shares:
//! opening the journal (with its passphrase), times, notes from standard input, picked words,
//! and the risk reading of notes.

use crate::error::{CliError, CliResult};
use crate::io::{emit, emit_said, emit_versioned, interactive};
use closer_domain::{MoveType, Way};
use closer_guide::{journal as words_of_journal, words};
use closer_safety::{Said, risk};
use closer_store::{Entry, EntryEdit, Location, OpenMode, Store};

/// Where the journal is, and how to give its passphrase without a terminal.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct DbArgs {
    /// The journal: a SQLite file or a postgres:// URL (default: CLOSER_DB, else a file in this
    /// computer's local data folder).
    #[arg(long, value_name = "PATH_OR_URL", global = true)]
    pub db: Option<String>,
    /// Read a locked journal's passphrase from this open file descriptor (for scripts).
    #[arg(long, value_name = "N", global = true)]
    pub passphrase_fd: Option<u32>,
}

/// An open journal and its owner.
pub struct Opened {
    pub store: Store,
    pub owner: String,
    pub location: Location,
}

/// Maps a store error to the edge: what a person can fix exits 2.
pub fn store_err(e: closer_store::Error) -> CliError {
    use closer_store::Error as E;
    match e {
        E::NoJournal(_)
        | E::Locked
        | E::WrongPassphrase
        | E::AlreadyLocked
        | E::NotLocked
        | E::NotFound(_)
        | E::Refused(_)
        | E::Invalid(_) => CliError::usage(e.to_string()),
        other => CliError::Other(anyhow::anyhow!("{other}")),
    }
}

/// Opens the journal. A command that writes closes the store when done (`store.close()`), so
/// SQLite folds its write-ahead log into the file and the next command finds it settled (a
/// failed unlock then has nothing to fold in and changes no byte). `Existing` never creates anything (read-only commands); a locked journal
/// is opened with its passphrase when `unlock`.
pub async fn open(args: &DbArgs, mode: OpenMode, unlock: bool) -> CliResult<Opened> {
    let location = Location::resolve(args.db.as_deref()).map_err(store_err)?;
    let store = Store::open(&location, mode).await.map_err(|e| match e {
        closer_store::Error::NoJournal(_) => CliError::usage(format!(
            "{}: {}",
            location.describe(),
            words_of_journal::text("journal.none")
        )),
        e => store_err(e),
    })?;
    let owner = store
        .journal_owner(mode == OpenMode::Create)
        .await
        .map_err(store_err)?
        .ok_or_else(|| {
            CliError::usage(format!(
                "{}: {}",
                location.describe(),
                words_of_journal::text("journal.none")
            ))
        })?;
    if unlock && store.is_locked(&owner).await.map_err(store_err)? {
        let unlocked = match passphrase(args.passphrase_fd, "lock.ask") {
            Ok(pass) => store.unlock(&owner, &pass).await.map_err(store_err),
            Err(e) => Err(e),
        };
        if let Err(e) = unlocked {
            // Closed cleanly, so no write-ahead log is left behind by a refused open.
            store.close().await;
            return Err(e);
        }
    }
    Ok(Opened {
        store,
        owner,
        location,
    })
}

/// A passphrase from `--passphrase-fd N` (its first line) or, at a terminal, typed without echo.
pub fn passphrase(fd: Option<u32>, prompt_key: &str) -> CliResult<String> {
    if let Some(n) = fd {
        let text = std::fs::read_to_string(format!("/dev/fd/{n}"))
            .map_err(|e| CliError::usage(format!("--passphrase-fd {n}: cannot read it: {e}")))?;
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            return Err(CliError::usage(format!(
                "--passphrase-fd {n}: expected a passphrase on its first line, found nothing"
            )));
        }
        return Ok(line);
    }
    if interactive() {
        let p = rpassword::prompt_password(format!("{} ", words_of_journal::text(prompt_key)))?;
        if p.is_empty() {
            return Err(CliError::usage("expected a passphrase, found nothing"));
        }
        return Ok(p);
    }
    Err(CliError::usage(
        "the journal is locked: type its passphrase at a terminal, or give --passphrase-fd N",
    ))
}

/// Seconds since 1970 now (a clock past the year 292 billion reads as `i64::MAX`, not the past).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `--at`: RFC 3339 (`2026-03-01T21:30:00+01:00`), `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (UTC).
/// Not in the future.
pub fn parse_at(field: &str, s: &str, now: i64) -> CliResult<(i64, i32)> {
    closer_domain::fields::parse_at(field, s, now).map_err(CliError::usage)
}

/// `--note`: only `-` (standard input) is accepted, so the words stay out of the shell's
/// history and the process list.
pub fn read_note(arg: Option<&str>) -> CliResult<Option<String>> {
    match arg {
        None => Ok(None),
        Some("-") => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
            let s = s.trim_end_matches(['\n', '\r']).to_string();
            Ok(Some(s).filter(|s| !s.trim().is_empty()))
        }
        Some(_) => Err(CliError::usage(
            "--note: your words are not taken as an argument (they would stay in the shell's history and the process list); give --note - and type or pipe them on standard input",
        )),
    }
}

/// A move by name: reach, withdraw, break (a withdraw of kind `break`), turn_toward, repair,
/// return.
pub fn parse_move(field: &str, s: &str) -> CliResult<(MoveType, Option<String>)> {
    closer_domain::fields::parse_move(field, s).map_err(CliError::usage)
}

/// A way of responding by name.
pub fn parse_way(field: &str, s: &str) -> CliResult<Way> {
    closer_domain::fields::parse_way(field, s).map_err(CliError::usage)
}

/// Picked words, each checked against the guide's list.
pub fn pick_words(field: &str, list: &[String], given: &[String]) -> CliResult<Vec<String>> {
    words::pick(field, list, given).map_err(CliError::usage)
}

/// What to show when a person's own words are read for risk: nothing, or the crisis or safety
/// path with the helplines, as reviewed sentences. The words themselves are kept as written.
pub fn risk_said(text: &str) -> Vec<Said> {
    let reading = risk::read(text);
    let key = match reading.path() {
        risk::Path::Unmarked => return Vec::new(),
        risk::Path::Crisis => "risk.crisis",
        risk::Path::OwnBehaviour => "risk.own",
        risk::Path::Safety => "risk.safety",
    };
    let mut out = vec![words_of_journal::say(key)];
    let policy = closer_safety::Policy::new(closer_safety::Context::safety());
    if let Ok(page) = closer_safety::resources::help_now(None, &policy) {
        out.extend(page.said);
    }
    out
}

/// Prints what closer says after a journal command (reviewed sentences only), then the risk
/// path for the person's own words, if they were read and something was noticed.
pub fn say_done(keys: &[&str], own_words: Option<&str>) -> CliResult {
    let mut said: Vec<Said> = keys.iter().map(|k| words_of_journal::say(k)).collect();
    if let Some(w) = own_words {
        said.extend(risk_said(w));
    }
    emit_said(&said)
}

/// One entry as a line (and its note on the next), for its owner.
pub fn entry_lines(e: &Entry) -> String {
    closer_store::evidence::entry_lines(e, &words_of_journal::text)
}

/// The private record offered on the fear path of a guide walk
/// ([`closer_guide::session::View::private_record`]): asked in place on the walk's own screen,
/// and kept in the person's journal only if they write something (a locked journal asks for its
/// passphrase). Returns the walk's next answer: `Next` (also when nothing is kept), or quit and
/// back for `q` and `b` typed alone.
pub fn record_in_place(screen: &mut crate::term::Screen) -> Option<closer_guide::session::Answer> {
    use closer_guide::session::Answer;
    let typed = screen.ask(&format!("\n{} ", words_of_journal::text("incident.ask")))?;
    match typed.trim() {
        "q" | "Q" => return Some(Answer::Quit),
        "b" | "B" => return Some(Answer::Back),
        "" => return Some(Answer::Next),
        _ => {}
    }
    let kept = closer_store::runtime()
        .map_err(CliError::from)
        .and_then(|rt| {
            rt.block_on(async {
                let o = open(&DbArgs::default(), OpenMode::Create, true).await?;
                let now = now();
                o.store
                    .add_incident(&o.owner, now, 0, &typed, now)
                    .await
                    .map_err(store_err)?;
                o.store.close().await;
                Ok::<(), CliError>(())
            })
        });
    let mut page = crate::io::Page::new();
    page.blank();
    page.entry(&words_of_journal::say(match kept {
        Ok(()) => "incident.kept-here",
        Err(_) => "incident.not-kept",
    }));
    // The walk is already in safety help, with its helplines; a sign of self-harm in the words
    // still brings the crisis help forward.
    if risk::read(&typed).path() == risk::Path::Crisis {
        for s in risk_said(&typed) {
            page.entry(&s);
        }
    }
    screen.show(page.as_str());
    if !screen.pause(&format!("{} ", words_of_journal::text("incident.go-on"))) {
        return Some(Answer::Quit);
    }
    Some(Answer::Next)
}

/// An entry of mine by id or by a unique prefix of at least 6 characters.
pub async fn find_entry(o: &Opened, id: &str) -> CliResult<Entry> {
    if id.len() < 6 {
        return Err(CliError::usage(format!(
            "ID: expected at least 6 characters of an entry's id, found {id:?}"
        )));
    }
    let all = o.store.entries(&o.owner, None).await.map_err(store_err)?;
    let hits: Vec<Entry> = all.into_iter().filter(|e| e.id.starts_with(id)).collect();
    match hits.len() {
        1 => Ok(hits.into_iter().next().expect("one")),
        0 => Err(CliError::usage(format!(
            "ID: no entry of yours starts with {id:?}"
        ))),
        n => Err(CliError::usage(format!(
            "ID: {n} entries start with {id:?}; give more of the id"
        ))),
    }
}

/// Prints a person's own records on the alternate screen at a terminal (cleared on close), else
/// plainly on standard output (data: their entries as recorded, laid out with reviewed labels).
pub fn show_private(text: &str) -> CliResult {
    if interactive() {
        let mut s = crate::term::Screen::enter();
        s.show(text);
        s.pause(&format!(
            "\n{} ",
            words_of_journal::text("journal.press-enter")
        ));
        return Ok(());
    }
    emit(text)
}

/// My entries, listed, shown, edited, deleted (details: `closer journal --help`).
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Only entries from this day or time on (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Only entries before this day or time.
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Print one JSON document instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Show one entry (by id or its first 6+ characters).
    Show { id: String },
    /// The earlier versions of an edited entry (only you see them).
    History { id: String },
    /// Change an entry; `recorded_at` never changes and the earlier version is kept.
    Edit(EditArgs),
    /// Keep a private incident record: what happened, in my own words, read from standard input
    /// (`--text -`) or typed at the prompt. Never shared, never counted in patterns.
    Incident {
        /// `-`: read the record from standard input.
        #[arg(long, value_name = "-")]
        text: Option<String>,
        /// When it happened (default now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Delete an entry and its earlier versions.
    Delete {
        id: String,
        /// Delete without asking (needed without a terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(clap::Args)]
struct EditArgs {
    id: String,
    /// My move: reach, withdraw, break, turn_toward, repair, return.
    #[arg(long = "move", value_name = "MOVE")]
    move_type: Option<String>,
    /// Feelings (replaces the list; repeat the flag for several).
    #[arg(long = "feeling", value_name = "WORD")]
    feelings: Vec<String>,
    /// Needs (replaces the list; repeat the flag for several).
    #[arg(long = "need", value_name = "WORD")]
    needs: Vec<String>,
    /// 0 to 10.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=10))]
    intensity: Option<u8>,
    /// The way of responding I tried.
    #[arg(long, value_name = "WAY")]
    way: Option<String>,
    /// `-`: read the new note from standard input.
    #[arg(long, value_name = "-")]
    note: Option<String>,
    /// When it happened.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

pub fn run(args: Args) -> CliResult {
    closer_store::runtime()?.block_on(run_async(args))
}

async fn run_async(args: Args) -> CliResult {
    let now = now();
    if let Some(Action::Incident { text, at }) = &args.action {
        let at = match at {
            Some(s) => parse_at("--at", s, now)?,
            None => (now, 0),
        };
        if text.as_deref().is_some_and(|t| t != "-") {
            return Err(CliError::usage(
                "--text: your words are not taken as an argument; give --text - and type or pipe them on standard input",
            ));
        }
        let words = match text.as_deref() {
            Some(_) => read_note(Some("-"))?,
            None if interactive() => {
                let mut s = crate::term::Screen::enter();
                let a = s.ask(&format!("{} ", words_of_journal::text("incident.ask")));
                drop(s);
                a.filter(|x| !x.trim().is_empty())
            }
            None => {
                return Err(CliError::usage(
                    "incident: give --text - and the words on standard input (without a terminal, closer cannot ask)",
                ));
            }
        };
        let Some(words) = words else {
            return Ok(());
        };
        let o = open(&args.db, OpenMode::Create, true).await?;
        o.store
            .add_incident(&o.owner, at.0, at.1, &words, now)
            .await
            .map_err(store_err)?;
        o.store.close().await;
        return say_done(&["incident.kept"], Some(&words));
    }
    let o = open(&args.db, OpenMode::Existing, true).await?;
    match args.action {
        None => {
            let from = args
                .from
                .as_deref()
                .map(|s| parse_at("--from", s, i64::MAX / 2).map(|x| x.0))
                .transpose()?;
            let to = args
                .to
                .as_deref()
                .map(|s| parse_at("--to", s, i64::MAX / 2).map(|x| x.0))
                .transpose()?;
            let range = (from.is_some() || to.is_some())
                .then(|| (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)));
            let list = o.store.entries(&o.owner, range).await.map_err(store_err)?;
            if args.json {
                return emit_versioned(&serde_json::json!({ "entries": list }), "entries");
            }
            let mut text = String::new();
            if list.is_empty() {
                text.push_str(&words_of_journal::text("journal.empty"));
                text.push('\n');
            }
            for e in &list {
                text.push_str(&entry_lines(e));
            }
            show_private(&text)
        }
        Some(Action::Show { id }) => {
            let e = find_entry(&o, &id).await?;
            if args.json {
                return emit_versioned(&serde_json::json!({ "entry": e }), "entry");
            }
            let mut text = entry_lines(&e);
            text.push_str(&format!(
                "  id {}\n  {} {}\n",
                e.id,
                words_of_journal::text("entry.recorded"),
                closer_store::rfc3339(e.data.recorded_at)
            ));
            for t in &e.data.edited_at {
                text.push_str(&format!(
                    "  {} {}\n",
                    words_of_journal::text("evidence.edited"),
                    closer_store::rfc3339(*t)
                ));
            }
            show_private(&text)
        }
        Some(Action::History { id }) => {
            let e = find_entry(&o, &id).await?;
            let h = o.store.history(&o.owner, &e.id).await.map_err(store_err)?;
            if args.json {
                return emit_versioned(&serde_json::json!({ "history": h }), "history");
            }
            let mut text = String::new();
            for v in &h {
                text.push_str(&format!(
                    "{} {}\n",
                    words_of_journal::text("entry.version"),
                    v.version
                ));
                text.push_str(&entry_lines(&Entry {
                    id: e.id.clone(),
                    data: v.data.clone(),
                }));
            }
            show_private(&text)
        }
        Some(Action::Edit(ed)) => {
            let e = find_entry(&o, &ed.id).await?;
            let mut edit = EntryEdit::default();
            if let Some(m) = &ed.move_type {
                let (m, kind) = parse_move("--move", m)?;
                edit.move_type = Some(m);
                edit.kind = Some(kind);
            }
            if !ed.feelings.is_empty() {
                edit.feelings = Some(pick_words("--feeling", words::feelings(), &ed.feelings)?);
            }
            if !ed.needs.is_empty() {
                edit.needs = Some(pick_words("--need", words::needs(), &ed.needs)?);
            }
            if let Some(i) = ed.intensity {
                edit.intensity = Some(Some(i));
            }
            if let Some(w) = &ed.way {
                edit.way = Some(Some(parse_way("--way", w)?));
            }
            if let Some(at) = &ed.at {
                edit.at = Some(parse_at("--at", at, now)?);
            }
            let note = read_note(ed.note.as_deref())?;
            if ed.note.is_some() {
                edit.note = Some(note.clone());
            }
            if edit == EntryEdit::default() {
                return Err(CliError::usage(
                    "edit: expected at least one of --move, --feeling, --need, --intensity, --way, --note -, --at",
                ));
            }
            o.store
                .edit_entry(&o.owner, &e.id, &edit, now)
                .await
                .map_err(store_err)?;
            o.store.close().await;
            say_done(&["journal.edited"], note.as_deref())
        }
        Some(Action::Incident { .. }) => Ok(()),
        Some(Action::Delete { id, yes }) => {
            let e = find_entry(&o, &id).await?;
            if !yes {
                if !interactive() {
                    return Err(CliError::usage(
                        "delete: without a terminal, give --yes to delete",
                    ));
                }
                let mut s = crate::term::Screen::enter();
                s.show(&entry_lines(&e));
                let answer = s.ask(&format!(
                    "\n{} ",
                    words_of_journal::text("journal.confirm-delete")
                ));
                drop(s);
                if answer.as_deref().map(str::to_lowercase).as_deref() != Some("yes") {
                    return say_done(&["journal.not-deleted"], None);
                }
            }
            o.store
                .delete_entry(&o.owner, &e.id)
                .await
                .map_err(store_err)?;
            o.store.scrub().await.map_err(store_err)?;
            o.store.close().await;
            say_done(&["journal.deleted"], None)
        }
    }
}
