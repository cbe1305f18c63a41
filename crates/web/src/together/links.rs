//! Read-only links for a therapist, as their owner manages them: make one (passphrase, a name,
//! up to 14 days), see whether it was opened and whether a second browser was refused, revoke
//! it, and add or take off entries one at a time. When the entries of a link change, its
//! patterns are worked out again from those entries only and frozen under the link's key.

use super::{recent_own, see_other, shared_entry};
use crate::Shared;
use crate::account::{Posted, SignedIn, confirm_passphrase, form_open, page};
use crate::html::{esc, label};
use crate::pages::bad_form;
use crate::routes::{self, Id};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use closer_store::{Audience, LinkFrozen, SharedEntry, Store, day_of};
use std::fmt::Write;

/// The moves of the entries tagged for `link`, as a moves file (CSV text): what the link's
/// patterns are computed from, frozen at the time of sharing.
async fn freeze(s: &Store, owner: &str, link: &str) -> closer_store::Result<()> {
    let tagged = s
        .shared_ids(owner, &Audience::Therapist(link.to_string()))
        .await?;
    let entries: Vec<_> = s
        .entries(owner, None)
        .await?
        .into_iter()
        .filter(|e| tagged.contains(&e.id))
        .collect();
    let file = closer_store::to_moves_file(&entries);
    let mut csv = Vec::new();
    closer_domain::moves_csv::write(&mut csv, None, &file.moves)
        .map_err(|e| closer_store::Error::Io("moves".into(), e))?;
    // The measures chosen for the link stay as they were frozen.
    let mut frozen = LinkFrozen::read(s.link_frozen(owner, link).await?.as_ref());
    frozen.moves = String::from_utf8_lossy(&csv).into_owned();
    s.freeze_link(owner, link, &frozen).await
}

/// Adds one of the owner's kept measure results to a link, or takes it off: its scores (never
/// its answers) are frozen in the link as they are now.
async fn freeze_measure(
    s: &Store,
    owner: &str,
    link: &str,
    assessment: &str,
    on: bool,
) -> closer_store::Result<()> {
    let a = s
        .assessments(owner)
        .await?
        .into_iter()
        .find(|a| a.id == assessment)
        .ok_or(closer_store::Error::NotFound("assessment"))?;
    let mut frozen = LinkFrozen::read(s.link_frozen(owner, link).await?.as_ref());
    frozen.set_measure(&a, on);
    s.freeze_link(owner, link, &frozen).await
}

async fn render(me: &SignedIn, address: Option<&str>) -> Response {
    let s = &me.store;
    let links = s.therapist_links(&me.person).await.unwrap_or_default();
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        label("links.heading"),
        label("links.text")
    );
    if let Some(a) = address {
        let _ = write!(
            main,
            "<p>{}</p><p class=\"code\" id=\"link-address\">{}</p>",
            label("links.address"),
            esc(a)
        );
    }
    let _ = write!(
        main,
        "{}<label for=\"link-name\">{}</label><input id=\"link-name\" name=\"name\" type=\"text\" maxlength=\"80\" autocomplete=\"off\" required>\
<label for=\"link-days\">{}</label><input id=\"link-days\" name=\"days\" type=\"number\" min=\"1\" max=\"14\" value=\"14\" autocomplete=\"off\" required>\
<label for=\"link-pass\">{}</label><input id=\"link-pass\" name=\"passphrase\" type=\"password\" autocomplete=\"off\" required>\
<button type=\"submit\">{}</button></form>",
        form_open(me, Id::LinksCreate, "link"),
        label("links.name"),
        label("links.days"),
        label("together.passphrase"),
        label("links.create")
    );
    let mine = recent_own(s.entries(&me.person, None).await.unwrap_or_default());
    let measures = s.assessments(&me.person).await.unwrap_or_default();
    for l in &links {
        let state = if l.revoked {
            "links.revoked"
        } else if l.refused_elsewhere {
            "links.refused"
        } else if l.opened {
            "links.opened"
        } else {
            "links.not-opened"
        };
        let _ = write!(
            main,
            "<section class=\"link\"><h2>{}</h2><p class=\"state\">{}</p>",
            esc(&l.name),
            label(state)
        );
        if l.revoked {
            main.push_str("</section>");
            continue;
        }
        let _ = write!(
            main,
            "<p>{} {}</p>{}<input type=\"hidden\" name=\"link\" value=\"{}\"><button type=\"submit\">{}</button></form>",
            label("links.until"),
            esc(&day_of(l.expires_at, 0)),
            form_open(me, Id::LinksRevoke, "revoke"),
            esc(&l.id),
            label("links.revoke")
        );
        let tagged = s
            .shared_ids(&me.person, &Audience::Therapist(l.id.clone()))
            .await
            .unwrap_or_default();
        for e in &mine {
            let on = tagged.contains(&e.id);
            main.push_str(&shared_entry(&SharedEntry::from_entry(e)));
            let _ = write!(
                main,
                "{}<input type=\"hidden\" name=\"link\" value=\"{}\"><input type=\"hidden\" name=\"entry\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\"><button type=\"submit\">{} {}</button></form>",
                form_open(me, Id::LinksTag, "tag"),
                esc(&l.id),
                esc(&e.id),
                if on { "off" } else { "on" },
                label(if on { "links.take-off" } else { "links.add" }),
                esc(&l.name)
            );
        }
        if !measures.is_empty() {
            let chosen = LinkFrozen::read(
                s.link_frozen(&me.person, &l.id)
                    .await
                    .ok()
                    .flatten()
                    .as_ref(),
            );
            let _ = write!(
                main,
                "<h3>{}</h3><p>{}</p>",
                label("links.measures"),
                label("links.measures-text")
            );
            for a in &measures {
                let on = chosen.measures.iter().any(|m| m.id == a.id);
                let _ = write!(
                    main,
                    "<p class=\"measure\">{} · {}</p>{}<input type=\"hidden\" name=\"link\" value=\"{}\"><input type=\"hidden\" name=\"assessment\" value=\"{}\"><input type=\"hidden\" name=\"action\" value=\"{}\"><button type=\"submit\">{} {}</button></form>",
                    esc(&a.data.instrument),
                    esc(&day_of(a.data.at, 0)),
                    form_open(me, Id::LinksMeasure, "tag"),
                    esc(&l.id),
                    esc(&a.id),
                    if on { "off" } else { "on" },
                    label(if on { "links.take-off" } else { "links.add" }),
                    esc(&l.name)
                );
            }
        }
        main.push_str("</section>");
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Together),
        label("together.heading")
    );
    page(me, StatusCode::OK, &main)
}

pub async fn show(me: SignedIn) -> Response {
    render(&me, None).await
}

pub async fn create(State(st): State<Shared>, headers: HeaderMap, p: Posted) -> Response {
    let (me, f) = (p.who, p.form);
    if let Err(r) = confirm_passphrase(&st, &me, f.get("passphrase").unwrap_or("")).await {
        return r;
    }
    let s = me.store.clone();
    let Some(days) = f.get("days").and_then(|d| d.trim().parse::<i64>().ok()) else {
        return bad_form(&st);
    };
    match s
        .create_link(&me.person, f.get("name").unwrap_or(""), st.now_secs(), days)
        .await
    {
        Ok(l) => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            // Loopback serves plain HTTP (see `closer serve`); anything else is behind TLS.
            let scheme = if host.starts_with("127.0.0.1") || host.starts_with("localhost") {
                "http"
            } else {
                "https"
            };
            let address = format!("{scheme}://{host}{}", crate::view::address(&l.token));
            render(&me, Some(&address)).await
        }
        Err(_) => bad_form(&st),
    }
}

pub async fn revoke(State(st): State<Shared>, p: Posted) -> Response {
    let (me, f) = (p.who, p.form);
    match me
        .store
        .revoke_therapist_link(&me.person, f.get("link").unwrap_or(""))
        .await
    {
        // Revoking what is not (or no longer) there changes nothing and says nothing.
        Ok(()) | Err(closer_store::Error::NotFound(_)) => see_other(Id::Links),
        Err(_) => bad_form(&st),
    }
}

pub async fn tag(State(st): State<Shared>, p: Posted) -> Response {
    let (me, f) = (p.who, p.form);
    let s = me.store.clone();
    let (Some(link), Some(entry), Some(action)) = (f.get("link"), f.get("entry"), f.get("action"))
    else {
        return bad_form(&st);
    };
    let audience = Audience::Therapist(link.to_string());
    let r = match action {
        "on" => s.share_entry(&me.person, entry, &audience).await,
        "off" => s.unshare_entry(&me.person, entry, &audience).await,
        _ => return bad_form(&st),
    };
    match r {
        Ok(()) => match freeze(&s, &me.person, link).await {
            // A link that is not live has no patterns to freeze: nothing to do.
            Ok(()) | Err(closer_store::Error::NotFound(_)) => see_other(Id::Links),
            Err(_) => bad_form(&st),
        },
        Err(closer_store::Error::NotFound(_)) => crate::pages::not_found(&st),
        Err(_) => bad_form(&st),
    }
}

/// `POST /links/measure` (fields `link`, `assessment`, `action` = `on`/`off`): one kept measure
/// result's scores into a link, or out of it.
pub async fn measure(State(st): State<Shared>, p: Posted) -> Response {
    let (me, f) = (p.who, p.form);
    let (Some(link), Some(a), Some(action)) = (f.get("link"), f.get("assessment"), f.get("action"))
    else {
        return bad_form(&st);
    };
    let on = match action {
        "on" => true,
        "off" => false,
        _ => return bad_form(&st),
    };
    match freeze_measure(&me.store, &me.person, link, a, on).await {
        // Taking off what is not (or no longer) there changes nothing and says nothing.
        Ok(()) | Err(closer_store::Error::NotFound(_)) if !on => see_other(Id::Links),
        Ok(()) => see_other(Id::Links),
        Err(closer_store::Error::NotFound(_)) => crate::pages::not_found(&st),
        Err(_) => bad_form(&st),
    }
}
