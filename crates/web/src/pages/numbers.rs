//! Helplines by region: the region is chosen in a posted form (field `region`, codes such as
//! `UK` and `US`), never in a URL. Everything shown comes from `closer_safety::resources`.

use super::{bad_form, form_open, not_found, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, label, said};
use crate::routes::Id;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_safety::resources::{self, HelpNow, Surface};
use closer_safety::{Context, Policy};
use std::fmt::Write;

/// The region picker, posting `region` to `to` (with `extra` hidden fields, already HTML).
pub fn region_form(st: &Shared, to: Id, extra: &str, chosen: Option<&str>) -> String {
    let mut out = form_open(st, to, "region");
    out.push_str(extra);
    out.push_str(&region_fields(chosen));
    out.push_str("</form>");
    out
}

/// The picker's fields inside a form of the caller's (a signed-in page opens its own, with the
/// session's csrf): the list of regions, `chosen` selected, and the button.
pub(crate) fn region_fields(chosen: Option<&str>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<label for=\"region\">{}</label><select id=\"region\" name=\"region\" autocomplete=\"off\" required><option value=\"\">{}</option>",
        label("web.region-label"),
        label("web.region-none")
    );
    for code in resources::regions() {
        let sel = if chosen == Some(code) {
            " selected"
        } else {
            ""
        };
        let _ = write!(out, "<option value=\"{0}\"{sel}>{0}</option>", esc(code));
    }
    let _ = write!(
        out,
        "</select><button type=\"submit\">{}</button>",
        label("web.region-submit")
    );
    out
}

/// The helplines as HTML (numbers dial in one tap, see `html::paragraphs`).
pub fn render(page: &HelpNow) -> String {
    let mut out = String::new();
    let mut level = 2;
    for s in &page.said {
        if s.kind() == "heading" {
            let _ = write!(out, "<h2>{}</h2>", esc(s.title()));
            level = 3;
        } else {
            out.push_str(&said(s, level));
        }
    }
    out
}

fn safety_policy() -> Policy {
    // What someone who may not be safe reads: reviewed in safety mode, as in the terminal.
    Policy::new(Context::safety())
}

pub async fn show(State(st): State<Shared>) -> Response {
    let Ok(help) = resources::help_now_on(None, &safety_policy(), Surface::Browser) else {
        return not_found(&st);
    };
    let main = format!(
        "<h1>{}</h1>{}{}",
        label("web.numbers-heading"),
        region_form(&st, Id::NumbersShow, "", None),
        render(&help)
    );
    page(&st, StatusCode::OK, &main)
}

pub async fn chosen(State(st): State<Shared>, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let Ok(region) = f.need("region") else {
        return bad_form(&st);
    };
    let region = Some(region).filter(|r| !r.trim().is_empty());
    let Ok(help) = resources::help_now_on(region, &safety_policy(), Surface::Browser) else {
        return not_found(&st);
    };
    let main = format!(
        "<h1>{}</h1>{}{}",
        label("web.numbers-heading"),
        region_form(&st, Id::NumbersShow, "", help.region),
        render(&help)
    );
    page(&st, StatusCode::OK, &main)
}
