//! Accounts end to end through the router (no socket): sign-up, sign-in with the same answer
//! for known and unknown names, sessions that expire, sign-out and the exit that end the
//! session on the server, recovery codes, passphrase change, sign out everywhere, deletion.
//! On SQLite always, and on PostgreSQL when `TEST_DATABASE_URL` is set.

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

#[test]
fn sign_up_sign_in_and_sign_out_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "basic") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            // The cookie: __Host-, Secure, HttpOnly, SameSite=Strict, no lifetime.
            let parts: Vec<&str> = a.username.split('-').collect();
            assert_eq!(parts.len(), 3, "{name}: {}", a.username);
            let me = a.client.get("/me").await;
            assert_eq!(me.status, StatusCode::OK, "{name}");
            assert_eq!(
                me.hidden("csrf").as_deref(),
                Some(a.csrf.as_str()),
                "{name}"
            );
            // Sign out ends the session on the server and clears the browser.
            let old = a.client.cookie.clone();
            let out = a.client.post_signed("/logout", &a.csrf.clone(), &[]).await;
            assert_eq!(out.status, StatusCode::SEE_OTHER, "{name}");
            assert_eq!(out.location(), Some("/login"));
            assert_eq!(
                out.headers["clear-site-data"].to_str().unwrap(),
                "\"cache\", \"cookies\", \"storage\""
            );
            let mut replay = Client::new(&app, &st);
            replay.cookie = old;
            let r = replay.get("/me").await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: the old cookie");
            assert_eq!(r.location(), Some("/login"));
            // Sign in again with the username as shown (any case, spaces for hyphens).
            let mut b = Client::new(&app, &st);
            let typed = a.username.to_uppercase().replace('-', " ");
            let r = b
                .post_anon("/login", &[("username", &typed), ("passphrase", PP)])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
            let sc = r.set_cookie().unwrap();
            assert!(sc.starts_with("__Host-s="), "{sc}");
            assert!(
                sc.ends_with("; Path=/; Secure; HttpOnly; SameSite=Strict"),
                "{sc}"
            );
            assert_eq!(b.get("/me").await.status, StatusCode::OK);
        });
    }
}
