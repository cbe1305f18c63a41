//! The therapist's view of one link (issue 15). The first visit brings the token in the address
//! (`/v?k=…`); it is exchanged at once for a secret in a `__Host-` cookie bound to this browser,
//! and the answer redirects to `/v`, so the address, the history and the logs never keep it.
//! A second browser is refused (the owner sees that). Revoked, expired, deleted and unknown
//! links, a refused browser and a browser with no cookie all get the same status and the same
//! page. The page carries the quick exit (the shell) and `noindex`.

use crate::Shared;
use crate::html::{esc, label, said};
use crate::routes::{self, Id};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use closer_analyze::episodes::{self, Options, View};
use closer_domain::Person;
use closer_guide::narrate_patterns;

/// The cookie that holds this browser's secret for the link.
pub const COOKIE: &str = "__Host-v";

/// The address given to a therapist for a new link's token.
pub fn address(token: &str) -> String {
    format!("{}?k={token}", routes::path(Id::View))
}

/// The view's cookie for a response; the layer writes it (it removes any other `Set-Cookie`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCookie(pub String);

impl ViewCookie {
    /// SameSite=Lax, not Strict: the address usually arrives from another site (a message),
    /// and a Strict cookie set on that navigation would not come back on the redirect.
    pub fn header(&self) -> String {
        format!(
            "{COOKIE}={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            self.0
        )
    }
}

fn with_noindex(mut r: Response) -> Response {
    r.headers_mut().insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    r
}

fn page(st: &Shared, status: StatusCode, main: &str) -> Response {
    let html = crate::html::page(&st.exit_url, main).replacen(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex, nofollow\">",
        1,
    );
    with_noindex(
        (
            status,
            [(header::CONTENT_TYPE, routes::Body::Html.content_type())],
            html,
        )
            .into_response(),
    )
}

/// The one answer for every link that does not open.
pub fn gone(st: &Shared) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{}</p>",
        label("view.gone-heading"),
        label("view.gone")
    );
    page(st, StatusCode::NOT_FOUND, &main)
}

fn cookie_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn token_of(uri: &Uri) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == "k")
        .map(|(_, v)| v.into_owned())
}

/// The patterns of the frozen moves: the same reading and numbers as `closer patterns`, as the
/// owner's own record (what it says of anyone else is the owner's perception), said about the
/// owner in the third person ("when they reached out"): the reader is not the writer.
fn patterns(csv: &str) -> String {
    if csv.is_empty() {
        return String::new();
    }
    let Ok(file) = closer_domain::moves_csv::parse(csv, "link") else {
        return String::new();
    };
    let opts = Options {
        view: View::Own(Person::A),
        ..Options::default()
    };
    let Ok(report) = episodes::analyze(&file, &opts) else {
        return String::new();
    };
    let Ok(out) = narrate_patterns::narrate_in(
        &narrate_patterns::policy(),
        &report,
        narrate_patterns::Register::ThirdPerson,
    ) else {
        return String::new();
    };
    let mut html = format!("<section><h2>{}</h2>", label("view.patterns"));
    html.push_str(&said(&out.record, 3));
    for f in &out.findings {
        html.push_str(&said(&f.text, 3));
    }
    for n in &out.notes {
        html.push_str(&said(n, 3));
    }
    html.push_str("</section>");
    html
}

/// The measure results the owner chose for this link: instrument, day and scores, as frozen.
fn measures(list: &[closer_store::LinkMeasure]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut html = format!(
        "<section class=\"measures\" id=\"link-measures\"><h2>{}</h2><p>{}</p>",
        label("view.measures"),
        label("view.measures-note")
    );
    for m in list {
        html.push_str(&format!(
            "<h3>{} · {}</h3><dl>",
            esc(&m.instrument),
            esc(&m.day)
        ));
        for (k, v) in &m.scores {
            html.push_str(&format!("<dt>{}</dt><dd>{}</dd>", esc(k), format_score(*v)));
        }
        html.push_str("</dl>");
    }
    html.push_str("</section>");
    html
}

/// A score as the instrument reports it: whole numbers plain, others to two places.
fn format_score(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

pub async fn show(State(st): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    let Ok(Some(s)) = st.store_existing().await else {
        return gone(&st);
    };
    let now = st.now_secs();
    if let Some(token) = token_of(&uri) {
        return match s.open_link(&token, now).await {
            Ok(secret) => {
                let mut r = (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, routes::path(Id::View))],
                )
                    .into_response();
                r.extensions_mut().insert(ViewCookie(secret));
                with_noindex(r)
            }
            Err(_) => gone(&st),
        };
    }
    let Some(secret) = cookie_secret(&headers) else {
        return gone(&st);
    };
    let Ok(view) = s.link_view(&secret, now).await else {
        return gone(&st);
    };
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        label("view.heading"),
        label("view.record")
    );
    for e in &view.entries {
        main.push_str(&crate::together::shared_entry(e));
    }
    let frozen = closer_store::LinkFrozen::read(view.frozen.as_ref());
    main.push_str(&patterns(&frozen.moves));
    main.push_str(&measures(&frozen.measures));
    page(&st, StatusCode::OK, &main)
}
