//! The schema test of issue 15: after a run through the pages (two linked people, entries with
//! notes, an edit, a share, a check-in, a private record, a therapist link opened and tagged,
//! recovery codes, an open invitation), every column of every table is read back raw, on SQLite
//! and (when `TEST_DATABASE_URL` is set) PostgreSQL. Each column is classified here: a column
//! that holds a person's content, or a key, must be binary and every value sealed
//! (XChaCha20-Poly1305: format byte 1, a 24-byte nonce, a 16-byte tag); hashes are 32 bytes; ids
//! and tokens are random text; the rest are numbers. A column nobody classified fails the test,
//! so a new table cannot slip content past it. No value of any column holds a canary typed on a
//! page, the username, or a word of the person's entries.

mod support;

use axum::http::StatusCode;
use sqlx::{Column, Row, TypeInfo};
use support::*;

/// What a column may hold.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// What a person recorded: sealed under their data key, a couple key or a link key.
    Content,
    /// A key wrapped (sealed) under another key.
    Key,
    /// A SHA-256 (of a username, a session id, a code, a token or a browser's secret).
    Hash,
    /// A random id or token (text).
    Id,
    /// A number: a time, a flag, a count, a KDF parameter.
    Number,
    /// A fixed word of the schema (an audience kind, a setting's name).
    Word,
    /// The KDF salt (random bytes).
    Salt,
}

/// Every column of the schema, classified. A column missing here fails the test.
const COLUMNS: &[(&str, &str, Kind)] = &[
    ("people", "id", Kind::Id),
    ("meta", "key", Kind::Word),
    ("meta", "value", Kind::Id),
    ("person_keys", "person_id", Kind::Id),
    ("person_keys", "salt", Kind::Salt),
    ("person_keys", "m_cost", Kind::Number),
    ("person_keys", "t_cost", Kind::Number),
    ("person_keys", "p_cost", Kind::Number),
    ("person_keys", "wrapped", Kind::Key),
    ("partner_links", "person_id", Kind::Id),
    ("partner_links", "partner_id", Kind::Id),
    ("therapist_links", "id", Kind::Id),
    ("therapist_links", "owner", Kind::Id),
    ("therapist_links", "body", Kind::Content),
    ("therapist_links", "token_hash", Kind::Hash),
    ("therapist_links", "expires_at", Kind::Number),
    ("therapist_links", "revoked", Kind::Number),
    ("entries", "id", Kind::Id),
    ("entries", "owner", Kind::Id),
    ("entries", "body", Kind::Content),
    ("entry_history", "entry_id", Kind::Id),
    ("entry_history", "version", Kind::Number),
    ("entry_history", "body", Kind::Content),
    ("shares", "entry_id", Kind::Id),
    ("shares", "audience", Kind::Word),
    ("shares", "audience_id", Kind::Id),
    ("shares", "body", Kind::Content),
    ("checkins", "id", Kind::Id),
    ("checkins", "owner", Kind::Id),
    ("checkins", "body", Kind::Content),
    ("incidents", "id", Kind::Id),
    ("incidents", "owner", Kind::Id),
    ("incidents", "body", Kind::Content),
    ("assessments", "id", Kind::Id),
    ("assessments", "owner", Kind::Id),
    ("assessments", "body", Kind::Content),
    ("screen_results", "id", Kind::Id),
    ("screen_results", "owner", Kind::Id),
    ("screen_results", "body", Kind::Content),
    ("person_settings", "id", Kind::Id),
    ("person_settings", "owner", Kind::Id),
    ("person_settings", "body", Kind::Content),
    ("accounts", "username_hash", Kind::Hash),
    ("accounts", "person_id", Kind::Id),
    ("sessions", "id_hash", Kind::Hash),
    ("sessions", "person_id", Kind::Id),
    ("sessions", "sealed_key", Kind::Key),
    ("sessions", "created_at", Kind::Number),
    ("sessions", "last_seen", Kind::Number),
    ("sessions", "csrf", Kind::Id),
    ("recovery_codes", "code_hash", Kind::Hash),
    ("recovery_codes", "person_id", Kind::Id),
    ("recovery_codes", "wrapped", Kind::Key),
    ("couple_keys", "person_id", Kind::Id),
    ("couple_keys", "couple_id", Kind::Id),
    ("couple_keys", "wrapped", Kind::Key),
    ("invitations", "code_hash", Kind::Hash),
    ("invitations", "inviter", Kind::Id),
    ("invitations", "couple_id", Kind::Id),
    ("invitations", "for_inviter", Kind::Key),
    ("invitations", "for_code", Kind::Key),
    ("invitations", "expires_at", Kind::Number),
    ("link_keys", "link_id", Kind::Id),
    ("link_keys", "for_owner", Kind::Key),
    ("link_keys", "for_token", Kind::Key),
    ("link_keys", "for_browser", Kind::Key),
    ("link_keys", "browser_hash", Kind::Hash),
    ("link_keys", "refused", Kind::Number),
    ("link_keys", "frozen", Kind::Content),
    ("journal_state", "person_id", Kind::Id),
    ("journal_state", "version", Kind::Id),
    ("journal_state", "seq", Kind::Number),
];

/// Tables that must hold rows after the run (the ones the pages write); the others are checked
/// when they hold any.
const FILLED: &[&str] = &[
    "people",
    "person_keys",
    "partner_links",
    "therapist_links",
    "entries",
    "entry_history",
    "shares",
    "checkins",
    "incidents",
    "accounts",
    "sessions",
    "recovery_codes",
    "couple_keys",
    "invitations",
    "link_keys",
    "journal_state",
];

const CANARY_PP: &str = "Grebecanary passphrase 3310";
const CANARY_NOTE: &str = "Grebecanary note 3311";
const CANARY_EDIT: &str = "Grebecanary edited 3312";
const CANARY_DAY: &str = "Grebecanary evening 3313";
const CANARY_RECORD: &str = "Grebecanary at the door 3314";
const CANARY_LINK: &str = "Grebecanary Dr 3315";
/// Words of the entries' bodies that must not show in clear either.
const WORDS: &[&str] = &["overwhelmed", "tender", "withdraw", "repair", "pause"];

/// The run through the pages; returns the usernames (which must not be stored in clear).
async fn journey(app: &axum::Router, st: &closer_web::Shared, name: &str) -> Vec<String> {
    let mut a = sign_up(app, st, CANARY_PP).await;
    let mut b = sign_up(app, st, "the second person's passphrase").await;
    let mut c = sign_up(app, st, "a third person with an open invitation").await;
    // A and B linked; C leaves an invitation open.
    link(&mut a, &mut b).await;
    let r = c
        .client
        .post_signed(
            "/together/invite",
            &c.csrf,
            &[("passphrase", "a third person with an open invitation")],
        )
        .await;
    assert!(r.by_id("invite-code").is_some(), "{name}: C's invitation");
    // A logs two entries, one shared with B; edits the shared one's note.
    for (m, f, share) in [
        ("repair", "tender", true),
        ("withdraw", "overwhelmed", false),
    ] {
        let mut fields = vec![
            ("move", m),
            ("feeling", f),
            ("need", "calm"),
            ("intensity", "6"),
            ("way", "pause"),
            ("note", CANARY_NOTE),
        ];
        if share {
            fields.push(("share_partner", "on"));
        }
        let r = a.client.post_signed("/journal/new", &a.csrf, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    }
    let list = a.client.get("/journal").await;
    let ids = entry_ids(&list.body);
    assert_eq!(ids.len(), 2, "{name}: two entries listed");
    let shared_page = b.client.get("/together").await;
    assert!(
        shared_page.body.contains("tender"),
        "{name}: B sees the share"
    );
    let r = a
        .client
        .post_signed(
            "/journal/save",
            &a.csrf,
            &[("id", &ids[0]), ("move", "repair"), ("note", CANARY_EDIT)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    // A check-in with a note and a private record.
    let r = a
        .client
        .post_signed("/day", &a.csrf, &[("closeness", "3"), ("note", CANARY_DAY)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    let r = a
        .client
        .post_signed("/note", &a.csrf, &[("text", CANARY_RECORD)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    // Safety mode on: a person's own setting, sealed like the rest.
    let r = a
        .client
        .post_signed("/questions/mode", &a.csrf, &[("mode", "on")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    // Recovery codes.
    let r = a
        .client
        .post_signed("/me/codes", &a.csrf, &[("passphrase", CANARY_PP)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    // A therapist link, tagged with both entries, opened in a browser.
    let r = a
        .client
        .post_signed(
            "/links/new",
            &a.csrf,
            &[
                ("name", CANARY_LINK),
                ("days", "7"),
                ("passphrase", CANARY_PP),
            ],
        )
        .await;
    let address = r.by_id("link-address").expect("the link's address");
    let links = a.client.get("/links").await;
    let link = links.hidden("link").expect("the tag forms name the link");
    for id in &ids {
        let r = a
            .client
            .post_signed(
                "/links/tag",
                &a.csrf,
                &[("link", &link), ("entry", id), ("action", "on")],
            )
            .await;
        assert!(
            r.status.is_success() || r.status.is_redirection(),
            "{name}: tag {}",
            r.status
        );
    }
    let path = &address[address.find("/v?").expect("a /v address")..];
    let mut therapist = Client::new(app, st);
    let r = therapist.get(path).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{name}: the first load of the link"
    );
    vec![a.username, b.username, c.username]
}

struct Column_ {
    table: String,
    column: String,
    /// The declared type, upper case.
    ty: String,
    values: Vec<Option<Vec<u8>>>,
}

async fn read_sqlite(path: &std::path::Path) -> Vec<Column_> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let cols: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.name, p.name, upper(p.type) FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' ORDER BY m.name, p.cid",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (table, column, ty) in cols {
        let rows = sqlx::query(&format!("SELECT \"{column}\" FROM \"{table}\""))
            .fetch_all(&pool)
            .await
            .unwrap();
        let values = rows
            .iter()
            .map(|r| match ty.as_str() {
                "BLOB" => r.get::<Option<Vec<u8>>, _>(0),
                "TEXT" => r.get::<Option<String>, _>(0).map(String::into_bytes),
                _ => r
                    .get::<Option<i64>, _>(0)
                    .map(|n| n.to_string().into_bytes()),
            })
            .collect();
        out.push(Column_ {
            table,
            column,
            ty,
            values,
        });
    }
    pool.close().await;
    out
}

async fn read_postgres(url: &str) -> Vec<Column_> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let cols: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, upper(data_type::text) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (table, column, ty) in cols {
        let rows = sqlx::query(&format!("SELECT \"{column}\" FROM \"{table}\""))
            .fetch_all(&pool)
            .await
            .unwrap();
        let values = rows
            .iter()
            .map(|r| {
                let t = r.column(0).type_info().name().to_ascii_uppercase();
                match t.as_str() {
                    "BYTEA" => r.get::<Option<Vec<u8>>, _>(0),
                    "TEXT" | "VARCHAR" => r.get::<Option<String>, _>(0).map(String::into_bytes),
                    _ => r
                        .get::<Option<i64>, _>(0)
                        .map(|n| n.to_string().into_bytes()),
                }
            })
            .collect();
        out.push(Column_ {
            table,
            column,
            ty: match ty.as_str() {
                "BYTEA" => "BLOB".into(),
                "CHARACTER VARYING" => "TEXT".into(),
                other => other.into(),
            },
            values,
        });
    }
    pool.close().await;
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Checks one column against its class; returns the problems found.
fn check(col: &Column_, kind: Kind, secrets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let at = format!("{}.{} ({})", col.table, col.column, col.ty);
    let expected_ty = match kind {
        Kind::Number => "BIGINT",
        Kind::Id | Kind::Word => "TEXT",
        _ => "BLOB",
    };
    if col.ty != expected_ty {
        out.push(format!("{at}: declared {}, expected {expected_ty}", col.ty));
    }
    for v in col.values.iter().flatten() {
        for s in secrets {
            if contains(v, s) {
                out.push(format!("{at}: holds {s:?} in clear"));
            }
        }
        match kind {
            // Format byte 1, a 24-byte nonce, at least a 16-byte tag.
            Kind::Content if v.first() != Some(&1) || v.len() < 1 + 24 + 16 => {
                out.push(format!(
                    "{at}: a value that is not sealed (first byte {:?}, {} bytes)",
                    v.first(),
                    v.len()
                ));
            }
            Kind::Key => {
                // A 32-byte key sealed (format byte 1, nonce, key, tag) or wrapped by a
                // passphrase or code (nonce, key, tag); never the bare 32 bytes.
                let sealed = v.len() == 1 + 24 + 32 + 16 && v[0] == 1;
                let wrapped = v.len() == 24 + 32 + 16;
                if !sealed && !wrapped {
                    out.push(format!(
                        "{at}: a key that is neither sealed nor wrapped ({} bytes)",
                        v.len()
                    ));
                }
            }
            Kind::Hash if v.len() != 32 => {
                out.push(format!("{at}: a hash of {} bytes", v.len()));
            }
            Kind::Salt if v.len() < 16 => {
                out.push(format!("{at}: a salt of {} bytes", v.len()));
            }
            Kind::Id => {
                let s = String::from_utf8_lossy(v);
                if s.len() < 16
                    || !s
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    out.push(format!("{at}: {s:?} does not look like a random id"));
                }
            }
            Kind::Word => {
                let s = String::from_utf8_lossy(v);
                if !["partner", "therapist", "journal_owner"].contains(&s.as_ref()) {
                    out.push(format!("{at}: an unexpected word {s:?}"));
                }
            }
            Kind::Number if String::from_utf8_lossy(v).parse::<i64>().is_err() => {
                out.push(format!("{at}: not a number"));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_column_that_holds_a_persons_content_is_ciphertext() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "schema") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db.clone()));
            let usernames = journey(&app, &st, &name).await;
            let cols = match &db {
                closer_store::Location::Sqlite(p) => read_sqlite(p).await,
                closer_store::Location::Postgres(url) => read_postgres(url).await,
            };
            let mut secrets: Vec<String> = [
                CANARY_PP,
                CANARY_NOTE,
                CANARY_EDIT,
                CANARY_DAY,
                CANARY_RECORD,
                CANARY_LINK,
                "Grebecanary",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            secrets.extend(usernames);
            let mut problems = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for col in &cols {
                seen.insert((col.table.clone(), col.column.clone()));
                let Some((_, _, kind)) = COLUMNS
                    .iter()
                    .find(|(t, c, _)| *t == col.table && *c == col.column)
                else {
                    problems.push(format!(
                        "{}.{}: a column nobody classified (add it to COLUMNS in schema.rs)",
                        col.table, col.column
                    ));
                    continue;
                };
                let mut words = secrets.clone();
                if matches!(kind, Kind::Content | Kind::Key) {
                    words.extend(WORDS.iter().map(|w| w.to_string()));
                }
                problems.extend(check(col, *kind, &words));
            }
            for (t, c, _) in COLUMNS {
                if !seen.contains(&(t.to_string(), c.to_string())) {
                    problems.push(format!("{t}.{c}: classified but not in the {name} schema"));
                }
            }
            for t in FILLED {
                let rows = cols
                    .iter()
                    .find(|c| c.table == *t)
                    .map(|c| c.values.len())
                    .unwrap_or(0);
                if rows == 0 {
                    problems.push(format!("{t}: no rows after the journey"));
                }
            }
            assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
            let values: usize = cols.iter().map(|c| c.values.len()).sum();
            eprintln!("{name}: {} columns, {values} values checked", cols.len());
        });
    }
}
