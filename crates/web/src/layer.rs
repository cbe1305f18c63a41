//! The one middleware every route passes through (routes, the 404 page and static files alike).
//!
//! - Headers: a strict Content-Security-Policy (no inline script or style, `frame-ancestors
//!   'none'`), `nosniff`, `Referrer-Policy: no-referrer`, a Permissions-Policy that turns off
//!   what is not used, `Cache-Control: no-store`; any `Set-Cookie` is removed.
//! - Posts: the Origin check, the size limit (read and discard up to [`DRAIN_LIMIT`] before
//!   answering 413, so browsers show the page), then, for anonymous routes, the signed,
//!   expiring form token (signed-in routes check the session's `csrf` in `account::Posted`).
//! - Cookies: any `Set-Cookie` a handler wrote is removed; the session cookie is written here
//!   from an `account::CookieOp` in the response's extensions, and nowhere else.
//! - The log line: method, the route's pattern (never the address typed, never a query), status
//!   and time. No bodies, no addresses.

use crate::forms::Form;
use crate::routes::{self, Method};
use crate::{Shared, pages};
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;

/// The largest form accepted.
pub const BODY_LIMIT: usize = 64 * 1024;
/// How much of an oversized body is read and thrown away before the 413 page is sent.
pub const DRAIN_LIMIT: usize = 4 * 1024 * 1024;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy of a signed-in page: as [`CSP`], and its quick exit (a posted
/// form answered with a redirect to the neutral site) may go to that site's origin.
pub fn csp_signed_in(exit_url: &str) -> String {
    let origin = exit_url
        .split_once("://")
        .map(|(scheme, rest)| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{host}")
        })
        .filter(|o| !o.contains([' ', ';', '\'', ',']))
        .unwrap_or_default();
    CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {origin}"),
    )
    .replace("  ", " ")
}

/// The Permissions-Policy of every response: nothing of the device is used.
pub const PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), \
browsing-topics=()";

/// The headers every response carries, as (name, value).
pub const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("permissions-policy", PERMISSIONS),
    ("cache-control", "no-store"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

pub async fn guard(
    State(st): State<Shared>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let start = std::time::Instant::now();
    let is_post = req.method() == axum::http::Method::POST;
    let method = if is_post { Method::Post } else { Method::Get };
    let row = matched
        .as_ref()
        .and_then(|m| routes::find(method, m.as_str()));
    let pattern = row.map(|r| r.path).unwrap_or("-");
    // Anonymous forms (and posts to no route) carry the signed form token; signed-in forms
    // carry the session's `csrf`, checked by `account::Posted`; the exit always leaves.
    let needs_token = row.is_none_or(|r| r.access == routes::Access::Anonymous);
    let method_name = req.method().as_str().to_owned();
    let limit = row.map_or(BODY_LIMIT, |r| routes::body_limit(r.id));
    let import = row.is_some_and(|r| r.id == routes::Id::RecordImport);
    let mut resp = if is_post {
        match check_post(&st, req, needs_token, limit, import).await {
            Ok(req) => next.run(req).await,
            Err(resp) => resp,
        }
    } else {
        next.run(req).await
    };
    let cookie = resp.extensions_mut().remove::<crate::account::CookieOp>();
    let view_cookie = resp.extensions_mut().remove::<crate::view::ViewCookie>();
    let signed_in = resp
        .extensions_mut()
        .remove::<crate::account::SignedInPage>()
        .is_some();
    let h = resp.headers_mut();
    h.remove(header::SET_COOKIE);
    // The therapist view's cookie, from `/v` only.
    if let Some(c) = view_cookie
        && let Ok(v) = HeaderValue::from_str(&c.header())
    {
        h.append(header::SET_COOKIE, v);
    }
    // The only cookie ever set: the session's, from the account pages.
    if let Some(op) = cookie
        && let Ok(v) = HeaderValue::from_str(&op.header())
    {
        h.insert(header::SET_COOKIE, v);
    }
    for (name, value) in HEADERS {
        h.insert(*name, HeaderValue::from_static(value));
    }
    if signed_in && let Ok(v) = HeaderValue::from_str(&csp_signed_in(&st.exit_url)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if st.log {
        eprintln!(
            "{method_name} {pattern} {} {:.1}ms",
            resp.status().as_u16(),
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    resp
}

/// The checks on a post; the request comes back with its body buffered.
async fn check_post(
    st: &Shared,
    req: Request,
    needs_token: bool,
    limit: usize,
    import: bool,
) -> Result<Request, Response> {
    if !same_origin(req.headers()) {
        return Err(pages::expired(st, StatusCode::FORBIDDEN));
    }
    let (parts, body) = req.into_parts();
    let bytes = read_limited(body, limit).await.map_err(|()| {
        if import {
            crate::record::too_large(st)
        } else {
            pages::too_large(st)
        }
    })?;
    // A file upload (the import, a signed-in form) is read by its handler, `csrf` included.
    if !needs_token
        && crate::record::multipart::boundary(
            parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        )
        .is_some()
    {
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let form = Form::parse(&bytes).map_err(|_| pages::bad_form(st))?;
    let fresh = |name: &str| {
        form.get(name)
            .is_some_and(|t| st.sealer.open("form", st.now(), t).is_ok())
    };
    if needs_token && !(fresh("t") || fresh("csrf")) {
        return Err(pages::expired(st, StatusCode::FORBIDDEN));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A post comes from one of our own pages: its Origin (when sent, as browsers do for posts)
/// names this host, and a browser's Sec-Fetch-Site (when sent) says same-origin.
pub fn same_origin(h: &HeaderMap) -> bool {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(origin) = h.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        // A page with `Referrer-Policy: no-referrer` posts a plain form (no script) with
        // `Origin: null`; the browser's Sec-Fetch-Site then says whether it is our own page.
        if origin == "null" {
            return fetch_site == Some("same-origin");
        }
        let Some(host) = host else { return false };
        if origin != format!("http://{host}") && origin != format!("https://{host}") {
            return false;
        }
    }
    match fetch_site {
        None | Some("same-origin") | Some("none") => true,
        Some(_) => false,
    }
}

/// Reads a body up to `limit` ([`BODY_LIMIT`] for forms). Past it, reads and discards up to
/// [`DRAIN_LIMIT`] (or twice the limit) in all (so the browser has finished sending and shows our page),
/// then refuses.
async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ()> {
    let mut body = body;
    let mut buf: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return Err(()) };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= limit {
            buf.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT.max(2 * limit) {
            return Err(());
        }
    }
    if seen > limit {
        return Err(());
    }
    Ok(Bytes::from(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn a_signed_in_page_may_post_its_exit_to_the_neutral_site_only() {
        assert_eq!(
            csp_signed_in("https://www.bbc.co.uk/weather?x=1"),
            CSP.replace(
                "form-action 'self'",
                "form-action 'self' https://www.bbc.co.uk"
            )
        );
        assert_eq!(
            csp_signed_in("http://127.0.0.1:9/away"),
            CSP.replace(
                "form-action 'self'",
                "form-action 'self' http://127.0.0.1:9"
            )
        );
    }

    #[test]
    fn origin_must_name_this_host() {
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example")
        ])));
        assert!(!same_origin(&headers(&[(
            "origin",
            "http://127.0.0.1:8080"
        )])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("sec-fetch-site", "cross-site")
        ])));
        // `Origin: null` (a form posted from a no-referrer page) needs Sec-Fetch-Site.
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site")
        ])));
        // Without either header (a script, not a browser) the form token alone decides.
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])));
    }
}
