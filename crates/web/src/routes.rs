//! The route table: the only place that holds a path. The router is built by looping over it,
//! and the contract tests (`tests/web.rs`) are generated from it, so a new route cannot skip the
//! headers, the neutral-path check or the quick exit.
//!
//! Paths are neutral: none names help-seeking (see [`FORBIDDEN_WORDS`]), and nothing a person
//! chose or typed is ever part of one — choices travel in posted forms.

/// What a route is for. The router takes each handler from a `match` on this, so an id without
/// a handler does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Id {
    Home,
    Health,
    Learn,
    Words,
    WordsCheck,
    Numbers,
    NumbersShow,
    Questions,
    QuestionsAnswer,
    Walk,
    WalkStep,
    Model,
    ModelShow,
    People,
    Device,
    Css,
    Js,
    Icon,
}

/// The HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// What a route answers with; the contract test checks the content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    Html,
    Text,
    Css,
    Js,
    Svg,
}

impl Body {
    pub fn content_type(self) -> &'static str {
        match self {
            Body::Html => "text/html; charset=utf-8",
            Body::Text => "text/plain; charset=utf-8",
            Body::Css => "text/css; charset=utf-8",
            Body::Js => "text/javascript; charset=utf-8",
            Body::Svg => "image/svg+xml",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub id: Id,
    pub method: Method,
    /// Neutral: checked against [`FORBIDDEN_WORDS`] by a test.
    pub path: &'static str,
    pub body: Body,
}

const fn r(id: Id, method: Method, path: &'static str, body: Body) -> Route {
    Route {
        id,
        method,
        path,
        body,
    }
}

use Body::*;
use Method::*;

/// Every route closer serves.
pub const ROUTES: &[Route] = &[
    r(Id::Home, Get, "/", Html),
    r(Id::Health, Get, "/healthz", Text),
    r(Id::Learn, Get, "/read", Html),
    r(Id::Words, Get, "/words", Html),
    r(Id::WordsCheck, Post, "/words", Html),
    r(Id::Numbers, Get, "/numbers", Html),
    r(Id::NumbersShow, Post, "/numbers", Html),
    r(Id::Questions, Get, "/questions", Html),
    r(Id::QuestionsAnswer, Post, "/questions", Html),
    r(Id::Walk, Get, "/walk", Html),
    r(Id::WalkStep, Post, "/walk", Html),
    r(Id::Model, Get, "/model", Html),
    r(Id::ModelShow, Post, "/model", Html),
    r(Id::People, Get, "/people", Html),
    r(Id::Device, Get, "/device", Html),
    r(Id::Css, Get, "/s/site.css", Css),
    r(Id::Js, Get, "/s/site.js", Js),
    r(Id::Icon, Get, "/s/icon.svg", Svg),
];

/// Words no path may contain: an address bar's suggestions and a history list must not name
/// help-seeking.
pub const FORBIDDEN_WORDS: &[&str] = &[
    "afraid",
    "safe",
    "abuse",
    "violen",
    "screen",
    "crisis",
    "help",
    "therap",
    "guide",
    "danger",
    "fear",
    "domestic",
    "escape",
    "hotline",
    "helpline",
    "shelter",
    "police",
    "emergency",
    "suicid",
    "harm",
    "hurt",
    "partner",
    "relationship",
    "couple",
    "control",
    "risk",
    "exit",
    "leave",
];

/// The row for a method and a matched path pattern.
pub fn find(method: Method, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The row of an id (every id has exactly one row; a test checks it).
pub fn of(id: Id) -> &'static Route {
    ROUTES
        .iter()
        .find(|r| r.id == id)
        .expect("every id has a row (checked by a test)")
}

/// The path of an id, for links and form actions.
pub fn path(id: Id) -> &'static str {
    of(id).path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_neutral() {
        for r in ROUTES {
            let p = r.path.to_ascii_lowercase();
            for w in FORBIDDEN_WORDS {
                assert!(!p.contains(w), "{:?} {} contains {w:?}", r.id, r.path);
            }
            assert!(!p.contains('?'), "{} has a query", r.path);
            assert!(!p.contains('{'), "{} takes a parameter", r.path);
        }
    }

    #[test]
    fn every_id_has_one_row_and_no_row_is_doubled() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert_eq!(
                ROUTES.iter().filter(|b| b.id == a.id).count(),
                1,
                "{:?}",
                a.id
            );
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.path == b.path && a.method == b.method),
                    "{} declared twice",
                    a.path
                );
            }
        }
    }
}
