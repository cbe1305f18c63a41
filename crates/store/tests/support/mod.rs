//! Shared by the store tests that run on every backend (`mod support;` in each file): the
//! runtime, and a fresh store on each backend — a SQLite file always, and a PostgreSQL schema of
//! its own when `TEST_DATABASE_URL` is set.
#![allow(dead_code)]

use closer_store::{Location, OpenMode, Store, random_id};
use std::path::Path;

/// The runtime the store tests run on (the one `closer` itself uses).
pub fn rt() -> tokio::runtime::Runtime {
    closer_store::runtime().unwrap()
}

/// One fresh store per backend, opened on `rt`: `(backend, store, schema)`, with `backend`
/// `"sqlite"` (a new file `NAME.db` in `dir`) or `"postgres"` (a new schema named after `name`,
/// given as `schema`).
pub fn backends_on(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    name: &str,
) -> Vec<(String, Store, Option<String>)> {
    let mut out = vec![(
        "sqlite".to_string(),
        rt.block_on(Store::open(
            &Location::Sqlite(dir.join(format!("{name}.db"))),
            OpenMode::Create,
        ))
        .unwrap(),
        None,
    )];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
    {
        let schema = format!("t_{name}_{}", &random_id()[..12]);
        out.push((
            "postgres".to_string(),
            rt.block_on(Store::open_postgres_schema(&url, &schema))
                .unwrap(),
            Some(schema),
        ));
    } else {
        eprintln!("note: TEST_DATABASE_URL is not set; {name} ran on SQLite only");
    }
    out
}

/// [`backends_on`] a runtime of its own (the stores work from any runtime).
pub fn backends(dir: &Path, name: &str) -> Vec<(String, Store, Option<String>)> {
    backends_on(&rt(), dir, name)
}
