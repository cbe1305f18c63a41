//! The authorization matrix, generated from the route table: every route × every viewer, with
//! the outcome its `Access` class (and a few named exceptions) says. A new route without a row
//! in [`sample`] does not compile; a route or viewer whose outcome is not written down fails.
//!
//! Viewers here: anonymous, anonymous with a forged form, the owner, the owner without the
//! passphrase on guarded actions, the owner without the session's csrf, another person, the
//! linked partner, a former partner (linked, then unlinked), and browsers holding a therapist
//! link (live, revoked, a second browser refused). An expired link is checked, with the test
//! clock, in `tests/together.rs`.

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
    /// The owner's linked partner, with their own session.
    Partner,
    /// Someone once linked with the owner, unlinked since.
    FormerPartner,
    /// A browser holding a live therapist link's cookie (no session).
    TherapistValid,
    /// A browser whose therapist link was revoked.
    TherapistRevoked,
    /// A second browser that tried a link's token after the first had opened it.
    TherapistSecondBrowser,
}

const VIEWERS: &[Viewer] = &[
    Viewer::Anonymous,
    Viewer::AnonymousForged,
    Viewer::Owner,
    Viewer::OwnerWithoutPassphrase,
    Viewer::OwnerWithoutCsrf,
    Viewer::Other,
    Viewer::Partner,
    Viewer::FormerPartner,
    Viewer::TherapistValid,
    Viewer::TherapistRevoked,
    Viewer::TherapistSecondBrowser,
];

const PP_P: &str = "the partner's passphrase three";

/// A `closer export` with nothing in it.
const EMPTY_EXPORT: &str = r#"{"format":"closer-journal","version":1,"exported_at":"2026-01-01T00:00:00Z","entries":[],"history":[],"checkins":[],"incidents":[],"assessments":[],"screen_results":[]}"#;
const PP_F: &str = "a former partner's passphrase";

fn is_therapist(v: Viewer) -> bool {
    matches!(
        v,
        Viewer::TherapistValid | Viewer::TherapistRevoked | Viewer::TherapistSecondBrowser
    )
}

fn is_partner(v: Viewer) -> bool {
    matches!(v, Viewer::Partner | Viewer::FormerPartner)
}

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
    /// 404 with the one page every link that does not open gets (the therapist view).
    Gone,
    /// 404: the thing named in the form is not the viewer's (or does not exist).
    NotFound,
    /// 400 with the "expired" page: a sealed keep form that is not the viewer's (or made up).
    Expired,
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
        Id::TogetherAccept => vec![("code", "aaaaa-bbbbb-ccccc-ddddd-eeeee-f")],
        Id::TogetherShare => vec![
            ("entry", "00000000000000000000000000000000"),
            ("action", "withdraw"),
        ],
        Id::TogetherBefore => vec![("change", "unlink")],
        Id::AccountBefore => vec![("change", "passphrase")],
        Id::LinksCreate => vec![("name", "Dr Rivera"), ("days", "14")],
        Id::LinksRevoke => vec![("link", "00000000000000000000000000000000")],
        Id::LinksTag => vec![
            ("link", "00000000000000000000000000000000"),
            ("entry", "00000000000000000000000000000000"),
            ("action", "off"),
        ],
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
        | Id::Delete
        | Id::Together
        | Id::TogetherInvite
        | Id::TogetherUnlink
        | Id::TogetherStop
        | Id::Links
        | Id::View => vec![],
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
        // Print my record and import (tests/record.rs has the flows): an empty export imports
        // nothing and is accepted; taking off a measure no link holds changes nothing.
        Id::Record => vec![],
        Id::RecordPrint => vec![("as", "page")],
        Id::RecordImport => vec![("json", EMPTY_EXPORT)],
        Id::LinksMeasure => vec![
            ("link", "00000000000000000000000000000000"),
            ("assessment", "00000000000000000000000000000000"),
            ("action", "off"),
        ],
        // The daily check-in and the private record (tests/wiring.rs has the flows).
        Id::DayAdd => vec![("closeness", "4"), ("note", "a matrix check-in")],
        Id::NoteAdd => vec![("text", "a matrix record")],
        Id::Day | Id::Note => vec![],
        // My questionnaires and the signed-in help area (tests/measures.rs has the flows).
        Id::MeasuresForm => vec![("instrument", "ecr-rs"), ("scale", "1-7")],
        Id::MeasuresScore => vec![
            ("instrument", "ecr-rs"),
            ("scale", "1-7"),
            ("q1", "4"),
            ("q2", "4"),
            ("q3", "4"),
            ("q4", "4"),
            ("q5", "4"),
            ("q6", "4"),
            ("q7", "4"),
            ("q8", "4"),
            ("q9", "4"),
        ],
        // A sealed keep form is made for one person on one page; a made-up one is refused.
        Id::MeasuresKeep | Id::QuestionsKeep => vec![("k", "not-a-sealed-form")],
        Id::Mode => vec![("mode", "on")],
        Id::Measures => vec![],
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
    // Only a browser holding a live link's cookie sees the view; everyone else, a revoked link
    // and a second browser included, gets the one answer of a link that does not open.
    if r.access == Access::Therapist && r.method == Method::Get {
        return if v == TherapistValid { Ok } else { Gone };
    }
    // A partner, once linked or now, has only the powers of any other signed-in person; a
    // therapist link's browser has none but those of anyone without a session.
    let v = if is_partner(v) {
        Other
    } else if is_therapist(v) {
        Anonymous
    } else {
        v
    };
    // A journal entry by an id that is not the viewer's: not found, for the owner as for anyone.
    if matches!(
        r.id,
        Id::JournalEdit | Id::JournalSave | Id::JournalDelete | Id::JournalHistory
    ) && matches!(v, Owner | OwnerWithoutPassphrase | Other)
    {
        return NotFound;
    }
    // A keep form carries answers sealed for one person on one page: a made-up one is refused
    // for the owner as for anyone signed in (tests/measures.rs keeps real ones).
    if matches!(r.id, Id::MeasuresKeep | Id::QuestionsKeep)
        && matches!(v, Owner | OwnerWithoutPassphrase | Other)
    {
        return Expired;
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
            // Mapped to `Other` or `Anonymous` above.
            Partner
            | FormerPartner
            | TherapistValid
            | TherapistRevoked
            | TherapistSecondBrowser => Unspecified,
        },
        (Access::OwnerWithPassphrase, Method::Get) => Unspecified,
        (Access::OwnerWithPassphrase, Method::Post) => match v {
            Anonymous | AnonymousForged => ToLogin,
            OwnerWithoutCsrf | OwnerWithoutPassphrase => Forbidden,
            Owner | Other => Done,
            // Mapped to `Other` or `Anonymous` above.
            Partner
            | FormerPartner
            | TherapistValid
            | TherapistRevoked
            | TherapistSecondBrowser => Unspecified,
        },
        // Nobody here holds a link's cookie: the view answers as for an unknown link.
        (Access::Therapist, Method::Get) => Gone,
        (Access::Therapist, Method::Post) => Unspecified,
    }
}

struct World {
    a: Person,
    b: Person,
    partner: Option<Person>,
    former: Option<Person>,
    therapists: Vec<(Viewer, Client)>,
}

async fn setup(app: &axum::Router, st: &closer_web::Shared) -> World {
    World {
        a: sign_up(app, st, PP_A).await,
        b: sign_up(app, st, PP_B).await,
        partner: None,
        former: None,
        therapists: Vec::new(),
    }
}

/// A's link named `name`, opened by a fresh browser; its address path.
async fn open_link(
    w: &mut World,
    app: &axum::Router,
    st: &closer_web::Shared,
    name: &str,
) -> (Client, String) {
    let r =
        w.a.client
            .post_signed(
                "/links/new",
                &w.a.csrf,
                &[("name", name), ("days", "14"), ("passphrase", PP_A)],
            )
            .await;
    let address = r.by_id("link-address").expect("the address is shown");
    let path = address.split_once(HOST).unwrap().1.to_string();
    let mut t = Client::new(app, st);
    assert_eq!(t.get(&path).await.status, StatusCode::SEE_OTHER);
    (t, path)
}

/// The world with a former partner (linked, then unlinked), a linked partner, and three
/// therapist browsers: a live link, a revoked one, and a second browser refused.
async fn setup_couple(app: &axum::Router, st: &closer_web::Shared) -> World {
    let mut w = setup(app, st).await;
    let mut former = sign_up(app, st, PP_F).await;
    link(&mut w.a, &mut former).await;
    let r =
        w.a.client
            .post_signed("/together/unlink", &w.a.csrf, &[])
            .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut partner = sign_up(app, st, PP_P).await;
    link(&mut w.a, &mut partner).await;
    let (valid, _) = open_link(&mut w, app, st, "L1").await;
    let (revoked, _) = open_link(&mut w, app, st, "L2").await;
    let s = st.store().unwrap();
    let pa = s.sign_in(&w.a.username, PP_A).await.unwrap().0;
    let l2 = s
        .therapist_links(&pa)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.name == "L2")
        .unwrap()
        .id;
    w.a.client
        .post_signed("/links/revoke", &w.a.csrf, &[("link", &l2)])
        .await;
    let (_first, p3) = open_link(&mut w, app, st, "L3").await;
    let mut second = Client::new(app, st);
    assert_eq!(second.get(&p3).await.status, StatusCode::NOT_FOUND);
    w.partner = Some(partner);
    w.former = Some(former);
    w.therapists = vec![
        (Viewer::TherapistValid, valid),
        (Viewer::TherapistRevoked, revoked),
        (Viewer::TherapistSecondBrowser, second),
    ];
    w
}

async fn request(w: &mut World, r: &Route, v: Viewer) -> Resp {
    let fields = sample(r.id);
    let guarded = r.access == Access::OwnerWithPassphrase;
    let therapist = w
        .therapists
        .iter()
        .find(|(t, _)| *t == v)
        .map(|(_, c)| c.clone());
    let (person, pp) = match v {
        Viewer::Other => (&mut w.b, PP_B),
        Viewer::Partner => (w.partner.as_mut().expect("a partner"), PP_P),
        Viewer::FormerPartner => (w.former.as_mut().expect("a former partner"), PP_F),
        _ => (&mut w.a, PP_A),
    };
    let mut client = match v {
        Viewer::Anonymous | Viewer::AnonymousForged => person.client.anonymous(),
        _ if is_therapist(v) => therapist.expect("a therapist browser"),
        _ => person.client.clone(),
    };
    let csrf = person.csrf.clone();
    if r.method == Method::Get {
        return client.get(r.path).await;
    }
    let mut all: Vec<(&str, &str)> = Vec::new();
    let token = client.st.form_token();
    match v {
        Viewer::Anonymous
        | Viewer::TherapistValid
        | Viewer::TherapistRevoked
        | Viewer::TherapistSecondBrowser => all.push(("t", &token)),
        Viewer::AnonymousForged | Viewer::OwnerWithoutCsrf => {}
        Viewer::Owner
        | Viewer::OwnerWithoutPassphrase
        | Viewer::Other
        | Viewer::Partner
        | Viewer::FormerPartner => {
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
        Outcome::Expired => status == StatusCode::BAD_REQUEST,
        Outcome::ToExit => status == StatusCode::SEE_OTHER && got.location() == Some(exit),
        Outcome::Gone => status == StatusCode::NOT_FOUND,
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
    if (v == Viewer::Other || is_partner(v) || is_therapist(v)) && got.body.contains(&w.a.csrf) {
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
    let rt = rt();
    for (name, db) in databases(dir.path(), "authz") {
        rt.block_on(async {
            let (app, st) = app_on(Some(db));
            let mut errs: Vec<String> = Vec::new();
            let mut shared = setup_couple(&app, &st).await;
            let mut checked = 0;
            for r in ROUTES {
                for &v in VIEWERS {
                    let want = expected(r, v);
                    // Posts that may end a session or change the account (the exit too) get a
                    // world of their own.
                    let fresh = r.method == Method::Post
                        && r.access != Access::Anonymous
                        && !is_therapist(v);
                    let got;
                    let mut own;
                    let w = if fresh {
                        own = if is_partner(v) {
                            setup_couple(&app, &st).await
                        } else {
                            setup(&app, &st).await
                        };
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
