//! Batched inserts round-trip any number of rows: `add_entries` and `import` cut rows into
//! multi-row statements of at most 500 rows (`Batches`, one helper for both); for numbers of
//! entries across 0..=1500 — every batch boundary and seeded sizes between them — every entry
//! comes back once, with its fields, and an export imported into a new journal gives the same
//! entries (and their history) back.

use closer_domain::MoveType;
use closer_store::*;

const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

fn entries(n: usize) -> Vec<NewEntry> {
    (0..n)
        .map(|i| NewEntry {
            at: NOW - 60 * i64::try_from(i).expect("a small index"),
            move_type: Some(MoveType::ALL[i % MoveType::ALL.len()]),
            note: Some(format!("note {i}")),
            ..NewEntry::default()
        })
        .collect()
}

/// Sizes: both sides of every batch boundary, the ends, and 20 seeded sizes in between.
fn sizes() -> Vec<usize> {
    let mut out = vec![0, 1, 2, 499, 500, 501, 999, 1000, 1001, 1499, 1500];
    let mut x: u64 = 0x5EED;
    for _ in 0..20 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push((x >> 33) as usize % 1501);
    }
    out
}

#[test]
fn any_number_of_entries_up_to_1500_round_trips_through_add_entries_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let rt = closer_store::runtime().unwrap();
    rt.block_on(async {
        let s = Store::open(&Location::Sqlite(dir.path().join("b.db")), OpenMode::Create)
            .await
            .unwrap();
        for n in sizes() {
            let me = s.create_person().await.unwrap();
            let given = entries(n);
            let ids = s.add_entries(&me, &given, NOW).await.unwrap();
            assert_eq!(ids.len(), n);
            let mut back = s.entries(&me, None).await.unwrap();
            assert_eq!(back.len(), n, "{n}");
            back.sort_by_key(|e| std::cmp::Reverse(e.data.at));
            for (i, e) in back.iter().enumerate() {
                assert_eq!(e.data.at, given[i].at, "{n}");
                assert_eq!(e.data.note, given[i].note, "{n}");
                assert_eq!(Some(e.data.move_type), given[i].move_type, "{n}");
                assert_eq!(e.id, ids[i], "{n}");
            }
            // One edit, so the history is imported too (batched by the same helper).
            if n > 0 {
                let edit = EntryEdit {
                    note: Some(Some("edited".into())),
                    ..EntryEdit::default()
                };
                s.edit_entry(&me, &ids[0], &edit, NOW + 1).await.unwrap();
            }
            let ex = s.export(&me, NOW + 1).await.unwrap();
            let other = Store::open(
                &Location::Sqlite(dir.path().join(format!("i{n}.db"))),
                OpenMode::Create,
            )
            .await
            .unwrap();
            let you = other.create_person().await.unwrap();
            let imported = other.import(&you, &ex, NOW + 2).await.unwrap();
            assert!(imported >= n, "{n}: {imported}");
            let again = other.export(&you, NOW + 2).await.unwrap();
            // What a person wrote comes back (the import marks when it was imported and gives
            // each entry its place in the new journal).
            let key = |e: &Entry| {
                (
                    e.id.clone(),
                    e.data.at,
                    e.data.move_type,
                    e.data.note.clone(),
                    e.data.edited_at.clone(),
                )
            };
            assert_eq!(again.entries.len(), n, "{n}");
            assert_eq!(
                again.entries.iter().map(key).collect::<Vec<_>>(),
                ex.entries.iter().map(key).collect::<Vec<_>>(),
                "{n}"
            );
            assert_eq!(again.history.len(), usize::from(n > 0), "{n}");
            let hist = |h: &EntryVersion| (h.entry.clone(), h.version);
            assert_eq!(
                again.history.iter().map(hist).collect::<Vec<_>>(),
                ex.history.iter().map(hist).collect::<Vec<_>>(),
                "{n}"
            );
            other.close().await;
        }
        s.close().await;
    });
}
