//! The web app's parts wired together (issue 15): the journal, the partner page and the
//! account page link to each other; sign-up and sign-in land on the journal; the passphrase
//! change and the deletion pass through the screen that says what the other person may
//! notice; the daily check-in and the private record. On SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod support;

use axum::http::StatusCode;
use support::*;

const PP: &str = "correct horse battery";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The `href`s of a page's plain links with their text.
fn links(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in body.split("<a ").skip(1) {
        let Some(h) = part.find("href=\"") else {
            continue;
        };
        let tail = &part[h + 6..];
        let href = tail[..tail.find('"').unwrap()].to_string();
        let text_start = part.find('>').unwrap() + 1;
        let text = part[text_start..part.find("</a>").unwrap()].to_string();
        out.push((href, text));
    }
    out
}

#[test]
fn the_pages_link_to_each_other_and_signing_in_lands_on_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "wnav") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            // Sign-up: the page's one way on goes to the journal.
            let mut c = Client::new(&app, &st);
            let r = c.post_anon("/signup", &[("passphrase", PP)]).await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            let username = r.by_id("username").unwrap();
            assert!(
                links(&r.body).iter().any(|(h, _)| h == "/journal"),
                "{name}: the sign-up answer continues to the journal"
            );
            // The journal links to the partner page with a plain link naming the partner.
            let j = c.get("/journal").await;
            assert_eq!(j.status, StatusCode::OK, "{name}");
            let to_partner: Vec<_> = links(&j.body)
                .into_iter()
                .filter(|(h, _)| h == "/together")
                .collect();
            assert_eq!(to_partner.len(), 1, "{name}: {to_partner:?}");
            assert!(to_partner[0].1.contains("partner"), "{name}");
            // The account page links back to the journal.
            let me = c.get("/me").await;
            assert_eq!(me.status, StatusCode::OK, "{name}");
            assert!(links(&me.body).iter().any(|(h, _)| h == "/journal"), "{name}");
            // Sign-in answers 303 to the journal, and the journal opens with that session.
            let mut d = Client::new(&app, &st);
            let r = d
                .post_anon("/login", &[("username", &username), ("passphrase", PP)])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}");
            assert_eq!(r.location(), Some("/journal"), "{name}");
            assert_eq!(d.get("/journal").await.status, StatusCode::OK, "{name}");
        });
    }
}

