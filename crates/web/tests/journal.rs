//! The journal in the browser, end to end through the router (no socket), on SQLite always and
//! on PostgreSQL when `TEST_DATABASE_URL` is set: log with a note, see it, change it, see the
//! earlier version, delete it, patterns "not enough yet", pages, bad input named, export behind
//! the passphrase, the cache dropped at sign-out, and the differencing property: another
//! person's private entries never change my pages.

mod support;

use axum::http::StatusCode;
use support::*;

const PP: &str = "correct horse battery";

/// A page without its per-session secret, to compare two pages of one person.
fn without_csrf(body: &str, csrf: &str) -> String {
    body.replace(csrf, "CSRF")
}

#[test]
fn log_see_change_history_delete_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "jflow") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            let c = &mut a.client;
            let empty = c.get("/journal").await;
            assert_eq!(empty.status, StatusCode::OK, "{name}");
            assert!(entry_ids(&empty.body).is_empty());
            // The form: every field autocomplete=off, the note a textarea, no share checkbox
            // without a partner, the feelings from the guide's list.
            let f = c.get("/journal/new").await;
            assert_eq!(f.status, StatusCode::OK);
            for tag in ["<input", "<select", "<textarea"] {
                for part in f.body.split(tag).skip(1) {
                    let el = &part[..part.find('>').unwrap()];
                    if el.contains("type=\"hidden\"") {
                        continue;
                    }
                    assert!(el.contains("autocomplete=\"off\""), "{name}: {tag}{el}");
                }
            }
            assert!(f.body.contains("<textarea id=\"note\" name=\"note\""));
            assert!(!f.body.contains("share_partner"), "no partner, no checkbox");
            assert!(f.body.contains("value=\"overwhelmed\""));
            // Log a moment with a note.
            let note = "canary-note-7f3 my own words";
            let r = c
                .post_signed(
                    "/journal/new",
                    &csrf,
                    &[
                        ("move", "withdraw"),
                        ("partner_move", "reach"),
                        ("feeling", "overwhelmed"),
                        ("need", "calm"),
                        ("intensity", "6"),
                        ("way", "pause"),
                        ("note", note),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
            assert!(r.body.contains("id=\"kept\""));
            let list = c.get("/journal").await;
            assert!(list.body.contains(note), "{name}: the owner sees the note");
            let ids = entry_ids(&list.body);
            assert_eq!(ids.len(), 2, "{name}: my move and my view of theirs");
            // Change the note: the earlier version is in the history; recorded_at stays.
            let mine = ids
                .iter()
                .find(|id| {
                    let i = list.body.find(id.as_str()).unwrap();
                    list.body[..i].rfind("<article").is_some()
                        && list.body[list.body[..i].rfind("<article").unwrap()..i].contains(note)
                })
                .unwrap()
                .clone();
            let form = c
                .post_signed("/journal/change", &csrf, &[("id", &mine)])
                .await;
            assert_eq!(form.status, StatusCode::OK);
            assert!(
                form.body.contains(note),
                "{name}: the change form holds the note"
            );
            let r = c
                .post_signed(
                    "/journal/save",
                    &csrf,
                    &[
                        ("id", &mine),
                        ("move", "withdraw"),
                        ("note", "second words"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
            let list = c.get("/journal").await;
            assert!(list.body.contains("second words") && !list.body.contains(note));
            let h = c
                .post_signed("/journal/earlier", &csrf, &[("id", &mine)])
                .await;
            assert_eq!(h.status, StatusCode::OK);
            assert!(
                h.body.contains(note) && h.body.contains("second words"),
                "{name}"
            );
            // Delete: gone with its history.
            let r = c
                .post_signed("/journal/delete", &csrf, &[("id", &mine)])
                .await;
            assert_eq!(r.status, StatusCode::OK);
            let list = c.get("/journal").await;
            assert!(!list.body.contains("second words"));
            assert_eq!(entry_ids(&list.body).len(), 1);
            let h = c
                .post_signed("/journal/earlier", &csrf, &[("id", &mine)])
                .await;
            assert_eq!(h.status, StatusCode::NOT_FOUND, "{name}");
            // Patterns from one entry: not enough yet, and no note on the page.
            let p = c.get("/journal/patterns").await;
            assert_eq!(p.status, StatusCode::OK);
            assert!(p.body.contains("not enough yet"), "{name}: {}", p.body);
        });
    }
}

#[test]
fn bad_input_is_named_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (app, st) = app_on(Some(databases(dir.path(), "jbad").remove(0).1));
    rt().block_on(async {
        let mut a = sign_up(&app, &st, PP).await;
        let csrf = a.csrf.clone();
        for (fields, want) in [
            (vec![("move", "shout")], "move: expected one of reach"),
            (
                vec![("move", "reach"), ("intensity", "12")],
                "intensity: expected",
            ),
            (
                vec![("move", "reach"), ("feeling", "zzz")],
                "feeling: expected one of the listed words",
            ),
            (
                vec![("move", "reach"), ("at", "2999-01-01")],
                "not in the future",
            ),
            (vec![("move", "reach"), ("share_partner", "on")], ""),
        ] {
            let r = a.client.post_signed("/journal/new", &csrf, &fields).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(r.body.contains("role=\"alert\""), "{fields:?}");
            assert!(
                r.body.contains(&closer_web::html::esc(want)),
                "{fields:?}: {}",
                r.body
            );
        }
        assert!(entry_ids(&a.client.get("/journal").await.body).is_empty());
        // No csrf: 403; no session: to the sign-in page.
        let r = a
            .client
            .post_raw("/journal/new", &[("move", "reach")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut anon = Client::new(&app, &st);
        for path in ["/journal", "/journal/new", "/journal/patterns"] {
            let r = anon.get(path).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(r.location(), Some("/login"));
        }
    });
}

#[test]
fn pages_are_newest_first_and_the_cache_goes_with_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let (app, st) = app_on(Some(databases(dir.path(), "jpages").remove(0).1));
    rt().block_on(async {
        let mut a = sign_up(&app, &st, PP).await;
        let csrf = a.csrf.clone();
        for i in 0..30 {
            let note = format!("n{i:02}");
            let r = a
                .client
                .post_signed("/journal/new", &csrf, &[("move", "reach"), ("note", &note)])
                .await;
            assert_eq!(r.status, StatusCode::OK);
        }
        let p1 = a.client.get("/journal").await;
        assert_eq!(entry_ids(&p1.body).len(), 25);
        // Same second: insertion order, newest first.
        let first = p1.body.find("n29").unwrap();
        assert!(first < p1.body.find("n28").unwrap());
        assert!(!p1.body.contains(">n04<"));
        let p2 = a.client.get("/journal?page=2").await;
        assert_eq!(entry_ids(&p2.body).len(), 5);
        assert!(p2.body.contains("n04") && p2.body.contains("n00"));
        assert_eq!(
            st.journal.sessions(),
            1,
            "the list is kept for this session"
        );
        // The cache answers again without a change, and a write is seen at once.
        assert_eq!(a.client.get("/journal").await.body, p1.body);
        a.client
            .post_signed(
                "/journal/new",
                &csrf,
                &[("move", "repair"), ("note", "fresh")],
            )
            .await;
        assert!(a.client.get("/journal").await.body.contains("fresh"));
        // Sign-out ends the session; its slot goes with it.
        let r = a.client.post_signed("/logout", &csrf, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(st.journal.sessions(), 0);
    });
}

#[test]
fn export_needs_the_passphrase_and_has_a_neutral_name() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "jexport") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            a.client
                .post_signed(
                    "/journal/new",
                    &csrf,
                    &[("move", "reach"), ("note", "export words")],
                )
                .await;
            let r = a
                .client
                .post_signed("/journal/export", &csrf, &[("format", "json")])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
            let r = a
                .client
                .post_signed(
                    "/journal/export",
                    &csrf,
                    &[("format", "json"), ("passphrase", "wrong one")],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
            let r = a
                .client
                .post_signed(
                    "/journal/export",
                    &csrf,
                    &[("format", "json"), ("passphrase", PP)],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            let day = closer_store::day_of(st.now_secs(), 0);
            assert_eq!(
                r.headers["content-disposition"].to_str().unwrap(),
                format!("attachment; filename=\"notes-{day}.json\"")
            );
            let ex = closer_store::Export::parse(&r.body, "export").unwrap();
            assert_eq!(ex.entries.len(), 1);
            assert_eq!(ex.entries[0].data.note.as_deref(), Some("export words"));
            let r = a
                .client
                .post_signed(
                    "/journal/export",
                    &csrf,
                    &[("format", "csv"), ("passphrase", PP)],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(
                r.headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .ends_with(".csv\"")
            );
            let moves = closer_domain::moves_csv::parse(&r.body, "csv").unwrap();
            assert_eq!(moves.moves.len(), 1);
            assert!(
                !r.body.contains("export words"),
                "the moves file holds no note"
            );
        });
    }
}

#[test]
fn another_persons_private_entries_never_change_my_pages() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "jdiff") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let mut b = sign_up(&app, &st, "another passphrase here").await;
            let (ca, cb) = (a.csrf.clone(), b.csrf.clone());
            b.client
                .post_signed(
                    "/journal/new",
                    &cb,
                    &[("move", "reach"), ("note", "b's own")],
                )
                .await;
            let pages = ["/journal", "/journal/new", "/journal/patterns"];
            let mut before = Vec::new();
            for p in pages {
                let r = b.client.get(p).await;
                before.push((r.status, without_csrf(&r.body, &cb)));
            }
            for i in 0..12 {
                let r = a
                    .client
                    .post_signed(
                        "/journal/new",
                        &ca,
                        &[("move", "withdraw"), ("note", &format!("a private {i}"))],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK);
            }
            for (p, (status, body)) in pages.iter().zip(&before) {
                let r = b.client.get(p).await;
                assert_eq!(r.status, *status, "{name} {p}");
                assert_eq!(&without_csrf(&r.body, &cb), body, "{name} {p}");
            }
            // B cannot reach A's entries by their ids: the same 404 as an unknown id, and A's
            // entry is untouched.
            let a_ids = entry_ids(&a.client.get("/journal").await.body);
            for path in ["/journal/change", "/journal/earlier", "/journal/delete"] {
                let r = b.client.post_signed(path, &cb, &[("id", &a_ids[0])]).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{name} {path}");
                assert!(!r.body.contains("a private"), "{name} {path}");
            }
            let r = b
                .client
                .post_signed(
                    "/journal/save",
                    &cb,
                    &[("id", &a_ids[0]), ("move", "repair")],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{name}");
            assert_eq!(entry_ids(&a.client.get("/journal").await.body), a_ids);
            assert!(a.client.get("/journal").await.body.contains("a private 11"));
        });
    }
}

/// A session that expires between two sweeps (the sweep runs at most once a minute) is ended
/// by the request that finds it expired; that request also runs the session-end hooks: the
/// session's cache slot goes, its row is gone, and its person's key leaves memory.
#[test]
fn a_session_that_expires_between_sweeps_still_drops_its_cache() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "jexpire") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let ended = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
            let e2 = ended.clone();
            st.on_session_end(move |person, _| e2.lock().unwrap().push(person.to_string()));
            let mut a = sign_up(&app, &st, PP).await;
            let mut b = sign_up(&app, &st, "another person's words").await;
            assert_eq!(a.client.get("/journal").await.status, StatusCode::OK);
            assert_eq!(b.client.get("/journal").await.status, StatusCode::OK);
            assert_eq!(st.journal.sessions(), 2, "{name}");
            // B's request sweeps 10 s before A's session expires (A is still open then).
            st.advance_clock(15 * 60 - 10);
            assert_eq!(b.client.get("/journal").await.status, StatusCode::OK);
            assert!(
                ended.lock().unwrap().is_empty(),
                "{name}: nothing ended yet"
            );
            // 20 s later A's session has expired, and the next sweep is 40 s away.
            st.advance_clock(20);
            let r = a.client.get("/journal").await;
            assert_eq!(r.location(), Some("/login"), "{name}");
            assert_eq!(ended.lock().unwrap().len(), 1, "{name}: the hooks ran");
            let person = ended.lock().unwrap()[0].clone();
            let store = st.store().unwrap();
            assert_eq!(
                st.journal.sessions(),
                1,
                "{name}: A's slot is gone, B's kept"
            );
            assert_eq!(store.session_count(&person).await.unwrap(), 0, "{name}");
            assert!(!store.holds_key(&person), "{name}: the key left memory");
            assert_eq!(b.client.get("/journal").await.status, StatusCode::OK);
        });
    }
}

/// `YYYY-MM-DDTHH:MM` in UTC, as a browser's date-and-time field sends it.
fn utc_minute(t: u64) -> String {
    let (days, secs) = (i64::try_from(t / 86_400).unwrap(), t % 86_400);
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// "This happened earlier": `/day` and `/note` take an optional date and time (empty is now),
/// never more than a minute ahead, and a bad one is named with what was expected; the
/// check-in's 0–10 rule is the store's, named the same way.
#[test]
fn a_check_in_and_a_record_can_be_dated_earlier_never_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "jearlier") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            for path in ["/day", "/note"] {
                let f = a.client.get(path).await;
                assert!(
                    f.body.contains("name=\"at\" type=\"datetime-local\" step=\"60\" autocomplete=\"off\""),
                    "{name}: {path}"
                );
            }
            let now = st.now();
            let earlier = utc_minute(now - 7200);
            let earlier_at = i64::try_from((now - 7200) / 60 * 60).unwrap();
            let ahead = utc_minute(now + 600);
            let store = st.store().unwrap();
            let (who, key) = store.sign_in(&a.username, PP).await.unwrap();
            store.insert_key(&who, key);
            // Refused, named, nothing kept: the future, words, a number off the scale.
            for (fields, want) in [
                (
                    vec![("closeness", "5"), ("at", ahead.as_str())],
                    format!("at: expected a time that is not in the future, found &quot;{ahead}&quot;"),
                ),
                (
                    vec![("closeness", "5"), ("at", "yesterday")],
                    "at: expected a time such as".to_string(),
                ),
                (
                    vec![("distress", "12")],
                    "distress: expected a whole number from 0 to 10, or nothing, found &quot;12&quot;"
                        .to_string(),
                ),
            ] {
                let r = a.client.post_signed("/day", &csrf, &fields).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {fields:?}");
                assert!(r.body.contains("role=\"alert\""), "{name}");
                assert!(r.body.contains(&want), "{name}: {want}");
            }
            assert!(store.checkins(&who).await.unwrap().is_empty(), "{name}");
            // Earlier, and empty (now).
            let r = a
                .client
                .post_signed("/day", &csrf, &[("closeness", "5"), ("at", &earlier)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
            let r = a
                .client
                .post_signed("/day", &csrf, &[("safety", "8"), ("at", "")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            let kept = store.checkins(&who).await.unwrap();
            assert_eq!(kept.len(), 2, "{name}");
            assert_eq!(kept[0].data.at, earlier_at, "{name}: the earlier time");
            assert_eq!(kept[0].data.closeness, Some(5));
            assert!(kept[1].data.at >= i64::try_from(now).unwrap(), "{name}: empty is now");
            // The private record: the same field, the same rule.
            let r = a
                .client
                .post_signed("/note", &csrf, &[("text", "what happened"), ("at", &ahead)])
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(r.body.contains("not in the future"), "{name}");
            assert!(store.incidents(&who).await.unwrap().is_empty(), "{name}");
            let r = a
                .client
                .post_signed("/note", &csrf, &[("text", "what happened"), ("at", &earlier)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            let inc = store.incidents(&who).await.unwrap();
            assert_eq!(inc.len(), 1, "{name}");
            assert_eq!(inc[0].data.at, earlier_at, "{name}");
            assert!(
                inc[0].data.recorded_at >= i64::try_from(now).unwrap(),
                "{name}: recorded now"
            );
        });
    }
}

/// The list shows the way tried by its label, never its raw value.
#[test]
fn the_list_names_the_way_tried_by_its_label() {
    let dir = tempfile::tempdir().unwrap();
    let (app, st) = app_on(Some(databases(dir.path(), "jway").remove(0).1));
    rt().block_on(async {
        let mut a = sign_up(&app, &st, PP).await;
        let csrf = a.csrf.clone();
        let r = a
            .client
            .post_signed(
                "/journal/new",
                &csrf,
                &[("move", "reach"), ("way", "pause"), ("note", "n")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let list = a.client.get("/journal").await;
        let want = closer_web::html::label("jr.way.pause");
        assert!(!want.is_empty() && want != "pause");
        assert!(
            list.body.contains(&format!("<dd>{want}</dd>")),
            "{}",
            list.body
        );
        assert!(!list.body.contains("<dd>pause</dd>"));
        // The form's choices carry the labels too, with the raw values as values.
        let f = a.client.get("/journal/new").await;
        assert!(
            f.body
                .contains(&format!("<option value=\"pause\">{want}</option>"))
        );
    });
}

#[test]
fn the_clock_in_the_stores_signed_seconds_never_wraps_into_the_past() {
    rt().block_on(async {
        let (_app, st) = app_on(None);
        let before = i64::try_from(st.now()).unwrap();
        let secs = st.now_secs();
        assert!((before..=before + 1).contains(&secs), "{before} {secs}");
        // A clock past i64::MAX seconds (only a skew can make one) once wrapped to a negative
        // time, before 1970; now it stays at the latest time the store can hold.
        st.advance_clock(i64::MAX);
        assert!(st.now() > u64::try_from(i64::MAX).unwrap());
        assert_eq!(st.now_secs(), i64::MAX);
    });
}
