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
    // Accounts (issue 15).
    Signup,
    SignupPost,
    Login,
    LoginPost,
    Recover,
    RecoverPost,
    Logout,
    Out,
    Privacy,
    Account,
    Codes,
    CodesRemove,
    Passphrase,
    Everywhere,
    Delete,
    /// The screen before a passphrase change or a deletion, on the account's own path.
    AccountBefore,
    // Two people and a therapist's view (issue 15, the `couple` part).
    Together,
    TogetherInvite,
    TogetherAccept,
    TogetherShare,
    TogetherBefore,
    TogetherUnlink,
    TogetherStop,
    Links,
    LinksCreate,
    LinksRevoke,
    LinksTag,
    View,
    // The journal in the browser (issue 15, webjournal).
    Journal,
    JournalNew,
    JournalAdd,
    JournalEdit,
    JournalSave,
    JournalDelete,
    JournalHistory,
    Patterns,
    Export,
    // The daily check-in and the private record (issue 15, wiring).
    Day,
    DayAdd,
    Note,
    NoteAdd,
    // Print my record and import (issue 15, webrecord).
    Record,
    RecordPrint,
    RecordImport,
    LinksMeasure,
    // My questionnaires, keeping the private questions' result, the coaching switch (issue 15,
    // webmeasures).
    Measures,
    MeasuresForm,
    MeasuresScore,
    MeasuresKeep,
    QuestionsKeep,
    Mode,
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

/// Who may use a route; the authorization matrix (`tests/authz.rs`) is generated from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, no session needed; a post carries the signed form token (`t`).
    Anonymous,
    /// A signed-in person (`account::SignedIn`, else 303 to the sign-in page); a post carries
    /// the session's `csrf`, else 403.
    Owner,
    /// As [`Access::Owner`], and the form carries the person's `passphrase`, else 403.
    OwnerWithPassphrase,
    /// A therapist link's cookie (issue 15, the `couple` part).
    Therapist,
    /// Anyone, no token: files, the health check, and the quick exit (which always leaves).
    Public,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub id: Id,
    pub method: Method,
    /// Neutral: checked against [`FORBIDDEN_WORDS`] by a test.
    pub path: &'static str,
    pub body: Body,
    pub access: Access,
}

const fn r(id: Id, method: Method, path: &'static str, body: Body, access: Access) -> Route {
    Route {
        id,
        method,
        path,
        body,
        access,
    }
}

use Access::*;
use Body::*;
use Method::*;

/// Every route closer serves.
pub const ROUTES: &[Route] = &[
    r(Id::Home, Get, "/", Html, Anonymous),
    r(Id::Health, Get, "/healthz", Text, Public),
    r(Id::Learn, Get, "/read", Html, Anonymous),
    r(Id::Words, Get, "/words", Html, Anonymous),
    r(Id::WordsCheck, Post, "/words", Html, Anonymous),
    r(Id::Numbers, Get, "/numbers", Html, Anonymous),
    r(Id::NumbersShow, Post, "/numbers", Html, Anonymous),
    r(Id::Questions, Get, "/questions", Html, Anonymous),
    r(Id::QuestionsAnswer, Post, "/questions", Html, Anonymous),
    r(Id::Walk, Get, "/walk", Html, Anonymous),
    r(Id::WalkStep, Post, "/walk", Html, Anonymous),
    r(Id::Model, Get, "/model", Html, Anonymous),
    r(Id::ModelShow, Post, "/model", Html, Anonymous),
    r(Id::People, Get, "/people", Html, Anonymous),
    r(Id::Device, Get, "/device", Html, Anonymous),
    r(Id::Css, Get, "/s/site.css", Css, Public),
    r(Id::Js, Get, "/s/site.js", Js, Public),
    r(Id::Icon, Get, "/s/icon.svg", Svg, Public),
    r(Id::Signup, Get, "/signup", Html, Anonymous),
    r(Id::SignupPost, Post, "/signup", Html, Anonymous),
    r(Id::Login, Get, "/login", Html, Anonymous),
    r(Id::LoginPost, Post, "/login", Html, Anonymous),
    r(Id::Recover, Get, "/recover", Html, Anonymous),
    r(Id::RecoverPost, Post, "/recover", Html, Anonymous),
    r(Id::Logout, Post, "/logout", Html, Owner),
    r(Id::Out, Post, "/out", Html, Public),
    r(Id::Privacy, Get, "/privacy", Html, Anonymous),
    r(Id::Account, Get, "/me", Html, Owner),
    r(Id::Codes, Post, "/me/codes", Html, OwnerWithPassphrase),
    r(
        Id::CodesRemove,
        Post,
        "/me/codes/remove",
        Html,
        OwnerWithPassphrase,
    ),
    r(
        Id::Passphrase,
        Post,
        "/me/passphrase",
        Html,
        OwnerWithPassphrase,
    ),
    r(Id::Everywhere, Post, "/me/everywhere", Html, Owner),
    r(Id::Delete, Post, "/me/delete", Html, OwnerWithPassphrase),
    r(Id::AccountBefore, Post, "/me/check", Html, Owner),
    r(Id::Together, Get, "/together", Html, Owner),
    r(
        Id::TogetherInvite,
        Post,
        "/together/invite",
        Html,
        OwnerWithPassphrase,
    ),
    r(
        Id::TogetherAccept,
        Post,
        "/together/accept",
        Html,
        OwnerWithPassphrase,
    ),
    r(Id::TogetherShare, Post, "/together/share", Html, Owner),
    r(Id::TogetherBefore, Post, "/together/check", Html, Owner),
    r(Id::TogetherUnlink, Post, "/together/unlink", Html, Owner),
    r(Id::TogetherStop, Post, "/together/stop", Html, Owner),
    r(Id::Links, Get, "/links", Html, Owner),
    r(
        Id::LinksCreate,
        Post,
        "/links/new",
        Html,
        OwnerWithPassphrase,
    ),
    r(Id::LinksRevoke, Post, "/links/revoke", Html, Owner),
    r(Id::LinksTag, Post, "/links/tag", Html, Owner),
    r(Id::View, Get, "/v", Html, Therapist),
    r(Id::Journal, Get, "/journal", Html, Owner),
    r(Id::JournalNew, Get, "/journal/new", Html, Owner),
    r(Id::JournalAdd, Post, "/journal/new", Html, Owner),
    r(Id::JournalEdit, Post, "/journal/change", Html, Owner),
    r(Id::JournalSave, Post, "/journal/save", Html, Owner),
    r(Id::JournalDelete, Post, "/journal/delete", Html, Owner),
    r(Id::JournalHistory, Post, "/journal/earlier", Html, Owner),
    r(Id::Patterns, Get, "/journal/patterns", Html, Owner),
    r(
        Id::Export,
        Post,
        "/journal/export",
        Html,
        OwnerWithPassphrase,
    ),
    r(Id::Day, Get, "/day", Html, Owner),
    r(Id::DayAdd, Post, "/day", Html, Owner),
    r(Id::Note, Get, "/note", Html, Owner),
    r(Id::NoteAdd, Post, "/note", Html, Owner),
    r(Id::Record, Get, "/record", Html, Owner),
    r(
        Id::RecordPrint,
        Post,
        "/record/print",
        Html,
        OwnerWithPassphrase,
    ),
    r(
        Id::RecordImport,
        Post,
        "/record/import",
        Html,
        OwnerWithPassphrase,
    ),
    r(Id::LinksMeasure, Post, "/links/measure", Html, Owner),
    r(Id::Measures, Get, "/m", Html, Owner),
    r(Id::MeasuresForm, Post, "/m/form", Html, Owner),
    r(Id::MeasuresScore, Post, "/m/score", Html, Owner),
    r(Id::MeasuresKeep, Post, "/m/keep", Html, Owner),
    r(Id::QuestionsKeep, Post, "/questions/keep", Html, Owner),
    r(Id::Mode, Post, "/questions/mode", Html, Owner),
];

/// The largest body a post to `id` may carry: the import takes a file; every other form is
/// small.
pub fn body_limit(id: Id) -> usize {
    match id {
        Id::RecordImport => crate::record::IMPORT_LIMIT,
        _ => crate::layer::BODY_LIMIT,
    }
}

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
