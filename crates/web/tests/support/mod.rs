//! Shared by the web tests that need accounts: an app on a fresh database (SQLite always, and
//! PostgreSQL when `TEST_DATABASE_URL` is set), a cookie-keeping client over `oneshot`, and a
//! person signed up through the pages.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
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

    async fn send(&mut self, mut b: axum::http::request::Builder, body: Body) -> Resp {
        b = b.header(header::HOST, HOST);
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c.clone());
        }
        let r = self
            .app
            .clone()
            .oneshot(b.body(body).unwrap())
            .await
            .unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        let resp = Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
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
