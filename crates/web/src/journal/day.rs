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
use closer_store::NewCheckIn;
use std::fmt::Write;

/// The three questions of a check-in: the field, its label.
const SCALES: [(&str, &str); 3] = [
    ("closeness", "jr.day-closeness"),
    ("distress", "jr.day-distress"),
    ("safety", "jr.day-safety"),
];

/// An answer that is not a whole number from 0 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfScale;

/// A 0–10 answer: empty is no answer; anything else that is not a whole number from 0 to 10
/// is refused.
pub fn scale(v: Option<&str>) -> Result<Option<u8>, OutOfScale> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => match s.parse::<u8>() {
            Ok(n) if n <= 10 => Ok(Some(n)),
            _ => Err(OutOfScale),
        },
    }
}

fn day_page(who: &SignedIn, status: StatusCode, problem: bool) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p>",
        label("jr.day-heading"),
        nav(who),
        label("jr.day-intro")
    );
    if problem {
        let _ = write!(
            main,
            "<p class=\"notice\" role=\"alert\">{}</p>",
            label("jr.day-problem")
        );
    }
    main.push_str(&form_open(who, Id::DayAdd, "stack"));
    for (name, key) in SCALES {
        let _ = write!(
            main,
            "<p><label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" type=\"number\" min=\"0\" max=\"10\" step=\"1\" inputmode=\"numeric\" autocomplete=\"off\"></p>",
            label(key)
        );
    }
    let _ = write!(
        main,
        "<p><label for=\"day-note\">{}</label><textarea id=\"day-note\" name=\"note\" rows=\"3\" autocomplete=\"off\"></textarea></p><p><button type=\"submit\">{}</button></p></form>",
        label("jr.day-note"),
        label("jr.day-save")
    );
    page(who, status, &main)
}

pub async fn day(who: SignedIn) -> Response {
    day_page(&who, StatusCode::OK, false)
}

pub async fn day_add(p: Posted) -> Response {
    let who = &p.who;
    let mut v = [None; 3];
    for (i, (name, _)) in SCALES.iter().enumerate() {
        match scale(p.form.get(name)) {
            Ok(x) => v[i] = x,
            Err(OutOfScale) => return day_page(who, StatusCode::UNPROCESSABLE_ENTITY, true),
        }
    }
    let note = p
        .form
        .get("note")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let now = who.state().now() as i64;
    let c = NewCheckIn {
        at: now,
        offset_minutes: 0,
        closeness: v[0],
        distress: v[1],
        safety: v[2],
        note: note.clone(),
    };
    match who.store.add_checkin(&who.person, &c, now).await {
        Ok(_) => kept(who, "jr.day-kept", note.as_deref()),
        Err(closer_store::Error::Invalid(_)) => {
            day_page(who, StatusCode::UNPROCESSABLE_ENTITY, true)
        }
        Err(_) => crate::pages::unavailable(who.state()),
    }
}

fn note_page(who: &SignedIn, status: StatusCode, empty: bool) -> Response {
    let mut main = format!(
        "<h1>{}</h1><p>{}</p><p>{}</p>",
        label("jr.record-heading"),
        label("jr.record-intro"),
        label("jr.record-device")
    );
    if empty {
        let _ = write!(
            main,
            "<p class=\"notice\" role=\"alert\">{}</p>",
            label("jr.record-empty")
        );
    }
    let _ = write!(
        main,
        "{}<p><label for=\"record\">{}</label><textarea id=\"record\" name=\"text\" rows=\"8\" autocomplete=\"off\"></textarea></p><p><button type=\"submit\">{}</button></p></form><p><a href=\"{}\">{}</a></p>",
        form_open(who, Id::NoteAdd, "stack"),
        label("jr.record-text"),
        label("jr.record-save"),
        esc(crate::routes::path(Id::Numbers)),
        label("web.numbers-link")
    );
    page(who, status, &main)
}

pub async fn note(who: SignedIn) -> Response {
    note_page(&who, StatusCode::OK, false)
}

pub async fn note_add(p: Posted) -> Response {
    let who = &p.who;
    let text = p.form.get("text").unwrap_or("");
    if text.trim().is_empty() {
        return note_page(who, StatusCode::UNPROCESSABLE_ENTITY, true);
    }
    let now = who.state().now() as i64;
    match who.store.add_incident(&who.person, now, 0, text, now).await {
        Ok(_) => kept(who, "jr.record-kept", Some(text)),
        Err(_) => crate::pages::unavailable(who.state()),
    }
}

#[cfg(test)]
mod tests {
    use super::{OutOfScale, scale};

    #[test]
    fn a_scale_answer_is_empty_or_a_whole_number_from_0_to_10() {
        assert_eq!(scale(None), Ok(None));
        assert_eq!(scale(Some(" ")), Ok(None));
        assert_eq!(scale(Some("0")), Ok(Some(0)));
        assert_eq!(scale(Some(" 10 ")), Ok(Some(10)));
        assert_eq!(scale(Some("11")), Err(OutOfScale));
        assert_eq!(scale(Some("-1")), Err(OutOfScale));
        assert_eq!(scale(Some("5.5")), Err(OutOfScale));
        assert_eq!(scale(Some("seven")), Err(OutOfScale));
    }
}
