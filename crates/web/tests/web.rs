//! The web app through `oneshot` (no socket): the header contract generated from the route
//! table, the bad-input pages, the cross-site checks, the sealed walk state, safety mode on
//! every flow page, and a fuzz of the form decoders.

mod support;

use axum::Router;
use axum::http::{StatusCode, header};
use closer_web::routes::{self, Body as Kind, Id, Method, ROUTES};
use closer_web::{Shared, layer};
use support::*;

/// A valid form for each posted route. Exhaustive: a new route must say what it takes.
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
        | Id::Icon => vec![],
        // The account routes: tests/authz.rs and tests/accounts.rs.
        Id::LoginPost => vec![
            ("username", "amber-harbor-1234"),
            ("passphrase", "not the one"),
        ],
        Id::RecoverPost => vec![
            ("username", "amber-harbor-1234"),
            ("code", "aaaaa-bbbbb-ccccc-ddddd"),
            ("new_passphrase", "a new passphrase"),
        ],
        Id::Signup
        | Id::SignupPost
        | Id::Login
        | Id::Recover
        | Id::Logout
        | Id::Out
        | Id::Privacy
        | Id::Account
        | Id::Codes
        | Id::CodesRemove
        | Id::Passphrase
        | Id::Everywhere
        | Id::AccountBefore
        | Id::Delete => vec![],
        // The partner page, links and the view: tests/authz.rs and tests/together.rs.
        Id::Together
        | Id::TogetherInvite
        | Id::TogetherAccept
        | Id::TogetherShare
        | Id::TogetherBefore
        | Id::TogetherUnlink
        | Id::TogetherStop
        | Id::Links
        | Id::LinksCreate
        | Id::LinksRevoke
        | Id::LinksTag
        | Id::View => vec![],
        // The journal routes: tests/journal.rs.
        Id::JournalAdd => vec![("move", "reach")],
        Id::Journal
        | Id::JournalNew
        | Id::JournalEdit
        | Id::JournalSave
        | Id::JournalDelete
        | Id::JournalHistory
        | Id::Patterns
        | Id::Export => vec![],
        // The check-in and the private record: tests/wiring.rs and tests/authz.rs.
        Id::DayAdd => vec![("closeness", "5")],
        Id::NoteAdd => vec![("text", "a record")],
        Id::Day | Id::Note => vec![],
        // Print my record, import and a link's measures: tests/record.rs and tests/authz.rs.
        Id::Record | Id::RecordPrint | Id::RecordImport | Id::LinksMeasure => vec![],
        // My questionnaires and the signed-in help area: tests/measures.rs and tests/authz.rs.
        Id::Measures
        | Id::MeasuresForm
        | Id::MeasuresScore
        | Id::MeasuresKeep
        | Id::QuestionsKeep
        | Id::Mode => vec![],
    }
}

fn assert_headers(what: &str, r: &Resp) {
    for (name, value) in layer::HEADERS {
        assert_eq!(
            r.headers.get(*name).and_then(|v| v.to_str().ok()),
            Some(*value),
            "{what}: header {name}"
        );
    }
    assert!(
        r.headers.get(header::SET_COOKIE).is_none(),
        "{what}: a cookie"
    );
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
}

fn assert_page(what: &str, body: &str) {
    let title = format!(
        "<title>{}</title>",
        closer_guide::ui::ui("web.title").text()
    );
    let head = &body[..body.find("</head>").unwrap()];
    assert_eq!(head.matches("<title>").count(), 1, "{what}");
    assert!(body.contains(&title), "{what}: the neutral title");
    assert!(body.contains("id=\"quick-exit\""), "{what}: the quick exit");
    assert!(body.contains("rel=\"nofollow noreferrer\""), "{what}");
    assert!(!body.contains(" style="), "{what}: an inline style");
    assert!(!body.contains("<style"), "{what}: an inline style");
    assert!(!body.contains("<script>"), "{what}: an inline script");
    assert!(!body.contains("manifest"), "{what}");
    // Every field carries autocomplete="off"; free text is a textarea.
    for tag in ["<input", "<select", "<textarea"] {
        for (i, _) in body.match_indices(tag) {
            let end = body[i..].find('>').unwrap() + i;
            let el = &body[i..=end];
            if el.contains("type=\"hidden\"") {
                continue;
            }
            assert!(el.contains("autocomplete=\"off\""), "{what}: {el}");
            assert!(
                !el.contains("type=\"text\""),
                "{what}: free text must be a textarea: {el}"
            );
        }
    }
    // Every form posts (nothing typed or chosen goes into a URL).
    for (i, _) in body.match_indices("<form") {
        let end = body[i..].find('>').unwrap() + i;
        assert!(
            body[i..end].contains("method=\"post\""),
            "{what}: {}",
            &body[i..=end]
        );
    }
}

#[tokio::test]
async fn every_route_answers_with_its_content_type_and_the_headers() {
    let (app, st) = app_on(None);
    for row in ROUTES {
        // Signed-in routes, the exit and sign-up (which needs a database) are covered by the
        // authorization matrix in tests/authz.rs.
        if !matches!(
            row.access,
            routes::Access::Anonymous | routes::Access::Public
        ) || matches!(row.id, Id::Out | Id::SignupPost)
        {
            continue;
        }
        let r = match row.method {
            Method::Get => get(&app, row.path).await,
            Method::Post => post(&app, &st, row.path, &sample(row.id)).await,
        };
        let what = format!("{:?} {}", row.method, row.path);
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
        assert_eq!(
            r.headers[header::CONTENT_TYPE].to_str().unwrap(),
            row.body.content_type(),
            "{what}"
        );
        assert_headers(&what, &r);
        if row.body == Kind::Html {
            assert_page(&what, &r.body);
            assert!(r.body.len() < 60 * 1024, "{what}: {} bytes", r.body.len());
        }
    }
}

#[tokio::test]
async fn the_script_stores_nothing_and_registers_no_worker() {
    let (app, _) = app_on(None);
    let js = get(&app, routes::path(Id::Js)).await.body;
    for word in [
        "localStorage",
        "sessionStorage",
        "indexedDB",
        "serviceWorker",
        "document.cookie",
        "caches.",
    ] {
        assert!(!js.contains(word), "site.js uses {word}");
    }
    // It leaves with location.replace, and restores from the back/forward cache by reloading.
    assert!(js.contains("location.replace(url)") && js.contains("e.persisted"));
}

#[tokio::test]
async fn the_home_links_to_every_page_with_plain_links() {
    let (app, _) = app_on(None);
    let home = get(&app, "/").await.body;
    for id in [
        Id::Learn,
        Id::Words,
        Id::Numbers,
        Id::Questions,
        Id::Model,
        Id::People,
        Id::Device,
    ] {
        assert!(
            home.contains(&format!("<a href=\"{}\"", routes::path(id))),
            "{id:?}"
        );
    }
    // Choices that are not flows lead to their pages.
    assert!(home.contains(&format!(
        "class=\"choice-link\" href=\"{}\"",
        routes::path(Id::Words)
    )));
    assert!(home.contains(&format!(
        "class=\"choice-link\" href=\"{}\"",
        routes::path(Id::Questions)
    )));
    // The choices post to the walk; crisis help is one tap away.
    assert!(home.contains("name=\"flow\" value=\"4\""));
    assert!(home.contains(&format!(
        "class=\"now\" href=\"{}\"",
        routes::path(Id::Numbers)
    )));
}

#[tokio::test]
async fn unknown_pages_flows_and_regions_get_the_helpful_404() {
    let (app, st) = app_on(None);
    for r in [
        get(&app, "/no/such/page").await,
        get(&app, "/favicon.ico").await,
        post(&app, &st, "/walk", &[("flow", "9")]).await,
        post(&app, &st, "/numbers", &[("region", "XX")]).await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert_headers("404", &r);
        assert_page("404", &r.body);
        assert!(
            r.body.contains(
                closer_guide::ui::ui("web.not-found")
                    .text()
                    .split('.')
                    .next()
                    .unwrap()
            )
        );
    }
}

#[tokio::test]
async fn posts_need_a_fresh_token_and_our_origin() {
    let (app, st) = app_on(None);
    let ok = format!("t={}&region=UK", enc(&st.form_token()));
    let r = post_bytes(
        &app,
        "/numbers",
        ok.clone().into_bytes(),
        Some(&format!("http://{HOST}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post_bytes(
        &app,
        "/numbers",
        ok.clone().into_bytes(),
        Some("http://evil.example"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_page("cross-site", &r.body);
    let r = post_bytes(
        &app,
        "/numbers",
        b"region=UK".to_vec(),
        Some(&format!("http://{HOST}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
    let forged = "t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&region=UK";
    let r = post_bytes(&app, "/numbers", forged.as_bytes().to_vec(), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a forged token");
    // Two hours later the token has expired.
    st.advance_clock(2 * 3600 + 1);
    let r = post_bytes(
        &app,
        "/numbers",
        ok.into_bytes(),
        Some(&format!("http://{HOST}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an expired token");
}

#[tokio::test]
async fn oversized_posts_get_a_clear_413_page() {
    let (app, st) = app_on(None);
    let big = format!(
        "t={}&text={}",
        enc(&st.form_token()),
        "a".repeat(100 * 1024)
    );
    let r = post_bytes(
        &app,
        "/words",
        big.into_bytes(),
        Some(&format!("http://{HOST}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_headers("413", &r);
    assert_page("413", &r.body);
    let huge = vec![b'a'; 5 * 1024 * 1024];
    let r = post_bytes(&app, "/words", huge, Some(&format!("http://{HOST}"))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// The sealed state field of a page.
fn state_of(body: &str) -> String {
    let i = body.find("name=\"s\" value=\"").expect("a state field") + 16;
    let j = body[i..].find('"').unwrap() + i;
    body[i..j].to_string()
}

#[tokio::test]
async fn the_screen_one_question_a_page_with_a_high_danger_answer() {
    let (app, st) = app_on(None);
    let qs = closer_safety::screen::questions();
    let mut r = post(&app, &st, "/questions", &[("answer", "start")]).await;
    for (n, q) in qs.iter().enumerate() {
        assert!(
            r.body.contains(&format!("{} of {}", n + 1, qs.len())),
            "{}",
            r.body
        );
        let s = state_of(&r.body);
        // The state is sealed: only the base64url alphabet, no JSON, no question id in clear.
        assert!(
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{s}"
        );
        assert!(
            st.sealer.open("walk", st.now(), &s).is_err(),
            "sealed for its purpose"
        );
        let _ = q;
        let answer = if q.id == "neck" { "yes" } else { "no" };
        r = post(&app, &st, "/questions", &[("s", &s), ("answer", answer)]).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let expected = closer_safety::screen::outcome(
        &qs.iter()
            .map(|q| {
                let a = if q.id == "neck" {
                    closer_safety::screen::Answer::Yes
                } else {
                    closer_safety::screen::Answer::No
                };
                (q.id.clone(), a)
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(
        expected.safety_mode(),
        "the test needs a high-danger question"
    );
    for s in &expected.said {
        assert!(
            r.body.contains(&closer_web::html::esc(s.title())),
            "{}",
            s.title()
        );
    }
    // Helplines for the region chosen on the result page, in place.
    let s = state_of(&r.body);
    let r2 = post(
        &app,
        &st,
        "/questions",
        &[("s", &s), ("answer", "done"), ("region", "UK")],
    )
    .await;
    assert_eq!(r2.status, StatusCode::OK);
    assert!(r2.body.contains("tel:"), "{}", r2.body);
    // Fifteen minutes later the answers are gone.
    st.advance_clock(15 * 60 + 5);
    let r3 = post(&app, &st, "/questions", &[("s", &s), ("answer", "done")]).await;
    assert_eq!(r3.status, StatusCode::BAD_REQUEST);
    assert!(
        r3.body
            .contains(closer_guide::ui::ui("web.expired-heading").text())
    );
}

/// Walks a flow from a home choice, answering `check` at checks, Next where there is one and
/// Skip otherwise; returns every page.
async fn walk(app: &Router, st: &Shared, first: &[(&str, &str)], check: &str) -> Vec<String> {
    let mut pages = Vec::new();
    let mut r = post(app, st, "/walk", first).await;
    for _ in 0..80 {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        pages.push(r.body.clone());
        let s = state_of(&r.body);
        let go = if r.body.contains("name=\"go\" value=\"not_sure\"") {
            check
        } else if r.body.contains("name=\"go\" value=\"next\"") {
            "next"
        } else if r.body.contains("name=\"go\" value=\"minutes\"") {
            "minutes"
        } else if r.body.contains("name=\"go\" value=\"skip\"") {
            "skip"
        } else {
            break;
        };
        r = post(app, st, "/walk", &[("s", &s), ("go", go)]).await;
    }
    pages
}

fn ways_of(page: &str) -> Vec<String> {
    page.match_indices("data-way=\"")
        .map(|(i, m)| {
            let s = &page[i + m.len()..];
            s[..s.find('"').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test]
async fn in_safety_mode_no_flow_page_asks_to_approach_or_offers_couple_therapy() {
    let (app, st) = app_on(None);
    let couple = closer_guide::content::content()
        .block("therapy-couple")
        .unwrap()
        .title
        .clone();
    for key in ["1", "2", "3", "4"] {
        // Switch to safety mode on the first step, then walk to the end.
        let r = post(&app, &st, "/walk", &[("flow", key)]).await;
        let s = state_of(&r.body);
        let first = post(&app, &st, "/walk", &[("s", &s), ("go", "afraid")]).await;
        let mut pages = vec![first.body.clone()];
        let s = state_of(&first.body);
        pages.extend(walk(&app, &st, &[("s", &s), ("go", "")], "no").await);
        assert!(pages.len() > 2, "flow {key}");
        for p in &pages {
            for w in ways_of(p) {
                assert!(
                    !["curious", "space", "name", "explore", "stay"].contains(&w.as_str()),
                    "flow {key}: a {w} step in safety mode"
                );
            }
            assert!(!p.contains(&closer_web::html::esc(&couple)), "flow {key}");
            assert!(
                !p.contains("value=\"afraid\""),
                "flow {key}: the switch stays off"
            );
            assert!(
                !p.contains("data-path=\"flow\""),
                "flow {key}: out of safety mode"
            );
        }
    }
}

#[tokio::test]
async fn both_roles_walk_to_the_end_and_not_sure_at_the_fear_check_switches_to_safety() {
    let (app, st) = app_on(None);
    for key in ["1", "2"] {
        let pages = walk(&app, &st, &[("flow", key)], "no").await;
        let last = pages.last().unwrap();
        assert!(
            last.contains(closer_guide::ui::ui("web.end-heading").text()),
            "flow {key}"
        );
        assert!(
            pages.iter().any(|p| p.contains("data-way=\"check\"")),
            "flow {key}"
        );
        assert!(
            pages[..pages.len() - 1]
                .iter()
                .all(|p| p.contains("value=\"afraid\"")),
            "flow {key}: the switch on every step"
        );
    }
    // The withdrawing partner's flow asks the fear check.
    let pages = walk(&app, &st, &[("flow", "2")], "not_sure").await;
    let i = pages
        .iter()
        .position(|p| p.contains("value=\"not_sure\""))
        .unwrap();
    let after = &pages[i + 1];
    assert!(after.contains("data-path=\"safety\""), "{after}");
    assert!(!after.contains("value=\"afraid\""));
}

#[tokio::test]
async fn soften_shows_the_words_back_as_typed_and_never_rewords_them() {
    let (app, st) = app_on(None);
    let msg = "Send me your location every hour or else.";
    let r = post(&app, &st, "/words", &[("text", msg)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let rendered = closer_guide::soften::render(
        &closer_guide::soften::soften(msg),
        &closer_safety::Policy::new(closer_safety::Context::ordinary()),
    );
    assert!(rendered.offered.is_empty(), "control: help, not openings");
    assert!(!r.body.contains("class=\"said openings\""));
    assert!(r.body.contains(&format!(
        "<blockquote class=\"yours\"><pre>{}</pre></blockquote>",
        closer_web::html::esc(msg)
    )));
    for s in &rendered.said {
        assert!(r.body.contains(&closer_web::html::esc(s.title())));
    }
    // Harsh words: the words back as typed (escaped, once), the openings built from choices.
    let msg = "You never listen to me. <b>ever</b>";
    let r = post(&app, &st, "/words", &[("text", msg)]).await;
    assert!(r.body.contains(&format!(
        "<blockquote class=\"yours\"><pre>{}</pre></blockquote>",
        closer_web::html::esc(msg)
    )));
    assert!(!r.body.contains("<b>ever</b>"));
    assert!(r.body.contains("class=\"said openings\""), "the openings");
    assert!(r.body.contains("things felt far apart between us tonight"));
    assert!(!r.body.contains("I feel ["), "no rewrite of the message");
    assert!(r.body.contains("<textarea id=\"text\" name=\"text\""));
    // Crisis help first by construction: the answer opens with the crisis line.
    let answer = &r.body[r.body.find("id=\"answer\"").unwrap()..];
    assert!(
        answer[..answer.find("</section>").unwrap()].contains("class=\"said crisis-line\""),
        "{answer}"
    );
    assert!(answer.contains("if you are thinking of hurting yourself"));
}

#[tokio::test]
async fn the_model_page_is_deterministic_and_cached() {
    let (app, st) = app_on(None);
    let fields = sample(Id::ModelShow);
    let a = post(&app, &st, "/model", &fields).await;
    let b = post(&app, &st, "/model", &fields).await;
    assert!(a.body.contains("<svg"));
    let cut = |s: &str| s[s.find("id=\"answer\"").unwrap()..].to_string();
    assert_eq!(cut(&a.body), cut(&b.body));
    // The same words and picture as `closer simulate`: the outcome is read over several runs,
    // and the picture says it is one of them (never one run's outcome stated alone).
    let caption = closer_guide::narrate_model::simulation_caption(
        &closer_safety::Policy::new(closer_safety::Context::ordinary()),
        &closer_model::simulate(
            closer_model::params::Profile::new(5.0, 2.0).unwrap(),
            closer_model::params::Profile::new(2.0, 5.0).unwrap(),
            &[],
            180.0,
            1,
            20,
            false,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(
        caption.text().contains("in one run of 20"),
        "{}",
        caption.text()
    );
    assert!(
        a.body.contains("in one run of 20"),
        "the what-if page pictures one run of 20"
    );
    let bad = post(&app, &st, "/model", &[("a_anxiety", "9")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let name_alone = post(&app, &st, "/model", &[("way1", "name"), ("who1", "A")]).await;
    assert_eq!(name_alone.status, StatusCode::BAD_REQUEST);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        #[test]
        fn the_form_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = closer_web::forms::Form::parse(&bytes);
        }

        #[test]
        fn no_posted_form_makes_a_server_error(
            route in 0usize..5,
            fields in proptest::collection::vec(
                (prop_oneof![Just("s"), Just("go"), Just("flow"), Just("answer"), Just("region"),
                             Just("text"), Just("a_anxiety"), Just("way1"), Just("who1"), Just("day1")],
                 ".{0,20}"), 0..6)
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            rt.block_on(async {
                let (app, st) = app_on(None);
                let path = ["/walk", "/questions", "/numbers", "/words", "/model"][route];
                let r = post(&app, &st, path, &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
                assert!(r.status.as_u16() < 500, "{path} {fields:?}: {}", r.status);
                assert_headers(path, &r);
            });
        }
    }
}
