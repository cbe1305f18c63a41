//! Print my record, import, the charts on my patterns page, and the therapist view's measures
//! and voice, end to end through the router, on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod support;

use axum::http::{StatusCode, header};
use closer_domain::MoveType;
use closer_store::{AssessmentData, NewCheckIn, NewEntry, Store};
use std::sync::Arc;
use support::*;

const PP: &str = "a record passphrase";

fn unesc(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of the `<pre>` with `id`, unescaped.
fn pre(body: &str, id: &str) -> String {
    let start = body.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
    let end = body[start..].find("</pre>").unwrap() + start;
    unesc(&body[start..end])
}

fn entry(at: i64, m: MoveType, note: Option<&str>) -> NewEntry {
    NewEntry {
        at,
        move_type: Some(m),
        feelings: vec!["tired".into()],
        note: note.map(str::to_string),
        ..NewEntry::default()
    }
}

#[test]
fn print_my_record_is_the_evidence_document_behind_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "print") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let note = "canary-print-51 <my words> & more\nsecond line";
            s.add_entries(
                &pa,
                &[entry(1_772_400_600, MoveType::Withdraw, Some(note))],
                1,
            )
            .await
            .unwrap();
            let csrf = a.csrf.clone();
            let c = &mut a.client;
            let form = c.get("/record").await;
            assert_eq!(form.status, StatusCode::OK, "{name}");
            assert!(form.body.contains("action=\"/record/print\""));
            assert!(form.body.contains("enctype=\"multipart/form-data\""));
            assert!(form.body.contains("4 MB"), "the limit is stated");
            // Without the passphrase (or with a wrong one): refused, nothing shown.
            for pp in ["", "not it"] {
                let r = c
                    .post_signed(
                        "/record/print",
                        &csrf,
                        &[("passphrase", pp), ("as", "page")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
                assert!(!r.body.contains("canary-print-51"));
            }
            let r = c
                .post_signed(
                    "/record/print",
                    &csrf,
                    &[("passphrase", PP), ("as", "page")],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
            assert_eq!(r.headers.get("x-robots-tag").unwrap(), "noindex, nofollow");
            assert!(
                r.body
                    .contains("<meta name=\"robots\" content=\"noindex, nofollow\">")
            );
            assert!(r.body.contains("id=\"quick-exit\""));
            let text = pre(&r.body, "record-text");
            let hash = r.by_id("record-hash").unwrap();
            // The page shows the document of `closer export --evidence` and its hash.
            let stamp = text
                .lines()
                .find_map(|l| l.strip_prefix("exported_at "))
                .unwrap()
                .to_string();
            let now = closer_domain::fields::parse_at("at", &stamp, i64::MAX / 2)
                .unwrap()
                .0;
            let doc = s
                .evidence(&pa, now)
                .await
                .unwrap()
                .document(&closer_guide::evidence::word);
            assert_eq!(text, doc.text, "{name}");
            assert_eq!(hash, doc.hash);
            assert!(text.contains("    │ canary-print-51 <my words> & more\n    │ second line\n"));
            assert!(text.contains("one person's own record"));
            let (above, _) = text.split_once("----\n").unwrap();
            assert_eq!(closer_store::evidence::sha256_hex(above), hash);
            // As a download under a neutral name.
            let f = c
                .post_signed(
                    "/record/print",
                    &csrf,
                    &[("passphrase", PP), ("as", "file")],
                )
                .await;
            assert_eq!(f.status, StatusCode::OK);
            let cd = f
                .headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap();
            assert!(
                cd.starts_with("attachment; filename=\"notes-") && cd.ends_with(".txt\""),
                "{cd}"
            );
            assert!(f.body.contains("canary-print-51 <my words> & more"));
            assert!(
                f.body
                    .starts_with(&closer_guide::evidence::word("evidence.title"))
            );
            assert_eq!(f.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
        });
    }
}

/// The JSON export of a person, through the page (`/journal/export`).
async fn export_json(p: &mut Person) -> String {
    let csrf = p.csrf.clone();
    let pp = p.passphrase.clone();
    let r = p
        .client
        .post_signed(
            "/journal/export",
            &csrf,
            &[("format", "json"), ("passphrase", &pp)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

/// Entries without their import mark, for comparing two journals.
async fn entries_of(s: &Store, owner: &str) -> Vec<closer_store::Entry> {
    let mut v = s.entries(owner, None).await.unwrap();
    for e in &mut v {
        e.data.imported_at = None;
    }
    v
}

#[test]
fn import_round_trips_refuses_clashes_and_bad_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let sources = databases(dir.path(), "imp_from");
    let mut targets = databases(dir.path(), "imp_to");
    // Export on one backend, import on the other (on SQLite only, into another SQLite file).
    targets.reverse();
    for ((from_name, from), (to_name, to)) in sources.into_iter().zip(targets) {
        rt().block_on(async {
            let what = format!("{from_name} -> {to_name}");
            let (app1, st1) = app_on(Some(from));
            let mut a = sign_up(&app1, &st1, PP).await;
            let s1 = st1.store().unwrap();
            let pa = person_id(&s1, &a).await;
            s1.add_entries(
                &pa,
                &[
                    entry(1_772_400_600, MoveType::Reach, Some("canary-import-1")),
                    entry(1_772_401_600, MoveType::Withdraw, None),
                ],
                1,
            )
            .await
            .unwrap();
            s1.add_checkin(
                &pa,
                &NewCheckIn {
                    at: 1_772_402_600,
                    offset_minutes: 0,
                    closeness: Some(5),
                    distress: None,
                    safety: Some(8),
                    note: None,
                },
                2,
            )
            .await
            .unwrap();
            let json = export_json(&mut a).await;

            let (app2, st2) = app_on(Some(to));
            let mut b = sign_up(&app2, &st2, PP).await;
            let s2 = st2.store().unwrap();
            let pb = person_id(&s2, &b).await;
            let csrf = b.csrf.clone();
            // No passphrase, or no csrf: refused, nothing written.
            let r = b
                .client
                .post_multipart(
                    "/record/import",
                    &[("csrf", None, &csrf), ("file", Some("notes.json"), &json)],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
            let r = b
                .client
                .post_multipart(
                    "/record/import",
                    &[
                        ("passphrase", None, PP),
                        ("file", Some("notes.json"), &json),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
            assert!(s2.entries(&pb, None).await.unwrap().is_empty());
            // The file, as a browser sends it.
            let r = b
                .client
                .post_multipart(
                    "/record/import",
                    &[
                        ("csrf", None, &csrf),
                        ("file", Some("notes.json"), &json),
                        ("json", None, ""),
                        ("passphrase", None, PP),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
            assert_eq!(
                r.by_id("imported").unwrap().trim_end().rsplit(' ').next(),
                Some("3")
            );
            assert_eq!(
                entries_of(&s2, &pb).await,
                entries_of(&s1, &pa).await,
                "{what}"
            );
            assert_eq!(s2.checkins(&pb).await.unwrap().len(), 1);
            assert!(
                s2.entries(&pb, None)
                    .await
                    .unwrap()
                    .iter()
                    .all(|e| e.data.imported_at.is_some()),
                "marked as brought in"
            );
            // The same file again: every record clashes; refused whole, the record named.
            let before = s2.entries(&pb, None).await.unwrap();
            let r = b
                .client
                .post_signed(
                    "/record/import",
                    &csrf,
                    &[("passphrase", PP), ("json", &json)],
                )
                .await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{what}");
            let id = &before[0].id;
            assert!(
                r.body
                    .contains("is already in this journal; nothing was imported"),
                "{}",
                r.body
            );
            assert!(
                before.iter().any(|e| r.body.contains(&e.id)),
                "names the record {id}"
            );
            assert_eq!(
                s2.entries(&pb, None).await.unwrap(),
                before,
                "nothing half-written"
            );
            // A bad file: the field named, nothing written.
            let bad = json.replacen("\"intensity\": null", "\"intensity\": 11", 1);
            assert_ne!(bad, json);
            let r = b
                .client
                .post_signed(
                    "/record/import",
                    &csrf,
                    &[("passphrase", PP), ("json", &bad)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(
                r.body.contains("entries[0].intensity: expected 0 to 10"),
                "{}",
                r.body
            );
            let r = b
                .client
                .post_signed(
                    "/record/import",
                    &csrf,
                    &[("passphrase", PP), ("json", "{\"format\": \"other\"}")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("field &quot;format&quot;"), "{}", r.body);
            let r = b
                .client
                .post_signed("/record/import", &csrf, &[("passphrase", PP), ("json", "")])
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(s2.entries(&pb, None).await.unwrap(), before);
            // Larger than the limit: 413, the limit named, not a 500.
            let big = "x".repeat(closer_web::record::IMPORT_LIMIT + 10);
            let r = b
                .client
                .post_multipart(
                    "/record/import",
                    &[
                        ("csrf", None, &csrf),
                        ("passphrase", None, PP),
                        ("json", None, &big),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
            assert!(r.body.contains("4 MB"));
            assert_eq!(s2.entries(&pb, None).await.unwrap(), before);
        });
    }
}

#[test]
fn my_patterns_page_draws_charts_only_from_their_minimums() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "charts") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let s = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let checkin = |at: i64, v: u8| NewCheckIn {
                at,
                offset_minutes: 0,
                closeness: Some(v),
                distress: Some(10 - v),
                safety: Some(7),
                note: None,
            };
            s.add_checkin(&pa, &checkin(1_772_400_000, 3), 1)
                .await
                .unwrap();
            s.add_checkin(&pa, &checkin(1_772_500_000, 4), 1)
                .await
                .unwrap();
            let r = a.client.get("/journal/patterns").await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(!r.body.contains("<svg"), "below the minimums, no chart");
            assert!(r.body.contains(
                "Not enough check-ins for a chart yet: 2 so far, and a chart starts at 3."
            ));
            assert!(r.body.contains(
                "Not enough episodes that ended in reconnecting for a chart yet: 0 so far"
            ));
            s.add_checkin(&pa, &checkin(1_772_600_000, 6), 1)
                .await
                .unwrap();
            // Twelve episodes of mine, each a reach met by a turn toward me, a day apart.
            for i in 0..12 {
                let t = 1_772_000_000 + i * 86_400;
                s.add_entries(
                    &pa,
                    &[
                        entry(t, MoveType::Reach, None),
                        NewEntry {
                            by: Some(closer_store::Actor::Partner),
                            ..entry(t + 1800, MoveType::TurnToward, None)
                        },
                    ],
                    2,
                )
                .await
                .unwrap();
            }
            let r = a.client.get("/journal/patterns").await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(
                r.body.matches("<svg role=\"img\" aria-label=\"").count(),
                2,
                "{name}"
            );
            assert!(r.body.contains("A chart of 3 check-ins over 3 days"));
            assert!(
                r.body
                    .contains("episodes from my own entries that ended in reconnecting, over ")
            );
            assert!(r.body.contains("<figcaption>"));
            assert!(
                !r.body.contains("illustration from") && !r.body.contains("from a model"),
                "a record, not the model"
            );
            // Inline SVG is allowed by the page's policy (no external request, no inline style).
            let csp = r
                .headers
                .get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap();
            assert!(csp.contains("default-src 'none'") && csp.contains("img-src 'self'"));
            assert!(!r.body.contains(" style=\""));
        });
    }
}

fn assessment(at: i64, anxiety: f64) -> AssessmentData {
    AssessmentData {
        at,
        recorded_at: at,
        instrument: "ecr-rs".into(),
        answers: vec![Some(6.0), Some(2.0), Some(5.0)],
        scores: serde_json::json!({"anxiety": anxiety, "avoidance": 2.25, "scale": "1-7", "administered": 3, "order": "as published"}),
        imported_at: None,
    }
}

#[test]
fn a_therapist_view_shows_exactly_the_chosen_measures_and_speaks_of_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "vmeasures") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP).await;
            let s = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let csrf = a.csrf.clone();
            let r = a
                .client
                .post_signed(
                    "/links/new",
                    &csrf,
                    &[("name", "L1"), ("days", "14"), ("passphrase", PP)],
                )
                .await;
            let address = r.by_id("link-address").unwrap();
            let path = address.split_once("9999").unwrap().1.to_string();
            let link = s.therapist_links(&pa).await.unwrap()[0].id.clone();
            let m1 = s
                .add_assessment(&pa, &assessment(1_772_400_000, 4.75))
                .await
                .unwrap();
            let m2 = s
                .add_assessment(&pa, &assessment(1_772_500_000, 3.5))
                .await
                .unwrap();
            let _m3 = s
                .add_assessment(&pa, &assessment(1_772_600_000, 6.25))
                .await
                .unwrap();
            let page = a.client.get("/links").await;
            assert!(page.body.contains("action=\"/links/measure\""), "{name}");
            for m in [&m1, &m2] {
                let r = a
                    .client
                    .post_signed(
                        "/links/measure",
                        &csrf,
                        &[("link", &link), ("assessment", m), ("action", "on")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}");
            }
            // Entries tagged for the link: its patterns speak about the writer.
            let ids = s
                .add_entries(
                    &pa,
                    &[
                        entry(1_772_400_600, MoveType::Reach, None),
                        entry(1_772_401_600, MoveType::Repair, None),
                    ],
                    1,
                )
                .await
                .unwrap();
            for e in &ids {
                let r = a
                    .client
                    .post_signed(
                        "/links/tag",
                        &csrf,
                        &[("link", &link), ("entry", e), ("action", "on")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER);
            }
            let mut t = Client::new(&app, &st);
            assert_eq!(t.get(&path).await.status, StatusCode::SEE_OTHER);
            let view = t.get("/v").await;
            assert_eq!(view.status, StatusCode::OK, "{name}");
            let sec = &view.body[view
                .body
                .find("id=\"link-measures\"")
                .expect("measures shown")..];
            assert_eq!(
                sec.matches("<h3>ecr-rs · ").count(),
                2,
                "exactly the chosen two"
            );
            assert!(sec.contains("4.75") && sec.contains("3.50"));
            assert!(!sec.contains("6.25"), "a result not chosen stays out");
            assert!(!view.body.contains("answers\"") && !view.body.contains("administered"));
            // The patterns speak of the person in the third person, never to the reader as them.
            let pat = &view.body[view.body.find("<section><h2>").unwrap()
                ..view.body.find("id=\"link-measures\"").unwrap()];
            let you = regex_lite_you(pat);
            assert!(!you, "no 'you' in the link's patterns: {pat}");
            assert!(pat.contains("they recorded themselves"), "{pat}");
            let frozen = view.body.clone();
            // Ten new private assessments (and a check-in) leave the view byte-identical.
            for i in 0..10 {
                s.add_assessment(&pa, &assessment(1_772_700_000 + i, 1.0))
                    .await
                    .unwrap();
            }
            let again = t.get("/v").await;
            assert_eq!(again.body, frozen, "{name}");
            // Taking one off: only the other stays.
            let r = a
                .client
                .post_signed(
                    "/links/measure",
                    &csrf,
                    &[("link", &link), ("assessment", &m1), ("action", "off")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let v = t.get("/v").await;
            assert_eq!(v.body.matches("<h3>ecr-rs · ").count(), 1);
            assert!(!v.body.contains("4.75"));
            // Tagging an entry again keeps the chosen measures.
            let r = a
                .client
                .post_signed(
                    "/links/tag",
                    &csrf,
                    &[("link", &link), ("entry", &ids[0]), ("action", "off")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            assert_eq!(t.get("/v").await.body.matches("<h3>ecr-rs · ").count(), 1);
        });
    }
}

/// Whether `html` holds the word "you" (or your, yours, yourself) in any case.
fn regex_lite_you(html: &str) -> bool {
    html.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "you" | "your" | "yours" | "yourself"
        )
    })
}

/// Every word the evidence document asks for by key is in the guide's content (a missing one
/// would print the key itself in a person's record).
#[test]
fn every_word_of_the_evidence_document_is_in_the_content() {
    let all = closer_guide::journal::all();
    for k in closer_store::evidence::WORDS {
        assert!(all.contains_key(*k), "{k} missing");
        assert_ne!(closer_guide::evidence::word(k), *k);
    }
}
