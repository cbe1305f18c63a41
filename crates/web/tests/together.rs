//! Two people and a therapist's view through the pages (issue 15, journeys 3 and 4 as handler
//! tests), on SQLite and, when `TEST_DATABASE_URL` is set, PostgreSQL.

mod support;

use axum::http::{StatusCode, header};
use closer_domain::MoveType;
use closer_store::{Audience, NewCheckIn, NewEntry, Store};
use std::sync::Arc;
use support::*;

const PP_A: &str = "the first person's passphrase";
const PP_B: &str = "the second person's passphrase";
const PP_N: &str = "a third person who never links";

async fn same(b: &mut Person, base: &str, label: &str) {
    let now = seen(&b.client.get("/together").await, &b.csrf);
    assert_eq!(now, base, "{label}: B's page changed");
}

fn entry(at: i64, m: MoveType, feeling: &str, note: Option<&str>) -> NewEntry {
    NewEntry {
        at,
        move_type: Some(m),
        feelings: vec![feeling.into()],
        note: note.map(str::to_string),
        ..NewEntry::default()
    }
}

#[test]
fn invitations_need_the_passphrase_and_link_two_people() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "invite") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            let page = a.client.get("/together").await;
            assert_eq!(page.status, StatusCode::OK, "{name}");
            assert!(page.body.contains("name=\"passphrase\""));
            assert!(page.body.contains("name=\"code\""));
            let r = a
                .client
                .post_signed("/together/invite", &a.csrf, &[("passphrase", "wrong")])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let r = a
                .client
                .post_signed("/together/invite", &a.csrf, &[("passphrase", PP_A)])
                .await;
            let code = r.by_id("invite-code").unwrap();
            assert_eq!(code.replace('-', "").len(), 26);
            // Shown once: the page after does not hold it.
            assert!(!a.client.get("/together").await.body.contains(&code));
            let r = b
                .client
                .post_signed(
                    "/together/accept",
                    &b.csrf,
                    &[("code", &code), ("passphrase", "no")],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let r = b
                .client
                .post_signed(
                    "/together/accept",
                    &b.csrf,
                    &[
                        ("code", "abcde-abcde-abcde-abcde-abcde-a"),
                        ("passphrase", PP_B),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(!r.body.contains("You are linked"));
            link(&mut a, &mut b).await;
            for p in [&mut a, &mut b] {
                let r = p.client.get("/together").await;
                assert!(r.body.contains("You are linked"), "{name}");
                assert!(!r.body.contains("name=\"code\""));
            }
        });
    }
}

#[test]
fn coercion_events_never_reach_the_partner() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "coercion") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            let mut n = sign_up(&app, &st, PP_N).await;
            let never = seen(&n.client.get("/together").await, &n.csrf);
            let b_alone = seen(&b.client.get("/together").await, &b.csrf);
            assert_eq!(
                b_alone,
                never.clone(),
                "{name}: two never-linked pages are alike"
            );
            link(&mut a, &mut b).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let ids = s
                .add_entries(
                    &pa,
                    &[entry(
                        1_772_400_600,
                        MoveType::Reach,
                        "lonely",
                        Some("mine only"),
                    )],
                    1,
                )
                .await
                .unwrap();
            let two = s
                .add_entries(
                    &pa,
                    &[entry(1_772_500_600, MoveType::Repair, "hopeful", None)],
                    1,
                )
                .await
                .unwrap();
            for id in [&ids[0], &two[0]] {
                let r = a
                    .client
                    .post_signed(
                        "/together/share",
                        &a.csrf,
                        &[("entry", id), ("action", "share")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER);
            }
            let base = b.client.get("/together").await;
            assert!(base.body.contains("lonely") && base.body.contains("hopeful"));
            assert!(!base.body.contains("mine only"), "a note is never shown");
            assert!(base.headers.get(header::ETAG).is_none());
            assert!(base.headers.get(header::LAST_MODIFIED).is_none());
            let base = seen(&base, &b.csrf);
            // Private entries, and a note edited on a shared entry.
            for i in 0..10 {
                s.add_entries(
                    &pa,
                    &[entry(
                        1_772_400_000 + i,
                        MoveType::Withdraw,
                        "numb",
                        Some("private"),
                    )],
                    2,
                )
                .await
                .unwrap();
            }
            same(&mut b, &base, "private entries").await;
            s.edit_entry(
                &pa,
                &ids[0],
                &closer_store::EntryEdit {
                    note: Some(Some("edited later".into())),
                    ..Default::default()
                },
                3,
            )
            .await
            .unwrap();
            same(&mut b, &base, "an edited note").await;
            s.add_checkin(
                &pa,
                &NewCheckIn {
                    at: 5,
                    safety: Some(1),
                    ..Default::default()
                },
                5,
            )
            .await
            .unwrap();
            same(&mut b, &base, "a check-in").await;
            // A therapist link, made, tagged and opened.
            let r = a
                .client
                .post_signed(
                    "/links/new",
                    &a.csrf,
                    &[("name", "Dr R"), ("days", "14"), ("passphrase", PP_A)],
                )
                .await;
            let address = r.by_id("link-address").unwrap();
            let link_id = s.therapist_links(&pa).await.unwrap()[0].id.clone();
            a.client
                .post_signed(
                    "/links/tag",
                    &a.csrf,
                    &[("link", &link_id), ("entry", &ids[0]), ("action", "on")],
                )
                .await;
            let mut t = Client::new(&app, &st);
            let path = address.split_once("9999").unwrap().1.to_string();
            assert_eq!(t.get(&path).await.status, StatusCode::SEE_OTHER);
            assert_eq!(t.get("/v").await.status, StatusCode::OK);
            same(&mut b, &base, "a therapist link").await;
            // Recovery codes regenerated, then the passphrase changed.
            let r = a
                .client
                .post_signed("/me/codes", &a.csrf, &[("passphrase", PP_A)])
                .await;
            assert!(r.status.as_u16() < 400, "{}", r.status);
            same(&mut b, &base, "recovery codes").await;
            let r = a
                .client
                .post_signed(
                    "/me/passphrase",
                    &a.csrf,
                    &[
                        ("passphrase", PP_A),
                        ("new_passphrase", "a changed passphrase here"),
                    ],
                )
                .await;
            assert!(r.status.as_u16() < 400, "{}", r.status);
            same(&mut b, &base, "a passphrase change").await;
            // Sharing a check-in is refused by the store, through the page as well.
            let checkin = s.checkins(&pa).await.unwrap()[0].id.clone();
            assert!(matches!(
                s.share_entry(&pa, &checkin, &Audience::Partner).await,
                Err(closer_store::Error::NotFound(_))
            ));
            if let Some(c) = r.hidden("csrf") {
                a.csrf = c;
            }
            let r = a
                .client
                .post_signed(
                    "/together/share",
                    &a.csrf,
                    &[("entry", &checkin), ("action", "share")],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{name}");
            same(&mut b, &base, "a refused check-in").await;

            // Withdrawing one removes exactly that entry's block, with no mark in its place.
            let before = b.client.get("/together").await.body;
            let gone = s
                .shared_with_me(&person_id(&s, &b).await)
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.id == two[0])
                .unwrap();
            let r = a
                .client
                .post_signed(
                    "/together/share",
                    &a.csrf,
                    &[("entry", &two[0]), ("action", "withdraw")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let after = b.client.get("/together").await.body;
            let block = closer_web::together::shared_entry(&gone);
            assert_eq!(after, before.replacen(&block, "", 1), "{name}");
            assert!(after.contains("lonely") && !after.contains("hopeful"));

            // The screen before unlinking, then unlinking: B's page is a never-linked page.
            let r = a
                .client
                .post_signed("/together/check", &a.csrf, &[("change", "unlink")])
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("action=\"/together/unlink\""));
            assert!(r.body.contains("next time they open"));
            assert!(r.body.contains("withdraw one entry"));
            let r = a.client.post_signed("/together/unlink", &a.csrf, &[]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            assert_eq!(
                seen(&b.client.get("/together").await, &b.csrf),
                never,
                "{name}"
            );
        });
    }
}

#[test]
fn a_therapist_link_works_in_one_browser_and_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "links") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let mut make = async |name: &str, days: &str| {
                let r = a
                    .client
                    .post_signed(
                        "/links/new",
                        &a.csrf,
                        &[("name", name), ("days", days), ("passphrase", PP_A)],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK);
                let address = r.by_id("link-address").unwrap();
                address.split_once("9999").unwrap().1.to_string()
            };
            let p1 = make("L1", "14").await;
            let p2 = make("L2", "2").await;
            let links = s.therapist_links(&pa).await.unwrap();
            let id = |n: &str| links.iter().find(|l| l.name == n).unwrap().id.clone();
            let ids = s
                .add_entries(
                    &pa,
                    &[
                        entry(1_772_400_600, MoveType::Reach, "amber", Some("never shown")),
                        entry(1_772_401_600, MoveType::Withdraw, "cedar", None),
                        entry(1_772_402_600, MoveType::Repair, "dahlia", None),
                    ],
                    1,
                )
                .await
                .unwrap();
            for (l, e) in [("L1", &ids[0]), ("L1", &ids[1]), ("L2", &ids[2])] {
                let r = a
                    .client
                    .post_signed(
                        "/links/tag",
                        &a.csrf,
                        &[("link", &id(l)), ("entry", e), ("action", "on")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER);
            }
            // The first browser: the token is exchanged and the address no longer holds it.
            let mut t1 = Client::new(&app, &st);
            let r = t1.get(&p1).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            assert_eq!(r.location(), Some("/v"));
            let sc = r.set_cookie().unwrap();
            assert!(
                sc.starts_with("__Host-v=") && sc.contains("Secure") && sc.contains("HttpOnly")
            );
            assert!(!sc.contains(p1.split("k=").nth(1).unwrap()));
            let view = t1.get("/v").await;
            assert_eq!(view.status, StatusCode::OK, "{name}");
            assert_eq!(view.body.matches("<dl class=\"entry\">").count(), 2);
            assert!(view.body.contains("amber") && view.body.contains("cedar"));
            assert!(!view.body.contains("dahlia") && !view.body.contains("never shown"));
            assert!(view.body.contains("not enough yet"));
            assert!(view.body.contains("noindex"));
            assert!(view.body.contains("id=\"quick-exit\""));
            let frozen = seen(&view, "-");
            // Ten new private entries leave the view as it was.
            for i in 0..10 {
                s.add_entries(
                    &pa,
                    &[entry(1_772_403_600 + i, MoveType::Reach, "private", None)],
                    2,
                )
                .await
                .unwrap();
            }
            assert_eq!(seen(&t1.get("/v").await, "-"), frozen, "{name}");
            // A second browser is refused, and the owner sees it.
            let mut t2 = Client::new(&app, &st);
            let refused = t2.get(&p1).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND);
            assert!(
                a.client
                    .get("/links")
                    .await
                    .body
                    .contains("Opened in another browser, refused")
            );
            assert_eq!(seen(&t1.get("/v").await, "-"), frozen);
            let mut t3 = Client::new(&app, &st);
            assert_eq!(t3.get(&p2).await.status, StatusCode::SEE_OTHER);
            assert_eq!(t3.get("/v").await.status, StatusCode::OK);

            // Revoked L1, expired L2 (the test clock), an unknown token: one answer.
            let r = a
                .client
                .post_signed("/links/revoke", &a.csrf, &[("link", &id("L1"))])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            st.advance_clock(3 * 86_400);
            let revoked = t1.get("/v").await;
            let expired = t3.get("/v").await;
            let unknown = Client::new(&app, &st)
                .get("/v?k=0123456789abcdef0123456789abcdef01234567")
                .await;
            let no_cookie = Client::new(&app, &st).get("/v").await;
            let again = Client::new(&app, &st).get(&p1).await;
            for r in [&expired, &unknown, &no_cookie, &again, &refused] {
                assert_eq!(seen(r, "-"), seen(&revoked, "-"), "{name}");
            }
            assert_eq!(revoked.status, StatusCode::NOT_FOUND);
        });
    }
}

/// The part of a page inside `<section id="ID">`.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    let i = body
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("section {id}"));
    let rest = &body[i..];
    &rest[..rest.find("</section>").unwrap()]
}

/// Both share lists of the partner page go a page at a time (newest first), every entry on
/// exactly one page; "Stop sharing every entry" and "Unlink" are secondary buttons, quieter
/// than withdrawing one entry.
#[test]
fn share_lists_are_paginated_and_the_bigger_steps_are_quieter() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "tpages") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            link(&mut a, &mut b).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let per = closer_store::SHARES_PER_PAGE;
            let n = 2 * per + 5;
            let many: Vec<NewEntry> = (0..n)
                .map(|i| {
                    entry(
                        1_760_000_000 + i64::try_from(i).unwrap() * 86_400,
                        MoveType::Reach,
                        "lonely",
                        None,
                    )
                })
                .collect();
            let ids = s.add_entries(&pa, &many, 1).await.unwrap();
            for id in &ids[..per + 3] {
                s.share_entry(&pa, id, &Audience::Partner).await.unwrap();
            }
            // Mine: three pages of share controls, the newest first.
            let mut seen_ids = Vec::new();
            for (page, want) in [(1, per), (2, per), (3, 5)] {
                let path = if page == 1 {
                    "/together".to_string()
                } else {
                    format!("/together?mine={page}")
                };
                let r = a.client.get(&path).await;
                assert_eq!(r.status, StatusCode::OK, "{name}");
                let mine = section(&r.body, "mine");
                let forms: Vec<&str> = mine.split("name=\"entry\" value=\"").skip(1).collect();
                assert_eq!(forms.len(), want, "{name}: page {page}");
                for f in forms {
                    seen_ids.push(f[..f.find('"').unwrap()].to_string());
                }
                assert!(
                    mine.contains(&format!("{page} of 3"))
                        || mine.contains(&format!("{page} {} 3", closer_web::html::label("jr.of"))),
                    "{name}: {mine}"
                );
                if page < 3 {
                    assert!(mine.contains(&format!("href=\"/together?mine={}\"", page + 1)));
                }
            }
            assert_eq!(seen_ids.first(), ids.last(), "{name}: newest first");
            seen_ids.sort();
            let mut all = ids.clone();
            all.sort();
            assert_eq!(seen_ids, all, "{name}: every entry on exactly one page");
            // A share from page 2 comes back to page 2.
            let r = a
                .client
                .post_signed(
                    "/together/share",
                    &a.csrf,
                    &[("entry", &ids[per]), ("action", "withdraw"), ("mine", "2")],
                )
                .await;
            assert_eq!(r.location(), Some("/together?mine=2"), "{name}");
            s.share_entry(&pa, &ids[per], &Audience::Partner)
                .await
                .unwrap();
            // Theirs: what A shared, two pages for B, each shared entry once.
            let p1 = b.client.get("/together").await;
            let t1 = section(&p1.body, "theirs");
            assert_eq!(t1.matches("<dl class=\"entry\">").count(), per, "{name}");
            assert!(t1.contains("href=\"/together?theirs=2\""), "{name}");
            let p2 = b.client.get("/together?theirs=2").await;
            let t2 = section(&p2.body, "theirs");
            assert_eq!(t2.matches("<dl class=\"entry\">").count(), 3, "{name}");
            assert!(
                t2.contains("href=\"/together\""),
                "{name}: back to the newest"
            );
            // The bigger steps are secondary; withdrawing one entry (the oldest page holds
            // shared ones) is the plain button.
            let r = a.client.get("/together?mine=3").await;
            for change in ["stop", "unlink"] {
                let i = r
                    .body
                    .find(&format!("name=\"change\" value=\"{change}\""))
                    .unwrap();
                let rest = &r.body[i..];
                let button = &rest[rest.find("<button").unwrap()..rest.find("</button>").unwrap()];
                assert!(button.contains("class=\"secondary\""), "{name}: {button}");
            }
            let i = r.body.find("name=\"action\" value=\"withdraw\"").unwrap();
            let rest = &r.body[i..];
            let button = &rest[rest.find("<button").unwrap()..rest.find("</button>").unwrap()];
            assert!(!button.contains("secondary"), "{name}: {button}");
        });
    }
}
