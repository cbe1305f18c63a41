//! Helper for `bench/journal_bench.sh`.
//!
//! `journal_bench writes DB N`: N durable single-entry writes (each its own transaction, WAL
//! synced at commit), printed as writes per second.
//! `journal_bench make-export FILE ENTRIES DAYS`: writes a closer-journal export with ENTRIES
//! entries spread over DAYS days (with notes, feelings, perceptions) and one check-in a day.

use closer_domain::{MoveType, Way};
use closer_store::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("writes") => writes(&args[2], args[3].parse().expect("N")),
        Some("make-export") => make_export(
            &args[2],
            args[3].parse().expect("ENTRIES"),
            args[4].parse().expect("DAYS"),
        ),
        _ => {
            eprintln!("usage: journal_bench writes DB N | make-export FILE ENTRIES DAYS");
            std::process::exit(2);
        }
    }
}

fn writes(db: &str, n: i64) {
    let rt = runtime().expect("runtime");
    rt.block_on(async {
        let s = Store::open(&Location::parse(db), OpenMode::Create)
            .await
            .expect("open");
        let a = s.journal_owner(true).await.expect("owner").expect("owner");
        let start = std::time::Instant::now();
        for i in 0..n {
            s.add_entries(
                &a,
                &[NewEntry {
                    at: 1_700_000_000 + i,
                    move_type: Some(MoveType::Reach),
                    note: Some(format!("note {i}")),
                    ..NewEntry::default()
                }],
                1_700_000_000 + i,
            )
            .await
            .expect("write");
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{n} durable single-entry writes in {secs:.3} s: {:.0} writes/s",
            n as f64 / secs
        );
    });
}

/// The lowest 8 bits (a truncation on purpose: bits of a random word).
fn low_byte(x: u64) -> u8 {
    x.to_le_bytes()[0]
}

fn make_export(file: &str, n: usize, days: i64) {
    let moves = [
        MoveType::Reach,
        MoveType::Withdraw,
        MoveType::TurnToward,
        MoveType::Repair,
        MoveType::Return,
    ];
    let ways = [
        Way::Pause,
        Way::Curious,
        Way::Space,
        Way::Name,
        Way::Stay,
        Way::Explore,
    ];
    let t0: i64 = 1_700_000_000;
    let span = days * 86_400;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let (k, n64) = (
            i64::try_from(i).expect("an index fits i64"),
            i64::try_from(n).expect("ENTRIES fits i64"),
        );
        let at = t0 + (k * span) / n64;
        let r = next();
        entries.push(Entry {
            id: format!("{:032x}", (i as u128) * 0x1_0000_0001 + 7),
            data: EntryData {
                at,
                offset_minutes: 60,
                recorded_at: at + 30,
                by: if r % 3 == 0 {
                    Actor::Partner
                } else {
                    Actor::Me
                },
                move_type: moves[(r >> 8) as usize % moves.len()],
                kind: None,
                feelings: vec!["tired".into(), "hurt".into()],
                needs: vec!["calm".into()],
                intensity: Some(low_byte(r >> 16) % 11),
                way: ((r >> 24) % 4 == 0).then(|| ways[(r >> 28) as usize % ways.len()]),
                note: ((r >> 32) % 5 == 0).then(|| format!("a few words of my own, number {i}")),
                cycle: vec![],
                moment: format!("{:032x}", i),
                edited_at: vec![],
                imported_at: None,
                seq: k + 1,
            },
        });
    }
    let checkins = (0..days)
        .map(|d| CheckIn {
            id: format!(
                "{:032x}",
                0x00c0_ffee_0000_u128 + u128::try_from(d).expect("d ≥ 0")
            ),
            data: CheckInData {
                at: t0 + d * 86_400 + 20 * 3600,
                offset_minutes: 60,
                recorded_at: t0 + d * 86_400 + 20 * 3600,
                closeness: Some(u8::try_from(d % 11).expect("d ≥ 0")),
                distress: Some(u8::try_from((d * 7) % 11).expect("d ≥ 0")),
                safety: Some(8),
                note: None,
                imported_at: None,
            },
        })
        .collect();
    let ex = Export {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: rfc3339(t0 + span),
        entries,
        history: vec![],
        checkins,
        incidents: vec![],
        assessments: vec![],
        screen_results: vec![],
    };
    std::fs::write(file, ex.to_json()).expect("write the export");
}
