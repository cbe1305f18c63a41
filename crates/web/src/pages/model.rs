//! The what-if model: two score pairs and ways (who, from which day) in a posted form; the
//! chart (server-rendered SVG from `closer-chart`) and the narration
//! (`closer_guide::narrate_model`). Results are deterministic (a fixed seed) and cached by a
//! hash of their inputs; the inputs are never logged and never in a URL.

use super::{bad_form, form_open, page};
use crate::Shared;
use crate::forms::Form;
use crate::html::{esc, label, said};
use crate::routes::Id;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use closer_guide::{flows, narrate_model};
use closer_model::params::{Profile, WayUse};
use closer_safety::{Context, Policy};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::Arc;

/// The horizon of the what-if page, in days, and its seed (results are deterministic).
const DAYS: f64 = 180.0;
const SEED: u64 = 1;
/// Runs the outcome is read over (as `closer simulate`'s default).
const SEEDS: usize = 20;
/// How many ways a person may add on the page.
const WAY_ROWS: usize = 2;

/// The inputs of one what-if, as posted.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub a: (f64, f64),
    pub b: (f64, f64),
    pub ways: Vec<(String, String, f64)>,
}

impl Default for Inputs {
    fn default() -> Inputs {
        Inputs {
            a: (6.0, 2.0),
            b: (2.0, 6.0),
            ways: Vec::new(),
        }
    }
}

impl Inputs {
    fn from_form(f: &Form) -> Result<Inputs, crate::forms::FormError> {
        let score = |name: &'static str, default: f64| {
            f.number(name, 1.0, 7.0, "a number from 1 to 7")
                .map(|x| x.unwrap_or(default))
        };
        let mut ways = Vec::new();
        for i in 0..WAY_ROWS {
            let way = f.get(["way1", "way2"][i]).unwrap_or("").trim();
            if way.is_empty() {
                continue;
            }
            let who = f.get(["who1", "who2"][i]).unwrap_or("A").trim();
            let day = f
                .number(["day1", "day2"][i], 0.0, DAYS, "a day from 0 to 180")?
                .unwrap_or(0.0);
            ways.push((way.to_string(), who.to_string(), day));
        }
        Ok(Inputs {
            a: (score("a_anxiety", 6.0)?, score("a_avoidance", 2.0)?),
            b: (score("b_anxiety", 2.0)?, score("b_avoidance", 6.0)?),
            ways,
        })
    }

    /// The cache key: a hash of the canonical inputs.
    fn key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for x in [self.a.0, self.a.1, self.b.0, self.b.1] {
            h.update(x.to_bits().to_be_bytes());
        }
        for (w, who, d) in &self.ways {
            h.update(w.as_bytes());
            h.update([0]);
            h.update(who.as_bytes());
            h.update([0]);
            h.update(d.to_bits().to_be_bytes());
        }
        h.finalize().into()
    }

    fn model(&self) -> Option<(Profile, Profile, Vec<WayUse>)> {
        let a = Profile::new(self.a.0, self.a.1).ok()?;
        let b = Profile::new(self.b.0, self.b.1).ok()?;
        let ways = self
            .ways
            .iter()
            .map(|(w, who, d)| format!("{w}:{who}@{d}").parse::<WayUse>())
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        Some((a, b, ways))
    }
}

fn number_field(name: &str, key: &str, value: f64) -> String {
    format!(
        "<div class=\"field\"><label for=\"{name}\">{}</label>\
<input id=\"{name}\" name=\"{name}\" type=\"number\" min=\"1\" max=\"7\" step=\"0.5\" value=\"{value}\" inputmode=\"decimal\" autocomplete=\"off\" required></div>",
        label(key)
    )
}

fn form(st: &Shared, inp: &Inputs) -> String {
    let policy = Policy::new(Context::ordinary());
    let cards = flows::ways(&policy);
    let mut out = format!(
        "<h1>{}</h1><p>{}</p>",
        label("web.model-heading"),
        label("web.model-intro")
    );
    out.push_str(&form_open(st, Id::ModelShow, "model"));
    for (who, key, (anx, avo)) in [("a", "web.model-a", inp.a), ("b", "web.model-b", inp.b)] {
        let _ = write!(out, "<fieldset><legend>{}</legend>", label(key));
        out.push_str(&number_field(
            &format!("{who}_anxiety"),
            "web.model-anxiety",
            anx,
        ));
        out.push_str(&number_field(
            &format!("{who}_avoidance"),
            "web.model-avoidance",
            avo,
        ));
        out.push_str("</fieldset>");
    }
    for i in 0..WAY_ROWS {
        let chosen = inp.ways.get(i);
        let n = i + 1;
        let _ = write!(
            out,
            "<fieldset class=\"way-row\"><legend>{} {n}</legend><div class=\"field\"><label for=\"way{n}\">{}</label><select id=\"way{n}\" name=\"way{n}\" autocomplete=\"off\"><option value=\"\">{}</option>",
            label("web.model-way"),
            label("web.model-way"),
            label("web.model-none")
        );
        for c in &cards {
            let sel = if chosen.is_some_and(|w| w.0 == c.id) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<option value=\"{}\"{sel}>{}</option>",
                esc(&c.id),
                esc(&c.title)
            );
        }
        let _ = write!(
            out,
            "</select></div><div class=\"field\"><label for=\"who{n}\">{}</label><select id=\"who{n}\" name=\"who{n}\" autocomplete=\"off\">",
            label("web.model-who")
        );
        for (v, key) in [
            ("A", "web.model-a"),
            ("B", "web.model-b"),
            ("both", "web.model-both"),
        ] {
            let sel = if chosen.is_some_and(|w| w.1 == v) {
                " selected"
            } else {
                ""
            };
            let _ = write!(out, "<option value=\"{v}\"{sel}>{}</option>", label(key));
        }
        let day = chosen.map(|w| w.2).unwrap_or(30.0);
        let _ = write!(
            out,
            "</select></div><div class=\"field\"><label for=\"day{n}\">{}</label>\
<input id=\"day{n}\" name=\"day{n}\" type=\"number\" min=\"0\" max=\"180\" step=\"1\" value=\"{day}\" inputmode=\"numeric\" autocomplete=\"off\"></div></fieldset>",
            label("web.model-day")
        );
    }
    let _ = write!(
        out,
        "<button type=\"submit\">{}</button></form>",
        label("web.model-submit")
    );
    out
}

pub async fn show(State(st): State<Shared>) -> Response {
    page(&st, StatusCode::OK, &form(&st, &Inputs::default()))
}

pub async fn run(State(st): State<Shared>, body: Bytes) -> Response {
    let Ok(f) = Form::parse(&body) else {
        return bad_form(&st);
    };
    let Ok(inp) = Inputs::from_form(&f) else {
        return bad_form(&st);
    };
    let key = inp.key();
    let result = match st.cached_model(&key) {
        Some(r) => r,
        None => {
            let Some((a, b, ways)) = inp.model() else {
                return bad_form(&st);
            };
            let computed = tokio::task::spawn_blocking(move || result_html(a, b, ways)).await;
            let Ok(Some(html)) = computed else {
                return bad_form(&st);
            };
            let html: Arc<str> = Arc::from(html);
            st.cache_model(key, html.clone());
            html
        }
    };
    let main = format!("{}{result}", form(&st, &inp));
    page(&st, StatusCode::OK, &main)
}

/// The chart and the narration of the imagined couple, as HTML (deterministic: cached by its
/// inputs). The same simulation, words and chart as `closer simulate`: the outcome over several
/// runs with different chance events, each way's direction from paired runs, one run pictured.
pub fn result_html(a: Profile, b: Profile, ways: Vec<WayUse>) -> Option<String> {
    let sim = closer_model::simulate(a, b, &ways, DAYS, SEED, SEEDS, false).ok()?;
    let policy = Policy::new(Context::ordinary());
    let narration = narrate_model::narrate_simulation(&policy, &sim).ok()?;
    let cap = narrate_model::simulation_caption(&policy, &sim).ok()?;
    let svg = closer_chart::dance::simulation(&sim.run, cap.text(), closer_chart::PHONE);
    // The chart's own XML declaration would be invalid inside HTML.
    let svg = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg.as_str(),
    };
    // Its accessible name is the reviewed caption.
    let svg = svg.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", esc(cap.text())),
        1,
    );
    let mut out = String::from("<div class=\"answer\" id=\"answer\" tabindex=\"-1\">");
    let _ = write!(out, "<figure class=\"chart\">{svg}</figure>");
    for s in &narration {
        out.push_str(&said(s, 2));
    }
    out.push_str("</div>");
    Some(out)
}
