//! The home: the same choices as the terminal home, crisis help in one tap, the emergency
//! advice, and plain links to everything else.

use super::{form_open, page};
use crate::Shared;
use crate::html::{esc, label};
use crate::routes::{self, Id};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_guide::flows;
use closer_safety::{Context, Policy};
use std::fmt::Write;

/// The flow behind a home choice's key (`1`…), from the home content's own command.
pub fn flow_of_choice(key: &str) -> Option<String> {
    // The content is embedded, so the map is made once.
    static MAP: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        flows::home(&Policy::new(Context::ordinary()))
            .choices
            .iter()
            .filter_map(|(k, _, cmd)| {
                cmd.strip_prefix("closer guide ")
                    .map(|f| (k.clone(), f.to_string()))
            })
            .collect()
    })
    .iter()
    .find(|(k, _)| k == key)
    .map(|(_, f)| f.clone())
}

/// The page behind a home choice that is not a flow (its terminal command's web twin).
fn page_of_command(cmd: &str) -> Id {
    match cmd.split_whitespace().nth(1).unwrap_or("") {
        "soften" => Id::Words,
        "screen" => Id::Questions,
        "help-now" => Id::Numbers,
        "simulate" | "phase" | "sweep" => Id::Model,
        _ => Id::Learn,
    }
}

/// The choices as buttons of one posted form (what is chosen never enters a URL).
pub fn choices(st: &Shared) -> String {
    let home = flows::home(&Policy::new(Context::ordinary()));
    let mut out = form_open(st, Id::WalkStep, "choices");
    out.push_str("<ul class=\"choices\">");
    for (key, said, cmd) in &home.choices {
        if cmd.starts_with("closer guide ") {
            let _ = write!(
                out,
                "<li><button type=\"submit\" name=\"flow\" value=\"{}\">{}</button></li>",
                esc(key),
                esc(said.text())
            );
        } else {
            let _ = write!(
                out,
                "<li><a class=\"choice-link\" href=\"{}\">{}</a></li>",
                routes::path(page_of_command(cmd)),
                esc(said.text())
            );
        }
    }
    out.push_str("</ul></form>");
    out
}

pub async fn home(State(st): State<Shared>) -> Response {
    let home = flows::home(&Policy::new(Context::ordinary()));
    let mut main = String::new();
    let _ = write!(
        main,
        "<p class=\"urgent\"><a class=\"now\" href=\"{}\">{}</a></p>",
        routes::path(Id::Numbers),
        label("web.crisis-link")
    );
    let _ = write!(
        main,
        "<h1 class=\"greeting\">{}</h1>",
        label("web.home-greeting")
    );
    main.push_str(&choices(&st));
    let _ = write!(
        main,
        "<p class=\"emergency\">{}</p>",
        esc(home.footer.text())
    );
    let _ = write!(
        main,
        "<h2>{}</h2><ul class=\"links\">",
        label("web.home-more")
    );
    for (id, key) in [
        (Id::Learn, "web.learn-link"),
        (Id::Words, "web.words-link"),
        (Id::Numbers, "web.numbers-link"),
        (Id::Questions, "web.questions-link"),
        (Id::Model, "web.model-link"),
        (Id::People, "web.people-link"),
        (Id::Device, "web.device-link"),
    ] {
        let _ = write!(
            main,
            "<li><a href=\"{}\">{}</a></li>",
            routes::path(id),
            label(key)
        );
    }
    main.push_str("</ul>");
    page(&st, StatusCode::OK, &main)
}
