//! Shared by the web tests (`mod support;` in each file): an app on a fresh database (SQLite
//! always, and PostgreSQL when `TEST_DATABASE_URL` is set) or on none, the runtime they run on,
//! requests through `oneshot` (anonymous ones, and a cookie-keeping client), a person signed up
//! through the pages, two people linked through the partner page, and the ways the tests read
//! a page (its entry ids; a page as another person would compare it).
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use closer_store::Store;
use closer_web::seal::Keys;
use closer_web::{AppState, Config, Shared};
use tower::ServiceExt;

pub const HOST: &str = "127.0.0.1:9999";
pub const SECRET: &str = "a test secret of at least thirty-two characters";

/// The databases to run on: a fresh SQLite file, and a fresh PostgreSQL schema when
/// `TEST_DATABASE_URL` is set (the schema is made by opening the store once here).
pub fn databases(dir: &std::path::Path, name: &str) -> Vec<(String, closer_store::Location)> {
    let mut out = vec![(
        "sqlite".to_string(),
        closer_store::Location::Sqlite(dir.join(format!("{name}.db"))),
    )];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL")
        && !url.is_empty()
    {
        let schema = format!("w_{name}_{}", &closer_store::random_id()[..12]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = closer_store::Store::open_postgres_schema(&url, &schema)
                .await
                .unwrap();
            s.close().await;
        });
        let sep = if url.contains('?') { '&' } else { '?' };
        out.push((
            "postgres".to_string(),
            closer_store::Location::Postgres(format!(
                "{url}{sep}options=-c%20search_path%3D{schema}"
            )),
        ));
    } else {
        eprintln!("note: TEST_DATABASE_URL is not set; {name} ran on SQLite only");
    }
    out
}

/// The runtime a test's requests run on: two workers, as a small server has.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The app on `db` (`None`: anonymous use only, no database), with the exit pointed at a local
/// address and the sign-in delays shortened.
pub fn app_on(db: Option<closer_store::Location>) -> (Router, Shared) {
    let mut c = Config::new(Keys::from_secret(SECRET).unwrap());
    c.exit_url = "http://127.0.0.1:1/away".into();
    c.db = db;
    c.delay_unit = std::time::Duration::from_millis(1);
    let st = AppState::new(c);
    (closer_web::app(st.clone()), st)
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn set_cookie(&self) -> Option<&str> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
    }

    /// The value of a hidden field (the first one of that name).
    pub fn hidden(&self, name: &str) -> Option<String> {
        let pat = format!("name=\"{name}\" value=\"");
        let i = self.body.find(&pat)? + pat.len();
        let end = self.body[i..].find('"')? + i;
        Some(self.body[i..end].to_string())
    }

    /// The text of the element with `id`.
    pub fn by_id(&self, id: &str) -> Option<String> {
        let pat = format!("id=\"{id}\"");
        let i = self.body.find(&pat)?;
        let start = self.body[i..].find('>')? + i + 1;
        let end = self.body[start..].find('<')? + start;
        Some(self.body[start..end].to_string())
    }
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One request through the app, as it is (nothing added).
pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A GET without a session (our Host).
pub async fn get(app: &Router, path: &str) -> Resp {
    send(
        app,
        Request::get(path)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Posts `fields` without a session, as a browser on our page would: with this host's Origin
/// and a fresh form token.
pub async fn post(app: &Router, st: &Shared, path: &str, fields: &[(&str, &str)]) -> Resp {
    Client::new(app, st).post_anon(path, fields).await
}

/// Posts a form body as it is (our Host; `origin` as the Origin header, if any).
pub async fn post_bytes(app: &Router, path: &str, body: Vec<u8>, origin: Option<&str>) -> Resp {
    let mut b = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    send(app, b.body(Body::from(body)).unwrap()).await
}

/// A browser: keeps the session cookie it is given, sends our Origin on posts.
#[derive(Clone)]
pub struct Client {
    pub app: Router,
    pub st: Shared,
    pub cookie: Option<String>,
}

impl Client {
    pub fn new(app: &Router, st: &Shared) -> Client {
        Client {
            app: app.clone(),
            st: st.clone(),
            cookie: None,
        }
    }

    /// The same browser without its session (a fresh visitor on the same app).
    pub fn anonymous(&self) -> Client {
        Client {
            cookie: None,
            ..self.clone()
        }
    }

    async fn send(&mut self, mut b: axum::http::request::Builder, body: Body) -> Resp {
        b = b.header(header::HOST, HOST);
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        let resp = send(&self.app, b.body(body).unwrap()).await;
        if let Some(sc) = resp.set_cookie() {
            let pair = sc.split(';').next().unwrap().to_string();
            if sc.contains("Max-Age=0") {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        resp
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path), Body::empty()).await
    }

    /// Posts fields as they are (add `t` or `csrf` yourself).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, format!("http://{HOST}"));
        self.send(b, Body::from(body)).await
    }

    /// Posts a `multipart/form-data` body of text fields (a file field is a text field with a
    /// file name), as a browser sends a form with a file input.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, Option<&str>, &str)],
    ) -> Resp {
        let boundary = "----closer-test-boundary-7d1";
        let mut body = String::new();
        for (name, file, value) in fields {
            body.push_str(&format!("--{boundary}\r\n"));
            match file {
                Some(f) => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n"
                )),
                None => body.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                )),
            }
            body.push_str(value);
            body.push_str("\r\n");
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let b = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::ORIGIN, format!("http://{HOST}"));
        self.send(b, Body::from(body)).await
    }

    /// Posts an anonymous form (with a fresh signed token).
    pub async fn post_anon(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let t = self.st.form_token();
        let mut all = vec![("t", t.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a signed-in form with this session's csrf.
    pub async fn post_signed(&mut self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf", csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }
}

/// A person signed up through `/signup`: their browser, username, passphrase and csrf.
pub struct Person {
    pub client: Client,
    pub username: String,
    pub passphrase: String,
    pub csrf: String,
}

pub async fn sign_up(app: &Router, st: &Shared, passphrase: &str) -> Person {
    let mut client = Client::new(app, st);
    let r = client
        .post_anon("/signup", &[("passphrase", passphrase)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let username = r.by_id("username").expect("the username is shown");
    let csrf = r.hidden("csrf").expect("the signed-in shell has a csrf");
    assert!(client.cookie.is_some(), "sign-up starts a session");
    Person {
        client,
        username,
        passphrase: passphrase.to_string(),
        csrf,
    }
}

/// The person id behind a signed-up person (signing in to the store directly).
pub async fn person_id(s: &Store, p: &Person) -> String {
    s.sign_in(&p.username, &p.passphrase).await.unwrap().0
}

/// Links `a` and `b` through the partner page: `a` makes an invitation with their passphrase,
/// `b` accepts its code with theirs.
pub async fn link(a: &mut Person, b: &mut Person) {
    let pp = a.passphrase.clone();
    let r = a
        .client
        .post_signed("/together/invite", &a.csrf, &[("passphrase", &pp)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let code = r.by_id("invite-code").expect("the code is shown");
    let pp = b.passphrase.clone();
    let r = b
        .client
        .post_signed(
            "/together/accept",
            &b.csrf,
            &[("code", &code), ("passphrase", &pp)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A page as another person would compare it: the status, every header but `Date` (sorted),
/// and the body with the session's csrf replaced.
pub fn seen(r: &Resp, csrf: &str) -> String {
    let mut h: Vec<String> = r
        .headers
        .iter()
        .filter(|(k, _)| *k != header::DATE)
        .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("?")))
        .collect();
    h.sort();
    format!(
        "{}\n{}\n\n{}",
        r.status,
        h.join("\n"),
        r.body.replace(csrf, "CSRF")
    )
}

/// The ids of the entries on a list page (the hidden `id` fields of their forms), in page
/// order, each once.
pub fn entry_ids(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in body.split("name=\"id\" value=\"").skip(1) {
        let id = part[..part.find('"').unwrap()].to_string();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Every question of the private questions (`/questions`) answered `answer` in `c`'s browser,
/// one page each; the result page.
pub async fn answer_questions(c: &mut Client, answer: &str) -> Resp {
    let mut r = c.post_anon("/questions", &[("answer", "start")]).await;
    for _ in 0..closer_safety::screen::questions().len() {
        let s = r.hidden("s").expect("the answers so far travel sealed");
        r = c
            .post_anon("/questions", &[("s", &s), ("answer", answer)])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    r
}
