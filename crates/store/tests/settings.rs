//! A person's own settings (safety mode), on SQLite and, when `TEST_DATABASE_URL` is set, on
//! PostgreSQL: off by default, switched on and off, sealed under the person's data key (the
//! plain word never reaches the database file), one row per person, each person's own, and
//! gone with the person.

mod support;

use closer_store::*;
use std::path::Path;
use support::*;

#[test]
fn safety_mode_is_each_persons_own_sealed_setting() {
    let dir = tempfile::tempdir().unwrap();
    let rt = closer_store::runtime().unwrap();
    for (name, s, _) in backends_on(&rt, dir.path(), "settings") {
        rt.block_on(async {
            let a = s.create_person().await.unwrap();
            let b = s.create_person().await.unwrap();
            s.lock(&a, "a's passphrase").await.unwrap();
            s.lock(&b, "b's passphrase").await.unwrap();
            assert!(!s.safety_mode(&a).await.unwrap(), "{name}: off by default");
            s.set_safety_mode(&a, true).await.unwrap();
            s.set_safety_mode(&a, true).await.unwrap();
            assert!(s.safety_mode(&a).await.unwrap(), "{name}");
            assert!(
                !s.safety_mode(&b).await.unwrap(),
                "{name}: b's own stays off"
            );
            s.set_safety_mode(&a, false).await.unwrap();
            assert!(!s.safety_mode(&a).await.unwrap(), "{name}");
            s.set_safety_mode(&a, true).await.unwrap();
            assert_eq!(
                s.settings(&a).await.unwrap(),
                Settings { safety_mode: true }
            );
            // Without the key in memory (no open session) the setting cannot be read.
            s.drop_key(&a);
            assert!(s.safety_mode(&a).await.is_err(), "{name}");
            s.unlock(&a, "a's passphrase").await.unwrap();
            assert!(s.safety_mode(&a).await.unwrap(), "{name}");
            if let Some(path) = s.sqlite_path().map(Path::to_path_buf) {
                s.close().await;
                let mut bytes = std::fs::read(&path).unwrap();
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                bytes.extend(std::fs::read(wal).unwrap_or_default());
                let hay = String::from_utf8_lossy(&bytes);
                assert!(!hay.contains("safety_mode"), "{name}: the body is sealed");
            } else {
                // Deleting the account takes its settings with it.
                s.forget(&a).await.unwrap();
            }
        });
    }
}
