//! The account pages: sign-up, sign-in, recovery, sign-out, the quick exit that ends the
//! session, the account page (recovery codes, passphrase, sign out everywhere, delete) and the
//! privacy page. Sentences are interface labels; the decisions are the store's.

use super::{
    AFTER_SIGN_IN, CookieOp, Posted, SessionRef, SignedIn, clearing, client_key,
    confirm_passphrase, cookie_value, form_open, page, see_other, session_cookie, with_cookie,
};
use crate::forms::Form;
use crate::html::{esc, label};
use crate::routes::{self, Id};
use crate::{Shared, pages};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write;

fn anon_form(st: &Shared, id: Id) -> String {
    format!(
        "<form method=\"post\" action=\"{}\" class=\"stack\" autocomplete=\"off\">{}",
        routes::path(id),
        crate::html::token_field(&st.form_token())
    )
}

fn field(name: &str, key: &str, kind: &str, hint: Option<&str>) -> String {
    let hint_html = hint
        .map(|h| format!("<p class=\"hint\" id=\"{name}-hint\">{}</p>", label(h)))
        .unwrap_or_default();
    let described = if hint.is_some() {
        format!(" aria-describedby=\"{name}-hint\"")
    } else {
        String::new()
    };
    // Typed words are a one-line textarea, never an `<input type="text">`: browsers keep no
    // autofill history of a textarea.
    let control = if kind == "text" {
        format!(
            "<textarea id=\"{name}\" name=\"{name}\" rows=\"1\" autocomplete=\"off\" \
autocapitalize=\"none\" spellcheck=\"false\"{described}></textarea>"
        )
    } else {
        format!(
            "<input id=\"{name}\" name=\"{name}\" type=\"{kind}\" autocomplete=\"off\" \
autocapitalize=\"none\" spellcheck=\"false\"{described}>"
        )
    };
    format!(
        "<p><label for=\"{name}\">{}</label>{hint_html}{control}</p>",
        label(key)
    )
}

fn message(key: &str) -> String {
    format!(
        "<p class=\"notice\" role=\"alert\" id=\"answer\" tabindex=\"-1\">{}</p>",
        label(key)
    )
}

fn parse(body: &Bytes) -> Form {
    Form::parse(body).unwrap_or_default()
}

// ------------------------------------------------------------------ sign-up

fn signup_page(st: &Shared, status: StatusCode, error: Option<&str>) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p><p>{}</p>",
        label("acct.signup-heading"),
        error.map(message).unwrap_or_default(),
        label("acct.signup-intro"),
        label("acct.signup-lost"),
    );
    main.push_str(&anon_form(st, Id::SignupPost));
    main.push_str(&field(
        "passphrase",
        "acct.passphrase",
        "password",
        Some("acct.passphrase-hint"),
    ));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form>\
<p><a href=\"{}\">{}</a></p><p><a href=\"{}\">{}</a></p>",
        label("acct.signup-button"),
        routes::path(Id::Login),
        label("acct.have-one"),
        routes::path(Id::Privacy),
        label("acct.privacy-link"),
    );
    pages::page(st, status, &main)
}

pub async fn signup(State(st): State<Shared>) -> Response {
    signup_page(&st, StatusCode::OK, None)
}

pub async fn signup_post(State(st): State<Shared>, body: Bytes) -> Response {
    let form = parse(&body);
    let pp = form.get("passphrase").unwrap_or("");
    if pp.chars().count() < 8 {
        return signup_page(
            &st,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("acct.too-short"),
        );
    }
    let store = match st.store_create().await {
        Ok(Some(s)) => s,
        _ => return pages::unavailable(&st),
    };
    let Ok(up) = store.sign_up(pp).await else {
        return pages::unavailable(&st);
    };
    let now = st.now_secs();
    let Ok(session) = store.create_session(&up.person, &up.key, now).await else {
        return pages::unavailable(&st);
    };
    let main = format!(
        "<h1 id=\"answer\" tabindex=\"-1\">{}</h1><p>{} <strong id=\"username\">{}</strong></p>\
<p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
        label("acct.signed-up-heading"),
        label("acct.your-username"),
        esc(&up.username),
        label("acct.username-keep"),
        routes::path(AFTER_SIGN_IN),
        label("acct.continue"),
    );
    // The page is drawn with the new session's csrf, so its quick exit ends that session.
    let r = super::page_for(
        &st,
        &session.csrf,
        st.accounts.limits.ends_in(now, now),
        StatusCode::OK,
        &main,
    );
    with_cookie(r, CookieOp::Set(cookie_value(&session)))
}

// ------------------------------------------------------------------ sign-in

fn login_page(st: &Shared, status: StatusCode, error: Option<&str>) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}",
        label("acct.login-heading"),
        error.map(message).unwrap_or_default()
    );
    main.push_str(&anon_form(st, Id::LoginPost));
    main.push_str(&field("username", "acct.username", "text", None));
    main.push_str(&field("passphrase", "acct.passphrase", "password", None));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form>\
<p><a href=\"{}\">{}</a></p><p><a href=\"{}\">{}</a></p><p><a href=\"{}\">{}</a></p>",
        label("acct.login-button"),
        routes::path(Id::Signup),
        label("acct.no-journal"),
        routes::path(Id::Recover),
        label("acct.recover-link"),
        routes::path(Id::Privacy),
        label("acct.privacy-link"),
    );
    pages::page(st, status, &main)
}

pub async fn login(State(st): State<Shared>) -> Response {
    login_page(&st, StatusCode::OK, None)
}

/// Ends the session a request's cookie names, if any (a new sign-in replaces it).
async fn end_current(st: &Shared, headers: &HeaderMap) {
    let Some((id, _)) = session_cookie(headers) else {
        return;
    };
    let Some(store) = st.store() else { return };
    let h = closer_store::accounts::session_id_hash(&id);
    if let Ok(Some(person)) = store.end_session(&h).await {
        st.sessions_ended(&store, &person, &[SessionRef { id_hash: h }])
            .await;
    }
}

pub async fn login_post(
    State(st): State<Shared>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse(&body);
    let who = client_key(&ext);
    let now = st.now();
    let delay = st.accounts.delay_for(&who, now);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let username = form.get("username").unwrap_or("");
    let pp = form.get("passphrase").unwrap_or("");
    // Without a database there is no account; the same Argon2id work is still done.
    let store = st.store_existing().await.ok().flatten();
    let result = match &store {
        Some(s) => s.sign_in(username, pp).await,
        None => {
            let _ = closer_store::Store::dummy_sign_in(pp).await;
            Err(closer_store::Error::WrongPassphrase)
        }
    };
    let (store, (person, key)) = match (store, result) {
        (Some(s), Ok(x)) => (s, x),
        _ => {
            st.accounts.failed(&who, now);
            return login_page(&st, StatusCode::OK, Some("acct.login-failed"));
        }
    };
    end_current(&st, &headers).await;
    store.insert_key(&person, key.clone());
    let Ok(session) = store.create_session(&person, &key, st.now_secs()).await else {
        return pages::unavailable(&st);
    };
    // The journal opens while the browser follows the redirect.
    crate::journal::pages::prefill(
        &st,
        store.clone(),
        person,
        closer_store::accounts::session_id_hash(&session.id),
    );
    with_cookie(
        see_other(routes::path(AFTER_SIGN_IN)),
        CookieOp::Set(cookie_value(&session)),
    )
}

// ------------------------------------------------------------------ recovery

fn recover_page(st: &Shared, status: StatusCode, error: Option<&str>) -> Response {
    let mut main = format!(
        "<h1>{}</h1>{}<p>{}</p>",
        label("acct.recover-heading"),
        error.map(message).unwrap_or_default(),
        label("acct.recover-intro"),
    );
    main.push_str(&anon_form(st, Id::RecoverPost));
    main.push_str(&field("username", "acct.username", "text", None));
    main.push_str(&field("code", "acct.code", "text", None));
    main.push_str(&field(
        "new_passphrase",
        "acct.new-passphrase",
        "password",
        Some("acct.passphrase-hint"),
    ));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form>",
        label("acct.recover-button")
    );
    pages::page(st, status, &main)
}

pub async fn recover(State(st): State<Shared>) -> Response {
    recover_page(&st, StatusCode::OK, None)
}

pub async fn recover_post(
    State(st): State<Shared>,
    ext: axum::http::Extensions,
    body: Bytes,
) -> Response {
    let form = parse(&body);
    let who = client_key(&ext);
    let now = st.now();
    let delay = st.accounts.delay_for(&who, now);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let new = form.get("new_passphrase").unwrap_or("");
    if new.chars().count() < 8 {
        return recover_page(
            &st,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("acct.too-short"),
        );
    }
    let Some(store) = st.store_existing().await.ok().flatten() else {
        let _ = closer_store::Store::dummy_sign_in(new).await;
        st.accounts.failed(&who, now);
        return recover_page(&st, StatusCode::OK, Some("acct.recover-failed"));
    };
    let username = form.get("username").unwrap_or("");
    let code = form.get("code").unwrap_or("");
    match store.recover(username, code, new).await {
        Ok((person, key, ended)) => {
            let refs: Vec<SessionRef> = ended
                .into_iter()
                .map(|h| SessionRef { id_hash: h })
                .collect();
            st.sessions_ended(&store, &person, &refs).await;
            store.insert_key(&person, key.clone());
            let Ok(session) = store.create_session(&person, &key, st.now_secs()).await else {
                return pages::unavailable(&st);
            };
            with_cookie(
                see_other(routes::path(Id::Account)),
                CookieOp::Set(cookie_value(&session)),
            )
        }
        Err(_) => {
            st.accounts.failed(&who, now);
            recover_page(&st, StatusCode::OK, Some("acct.recover-failed"))
        }
    }
}

// ------------------------------------------------------------------ leaving

async fn end_this(who: &SignedIn) {
    let st = who.state();
    if let Ok(Some(person)) = who.store.end_session(&who.session.id_hash).await {
        st.sessions_ended(&who.store, &person, std::slice::from_ref(&who.session))
            .await;
    }
}

/// Sign out: the session ends on the server; the browser is told to clear what it holds.
pub async fn logout(p: Posted) -> Response {
    end_this(&p.who).await;
    clearing(see_other(routes::path(Id::Login)))
}

/// The quick exit without the script (a posted form) and with it (a beacon): ends the session
/// when the form's `csrf` matches it, and always answers with the neutral site.
pub async fn out(State(st): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let form = parse(&body);
    if let Some((id, secret)) = session_cookie(&headers)
        && let Ok(Some(store)) = st.store_existing().await
    {
        let limits = st.accounts.limits;
        match store
            .check_session(&id, &secret, st.now_secs(), limits)
            .await
        {
            Ok(closer_store::SessionCheck::Open(s))
                if super::same(s.csrf.as_bytes(), form.get("csrf").unwrap_or("").as_bytes()) =>
            {
                if let Ok(Some(person)) = store.end_session(&s.id_hash).await {
                    st.sessions_ended(&store, &person, &[SessionRef { id_hash: s.id_hash }])
                        .await;
                }
            }
            // It expired just now: ended by the check, and what follows an end runs here.
            Ok(closer_store::SessionCheck::Ended { person, id_hash }) => {
                st.sessions_ended(&store, &person, &[SessionRef { id_hash }])
                    .await;
            }
            _ => {}
        }
    }
    clearing(see_other(&st.exit_url))
}

// ------------------------------------------------------------------ the account page

fn passphrase_field(id: &str) -> String {
    format!(
        "<p><label for=\"{id}\">{}</label><input id=\"{id}\" name=\"passphrase\" type=\"password\" \
autocomplete=\"off\" aria-describedby=\"{id}-hint\"></p><p class=\"hint\" id=\"{id}-hint\">{}</p>",
        label("acct.passphrase"),
        label("acct.confirm-hint")
    )
}

pub async fn account(who: SignedIn) -> Response {
    let codes = who
        .store
        .recovery_code_count(&who.person)
        .await
        .unwrap_or(0);
    let mut main = format!(
        "<h1>{}</h1><p><a href=\"{}\">{}</a></p>",
        label("acct.me-heading"),
        routes::path(Id::Journal),
        label("jr.back")
    );
    // Recovery codes.
    let _ = write!(
        main,
        "<section><h2>{}</h2><p>{}</p><p>{}</p>",
        label("acct.codes-heading"),
        label("acct.codes-tradeoff"),
        label(if codes > 0 {
            "acct.codes-some"
        } else {
            "acct.codes-none"
        }),
    );
    main.push_str(&form_open(&who, Id::Codes, "stack"));
    main.push_str(&passphrase_field("codes-pp"));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form>",
        label("acct.codes-button")
    );
    if codes > 0 {
        main.push_str(&form_open(&who, Id::CodesRemove, "stack"));
        main.push_str(&passphrase_field("codes-remove-pp"));
        let _ = write!(
            main,
            "<p><button type=\"submit\">{}</button></p></form>",
            label("acct.codes-remove-button")
        );
    }
    main.push_str("</section>");
    // Passphrase.
    let _ = write!(
        main,
        "<section><h2>{}</h2>",
        label("acct.passphrase-heading")
    );
    main.push_str(&before_form(
        &who,
        "passphrase",
        "acct.passphrase-button",
        "",
    ));
    main.push_str("</section>");
    // Signing out.
    let _ = write!(main, "<section><h2>{}</h2>", label("acct.sign-out"));
    main.push_str(&form_open(&who, Id::Logout, "inline"));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form><p>{}</p>",
        label("acct.sign-out"),
        label("acct.everywhere")
    );
    main.push_str(&form_open(&who, Id::Everywhere, "inline"));
    let _ = write!(
        main,
        "<p><button type=\"submit\">{}</button></p></form></section>",
        label("acct.everywhere-button")
    );
    // Deleting.
    let _ = write!(
        main,
        "<section><h2>{}</h2><p>{}</p>",
        label("acct.delete-heading"),
        label("acct.delete")
    );
    main.push_str(&before_form(&who, "delete", "acct.delete-button", "danger"));
    main.push_str("</section>");
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Privacy),
        label("acct.privacy-link")
    );
    page(&who, StatusCode::OK, &main)
}

/// A button that opens the screen before a change the other person could notice (on the
/// account's own path, [`check`]), which holds the form that makes it.
fn before_form(who: &SignedIn, change: &str, button: &str, class: &str) -> String {
    format!(
        "{}<input type=\"hidden\" name=\"change\" value=\"{change}\"><p><button type=\"submit\" class=\"{class}\">{}</button></p></form>",
        form_open(who, Id::AccountBefore, &format!("stack check-{change}")),
        label(button)
    )
}

/// The fields of the form that continues from the screen before a passphrase change: the
/// current passphrase and the new one, asked in that same form.
pub(crate) fn passphrase_change_fields() -> String {
    let mut out = format!(
        "<p><label for=\"pp-now\">{}</label><input id=\"pp-now\" name=\"passphrase\" type=\"password\" autocomplete=\"off\"></p>",
        label("acct.passphrase-now")
    );
    out.push_str(&field(
        "new_passphrase",
        "acct.new-passphrase",
        "password",
        Some("acct.passphrase-hint"),
    ));
    out
}

/// The fields of the form that continues from the screen before deleting the account: the
/// passphrase, asked in that same form.
pub(crate) fn delete_fields() -> String {
    let mut out = format!("<p>{}</p>", label("acct.delete"));
    out.push_str(&passphrase_field("delete-pp"));
    out
}

/// `/me/check`: the screen before a passphrase change or a deletion (the content is
/// `closer_guide::together::before`, laid out by `together::before_page`), whose one form
/// continues to `/me/passphrase` or `/me/delete`. Any other change is refused here.
pub async fn check(State(st): State<Shared>, p: Posted) -> Response {
    use closer_guide::together::Change;
    let (change, to, fields) = match p.form.get("change") {
        Some("passphrase") => (
            Change::Passphrase,
            Id::Passphrase,
            passphrase_change_fields(),
        ),
        Some("delete") => (Change::Delete, Id::Delete, delete_fields()),
        _ => return pages::bad_form(&st),
    };
    crate::together::before_page(&p.who, change, None, to, &fields)
}

/// The page a guarded action answers when the passphrase is missing or wrong (403).
pub fn passphrase_refused(who: &SignedIn) -> Response {
    let main = format!(
        "<h1 id=\"answer\" tabindex=\"-1\">{}</h1><p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
        label("acct.passphrase-refused-heading"),
        label("acct.passphrase-refused"),
        routes::path(Id::Account),
        label("acct.back-to-account")
    );
    page(who, StatusCode::FORBIDDEN, &main)
}

fn done(who: &SignedIn, heading: &str, text: &str, extra: &str) -> Response {
    let main = format!(
        "<h1 id=\"answer\" tabindex=\"-1\">{}</h1><p>{}</p>{extra}<p><a class=\"button\" href=\"{}\">{}</a></p>",
        label(heading),
        label(text),
        routes::path(Id::Account),
        label("acct.back-to-account")
    );
    page(who, StatusCode::OK, &main)
}

pub async fn codes(State(st): State<Shared>, p: Posted) -> Response {
    let pp = p.form.get("passphrase").unwrap_or("");
    if let Err(r) = confirm_passphrase(&st, &p.who, pp).await {
        return r;
    }
    match p
        .who
        .store
        .regenerate_recovery_codes(&p.who.person, pp)
        .await
    {
        Ok(list) => {
            let mut extra = String::from("<ol id=\"codes\" class=\"codes\">");
            for c in &list {
                let _ = write!(extra, "<li><code>{}</code></li>", esc(c));
            }
            extra.push_str("</ol>");
            done(
                &p.who,
                "acct.codes-shown-heading",
                "acct.codes-shown",
                &extra,
            )
        }
        Err(_) => pages::unavailable(&st),
    }
}

pub async fn codes_remove(State(st): State<Shared>, p: Posted) -> Response {
    let pp = p.form.get("passphrase").unwrap_or("");
    if let Err(r) = confirm_passphrase(&st, &p.who, pp).await {
        return r;
    }
    match p.who.store.remove_recovery_codes(&p.who.person).await {
        Ok(()) => done(&p.who, "acct.codes-heading", "acct.codes-removed", ""),
        Err(_) => pages::unavailable(&st),
    }
}

pub async fn passphrase(State(st): State<Shared>, p: Posted) -> Response {
    let pp = p.form.get("passphrase").unwrap_or("");
    if let Err(r) = confirm_passphrase(&st, &p.who, pp).await {
        return r;
    }
    let new = p.form.get("new_passphrase").unwrap_or("");
    if new.chars().count() < 8 {
        let main = format!(
            "<h1 id=\"answer\" tabindex=\"-1\">{}</h1><p>{}</p><p><a class=\"button\" href=\"{}\">{}</a></p>",
            label("acct.passphrase-heading"),
            label("acct.too-short"),
            routes::path(Id::Account),
            label("acct.back-to-account")
        );
        return page(&p.who, StatusCode::UNPROCESSABLE_ENTITY, &main);
    }
    match p
        .who
        .store
        .change_passphrase_signed_in(&p.who.person, pp, new, &p.who.session.id_hash)
        .await
    {
        Ok(ended) => {
            let refs: Vec<SessionRef> = ended
                .into_iter()
                .map(|h| SessionRef { id_hash: h })
                .collect();
            st.sessions_ended(&p.who.store, &p.who.person, &refs).await;
            done(
                &p.who,
                "acct.passphrase-heading",
                "acct.passphrase-changed",
                "",
            )
        }
        Err(_) => pages::unavailable(&st),
    }
}

pub async fn everywhere(State(st): State<Shared>, p: Posted) -> Response {
    if let Ok(ended) = p.who.store.end_sessions(&p.who.person, None).await {
        let refs: Vec<SessionRef> = ended
            .into_iter()
            .map(|h| SessionRef { id_hash: h })
            .collect();
        st.sessions_ended(&p.who.store, &p.who.person, &refs).await;
    }
    clearing(see_other(routes::path(Id::Login)))
}

pub async fn delete(State(st): State<Shared>, p: Posted) -> Response {
    let pp = p.form.get("passphrase").unwrap_or("");
    if let Err(r) = confirm_passphrase(&st, &p.who, pp).await {
        return r;
    }
    let sessions = p
        .who
        .store
        .end_sessions(&p.who.person, None)
        .await
        .unwrap_or_default();
    if p.who.store.delete_account(&p.who.person).await.is_err() {
        return pages::unavailable(&st);
    }
    let refs: Vec<SessionRef> = sessions
        .into_iter()
        .map(|h| SessionRef { id_hash: h })
        .collect();
    st.sessions_ended(&p.who.store, &p.who.person, &refs).await;
    let main = format!(
        "<h1 id=\"answer\" tabindex=\"-1\">{}</h1><p>{}</p>",
        label("acct.deleted-heading"),
        label("acct.deleted")
    );
    clearing(pages::page(&st, StatusCode::OK, &main))
}

// ------------------------------------------------------------------ privacy

pub async fn privacy(State(st): State<Shared>) -> Response {
    let mut main = format!("<h1>{}</h1>", label("acct.privacy-heading"));
    for key in [
        "acct.privacy-partner",
        "acct.privacy-runs",
        "acct.privacy-locked",
        "acct.privacy-could",
        "acct.privacy-nothing",
    ] {
        let _ = write!(main, "<p>{}</p>", label(key));
    }
    let _ = write!(
        main,
        "<p><a href=\"{}\">{}</a></p>",
        routes::path(Id::Device),
        label("web.device-link")
    );
    pages::page(&st, StatusCode::OK, &main)
}
