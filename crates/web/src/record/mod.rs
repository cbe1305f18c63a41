//! "Print my record" and import, for a signed-in person (issue 15).
//!
//! - [`show`] (`GET /record`): the two forms. Both need the passphrase in the same form.
//! - [`print`] (`POST /record/print`): the evidence document of `closer export --evidence`
//!   (`closer_store::evidence` in `closer_guide::evidence`'s words, the same bytes), as a
//!   printable page with its SHA-256 shown, or as a download under a neutral name
//!   (`notes-YYYY-MM-DD.txt`). Never cached (`Cache-Control: no-store`, as every answer), never
//!   indexed.
//! - [`import`] (`POST /record/import`): a `closer export` JSON file (a file field, or pasted
//!   into a text box: both work without JavaScript), up to [`IMPORT_LIMIT`] bytes, into my own
//!   journal through the store's `import`, the same validation as `closer import`: a bad file or
//!   a record already here refuses the whole file with a message naming the record or field, and
//!   nothing is written.
//!
//! Field names: `passphrase`, `as` (`page` or `file`) for printing; `passphrase`, `file` (the
//! file input) or `json` (the text box) for importing; `csrf` on both.

pub mod multipart;

use crate::Shared;
use crate::account::{SignedIn, check_csrf, confirm_passphrase, form_open, page};
use crate::forms::Form;
use crate::html::{esc, label};
use crate::routes::{self, Id};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use closer_store::{Error as StoreError, Export, day_of};
use std::fmt::Write;

/// The largest import accepted: 4 MiB, about ten thousand entries with notes. The page says so,
/// and a larger file gets a page that says so again.
pub const IMPORT_LIMIT: usize = 4 * 1024 * 1024;

/// The limit in words for the page ("4 MB").
fn limit_words() -> String {
    format!("{} MB", IMPORT_LIMIT / (1024 * 1024))
}

fn noindex(mut r: Response) -> Response {
    r.headers_mut().insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    r
}

/// A signed-in page (the shell of `account::page`) that asks not to be indexed, in its head and
/// in a header.
fn private_page(who: &SignedIn, status: StatusCode, main: &str) -> Response {
    let html = crate::html::signed_in_page(&who.state().exit_url, &who.csrf, who.ends_in, main)
        .replacen(
            "<meta charset=\"utf-8\">",
            "<meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex, nofollow\">",
            1,
        );
    let mut r = (
        status,
        [(header::CONTENT_TYPE, routes::Body::Html.content_type())],
        html,
    )
        .into_response();
    r.extensions_mut().insert(crate::account::SignedInPage);
    noindex(r)
}

fn problem(text: &str) -> String {
    format!(
        "<div class=\"problem\" role=\"alert\" id=\"record-problem\"><p>{}</p><p>{}</p></div>",
        label("record.problem"),
        esc(text)
    )
}

/// The page of both forms, with a problem above them when a post was refused.
fn render(
    who: &SignedIn,
    status: StatusCode,
    print_problem: Option<&str>,
    import_problem: Option<&str>,
) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<section class=\"record-print\"><h2>{}</h2><p>{}</p>",
        label("record.heading"),
        crate::journal::pages::nav(who),
        label("record.print-heading"),
        label("record.print-intro"),
    );
    if let Some(p) = print_problem {
        main.push_str(&problem(p));
    }
    // Posted by the browser itself (the site script fetches other forms in place), so the
    // download arrives as a file.
    main.push_str(&form_open(who, Id::RecordPrint, "stack").replacen(
        "<form ",
        "<form data-native ",
        1,
    ));
    let _ = write!(
        main,
        "<p><label for=\"print-pp\">{}</label><input id=\"print-pp\" name=\"passphrase\" type=\"password\" autocomplete=\"off\" required></p>\
<p><button type=\"submit\" name=\"as\" value=\"page\">{}</button> <button type=\"submit\" name=\"as\" value=\"file\" class=\"secondary\">{}</button></p></form></section>",
        label("acct.passphrase"),
        label("record.print-button"),
        label("record.download-button"),
    );
    let _ = write!(
        main,
        "<section class=\"record-import\"><h2>{}</h2><p>{}</p><p>{} {}.</p>",
        label("record.import-heading"),
        label("record.import-intro"),
        label("record.import-limit"),
        limit_words()
    );
    if let Some(p) = import_problem {
        main.push_str(&problem(p));
    }
    let _ = write!(
        main,
        "<form method=\"post\" action=\"{}\" class=\"stack\" autocomplete=\"off\" enctype=\"multipart/form-data\" data-native>{}\
<p><label for=\"import-file\">{}</label><input id=\"import-file\" name=\"file\" type=\"file\" accept=\".json,application/json\" autocomplete=\"off\"></p>\
<p><label for=\"import-json\">{}</label><textarea id=\"import-json\" name=\"json\" rows=\"4\" autocomplete=\"off\" spellcheck=\"false\"></textarea></p>\
<p><label for=\"import-pp\">{}</label><input id=\"import-pp\" name=\"passphrase\" type=\"password\" autocomplete=\"off\" required></p>\
<p><button type=\"submit\">{}</button></p></form></section>",
        routes::path(Id::RecordImport),
        crate::account::csrf_field(who),
        label("record.import-file"),
        label("record.import-paste"),
        label("acct.passphrase"),
        label("record.import-button"),
    );
    private_page(who, status, &main)
}

/// `GET /record`: print my record, and import.
pub async fn show(who: SignedIn) -> Response {
    render(&who, StatusCode::OK, None, None)
}

/// `POST /record/print` (passphrase in the same form): the evidence document as a printable page
/// showing its hash, or (`as=file`) as `notes-YYYY-MM-DD.txt`.
pub async fn print(State(st): State<Shared>, p: crate::account::Posted) -> Response {
    let who = &p.who;
    if let Err(r) = confirm_passphrase(&st, who, p.form.get("passphrase").unwrap_or("")).await {
        return r;
    }
    let now = st.now_secs();
    let doc = match who.store.evidence(&who.person, now).await {
        Ok(ev) => ev.document(&closer_guide::evidence::word),
        Err(_) => return crate::pages::unavailable(&st),
    };
    if p.form.get("as") == Some("file") {
        return noindex(
            (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        routes::Body::Text.content_type().to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"notes-{}.txt\"", day_of(now, 0)),
                    ),
                ],
                doc.text,
            )
                .into_response(),
        );
    }
    let main = format!(
        "<div class=\"noprint\"><h1>{}</h1>{}<p>{}</p></div>\
<pre class=\"evidence\" id=\"record-text\">{}</pre>\
<p class=\"record-hash\">{} <code id=\"record-hash\">{}</code></p>",
        label("record.print-heading"),
        crate::journal::pages::nav(who),
        label("record.print-hint"),
        esc(&doc.text),
        label("record.hash"),
        esc(&doc.hash),
    );
    private_page(who, StatusCode::OK, &main)
}

/// A signed-in post that may be `multipart/form-data` (the import form) or an ordinary form,
/// read up to [`IMPORT_LIMIT`], its `csrf` checked (403 otherwise).
pub struct Upload {
    pub who: SignedIn,
    /// The fields by name, in order (text fields and file contents alike).
    pub fields: Vec<(String, String)>,
}

impl Upload {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl FromRequest<Shared> for Upload {
    type Rejection = Response;

    async fn from_request(req: Request, st: &Shared) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let who = SignedIn::from_request_parts(&mut parts, st).await?;
        let ctype = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes: Bytes = axum::body::to_bytes(axum::body::Body::new(body), IMPORT_LIMIT)
            .await
            .map_err(|_| too_large(st))?;
        let fields = match multipart::boundary(&ctype) {
            Some(b) => multipart::parse(&bytes, &b).ok_or_else(|| crate::pages::bad_form(st))?,
            None => {
                let f = Form::parse(&bytes).map_err(|_| crate::pages::bad_form(st))?;
                ["csrf", "passphrase", "json"]
                    .iter()
                    .filter_map(|k| f.get(k).map(|v| (k.to_string(), v.to_string())))
                    .collect()
            }
        };
        let csrf = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        check_csrf(&who, csrf)?;
        Ok(Upload { who, fields })
    }
}

/// The answer to an import larger than [`IMPORT_LIMIT`] (413), naming the limit.
pub fn too_large(st: &Shared) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{} {}.</p><p><a href=\"{}\">{}</a></p>",
        label("record.too-large-heading"),
        label("record.import-limit"),
        limit_words(),
        routes::path(Id::Record),
        label("record.back")
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, routes::Body::Html.content_type())],
        crate::html::page(&st.exit_url, &main),
    )
        .into_response()
}

/// `POST /record/import`: a `closer export` file into my own journal, all or nothing.
///
/// It needs the passphrase, like export: someone holding an open session could otherwise plant
/// a prepared file in this journal — entries that would then sit in the person's own record, in
/// their patterns and in the evidence document they might print (each imported record is marked
/// "imported on", but a person under pressure should not have to defend their record against
/// it). Taking one's own journal in is something only the person who knows the passphrase does.
pub async fn import(State(st): State<Shared>, u: Upload) -> Response {
    let who = &u.who;
    if let Err(r) = confirm_passphrase(&st, who, u.get("passphrase").unwrap_or("")).await {
        return r;
    }
    let text = match (u.get("file"), u.get("json")) {
        (Some(f), _) if !f.trim().is_empty() => f,
        (_, Some(j)) if !j.trim().is_empty() => j,
        _ => {
            return render(
                who,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(closer_guide::ui::ui("record.import-none").text()),
            );
        }
    };
    let name = closer_guide::ui::ui("record.the-file").text().to_string();
    let ex = match Export::parse(text, &name) {
        Ok(x) => x,
        Err(e) => {
            return render(
                who,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(&e.to_string()),
            );
        }
    };
    let now = st.now_secs();
    match who.store.import(&who.person, &ex, now).await {
        Ok(n) => {
            let main = format!(
                "<h1 id=\"kept\">{}</h1>{}<p id=\"imported\">{} {n}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
                label("record.imported"),
                crate::journal::pages::nav(who),
                label("record.imported-count"),
                routes::path(Id::Journal),
                label("jr.back")
            );
            page(who, StatusCode::OK, &main)
        }
        Err(e @ (StoreError::Refused(_) | StoreError::Invalid(_))) => {
            render(who, StatusCode::CONFLICT, None, Some(&e.to_string()))
        }
        Err(_) => crate::pages::unavailable(&st),
    }
}
