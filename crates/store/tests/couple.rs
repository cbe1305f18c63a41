//! Two people and a therapist's view (issue 15), on SQLite always and on PostgreSQL when
//! `TEST_DATABASE_URL` is set: the couple key, invitations, the allowlist, unlinking, therapist
//! links bound to one browser, and what a reader can never tell apart.

use closer_domain::MoveType;
use closer_store::*;
use std::path::Path;

const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

fn rt() -> tokio::runtime::Runtime {
    closer_store::runtime().unwrap()
}

/// A way to open the same database again as a separate store (another instance, with no keys
/// in memory).
#[derive(Clone)]
enum Reopen {
    Sqlite(std::path::PathBuf),
    Postgres(String, String),
}

impl Reopen {
    async fn open(&self) -> Store {
        match self {
            Reopen::Sqlite(p) => Store::open(&Location::Sqlite(p.clone()), OpenMode::Existing)
                .await
                .unwrap(),
            Reopen::Postgres(url, schema) => {
                Store::open_postgres_schema(url, schema).await.unwrap()
            }
        }
    }
}

fn backends(dir: &Path, name: &str) -> Vec<(String, Reopen)> {
    let path = dir.join(format!("{name}.db"));
    rt().block_on(async {
        Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap()
            .close()
            .await
    });
    let mut out = vec![("sqlite".to_string(), Reopen::Sqlite(path))];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
    {
        let schema = format!("t_{name}_{}", &random_id()[..12]);
        out.push(("postgres".to_string(), Reopen::Postgres(url, schema)));
    } else {
        eprintln!("note: TEST_DATABASE_URL is not set; {name} ran on SQLite only");
    }
    out
}

fn entry(at: i64, m: MoveType, feeling: &str) -> NewEntry {
    NewEntry {
        at,
        move_type: Some(m),
        feelings: vec![feeling.into()],
        ..NewEntry::default()
    }
}

/// A locked person, as every web account is; their key stays open in `s`.
async fn locked_person(s: &Store, pass: &str) -> String {
    let p = s.create_person().await.unwrap();
    s.lock(&p, pass).await.unwrap();
    p
}

#[test]
fn an_invitation_links_two_locked_people_without_the_inviter_present() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "invite") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "pass a").await;
            let b = locked_person(&s, "pass b").await;
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            assert_eq!(inv.expires_at, NOW + 24 * 3600, "{name}");
            assert_eq!(
                s.open_invitation(&a, NOW).await.unwrap(),
                Some(inv.expires_at)
            );
            // The code is 130 random bits: 26 digits, grouped for typing.
            assert_eq!(inv.code.replace('-', "").len(), 26);
            s.close().await;

            // B accepts on another instance where only B's key is open.
            let s2 = db.open().await;
            s2.unlock(&b, "pass b").await.unwrap();
            assert!(matches!(
                s2.accept_invitation(&b, "0000-0000", NOW).await,
                Err(Error::NotFound(_))
            ));
            s2.accept_invitation(&b, &inv.code.to_uppercase().replace('-', " "), NOW)
                .await
                .unwrap();
            assert_eq!(s2.partner_of(&b).await.unwrap(), Some(a.clone()), "{name}");
            // Single use.
            assert!(matches!(
                s2.accept_invitation(&b, &inv.code, NOW).await,
                Err(Error::NotFound(_))
            ));
            let ids = s2
                .add_entries(&b, &[entry(NOW, MoveType::Withdraw, "tired")], NOW)
                .await
                .unwrap();
            s2.share_entry(&b, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            s2.close().await;

            // A reads it with A's own key only.
            let s3 = db.open().await;
            s3.unlock(&a, "pass a").await.unwrap();
            let seen = s3.shared_with_me(&a).await.unwrap();
            assert_eq!(seen.len(), 1, "{name}");
            assert_eq!(seen[0].feelings, vec!["tired".to_string()]);
            assert_eq!(seen[0].move_type, MoveType::Withdraw);
            // B's own key is not open here, and A's view does not need it.
            assert!(matches!(s3.entries(&b, None).await, Err(Error::Locked)));
            // A's own entries shared back reach B the same way.
            let mine = s3
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "lonely")], NOW)
                .await
                .unwrap();
            s3.share_entry(&a, &mine[0], &Audience::Partner)
                .await
                .unwrap();
            s3.close().await;
            let s4 = db.open().await;
            s4.unlock(&b, "pass b").await.unwrap();
            assert_eq!(
                s4.shared_with_me(&b).await.unwrap()[0].feelings,
                vec!["lonely"]
            );
            s4.close().await;
        });
    }
}

#[test]
fn invitation_codes_expire_are_single_offers_and_cannot_be_ones_own() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "codes") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let c = locked_person(&s, "c").await;
            let first = s.create_invitation(&a, NOW).await.unwrap();
            assert!(matches!(
                s.accept_invitation(&a, &first.code, NOW).await,
                Err(Error::Refused(_))
            ));
            // A new invitation replaces the open one: the first code no longer works.
            let second = s.create_invitation(&a, NOW).await.unwrap();
            assert_ne!(first.code, second.code);
            assert!(
                matches!(
                    s.accept_invitation(&b, &first.code, NOW).await,
                    Err(Error::NotFound(_))
                ),
                "{name}"
            );
            // Expired after 24 hours; the answer is the same as for an unknown code.
            assert!(matches!(
                s.accept_invitation(&b, &second.code, NOW + 24 * 3600).await,
                Err(Error::NotFound(_))
            ));
            assert_eq!(s.open_invitation(&a, NOW + 24 * 3600).await.unwrap(), None);
            let third = s.create_invitation(&a, NOW).await.unwrap();
            s.cancel_invitation(&a).await.unwrap();
            assert!(matches!(
                s.accept_invitation(&b, &third.code, NOW).await,
                Err(Error::NotFound(_))
            ));
            // Once linked, neither can invite or accept again.
            let fourth = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &fourth.code, NOW + 60)
                .await
                .unwrap();
            assert!(matches!(
                s.create_invitation(&b, NOW).await,
                Err(Error::Refused(_))
            ));
            let from_c = s.create_invitation(&c, NOW).await.unwrap();
            assert!(matches!(
                s.accept_invitation(&a, &from_c.code, NOW).await,
                Err(Error::Refused(_))
            ));
            s.close().await;
        });
    }
}

#[test]
fn only_the_allowlist_is_ever_shared_and_the_store_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "allow") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let lonely = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "lonely")], NOW)
                .await
                .unwrap();
            // Not linked yet: nothing to share with.
            assert!(matches!(
                s.share_entry(&a, &lonely[0], &Audience::Partner).await,
                Err(Error::Refused(_))
            ));
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &inv.code, NOW).await.unwrap();
            let with_note = s
                .add_entries(
                    &a,
                    &[
                        NewEntry {
                            note: Some("a note only for me".into()),
                            ..entry(NOW + 60, MoveType::Reach, "hurt")
                        },
                        NewEntry {
                            by: Some(Actor::Partner),
                            ..entry(NOW + 60, MoveType::Withdraw, "cold")
                        },
                    ],
                    NOW,
                )
                .await
                .unwrap();
            // A perception of the partner is refused; a check-in or an incident is not an entry.
            assert!(matches!(
                s.share_entry(&a, &with_note[1], &Audience::Partner).await,
                Err(Error::Refused(_))
            ));
            let checkin = s
                .add_checkin(
                    &a,
                    &NewCheckIn {
                        at: NOW,
                        safety: Some(2),
                        note: Some("check-in words".into()),
                        ..NewCheckIn::default()
                    },
                    NOW,
                )
                .await
                .unwrap();
            assert!(matches!(
                s.share_entry(&a, &checkin, &Audience::Partner).await,
                Err(Error::NotFound(_))
            ), "{name}");
            let incident = s.add_incident(&a, NOW, 0, "incident words", NOW).await.unwrap();
            assert!(matches!(
                s.share_entry(&a, &incident, &Audience::Partner).await,
                Err(Error::NotFound(_))
            ));
            // B's entries cannot be shared by A.
            let bs = s
                .add_entries(&b, &[entry(NOW, MoveType::Repair, "calm")], NOW)
                .await
                .unwrap();
            assert!(matches!(
                s.share_entry(&a, &bs[0], &Audience::Partner).await,
                Err(Error::NotFound(_))
            ));
            // An entry with a note is shared without it: the projection has no field for it.
            s.share_entry(&a, &with_note[0], &Audience::Partner).await.unwrap();
            let seen = s.shared_with_me(&b).await.unwrap();
            assert_eq!(seen.len(), 1);
            let json = serde_json::to_string(&seen).unwrap();
            assert!(!json.contains("only for me"), "{json}");
            assert!(!json.contains("cold"));
            assert_eq!(seen[0].day, "2026-03-01");
            // Sharing a note or a check-in is refused by the projection's own format too.
            assert!(
                serde_json::from_str::<SharedEntry>(
                    r#"{"id":"x","move":"reach","feelings":[],"needs":[],"intensity":null,"way":null,"day":"2026-03-01","cycle":[],"note":"n"}"#
                )
                .is_err()
            );
            assert_eq!(
                s.shared_ids(&a, &Audience::Partner).await.unwrap(),
                vec![with_note[0].clone()]
            );
            s.close().await;
        });
    }
}

#[test]
fn edits_reach_the_partner_withdrawing_removes_one_and_unlinking_leaves_a_never_linked_view() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "unlink") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let never = locked_person(&s, "n").await;
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &inv.code, NOW).await.unwrap();
            let ids = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "lonely")], NOW)
                .await
                .unwrap();
            let two = s
                .add_entries(&a, &[entry(NOW + 86_400, MoveType::Repair, "hopeful")], NOW)
                .await
                .unwrap();
            for id in [&ids[0], &two[0]] {
                s.share_entry(&a, id, &Audience::Partner).await.unwrap();
            }
            s.edit_entry(
                &a,
                &ids[0],
                &EntryEdit {
                    feelings: Some(vec!["scared".into()]),
                    ..EntryEdit::default()
                },
                NOW + 5,
            )
            .await
            .unwrap();
            let seen = s.shared_with_me(&b).await.unwrap();
            assert_eq!(seen.len(), 2, "{name}");
            assert_eq!(seen[0].feelings, vec!["scared"]);
            s.unshare_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            let after = s.shared_with_me(&b).await.unwrap();
            assert_eq!(after, vec![seen[1].clone()], "only that one went");

            // "Stop sharing" withdraws every share at once.
            s.share_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            s.unshare_all_partner(&a).await.unwrap();
            assert!(s.shared_with_me(&b).await.unwrap().is_empty());

            s.share_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            s.unlink_partner(&b).await.unwrap();
            for p in [&a, &b] {
                assert_eq!(s.partner_of(p).await.unwrap(), None);
                assert_eq!(
                    s.shared_with_me(p).await.unwrap(),
                    s.shared_with_me(&never).await.unwrap()
                );
                assert_eq!(
                    s.shared_ids(p, &Audience::Partner).await.unwrap(),
                    Vec::<String>::new()
                );
            }
            // Linking again starts with nothing shared: the old shares died with the old key.
            let inv = s.create_invitation(&b, NOW).await.unwrap();
            s.accept_invitation(&a, &inv.code, NOW).await.unwrap();
            assert!(s.shared_with_me(&b).await.unwrap().is_empty(), "{name}");
            s.close().await;
        });
    }
}

#[test]
fn forgetting_one_partner_leaves_the_other_as_if_never_linked() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "forgetcouple") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &inv.code, NOW).await.unwrap();
            let ids = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "lonely")], NOW)
                .await
                .unwrap();
            s.share_entry(&a, &ids[0], &Audience::Partner)
                .await
                .unwrap();
            s.create_invitation(&b, NOW).await.unwrap_err();
            s.forget(&a).await.unwrap();
            let s = db.open().await;
            s.unlock(&b, "b").await.unwrap();
            assert_eq!(s.partner_of(&b).await.unwrap(), None, "{name}");
            assert!(s.shared_with_me(&b).await.unwrap().is_empty());
            // B can invite someone new.
            s.create_invitation(&b, NOW).await.unwrap();
            s.close().await;
        });
    }
}

#[test]
fn a_therapist_link_shows_its_snapshots_in_one_browser_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "links") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &inv.code, NOW).await.unwrap();
            assert!(matches!(
                s.create_link(&a, "L0", NOW, 15).await,
                Err(Error::Invalid(_))
            ));
            assert!(matches!(
                s.create_link(&a, "  ", NOW, 3).await,
                Err(Error::Invalid(_))
            ));
            let l1 = s.create_link(&a, "Dr One", NOW, 14).await.unwrap();
            let l2 = s.create_link(&a, "Dr Two", NOW, 2).await.unwrap();
            assert!(l1.token.len() >= 32, "at least 128 bits");
            assert_eq!(l1.expires_at, NOW + 14 * 86_400);
            let ids = s
                .add_entries(
                    &a,
                    &[
                        entry(NOW, MoveType::Reach, "one"),
                        entry(NOW + 10, MoveType::Reach, "two"),
                        entry(NOW + 20, MoveType::Repair, "three"),
                    ],
                    NOW,
                )
                .await
                .unwrap();
            for id in &ids[..2] {
                s.share_entry(&a, id, &Audience::Therapist(l1.id.clone()))
                    .await
                    .unwrap();
            }
            s.share_entry(&a, &ids[2], &Audience::Therapist(l2.id.clone()))
                .await
                .unwrap();
            s.freeze_link(&a, &l1.id, &serde_json::json!({"episodes": 0}))
                .await
                .unwrap();
            // B cannot tag into A's link.
            let bs = s
                .add_entries(&b, &[entry(NOW, MoveType::Repair, "b")], NOW)
                .await
                .unwrap();
            assert!(matches!(
                s.share_entry(&b, &bs[0], &Audience::Therapist(l1.id.clone()))
                    .await,
                Err(Error::NotFound(_))
            ));

            let secret = s.open_link(&l1.token, NOW + 1).await.unwrap();
            let view = s.link_view(&secret, NOW + 2).await.unwrap();
            let mut feelings: Vec<_> = view.entries.iter().map(|e| e.feelings[0].clone()).collect();
            feelings.sort();
            assert_eq!(feelings, vec!["one", "two"], "{name}");
            assert_eq!(view.frozen, Some(serde_json::json!({"episodes": 0})));
            // Nothing the partner shared with A, and nothing A shared with the partner, shows.
            s.share_entry(&b, &bs[0], &Audience::Partner).await.unwrap();
            s.share_entry(&a, &ids[2], &Audience::Partner)
                .await
                .unwrap();
            // Ten private entries and an edit leave the snapshot as it was.
            for i in 0..10 {
                s.add_entries(&a, &[entry(NOW + 100 + i, MoveType::Reach, "private")], NOW)
                    .await
                    .unwrap();
            }
            s.edit_entry(
                &a,
                &ids[0],
                &EntryEdit {
                    feelings: Some(vec!["changed".into()]),
                    ..EntryEdit::default()
                },
                NOW + 3,
            )
            .await
            .unwrap();
            assert_eq!(s.link_view(&secret, NOW + 4).await.unwrap(), view);
            // The partner never sees what was tagged for a link.
            assert_eq!(s.shared_with_me(&b).await.unwrap().len(), 1);

            // A second browser is refused, and the owner sees it.
            let links = s.therapist_links(&a).await.unwrap();
            assert!(links.iter().all(|l| !l.refused_elsewhere));
            assert!(matches!(
                s.open_link(&l1.token, NOW + 5).await,
                Err(Error::NotFound(_))
            ));
            let links = s.therapist_links(&a).await.unwrap();
            let one = links.iter().find(|l| l.id == l1.id).unwrap();
            assert!(one.opened && one.refused_elsewhere, "{name}");
            assert_eq!(one.name, "Dr One");
            assert!(s.therapist_links(&b).await.unwrap().is_empty());
            // The first browser still reads.
            assert_eq!(s.link_view(&secret, NOW + 6).await.unwrap(), view);

            // Revoked, expired, deleted and unknown all answer alike.
            let secret2 = s.open_link(&l2.token, NOW).await.unwrap();
            assert_eq!(s.link_view(&secret2, NOW).await.unwrap().entries.len(), 1);
            s.revoke_therapist_link(&a, &l1.id).await.unwrap();
            assert!(matches!(
                s.link_view(&secret, NOW + 7).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.open_link(&l1.token, NOW + 7).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.link_view(&secret2, NOW + 2 * 86_400).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.open_link(&l2.token, NOW + 2 * 86_400).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.link_view("unknown", NOW).await,
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                s.open_link("unknown", NOW).await,
                Err(Error::NotFound(_))
            ));
            // A revoked link cannot be shared into or refrozen.
            assert!(matches!(
                s.share_entry(&a, &ids[0], &Audience::Therapist(l1.id.clone()))
                    .await,
                Err(Error::NotFound(_))
            ));
            s.delete_therapist_link(&a, &l2.id).await.unwrap();
            assert!(matches!(
                s.link_view(&secret2, NOW).await,
                Err(Error::NotFound(_))
            ));
            let left = s.therapist_links(&a).await.unwrap();
            assert_eq!(left.len(), 1);
            assert!(left[0].revoked);
            s.close().await;
        });
    }
}

#[test]
fn a_locked_couples_file_holds_no_shared_word_or_link_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let canary = "canary-9c4-heron";
    rt().block_on(async {
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Create)
            .await
            .unwrap();
        // Linked before locking: the keys are sealed by the lock.
        let a = s.create_person().await.unwrap();
        let b = s.create_person().await.unwrap();
        s.link_partners(&a, &b).await.unwrap();
        let l = s
            .create_link(&a, &format!("{canary} link"), NOW, 3)
            .await
            .unwrap();
        s.lock(&a, "a").await.unwrap();
        s.lock(&b, "b").await.unwrap();
        let ids = s
            .add_entries(&a, &[entry(NOW, MoveType::Reach, canary)], NOW)
            .await
            .unwrap();
        s.share_entry(&a, &ids[0], &Audience::Partner)
            .await
            .unwrap();
        s.share_entry(&a, &ids[0], &Audience::Therapist(l.id.clone()))
            .await
            .unwrap();
        s.scrub().await.unwrap();
        s.close().await;
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            assert!(!bytes.windows(canary.len()).any(|w| w == canary.as_bytes()));
            assert!(
                !bytes
                    .windows(l.token.len())
                    .any(|w| w == l.token.as_bytes())
            );
        }
        // B, alone with B's passphrase, reads A's share; A's key is never opened.
        let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::Existing)
            .await
            .unwrap();
        s.unlock(&b, "b").await.unwrap();
        assert_eq!(
            s.shared_with_me(&b).await.unwrap()[0].feelings,
            vec![canary]
        );
        assert!(matches!(s.therapist_links(&a).await, Err(Error::Locked)));
        // The link's first browser reads with its token alone.
        let secret = s.open_link(&l.token, NOW).await.unwrap();
        assert_eq!(s.link_view(&secret, NOW).await.unwrap().entries.len(), 1);
    });
}

/// Everything the store can tell B: what is shared with B, whether B is linked, B's invitation.
async fn b_sees(s: &Store, b: &str) -> String {
    format!(
        "{:?}|{:?}|{:?}",
        s.shared_with_me(b).await.unwrap(),
        s.partner_of(b).await.unwrap().is_some(),
        s.open_invitation(b, NOW).await.unwrap()
    )
}

#[test]
fn nothing_the_other_person_does_in_private_changes_what_the_store_tells_the_partner() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in backends(dir.path(), "coercion") {
        rt().block_on(async {
            let s = db.open().await;
            let a = locked_person(&s, "a").await;
            let b = locked_person(&s, "b").await;
            let inv = s.create_invitation(&a, NOW).await.unwrap();
            s.accept_invitation(&b, &inv.code, NOW).await.unwrap();
            let shared = s
                .add_entries(&a, &[entry(NOW, MoveType::Reach, "lonely")], NOW)
                .await
                .unwrap();
            let kept = s
                .add_entries(&a, &[entry(NOW, MoveType::Repair, "hopeful")], NOW)
                .await
                .unwrap();
            for id in [&shared[0], &kept[0]] {
                s.share_entry(&a, id, &Audience::Partner).await.unwrap();
            }
            let before = b_sees(&s, &b).await;

            for i in 0..10 {
                s.add_entries(
                    &a,
                    &[NewEntry {
                        note: Some(format!("private {i}")),
                        ..entry(NOW + i, MoveType::Withdraw, "numb")
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
                NOW + 50,
            )
            .await
            .unwrap();
            s.add_checkin(
                &a,
                &NewCheckIn {
                    at: NOW,
                    safety: Some(1),
                    ..NewCheckIn::default()
                },
                NOW,
            )
            .await
            .unwrap();
            s.add_incident(&a, NOW, 0, "private record", NOW)
                .await
                .unwrap();
            let l = s.create_link(&a, "L", NOW, 3).await.unwrap();
            s.share_entry(&a, &shared[0], &Audience::Therapist(l.id.clone()))
                .await
                .unwrap();
            let secret = s.open_link(&l.token, NOW).await.unwrap();
            s.link_view(&secret, NOW).await.unwrap();
            s.change_passphrase(&a, "a", "a2").await.unwrap();
            s.export(&a, NOW).await.unwrap();
            assert_eq!(b_sees(&s, &b).await, before, "{name}");

            // Withdrawing one entry removes only that one, with nothing in its place.
            s.unshare_entry(&a, &kept[0], &Audience::Partner)
                .await
                .unwrap();
            let after = s.shared_with_me(&b).await.unwrap();
            assert_eq!(after.len(), 1);
            assert_eq!(after[0].id, shared[0]);
            s.close().await;
        });
    }
}
