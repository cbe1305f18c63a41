//! The daily check-in (`/day`) and the private record of what happened (`/note`) of a
//! signed-in person (issue 15). Both are kept in the person's own journal under their data key
//! (`Store::add_checkin`, `Store::add_incident`); neither can be shared (the store's allowlist
//! has no place for them) and the record is never counted in patterns. The record page is
//! reached from the fear path of the help area (the walk's `View::private_record` step links
//! here when a person is signed in); the journal's own pages never link to it.

use super::pages::{kept, nav};
use crate::account::{Posted, SignedIn, form_open, page};
use crate::html::{esc, label};
use crate::routes::Id;
use axum::http::StatusCode;
use axum::response::Response;
use closer_domain::fields::parse_at;
use closer_store::{NewCheckIn, OutOfScale};
use std::fmt::Write;

/// The three questions of a check-in: the field (the store's [`NewCheckIn::SCALES`]), its label.
const SCALES: [(&str, &str); 3] = [
    (NewCheckIn::SCALES[0], "jr.day-closeness"),
    (NewCheckIn::SCALES[1], "jr.day-distress"),
    (NewCheckIn::SCALES[2], "jr.day-safety"),
];

/// How far ahead of the server's clock "when" may be (a phone's clock a little fast).
pub const AHEAD_SECS: i64 = 60;

/// A 0–10 answer, by the store's one rule ([`NewCheckIn::scale`]): empty is no answer.
pub fn scale(field: &'static str, v: Option<&str>) -> Result<Option<u8>, OutOfScale> {
    NewCheckIn::scale(field, v)
}

/// "This happened earlier": the optional `at` field of `/day` and `/note`, read as the entry
/// form and `closer log --at` read it (`closer_domain::fields::parse_at`; a date and time from
/// the browser's date-and-time field is taken as UTC). Empty is now; a time more than
/// [`AHEAD_SECS`] ahead of now is refused with what was expected and what was found.
pub fn when(v: Option<&str>, now: i64) -> Result<(i64, i32), String> {
    let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((now, 0));
    };
    let (at, off) = parse_at("at", t, now)?;
    if at > now + AHEAD_SECS {
        return Err(format!(
            "at: expected a time that is not in the future, found {t:?}"
        ));
    }
    Ok((at, off))
}

/// The "when" field of both forms: empty means now.
fn when_field(id: &str) -> String {
    format!(
        "<p><label for=\"{id}\">{}</label><span class=\"hint\" id=\"{id}-hint\">{}</span><input id=\"{id}\" name=\"at\" type=\"datetime-local\" step=\"60\" autocomplete=\"off\" aria-describedby=\"{id}-hint\"></p>",
        label("jr.when"),
        label("jr.earlier-hint")
    )
}

/// The notice above a form that needs another look: the page's sentence, then what the field
/// expected and what was found.
fn problem_html(key: &str, detail: &str) -> String {
    format!(
        "<div class=\"notice\" role=\"alert\"><p>{}</p><p>{}</p></div>",
        label(key),
        esc(detail)
    )
}

fn day_page(who: &SignedIn, status: StatusCode, problem: Option<(&str, &str)>) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p>",
        label("jr.day-heading"),
        nav(who),
        label("jr.day-intro")
    );
    if let Some((key, detail)) = problem {
        main.push_str(&problem_html(key, detail));
    }
    main.push_str(&form_open(who, Id::DayAdd, "stack"));
    for (name, key) in SCALES {
        let _ = write!(
            main,
            "<p><label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" type=\"number\" min=\"0\" max=\"{}\" step=\"1\" inputmode=\"numeric\" autocomplete=\"off\"></p>",
            label(key),
            NewCheckIn::SCALE_MAX
        );
    }
    let _ = write!(
        main,
        "<p><label for=\"day-note\">{}</label><textarea id=\"day-note\" name=\"note\" rows=\"3\" autocomplete=\"off\"></textarea></p>{}<p><button type=\"submit\">{}</button></p></form>",
        label("jr.day-note"),
        when_field("day-at"),
        label("jr.day-save")
    );
    page(who, status, &main)
}

pub async fn day(who: SignedIn) -> Response {
    day_page(&who, StatusCode::OK, None)
}

pub async fn day_add(p: Posted) -> Response {
    let who = &p.who;
    let refused = |key: &str, detail: &str| {
        day_page(who, StatusCode::UNPROCESSABLE_ENTITY, Some((key, detail)))
    };
    let mut v = [None; 3];
    for (i, (name, _)) in SCALES.iter().enumerate() {
        match scale(name, p.form.get(name)) {
            Ok(x) => v[i] = x,
            Err(e) => return refused("jr.day-problem", &e.to_string()),
        }
    }
    let now = who.state().now_secs();
    let (at, offset_minutes) = match when(p.form.get("at"), now) {
        Ok(x) => x,
        Err(e) => return refused("jr.problem", &e),
    };
    let note = p
        .form
        .get("note")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let c = NewCheckIn {
        at,
        offset_minutes,
        closeness: v[0],
        distress: v[1],
        safety: v[2],
        note: note.clone(),
    };
    match who.store.add_checkin(&who.person, &c, now).await {
        Ok(_) => kept(who, "jr.day-kept", note.as_deref()),
        Err(closer_store::Error::Invalid(e)) => refused("jr.day-problem", &e),
        Err(_) => crate::pages::unavailable(who.state()),
    }
}

fn note_page(who: &SignedIn, status: StatusCode, problem: Option<(&str, &str)>) -> Response {
    // The journal's menu, as on the other signed-in pages: the way back to the journal (the
    // menu itself never links here).
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p><p>{}</p>",
        label("jr.record-heading"),
        nav(who),
        label("jr.record-intro"),
        label("jr.record-device")
    );
    if let Some((key, detail)) = problem {
        if detail.is_empty() {
            let _ = write!(
                main,
                "<p class=\"notice\" role=\"alert\">{}</p>",
                label(key)
            );
        } else {
            main.push_str(&problem_html(key, detail));
        }
    }
    let _ = write!(
        main,
        "{}<p><label for=\"record\">{}</label><textarea id=\"record\" name=\"text\" rows=\"8\" autocomplete=\"off\"></textarea></p>{}<p><button type=\"submit\">{}</button></p></form><p><a href=\"{}\">{}</a></p>",
        form_open(who, Id::NoteAdd, "stack"),
        label("jr.record-text"),
        when_field("record-at"),
        label("jr.record-save"),
        esc(crate::routes::path(Id::Numbers)),
        label("web.numbers-link")
    );
    page(who, status, &main)
}

pub async fn note(who: SignedIn) -> Response {
    note_page(&who, StatusCode::OK, None)
}

pub async fn note_add(p: Posted) -> Response {
    let who = &p.who;
    let text = p.form.get("text").unwrap_or("");
    if text.trim().is_empty() {
        return note_page(
            who,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(("jr.record-empty", "")),
        );
    }
    let now = who.state().now_secs();
    let (at, offset) = match when(p.form.get("at"), now) {
        Ok(x) => x,
        Err(e) => {
            return note_page(
                who,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(("jr.problem", &e)),
            );
        }
    };
    match who
        .store
        .add_incident(&who.person, at, offset, text, now)
        .await
    {
        Ok(_) => kept(who, "jr.record-kept", Some(text)),
        Err(_) => crate::pages::unavailable(who.state()),
    }
}

#[cfg(test)]
mod tests {
    use super::{AHEAD_SECS, scale, when};

    #[test]
    fn a_scale_answer_is_the_stores_rule() {
        assert_eq!(scale("distress", None), Ok(None));
        assert_eq!(scale("distress", Some(" 10 ")), Ok(Some(10)));
        let e = scale("distress", Some("11")).unwrap_err();
        assert_eq!((e.field, e.found.as_str()), ("distress", "11"));
    }

    #[test]
    fn when_is_now_or_earlier_never_more_than_a_minute_ahead() {
        // 2026-03-01 21:30:00 UTC.
        let now = 1_772_400_600;
        assert_eq!(when(None, now), Ok((now, 0)));
        assert_eq!(when(Some("  "), now), Ok((now, 0)));
        // The browser's date-and-time field (no seconds), and a whole day.
        assert_eq!(when(Some("2026-03-01T20:00"), now), Ok((now - 5400, 0)));
        assert_eq!(when(Some("2026-02-28"), now), Ok((1_772_236_800, 0)));
        // Up to a minute ahead is a clock a little fast; more is refused, named.
        assert_eq!(
            when(Some("2026-03-01T21:31"), now),
            Ok((now + AHEAD_SECS, 0))
        );
        assert_eq!(
            when(Some("2026-03-01T21:32"), now),
            Err("at: expected a time that is not in the future, found \"2026-03-01T21:32\"".into())
        );
        let e = when(Some("yesterday"), now).unwrap_err();
        assert!(e.starts_with("at: expected a time such as"), "{e}");
        assert!(e.ends_with("found \"yesterday\""), "{e}");
    }
}
