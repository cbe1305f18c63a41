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
use closer_store::{Audience, Entry, SharedEntry};
use std::fmt::Write;

/// How many of my own most recent entries the share controls list.
const RECENT: usize = 50;

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
            .map(|w| w.as_str().replace('_', " "))
            .unwrap_or_default(),
    );
    row("together.cycle", e.cycle.join(", "));
    out.push_str("</dl>");
    out
}

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

/// The partner page. `shown` is the code of an invitation just made (shown once).
async fn render(me: &SignedIn, shown: Option<&str>, refusal: Option<&str>) -> Response {
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
            let theirs = s.shared_with_me(&me.person).await.unwrap_or_default();
            let _ = write!(
                main,
                "<section><h2>{}</h2>",
                label("together.theirs-heading")
            );
            if theirs.is_empty() {
                let _ = write!(main, "<p>{}</p>", label("together.theirs-none"));
            }
            for e in &theirs {
                main.push_str(&shared_entry(e));
            }
            main.push_str("</section>");
            let mine = recent_own(s.entries(&me.person, None).await.unwrap_or_default());
            let shared = s
                .shared_ids(&me.person, &Audience::Partner)
                .await
                .unwrap_or_default();
            let _ = write!(main, "<section><h2>{}</h2>", label("together.mine-heading"));
            if shared.is_empty() {
                let _ = write!(main, "<p>{}</p>", label("together.keep-line"));
            }
            for e in &mine {
                let on = shared.contains(&e.id);
                main.push_str(&shared_entry(&SharedEntry::from_entry(e)));
                let _ = write!(
                    main,
                    "{}<input type=\"hidden\" name=\"entry\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\">{}<button type=\"submit\">{}</button></form>",
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
            main.push_str("</section>");
            for (change, key) in [("stop", "together.stop-all"), ("unlink", "together.unlink")] {
                let _ = write!(
                    main,
                    "{}<input type=\"hidden\" name=\"change\" value=\"{change}\"><button type=\"submit\">{}</button></form>",
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

pub async fn show(me: SignedIn) -> Response {
    render(&me, None, None).await
}

pub async fn invite(State(st): State<Shared>, p: Posted) -> Response {
    let me = p.who;
    if let Err(r) = confirm_passphrase(&st, &me, p.form.get("passphrase").unwrap_or("")).await {
        return r;
    }
    match me
        .store
        .create_invitation(&me.person, st.now() as i64)
        .await
    {
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
        .accept_invitation(
            &me.person,
            p.form.get("code").unwrap_or(""),
            st.now() as i64,
        )
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
    match r {
        Ok(()) => see_other(Id::Together),
        Err(closer_store::Error::NotFound(_)) => crate::pages::not_found(&st),
        Err(_) => bad_form(&st),
    }
}

fn change_of(v: &str) -> Option<Change> {
    match v {
        "unlink" => Some(Change::Unlink),
        "stop" => Some(Change::StopSharing),
        "passphrase" => Some(Change::Passphrase),
        "delete" => Some(Change::Delete),
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
    for l in &lines {
        main.push_str(&said(l, 3));
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
    let (to, fields) = match change {
        Change::Unlink => (Id::TogetherUnlink, String::new()),
        Change::StopSharing => (Id::TogetherStop, String::new()),
        Change::Passphrase => (
            Id::Passphrase,
            crate::account::pages::passphrase_change_fields(),
        ),
        Change::Delete => (Id::Delete, crate::account::pages::delete_fields()),
    };
    before_page(&me, change, None, to, &fields)
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
