//! The journal's handlers: the list (paginated, newest first, each note shown to its owner),
//! the entry form, change, delete and the owner-only history, my patterns, and the export.
//! Every sentence is a `Said` (`jr.*` keys of the guide's interface content); what is
//! shareable, the order and the validation are the store's and the pure crates'.

use super::cache::Drawn;
use super::form;
use crate::account::{Posted, SignedIn, confirm_passphrase, form_open, page};
use crate::html::{esc, label, said};
use crate::routes::{self, Id};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use closer_analyze::episodes::{self, Options, View};
use closer_domain::Person;
use closer_guide::{narrate_patterns, record_charts, words};
use closer_store::{
    Actor, Audience, CheckIn, Entry, Error as StoreError, day_of, local_time, paginate,
};
use std::fmt::Write;
use std::sync::Arc;

/// Entries on one page of the list.
pub const PER_PAGE: usize = 25;

const MOVES: [&str; 6] = [
    "reach",
    "withdraw",
    "break",
    "turn_toward",
    "repair",
    "return",
];
const WAYS: [&str; 6] = ["pause", "curious", "space", "name", "stay", "explore"];

fn session_key(who: &SignedIn) -> String {
    super::cache::session_key(&who.session.id_hash)
}

fn failed(who: &SignedIn, e: StoreError) -> Response {
    match e {
        StoreError::NotFound(_) => page(
            who,
            StatusCode::NOT_FOUND,
            &format!(
                "<h1>{}</h1><p><a href=\"{}\">{}</a></p>",
                label("jr.not-found"),
                routes::path(Id::Journal),
                label("jr.back")
            ),
        ),
        _ => crate::pages::unavailable(who.state()),
    }
}

/// The person's entries in order, from the session's cache when their data version has not
/// changed (a page that only reads has the version from the session check; a posted form asks
/// the store), else opened from the store and kept.
pub async fn entries(who: &SignedIn) -> Result<(String, Arc<Vec<Entry>>), StoreError> {
    let st = who.state();
    let key = session_key(who);
    let version = match &who.version_at_check {
        Some(v) => v.clone(),
        None => who.store.data_version(&who.person).await?,
    };
    if let Some(e) = st.journal.entries(&key, &who.person, &version) {
        return Ok((version, e));
    }
    fill(st, &who.store, &who.person, &who.session.id_hash).await
}

/// Opens every entry of `person` for the session `id_hash` and keeps them in the session's
/// slot, unless the slot already holds the current version (one fill at a time per session:
/// a fill already under way, such as a sign-in's, is waited for). What was opened is kept only if the session is still
/// open afterwards, so a fill that outlives its session leaves nothing in memory.
async fn fill(
    st: &crate::Shared,
    store: &closer_store::Store,
    person: &str,
    id_hash: &[u8],
) -> Result<(String, Arc<Vec<Entry>>), StoreError> {
    let key = super::cache::session_key(id_hash);
    let Some(lock) = st.journal.fill_lock(&key) else {
        return Err(StoreError::Corrupt("the journal cache's lock".into()));
    };
    let _held = lock.lock().await;
    let version = store.data_version(person).await?;
    if let Some(e) = st.journal.entries(&key, person, &version) {
        return Ok((version, e));
    }
    let e = Arc::new(store.entries(person, None).await?);
    if st
        .journal
        .keep_entries(&key, person, &version, e.clone(), &lock)
        && !store.session_exists(id_hash).await.unwrap_or(false)
    {
        // Ended on another instance (or just now): nothing stays.
        st.journal.end_session(&key);
    }
    Ok((version, e))
}

/// Starts opening a person's entries for a session that has just begun (a sign-in), so their
/// first journal page does not wait for it. The fill lock is taken before this returns: a page
/// of the session that comes meanwhile waits for this fill instead of doing it again, and if
/// the session ends first, nothing is kept.
pub fn prefill(
    st: &crate::Shared,
    store: Arc<closer_store::Store>,
    person: String,
    id_hash: Vec<u8>,
) {
    let Some(lock) = st.journal.fill_lock(&super::cache::session_key(&id_hash)) else {
        return;
    };
    let Ok(held) = lock.clone().try_lock_owned() else {
        return;
    };
    let st = st.clone();
    tokio::spawn(async move {
        let version = store.data_version(&person).await;
        if let Ok(version) = version
            && let Ok(e) = store.entries(&person, None).await
            && st.journal.keep_entries(
                &super::cache::session_key(&id_hash),
                &person,
                &version,
                Arc::new(e),
                &lock,
            )
            && !store.session_exists(&id_hash).await.unwrap_or(false)
        {
            st.journal.end_session(&super::cache::session_key(&id_hash));
        }
        drop(held);
    });
}

fn move_label(e: &Entry) -> String {
    let k = if e.data.kind.as_deref() == Some("break") {
        "break"
    } else {
        e.data.move_type.as_str()
    };
    label(&format!("jr.move.{k}"))
}

pub(crate) fn nav(who: &SignedIn) -> String {
    let _ = who;
    format!(
        "<nav class=\"jr-nav\"><a href=\"{}\">{}</a> · <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a> · <a href=\"{}\">{}</a></nav>",
        routes::path(Id::Journal),
        label("jr.heading"),
        routes::path(Id::JournalNew),
        label("jr.new-link"),
        routes::path(Id::Patterns),
        label("jr.patterns-link"),
        routes::path(Id::Day),
        label("jr.day-link"),
        routes::path(Id::Measures),
        label("m.link"),
        routes::path(Id::Together),
        label("together.link"),
        routes::path(Id::Account),
        label("jr.account-link"),
    )
}

fn entry_html(who: &SignedIn, e: &Entry, actions: bool) -> String {
    let mut out = String::from("<article class=\"entry\">");
    let who_label = match e.data.by {
        Actor::Me => label("jr.yours"),
        Actor::Partner => label("jr.perception"),
    };
    let _ = write!(
        out,
        "<h2>{who_label}: {}</h2><dl><dt>{}</dt><dd>{}</dd>",
        move_label(e),
        label("jr.when"),
        esc(&local_time(e.data.at, e.data.offset_minutes))
    );
    if !e.data.feelings.is_empty() {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            label("jr.feelings"),
            esc(&e.data.feelings.join(", "))
        );
    }
    if !e.data.needs.is_empty() {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            label("jr.needs"),
            esc(&e.data.needs.join(", "))
        );
    }
    if let Some(i) = e.data.intensity {
        let _ = write!(out, "<dt>{}</dt><dd>{i}</dd>", label("jr.intensity"));
    }
    if let Some(w) = e.data.way {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            label("jr.way"),
            label(&format!("jr.way.{}", w.as_str()))
        );
    }
    if let Some(n) = &e.data.note {
        let _ = write!(
            out,
            "<dt>{}</dt><dd class=\"note\">{}</dd>",
            label("jr.note"),
            esc(n).replace('\n', "<br>")
        );
    }
    out.push_str("</dl>");
    if actions {
        out.push_str("<div class=\"actions\">");
        for (id, key) in [
            (Id::JournalEdit, "jr.edit"),
            (Id::JournalHistory, "jr.history"),
            (Id::JournalDelete, "jr.delete"),
        ] {
            out.push_str(&form_open(who, id, "inline"));
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"id\" value=\"{}\"><button type=\"submit\" class=\"secondary\">{}</button></form>",
                esc(&e.id),
                label(key)
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</article>");
    out
}

fn page_number(uri: &Uri) -> usize {
    uri.query()
        .and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(1)
}

/// `/journal`: the list, newest first, a page at a time. The first page is drawn once per data
/// version and kept in the session's cache.
pub async fn list(who: SignedIn, uri: Uri) -> Response {
    let (version, all) = match entries(&who).await {
        Ok(x) => x,
        Err(e) => return failed(&who, e),
    };
    let number = page_number(&uri);
    let first = number <= 1 || all.len() <= PER_PAGE;
    let st = who.state().clone();
    let key = session_key(&who);
    if first
        && let Some(main) = st
            .journal
            .drawn(&key, &who.person, &version, Drawn::ListFirst)
    {
        return page(&who, StatusCode::OK, &main);
    }
    let main = list_main(&who, &all, number);
    if first {
        st.journal.keep_drawn(
            &key,
            &who.person,
            &version,
            Drawn::ListFirst,
            Arc::from(main.as_str()),
        );
    }
    page(&who, StatusCode::OK, &main)
}

/// The list's page `number` (clamped to the pages there are).
fn list_main(who: &SignedIn, all: &[Entry], number: usize) -> String {
    let p = paginate(all, number, PER_PAGE);
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
        label("jr.heading"),
        nav(who),
        label("jr.intro"),
        routes::path(Id::JournalNew),
        label("jr.new-link")
    );
    if p.total == 0 {
        let _ = write!(main, "<p>{}</p>", label("jr.empty"));
    }
    for e in &p.entries {
        main.push_str(&entry_html(who, e, true));
    }
    if p.pages > 1 {
        let _ = write!(
            main,
            "<nav class=\"pages\"><p>{} {} {} {}</p>",
            label("jr.page"),
            p.page,
            label("jr.of"),
            p.pages
        );
        if p.page > 1 {
            let _ = write!(
                main,
                "<a href=\"{}?page={}\">{}</a> ",
                routes::path(Id::Journal),
                p.page - 1,
                label("jr.newer")
            );
        }
        if p.page < p.pages {
            let _ = write!(
                main,
                "<a href=\"{}?page={}\">{}</a>",
                routes::path(Id::Journal),
                p.page + 1,
                label("jr.older")
            );
        }
        main.push_str("</nav>");
    }
    main.push_str(&export_form(who));
    main
}

fn options(
    name: &str,
    values: &[&str],
    labels: Option<&str>,
    picked: Option<&str>,
    none: &str,
) -> String {
    let mut out = format!("<option value=\"\">{}</option>", label(none));
    for v in values {
        let sel = if picked == Some(*v) { " selected" } else { "" };
        let text = match labels {
            Some(prefix) => label(&format!("{prefix}{v}")),
            None => esc(v),
        };
        let _ = write!(out, "<option value=\"{v}\"{sel}>{text}</option>");
    }
    let _ = name;
    out
}

fn checkboxes(name: &str, list: &[String], picked: &[String]) -> String {
    let mut out = String::from("<div class=\"choices\">");
    for (i, w) in list.iter().enumerate() {
        let checked = if picked.contains(w) { " checked" } else { "" };
        let _ = write!(
            out,
            "<label class=\"choice\"><input type=\"checkbox\" name=\"{name}\" value=\"{0}\" id=\"{name}-{i}\" autocomplete=\"off\"{checked}> {0}</label>",
            esc(w)
        );
    }
    out.push_str("</div>");
    out
}

/// The fields shared by the new-entry and change forms, filled from `e` when changing.
fn fields(e: Option<&Entry>, with_partner_move: bool) -> String {
    let mine = e.map(|e| {
        if e.data.kind.as_deref() == Some("break") {
            "break"
        } else {
            e.data.move_type.as_str()
        }
    });
    let mut out = format!(
        "<p><label for=\"move\">{}</label><select id=\"move\" name=\"move\" autocomplete=\"off\">{}</select></p>",
        label(if e.is_some_and(|e| e.data.by == Actor::Partner) {
            "jr.partner-move"
        } else {
            "jr.move"
        }),
        options("move", &MOVES, Some("jr.move."), mine, "jr.move-none")
    );
    if with_partner_move {
        let _ = write!(
            out,
            "<p><label for=\"partner_move\">{}</label><select id=\"partner_move\" name=\"partner_move\" autocomplete=\"off\">{}</select></p>",
            label("jr.partner-move"),
            options(
                "partner_move",
                &MOVES,
                Some("jr.move."),
                None,
                "jr.move-none"
            )
        );
    }
    let empty: Vec<String> = Vec::new();
    let _ = write!(
        out,
        "<fieldset><legend>{}</legend>{}</fieldset><fieldset><legend>{}</legend>{}</fieldset>",
        label("jr.feelings"),
        checkboxes(
            "feeling",
            words::feelings(),
            e.map_or(&empty, |e| &e.data.feelings)
        ),
        label("jr.needs"),
        checkboxes("need", words::needs(), e.map_or(&empty, |e| &e.data.needs)),
    );
    let intensity = e
        .and_then(|e| e.data.intensity)
        .map(|i| i.to_string())
        .unwrap_or_default();
    let _ = write!(
        out,
        "<p><label for=\"intensity\">{}</label><input id=\"intensity\" name=\"intensity\" type=\"number\" min=\"0\" max=\"10\" inputmode=\"numeric\" autocomplete=\"off\" value=\"{intensity}\"></p>",
        label("jr.intensity")
    );
    let _ = write!(
        out,
        "<p><label for=\"way\">{}</label><select id=\"way\" name=\"way\" autocomplete=\"off\">{}</select></p>",
        label("jr.way"),
        options(
            "way",
            &WAYS,
            Some("jr.way."),
            e.and_then(|e| e.data.way).map(|w| w.as_str()),
            "jr.way.none"
        )
    );
    let note = e.and_then(|e| e.data.note.clone()).unwrap_or_default();
    let _ = write!(
        out,
        "<p><label for=\"note\">{}</label><span class=\"hint\" id=\"note-hint\">{}</span><textarea id=\"note\" name=\"note\" rows=\"4\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"note-hint\">{}</textarea></p>",
        label("jr.note"),
        label("jr.note-hint"),
        esc(&note)
    );
    let _ = write!(
        out,
        "<p><label for=\"at\">{}</label><span class=\"hint\" id=\"at-hint\">{}</span><input id=\"at\" name=\"at\" type=\"text\" autocomplete=\"off\" aria-describedby=\"at-hint\"></p>",
        label("jr.when"),
        label("jr.when-hint")
    );
    out
}

async fn new_form(who: &SignedIn, problem: Option<&str>) -> Response {
    let partner = who.store.partner_of(&who.person).await.ok().flatten();
    let mut main = format!("<h1>{}</h1>{}", label("jr.new-heading"), nav(who));
    if let Some(p) = problem {
        // The parser's message names the field, what was expected and what was found.
        let _ = write!(
            main,
            "<div class=\"problem\" role=\"alert\"><p>{}</p><p>{}</p></div>",
            label("jr.problem"),
            esc(p)
        );
    }
    main.push_str(&form_open(who, Id::JournalAdd, "stack entry-form"));
    main.push_str(&fields(None, true));
    if partner.is_some() {
        let _ = write!(
            main,
            "<p class=\"share\"><label><input type=\"checkbox\" name=\"share_partner\" id=\"share_partner\" autocomplete=\"off\"> {}</label></p><p class=\"hint\">{}</p>",
            label("jr.share"),
            label("jr.share-keep")
        );
    }
    finish_entry_form(who, main, problem)
}

/// Closes an entry form (new or edit) with its save button; a form shown again with a problem
/// answers 422.
fn finish_entry_form(who: &SignedIn, mut main: String, problem: Option<&str>) -> Response {
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form>",
        label("jr.save")
    );
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(who, status, &main)
}

/// `/journal/new`: the entry form.
pub async fn new(who: SignedIn) -> Response {
    new_form(&who, None).await
}

/// Posted entry form: kept, then shared if asked (only my own move; a person with no partner
/// is told kindly and nothing is kept until they send it again without sharing).
pub async fn add(p: Posted) -> Response {
    let who = &p.who;
    let now = who.state().now_secs();
    let m = match form::moment(&p.form, now) {
        Ok(m) => m,
        Err(msg) => return new_form(who, Some(&msg)).await,
    };
    if m.share_partner
        && who
            .store
            .partner_of(&who.person)
            .await
            .ok()
            .flatten()
            .is_none()
    {
        return new_form(who, Some(closer_guide::ui::ui("jr.share-none").text())).await;
    }
    let ids = match who.store.add_entries(&who.person, &m.entries, now).await {
        Ok(ids) => ids,
        Err(StoreError::Invalid(msg)) => return new_form(who, Some(&msg)).await,
        Err(e) => return failed(who, e),
    };
    if m.share_partner
        && m.entries.first().is_some_and(|e| e.by == Some(Actor::Me))
        && let Err(e) = who
            .store
            .share_entry(&who.person, &ids[0], &Audience::Partner)
            .await
    {
        return failed(who, e);
    }
    let note = m.entries.iter().find_map(|e| e.note.clone());
    kept(who, "jr.kept", note.as_deref())
}

/// The answer after a change: what happened, and the crisis or safety path when the person's own
/// words call for it (read like every free text; the words are kept as written).
pub(crate) fn kept(who: &SignedIn, key: &str, note: Option<&str>) -> Response {
    let mut main = format!("<h1 id=\"kept\">{}</h1>{}", label(key), nav(who));
    if let Some(n) = note {
        use closer_safety::risk;
        let path = match risk::read(n).path() {
            risk::Path::Unmarked => None,
            risk::Path::Crisis => Some("risk.crisis"),
            risk::Path::OwnBehaviour => Some("risk.own"),
            risk::Path::Safety => Some("risk.safety"),
        };
        if let Some(k) = path {
            main.push_str(&said(&closer_guide::journal::say(k), 2));
            let policy = closer_safety::Policy::new(closer_safety::Context::safety());
            if let Ok(h) = closer_safety::resources::help_now_on(
                None,
                &policy,
                closer_safety::resources::Surface::Browser,
            ) {
                for s in &h.said {
                    main.push_str(&said(s, 3));
                }
            }
        }
    }
    let _ = write!(
        main,
        "<p><a class=\"button\" href=\"{}\">{}</a></p>",
        routes::path(Id::Journal),
        label("jr.back")
    );
    page(who, StatusCode::OK, &main)
}

fn posted_id(p: &Posted) -> &str {
    p.form.get("id").unwrap_or("")
}

/// Posted `id`: the change form for one of my entries.
pub async fn edit(p: Posted) -> Response {
    let who = &p.who;
    let e = match who.store.entry(&who.person, posted_id(&p)).await {
        Ok(e) => e,
        Err(e) => return failed(who, e),
    };
    edit_form(who, &e, None)
}

fn edit_form(who: &SignedIn, e: &Entry, problem: Option<&str>) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p>",
        label("jr.edit-heading"),
        nav(who),
        label("jr.edit-hint")
    );
    if let Some(p) = problem {
        let _ = write!(
            main,
            "<div class=\"problem\" role=\"alert\"><p>{}</p><p>{}</p></div>",
            label("jr.problem"),
            esc(p)
        );
    }
    main.push_str(&form_open(who, Id::JournalSave, "stack entry-form"));
    let _ = write!(
        main,
        "<input type=\"hidden\" name=\"id\" value=\"{}\">",
        esc(&e.id)
    );
    main.push_str(&fields(Some(e), false));
    finish_entry_form(who, main, problem)
}

/// Posted change: the earlier version goes to the owner's history; `recorded_at` stays.
pub async fn save(p: Posted) -> Response {
    let who = &p.who;
    let id = posted_id(&p).to_string();
    let now = who.state().now_secs();
    let edit = match form::edit(&p.form, now) {
        Ok(x) => x,
        Err(msg) => {
            return match who.store.entry(&who.person, &id).await {
                Ok(e) => edit_form(who, &e, Some(&msg)),
                Err(e) => failed(who, e),
            };
        }
    };
    match who.store.edit_entry(&who.person, &id, &edit, now).await {
        Ok(e) => kept(who, "jr.edited", e.data.note.as_deref()),
        Err(e) => failed(who, e),
    }
}

/// Posted delete: the entry goes with its history and shares (no passphrase asked).
pub async fn delete(p: Posted) -> Response {
    let who = &p.who;
    match who.store.delete_entry(&who.person, posted_id(&p)).await {
        Ok(()) => kept(who, "jr.deleted", None),
        Err(e) => failed(who, e),
    }
}

/// Posted `id`: the earlier versions of one of my entries, oldest first, then the current one.
pub async fn history(p: Posted) -> Response {
    let who = &p.who;
    let id = posted_id(&p);
    let (current, versions) = match (
        who.store.entry(&who.person, id).await,
        who.store.history(&who.person, id).await,
    ) {
        (Ok(c), Ok(v)) => (c, v),
        (Err(e), _) | (_, Err(e)) => return failed(who, e),
    };
    let mut main = format!("<h1>{}</h1>{}", label("jr.history-heading"), nav(who));
    if versions.is_empty() {
        let _ = write!(main, "<p>{}</p>", label("jr.history-none"));
    }
    for v in &versions {
        let _ = write!(
            main,
            "<section class=\"version\"><h2>{} {}</h2>",
            label("jr.version"),
            v.version
        );
        let as_entry = Entry {
            id: v.entry.clone(),
            data: v.data.clone(),
        };
        main.push_str(&entry_html(who, &as_entry, false));
        main.push_str("</section>");
    }
    main.push_str(&entry_html(who, &current, true));
    page(who, StatusCode::OK, &main)
}

/// My patterns: `closer-analyze` episodes of my own entries read as mine, narrated by the guide
/// with its honesty rules (below a finding's minimum it says the entries are not enough yet).
/// Rendered once per data version and kept in the session's cache.
pub async fn patterns(who: SignedIn) -> Response {
    let (version, all) = match entries(&who).await {
        Ok(x) => x,
        Err(e) => return failed(&who, e),
    };
    let key = session_key(&who);
    let st = who.state().clone();
    if let Some(main) = st
        .journal
        .drawn(&key, &who.person, &version, Drawn::Patterns)
    {
        return page(&who, StatusCode::OK, &main);
    }
    let checkins = match who.store.checkins(&who.person).await {
        Ok(c) => c,
        Err(e) => return failed(&who, e),
    };
    let main = format!(
        "<h1>{}</h1>{}<p>{}</p>{}",
        label("jr.patterns-heading"),
        nav(&who),
        label("jr.patterns-intro"),
        patterns_html(&all, &checkins)
    );
    st.journal.keep_drawn(
        &key,
        &who.person,
        &version,
        Drawn::Patterns,
        Arc::from(main.as_str()),
    );
    page(&who, StatusCode::OK, &main)
}

/// A chart of my own records with its text alternative, or the sentence saying there are not
/// enough records for it yet (then no chart).
fn chart_html(c: &record_charts::Chart) -> String {
    match &c.svg {
        Some(svg) => format!(
            "<figure class=\"chart\">{svg}<figcaption>{}</figcaption></figure>",
            esc(c.text.text())
        ),
        None => format!("<p class=\"not-enough\">{}</p>", esc(c.text.text())),
    }
}

/// The narration of my own entries as HTML, with the charts of `closer-chart` drawn by the
/// guide's `record_charts` (a pure function of my entries and check-ins).
pub fn patterns_html(all: &[Entry], checkins: &[CheckIn]) -> String {
    let file = closer_store::to_moves_file(all);
    let opts = Options {
        view: View::Own(Person::A),
        gap: episodes::DEFAULT_GAP_HOURS,
        ..Options::default()
    };
    let Ok(report) = episodes::analyze(&file, &opts) else {
        return format!("<p>{}</p>", label("jr.empty"));
    };
    let Ok(out) = narrate_patterns::narrate(&narrate_patterns::policy(), &report) else {
        return format!("<p>{}</p>", label("jr.empty"));
    };
    let mut h = format!(
        "<section class=\"patterns\"><p>{}</p><p>{}</p><ul>",
        esc(out.record.text()),
        esc(out.window.text.text())
    );
    for f in &out.findings {
        let _ = write!(h, "<li>{}</li>", esc(f.text.text()));
    }
    h.push_str("</ul>");
    for n in &out.notes {
        let _ = write!(h, "<p>{}</p>", esc(n.text()));
    }
    h.push_str("</section>");
    let points: Vec<record_charts::CheckinPoint> = checkins
        .iter()
        .map(|c| record_charts::CheckinPoint {
            at: c.data.at,
            closeness: c.data.closeness,
            distress: c.data.distress,
            safety: c.data.safety,
        })
        .collect();
    let _ = write!(
        h,
        "<section class=\"charts\"><h2>{}</h2>{}{}</section>",
        label("jr.charts-heading"),
        chart_html(&record_charts::reconnect_times(&out, closer_chart::PHONE)),
        chart_html(&record_charts::checkins(&points, closer_chart::PHONE)),
    );
    h
}

fn export_form(who: &SignedIn) -> String {
    let mut out = format!(
        "<section class=\"export\"><h2>{}</h2><p>{}</p>",
        label("jr.export-heading"),
        label("jr.export-intro")
    );
    // Posted by the browser itself, so the download arrives as a file (not as the page).
    out.push_str(&form_open(who, Id::Export, "stack").replacen("<form ", "<form data-native ", 1));
    let _ = write!(
        out,
        "<p><label for=\"format\">{}</label><select id=\"format\" name=\"format\" autocomplete=\"off\"><option value=\"json\">{}</option><option value=\"csv\">{}</option></select></p>\
<p><label for=\"export-pp\">{}</label><input id=\"export-pp\" name=\"passphrase\" type=\"password\" autocomplete=\"off\" required></p>\
<p><button type=\"submit\">{}</button></p></form><p><a href=\"{}\">{}</a></p></section>",
        label("jr.export-format"),
        label("jr.export-json"),
        label("jr.export-csv"),
        label("acct.passphrase"),
        label("jr.export-button"),
        routes::path(Id::Record),
        label("record.link"),
    );
    out
}

/// Posted export (with the passphrase in the same form): everything as `closer export` writes
/// it, or my moves as a moves CSV, as an attachment under a neutral name.
pub async fn export(p: Posted) -> Response {
    let who = &p.who;
    let st = who.state().clone();
    if let Err(r) = confirm_passphrase(&st, who, p.form.get("passphrase").unwrap_or("")).await {
        return r;
    }
    let now = st.now_secs();
    let day = day_of(now, 0);
    let (body, ext, ctype) = if p.form.get("format") == Some("csv") {
        let entries = match who.store.entries(&who.person, None).await {
            Ok(e) => e,
            Err(e) => return failed(who, e),
        };
        let file = closer_store::to_moves_file(&entries);
        let mut buf = Vec::new();
        if closer_domain::moves_csv::write(&mut buf, file.window, &file.moves).is_err() {
            return crate::pages::unavailable(&st);
        }
        (buf, "csv", "text/csv; charset=utf-8")
    } else {
        match who.store.export(&who.person, now).await {
            Ok(x) => (x.to_json().into_bytes(), "json", "application/json"),
            Err(e) => return failed(who, e),
        }
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"notes-{day}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}
