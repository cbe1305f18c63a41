//! The partner page and the therapist links of a signed-in person (issue 15).
//!
//! What a page may show is decided in the store (the allowlist, the audience filter in the
//! query, the couple and link keys) and the words come from `closer-guide`; this module lays
//! them out. The partner's part of the page shows no times, marks or counts, and nothing on it
//! depends on the other person's private entries, mode or sessions.

pub mod links;

use crate::Shared;
use crate::account::{Posted, SignedIn, confirm_passphrase, form_open, page};
use crate::html::{esc, label, said};
use crate::pages::bad_form;
use crate::routes::{self, Id};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use closer_guide::together::{Change, before};
use closer_store::{Audience, Entry, SHARES_PER_PAGE, SharedEntry, own_moves_page, share_page};
use std::fmt::Write;

/// Which page of each list the partner page shows: `?mine=N&theirs=N` (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    pub mine: usize,
    pub theirs: usize,
}

impl Pages {
    const FIRST: Pages = Pages { mine: 1, theirs: 1 };

    /// The pages named in a query; anything else is the first page.
    pub fn from_query(q: Option<&str>) -> Pages {
        let mut p = Pages::FIRST;
        for kv in q.unwrap_or("").split('&') {
            let Some((k, v)) = kv.split_once('=') else {
                continue;
            };
            let Ok(n) = v.parse::<usize>() else { continue };
            match k {
                "mine" => p.mine = n.max(1),
                "theirs" => p.theirs = n.max(1),
                _ => {}
            }
        }
        p
    }

    /// The partner page's address for these pages (no query for the first of both).
    pub fn href(self) -> String {
        let base = routes::path(Id::Together);
        match (self.mine, self.theirs) {
            (1, 1) => base.to_string(),
            (m, 1) => format!("{base}?mine={m}"),
            (1, t) => format!("{base}?theirs={t}"),
            (m, t) => format!("{base}?mine={m}&amp;theirs={t}"),
        }
    }
}

/// "Page 2 of 5", with links to the newer and older pages of one list.
fn pager(page: usize, pages: usize, at: impl Fn(usize) -> Pages) -> String {
    if pages <= 1 {
        return String::new();
    }
    let mut out = format!(
        "<nav class=\"pages\"><p>{} {page} {} {pages}</p>",
        label("jr.page"),
        label("jr.of")
    );
    if page > 1 {
        let _ = write!(
            out,
            "<a href=\"{}\">{}</a> ",
            at(page - 1).href(),
            label("jr.newer")
        );
    }
    if page < pages {
        let _ = write!(
            out,
            "<a href=\"{}\">{}</a>",
            at(page + 1).href(),
            label("jr.older")
        );
    }
    out.push_str("</nav>");
    out
}

fn see_other_to(to: &str) -> Response {
    crate::account::see_other(&to.replace("&amp;", "&"))
}

pub(crate) fn see_other(to: Id) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, routes::path(to))],
    )
        .into_response()
}

fn passphrase_field(id: &str) -> String {
    format!(
        "<label for=\"{id}\">{}</label><input id=\"{id}\" name=\"passphrase\" type=\"password\" autocomplete=\"off\" required>",
        label("together.passphrase")
    )
}

/// One shared entry in the allowlisted words only: the day, the move, the picked words.
pub fn shared_entry(e: &SharedEntry) -> String {
    let mut out = String::from("<dl class=\"entry\">");
    let mut row = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", label(k), esc(&v));
        }
    };
    row("together.day", e.day.clone());
    row(
        "together.move",
        closer_guide::ui::ui(&format!("move.{}", e.move_type.as_str()))
            .text()
            .to_string(),
    );
    row("together.feelings", e.feelings.join(", "));
    row("together.needs", e.needs.join(", "));
    row(
        "together.intensity",
        e.intensity.map(|i| i.to_string()).unwrap_or_default(),
    );
    row(
        "together.way",
        e.way
            .map(|w| {
                closer_guide::ui::ui(&format!("jr.way.{}", w.as_str()))
                    .text()
                    .to_string()
            })
            .unwrap_or_default(),
    );
    row("together.cycle", e.cycle.join(", "));
    out.push_str("</dl>");
    out
}

/// How many of my own most recent entries a therapist link's tag controls list.
const RECENT: usize = 50;

/// My own most recent moves (not my perceptions of my partner's), newest first.
pub(crate) fn recent_own(entries: Vec<Entry>) -> Vec<Entry> {
    let mut v: Vec<Entry> = entries
        .into_iter()
        .filter(|e| e.data.by == closer_store::Actor::Me)
        .collect();
    v.reverse();
    v.truncate(RECENT);
    v
}

/// The partner page at `at` (which page of each list). `shown` is the code of an invitation
/// just made (shown once).
async fn render(me: &SignedIn, shown: Option<&str>, refusal: Option<&str>) -> Response {
    render_at(me, Pages::FIRST, shown, refusal).await
}

async fn render_at(
    me: &SignedIn,
    at: Pages,
    shown: Option<&str>,
    refusal: Option<&str>,
) -> Response {
    let s = &me.store;
    let partner = s.partner_of(&me.person).await.ok().flatten();
    let mut main = format!("<h1>{}</h1>", label("together.heading"));
    if let Some(key) = refusal {
        let _ = write!(
            main,
            "<p class=\"notice\" role=\"alert\">{}</p>",
            label(key)
        );
    }
    match partner {
        None => {
            let _ = write!(main, "<p>{}</p>", label("together.alone"));
            let _ = write!(
                main,
                "<section><h2>{}</h2><p>{}</p>{}{}<button type=\"submit\">{}</button></form>",
                label("together.invite-heading"),
                label("together.invite-text"),
                form_open(me, Id::TogetherInvite, "invite"),
                passphrase_field("invite-pass"),
                label("together.invite-button")
            );
            if let Some(code) = shown {
                let _ = write!(
                    main,
                    "<p>{}</p><p class=\"code\" id=\"invite-code\">{}</p>",
                    label("together.code-shown"),
                    esc(code)
                );
            }
            let _ = write!(
                main,
                "</section><section><h2>{}</h2>{}<label for=\"code\">{}</label><input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" required>{}<button type=\"submit\">{}</button></form></section>",
                label("together.accept-heading"),
                form_open(me, Id::TogetherAccept, "accept"),
                label("together.code-label"),
                passphrase_field("accept-pass"),
                label("together.accept-button")
            );
        }
        Some(_) => {
            let _ = write!(main, "<p>{}</p>", label("together.linked"));
            let theirs = s
                .shared_with_me_page(&me.person, at.theirs, SHARES_PER_PAGE)
                .await
                .unwrap_or_else(|_| share_page(&[], 1, SHARES_PER_PAGE));
            let _ = write!(
                main,
                "<section id=\"theirs\"><h2>{}</h2>",
                label("together.theirs-heading")
            );
            if theirs.items.is_empty() {
                let _ = write!(main, "<p>{}</p>", label("together.theirs-none"));
            }
            for e in &theirs.items {
                main.push_str(&shared_entry(e));
            }
            main.push_str(&pager(theirs.page, theirs.pages, |n| Pages {
                theirs: n,
                ..at
            }));
            main.push_str("</section>");
            // My own moves from the journal's per-session cache (opened once per data version).
            let all = match crate::journal::pages::entries(me).await {
                Ok((_, all)) => all,
                Err(_) => return crate::pages::unavailable(me.state()),
            };
            let mine = own_moves_page(&all, at.mine, SHARES_PER_PAGE);
            let shared = s
                .shared_ids(&me.person, &Audience::Partner)
                .await
                .unwrap_or_default();
            let _ = write!(
                main,
                "<section id=\"mine\"><h2>{}</h2>",
                label("together.mine-heading")
            );
            if shared.is_empty() {
                let _ = write!(main, "<p>{}</p>", label("together.keep-line"));
            }
            let page_field = if mine.page > 1 {
                format!(
                    "<input type=\"hidden\" name=\"mine\" value=\"{}\">",
                    mine.page
                )
            } else {
                String::new()
            };
            for e in &mine.items {
                let on = shared.contains(&e.id);
                main.push_str(&shared_entry(&SharedEntry::from_entry(e)));
                let _ = write!(
                    main,
                    "{}<input type=\"hidden\" name=\"entry\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\">{page_field}{}<button type=\"submit\">{}</button></form>",
                    form_open(me, Id::TogetherShare, "share"),
                    esc(&e.id),
                    if on { "withdraw" } else { "share" },
                    if on {
                        format!(
                            "<span class=\"mark\">{}</span>",
                            label("together.shared-mark")
                        )
                    } else {
                        String::new()
                    },
                    label(if on {
                        "together.withdraw"
                    } else {
                        "together.share"
                    })
                );
            }
            main.push_str(&pager(mine.page, mine.pages, |n| Pages { mine: n, ..at }));
            main.push_str("</section>");
            // Quieter than withdrawing one entry, the step the screen before them recommends.
            for (change, key) in [("stop", "together.stop-all"), ("unlink", "together.unlink")] {
                let _ = write!(
                    main,
                    "{}<input type=\"hidden\" name=\"change\" value=\"{change}\"><button type=\"submit\" class=\"secondary\">{}</button></form>",
                    form_open(me, Id::TogetherBefore, "change"),
                    label(key)
                );
            }
        }
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Links),
        label("links.heading")
    );
    page(me, StatusCode::OK, &main)
}

pub async fn show(me: SignedIn, uri: axum::http::Uri) -> Response {
    render_at(&me, Pages::from_query(uri.query()), None, None).await
}

pub async fn invite(State(st): State<Shared>, p: Posted) -> Response {
    let me = p.who;
    if let Err(r) = confirm_passphrase(&st, &me, p.form.get("passphrase").unwrap_or("")).await {
        return r;
    }
    match me.store.create_invitation(&me.person, st.now_secs()).await {
        Ok(inv) => render(&me, Some(&inv.code), None).await,
        Err(_) => render(&me, None, None).await,
    }
}

pub async fn accept(State(st): State<Shared>, p: Posted) -> Response {
    let me = p.who;
    if let Err(r) = confirm_passphrase(&st, &me, p.form.get("passphrase").unwrap_or("")).await {
        return r;
    }
    match me
        .store
        .accept_invitation(&me.person, p.form.get("code").unwrap_or(""), st.now_secs())
        .await
    {
        Ok(()) => see_other(Id::Together),
        Err(_) => render(&me, None, Some("together.code-refused")).await,
    }
}

pub async fn share(State(st): State<Shared>, p: Posted) -> Response {
    let me = p.who;
    let (Some(entry), Some(action)) = (p.form.get("entry"), p.form.get("action")) else {
        return bad_form(&st);
    };
    let r = match action {
        "share" => {
            me.store
                .share_entry(&me.person, entry, &Audience::Partner)
                .await
        }
        "withdraw" => {
            me.store
                .unshare_entry(&me.person, entry, &Audience::Partner)
                .await
        }
        _ => return bad_form(&st),
    };
    // Back to the page of my list the form was on (a number, nothing typed).
    let back = Pages {
        mine: p
            .form
            .get("mine")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
            .max(1),
        theirs: 1,
    };
    match r {
        Ok(()) => see_other_to(&back.href()),
        Err(closer_store::Error::NotFound(_)) => crate::pages::not_found(&st),
        Err(_) => bad_form(&st),
    }
}

/// The changes asked from the partner page (a passphrase change and a deletion have their
/// screen on the account's own path, `/me/check`).
fn change_of(v: &str) -> Option<Change> {
    match v {
        "unlink" => Some(Change::Unlink),
        "stop" => Some(Change::StopSharing),
        _ => None,
    }
}

/// The screen before a change the other person may notice, with one button that continues to
/// `to` (posting `fields`, already HTML) and one that goes back.
pub fn before_page(
    me: &SignedIn,
    change: Change,
    region: Option<&str>,
    to: Id,
    fields: &str,
) -> Response {
    let (words, lines) = before(change, region);
    // Back to the page the change was asked from.
    let back = match change {
        Change::Unlink | Change::StopSharing => Id::Together,
        Change::Passphrase | Change::Delete => Id::Account,
    };
    let mut main = format!("<h1>{}</h1>", label("before.heading"));
    for w in &words {
        main.push_str(&said(w, 2));
    }
    // Level 2 like the words above: their sections often have no title, and a heading that
    // skips a level confuses a screen reader's outline (axe `heading-order`).
    for l in &lines {
        main.push_str(&said(l, 2));
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>{}{fields}<button type=\"submit\">{}</button></form><p><a class=\"button\" href=\"{}\">{}</a></p>",
        routes::path(Id::Numbers),
        label("web.numbers-link"),
        form_open(me, to, "continue"),
        label("before.continue"),
        routes::path(back),
        label("before.back")
    );
    page(me, StatusCode::OK, &main)
}

pub async fn check(State(st): State<Shared>, p: Posted) -> Response {
    let me = p.who;
    let Some(change) = p.form.get("change").and_then(change_of) else {
        return bad_form(&st);
    };
    let to = match change {
        Change::StopSharing => Id::TogetherStop,
        _ => Id::TogetherUnlink,
    };
    before_page(&me, change, None, to, "")
}

pub async fn unlink(State(st): State<Shared>, p: Posted) -> Response {
    match p.who.store.unlink_partner(&p.who.person).await {
        Ok(()) => see_other(Id::Together),
        Err(_) => bad_form(&st),
    }
}

pub async fn stop(State(st): State<Shared>, p: Posted) -> Response {
    match p.who.store.unshare_all_partner(&p.who.person).await {
        Ok(()) => see_other(Id::Together),
        Err(_) => bad_form(&st),
    }
}
