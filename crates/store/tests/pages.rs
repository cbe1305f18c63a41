//! What the web journal needs of the store (issue 15), on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set: the data version changes on every write of that person and never
//! on another person's, same-second entries keep insertion order, pages are newest first, and
//! many writers at once lose nothing.

mod support;

use closer_domain::MoveType;
use closer_store::*;
use std::sync::Arc;
use support::*;

const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

fn entry(at: i64, m: MoveType, note: &str) -> NewEntry {
    NewEntry {
        at,
        move_type: Some(m),
        note: Some(note.to_string()),
        ..NewEntry::default()
    }
}

#[test]
fn the_data_version_changes_on_every_write_of_that_person_only() {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    for (backend, s, _) in backends_on(&rt, dir.path(), "version") {
        rt.block_on(async {
            let a = s.create_person().await.unwrap();
            let b = s.create_person().await.unwrap();
            s.lock(&a, "a long passphrase for a").await.unwrap();
            s.link_partners(&a, &b).await.unwrap();
            let mut seen = vec![s.data_version(&a).await.unwrap()];
            let b0 = s.data_version(&b).await.unwrap();
            let mut step = |label: &str, v: String| {
                assert!(
                    !seen.contains(&v),
                    "{backend}: {label} did not change the version"
                );
                seen.push(v);
            };
            let ids = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "first")], NOW)
                .await
                .unwrap();
            step("add", s.data_version(&a).await.unwrap());
            let edit = EntryEdit {
                note: Some(Some("changed".into())),
                ..EntryEdit::default()
            };
            s.edit_entry(&a, &ids[0], &edit, NOW + 5).await.unwrap();
            step("edit", s.data_version(&a).await.unwrap());
            s.share_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            step("share", s.data_version(&a).await.unwrap());
            s.unshare_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            step("unshare", s.data_version(&a).await.unwrap());
            s.add_checkin(
                &a,
                &NewCheckIn {
                    at: NOW,
                    closeness: Some(5),
                    ..NewCheckIn::default()
                },
                NOW,
            )
            .await
            .unwrap();
            step("check-in", s.data_version(&a).await.unwrap());
            s.add_incident(&a, NOW, 0, "words", NOW).await.unwrap();
            step("incident", s.data_version(&a).await.unwrap());
            s.delete_entry(&a, &ids[0]).await.unwrap();
            step("delete", s.data_version(&a).await.unwrap());
            // None of A's writes moved B's version; B's own write does, and leaves A's alone.
            assert_eq!(s.data_version(&b).await.unwrap(), b0, "{backend}");
            let a_now = s.data_version(&a).await.unwrap();
            s.add_entries(&b, &[entry(NOW, MoveType::Withdraw, "b's")], NOW)
                .await
                .unwrap();
            assert_ne!(s.data_version(&b).await.unwrap(), b0, "{backend}");
            assert_eq!(s.data_version(&a).await.unwrap(), a_now, "{backend}");
            // Reading changes nothing.
            s.entries(&a, None).await.unwrap();
            s.entries_page(&a, 1, 10).await.unwrap();
            assert_eq!(s.data_version(&a).await.unwrap(), a_now, "{backend}");
        });
    }
}

#[test]
fn same_second_entries_come_back_in_insertion_order_and_pages_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    for (backend, s, _) in backends_on(&rt, dir.path(), "order") {
        rt.block_on(async {
            let a = s.create_person().await.unwrap();
            // Twenty entries in the same second, logged one by one: their random ids say
            // nothing of order, the counter does.
            for i in 0..20 {
                s.add_entries(&a, &[entry(NOW, MoveType::Reach, &format!("n{i}"))], NOW)
                    .await
                    .unwrap();
            }
            let all = s.entries(&a, None).await.unwrap();
            let notes: Vec<String> = all.iter().map(|e| e.data.note.clone().unwrap()).collect();
            let want: Vec<String> = (0..20).map(|i| format!("n{i}")).collect();
            assert_eq!(notes, want, "{backend}");
            let seqs: Vec<i64> = all.iter().map(|e| e.data.seq).collect();
            assert_eq!(seqs, (1..=20).collect::<Vec<i64>>(), "{backend}");
            let p = s.entries_page(&a, 2, 8).await.unwrap();
            assert_eq!((p.page, p.pages, p.total), (2, 3, 20), "{backend}");
            let notes: Vec<&str> = p
                .entries
                .iter()
                .map(|e| e.data.note.as_deref().unwrap())
                .collect();
            assert_eq!(
                notes,
                ["n11", "n10", "n9", "n8", "n7", "n6", "n5", "n4"],
                "{backend}"
            );
            // Two logged together keep the order given.
            let ids = s
                .add_entries(
                    &a,
                    &[
                        entry(NOW + 60, MoveType::Withdraw, "mine"),
                        NewEntry {
                            by: Some(Actor::Partner),
                            ..entry(NOW + 60, MoveType::Reach, "theirs")
                        },
                    ],
                    NOW + 60,
                )
                .await
                .unwrap();
            let all = s.entries(&a, None).await.unwrap();
            let last: Vec<&str> = all[20..].iter().map(|e| e.id.as_str()).collect();
            assert_eq!(last, [ids[0].as_str(), ids[1].as_str()], "{backend}");
        });
    }
}

#[test]
fn fifty_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    for (backend, s, _) in backends_on(&rt, dir.path(), "writers") {
        let s = Arc::new(s);
        let a = rt.block_on(s.create_person()).unwrap();
        rt.block_on(s.lock(&a, "a long passphrase for a")).unwrap();
        let tasks: Vec<_> = (0..50)
            .map(|w| {
                let (s, a) = (s.clone(), a.clone());
                rt.spawn(async move {
                    for i in 0..4 {
                        s.add_entries(
                            &a,
                            &[entry(NOW, MoveType::Reach, &format!("w{w}-{i}"))],
                            NOW,
                        )
                        .await
                        .unwrap();
                    }
                })
            })
            .collect();
        rt.block_on(async {
            for t in tasks {
                t.await.unwrap();
            }
            let all = s.entries(&a, None).await.unwrap();
            assert_eq!(all.len(), 200, "{backend}");
            let mut seqs: Vec<i64> = all.iter().map(|e| e.data.seq).collect();
            seqs.sort();
            assert_eq!(seqs, (1..=200).collect::<Vec<i64>>(), "{backend}: places");
            // Each writer's own entries are in the order it wrote them.
            for w in 0..50 {
                let mine: Vec<String> = all
                    .iter()
                    .filter_map(|e| e.data.note.clone())
                    .filter(|n| n.starts_with(&format!("w{w}-")))
                    .collect();
                let want: Vec<String> = (0..4).map(|i| format!("w{w}-{i}")).collect();
                assert_eq!(mine, want, "{backend}");
            }
        });
    }
}
