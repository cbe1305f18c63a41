//! The small files closer serves itself (no third-party request of any kind), and `/healthz`.

use crate::routes::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn health() -> Response {
    ([(header::CONTENT_TYPE, Body::Text.content_type())], "ok\n").into_response()
}

pub async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, Body::Css.content_type())],
        include_str!("../../static/site.css"),
    )
        .into_response()
}

pub async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, Body::Js.content_type())],
        include_str!("../../static/site.js"),
    )
        .into_response()
}

pub async fn icon() -> Response {
    (
        [(header::CONTENT_TYPE, Body::Svg.content_type())],
        include_str!("../../static/icon.svg"),
    )
        .into_response()
}
