//! The handlers, one per row of the route table, and the pages every route may answer with
//! (not found, too large, expired, not understood). Handlers lay out `Said` values; they hold
//! no sentences and no logic of their own.

mod assets;
mod home;
mod model;
pub(crate) mod numbers;
mod questions;
mod read;
mod walk;
mod words;

use crate::account::pages as acct;
use crate::html::{self, label};
use crate::journal::pages as jr;
use crate::routes::{self, Id, Method, ROUTES};
use crate::{Shared, layer};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

/// The router: every row of the table with its handler, the 404 page, and the one layer.
pub fn router(state: Shared) -> Router {
    let mut r: Router<Shared> = Router::new();
    for row in ROUTES {
        let h = handler(row.id);
        let mr: MethodRouter<Shared> = match row.method {
            Method::Get => h,
            Method::Post => h,
        };
        r = r.route(row.path, mr);
    }
    r.fallback(not_found_handler)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layer::guard,
        ))
        .with_state(state)
}

fn handler(id: Id) -> MethodRouter<Shared> {
    match id {
        Id::Home => get(home::home),
        Id::Health => get(assets::health),
        Id::Learn => get(read::learn),
        Id::People => get(read::people),
        Id::Device => get(read::device),
        Id::Words => get(words::show),
        Id::WordsCheck => post(words::check),
        Id::Numbers => get(numbers::show),
        Id::NumbersShow => post(numbers::chosen),
        Id::Questions => get(questions::start),
        Id::QuestionsAnswer => post(questions::answer),
        Id::Walk => get(walk::choose),
        Id::WalkStep => post(walk::step),
        Id::Model => get(model::show),
        Id::ModelShow => post(model::run),
        Id::Css => get(assets::css),
        Id::Js => get(assets::js),
        Id::Icon => get(assets::icon),
        Id::Signup => get(acct::signup),
        Id::SignupPost => post(acct::signup_post),
        Id::Login => get(acct::login),
        Id::LoginPost => post(acct::login_post),
        Id::Recover => get(acct::recover),
        Id::RecoverPost => post(acct::recover_post),
        Id::Logout => post(acct::logout),
        Id::Out => post(acct::out),
        Id::Privacy => get(acct::privacy),
        Id::Account => get(acct::account),
        Id::Codes => post(acct::codes),
        Id::CodesRemove => post(acct::codes_remove),
        Id::Passphrase => post(acct::passphrase),
        Id::Everywhere => post(acct::everywhere),
        Id::Delete => post(acct::delete),
        Id::AccountBefore => post(acct::check),
        Id::Together => get(crate::together::show),
        Id::TogetherInvite => post(crate::together::invite),
        Id::TogetherAccept => post(crate::together::accept),
        Id::TogetherShare => post(crate::together::share),
        Id::TogetherBefore => post(crate::together::check),
        Id::TogetherUnlink => post(crate::together::unlink),
        Id::TogetherStop => post(crate::together::stop),
        Id::Links => get(crate::together::links::show),
        Id::LinksCreate => post(crate::together::links::create),
        Id::LinksRevoke => post(crate::together::links::revoke),
        Id::LinksTag => post(crate::together::links::tag),
        Id::View => get(crate::view::show),
        Id::Journal => get(jr::list),
        Id::JournalNew => get(jr::new),
        Id::JournalAdd => post(jr::add),
        Id::JournalEdit => post(jr::edit),
        Id::JournalSave => post(jr::save),
        Id::JournalDelete => post(jr::delete),
        Id::JournalHistory => post(jr::history),
        Id::Patterns => get(jr::patterns),
        Id::Export => post(jr::export),
        Id::Day => get(crate::journal::day::day),
        Id::DayAdd => post(crate::journal::day::day_add),
        Id::Note => get(crate::journal::day::note),
        Id::NoteAdd => post(crate::journal::day::note_add),
        Id::Record => get(crate::record::show),
        Id::RecordPrint => post(crate::record::print),
        Id::RecordImport => post(crate::record::import),
        Id::LinksMeasure => post(crate::together::links::measure),
        Id::Measures => get(crate::measures::list),
        Id::MeasuresForm => post(crate::measures::form),
        Id::MeasuresScore => post(crate::measures::score),
        Id::MeasuresKeep => post(crate::measures::keep),
        Id::QuestionsKeep => post(crate::measures::questions_keep),
        Id::Mode => post(crate::measures::mode),
    }
}

/// An HTML page with a status.
pub fn page(st: &Shared, status: StatusCode, main: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, routes::Body::Html.content_type())],
        html::page(&st.exit_url, main),
    )
        .into_response()
}

/// A short page: a heading, a paragraph, and the way back to the start page.
fn notice(st: &Shared, status: StatusCode, heading: &str, text: &str) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
        label(heading),
        label(text),
        routes::path(Id::Home),
        label("web.home-link")
    );
    page(st, status, &main)
}

async fn not_found_handler(axum::extract::State(st): axum::extract::State<Shared>) -> Response {
    not_found(&st)
}

/// The helpful 404: what happened, the way back, and the quick exit (from the shell).
pub fn not_found(st: &Shared) -> Response {
    notice(
        st,
        StatusCode::NOT_FOUND,
        "web.not-found-heading",
        "web.not-found",
    )
}

/// A post larger than [`layer::BODY_LIMIT`].
pub fn too_large(st: &Shared) -> Response {
    notice(
        st,
        StatusCode::PAYLOAD_TOO_LARGE,
        "web.too-large-heading",
        "web.too-large",
    )
}

/// A post whose form token or sealed state has expired, or that came from elsewhere.
pub fn expired(st: &Shared, status: StatusCode) -> Response {
    notice(st, status, "web.expired-heading", "web.expired")
}

/// The accounts' database cannot be reached (or this server keeps no journals): 503.
pub fn unavailable(st: &Shared) -> Response {
    notice(
        st,
        StatusCode::SERVICE_UNAVAILABLE,
        "acct.unavailable-heading",
        "acct.unavailable",
    )
}

/// A form that could not be read.
pub fn bad_form(st: &Shared) -> Response {
    notice(
        st,
        StatusCode::BAD_REQUEST,
        "web.bad-form-heading",
        "web.bad-form",
    )
}

/// The opening of a posted form to `id`, with its fresh anti-forgery token.
fn form_open(st: &Shared, id: Id, class: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\" class=\"{class}\" autocomplete=\"off\">{}",
        routes::path(id),
        html::token_field(&st.form_token())
    )
}
