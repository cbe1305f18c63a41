//! The softer-wording check: a `<textarea name="text">` in a posted form, answered in place by
//! `closer_guide::soften`. The message is never stored, logged or put in a URL, and never
//! rewritten: it is shown back exactly as typed, in a quotation of its own, and the way to a
//! softer message is the openings built from choices.

use super::{bad_form, form_open, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, label, paragraphs};
use crate::routes::Id;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_guide::soften::{render_for, soften};
use closer_safety::resources;
use closer_safety::{Context, Policy};
use std::fmt::Write;

fn form(st: &Shared, text: &str, region: Option<&str>) -> String {
    let mut out = format!(
        "<h1>{}</h1><p>{}</p>",
        label("web.words-heading"),
        label("web.words-intro")
    );
    out.push_str(&form_open(st, Id::WordsCheck, "words"));
    let _ = write!(
        out,
        "<label for=\"text\">{}</label>\
<textarea id=\"text\" name=\"text\" rows=\"6\" autocomplete=\"off\" spellcheck=\"false\" required>{}</textarea>\
",
        label("web.words-label"),
        esc(text),
    );
    // The region only chooses which helplines are shown if the words call for them.
    let _ = write!(
        out,
        "<label for=\"region\">{}</label><select id=\"region\" name=\"region\" autocomplete=\"off\"><option value=\"\">{}</option>",
        label("web.region-label"),
        label("web.region-none")
    );
    for code in resources::regions() {
        let sel = if region == Some(code) {
            " selected"
        } else {
            ""
        };
        let _ = write!(out, "<option value=\"{0}\"{sel}>{0}</option>", esc(code));
    }
    let _ = write!(
        out,
        "</select><button type=\"submit\">{}</button></form>",
        label("web.words-submit")
    );
    out
}

pub async fn show(State(st): State<Shared>) -> Response {
    page(&st, StatusCode::OK, &form(&st, "", None))
}

pub async fn check(State(st): State<Shared>, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let text = f.get("text").unwrap_or("").to_string();
    let region = f.get("region").and_then(resources::normalise);
    if text.trim().is_empty() {
        return page(&st, StatusCode::OK, &form(&st, "", region));
    }
    let rendered = render_for(&soften(&text), &Policy::new(Context::ordinary()), region);
    let mut answer = String::from("<div class=\"answer\" id=\"answer\" tabindex=\"-1\">");
    if rendered.said.is_empty() {
        let _ = write!(answer, "<p>{}</p>", label("web.words-nothing"));
    }
    let mut heading: Option<&str> = None;
    for s in &rendered.said {
        if heading != Some(s.title()) {
            if heading.is_some() {
                answer.push_str("</section>");
            }
            let _ = write!(
                answer,
                "<section class=\"said {}\"><h2>{}</h2>",
                esc(s.kind()),
                esc(s.title())
            );
            heading = Some(s.title());
        }
        answer.push_str(&paragraphs(s.text()));
        if s.kind() == "yours" {
            // Their words, exactly as typed (escaped, line breaks kept), on their own.
            let _ = write!(
                answer,
                "<blockquote class=\"yours\"><pre>{}</pre></blockquote>",
                esc(&rendered.yours)
            );
        }
    }
    if heading.is_some() {
        answer.push_str("</section>");
    }
    answer.push_str("</div>");
    let main = format!("{}{answer}", form(&st, &text, region));
    page(&st, StatusCode::OK, &main)
}
