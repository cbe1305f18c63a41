//! Accounts end to end through the router (no socket): sign-up, sign-in with the same answer
//! for known and unknown names, sessions that expire, sign-out and the exit that end the
//! session on the server, recovery codes, passphrase change, sign out everywhere, deletion.
//! On SQLite always, and on PostgreSQL when `TEST_DATABASE_URL` is set.

mod support;

use axum::http::StatusCode;
use support::*;

const PP: &str = "correct horse battery";

/// The tests of this file run one at a time: one counts Argon2id runs in the process.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn sign_up_sign_in_and_sign_out_on_every_backend() {
    let _g = serial();
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

/// The body with every per-response token masked (the form token and csrf are random).
fn masked(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = rest.find("value=\"") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        let end = rest.find('"').unwrap();
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn known_and_unknown_names_get_the_same_answer_in_the_same_time() {
    let _g = serial();
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = databases(dir.path(), "same").remove(0);
    rt().block_on(async {
        let (app, st) = app_on(Some(db));
        let a = sign_up(&app, &st, PP).await;
        let mut c = Client::new(&app, &st);
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        let mut bodies = Vec::new();
        for i in 0..10 {
            let mut pair = [
                (a.username.as_str(), &mut known),
                ("maple-otter-1234", &mut unknown),
            ];
            if i % 2 == 1 {
                pair.reverse();
            }
            for (name, times) in pair {
                let t = std::time::Instant::now();
                let r = c
                    .post_anon(
                        "/login",
                        &[("username", name), ("passphrase", "not it at all")],
                    )
                    .await;
                times.push(t.elapsed().as_secs_f64());
                if i == 0 {
                    bodies.push((r.status, masked(&r.body), r.set_cookie().is_none()));
                }
            }
            // The delay per address grows with failures; a fresh state keeps it out of timing.
            st.advance_clock(2 * 3600);
        }
        assert_eq!(bodies[0], bodies[1], "the same status and body");
        assert_eq!(bodies[0].0, StatusCode::OK);
        assert!(bodies[0].2, "no cookie for a failed sign-in");
        // The same work: exactly one Argon2id derivation for a known and an unknown name (the
        // dummy wrapping is made before counting).
        let _ = closer_store::Store::dummy_sign_in("warm").await;
        for name in [a.username.as_str(), "maple-otter-1234"] {
            let before = closer_store::crypto::derivations();
            let _ = c
                .post_anon(
                    "/login",
                    &[("username", name), ("passphrase", "not it at all")],
                )
                .await;
            assert_eq!(closer_store::crypto::derivations() - before, 1, "{name}");
            st.advance_clock(2 * 3600);
        }
        // And about the same time. Two cores shared with other work make single timings noisy,
        // so only the medians of ten are compared, loosely.
        known.sort_by(f64::total_cmp);
        unknown.sort_by(f64::total_cmp);
        let (mk, mu) = (known[5], unknown[5]);
        assert!(
            mk < 2.0 * mu && mu < 2.0 * mk,
            "median known {mk:.4}s, unknown {mu:.4}s"
        );
    });
}

#[test]
fn sessions_end_when_idle_or_old_and_their_keys_leave_memory() {
    let _g = serial();
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "expiry") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let ended = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let e2 = ended.clone();
            st.on_session_end(move |person, _| e2.lock().unwrap().push(person.to_string()));
            let mut a = sign_up(&app, &st, PP).await;
            let store = st.store().unwrap();
            // 14 minutes idle: still open (and the page says when it blanks: the idle limit less
            // the minute within which `last_seen` is not written again).
            st.advance_clock(14 * 60);
            let me = a.client.get("/me").await;
            assert_eq!(me.status, StatusCode::OK, "{name}");
            assert!(me.body.contains("data-ends-in=\"840\""), "{name}");
            // 16 minutes idle: ended.
            st.advance_clock(16 * 60);
            let r = a.client.get("/me").await;
            assert_eq!(r.location(), Some("/login"), "{name}: idle");
            assert!(
                a.client.cookie.is_none(),
                "{name}: the stale cookie is removed"
            );
            // Absolute: active every 10 minutes, ended after 12 hours in all.
            let mut b = Client::new(&app, &st);
            let r = b
                .post_anon("/login", &[("username", &a.username), ("passphrase", PP)])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}");
            let mut minutes = 0;
            loop {
                st.advance_clock(10 * 60);
                minutes += 10;
                let r = b.get("/me").await;
                if r.status != StatusCode::OK {
                    assert_eq!(r.location(), Some("/login"));
                    break;
                }
                let left: i64 = r
                    .body
                    .split("data-ends-in=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(left <= 900, "{name}");
            }
            assert!(
                (12 * 60..=12 * 60 + 10).contains(&minutes),
                "{name}: ended after {minutes} min"
            );
            // The sweep runs the hooks and drops the key once no session is left.
            st.advance_clock(120);
            let mut c = Client::new(&app, &st);
            let _ = sign_up(&app, &st, "a third person here").await;
            let _ = c.get("/me").await;
            let person_gone =
                !store.holds_key(&ended.lock().unwrap().first().cloned().unwrap_or_default());
            assert!(person_gone, "{name}: the key left memory");
        });
    }
}

#[test]
fn recovery_codes_passphrase_change_everywhere_and_deletion() {
    let _g = serial();
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "life") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            // Codes need the passphrase; new ones void the old.
            let r = a.client.post_signed("/me/codes", &csrf, &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
            let r = a
                .client
                .post_signed("/me/codes", &csrf, &[("passphrase", "wrong one!")])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
            let first = a
                .client
                .post_signed("/me/codes", &csrf, &[("passphrase", PP)])
                .await;
            assert_eq!(first.status, StatusCode::OK, "{name}");
            let codes = |r: &Resp| -> Vec<String> {
                r.body
                    .split("<code>")
                    .skip(1)
                    .map(|p| p.split('<').next().unwrap().to_string())
                    .collect()
            };
            let old = codes(&first);
            assert_eq!(old.len(), 8);
            let second = a
                .client
                .post_signed("/me/codes", &csrf, &[("passphrase", PP)])
                .await;
            let new = codes(&second);
            assert!(old.iter().all(|c| !new.contains(c)));
            let mut x = Client::new(&app, &st);
            let r = x
                .post_anon(
                    "/recover",
                    &[
                        ("username", &a.username),
                        ("code", &old[0]),
                        ("new_passphrase", "another long one"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}: an old code is void");
            assert!(x.cookie.is_none());
            // A second browser; using a code ends every session and sets the new passphrase.
            let mut b = Client::new(&app, &st);
            assert_eq!(
                b.post_anon("/login", &[("username", &a.username), ("passphrase", PP)])
                    .await
                    .status,
                StatusCode::SEE_OTHER
            );
            let r = x
                .post_anon(
                    "/recover",
                    &[
                        ("username", &a.username),
                        ("code", &new[1].to_uppercase()),
                        ("new_passphrase", "recovered passphrase"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
            assert_eq!(
                a.client.get("/me").await.location(),
                Some("/login"),
                "{name}"
            );
            assert_eq!(b.get("/me").await.location(), Some("/login"), "{name}");
            assert_eq!(x.get("/me").await.status, StatusCode::OK, "{name}");
            // The code is spent.
            let mut y = Client::new(&app, &st);
            let r = y
                .post_anon(
                    "/recover",
                    &[
                        ("username", &a.username),
                        ("code", &new[1]),
                        ("new_passphrase", "yet another one"),
                    ],
                )
                .await;
            assert!(y.cookie.is_none() && r.status == StatusCode::OK, "{name}");
            // The old passphrase no longer opens; the new one does.
            let mut z = Client::new(&app, &st);
            z.post_anon("/login", &[("username", &a.username), ("passphrase", PP)])
                .await;
            assert!(z.cookie.is_none(), "{name}");
            z.post_anon(
                "/login",
                &[
                    ("username", &a.username),
                    ("passphrase", "recovered passphrase"),
                ],
            )
            .await;
            assert!(z.cookie.is_some(), "{name}");
            // A passphrase change ends the other sessions, not this one.
            let xc = x.get("/me").await.hidden("csrf").unwrap();
            let r = x
                .post_signed(
                    "/me/passphrase",
                    &xc,
                    &[
                        ("passphrase", "recovered passphrase"),
                        ("new_passphrase", "changed passphrase"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert_eq!(z.get("/me").await.location(), Some("/login"), "{name}");
            assert_eq!(x.get("/me").await.status, StatusCode::OK, "{name}");
            // Sign out everywhere ends this one too.
            z.post_anon(
                "/login",
                &[
                    ("username", &a.username),
                    ("passphrase", "changed passphrase"),
                ],
            )
            .await;
            let r = x.post_signed("/me/everywhere", &xc, &[]).await;
            assert_eq!(r.location(), Some("/login"));
            assert!(r.headers.contains_key("clear-site-data"));
            assert_eq!(z.get("/me").await.location(), Some("/login"), "{name}");
            assert_eq!(x.get("/me").await.location(), Some("/login"), "{name}");
            // Deleting: the passphrase is needed; then nothing of the account is left.
            let mut d = Client::new(&app, &st);
            d.post_anon(
                "/login",
                &[
                    ("username", &a.username),
                    ("passphrase", "changed passphrase"),
                ],
            )
            .await;
            let dc = d.get("/me").await.hidden("csrf").unwrap();
            let store = st.store().unwrap();
            let r = d.post_signed("/me/delete", &dc, &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
            let r = d
                .post_signed("/me/delete", &dc, &[("passphrase", "changed passphrase")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.headers.contains_key("clear-site-data"));
            assert!(d.cookie.is_none());
            let mut e = Client::new(&app, &st);
            e.post_anon(
                "/login",
                &[
                    ("username", &a.username),
                    ("passphrase", "changed passphrase"),
                ],
            )
            .await;
            assert!(e.cookie.is_none(), "{name}: the account is gone");
            assert!(
                store
                    .sign_in(&a.username, "changed passphrase")
                    .await
                    .is_err()
            );
        });
    }
}

#[test]
fn a_canary_typed_while_signing_up_never_reaches_the_database_files() {
    let _g = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canary.db");
    rt().block_on(async {
        let (app, st) = app_on(Some(closer_store::Location::Sqlite(path.clone())));
        let canary_pp = "Quetzalcanary passphrase 9931";
        let a = sign_up(&app, &st, canary_pp).await;
        // Content recorded through the store for this signed-in person is sealed too.
        let store = st.store().unwrap();
        let person = store.sign_in(&a.username, canary_pp).await.unwrap().0;
        let note = "Quetzalcanary note text 5120";
        store
            .add_entries(
                &person,
                &[closer_store::NewEntry {
                    at: 1_772_400_600,
                    move_type: Some(closer_domain::MoveType::Reach),
                    note: Some(note.into()),
                    ..Default::default()
                }],
                1_772_400_600,
            )
            .await
            .unwrap();
        let mut c = a.client.clone();
        let codes = c
            .post_signed("/me/codes", &a.csrf, &[("passphrase", canary_pp)])
            .await;
        let code = codes
            .body
            .split("<code>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        for suffix in ["", "-wal", "-shm"] {
            let f = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            // The passphrase, the note, the username (kept only as a hash), the recovery code.
            for needle in [
                canary_pp,
                note,
                "Quetzalcanary",
                a.username.as_str(),
                code.as_str(),
            ] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{needle:?} in {}",
                    f.display()
                );
            }
        }
    });
}
