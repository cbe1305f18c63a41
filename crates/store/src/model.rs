//! What a person records, as stored (inside a record's body) and as exported.
//!
//! Times are whole seconds since 1970-01-01T00:00Z (`at` is what the person gives, `recorded_at`
//! is set by closer and never changes), with the offset the person gave, in minutes, for showing
//! the local day and time.

use closer_domain::{MoveType, Way};
use serde::{Deserialize, Serialize};

/// Who made a move, from the owner's side: the owner, or their partner *as the owner saw it*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Me,
    Partner,
}

/// One entry's content. An entry is one move; `by` = `Partner` makes it the owner's perception
/// of their partner's move (`recorded_by` is always the owner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryData {
    pub at: i64,
    #[serde(default)]
    pub offset_minutes: i32,
    pub recorded_at: i64,
    pub by: Actor,
    #[serde(rename = "move")]
    pub move_type: MoveType,
    /// For example `break` for a withdraw that is a break with a time to come back.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub feelings: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default)]
    pub intensity: Option<u8>,
    #[serde(default)]
    pub way: Option<Way>,
    /// The person's own words, kept exactly as written.
    #[serde(default)]
    pub note: Option<String>,
    /// My side of the cycle map, in picked words.
    #[serde(default)]
    pub cycle: Vec<String>,
    /// Entries logged together (my move and my perception of my partner's) share a moment id.
    pub moment: String,
    /// When the entry was edited (each edit keeps the earlier version in the owner's history).
    #[serde(default)]
    pub edited_at: Vec<i64>,
    /// Set when the entry came from an import, so an edited file cannot pass as an original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<i64>,
    /// The entry's place in its owner's insertion order (a per-person counter, set once when the
    /// entry is written; 0 for entries written before the counter existed). It breaks ties
    /// between entries of the same second, inside the sealed body so a dump shows no order.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: i64,
}

fn is_zero(x: &i64) -> bool {
    *x == 0
}

/// An entry with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    #[serde(flatten)]
    pub data: EntryData,
}

/// What a person gives when logging a move.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewEntry {
    pub at: i64,
    pub offset_minutes: i32,
    pub by: Option<Actor>,
    pub move_type: Option<MoveType>,
    pub kind: Option<String>,
    pub feelings: Vec<String>,
    pub needs: Vec<String>,
    pub intensity: Option<u8>,
    pub way: Option<Way>,
    pub note: Option<String>,
    pub cycle: Vec<String>,
}

/// A change to an entry: each `Some` replaces that field (`recorded_at` cannot be changed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryEdit {
    pub at: Option<(i64, i32)>,
    pub move_type: Option<MoveType>,
    pub kind: Option<Option<String>>,
    pub feelings: Option<Vec<String>>,
    pub needs: Option<Vec<String>>,
    pub intensity: Option<Option<u8>>,
    pub way: Option<Option<Way>>,
    pub note: Option<Option<String>>,
}

/// An earlier version of an entry (owner only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryVersion {
    pub entry: String,
    pub version: i64,
    #[serde(flatten)]
    pub data: EntryData,
}

/// What a partner or a named therapist link may ever see of an entry: the allowlist of
/// DESIGN.md §3.15. There is no field for a note, a perception, a time of day, an edit or an
/// import mark, so none can be shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedEntry {
    pub id: String,
    #[serde(rename = "move")]
    pub move_type: MoveType,
    pub feelings: Vec<String>,
    pub needs: Vec<String>,
    pub intensity: Option<u8>,
    pub way: Option<Way>,
    /// The day only, `YYYY-MM-DD` in the owner's offset.
    pub day: String,
    pub cycle: Vec<String>,
}

/// A daily check-in: ratings 0–10 and one optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInData {
    pub at: i64,
    #[serde(default)]
    pub offset_minutes: i32,
    pub recorded_at: i64,
    /// How close I felt.
    pub closeness: Option<u8>,
    /// How distressed or overwhelmed I felt.
    pub distress: Option<u8>,
    /// How safe I felt.
    pub safety: Option<u8>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<i64>,
}

/// What a person gives for a check-in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewCheckIn {
    pub at: i64,
    pub offset_minutes: i32,
    pub closeness: Option<u8>,
    pub distress: Option<u8>,
    pub safety: Option<u8>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: String,
    #[serde(flatten)]
    pub data: CheckInData,
}

/// A private incident record: what happened, in the person's own words. Never shared, never
/// counted in patterns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentData {
    pub at: i64,
    #[serde(default)]
    pub offset_minutes: i32,
    pub recorded_at: i64,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    #[serde(flatten)]
    pub data: IncidentData,
}

/// A questionnaire taken: the answers as given and the scores (the instrument's keys stay in
/// `closer-measure`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentData {
    pub at: i64,
    pub recorded_at: i64,
    pub instrument: String,
    pub answers: Vec<Option<f64>>,
    #[serde(default)]
    pub scores: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    #[serde(flatten)]
    pub data: AssessmentData,
}

/// A safety-screen result, kept only when the person chooses to keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenResultData {
    pub at: i64,
    pub recorded_at: i64,
    pub result: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenResult {
    pub id: String,
    #[serde(flatten)]
    pub data: ScreenResultData,
}

/// Who an entry is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The owner's linked partner.
    Partner,
    /// One named therapist link (by its id).
    Therapist(String),
}

/// Day `YYYY-MM-DD` of a time in the given offset.
pub fn day_of(at: i64, offset_minutes: i32) -> String {
    let local = at + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM` in the given offset, with the offset.
pub fn local_time(at: i64, offset_minutes: i32) -> String {
    let local = at + i64::from(offset_minutes) * 60;
    let secs = local.rem_euclid(86_400);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let o = offset_minutes.unsigned_abs();
    format!(
        "{} {:02}:{:02} (UTC{sign}{:02}:{:02})",
        day_of(at, offset_minutes),
        secs / 3600,
        (secs % 3600) / 60,
        o / 60,
        o % 60
    )
}

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(at: i64) -> String {
    let secs = at.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day_of(at, 0),
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Hinnant's algorithm: 0 ≤ doy ≤ 365 and 0 ≤ mp ≤ 11, so the day is in 1..=31 and the
    // month in 1..=12.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "day 1..=31 and month 1..=12 by construction"
    )]
    let (d, m) = (
        (doy - (153 * mp + 2) / 5 + 1) as u32,
        if mp < 10 { mp + 3 } else { mp - 9 } as u32,
    );
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The owner's entries as a moves file for `closer-analyze` (DESIGN.md §10): times in hours
/// since 1970-01-01T00:00Z, the owner as `A`, what they recorded of their partner as `B`, every
/// row `recorded_by` `A` (so a partner's move is read as the owner's perception).
pub fn to_moves_file(entries: &[Entry]) -> closer_domain::moves_csv::MovesFile {
    use closer_domain::moves_csv::{Column, MovesFile};
    use closer_domain::{Move, Person};
    let moves = entries
        .iter()
        .map(|e| {
            let by = match e.data.by {
                Actor::Me => Person::A,
                Actor::Partner => Person::B,
            };
            let mut m = Move::new(e.data.at as f64 / 3600.0, by, e.data.move_type);
            m.recorded_by = Some(Person::A);
            m.kind = e.data.kind.as_deref().map(Into::into);
            m.intensity = e.data.intensity;
            m.way = e.data.way;
            m
        })
        .collect();
    MovesFile {
        window: None,
        moves,
        columns: vec![
            Column::Kind,
            Column::Intensity,
            Column::Way,
            Column::RecordedBy,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_in_the_given_offset() {
        // 2026-03-01T21:30:00Z
        let t = 1_772_400_600;
        assert_eq!(rfc3339(t), "2026-03-01T21:30:00Z");
        assert_eq!(day_of(t, 0), "2026-03-01");
        assert_eq!(day_of(t, 180), "2026-03-02");
        assert_eq!(local_time(t, -300), "2026-03-01 16:30 (UTC-05:00)");
        assert_eq!(day_of(0, 0), "1970-01-01");
        assert_eq!(day_of(951_782_400, 0), "2000-02-29");
    }
}
