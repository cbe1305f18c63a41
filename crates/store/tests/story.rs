//! The store's story, on SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set (CI
//! always sets it): two people, a partner link, private and shared entries, edits, a therapist
//! link, the lock, export and import, forget. Plus what only SQLite has: permissions, a copied
//! file, a writer killed mid-stream.

mod support;

use closer_domain::{MoveType, Way};
use closer_store::*;
use std::path::Path;
use support::*;

const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

fn entry(at: i64, m: MoveType) -> NewEntry {
    NewEntry {
        at,
        move_type: Some(m),
        ..NewEntry::default()
    }
}

fn bytes_contain(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn story_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (name, s, _) in backends(dir.path(), "story") {
        rt().block_on(async {
            let a = s.create_person().await.unwrap();
            let b = s.create_person().await.unwrap();
            s.link_partners(&a, &b).await.unwrap();
            assert_eq!(s.partner_of(&b).await.unwrap(), Some(a.clone()));

            // A logs a reach with feelings, a need and a note, and how she saw B's move.
            let mine = NewEntry {
                at: NOW - 3600,
                offset_minutes: 60,
                move_type: Some(MoveType::Reach),
                feelings: vec!["lonely".into(), "anxious".into()],
                needs: vec!["reassurance".into()],
                intensity: Some(6),
                way: Some(Way::Pause),
                note: Some("my own words, kept as written".into()),
                ..NewEntry::default()
            };
            let seen = NewEntry {
                by: Some(Actor::Partner),
                ..entry(NOW - 3600, MoveType::Withdraw)
            };
            let ids = s.add_entries(&a, &[mine, seen], NOW).await.unwrap();
            assert_eq!(ids.len(), 2);
            let list = s.entries(&a, None).await.unwrap();
            assert_eq!(list.len(), 2, "{name}");
            assert_eq!(list[0].data.recorded_at, NOW);
            assert_eq!(list[0].data.moment, list[1].data.moment);
            let mine = list.iter().find(|e| e.data.by == Actor::Me).unwrap();
            assert_eq!(
                mine.data.note.as_deref(),
                Some("my own words, kept as written")
            );

            // B sees none of A's entries as his own, and nothing is shared yet.
            assert!(s.entries(&b, None).await.unwrap().is_empty());
            assert!(s.shared_with_me(&b).await.unwrap().is_empty());

            // Sharing a perception is refused; sharing my own move stores only the allowlist.
            let perception = list.iter().find(|e| e.data.by == Actor::Partner).unwrap();
            let err = s
                .share_entry(&a, &perception.id, &Audience::Partner)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Refused(_)), "{name}: {err}");
            s.share_entry(&a, &mine.id, &Audience::Partner)
                .await
                .unwrap();
            let seen_by_b = s.shared_with_me(&b).await.unwrap();
            assert_eq!(
                seen_by_b,
                vec![SharedEntry {
                    id: mine.id.clone(),
                    move_type: MoveType::Reach,
                    feelings: vec!["lonely".into(), "anxious".into()],
                    needs: vec!["reassurance".into()],
                    intensity: Some(6),
                    way: Some(Way::Pause),
                    day: "2026-03-01".into(),
                    cycle: vec![],
                }],
                "{name}"
            );
            let json = serde_json::to_string(&seen_by_b).unwrap();
            assert!(
                !json.contains("kept as written"),
                "{name}: a note leaked: {json}"
            );
            // A sees nothing shared with her: B shared nothing.
            assert!(s.shared_with_me(&a).await.unwrap().is_empty());

            // Editing keeps recorded_at and the earlier version in A's history only.
            let edit = EntryEdit {
                note: Some(Some("changed my mind about the wording".into())),
                intensity: Some(Some(4)),
                ..EntryEdit::default()
            };
            let edited = s.edit_entry(&a, &mine.id, &edit, NOW + 60).await.unwrap();
            assert_eq!(edited.data.recorded_at, NOW);
            assert_eq!(edited.data.edited_at, vec![NOW + 60]);
            let h = s.history(&a, &mine.id).await.unwrap();
            assert_eq!(h.len(), 1);
            assert_eq!(
                h[0].data.note.as_deref(),
                Some("my own words, kept as written")
            );
            assert!(s.history(&b, &mine.id).await.unwrap().is_empty(), "{name}");
            assert!(matches!(
                s.edit_entry(&b, &mine.id, &edit, NOW).await,
                Err(Error::NotFound(_))
            ));
            // B sees the new intensity with no mark of an edit.
            assert_eq!(s.shared_with_me(&b).await.unwrap()[0].intensity, Some(4));

            // Check-ins and incidents are A's alone.
            s.add_checkin(
                &a,
                &NewCheckIn {
                    at: NOW,
                    closeness: Some(3),
                    distress: Some(7),
                    safety: Some(2),
                    note: Some("a hard day".into()),
                    ..NewCheckIn::default()
                },
                NOW,
            )
            .await
            .unwrap();
            s.add_incident(&a, NOW - 7200, 0, "what happened, in my words", NOW)
                .await
                .unwrap();
            assert_eq!(s.checkins(&a).await.unwrap().len(), 1);
            assert!(s.checkins(&b).await.unwrap().is_empty());
            assert_eq!(s.incidents(&a).await.unwrap().len(), 1);
            assert!(s.incidents(&b).await.unwrap().is_empty());
            assert!(matches!(
                s.add_checkin(
                    &a,
                    &NewCheckIn {
                        at: NOW,
                        offset_minutes: 0,
                        closeness: Some(11),
                        distress: None,
                        safety: None,
                        note: None
                    },
                    NOW
                )
                .await,
                Err(Error::Invalid(_))
            ));

            // A named therapist link sees only what was tagged for it, while valid.
            let l1 = s.create_link(&a, "Dr Rivera", NOW, 14).await.unwrap();
            let t1 = l1.id.clone();
            let secret = s.open_link(&l1.token, NOW).await.unwrap();
            assert!(s.link_view(&secret, NOW).await.unwrap().entries.is_empty());
            s.share_entry(&a, &mine.id, &Audience::Therapist(t1.clone()))
                .await
                .unwrap();
            assert_eq!(s.link_view(&secret, NOW).await.unwrap().entries.len(), 1);
            assert!(matches!(
                s.link_view(&secret, NOW + 15 * 86_400).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.open_link("unknown", NOW).await,
                Err(Error::NotFound(_))
            ));
            // B cannot share into A's link.
            let bs = s
                .add_entries(&b, &[entry(NOW, MoveType::Repair)], NOW)
                .await
                .unwrap();
            assert!(matches!(
                s.share_entry(&b, &bs[0], &Audience::Therapist(t1.clone()))
                    .await,
                Err(Error::NotFound(_))
            ));
            assert_eq!(s.therapist_links(&a).await.unwrap()[0].name, "Dr Rivera");
            assert!(s.therapist_links(&b).await.unwrap().is_empty());
            s.revoke_therapist_link(&a, &t1).await.unwrap();
            assert!(matches!(
                s.link_view(&secret, NOW).await,
                Err(Error::NotFound(_))
            ));

            // Withdrawing a share removes only that entry; unlinking removes every share.
            s.unshare_entry(&a, &mine.id, &Audience::Partner)
                .await
                .unwrap();
            assert!(s.shared_with_me(&b).await.unwrap().is_empty());
            s.share_entry(&a, &mine.id, &Audience::Partner)
                .await
                .unwrap();
            s.unlink_partner(&b).await.unwrap();
            assert!(s.shared_with_me(&b).await.unwrap().is_empty());
            assert_eq!(s.partner_of(&a).await.unwrap(), None);

            // Deleting an entry takes its history with it; only the owner can delete.
            assert!(matches!(
                s.delete_entry(&b, &mine.id).await,
                Err(Error::NotFound(_))
            ));
            s.delete_entry(&a, &mine.id).await.unwrap();
            assert_eq!(s.entries(&a, None).await.unwrap().len(), 1);
            assert!(s.history(&a, &mine.id).await.unwrap().is_empty());
        });
    }
}

#[test]
fn a_viewers_results_do_not_change_with_entries_they_may_not_see() {
    let dir = tempfile::tempdir().unwrap();
    for (name, s, _) in backends(dir.path(), "differencing") {
        rt().block_on(async {
            let a = s.create_person().await.unwrap();
            let b = s.create_person().await.unwrap();
            s.link_partners(&a, &b).await.unwrap();
            for i in 0..6 {
                s.add_entries(&b, &[entry(NOW + i * 3600, MoveType::Reach)], NOW)
                    .await
                    .unwrap();
            }
            let shared = s
                .add_entries(
                    &a,
                    &[NewEntry {
                        feelings: vec!["tired".into()],
                        ..entry(NOW, MoveType::Withdraw)
                    }],
                    NOW,
                )
                .await
                .unwrap();
            s.share_entry(&a, &shared[0], &Audience::Partner)
                .await
                .unwrap();

            let before = view_of(&s, &b).await;

            // A's private life: entries, a note edited on the shared entry, check-ins, an
            // incident, a therapist link, the lock.
            for i in 0..10 {
                s.add_entries(
                    &a,
                    &[NewEntry {
                        note: Some(format!("private {i}")),
                        ..entry(NOW + i * 600, MoveType::Reach)
                    }],
                    NOW + i,
                )
                .await
                .unwrap();
            }
            s.edit_entry(
                &a,
                &shared[0],
                &EntryEdit {
                    note: Some(Some("a note added later".into())),
                    ..EntryEdit::default()
                },
                NOW + 99,
            )
            .await
            .unwrap();
            s.add_checkin(
                &a,
                &NewCheckIn {
                    at: NOW,
                    offset_minutes: 0,
                    closeness: Some(1),
                    distress: Some(9),
                    safety: Some(1),
                    note: None,
                },
                NOW,
            )
            .await
            .unwrap();
            s.add_incident(&a, NOW, 0, "never counted", NOW)
                .await
                .unwrap();
            s.create_link(&a, "L1", NOW, 1).await.unwrap();
            let after = view_of(&s, &b).await;
            assert_eq!(
                before, after,
                "{name}: B's view changed with A's private records"
            );
        });
    }
}

/// Everything B can see: his own entries, what was shared with him, his patterns.
async fn view_of(s: &Store, b: &str) -> (String, String, String) {
    use closer_analyze::episodes::{self, Options, View};
    let own = s.entries(b, None).await.unwrap();
    let shared = s.shared_with_me(b).await.unwrap();
    let file = to_moves_file(&own);
    let report = episodes::analyze(
        &file,
        &Options {
            view: View::Own(closer_domain::Person::A),
            ..Options::default()
        },
    )
    .unwrap();
    (
        serde_json::to_string(&own).unwrap(),
        serde_json::to_string(&shared).unwrap(),
        format!("{report:?}"),
    )
}

#[test]
fn export_import_round_trip_on_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    for (name, s, _) in backends(dir.path(), "roundtrip") {
        rt().block_on(async {
            let a = s.create_person().await.unwrap();
            let ids = s
                .add_entries(
                    &a,
                    &[
                        NewEntry {
                            note: Some("line one\nline \"two\" — ünïcode".into()),
                            feelings: vec!["hurt".into()],
                            intensity: Some(10),
                            way: Some(Way::Stay),
                            kind: Some("break".into()),
                            ..entry(NOW, MoveType::Withdraw)
                        },
                        NewEntry {
                            by: Some(Actor::Partner),
                            ..entry(NOW, MoveType::Reach)
                        },
                    ],
                    NOW,
                )
                .await
                .unwrap();
            s.edit_entry(
                &a,
                &ids[0],
                &EntryEdit {
                    intensity: Some(Some(9)),
                    ..EntryEdit::default()
                },
                NOW + 5,
            )
            .await
            .unwrap();
            s.add_checkin(
                &a,
                &NewCheckIn {
                    at: NOW,
                    offset_minutes: 120,
                    closeness: Some(5),
                    distress: None,
                    safety: Some(8),
                    note: None,
                },
                NOW,
            )
            .await
            .unwrap();
            s.add_incident(&a, NOW, 0, "in my words", NOW)
                .await
                .unwrap();
            s.add_assessment(
                &a,
                &AssessmentData {
                    at: NOW,
                    recorded_at: NOW,
                    instrument: "ecr-rs".into(),
                    answers: vec![Some(1.0), None, Some(7.0)],
                    scores: serde_json::json!({"anxiety": 0.1 + 0.2}),
                    imported_at: None,
                },
            )
            .await
            .unwrap();
            let first = s.export(&a, NOW).await.unwrap().to_json();
            assert!(first.contains("\"format\": \"closer-journal\""));
            assert!(!first.contains(dir.path().to_str().unwrap()));

            // Into a fresh person (as into a fresh journal): the ids are new to it.
            let fresh = match name.as_str() {
                "sqlite" => Store::open(
                    &Location::Sqlite(dir.path().join("fresh.db")),
                    OpenMode::Create,
                )
                .await
                .unwrap(),
                _ => Store::open_postgres_schema(
                    &std::env::var("TEST_DATABASE_URL").unwrap(),
                    &format!("t_fresh_{}", &random_id()[..12]),
                )
                .await
                .unwrap(),
            };
            let c = fresh.create_person().await.unwrap();
            let parsed = Export::parse(&first, "journal.json").unwrap();
            assert_eq!(fresh.import(&c, &parsed, NOW + 1000).await.unwrap(), 5);
            let second = fresh.export(&c, NOW + 2000).await.unwrap().to_json();
            let strip = |s: &str| {
                s.lines()
                    .filter(|l| !l.contains("\"exported_at\""))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(&first), strip(&second), "{name}");
            assert_ne!(first, second, "exported_at differs");
            // Inside, each record is marked as imported.
            assert!(
                fresh
                    .entries(&c, None)
                    .await
                    .unwrap()
                    .iter()
                    .all(|e| e.data.imported_at == Some(NOW + 1000))
            );

            // A second import of the same file is refused whole: nothing is added.
            let err = fresh.import(&c, &parsed, NOW).await.unwrap_err();
            assert!(matches!(err, Error::Refused(_)), "{err}");
            assert_eq!(fresh.entries(&c, None).await.unwrap().len(), 2);
        });
    }
}

#[test]
fn a_large_import_goes_in_batches_and_a_clash_in_any_batch_refuses_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    for (name, s, _) in backends(dir.path(), "batches") {
        rt().block_on(async {
            let a = s.create_person().await.unwrap();
            // More rows than two multi-row statements hold, and a last batch that is not full.
            let n = 1_234;
            let entries: Vec<Entry> = (0..n)
                .map(|i: usize| (i, i64::try_from(i).expect("a small index")))
                .map(|(i, k)| Entry {
                    id: format!("{i:032x}"),
                    data: EntryData {
                        at: NOW - 86_400 + k,
                        offset_minutes: 0,
                        recorded_at: NOW - 86_400 + k,
                        by: Actor::Me,
                        move_type: MoveType::Reach,
                        kind: None,
                        feelings: vec![],
                        needs: vec![],
                        intensity: Some(u8::try_from(i % 11).expect("below 11")),
                        way: None,
                        note: (i % 7 == 0).then(|| format!("note {i}")),
                        cycle: vec![],
                        moment: format!("m{i}"),
                        edited_at: vec![],
                        imported_at: None,
                        seq: k + 1,
                    },
                })
                .collect();
            let ex = Export {
                format: FORMAT.into(),
                version: VERSION,
                exported_at: rfc3339(NOW),
                entries,
                history: vec![],
                checkins: vec![],
                incidents: vec![],
                assessments: vec![],
                screen_results: vec![],
            };
            assert_eq!(s.import(&a, &ex, NOW).await.unwrap(), n, "{name}");
            let got = s.entries(&a, None).await.unwrap();
            assert_eq!(got.len(), n, "{name}");
            assert_eq!(got[1_233].id, format!("{:032x}", 1_233));
            assert_eq!(got[700].data.note, Some("note 700".into()));
            assert!(got.iter().all(|e| e.data.imported_at == Some(NOW)));

            // A new file whose third batch holds one id already in the journal: nothing of it
            // goes in, and the message names that record.
            let mut again = ex.clone();
            for (i, e) in again.entries.iter_mut().enumerate() {
                e.id = format!("{:032x}", 10_000 + i);
            }
            again.entries[1_100].id = format!("{:032x}", 5);
            let err = s.import(&a, &again, NOW + 1).await.unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, Error::Refused(_)), "{name}: {msg}");
            assert!(msg.contains(&format!("{:032x}", 5)), "{name}: {msg}");
            assert!(msg.contains("nothing was imported"), "{name}: {msg}");
            assert_eq!(s.entries(&a, None).await.unwrap().len(), n, "{name}");
        });
    }
}

#[test]
fn foreign_and_malformed_exports_are_refused_with_what_is_wrong() {
    let cases = [
        ("{not json", "line 1"),
        (
            "{\"format\": \"something-else\", \"version\": 1}",
            "field \"format\"",
        ),
        ("[1, 2]", "field \"format\""),
        (
            "{\"format\": \"closer-journal\", \"version\": 7}",
            "field \"version\"",
        ),
        (
            "{\"format\": \"closer-journal\", \"version\": 1, \"exported_at\": \"x\", \"entries\": [], \"history\": [], \"checkins\": [], \"incidents\": [], \"assessments\": [], \"screen_results\": [], \"path\": \"/home\"}",
            "unknown field `path`",
        ),
        (
            "{\"format\": \"closer-journal\", \"version\": 1, \"exported_at\": \"x\", \"entries\": [{\"id\": \"e1\", \"at\": 1, \"recorded_at\": 1, \"by\": \"me\", \"move\": \"shove\", \"moment\": \"m\"}], \"history\": [], \"checkins\": [], \"incidents\": [], \"assessments\": [], \"screen_results\": []}",
            "shove",
        ),
        (
            "{\"format\": \"closer-journal\", \"version\": 1, \"exported_at\": \"x\", \"entries\": [{\"id\": \"e1\", \"at\": 1, \"recorded_at\": 1, \"by\": \"me\", \"move\": \"reach\", \"moment\": \"m\", \"intensity\": 11}], \"history\": [], \"checkins\": [], \"incidents\": [], \"assessments\": [], \"screen_results\": []}",
            "entries[0].intensity",
        ),
    ];
    for (text, expected) in cases {
        let err = Export::parse(text, "in.json").unwrap_err().to_string();
        assert!(err.contains("in.json"), "{err}");
        assert!(
            err.contains(expected),
            "{text}\n→ {err}\nexpected to mention {expected}"
        );
    }
}

#[test]
fn migrations_are_recorded_and_reopening_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    let rt = rt();
    rt.block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        s.add_entries(&a, &[entry(NOW, MoveType::Reach)], NOW)
            .await
            .unwrap();
        s.close().await;
        // Reopening applies nothing new and keeps the data.
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        assert_eq!(s.journal_owner(false).await.unwrap(), Some(a.clone()));
        assert_eq!(s.entries(&a, None).await.unwrap().len(), 1);
        s.close().await;
    });
    for (name, s, _) in backends(dir.path(), "migrations") {
        rt.block_on(async {
            let versions = s.applied_migrations().await.unwrap();
            // Every migration file of the backend, in order (0001, then each issue's own).
            let folder = format!("{}/migrations/{name}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<i64> = std::fs::read_dir(&folder)
                .unwrap()
                .map(|f| {
                    f.unwrap().file_name().to_string_lossy()[..4]
                        .parse()
                        .unwrap()
                })
                .collect();
            files.sort();
            assert!(files.starts_with(&[1, 2, 3]), "{files:?}");
            assert_eq!(versions, files, "{name}");
        });
    }
}

#[test]
fn read_only_opening_never_creates_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("journal.db");
    let err = rt()
        .block_on(Store::open(
            &Location::Sqlite(path.clone()),
            OpenMode::Existing,
        ))
        .err()
        .unwrap();
    assert!(matches!(err, Error::NoJournal(_)));
    assert!(!path.exists());
    assert!(!dir.path().join("sub").exists());
}

#[cfg(unix)]
#[test]
fn the_folder_is_0700_and_every_file_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("closer").join("journal.db");
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        s.add_entries(&a, &[entry(NOW, MoveType::Reach)], NOW)
            .await
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        for f in std::fs::read_dir(path.parent().unwrap()).unwrap() {
            let f = f.unwrap().path();
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
        assert!(dir.path().join("closer/journal.db-wal").exists());
    });
}

#[test]
fn a_locked_journal_file_holds_no_content_and_a_wrong_passphrase_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let canary = "canary-5f1e-lilac";
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        // Recorded before the lock: sealed by `lock`, and the free pages scrubbed.
        s.add_entries(
            &a,
            &[NewEntry {
                note: Some(format!("{canary} before")),
                feelings: vec![canary.into()],
                ..entry(NOW, MoveType::Reach)
            }],
            NOW,
        )
        .await
        .unwrap();
        s.add_checkin(
            &a,
            &NewCheckIn {
                at: NOW,
                closeness: Some(1),
                note: Some(canary.into()),
                ..NewCheckIn::default()
            },
            NOW,
        )
        .await
        .unwrap();
        s.lock(&a, "a long passphrase").await.unwrap();
        s.add_entries(
            &a,
            &[NewEntry {
                note: Some(format!("{canary} after")),
                ..entry(NOW + 1, MoveType::Repair)
            }],
            NOW,
        )
        .await
        .unwrap();
        s.add_incident(&a, NOW, 0, canary, NOW).await.unwrap();
        s.create_link(&a, canary, NOW, 1).await.unwrap();
        s.close().await;

        // A copy of the files (database, WAL) shows no content.
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let f = f.unwrap().path();
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !bytes_contain(&bytes, canary),
                "{} holds the canary",
                f.display()
            );
            assert!(
                !bytes_contain(&bytes, "reach"),
                "{} holds a move name",
                f.display()
            );
        }

        // Without the passphrase nothing reads; a wrong one says so and changes nothing.
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        assert!(s.is_locked(&a).await.unwrap());
        assert!(matches!(s.entries(&a, None).await, Err(Error::Locked)));
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            s.unlock(&a, "wrong").await,
            Err(Error::WrongPassphrase)
        ));
        assert!(matches!(
            s.change_passphrase(&a, "wrong", "new").await,
            Err(Error::WrongPassphrase)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        s.unlock(&a, "a long passphrase").await.unwrap();
        let notes: Vec<_> = s
            .entries(&a, None)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| e.data.note)
            .collect();
        assert_eq!(
            notes,
            vec![format!("{canary} before"), format!("{canary} after")]
        );
        s.change_passphrase(&a, "a long passphrase", "another one")
            .await
            .unwrap();
        s.close().await;
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        assert!(matches!(
            s.unlock(&a, "a long passphrase").await,
            Err(Error::WrongPassphrase)
        ));
        s.unlock(&a, "another one").await.unwrap();
        assert_eq!(s.incidents(&a).await.unwrap()[0].data.text, canary);
    });
}

#[test]
fn forget_leaves_no_byte_of_the_journal_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("closer");
    let path = folder.join("journal.db");
    let canary = "canary-0b7c-heron";
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        for i in 0..50 {
            s.add_entries(
                &a,
                &[NewEntry {
                    note: Some(format!("{canary} {i}")),
                    ..entry(NOW + i, MoveType::Reach)
                }],
                NOW,
            )
            .await
            .unwrap();
        }
        let gone = s.forget(&a).await.unwrap();
        assert!(gone.removed_files.contains(&path));
    });
    for f in walk(&folder) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes_contain(&bytes, canary),
            "{} holds the canary",
            f.display()
        );
    }
    assert!(!path.exists());
}

#[test]
fn forget_on_every_backend_removes_only_that_person() {
    let dir = tempfile::tempdir().unwrap();
    for (name, s, schema) in backends(dir.path(), "forget") {
        rt().block_on(async {
            let a = s.create_person().await.unwrap();
            let b = s.create_person().await.unwrap();
            s.link_partners(&a, &b).await.unwrap();
            let ids = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach)], NOW)
                .await
                .unwrap();
            s.share_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            s.add_entries(&b, &[entry(NOW, MoveType::Repair)], NOW)
                .await
                .unwrap();
            s.lock(&a, "pass").await.unwrap();
            let gone = s.forget(&a).await.unwrap();
            // The file still holds B, so it stays.
            assert!(gone.removed_files.is_empty(), "{name}");
            let s = match &schema {
                None => Store::open(
                    &Location::Sqlite(dir.path().join("forget.db")),
                    OpenMode::Existing,
                )
                .await
                .unwrap(),
                Some(sc) => {
                    Store::open_postgres_schema(&std::env::var("TEST_DATABASE_URL").unwrap(), sc)
                        .await
                        .unwrap()
                }
            };
            assert_eq!(s.entries(&b, None).await.unwrap().len(), 1, "{name}");
            assert!(s.shared_with_me(&b).await.unwrap().is_empty(), "{name}");
            assert_eq!(s.partner_of(&b).await.unwrap(), None);
            assert!(!s.is_locked(&a).await.unwrap(), "{name}: the key is gone");
            assert!(s.entries(&a, None).await.unwrap().is_empty());
        });
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The child of the durability test: writes entries one by one and prints each id once its
/// transaction is committed (acknowledged).
#[test]
fn durability_writer_child() {
    let Ok(path) = std::env::var("CLOSER_STORE_WRITER") else {
        return;
    };
    use std::io::Write;
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.into()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        let mut out = std::io::stdout();
        for i in 0.. {
            let ids = s
                .add_entries(
                    &a,
                    &[NewEntry {
                        note: Some(format!("entry {i}")),
                        ..entry(NOW + i, MoveType::Reach)
                    }],
                    NOW,
                )
                .await
                .unwrap();
            writeln!(out, "ACK {}", ids[0]).unwrap();
            out.flush().unwrap();
        }
    });
}

#[cfg(unix)]
#[test]
fn every_acknowledged_write_survives_kill_9() {
    use std::io::BufRead;
    if std::env::var("CLOSER_STORE_WRITER").is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("durable.db");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "durability_writer_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CLOSER_STORE_WRITER", &path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut acked = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("ACK ") {
            acked.push(id.to_string());
            if acked.len() == 300 {
                // SIGKILL, mid-stream: the writer is inside its next transaction.
                child.kill().unwrap();
                break;
            }
        }
    }
    child.wait().unwrap();
    assert_eq!(acked.len(), 300);
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        assert_eq!(s.integrity_check().await.unwrap(), "ok");
        let a = s.journal_owner(false).await.unwrap().unwrap();
        let ids: std::collections::HashSet<String> = s
            .entries(&a, None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        for id in &acked {
            assert!(ids.contains(id), "acknowledged entry {id} was lost");
        }
    });
}

#[test]
fn a_key_cost_outside_u32_in_the_database_is_a_damaged_journal_not_a_wrapped_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.db");
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        let a = s.journal_owner(true).await.unwrap().unwrap();
        s.lock(&a, "a long passphrase").await.unwrap();
        s.close().await;
        // A damaged row: a negative memory cost once became 4,294,967,295 KiB for Argon2.
        let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE person_keys SET m_cost = -1, p_cost = 4294967296")
            .execute(&db)
            .await
            .unwrap();
        db.close().await;
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        match s.unlock(&a, "a long passphrase").await {
            Err(Error::Corrupt(m)) => {
                assert_eq!(m, "the key's memory cost is -1, outside 0..=4294967295");
            }
            other => panic!("expected a damaged journal, got {other:?}"),
        }
    });
}
