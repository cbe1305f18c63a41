//! Pages that are only reading: learn (both roles, the ways), therapy information, and the
//! advice for a shared device.

use super::page;
use crate::Shared;
use crate::html::{esc, items, label, paragraphs, said};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_guide::content::content;
use closer_guide::flows;
use closer_safety::{Context, Policy};
use std::fmt::Write;

/// What may be going on, for both roles, and the ways. A signed-in person in safety mode gets
/// the guide's safety-mode reading (as `closer learn --afraid`).
pub async fn learn(State(st): State<Shared>, headers: axum::http::HeaderMap) -> Response {
    let policy = Policy::new(if crate::measures::safety_mode_of(&headers, &st).await {
        Context::safety()
    } else {
        Context::ordinary()
    });
    let mut main = format!("<h1>{}</h1>", label("web.learn-link"));
    for step in flows::learn(&policy) {
        main.push_str(&said(step.main(), 2));
        main.push_str(&items(step.items()));
    }
    let _ = write!(main, "<h2>{}</h2>", label("web.ways-heading"));
    for card in flows::ways(&policy) {
        let _ = write!(main, "<section class=\"way\"><h3>{}</h3>", esc(&card.title));
        for (part, text) in &card.parts {
            let _ = write!(main, "<h4>{}</h4>{}", esc(part), paragraphs(text));
        }
        main.push_str("</section>");
    }
    page(&st, StatusCode::OK, &main)
}

/// The therapy blocks of the guide's content, each reviewed by the policy.
pub const THERAPY_BLOCKS: [&str; 4] = [
    "therapy-individual",
    "therapy-couple",
    "therapy-emdr",
    "therapy-crisis",
];

pub async fn people(State(st): State<Shared>) -> Response {
    let policy = Policy::new(Context::ordinary());
    let mut main = format!("<h1>{}</h1>", label("web.people-heading"));
    for id in THERAPY_BLOCKS {
        let Some(piece) = content().block(id) else {
            continue;
        };
        if let Ok(s) = policy.review(piece.draft()) {
            main.push_str(&said(&s, 2));
            main.push_str(&items(&policy.keep(piece.item_drafts())));
        }
    }
    page(&st, StatusCode::OK, &main)
}

pub async fn device(State(st): State<Shared>) -> Response {
    let mut main = format!(
        "<h1>{}</h1><ul class=\"advice\">",
        label("web.device-heading")
    );
    for key in [
        "web.device-private",
        "web.device-exit",
        "web.device-entries",
        "web.device-sync",
        "web.device-spyware",
    ] {
        let _ = write!(main, "<li>{}</li>", label(key));
    }
    main.push_str("</ul>");
    page(&st, StatusCode::OK, &main)
}
