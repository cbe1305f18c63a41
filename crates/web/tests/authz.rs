//! The authorization matrix, generated from the route table: every route × every viewer, with
//! the outcome its `Access` class (and a few named exceptions) says. A new route without a row
//! in [`sample`] does not compile; a route or viewer whose outcome is not written down fails.
//!
//! Viewers here: anonymous, anonymous with a forged form, the owner, the owner without the
//! passphrase on guarded actions, the owner without the session's csrf, another person. The
//! `couple` branch adds linked partner, former partner, another couple and the therapist link
//! (valid, expired, revoked, in a second browser) in [`Viewer`], [`setup`] and [`expected`].

mod support;

use axum::http::StatusCode;
use closer_web::routes::{Access, Id, Method, ROUTES, Route};
use support::*;

const PP_A: &str = "owner passphrase one";
const PP_B: &str = "another passphrase two";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Anonymous,
    /// No session, and an anonymous form without the signed token.
    AnonymousForged,
    Owner,
    /// Signed in, the csrf right, the passphrase missing (guarded actions).
    OwnerWithoutPassphrase,
    /// Signed in, a post without the session's csrf.
    OwnerWithoutCsrf,
    /// Another signed-in person, using their own session on the same routes.
    Other,
}

const VIEWERS: &[Viewer] = &[
    Viewer::Anonymous,
    Viewer::AnonymousForged,
    Viewer::Owner,
    Viewer::OwnerWithoutPassphrase,
    Viewer::OwnerWithoutCsrf,
    Viewer::Other,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// 200 with the page.
    Ok,
    /// Any answer below 400 that is not a redirect to the sign-in page.
    Done,
    /// 303 to `/login`.
    ToLogin,
    /// 403.
    Forbidden,
    /// 303 to the neutral exit site.
    ToExit,
    /// 404: the thing named in the form is not the viewer's (or does not exist).
    NotFound,
    /// Nobody wrote the outcome down: the test fails and says which.
    Unspecified,
}

/// The fields a valid post to each route carries (besides `t`, `csrf` and `passphrase`).
/// Exhaustive: a new route must say what it takes.
fn sample(id: Id) -> Vec<(&'static str, &'static str)> {
    match id {
        Id::WordsCheck => vec![("text", "You never listen to me.")],
        Id::NumbersShow => vec![("region", "UK")],
        Id::QuestionsAnswer => vec![("answer", "start")],
        Id::WalkStep => vec![("flow", "1")],
        Id::ModelShow => vec![
            ("a_anxiety", "6"),
            ("a_avoidance", "2"),
            ("b_anxiety", "2"),
            ("b_avoidance", "6"),
            ("way1", "pause"),
            ("who1", "A"),
            ("day1", "30"),
        ],
        Id::SignupPost => vec![("passphrase", "a new person's passphrase")],
        Id::LoginPost => vec![("username", "amber-harbor-1234"), ("passphrase", "wrong")],
        Id::RecoverPost => vec![
            ("username", "amber-harbor-1234"),
            ("code", "aaaaa-bbbbb-ccccc-ddddd"),
            ("new_passphrase", "a new passphrase"),
        ],
        Id::Passphrase => vec![("new_passphrase", "a changed passphrase")],
        Id::Home
        | Id::Health
        | Id::Learn
        | Id::Words
        | Id::Numbers
        | Id::Questions
        | Id::Walk
        | Id::Model
        | Id::People
        | Id::Device
        | Id::Css
        | Id::Js
        | Id::Icon
        | Id::Signup
        | Id::Login
        | Id::Recover
        | Id::Logout
        | Id::Out
        | Id::Privacy
        | Id::Account
        | Id::Codes
        | Id::CodesRemove
        | Id::Everywhere
        | Id::Delete => vec![],
        // The journal (tests/journal.rs has the flows). An entry id nobody has: the owner and
        // another person both get 404 (an id of someone else's is the same 404 there).
        Id::JournalAdd => vec![("move", "reach"), ("note", "a matrix note")],
        Id::JournalEdit | Id::JournalDelete | Id::JournalHistory => {
            vec![("id", "00000000000000000000000000000000")]
        }
        Id::JournalSave => vec![
            ("id", "00000000000000000000000000000000"),
            ("move", "reach"),
        ],
        Id::Export => vec![("format", "json")],
        Id::Journal | Id::JournalNew | Id::Patterns => vec![],
    }
}

/// What each viewer gets, from the route's access class; exceptions are named.
fn expected(r: &Route, v: Viewer) -> Outcome {
    use Outcome::*;
    use Viewer::*;
    // The exit always leaves, for everyone, and never shows a page.
    if r.id == Id::Out {
        return ToExit;
    }
    // A journal entry by an id that is not the viewer's: not found, for the owner as for anyone.
    if matches!(
        r.id,
        Id::JournalEdit | Id::JournalSave | Id::JournalDelete | Id::JournalHistory
    ) && matches!(v, Owner | OwnerWithoutPassphrase | Other)
    {
        return NotFound;
    }
    match (r.access, r.method) {
        (Access::Public, _) => Ok,
        (Access::Anonymous, Method::Get) => Ok,
        (Access::Anonymous, Method::Post) => match v {
            // Without the signed form token (a forged form, or a signed-in form's fields only).
            AnonymousForged | OwnerWithoutCsrf => Forbidden,
            _ => Done,
        },
        (Access::Owner, Method::Get) => match v {
            Anonymous | AnonymousForged => ToLogin,
            _ => Ok,
        },
        (Access::Owner, Method::Post) => match v {
            Anonymous | AnonymousForged => ToLogin,
            OwnerWithoutCsrf => Forbidden,
            Owner | OwnerWithoutPassphrase | Other => Done,
        },
        (Access::OwnerWithPassphrase, Method::Get) => Unspecified,
        (Access::OwnerWithPassphrase, Method::Post) => match v {
            Anonymous | AnonymousForged => ToLogin,
            OwnerWithoutCsrf | OwnerWithoutPassphrase => Forbidden,
            Owner | Other => Done,
        },
        // The `couple` branch writes the therapist view's rows.
        (Access::Therapist, _) => Unspecified,
    }
}

struct World {
    a: Person,
    b: Person,
}

async fn setup(app: &axum::Router, st: &closer_web::Shared) -> World {
    World {
        a: sign_up(app, st, PP_A).await,
        b: sign_up(app, st, PP_B).await,
    }
}

async fn request(w: &mut World, r: &Route, v: Viewer) -> Resp {
    let fields = sample(r.id);
    let guarded = r.access == Access::OwnerWithPassphrase;
    let (person, pp) = match v {
        Viewer::Other => (&mut w.b, PP_B),
        _ => (&mut w.a, PP_A),
    };
    let mut client = match v {
        Viewer::Anonymous | Viewer::AnonymousForged => Client {
            cookie: None,
            ..person.client.clone()
        },
        _ => person.client.clone(),
    };
    let csrf = person.csrf.clone();
    if r.method == Method::Get {
        return client.get(r.path).await;
    }
    let mut all: Vec<(&str, &str)> = Vec::new();
    let token = client.st.form_token();
    match v {
        Viewer::Anonymous => all.push(("t", &token)),
        Viewer::AnonymousForged | Viewer::OwnerWithoutCsrf => {}
        Viewer::Owner | Viewer::OwnerWithoutPassphrase | Viewer::Other => {
            if r.access == Access::Anonymous {
                all.push(("t", &token));
            } else {
                all.push(("csrf", &csrf));
            }
        }
    }
    if guarded && v != Viewer::OwnerWithoutPassphrase {
        all.push(("passphrase", pp));
    }
    all.extend(fields.iter().copied());
    client.post_raw(r.path, &all).await
}

fn check(r: &Route, v: Viewer, want: Outcome, got: &Resp, exit: &str, w: &World) -> Vec<String> {
    let what = format!("{:?} {} as {v:?}", r.method, r.path);
    let mut errs = Vec::new();
    let status = got.status;
    let ok = match want {
        Outcome::Ok => status == StatusCode::OK,
        Outcome::Done => {
            status.as_u16() < 400 && got.location() != Some("/login") || {
                // Signing out (or everywhere) answers with the sign-in page on purpose.
                matches!(r.id, Id::Logout | Id::Everywhere) && status == StatusCode::SEE_OTHER
            }
        }
        Outcome::ToLogin => status == StatusCode::SEE_OTHER && got.location() == Some("/login"),
        Outcome::Forbidden => status == StatusCode::FORBIDDEN,
        Outcome::NotFound => status == StatusCode::NOT_FOUND,
        Outcome::ToExit => status == StatusCode::SEE_OTHER && got.location() == Some(exit),
        Outcome::Unspecified => false,
    };
    if !ok {
        errs.push(format!(
            "{what}: expected {want:?}, got {} {:?}",
            status,
            got.location()
        ));
    }
    // Another person's answers never carry the owner's session secrets, and the reverse.
    if v == Viewer::Other && got.body.contains(&w.a.csrf) {
        errs.push(format!("{what}: the owner's csrf in another person's page"));
    }
    if matches!(v, Viewer::Owner | Viewer::OwnerWithoutPassphrase) && got.body.contains(&w.b.csrf) {
        errs.push(format!("{what}: another person's csrf in the owner's page"));
    }
    errs
}

#[test]
fn every_route_for_every_viewer() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (name, db) in databases(dir.path(), "authz") {
        rt.block_on(async {
            let (app, st) = app_on(Some(db));
            let mut errs: Vec<String> = Vec::new();
            let mut shared = setup(&app, &st).await;
            let mut checked = 0;
            for r in ROUTES {
                for &v in VIEWERS {
                    let want = expected(r, v);
                    // Posts that may end a session or change the account (the exit too) get a
                    // world of their own.
                    let fresh = r.method == Method::Post && r.access != Access::Anonymous;
                    let got;
                    let mut own;
                    let w = if fresh {
                        own = setup(&app, &st).await;
                        got = request(&mut own, r, v).await;
                        &own
                    } else {
                        got = request(&mut shared, r, v).await;
                        &shared
                    };
                    errs.extend(check(r, v, want, &got, &st.exit_url, w));
                    checked += 1;
                }
            }
            assert_eq!(checked, ROUTES.len() * VIEWERS.len());
            assert!(errs.is_empty(), "{name}:\n{}", errs.join("\n"));
        });
    }
}
