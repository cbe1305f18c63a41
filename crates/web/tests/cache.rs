//! The journal's per-session cache as the pages use it (issue 15's latency target), on SQLite
//! always and on PostgreSQL when `TEST_DATABASE_URL` is set: the first list page and the
//! patterns page are drawn once per data version and kept per session, never shared across
//! sessions or people, dropped at sign-out and redrawn after a write; a sign-in opens the
//! journal in the background and keeps nothing if the session ends first; a session ended on
//! another instance leaves nothing behind at the next sweep; the page blanks itself no later
//! than the server ends the session.

mod support;

use axum::http::StatusCode;
use base64::Engine;
use closer_web::journal::cache::{Drawn, session_key};
use support::*;

const PP: &str = "correct horse battery";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The cache key of the session a client's cookie names.
fn key_of(c: &Client) -> String {
    let cookie = c.cookie.as_deref().expect("a session cookie");
    let value = cookie.split_once('=').unwrap().1;
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value.split_once('.').unwrap().0)
        .unwrap();
    session_key(&closer_store::accounts::session_id_hash(&id))
}

async fn sign_in(app: &axum::Router, st: &closer_web::Shared, username: &str) -> Client {
    let mut c = Client::new(app, st);
    let r = c
        .post_anon("/login", &[("username", username), ("passphrase", PP)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    c
}

/// Waits (up to 20 s) until `f` holds.
async fn until(what: &str, f: impl Fn() -> bool) {
    for _ in 0..2000 {
        if f() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("waited 20 s for: {what}");
}

#[test]
fn drawn_pages_are_kept_per_session_and_version_and_go_with_the_session() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "cdrawn") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let mut b = sign_up(&app, &st, "another person's words").await;
            let csrf = a.csrf.clone();
            for i in 0..30 {
                let note = format!("canary-a-{i:02}");
                a.client
                    .post_signed("/journal/new", &csrf, &[("move", "reach"), ("note", &note)])
                    .await;
            }
            let ka = key_of(&a.client);
            let list = a.client.get("/journal").await;
            let person = st
                .journal
                .held()
                .into_iter()
                .find(|(k, _)| *k == ka)
                .expect("A's slot")
                .1;
            let pats = a.client.get("/journal/patterns").await;
            assert_eq!(list.status, StatusCode::OK, "{name}");
            assert!(list.body.contains("canary-a-29"), "{name}");
            let version = st.store().unwrap().data_version(&person).await.unwrap();
            let kept = st
                .journal
                .drawn(&ka, &person, &version, Drawn::ListFirst)
                .expect("the first page is kept");
            assert!(
                list.body.contains(&*kept),
                "{name}: the page is the kept one"
            );
            assert!(
                st.journal
                    .drawn(&ka, &person, &version, Drawn::Patterns)
                    .is_some_and(|p| pats.body.contains(&*p)),
                "{name}"
            );
            // Served again from the cache: the same bytes.
            assert_eq!(a.client.get("/journal").await.body, list.body, "{name}");
            assert_eq!(
                a.client.get("/journal/patterns").await.body,
                pats.body,
                "{name}"
            );
            // Page 2 is drawn each time, and right.
            let p2 = a.client.get("/journal?page=2").await;
            assert!(p2.body.contains("canary-a-04") && !p2.body.contains("canary-a-29"));

            // Another person's pages never hold what A's cache holds.
            let lb = b.client.get("/journal").await;
            assert!(!lb.body.contains("canary-a-"), "{name}");
            assert!(
                st.journal
                    .drawn(&key_of(&b.client), &person, &version, Drawn::ListFirst)
                    .is_none(),
                "{name}: B's session has no slot of A's"
            );

            // A second session of A has its own slot (its own csrf in its forms).
            let mut a2 = sign_in(&app, &st, &a.username).await;
            let l2 = a2.get("/journal").await;
            let csrf2 = l2.hidden("csrf").unwrap();
            assert_ne!(csrf2, csrf);
            assert_eq!(
                l2.body.replace(&csrf2, "CSRF"),
                list.body.replace(&csrf, "CSRF")
            );
            let k2 = key_of(&a2);
            assert!(
                st.journal
                    .drawn(&k2, &person, &version, Drawn::ListFirst)
                    .is_some()
            );
            assert_eq!(st.journal.sessions(), 3, "{name}");

            // A write is seen at once: a new version, drawn again.
            a.client
                .post_signed(
                    "/journal/new",
                    &csrf,
                    &[("move", "repair"), ("note", "fresh-one")],
                )
                .await;
            assert!(a.client.get("/journal").await.body.contains("fresh-one"));
            assert!(a2.get("/journal").await.body.contains("fresh-one"));
            let c = a
                .client
                .post_signed(
                    "/day",
                    &csrf,
                    &[("closeness", "3"), ("distress", "4"), ("safety", "8")],
                )
                .await;
            assert_eq!(c.status, StatusCode::OK, "{name}: a check-in");
            let pats2 = a.client.get("/journal/patterns").await;
            assert_ne!(
                pats2.body, pats.body,
                "{name}: a check-in redraws the patterns"
            );

            // Sign-out drops this session's slot only.
            a.client.post_signed("/logout", &csrf, &[]).await;
            assert!(st.journal.held().iter().all(|(k, _)| *k != ka), "{name}");
            assert_eq!(st.journal.sessions(), 2, "{name}");
            a2.post_signed("/logout", &csrf2, &[]).await;
            assert_eq!(st.journal.sessions(), 1, "{name}: only B's is left");
        });
    }
}

#[test]
fn a_sign_in_opens_the_journal_in_the_background_and_keeps_nothing_after_the_end() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "cprefill") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            for i in 0..5 {
                a.client
                    .post_signed(
                        "/journal/new",
                        &csrf,
                        &[("move", "reach"), ("note", &format!("bg{i}"))],
                    )
                    .await;
            }
            a.client.post_signed("/logout", &csrf, &[]).await;
            assert_eq!(st.journal.sessions(), 0, "{name}");

            // Signed in: the slot fills without any page being asked for.
            let mut c = sign_in(&app, &st, &a.username).await;
            let k = key_of(&c);
            until("the background fill", || {
                st.journal.held().iter().any(|(key, _)| *key == k)
            })
            .await;
            let list = c.get("/journal").await;
            assert!(
                list.body.contains("bg4") && list.body.contains("bg0"),
                "{name}"
            );
            let csrf = list.hidden("csrf").unwrap();
            c.post_signed("/logout", &csrf, &[]).await;
            assert_eq!(st.journal.sessions(), 0, "{name}");

            // Signed in and out at once: whatever the fill opened is not kept.
            for _ in 0..5 {
                let mut c = sign_in(&app, &st, &a.username).await;
                let csrf = c.get("/journal/new").await.hidden("csrf").unwrap();
                c.post_signed("/logout", &csrf, &[]).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            assert_eq!(
                st.journal.sessions(),
                0,
                "{name}: a slot is held for an ended session"
            );
        });
    }
}

#[test]
fn a_session_ended_on_another_instance_leaves_nothing_here_at_the_next_sweep() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "cinst") {
        rt().block_on(async {
            let (app1, st1) = app_on(Some(db.clone()));
            let (app2, st2) = app_on(Some(db));
            let mut a = sign_up(&app1, &st1, PP).await;
            let csrf = a.csrf.clone();
            a.client
                .post_signed(
                    "/journal/new",
                    &csrf,
                    &[("move", "reach"), ("note", "elsewhere")],
                )
                .await;
            // The same browser reaches the second instance (a load balancer).
            let mut on2 = Client::new(&app2, &st2);
            on2.cookie = a.client.cookie.clone();
            let r = on2.get("/journal").await;
            assert!(r.body.contains("elsewhere"), "{name}");
            assert_eq!(st2.journal.sessions(), 1, "{name}");
            // Signed out on the first instance: its hooks run there only.
            a.client.post_signed("/logout", &csrf, &[]).await;
            assert_eq!(st1.journal.sessions(), 0, "{name}");
            assert_eq!(st2.journal.sessions(), 1, "{name}: not yet");
            // The next sweep on the second instance (at most a minute later) drops it.
            let mut b = sign_up(&app2, &st2, "another person's words").await;
            st2.advance_clock(61);
            assert_eq!(b.client.get("/journal").await.status, StatusCode::OK);
            let held = st2.journal.held();
            assert_eq!(held.len(), 1, "{name}: only B's slot");
            assert_ne!(held[0].0, key_of(&on2), "{name}");
        });
    }
}

#[test]
fn the_page_blanks_no_later_than_the_server_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "cblank") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let limits = closer_store::SessionLimits::default();
            let (idle, grain) = (limits.idle_secs, limits.last_seen_grain());
            let ends_in = |body: &str| -> i64 {
                body.split("data-ends-in=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            // A page drawn within the grain of the last write of `last_seen` (the sign-up)
            // does not move it; it promises the idle limit less the grain.
            let mut b = sign_up(&app, &st, "another person's words").await;
            let mut a = sign_up(&app, &st, PP).await;
            st.advance_clock(grain / 2);
            let ra = a.client.get("/journal").await;
            let rb = b.client.get("/journal").await;
            assert_eq!(ends_in(&ra.body), idle - grain, "{name}");
            assert_eq!(ends_in(&rb.body), idle - grain, "{name}");
            // When A's page blanks itself the server still holds the session (early, not late).
            st.advance_clock(idle - grain);
            assert_eq!(a.client.get("/me").await.status, StatusCode::OK, "{name}");
            // B stayed idle since that page: the server ends the session by the idle limit
            // counted from the sign-up: after the page blanked, before the full limit counted
            // from B's last request.
            st.advance_clock(grain - grain / 2 + 1);
            let r = b.client.get("/journal").await;
            assert_eq!(r.location(), Some("/login"), "{name}: ended");
        });
    }
}
