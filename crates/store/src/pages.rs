//! What the web journal needs of the store (issue 15): a per-person data version, so a cache
//! knows when to refresh, the order of entries (insertion order within a second, from a
//! per-person counter kept inside the sealed bodies) and a paginated list for the owner.
//!
//! The version is a random token replaced by every write of that person (entries, edits,
//! deletions, shares, check-ins, incidents, assessments, kept screen results, imports, the lock),
//! so it changes exactly when something of theirs changed and says nothing about how much.
//! Another person's writes never change it.

use crate::{Actor, Entry, Result, Store, on_db, random_id};

/// Takes `$3` places of person `$1`'s counter and sets their version to `$2`. The same text on
/// both backends; no `RETURNING`, so the statement is finished when it returns (an unfinished
/// statement would keep SQLite's write open). Read the counter with [`SEQ_SQL`] in the same
/// transaction.
pub(crate) const BUMP_SQL: &str = "INSERT INTO journal_state (person_id, version, seq) VALUES ($1, $2, $3) \
     ON CONFLICT (person_id) DO UPDATE SET version = excluded.version, seq = journal_state.seq + excluded.seq";

/// The last place taken of person `$1`'s counter.
pub(crate) const SEQ_SQL: &str = "SELECT seq FROM journal_state WHERE person_id = $1";

/// One page of the owner's list, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPage {
    pub entries: Vec<Entry>,
    /// The page shown, from 1 (a page past the end shows the last one).
    pub page: usize,
    /// How many pages there are (at least 1, even when there are no entries).
    pub pages: usize,
    pub total: usize,
}

/// The order of a person's entries: by the time given, then when recorded, then insertion order
/// (the counter), then my move before my perception of my partner's, then the id (only for
/// entries written before the counter existed).
pub fn sort_entries(v: &mut [Entry]) {
    v.sort_by(|a, b| {
        (
            a.data.at,
            a.data.recorded_at,
            a.data.seq,
            a.data.by == Actor::Partner,
            &a.id,
        )
            .cmp(&(
                b.data.at,
                b.data.recorded_at,
                b.data.seq,
                b.data.by == Actor::Partner,
                &b.id,
            ))
    });
}

/// Page `page` (from 1) of `per_page` entries of a list in time order, newest first. A page of
/// 0 is the first; past the end is the last. `per_page` of 0 is taken as 1.
pub fn paginate(sorted: &[Entry], page: usize, per_page: usize) -> EntryPage {
    let per_page = per_page.max(1);
    let total = sorted.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = page.clamp(1, pages);
    let skip = (page - 1) * per_page;
    let entries = sorted
        .iter()
        .rev()
        .skip(skip)
        .take(per_page)
        .cloned()
        .collect();
    EntryPage {
        entries,
        page,
        pages,
        total,
    }
}

impl Store {
    /// The person's data version: a token that changes on every write of theirs ("" before the
    /// first write).
    pub async fn data_version(&self, person: &str) -> Result<String> {
        let r: Option<(String,)> = on_db!(self, p => sqlx::query_as("SELECT version FROM journal_state WHERE person_id = $1")
            .bind(person)
            .fetch_optional(p)
            .await)?;
        Ok(r.map(|x| x.0).unwrap_or_default())
    }

    /// A new data version for `person` after a write of theirs. Called after the write has
    /// committed, so a reader never keeps old content under the new version.
    pub(crate) async fn touch(&self, person: &str) -> Result<()> {
        on_db!(self, p => sqlx::query(BUMP_SQL)
            .bind(person)
            .bind(random_id())
            .bind(0_i64)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// One page of the viewer's own entries, newest first (see [`paginate`]). Every call opens
    /// all of the viewer's entries; the web app keeps the sorted list per data version instead.
    pub async fn entries_page(
        &self,
        viewer: &str,
        page: usize,
        per_page: usize,
    ) -> Result<EntryPage> {
        let all = self.entries(viewer, None).await?;
        Ok(paginate(&all, page, per_page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EntryData;
    use closer_domain::MoveType;

    fn e(id: &str, at: i64, recorded_at: i64, seq: i64, by: Actor) -> Entry {
        Entry {
            id: id.into(),
            data: EntryData {
                at,
                offset_minutes: 0,
                recorded_at,
                by,
                move_type: MoveType::Reach,
                kind: None,
                feelings: vec![],
                needs: vec![],
                intensity: None,
                way: None,
                note: None,
                cycle: vec![],
                moment: "m".into(),
                edited_at: vec![],
                imported_at: None,
                seq,
            },
        }
    }

    #[test]
    fn same_second_entries_keep_insertion_order_whatever_their_ids() {
        // Ids chosen against the insertion order: "z" was written first.
        let mut v = vec![
            e("a", 100, 100, 3, Actor::Me),
            e("z", 100, 100, 1, Actor::Me),
            e("m", 100, 100, 2, Actor::Partner),
            e("b", 50, 200, 9, Actor::Me),
        ];
        sort_entries(&mut v);
        let ids: Vec<&str> = v.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["b", "z", "m", "a"]);
        // Without a counter (old entries), my move comes before my perception, then the id.
        let mut old = vec![
            e("a", 100, 100, 0, Actor::Partner),
            e("c", 100, 100, 0, Actor::Me),
            e("b", 100, 100, 0, Actor::Me),
        ];
        sort_entries(&mut old);
        let ids: Vec<&str> = old.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn pages_are_newest_first_and_clamped() {
        let v: Vec<Entry> = (1..=7)
            .map(|i| e(&format!("e{i}"), i, i, i, Actor::Me))
            .collect();
        let p1 = paginate(&v, 1, 3);
        assert_eq!((p1.page, p1.pages, p1.total), (1, 3, 7));
        let ids: Vec<&str> = p1.entries.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["e7", "e6", "e5"]);
        let p3 = paginate(&v, 3, 3);
        let ids: Vec<&str> = p3.entries.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["e1"]);
        assert_eq!(paginate(&v, 99, 3).page, 3);
        assert_eq!(paginate(&v, 0, 3).page, 1);
        let empty = paginate(&[], 5, 3);
        assert_eq!((empty.page, empty.pages, empty.total), (1, 1, 0));
        assert!(empty.entries.is_empty());
        assert_eq!(paginate(&v, 1, 0).entries.len(), 1);
    }
}
