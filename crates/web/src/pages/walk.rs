//! The guide's flows in the browser, one step a page, with Back and Next, driven by the flow
//! session of `closer-guide` (`Session`, `State`, `View`, `Answer`): the same state machine as
//! the terminal, so everything the walk decides (checks, safety mode, the own-behaviour path,
//! texts built from choices) is decided there. This file reads the posted answer and lays out
//! the view.
//!
//! The walk's state travels only as a sealed, expiring hidden field: never in a URL, never in a
//! server session. Checks are forms (yes / no / not sure); every step has the safety switch.

use super::home::{choices, flow_of_choice};
use super::{bad_form, expired, form_open, not_found, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, items, label, said};
use crate::routes::{self, Id};
use crate::seal::STATE_TTL_SECS;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use closer_guide::session::{self, Answer, Expect, Session, SessionError, View};
use closer_guide::ui::ui;
use closer_safety::{Mode, resources};
use std::fmt::Write;

const PURPOSE: &str = "walk";

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

/// The answer a posted form carries (`go`, with `pick`, `minutes` or `region` where needed).
pub fn answer_of(f: &Form) -> Option<Answer> {
    let go = f.get("go")?;
    Some(match go {
        "next" => Answer::Next,
        "back" => Answer::Back,
        "yes" => Answer::Yes,
        "no" => Answer::No,
        "not_sure" => Answer::NotSure,
        "skip" => Answer::Skip,
        "quit" => Answer::Quit,
        "afraid" => Answer::SafetyHelp,
        "many" => Answer::ChooseMany(f.all("pick").into_iter().map(str::to_string).collect()),
        "minutes" => match f.get("minutes").map(str::trim) {
            None | Some("") => Answer::Next,
            Some(m) => Answer::Minutes(m.parse().ok()?),
        },
        "region" => Answer::Region(f.get("region")?.to_string()),
        other => Answer::Choose(other.strip_prefix("choose:")?.to_string()),
    })
}

pub async fn step(State(st): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let result = if let Some(key) = f.get("flow") {
        let Some(flow) = flow_of_choice(key) else {
            return not_found(&st);
        };
        // A signed-in person in safety mode walks the guide's safety path (as the terminal does
        // once safety mode is on).
        let mode = if crate::measures::safety_mode_of(&headers, &st).await {
            Mode::Safety
        } else {
            Mode::Ordinary
        };
        Session::start(&flow, mode, None)
    } else {
        let Some(token) = f.get("s") else {
            return bad_form(&st);
        };
        let Ok(bytes) = st.sealer.open(PURPOSE, st.now(), token) else {
            return expired(&st, StatusCode::BAD_REQUEST);
        };
        let Ok(state) = serde_json::from_slice::<session::State>(&bytes) else {
            return bad_form(&st);
        };
        match answer_of(&f) {
            Some(a) => Session::answer(&state, a),
            None if f.get("go").unwrap_or("").is_empty() => {
                Session::view(&state).map(|v| (state, v))
            }
            None => return bad_form(&st),
        }
    };
    match result {
        Ok((state, view)) => {
            // The fear path's private record links to its page only for a signed-in person.
            let record =
                view.private_record && crate::account::signed_in_from(&headers, &st).await.is_ok();
            render(&st, &state, &view, record)
        }
        Err(SessionError::UnknownFlow(_)) => not_found(&st),
        Err(_) => bad_form(&st),
    }
}

fn state_field(st: &Shared, s: &session::State) -> String {
    let json = serde_json::to_vec(s).expect("a state serialises");
    format!(
        "<input type=\"hidden\" name=\"s\" value=\"{}\">",
        esc(&st.sealer.seal(PURPOSE, st.now(), STATE_TTL_SECS, &json))
    )
}

fn button(go: &str, text: &str, class: &str) -> String {
    format!(
        "<button type=\"submit\" name=\"go\" value=\"{}\" class=\"{class}\">{text}</button>",
        esc(go)
    )
}

fn render(st: &Shared, state: &session::State, v: &View, record: bool) -> Response {
    let mut main = format!("<h1 class=\"flow-title\">{}</h1>", esc(v.title.text()));
    if !v.done && v.steps > 0 {
        let progress = ui("web.step-of")
            .text()
            .replace("{n}", &v.step.to_string())
            .replace("{total}", &v.steps.to_string());
        let _ = write!(main, "<p class=\"progress\">{}</p>", esc(&progress));
    }
    let _ = write!(
        main,
        "<article class=\"step\" data-way=\"{}\" data-kind=\"{}\" data-path=\"{}\">",
        v.way,
        esc(&v.kind),
        v.path
    );
    if let Some(r) = &v.reask {
        let _ = write!(
            main,
            "<div class=\"reask\" role=\"alert\">{}</div>",
            said(r, 2)
        );
    }
    if v.done {
        let _ = write!(main, "<h2>{}</h2>", label("web.end-heading"));
    }
    for s in &v.said {
        main.push_str(&said(s, 2));
    }
    main.push_str(&items(&v.items));
    if let Some(b) = &v.built {
        let _ = write!(
            main,
            "<blockquote>{}</blockquote>",
            crate::html::paragraphs(b.text())
        );
    }
    main.push_str("</article>");
    if record {
        let _ = write!(
            main,
            "<p class=\"record\"><a href=\"{}\">{}</a></p>",
            routes::path(Id::Note),
            label("jr.record-link")
        );
    }

    let mut form = form_open(st, Id::WalkStep, "walk");
    form.push_str(&state_field(st, state));
    if let Some(p) = &v.prompt
        && !matches!(
            v.expect,
            Expect::Minutes | Expect::Region | Expect::ChooseMany
        )
    {
        let _ = write!(form, "<p class=\"prompt\">{}</p>", esc(p.text()));
    }
    let prompt_text = v.prompt.as_ref().map(|p| esc(p.text())).unwrap_or_default();
    match v.expect {
        Expect::Next => {
            form.push_str("<div class=\"nav\">");
            form.push_str(&button("next", &label("web.next"), "primary"));
            form.push_str("</div>");
        }
        Expect::Breathing => {
            let _ = write!(
                form,
                "<div class=\"pacer-wrap\"><div class=\"pacer\" aria-hidden=\"true\"></div>\
<p class=\"pacer-words\" aria-hidden=\"true\"><span class=\"in\">{}</span><span class=\"out\">{}</span></p></div>\
<p>{}</p><div class=\"nav\">{}{}</div>",
                esc(ui("breathe-in").text()),
                esc(ui("breathe-out").text()),
                label("web.breathing-note"),
                button("next", &label("web.next"), "primary"),
                button("skip", &label("web.answer-skip"), "secondary"),
            );
        }
        Expect::Check => {
            form.push_str("<div class=\"buttons\">");
            form.push_str(&button("yes", &label("web.answer-yes"), ""));
            form.push_str(&button("no", &label("web.answer-no"), ""));
            form.push_str(&button("not_sure", &label("web.answer-unsure"), ""));
            form.push_str("</div>");
        }
        Expect::Choose => {
            form.push_str("<ul class=\"choices\">");
            for c in &v.choices {
                let _ = write!(
                    form,
                    "<li>{}</li>",
                    button(&format!("choose:{}", c.key), &esc(c.label.text()), "")
                );
            }
            form.push_str("</ul><div class=\"nav\">");
            form.push_str(&button("skip", &label("web.answer-skip"), "secondary"));
            form.push_str("</div>");
        }
        Expect::ChooseMany => {
            let _ = write!(
                form,
                "<fieldset class=\"picks\"><legend>{prompt_text}</legend>"
            );
            for (i, c) in v.choices.iter().enumerate() {
                let _ = write!(
                    form,
                    "<div class=\"pick\"><input type=\"checkbox\" id=\"pick{i}\" name=\"pick\" value=\"{}\" autocomplete=\"off\"><label for=\"pick{i}\">{}</label></div>",
                    esc(&c.key),
                    esc(c.label.text())
                );
            }
            form.push_str("</fieldset><div class=\"nav\">");
            form.push_str(&button("many", &label("web.pick-submit"), "primary"));
            form.push_str(&button("skip", &label("web.answer-skip"), "secondary"));
            form.push_str("</div>");
        }
        Expect::Minutes => {
            let _ = write!(
                form,
                "<label for=\"minutes\">{prompt_text}</label>\
<input id=\"minutes\" name=\"minutes\" type=\"number\" min=\"1\" max=\"{}\" value=\"{}\" inputmode=\"numeric\" autocomplete=\"off\">\
<div class=\"nav\">{}</div>\
<div class=\"timer\" data-timer hidden><button type=\"button\" class=\"secondary\" data-timer-start>{}</button>\
<p class=\"timer-left\" aria-live=\"polite\"><span>{}</span> <output data-timer-out></output></p></div>",
                session::MAX_BREAK_MINUTES,
                session::DEFAULT_BREAK_MINUTES,
                button("minutes", &label("web.minutes-submit"), "primary"),
                label("web.break-start"),
                label("web.break-left")
            );
        }
        Expect::Region => {
            let _ = write!(
                form,
                "<label for=\"region\">{}</label><select id=\"region\" name=\"region\" autocomplete=\"off\">",
                if prompt_text.is_empty() {
                    label("web.region-label")
                } else {
                    prompt_text.clone()
                }
            );
            for code in resources::regions() {
                let _ = write!(form, "<option value=\"{0}\">{0}</option>", esc(code));
            }
            let _ = write!(
                form,
                "</select><div class=\"nav\">{}{}</div>",
                button("region", &label("web.region-submit"), "primary"),
                button("skip", &label("web.answer-skip"), "secondary")
            );
        }
        Expect::End => {
            let _ = write!(
                form,
                "<p><a class=\"button-link\" href=\"{}\">{}</a></p>",
                routes::path(Id::Home),
                label("web.home-link")
            );
        }
    }
    if v.step > 1 && !v.done {
        form.push_str(&button("back", &label("web.back"), "secondary"));
    }
    form.push_str("</form>");
    main.push_str(&form);
    if v.safety_help {
        let mut switch = form_open(st, Id::WalkStep, "switch");
        switch.push_str(&state_field(st, state));
        let _ = write!(
            switch,
            "<p>{}</p>{}</form>",
            label("web.afraid-note"),
            button("afraid", &label("web.afraid-switch"), "switch")
        );
        main.push_str(&switch);
    }
    let _ = write!(
        main,
        "<p class=\"after\"><a href=\"{}\">{}</a></p>",
        routes::path(Id::Numbers),
        label("web.crisis-link")
    );
    page(st, StatusCode::OK, &main)
}
