//! The private safety screen, one question a page (`closer_safety::screen`). The answers so far
//! travel only as a sealed, expiring hidden field (15 minutes); the result is shown in place,
//! with helplines for the region chosen on that page.
//!
//! For a signed-in person (issue 15) the result offers to keep it (a posted form with the
//! session's csrf; nothing is kept otherwise), and the start page offers, in neutral words, to
//! go through the questions again when a result was kept (never the earlier answers), with the
//! coaching switch ([`crate::measures`]).

use super::numbers::region_form;
use super::{bad_form, expired, form_open, not_found, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, label, said};
use crate::routes::Id;
use crate::seal::STATE_TTL_SECS;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use closer_safety::resources;
use closer_safety::screen::{self, Answer};
use std::fmt::Write;

const PURPOSE: &str = "questions";

type Answers = Vec<(String, Answer)>;

fn seal(st: &Shared, answers: &Answers) -> String {
    let json = serde_json::to_vec(answers).expect("answers serialise");
    st.sealer.seal(PURPOSE, st.now(), STATE_TTL_SECS, &json)
}

fn state_field(st: &Shared, answers: &Answers) -> String {
    format!(
        "<input type=\"hidden\" name=\"s\" value=\"{}\">",
        esc(&seal(st, answers))
    )
}

pub async fn start(State(st): State<Shared>, headers: HeaderMap) -> Response {
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        label("web.questions-heading"),
        label("web.questions-intro")
    );
    let extra = crate::measures::questions_extra(&headers, &st).await;
    main.push_str(&form_open(&st, Id::QuestionsAnswer, "start"));
    let _ = write!(
        main,
        "<button type=\"submit\" name=\"answer\" value=\"start\">{}</button></form>",
        label("web.questions-start")
    );
    main.push_str(&extra);
    page(&st, StatusCode::OK, &main)
}

pub async fn answer(State(st): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let mut answers: Answers = match f.get("s") {
        None | Some("") => Vec::new(),
        Some(token) => match st.sealer.open(PURPOSE, st.now(), token) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(a) => a,
                Err(_) => return bad_form(&st),
            },
            Err(_) => return expired(&st, StatusCode::BAD_REQUEST),
        },
    };
    let qs = screen::questions();
    // Answers name questions by id; anything else is not ours (or from an older question list).
    if answers.len() > qs.len() || answers.iter().zip(qs).any(|((id, _), q)| *id != q.id) {
        return expired(&st, StatusCode::BAD_REQUEST);
    }
    match f.get("answer").unwrap_or("") {
        "start" | "done" | "" => {}
        "back" => {
            answers.pop();
        }
        key => match Answer::from_key(key) {
            Some(a) if answers.len() < qs.len() => answers.push((qs[answers.len()].id.clone(), a)),
            Some(_) => {}
            None => return bad_form(&st),
        },
    }
    if answers.len() < qs.len() {
        return question(&st, &answers);
    }
    let keep = crate::measures::questions_keep_offer(&headers, &st, &answers).await;
    result(&st, &answers, f.get("region"), &keep)
}

fn question(st: &Shared, answers: &Answers) -> Response {
    let qs = screen::questions();
    let n = answers.len();
    let Ok(asked) = screen::ask(&qs[n], n + 1, qs.len()) else {
        return not_found(st);
    };
    let mut main = String::new();
    let _ = write!(
        main,
        "<p class=\"progress\">{}</p><h1 id=\"q\">{}</h1>",
        esc(asked.title()),
        esc(asked.text())
    );
    main.push_str(&form_open(st, Id::QuestionsAnswer, "answers"));
    main.push_str(&state_field(st, answers));
    main.push_str("<div class=\"buttons\" role=\"group\" aria-labelledby=\"q\">");
    for (value, key, class) in [
        ("yes", "web.answer-yes", ""),
        ("no", "web.answer-no", ""),
        ("not_sure", "web.answer-unsure", ""),
        ("skip", "web.answer-skip", "secondary"),
    ] {
        let _ = write!(
            main,
            "<button type=\"submit\" name=\"answer\" value=\"{value}\" class=\"{class}\">{}</button>",
            label(key)
        );
    }
    main.push_str("</div>");
    if n > 0 {
        let _ = write!(
            main,
            "<button type=\"submit\" name=\"answer\" value=\"back\" class=\"secondary\">{}</button>",
            label("web.back")
        );
    }
    main.push_str("</form>");
    page(st, StatusCode::OK, &main)
}

fn result(st: &Shared, answers: &Answers, region: Option<&str>, keep: &str) -> Response {
    let region = region.filter(|r| !r.is_empty());
    if region.is_some_and(|r| resources::normalise(r).is_none()) {
        return not_found(st);
    }
    // The result says crisis help first where it must, with the region's numbers in place.
    let Ok(outcome) = screen::outcome_in(answers, region) else {
        return not_found(st);
    };
    let mut main = format!("<h1>{}</h1>", label("web.questions-result"));
    let extra = format!(
        "{}<input type=\"hidden\" name=\"answer\" value=\"done\">",
        state_field(st, answers)
    );
    let _ = write!(
        main,
        "<section class=\"numbers\" id=\"numbers\">{}</section>",
        region_form(
            st,
            Id::QuestionsAnswer,
            &extra,
            region.and_then(resources::normalise)
        )
    );
    for s in &outcome.said {
        main.push_str(&said(s, 2));
    }
    main.push_str(keep);
    page(st, StatusCode::OK, &main)
}
