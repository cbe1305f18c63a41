//! The entry form, read into what the store records. Every field is parsed by the same
//! functions as `closer log` (`closer_domain::fields`, `closer_guide::words::pick`), so the two
//! surfaces accept and refuse alike; an error names the field, what was expected and what was
//! found.

use crate::forms::Form;
use closer_domain::fields::{parse_at, parse_move, parse_way};
use closer_domain::{MoveType, Way};
use closer_guide::words;
use closer_store::{Actor, EntryEdit, NewEntry};

/// The longest note kept from one form, in bytes (the body limit is the outer bound).
pub const NOTE_MAX: usize = 8_000;

/// What one posted entry form asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// My move and my perception of my partner's, as entries logged together (mine first).
    pub entries: Vec<NewEntry>,
    /// Whether my own move is to be shared with my partner (never the perception).
    pub share_partner: bool,
}

fn opt<'a>(f: &'a Form, name: &str) -> Option<&'a str> {
    f.get(name).map(str::trim).filter(|s| !s.is_empty())
}

fn intensity(f: &Form) -> Result<Option<u8>, String> {
    match opt(f, "intensity") {
        None => Ok(None),
        Some(s) => match s.parse::<u8>() {
            Ok(n) if n <= 10 => Ok(Some(n)),
            _ => Err(format!(
                "intensity: expected a whole number from 0 to 10, found {s:?}"
            )),
        },
    }
}

fn note(f: &Form) -> Result<Option<String>, String> {
    let n = f.get("note").unwrap_or("");
    if n.len() > NOTE_MAX {
        return Err(format!(
            "note: expected at most {NOTE_MAX} bytes, found {}",
            n.len()
        ));
    }
    // Kept exactly as written (line ends as the browser sent them), unless it is only blank.
    Ok(Some(n.to_string()).filter(|s| !s.trim().is_empty()))
}

fn at(f: &Form, now: i64) -> Result<(i64, i32), String> {
    match opt(f, "at") {
        None => Ok((now, 0)),
        Some(s) => parse_at("at", s, now),
    }
}

fn way(f: &Form) -> Result<Option<Way>, String> {
    opt(f, "way").map(|s| parse_way("way", s)).transpose()
}

fn moved(f: &Form, name: &str) -> Result<Option<(MoveType, Option<String>)>, String> {
    opt(f, name).map(|s| parse_move(name, s)).transpose()
}

/// Reads a posted entry form: `move` (mine) and/or `partner_move` (my view of theirs), then
/// `feeling` and `need` (repeatable, from the guide's lists), `intensity` (0–10), `way`, `note`,
/// `at` (a time as `closer log --at` takes it; now when empty) and the checkbox `share_partner`.
pub fn moment(f: &Form, now: i64) -> Result<Moment, String> {
    let mine = moved(f, "move")?;
    let partner = moved(f, "partner_move")?;
    if mine.is_none() && partner.is_none() {
        return Err(
            "move: expected one of reach, withdraw, break, turn_toward, repair, return, found nothing"
                .into(),
        );
    }
    let feelings = words::pick("feeling", words::feelings(), &strings(f.all("feeling")))?;
    let needs = words::pick("need", words::needs(), &strings(f.all("need")))?;
    let intensity = intensity(f)?;
    let way = way(f)?;
    let note = note(f)?;
    let (at, offset_minutes) = at(f, now)?;
    let share_partner = f.get("share_partner").is_some();
    if share_partner && mine.is_none() {
        return Err("share_partner: only your own move can be shared; pick your move too".into());
    }
    let base = NewEntry {
        at,
        offset_minutes,
        ..NewEntry::default()
    };
    let mut entries = Vec::new();
    if let Some((mt, kind)) = &mine {
        entries.push(NewEntry {
            by: Some(Actor::Me),
            move_type: Some(*mt),
            kind: kind.clone(),
            feelings: feelings.clone(),
            needs: needs.clone(),
            intensity,
            way,
            note: note.clone(),
            ..base.clone()
        });
    }
    if let Some((mt, kind)) = partner {
        entries.push(NewEntry {
            by: Some(Actor::Partner),
            move_type: Some(mt),
            kind,
            // With no move of mine, the note belongs to the perception (as in `closer log`).
            note: if mine.is_none() { note } else { None },
            ..base
        });
    }
    Ok(Moment {
        entries,
        share_partner,
    })
}

/// Reads a posted edit of one entry: every field of the form replaces the entry's (an empty
/// field clears it); `recorded_at` is not a field and cannot change.
pub fn edit(f: &Form, now: i64) -> Result<EntryEdit, String> {
    let (move_type, kind) = match moved(f, "move")? {
        Some((m, k)) => (Some(m), Some(k)),
        None => {
            return Err(
                "move: expected one of reach, withdraw, break, turn_toward, repair, return, found nothing"
                    .into(),
            );
        }
    };
    Ok(EntryEdit {
        at: opt(f, "at").map(|s| parse_at("at", s, now)).transpose()?,
        move_type,
        kind,
        feelings: Some(words::pick(
            "feeling",
            words::feelings(),
            &strings(f.all("feeling")),
        )?),
        needs: Some(words::pick(
            "need",
            words::needs(),
            &strings(f.all("need")),
        )?),
        intensity: Some(intensity(f)?),
        way: Some(way(f)?),
        note: Some(note(f)?),
    })
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

    fn form(s: &str) -> Form {
        Form::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn a_whole_moment_is_read_like_closer_log() {
        let m = moment(
            &form("move=break&partner_move=reach&feeling=overwhelmed&feeling=&need=calm&intensity=7&way=pause&note=my+own%0Awords&at=2026-03-01T20%3A30%3A00%2B01%3A00&share_partner=on&csrf=x"),
            NOW,
        )
        .unwrap();
        assert!(m.share_partner);
        assert_eq!(m.entries.len(), 2);
        let mine = &m.entries[0];
        assert_eq!(mine.by, Some(Actor::Me));
        assert_eq!(mine.move_type, Some(MoveType::Withdraw));
        assert_eq!(mine.kind.as_deref(), Some("break"));
        assert_eq!(mine.feelings, ["overwhelmed"]);
        assert_eq!(mine.needs, ["calm"]);
        assert_eq!(mine.intensity, Some(7));
        assert_eq!(mine.way, Some(Way::Pause));
        assert_eq!(mine.note.as_deref(), Some("my own\nwords"));
        assert_eq!((mine.at, mine.offset_minutes), (NOW - 7200, 60));
        let theirs = &m.entries[1];
        assert_eq!(theirs.by, Some(Actor::Partner));
        assert_eq!(theirs.move_type, Some(MoveType::Reach));
        assert!(theirs.note.is_none() && theirs.feelings.is_empty());
        // Without a time, now; without the checkbox, nothing is shared.
        let m = moment(&form("move=reach"), NOW).unwrap();
        assert_eq!((m.entries[0].at, m.share_partner), (NOW, false));
    }

    #[test]
    fn bad_fields_are_named_with_what_was_expected() {
        let cases = [
            ("", "move: expected one of reach"),
            ("move=shout", "move: expected one of reach"),
            (
                "move=reach&feeling=zzz",
                "feeling: expected one of the listed words",
            ),
            (
                "move=reach&need=zzz",
                "need: expected one of the listed words",
            ),
            (
                "move=reach&intensity=11",
                "intensity: expected a whole number from 0 to 10",
            ),
            (
                "move=reach&intensity=-1",
                "intensity: expected a whole number from 0 to 10",
            ),
            ("move=reach&way=run", "way: expected one of pause"),
            (
                "move=reach&at=2099-01-01",
                "at: expected a time that is not in the future",
            ),
            ("move=reach&at=soon", "at: expected a time such as"),
            (
                "partner_move=reach&share_partner=on",
                "share_partner: only your own move",
            ),
        ];
        for (body, want) in cases {
            let e = moment(&form(body), NOW).unwrap_err();
            assert!(e.starts_with(want), "{body}: {e}");
        }
        let long = format!("move=reach&note={}", "a".repeat(NOTE_MAX + 1));
        assert!(
            moment(&form(&long), NOW)
                .unwrap_err()
                .starts_with("note: expected at most")
        );
    }

    #[test]
    fn an_edit_replaces_every_field_and_clears_empty_ones() {
        let e = edit(&form("move=repair&note=&intensity=&feeling=tired"), NOW).unwrap();
        assert_eq!(e.move_type, Some(MoveType::Repair));
        assert_eq!(e.kind, Some(None));
        assert_eq!(e.note, Some(None));
        assert_eq!(e.intensity, Some(None));
        assert_eq!(e.feelings, Some(vec!["tired".to_string()]));
        assert_eq!(e.at, None, "an empty time keeps the entry's time");
        assert!(edit(&form("note=x"), NOW).is_err());
    }
}
