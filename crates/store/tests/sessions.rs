//! Web sessions in the store (issue 15), on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set: `last_seen` is written at most once a grain, so the idle limit
//! errs early by less than the grain and never late; the check reads the person's data version
//! in the same query.

use closer_domain::MoveType;
use closer_store::*;

const T0: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

fn rt() -> tokio::runtime::Runtime {
    closer_store::runtime().unwrap()
}

async fn stores(dir: &std::path::Path, name: &str) -> Vec<(String, Store)> {
    let path = dir.join(format!("{name}.db"));
    let mut out = vec![(
        "sqlite".to_string(),
        Store::open(&Location::Sqlite(path), OpenMode::Create)
            .await
            .unwrap(),
    )];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
    {
        let schema = format!("t_{name}_{}", &random_id()[..12]);
        out.push((
            "postgres".to_string(),
            Store::open_postgres_schema(&url, &schema).await.unwrap(),
        ));
    } else {
        eprintln!("note: TEST_DATABASE_URL is not set; {name} ran on SQLite only");
    }
    out
}

async fn open_at(s: &Store, n: &NewSession, now: i64, limits: SessionLimits) -> SessionCheck {
    s.check_session(&n.id, &n.secret, now, limits)
        .await
        .unwrap()
}

fn is_open(c: &SessionCheck) -> bool {
    matches!(c, SessionCheck::Open(_))
}

#[test]
fn the_grain_limits_writes_and_the_idle_limit_errs_early_never_late() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        for (name, s) in stores(dir.path(), "grain").await {
            let up = s.sign_up("a passphrase of ours").await.unwrap();
            let limits = SessionLimits::default();
            let (idle, grain) = (limits.idle_secs, limits.last_seen_grain());
            assert_eq!(grain, accounts::LAST_SEEN_GRAIN_SECS);
            assert_eq!(grain, 60);

            // Seen again within the grain: `last_seen` stays, so the idle limit counts from the
            // sign-in: a minute early at most, and ended.
            let n = s.create_session(&up.person, &up.key, T0).await.unwrap();
            assert!(
                is_open(&open_at(&s, &n, T0 + grain - 1, limits).await),
                "{name}"
            );
            let ended = open_at(&s, &n, T0 + idle + 1, limits).await;
            assert!(
                matches!(&ended, SessionCheck::Ended { person, .. } if *person == up.person),
                "{name}: ended {} s after the last request, within the grain of the limit",
                idle + 1 - (grain - 1)
            );
            assert!(!is_open(&open_at(&s, &n, T0 + idle + 1, limits).await));

            // Seen at the grain: written, so the idle limit counts from then.
            let n = s.create_session(&up.person, &up.key, T0).await.unwrap();
            assert!(
                is_open(&open_at(&s, &n, T0 + grain, limits).await),
                "{name}"
            );
            assert!(
                is_open(&open_at(&s, &n, T0 + grain + idle, limits).await),
                "{name}"
            );

            // Any pattern of requests: never open later than the idle limit after the last
            // request, never ended sooner than the idle limit less the grain.
            let mut x: u64 = 0x2545_f491_4f6c_dd1d;
            let mut next = |m: i64| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let m = u64::try_from(m).expect("a positive bound");
                i64::try_from(x % m).expect("below the bound")
            };
            for round in 0..24 {
                let n = s.create_session(&up.person, &up.key, T0).await.unwrap();
                let mut last = T0;
                for _ in 0..(1 + next(6)) {
                    last += 1 + next(2 * grain);
                    assert!(is_open(&open_at(&s, &n, last, limits).await), "{name}");
                }
                if round % 2 == 0 {
                    let at = last + idle + 1;
                    assert!(
                        !is_open(&open_at(&s, &n, at, limits).await),
                        "{name}: open {} s after the last request",
                        at - last
                    );
                } else {
                    let at = last + idle - grain;
                    assert!(
                        is_open(&open_at(&s, &n, at, limits).await),
                        "{name}: ended only {} s after the last request",
                        at - last
                    );
                }
            }

            // The page promises no more than the earliest end: the idle limit less the grain,
            // or what is left of the 12 hours.
            assert_eq!(limits.ends_in(T0, T0), idle - grain);
            assert_eq!(limits.ends_in(T0, T0 + 12 * 3600 - 100), 100);
            assert_eq!(limits.ends_in(T0, T0 + 13 * 3600), 0);
            let short = SessionLimits {
                idle_secs: 20,
                absolute_secs: 3600,
            };
            assert_eq!(short.last_seen_grain(), 5);
            assert_eq!(short.ends_in(T0, T0), 15);

            // The sweep ends a session by the same stored time.
            let n = s.create_session(&up.person, &up.key, T0).await.unwrap();
            assert!(is_open(&open_at(&s, &n, T0 + 30, limits).await));
            let swept = s
                .purge_expired_sessions(T0 + idle + 1, limits)
                .await
                .unwrap();
            assert!(
                swept
                    .iter()
                    .any(|(_, h)| *h == accounts::session_id_hash(&n.id)),
                "{name}"
            );
            s.close().await;
        }
    });
}

#[test]
fn the_session_check_carries_the_data_version() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        for (name, s) in stores(dir.path(), "version").await {
            let up = s.sign_up("a passphrase of ours").await.unwrap();
            s.insert_key(&up.person, up.key.clone());
            let limits = SessionLimits::default();
            let n = s.create_session(&up.person, &up.key, T0).await.unwrap();
            let SessionCheck::Open(o) = open_at(&s, &n, T0, limits).await else {
                panic!("{name}: open")
            };
            assert_eq!(o.data_version, s.data_version(&up.person).await.unwrap());
            let before = o.data_version;
            s.add_entries(
                &up.person,
                &[NewEntry {
                    at: T0,
                    move_type: Some(MoveType::Reach),
                    ..NewEntry::default()
                }],
                T0,
            )
            .await
            .unwrap();
            let SessionCheck::Open(o) = open_at(&s, &n, T0 + 1, limits).await else {
                panic!("{name}: open")
            };
            assert_ne!(o.data_version, before, "{name}: a write moves the version");
            assert_eq!(o.data_version, s.data_version(&up.person).await.unwrap());
            assert!(!o.data_version.is_empty());
            s.close().await;
        }
    });
}
