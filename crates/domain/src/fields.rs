//! The fields a person gives when logging a move, parsed the same way on every surface (the
//! command line's flags and the web app's form): a time, a move (with `break` as a withdraw of
//! kind `break`) and a way of responding. Errors name the field, what was expected and what was
//! found; the caller prefixes nothing and adds no words.

use crate::{MoveType, Way};
use std::str::FromStr;

/// A time the person gives: RFC 3339 with its offset, `YYYY-MM-DD HH:MM` (UTC; a `T` works too)
/// or `YYYY-MM-DD` (midnight UTC), never more than five minutes after `now`. Returns seconds
/// since 1970 and the offset in minutes.
pub fn parse_at(field: &str, s: &str, now: i64) -> Result<(i64, i32), String> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let t = s.trim();
    let (at, off) = if let Ok(dt) = time::OffsetDateTime::parse(t, &Rfc3339) {
        (dt.unix_timestamp(), dt.offset().whole_minutes() as i32)
    } else if let Ok(dt) = time::PrimitiveDateTime::parse(
        &t.replacen('T', " ", 1),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    ) {
        (dt.assume_utc().unix_timestamp(), 0)
    } else if let Ok(d) = time::Date::parse(t, format_description!("[year]-[month]-[day]")) {
        (d.midnight().assume_utc().unix_timestamp(), 0)
    } else {
        return Err(format!(
            "{field}: expected a time such as 2026-03-01T21:30:00+01:00, 2026-03-01 21:30 (UTC) or 2026-03-01, found {s:?}"
        ));
    };
    if at > now + 300 {
        return Err(format!(
            "{field}: expected a time that is not in the future, found {s:?}"
        ));
    }
    Ok((at, off))
}

/// A move by name (any case, `-` for `_`); `break` is a withdraw of kind `break`.
pub fn parse_move(field: &str, s: &str) -> Result<(MoveType, Option<String>), String> {
    let t = s.trim().to_lowercase().replace('-', "_");
    if t == "break" {
        return Ok((MoveType::Withdraw, Some("break".into())));
    }
    MoveType::from_str(&t).map(|m| (m, None)).map_err(|_| {
        format!(
            "{field}: expected one of reach, withdraw, break, turn_toward, repair, return, found {s:?}"
        )
    })
}

/// A way of responding by name.
pub fn parse_way(field: &str, s: &str) -> Result<Way, String> {
    Way::from_str(&s.trim().to_lowercase()).map_err(|_| {
        format!("{field}: expected one of pause, curious, space, name, stay, explore, found {s:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_772_400_600; // 2026-03-01T21:30:00Z

    #[test]
    fn times_in_three_forms_and_never_in_the_future() {
        assert_eq!(
            parse_at("at", "2026-03-01T21:30:00+01:00", NOW),
            Ok((NOW - 3600, 60))
        );
        assert_eq!(parse_at("at", "2026-03-01 20:30", NOW), Ok((NOW - 3600, 0)));
        assert_eq!(parse_at("at", "2026-03-01T20:30", NOW), Ok((NOW - 3600, 0)));
        assert_eq!(parse_at("at", "2026-03-01", NOW), Ok((NOW - 77_400, 0)));
        let e = parse_at("at", "2026-03-02", NOW).unwrap_err();
        assert!(
            e.starts_with("at: expected a time that is not in the future"),
            "{e}"
        );
        let e = parse_at("when", "yesterday", NOW).unwrap_err();
        assert!(e.starts_with("when: expected a time such as"), "{e}");
        assert!(e.ends_with("found \"yesterday\""), "{e}");
    }

    #[test]
    fn moves_and_ways_by_name() {
        assert_eq!(
            parse_move("move", "Break"),
            Ok((MoveType::Withdraw, Some("break".into())))
        );
        assert_eq!(
            parse_move("move", "turn-toward"),
            Ok((MoveType::TurnToward, None))
        );
        let e = parse_move("move", "shout").unwrap_err();
        assert!(e.starts_with("move: expected one of reach,"), "{e}");
        assert_eq!(parse_way("way", " Pause "), Ok(Way::Pause));
        assert!(
            parse_way("way", "x")
                .unwrap_err()
                .starts_with("way: expected one of pause")
        );
    }
}
