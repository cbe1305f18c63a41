//! My questionnaires in the browser (`/m`, issue 15) and the signed-in parts of the help area:
//! keeping the private questions' result (`/questions/keep`) and the coaching switch
//! (`/questions/mode`).
//!
//! What a score, its error, the change and the signals are comes from
//! `closer_guide::measure_view`, the same functions `closer assess` uses; this file reads the
//! forms and lays the `Said` values out. Kept results go to the person's own journal under their
//! data key (`Store::add_assessment`, `Store::keep_screen_result`) and are never shared; safety
//! mode is the person's own sealed setting (`Store::set_safety_mode`). Between showing a result
//! and keeping it, the answers travel only inside a sealed, expiring hidden field bound to the
//! person, never in a URL.

use crate::Shared;
use crate::account::{Posted, SignedIn, form_open, page};
use crate::html::{esc, label, said};
use crate::journal::pages::nav;
use crate::routes::{self, Id};
use crate::seal::STATE_TTL_SECS;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use closer_guide::measure_view::{self as mv, Choice};
use closer_safety::screen::{self, Answer, Danger};
use closer_store::{AssessmentData, ScreenResultData, day_of};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

const MEASURE: &str = "measure-keep";
const SCREEN: &str = "questions-keep";

/// What the keep form of a measure carries, sealed: whose it is, the form and the answers.
#[derive(Serialize, Deserialize)]
struct KeepMeasure {
    person: String,
    instrument: String,
    scale: [i32; 2],
    answers: Vec<i16>,
}

/// What the keep form of the private questions carries, sealed.
#[derive(Serialize, Deserialize)]
struct KeepScreen {
    person: String,
    answers: Vec<(String, Answer)>,
}

fn seal<T: Serialize>(st: &Shared, purpose: &str, v: &T) -> String {
    let json = serde_json::to_vec(v).expect("a keep form serialises");
    st.sealer.seal(purpose, st.now(), STATE_TTL_SECS, &json)
}

fn open<T: for<'de> Deserialize<'de>>(st: &Shared, purpose: &str, token: &str) -> Option<T> {
    let bytes = st.sealer.open(purpose, st.now(), token).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn back_link() -> String {
    format!(
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Measures),
        label("m.back")
    )
}

fn choice_name(c: &Choice) -> String {
    format!(
        "{} — {}, {} {}–{}",
        esc(&c.instrument.abbreviation),
        esc(&c.instrument.name),
        label("m.answered-on"),
        c.scale[0],
        c.scale[1]
    )
}

/// `GET /m`: the forms to choose from and my kept results, newest first.
pub async fn list(who: SignedIn) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p><h2>{}</h2><ul class=\"forms\">",
        label("m.heading"),
        nav(&who),
        label("m.intro"),
        label("m.choose")
    );
    for c in mv::choices() {
        let _ = write!(
            main,
            "<li>{}<input type=\"hidden\" name=\"instrument\" value=\"{}\"><input type=\"hidden\" name=\"scale\" value=\"{}\"><button type=\"submit\" class=\"secondary\">{}</button></form></li>",
            form_open(&who, Id::MeasuresForm, "inline"),
            esc(&c.instrument.id),
            esc(&c.scale_value()),
            choice_name(&c)
        );
    }
    main.push_str("</ul>");
    let _ = write!(main, "<h2>{}</h2>", label("m.kept-heading"));
    let kept = match who.store.assessments(&who.person).await {
        Ok(k) => k,
        Err(_) => return crate::pages::unavailable(who.state()),
    };
    if kept.is_empty() {
        let _ = write!(main, "<p>{}</p>", label("m.kept-none"));
    } else {
        main.push_str("<ul class=\"kept\" id=\"kept\">");
        for a in kept.iter().rev() {
            main.push_str(&kept_line(&a.data));
        }
        main.push_str("</ul>");
    }
    page(&who, StatusCode::OK, &main)
}

/// One kept result: the day, the form and its scores (numbers and the instrument's own labels).
fn kept_line(a: &AssessmentData) -> String {
    let inst = closer_measure_instrument(&a.instrument);
    let name = inst.map_or(a.instrument.clone(), |i| i.abbreviation.clone());
    let mut out = format!(
        "<li><strong>{}</strong> · {}",
        esc(&name),
        esc(&day_of(a.at, 0))
    );
    if let Some(inst) = inst {
        for sub in &inst.default_order().subscales {
            if let Some(x) = a.scores.get(&sub.id).and_then(serde_json::Value::as_f64) {
                let _ = write!(out, " · {} {:.2}", esc(&sub.label), x);
            }
        }
    }
    out.push_str("</li>");
    out
}

fn closer_measure_instrument(id: &str) -> Option<&'static closer_measure::instrument::Instrument> {
    closer_measure::instrument::get(id).ok().flatten()
}

/// The answer form of a choice, filled with `values` (on a second try), with a problem said.
fn form_page(
    who: &SignedIn,
    status: StatusCode,
    c: &Choice,
    values: &[String],
    problem: Option<(&mv::AnswerProblem, String)>,
) -> Response {
    let mut main = format!(
        "<h1>{}</h1><p>{}</p>",
        choice_name(c),
        label("m.form-intro")
    );
    if let Some((_, text)) = &problem {
        let _ = write!(
            main,
            "<p class=\"notice\" role=\"alert\" id=\"problem\">{}</p>",
            esc(text)
        );
    }
    let bad = problem.map(|(p, _)| match p {
        mv::AnswerProblem::Missing { item } | mv::AnswerProblem::OutOfRange { item } => {
            item.clone()
        }
    });
    main.push_str(&form_open(who, Id::MeasuresScore, "stack"));
    let _ = write!(
        main,
        "<input type=\"hidden\" name=\"instrument\" value=\"{}\"><input type=\"hidden\" name=\"scale\" value=\"{}\"><fieldset class=\"items\"><legend>{}</legend>",
        esc(&c.instrument.id),
        esc(&c.scale_value()),
        label("m.item")
    );
    for (i, item) in c.item_labels().iter().enumerate() {
        let v = values.get(i).map(String::as_str).unwrap_or("");
        let flag = if bad.as_deref() == Some(item.as_str()) {
            " aria-invalid=\"true\" aria-describedby=\"problem\" autofocus"
        } else {
            ""
        };
        let _ = write!(
            main,
            "<p class=\"item\"><label for=\"q{n}\">{}</label> <input id=\"q{n}\" name=\"q{n}\" type=\"number\" min=\"{}\" max=\"{}\" step=\"1\" inputmode=\"numeric\" autocomplete=\"off\" value=\"{}\"{flag}></p>",
            esc(item),
            c.scale[0],
            c.scale[1],
            esc(v),
            n = i + 1
        );
    }
    let _ = write!(
        main,
        "</fieldset><p><button type=\"submit\">{}</button></p></form>{}",
        label("m.score-button"),
        back_link()
    );
    page(who, status, &main)
}

fn unknown(who: &SignedIn) -> Response {
    let main = format!(
        "<h1>{}</h1><p>{}</p>{}",
        label("m.heading"),
        label("m.unknown"),
        back_link()
    );
    page(who, StatusCode::NOT_FOUND, &main)
}

fn choice_of(p: &Posted) -> Option<Choice> {
    mv::choice(p.form.get("instrument")?, p.form.get("scale")?)
}

/// `POST /m/form`: the answer form of the chosen instrument (`instrument`, `scale`).
pub async fn form(p: Posted) -> Response {
    match choice_of(&p) {
        Some(c) => form_page(&p.who, StatusCode::OK, &c, &[], None),
        None => unknown(&p.who),
    }
}

/// The choice and answers a sealed keep form (`k`) carries, when it is this person's.
fn sealed_answers(p: &Posted) -> Option<(Choice, closer_measure::Responses)> {
    let who = &p.who;
    let k = p
        .form
        .get("k")
        .and_then(|t| open::<KeepMeasure>(who.state(), MEASURE, t))
        .filter(|k| k.person == who.person)?;
    let c = mv::choice(&k.instrument, &format!("{}-{}", k.scale[0], k.scale[1]))?;
    let rows: Vec<Option<i16>> = k.answers.iter().map(|&a| Some(a)).collect();
    (rows.len() == c.instrument.items).then(|| {
        let r = closer_measure::Responses::from_rows(c.instrument.items, c.scale, &[rows]);
        (c, r)
    })
}

/// `POST /m/score`: the answers `q1`…`qN`; the scores, their error, the change against my last
/// kept result of the same form, the signals routed; and the offer to keep it. When the signals
/// route to help, the page asks where I am, as the help area does: the region picker posts the
/// sealed answers (`k`, never the answers in clear) and `region` back here, and the same result
/// is shown with that region's lines. The region is used for that one page and kept nowhere.
pub async fn score(p: Posted) -> Response {
    let who = &p.who;
    if p.form.get("k").is_some() {
        let Some((c, responses)) = sealed_answers(&p) else {
            return crate::pages::expired(who.state(), StatusCode::BAD_REQUEST);
        };
        let region = p
            .form
            .get("region")
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let region = match region.map(closer_safety::resources::normalise) {
            None => None,
            Some(Some(r)) => Some(r),
            Some(None) => return crate::pages::not_found(who.state()),
        };
        return result_page(who, c, responses, region).await;
    }
    let Some(c) = choice_of(&p) else {
        return unknown(who);
    };
    let values: Vec<String> = (1..=c.instrument.items)
        .map(|i| p.form.get(&format!("q{i}")).unwrap_or("").to_string())
        .collect();
    let responses = match mv::answers_from_form(&c, |i| values.get(i).map(String::as_str)) {
        Ok(r) => r,
        Err(problem) => {
            let text = mv::answer_problem(&closer_guide::narrate_measure::policy(), &c, &problem)
                .map(|s| s.text().to_string())
                .unwrap_or_default();
            return form_page(
                who,
                StatusCode::UNPROCESSABLE_ENTITY,
                &c,
                &values,
                Some((&problem, text)),
            );
        }
    };
    result_page(who, c, responses, None).await
}

/// The result of `responses`: the safety help first when it leads, the scores, the rest; the
/// region picker when the signals route to help (with `region`'s lines, else the international
/// directory); the offer to keep it.
async fn result_page(
    who: &SignedIn,
    c: Choice,
    responses: closer_measure::Responses,
    region: Option<&str>,
) -> Response {
    let kept = match who.store.assessments(&who.person).await {
        Ok(k) => k,
        Err(_) => return crate::pages::unavailable(who.state()),
    };
    let previous = kept
        .iter()
        .rev()
        .filter(|a| mv::kept_fits(&c, &a.data.instrument, &a.data.scores))
        .find_map(|a| mv::responses_from_kept(&c, &a.data.answers));
    let Ok(r) = mv::own_result(c, responses, previous.as_ref(), region) else {
        return crate::pages::bad_form(who.state());
    };
    let token = seal(
        who.state(),
        MEASURE,
        &KeepMeasure {
            person: who.person.clone(),
            instrument: c.instrument.id.clone(),
            scale: c.scale,
            answers: r.responses.row(0).to_vec(),
        },
    );
    let mut main = format!("<h1>{}</h1>", label("m.result-heading"));
    if r.routes_help() {
        let _ = write!(
            main,
            "<section class=\"numbers\" id=\"numbers\">{}<input type=\"hidden\" name=\"k\" value=\"{}\">{}</form></section>",
            form_open(who, Id::MeasuresScore, "region"),
            esc(&token),
            crate::pages::numbers::region_fields(region)
        );
    }
    let mut rest = r.said.iter();
    // Safety help and the numbers first, before any score, when they lead.
    for s in rest.by_ref().take(r.leading) {
        main.push_str(&said(s, 2));
    }
    let _ = write!(
        main,
        "<table class=\"scores\" id=\"scores\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        label("m.col-scale"),
        label("m.col-score"),
        label("m.col-range"),
        label("m.col-margin")
    );
    for s in &r.subscales {
        let _ = write!(
            main,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{:.2}–{:.2}</td><td>{}</td></tr>",
            esc(&s.label),
            s.score.map_or("—".to_string(), |x| format!("{x:.2}")),
            s.range[0],
            s.range[1],
            s.sem
                .map_or("—".to_string(), |e| format!("±{:.2}", 1.96 * e))
        );
    }
    main.push_str("</tbody></table>");
    for s in rest {
        main.push_str(&said(s, 2));
    }
    let _ = write!(
        main,
        "<section class=\"keep\"><p>{}</p>{}<input type=\"hidden\" name=\"k\" value=\"{}\"><button type=\"submit\">{}</button></form></section>{}",
        label("m.keep-offer"),
        form_open(who, Id::MeasuresKeep, "inline"),
        esc(&token),
        label("m.keep-button"),
        back_link()
    );
    page(who, StatusCode::OK, &main)
}

/// `POST /m/keep`: keeps the result whose sealed answers the form carries (`k`).
pub async fn keep(p: Posted) -> Response {
    let who = &p.who;
    let st = who.state();
    let Some((c, responses)) = sealed_answers(&p) else {
        return crate::pages::expired(st, StatusCode::BAD_REQUEST);
    };
    let Ok(scored) = closer_measure::score::score(
        c.instrument,
        c.instrument.default_order(),
        &responses,
        false,
    ) else {
        return crate::pages::expired(st, StatusCode::BAD_REQUEST);
    };
    let now = st.now_secs();
    let data = AssessmentData {
        at: now,
        recorded_at: now,
        instrument: c.instrument.id.clone(),
        answers: mv::kept_answers(&responses),
        scores: mv::kept_scores(&scored),
        imported_at: None,
    };
    match who.store.add_assessment(&who.person, &data).await {
        Ok(_) => {
            let main = format!(
                "<h1 id=\"kept\">{}</h1>{}{}",
                label("m.kept"),
                nav(who),
                back_link()
            );
            page(who, StatusCode::OK, &main)
        }
        Err(_) => crate::pages::unavailable(st),
    }
}

// ---------------------------------------------------------------- the help area, signed in

/// Whether the person this request is signed in as (if any) has safety mode on. Anonymous
/// visitors, and any failure to read the setting, get the ordinary pages.
pub async fn safety_mode_of(headers: &HeaderMap, st: &Shared) -> bool {
    match crate::account::signed_in_from(headers, st).await {
        Ok(who) => who.store.safety_mode(&who.person).await.unwrap_or(false),
        Err(_) => false,
    }
}

/// The switch itself: the current state in words and one button to change it.
fn mode_switch(who: &SignedIn, on: bool) -> String {
    format!(
        "<section class=\"mode\" id=\"mode\"><h2>{}</h2><p>{}</p>{}<input type=\"hidden\" name=\"mode\" value=\"{}\"><button type=\"submit\" class=\"secondary\">{}</button></form></section>",
        label("mode.heading"),
        label(if on { "mode.on-text" } else { "mode.off-text" }),
        form_open(who, Id::Mode, "inline"),
        if on { "off" } else { "on" },
        label(if on {
            "mode.switch-off"
        } else {
            "mode.switch-on"
        })
    )
}

/// What the start of the private questions adds for a signed-in person: the neutral offer to go
/// through them again (when a result was kept; never the earlier answers) and the coaching
/// switch. Empty for anyone else.
pub async fn questions_extra(headers: &HeaderMap, st: &Shared) -> String {
    let Ok(who) = crate::account::signed_in_from(headers, st).await else {
        return String::new();
    };
    let mut out = String::new();
    if who
        .store
        .screen_results(&who.person)
        .await
        .is_ok_and(|r| !r.is_empty())
    {
        let _ = write!(out, "<p id=\"again\">{}</p>", label("q.again"));
    }
    let on = who.store.safety_mode(&who.person).await.unwrap_or(false);
    out.push_str(&mode_switch(&who, on));
    out
}

/// The keep offer under the private questions' result, for a signed-in person (the answers
/// sealed and bound to them); empty for anyone else.
pub async fn questions_keep_offer(
    headers: &HeaderMap,
    st: &Shared,
    answers: &[(String, Answer)],
) -> String {
    let Ok(who) = crate::account::signed_in_from(headers, st).await else {
        return String::new();
    };
    let token = seal(
        st,
        SCREEN,
        &KeepScreen {
            person: who.person.clone(),
            answers: answers.to_vec(),
        },
    );
    format!(
        "<section class=\"keep\" id=\"keep\"><p>{}</p>{}<input type=\"hidden\" name=\"k\" value=\"{}\"><button type=\"submit\">{}</button></form></section>",
        label("q.keep-offer"),
        form_open(&who, Id::QuestionsKeep, "inline"),
        esc(&token),
        label("q.keep-button")
    )
}

/// `POST /questions/keep`: keeps the result of the sealed answers (`k`); with a high-danger
/// result, offers the coaching switch.
pub async fn questions_keep(p: Posted) -> Response {
    let who = &p.who;
    let st = who.state();
    let Some(k) = p
        .form
        .get("k")
        .and_then(|t| open::<KeepScreen>(st, SCREEN, t))
        .filter(|k| k.person == who.person)
    else {
        return crate::pages::expired(st, StatusCode::BAD_REQUEST);
    };
    let Ok(outcome) = screen::outcome(&k.answers) else {
        return crate::pages::expired(st, StatusCode::BAD_REQUEST);
    };
    let now = st.now_secs();
    let data = ScreenResultData {
        at: now,
        recorded_at: now,
        result: mv::kept_screen(&k.answers, &outcome),
        imported_at: None,
    };
    if who
        .store
        .keep_screen_result(&who.person, &data)
        .await
        .is_err()
    {
        return crate::pages::unavailable(st);
    }
    let mut main = format!("<h1 id=\"kept\">{}</h1>", label("q.kept"));
    if outcome.danger == Danger::High {
        let on = who.store.safety_mode(&who.person).await.unwrap_or(false);
        if !on {
            let _ = write!(main, "<p>{}</p>", label("mode.offer"));
            main.push_str(&mode_switch(who, on));
        }
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Numbers),
        label("web.numbers-link")
    );
    page(who, StatusCode::OK, &main)
}

/// `POST /questions/mode`: switches my safety mode (`mode` = `on` or `off`).
pub async fn mode(p: Posted) -> Response {
    let who = &p.who;
    let on = match p.form.get("mode") {
        Some("on") => true,
        Some("off") => false,
        _ => return crate::pages::bad_form(who.state()),
    };
    if who.store.set_safety_mode(&who.person, on).await.is_err() {
        return crate::pages::unavailable(who.state());
    }
    let mut main = format!(
        "<h1 id=\"mode-now\">{}</h1>",
        label(if on { "mode.now-on" } else { "mode.now-off" })
    );
    main.push_str(&mode_switch(who, on));
    let _ = write!(
        main,
        "<p><a class=\"button\" href=\"{}\">{}</a></p><p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Walk),
        label("web.walk-heading"),
        routes::path(Id::Learn),
        label("web.learn-link")
    );
    page(who, StatusCode::OK, &main)
}
