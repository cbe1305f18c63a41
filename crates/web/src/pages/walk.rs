//! The guide's flows in the browser, one step a page, with Back and Next. The walk's state
//! (which flow, which step, safety mode) travels only as a sealed, expiring hidden field: never
//! in a URL, never in a server session. Checks are forms (yes / no / not sure); every step has
//! the safety switch; "yes" or "not sure" at the fear check rebuilds the flow in safety mode.

use super::home::{choices, flow_of_choice};
use super::{bad_form, expired, form_open, not_found, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, items, label, paragraphs};
use crate::routes::Id;
use crate::seal::STATE_TTL_SECS;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_guide::content::Interaction;
use closer_guide::flows::{self, Flow, Step};
use closer_guide::ui::ui;
use closer_safety::{Context, Policy};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

const PURPOSE: &str = "walk";

/// Where a walk is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Walk {
    /// The flow's id.
    pub flow: String,
    /// Safety mode (chosen, or switched on by a check).
    pub safety: bool,
    /// The step shown (0-based); `steps.len()` is the end.
    pub step: usize,
    /// "Yes" at the own-behaviour check: no more coaching, only help for the person.
    pub own: bool,
}

fn policy(safety: bool) -> Policy {
    Policy::new(if safety {
        Context::safety()
    } else {
        Context::ordinary()
    })
}

fn build(w: &Walk) -> Option<Flow> {
    flows::flow(&w.flow, &policy(w.safety)).ok()
}

/// The page for `GET /walk` (a reload, or a page restored from history): the choices again.
pub async fn choose(State(st): State<Shared>) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{}</p>{}",
        label("web.walk-heading"),
        label("web.walk-choose"),
        choices(&st)
    );
    page(&st, StatusCode::OK, &main)
}

pub async fn step(State(st): State<Shared>, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let mut walk = if let Some(key) = f.get("flow") {
        let Some(flow) = flow_of_choice(key) else {
            return not_found(&st);
        };
        let safety = flow == flows::NOT_SAFE;
        Walk {
            flow,
            safety,
            step: 0,
            own: false,
        }
    } else {
        let Some(token) = f.get("s") else {
            return bad_form(&st);
        };
        let Ok(bytes) = st.sealer.open(PURPOSE, st.now(), token) else {
            return expired(&st, StatusCode::BAD_REQUEST);
        };
        let Ok(w) = serde_json::from_slice::<Walk>(&bytes) else {
            return bad_form(&st);
        };
        w
    };
    let Some(flow) = build(&walk) else {
        return not_found(&st);
    };
    let go = f.get("go").unwrap_or("");
    let current = flow.steps.get(walk.step);
    match go {
        "" => {}
        "afraid" => {
            walk = Walk {
                safety: true,
                step: 0,
                own: false,
                ..walk
            }
        }
        "next" => walk.step = (walk.step + 1).min(flow.steps.len()),
        "back" => {
            walk.step = walk.step.saturating_sub(1);
            walk.own = false;
        }
        "yes" | "no" | "unsure" => {
            let Some(s) = current.filter(|s| s.interaction() == Some(Interaction::Check)) else {
                return bad_form(&st);
            };
            match (go, s.kind()) {
                ("no", _) => walk.step += 1,
                // Afraid, or not sure whether: safety first, the whole flow in safety mode.
                (_, "fear") => {
                    walk = Walk {
                        safety: true,
                        step: 0,
                        own: false,
                        ..walk
                    }
                }
                // Own behaviour: no more coaching; only help for the person.
                _ => walk.own = true,
            }
        }
        _ => return bad_form(&st),
    }
    let Some(flow) = build(&walk) else {
        return not_found(&st);
    };
    render(&st, &flow, &walk)
}

fn state_field(st: &Shared, w: &Walk) -> String {
    let json = serde_json::to_vec(w).expect("a walk serialises");
    format!(
        "<input type=\"hidden\" name=\"s\" value=\"{}\">",
        esc(&st.sealer.seal(PURPOSE, st.now(), STATE_TTL_SECS, &json))
    )
}

fn button(go: &str, key: &str, class: &str) -> String {
    format!(
        "<button type=\"submit\" name=\"go\" value=\"{go}\" class=\"{class}\">{}</button>",
        label(key)
    )
}

fn step_body(s: &Step) -> String {
    let mut out = format!("<h1>{}</h1>{}", esc(s.title()), paragraphs(s.text()));
    match s.interaction() {
        Some(Interaction::Breathing) => {
            let _ = write!(
                out,
                "<div class=\"pacer-wrap\"><div class=\"pacer\" aria-hidden=\"true\"></div>\
<p class=\"pacer-words\" aria-hidden=\"true\"><span class=\"in\">{}</span><span class=\"out\">{}</span></p></div>\
<p>{}</p>",
                esc(ui("breathe-in").text()),
                esc(ui("breathe-out").text()),
                label("web.breathing-note")
            );
            out.push_str(&items(s.items()));
        }
        Some(Interaction::Break) => {
            out.push_str(&items(s.items()));
            let _ = write!(
                out,
                "<div class=\"timer\" data-timer hidden><label for=\"minutes\">{}</label>\
<input id=\"minutes\" type=\"number\" min=\"1\" max=\"240\" value=\"20\" autocomplete=\"off\">\
<button type=\"button\" data-timer-start>{}</button>\
<p class=\"timer-left\" aria-live=\"polite\"><span>{}</span> <output data-timer-out></output></p></div>",
                label("web.break-label"),
                label("web.break-start"),
                label("web.break-left")
            );
        }
        Some(Interaction::Feelings) => {
            let words: Vec<String> = s.items().iter().map(|i| esc(i.text())).collect();
            if !words.is_empty() {
                let _ = write!(
                    out,
                    "<ul class=\"feelings\"><li>{}</li></ul>",
                    words.join("</li><li>")
                );
            }
        }
        _ => out.push_str(&items(s.items())),
    }
    out
}

fn render(st: &Shared, flow: &Flow, w: &Walk) -> Response {
    let total = flow.steps.len();
    let mut main = String::new();
    let _ = write!(
        main,
        "<p class=\"flow-title\">{}</p>",
        esc(flow.title.text())
    );
    let mut form = form_open(st, Id::WalkStep, "walk");
    form.push_str(&state_field(st, w));
    if w.own {
        // What is said after "yes" at the own-behaviour check, then only help for the person.
        if let Some(s) = flow.steps.get(w.step) {
            if let Some(y) = s.if_yes() {
                let _ = write!(main, "<h1>{}</h1>{}", esc(s.title()), paragraphs(y.text()));
            }
            for rest in flow.steps[w.step + 1..]
                .iter()
                .filter(|s| s.way() == "therapy" && s.kind() != "couple")
            {
                let _ = write!(
                    main,
                    "<section class=\"said\" data-way=\"{}\"><h2>{}</h2>{}{}</section>",
                    rest.way(),
                    esc(rest.title()),
                    paragraphs(rest.text()),
                    items(rest.items())
                );
            }
        }
        form.push_str(&button("back", "web.back", "secondary"));
    } else if let Some(s) = flow.steps.get(w.step) {
        if w.step == 0 {
            let _ = write!(
                main,
                "<div class=\"intro\">{}</div>",
                paragraphs(flow.intro.text())
            );
        }
        let n = (w.step + 1).to_string();
        let progress = ui("web.step-of")
            .text()
            .replace("{n}", &n)
            .replace("{total}", &total.to_string());
        let _ = write!(
            main,
            "<p class=\"progress\">{}</p><article class=\"step\" data-way=\"{}\" data-kind=\"{}\">{}</article>",
            esc(&progress),
            s.way(),
            esc(s.kind()),
            step_body(s)
        );
        if s.interaction() == Some(Interaction::Check) {
            form.push_str("<div class=\"buttons\">");
            form.push_str(&button("yes", "web.answer-yes", ""));
            form.push_str(&button("no", "web.answer-no", ""));
            form.push_str(&button("unsure", "web.answer-unsure", ""));
            form.push_str("</div>");
            if w.step > 0 {
                form.push_str(&button("back", "web.back", "secondary"));
            }
        } else {
            form.push_str("<div class=\"nav\">");
            if w.step > 0 {
                form.push_str(&button("back", "web.back", "secondary"));
            }
            form.push_str(&button("next", "web.next", "primary"));
            form.push_str("</div>");
        }
    } else {
        let _ = write!(
            main,
            "<h1>{}</h1><p>{}</p>",
            label("web.end-heading"),
            esc(ui("end").text())
        );
        if total > 0 {
            form.push_str(&button("back", "web.back", "secondary"));
        }
    }
    form.push_str("</form>");
    main.push_str(&form);
    if !w.safety {
        let mut switch = form_open(st, Id::WalkStep, "switch");
        switch.push_str(&state_field(st, w));
        let _ = write!(
            switch,
            "<p>{}</p>{}</form>",
            label("web.afraid-note"),
            button("afraid", "web.afraid-switch", "switch")
        );
        main.push_str(&switch);
    }
    let _ = write!(
        main,
        "<p class=\"after\"><a href=\"{}\">{}</a></p>",
        crate::routes::path(Id::Numbers),
        label("web.crisis-link")
    );
    page(st, StatusCode::OK, &main)
}
