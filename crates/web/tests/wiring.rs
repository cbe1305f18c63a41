//! The web app's parts wired together (issue 15): the journal, the partner page and the
//! account page link to each other; sign-up and sign-in land on the journal; the passphrase
//! change and the deletion pass through the screen that says what the other person may
//! notice; the daily check-in and the private record. On SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod support;

use axum::http::StatusCode;
use support::*;

const PP: &str = "correct horse battery";

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
            assert!(
                links(&me.body).iter().any(|(h, _)| h == "/journal"),
                "{name}"
            );
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

/// The attribute `action` of every form on a page.
fn actions(body: &str) -> Vec<String> {
    body.split("<form ")
        .skip(1)
        .filter_map(|p| {
            let i = p.find("action=\"")? + 8;
            Some(p[i..i + p[i..].find('"')?].to_string())
        })
        .collect()
}

#[test]
fn a_passphrase_change_and_a_deletion_pass_through_the_screen_before() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "wbefore") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let me = a.client.get("/me").await;
            // The account page makes neither change itself: its forms go to the screen before.
            let acts = actions(&me.body);
            assert!(
                !acts.iter().any(|x| x == "/me/passphrase"),
                "{name}: {acts:?}"
            );
            assert!(!acts.iter().any(|x| x == "/me/delete"), "{name}: {acts:?}");
            assert!(me.body.contains("name=\"change\" value=\"passphrase\""));
            assert!(me.body.contains("name=\"change\" value=\"delete\""));
            // Both go through the screen before, on the account's own path.
            assert_eq!(
                acts.iter().filter(|x| *x == "/me/check").count(),
                2,
                "{name}: {acts:?}"
            );
            assert!(!acts.iter().any(|x| x.starts_with("/together")), "{name}");
            for change in ["passphrase", "delete"] {
                let r = a
                    .client
                    .post_signed("/together/check", &a.csrf, &[("change", change)])
                    .await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {change}");
            }
            // The screen before a passphrase change: what can be noticed, the quieter step,
            // where to plan, one form that continues and asks both passphrases in it.
            let r = a
                .client
                .post_signed("/me/check", &a.csrf, &[("change", "passphrase")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.body.contains("ends your other open sessions"), "{name}");
            assert!(r.body.contains("A quieter step"), "{name}");
            let form = &r.body[r.body.find("action=\"/me/passphrase\"").expect("continues")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(
                form.contains("name=\"passphrase\" type=\"password\""),
                "{name}"
            );
            assert!(form.contains("name=\"new_passphrase\""), "{name}");
            assert!(form.contains("name=\"csrf\""), "{name}");
            assert_eq!(form.matches("type=\"submit\"").count(), 1, "one tap");
            assert!(
                r.body.contains("href=\"/me\""),
                "{name}: back to the account"
            );
            // Continuing with the passphrase changes it; without it, nothing changes.
            let no = a
                .client
                .post_signed(
                    "/me/passphrase",
                    &a.csrf,
                    &[("new_passphrase", "a changed passphrase")],
                )
                .await;
            assert_eq!(no.status, StatusCode::FORBIDDEN, "{name}");
            let ok = a
                .client
                .post_signed(
                    "/me/passphrase",
                    &a.csrf,
                    &[
                        ("passphrase", PP),
                        ("new_passphrase", "a changed passphrase"),
                    ],
                )
                .await;
            assert_eq!(ok.status, StatusCode::OK, "{name}");
            let mut b = Client::new(&app, &st);
            let r = b
                .post_anon(
                    "/login",
                    &[
                        ("username", &a.username),
                        ("passphrase", "a changed passphrase"),
                    ],
                )
                .await;
            assert_eq!(
                r.location(),
                Some("/journal"),
                "{name}: the new passphrase works"
            );
            // The screen before a deletion, then the deletion from its form.
            let r = a
                .client
                .post_signed("/me/check", &a.csrf, &[("change", "delete")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.body.contains("erases everything of yours"), "{name}");
            let form = &r.body[r.body.find("action=\"/me/delete\"").expect("continues")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(
                form.contains("name=\"passphrase\" type=\"password\""),
                "{name}"
            );
            assert_eq!(form.matches("type=\"submit\"").count(), 1, "one tap");
            // The screen itself changed nothing.
            assert_eq!(a.client.get("/me").await.status, StatusCode::OK, "{name}");
            let gone = a
                .client
                .post_signed(
                    "/me/delete",
                    &a.csrf,
                    &[("passphrase", "a changed passphrase")],
                )
                .await;
            assert_eq!(gone.status, StatusCode::OK, "{name}");
            assert_eq!(
                a.client.get("/me").await.location(),
                Some("/login"),
                "{name}"
            );
            // An unknown change is refused.
            let mut c = sign_up(&app, &st, PP).await;
            let r = c
                .client
                .post_signed("/together/check", &c.csrf, &[("change", "everything")])
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}");
            for change in ["everything", "unlink", "stop"] {
                let r = c
                    .client
                    .post_signed("/me/check", &c.csrf, &[("change", change)])
                    .await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {change}");
            }
        });
    }
}

#[test]
fn a_daily_check_in_is_kept_for_its_owner_and_a_bad_number_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "wday") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let j = a.client.get("/journal").await;
            assert!(links(&j.body).iter().any(|(h, _)| h == "/day"), "{name}");
            let f = a.client.get("/day").await;
            assert_eq!(f.status, StatusCode::OK, "{name}");
            let form = &f.body[f.body.find("action=\"/day\"").expect("the form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("name=\"csrf\""), "{name}");
            for field in ["closeness", "distress", "safety", "note"] {
                assert!(
                    form.contains(&format!("name=\"{field}\"")),
                    "{name}: {field}"
                );
            }
            for tag in ["<input", "<textarea"] {
                for part in form.split(tag).skip(1) {
                    let el = &part[..part.find('>').unwrap()];
                    assert!(
                        el.contains("type=\"hidden\"") || el.contains("autocomplete=\"off\""),
                        "{name}: {tag}{el}"
                    );
                }
            }
            // A number out of range is named and nothing is kept.
            let bad = a
                .client
                .post_signed("/day", &a.csrf, &[("closeness", "12")])
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(bad.body.contains("0 to 10"), "{name}");
            // A check-in with two answers and a note.
            let ok = a
                .client
                .post_signed(
                    "/day",
                    &a.csrf,
                    &[
                        ("closeness", "7"),
                        ("distress", ""),
                        ("safety", "9"),
                        ("note", "canary-day-41 a calm evening"),
                    ],
                )
                .await;
            assert_eq!(ok.status, StatusCode::OK, "{name}");
            assert!(ok.body.contains("Check-in kept"), "{name}");
            // Without the session's csrf: 403, nothing kept.
            let forged = a.client.post_raw("/day", &[("closeness", "1")]).await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN, "{name}");
            let store = st.store().unwrap();
            let (who, key) = store.sign_in(&a.username, PP).await.unwrap();
            store.insert_key(&who, key);
            let kept = store.checkins(&who).await.unwrap();
            assert_eq!(kept.len(), 1, "{name}");
            assert_eq!(kept[0].data.closeness, Some(7));
            assert_eq!(kept[0].data.distress, None);
            assert_eq!(kept[0].data.safety, Some(9));
            assert_eq!(
                kept[0].data.note.as_deref(),
                Some("canary-day-41 a calm evening")
            );
            // Nobody else sees it: another person's journal and partner page do not hold it.
            let mut b = sign_up(&app, &st, PP).await;
            for path in ["/journal", "/together", "/day"] {
                let r = b.client.get(path).await;
                assert!(!r.body.contains("canary-day-41"), "{name}: {path}");
            }
        });
    }
}

/// Walks the first home choice into the help for someone afraid, to the step that offers a
/// private record; returns that page.
async fn the_record_step(c: &mut Client) -> String {
    let r = c.post_anon("/walk", &[("flow", "1")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let s = r.hidden("s").unwrap();
    let mut r = c.post_anon("/walk", &[("s", &s), ("go", "afraid")]).await;
    for _ in 0..60 {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        if r.body.contains("data-kind=\"private-record\"") {
            return r.body;
        }
        let s = r.hidden("s").unwrap();
        let go = if r.body.contains("name=\"go\" value=\"next\"") {
            "next"
        } else {
            "skip"
        };
        r = c.post_anon("/walk", &[("s", &s), ("go", go)]).await;
    }
    panic!("the fear path offers a private record");
}

#[test]
fn the_fear_path_links_to_the_private_record_which_is_never_shared_nor_counted() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "wnote") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            // Without a session the step shows its words alone.
            let mut anon = Client::new(&app, &st);
            let page = the_record_step(&mut anon).await;
            assert!(!page.contains("href=\"/note\""), "{name}");
            // Linked A and B; A reaches the step signed in and gets the link.
            let mut a = sign_up(&app, &st, PP).await;
            let mut b = sign_up(&app, &st, PP).await;
            link(&mut a, &mut b).await;
            let page = the_record_step(&mut a.client).await;
            assert!(page.contains("href=\"/note\""), "{name}");
            // The journal's landing page never offers it.
            let j = a.client.get("/journal").await;
            assert!(!j.body.contains("href=\"/note\""), "{name}");
            assert!(!links(&j.body).iter().any(|(h, _)| h == "/note"), "{name}");
            // The record page: one form, csrf, autocomplete off.
            let f = a.client.get("/note").await;
            assert_eq!(f.status, StatusCode::OK, "{name}");
            assert!(f.body.contains("never shared"), "{name}");
            // The journal's menu, as on the other signed-in pages: the way back to the journal.
            let menu = links(&f.body);
            for to in ["/journal", "/journal/new", "/day", "/m", "/together", "/me"] {
                assert!(
                    menu.iter().any(|(h, _)| h == to),
                    "{name}: /note links to {to}: {menu:?}"
                );
            }
            assert!(f.body.contains("<nav class=\"jr-nav\">"), "{name}");
            let form = &f.body[f.body.find("action=\"/note\"").expect("the form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("name=\"csrf\""), "{name}");
            assert!(form.contains("name=\"text\" rows=\"8\" autocomplete=\"off\""));
            let before_b = b.client.get("/together").await.body.replace(&b.csrf, "C");
            let before_patterns = a.client.get("/journal/patterns").await.body;
            // Nothing written, nothing kept.
            let empty = a
                .client
                .post_signed("/note", &a.csrf, &[("text", "  ")])
                .await;
            assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(empty.body.contains("<nav class=\"jr-nav\">"), "{name}");
            let text = "canary-record-93 what was said at the door";
            let ok = a
                .client
                .post_signed("/note", &a.csrf, &[("text", text)])
                .await;
            assert_eq!(ok.status, StatusCode::OK, "{name}");
            assert!(ok.body.contains("never counted"), "{name}");
            let store = st.store().unwrap();
            let (who, key) = store.sign_in(&a.username, PP).await.unwrap();
            store.insert_key(&who, key);
            let kept = store.incidents(&who).await.unwrap();
            assert_eq!(kept.len(), 1, "{name}");
            assert_eq!(kept[0].data.text, text);
            // Never shared: the partner's page is unchanged; never counted: my patterns and
            // my journal list are unchanged, and nothing of it is in them.
            let after_b = b.client.get("/together").await.body.replace(&b.csrf, "C");
            assert_eq!(before_b, after_b, "{name}");
            let after_patterns = a.client.get("/journal/patterns").await.body;
            assert_eq!(before_patterns, after_patterns, "{name}");
            assert!(
                !a.client
                    .get("/journal")
                    .await
                    .body
                    .contains("canary-record-93")
            );
        });
    }
}

/// The web addresses in a page's `<main>`, each with whether it is a link to itself without a
/// referrer (`<a href="ADDR" rel="noreferrer">ADDR</a>`).
fn addresses(body: &str) -> Vec<(String, bool)> {
    let main = &body[body.find("<main").unwrap()..body.find("</main>").unwrap()];
    let mut out = Vec::new();
    let mut rest = main;
    while let Some(i) = rest.find("https://").or_else(|| rest.find("http://")) {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c == '"' || c == '<' || c.is_whitespace())
            .unwrap_or(tail.len());
        let url = &tail[..end];
        let link = format!("<a href=\"{url}\" rel=\"noreferrer\">{url}</a>");
        let linked = rest[..i].ends_with("<a href=\"") && tail.starts_with(&link[9..]);
        out.push((url.to_string(), linked));
        // Past the link (its address appears twice in it) or past the bare address.
        rest = if linked {
            &tail[link.len() - 9..]
        } else {
            &tail[end..]
        };
    }
    out
}

#[test]
fn the_directory_is_a_link_on_the_screens_before_a_change_and_after_the_questions() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "wdir") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let csrf = a.csrf.clone();
            let mut pages = Vec::new();
            for (path, change) in [
                ("/me/check", "passphrase"),
                ("/me/check", "delete"),
                ("/together/check", "unlink"),
                ("/together/check", "stop"),
            ] {
                let r = a
                    .client
                    .post_signed(path, &csrf, &[("change", change)])
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{name}: {path} {change}");
                pages.push((format!("{path} {change}"), r.body));
            }
            // The private questions, answered "yes" throughout, without a session.
            let r = answer_questions(&mut Client::new(&app, &st), "yes").await;
            pages.push(("the questions' result".into(), r.body));
            for (what, body) in &pages {
                let found = addresses(body);
                assert!(
                    found
                        .iter()
                        .any(|(u, linked)| u == "https://findahelpline.com" && *linked),
                    "{name}: {what}: the directory is a link: {found:?}"
                );
                assert!(
                    found.iter().all(|(_, linked)| *linked),
                    "{name}: {what}: an address shown as text: {found:?}"
                );
            }
        });
    }
}
