//! My questionnaires (`/m`), keeping the private questions' result (`/questions/keep`) and the
//! coaching switch (`/questions/mode`) through the pages (issue 15, webmeasures), on SQLite and,
//! when `TEST_DATABASE_URL` is set, PostgreSQL.

mod support;

use axum::http::StatusCode;
use closer_guide::ui::ui;
use closer_store::Store;
use std::sync::Arc;
use support::*;

const PP_A: &str = "the first person's passphrase";
const PP_B: &str = "the second person's passphrase";

/// An interface label as a page shows it (escaped).
fn shown(key: &str) -> String {
    closer_web::html::label(key)
}

/// Posts a form's answers `q1..qN` for an instrument on a scale.
async fn score(p: &mut Person, instrument: &str, scale: &str, answers: &[&str]) -> Resp {
    let names: Vec<String> = (1..=answers.len()).map(|i| format!("q{i}")).collect();
    let mut f: Vec<(&str, &str)> = vec![("instrument", instrument), ("scale", scale)];
    for (n, a) in names.iter().zip(answers) {
        f.push((n.as_str(), a));
    }
    let csrf = p.csrf.clone();
    p.client.post_signed("/m/score", &csrf, &f).await
}

async fn keep(p: &mut Person, page: &Resp, path: &str) -> Resp {
    let k = page
        .hidden("k")
        .expect("the keep form carries the sealed answers");
    let csrf = p.csrf.clone();
    p.client.post_signed(path, &csrf, &[("k", &k)]).await
}

/// Every question of the private screen answered `answer`, in the person's browser (or
/// anonymously when `signed` is false); the result page.
async fn screen(p: &mut Person, answer: &str, signed: bool) -> Resp {
    let mut c = if signed {
        p.client.clone()
    } else {
        p.client.anonymous()
    };
    answer_questions(&mut c, answer).await
}

#[test]
fn a_measure_is_entered_by_item_number_scored_with_its_error_and_kept_only_if_chosen() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "measures") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;

            let r = a.client.get("/m").await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.body.contains(&shown("m.kept-none")));
            assert!(r.body.contains("value=\"ecr-rs\"") && r.body.contains("value=\"1-5\""));
            assert!(a.client.get("/journal").await.body.contains("href=\"/m\""));

            // The form: number inputs labelled by item number, on the instrument's range.
            let csrf = a.csrf.clone();
            let r = a
                .client
                .post_signed("/m/form", &csrf, &[("instrument", "ecr-rs"), ("scale", "1-7")])
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.body.matches("type=\"number\" min=\"1\" max=\"7\"").count(), 9);
            assert!(r.body.contains("<label for=\"q9\">9</label>"));
            assert!(!r.body.contains("name=\"q10\""));
            let r = a
                .client
                .post_signed("/m/form", &csrf, &[("instrument", "ecr-rs"), ("scale", "0-9")])
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);

            // Bad answers: the form again, naming the item, with what was typed kept.
            let mut ans = vec!["4"; 9];
            ans[6] = "";
            let r = score(&mut a, "ecr-rs", "1-7", &ans).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(r.body.contains("Item 7 has no answer"), "{}", r.body);
            assert!(r.body.contains("id=\"q1\" name=\"q1\" type=\"number\" min=\"1\" max=\"7\" step=\"1\" inputmode=\"numeric\" autocomplete=\"off\" value=\"4\""));
            ans[6] = "4";
            ans[2] = "9";
            let r = score(&mut a, "ecr-rs", "1-7", &ans).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("Item 3 needs another look"));
            ans[2] = "x";
            assert_eq!(
                score(&mut a, "ecr-rs", "1-7", &ans).await.status,
                StatusCode::UNPROCESSABLE_ENTITY
            );

            // Scored: every answer 4 on 1–7 is 4.00 on both scales (reverse keying keeps 4).
            let r = score(&mut a, "ecr-rs", "1-7", &["4"; 9]).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("id=\"scores\""));
            assert_eq!(r.body.matches("<td>4.00</td>").count(), 2, "{}", r.body);
            assert!(r.body.contains("no earlier result"));
            assert!(r.body.contains("not documented here"));
            // Nothing is kept until I choose.
            assert!(s.assessments(&pa).await.unwrap().is_empty());
            // Another person cannot keep my sealed answers.
            let stolen = keep(&mut b, &r, "/m/keep").await;
            assert_eq!(stolen.status, StatusCode::BAD_REQUEST);
            let k = keep(&mut a, &r, "/m/keep").await;
            assert_eq!(k.status, StatusCode::OK);
            assert!(k.body.contains("id=\"kept\""));
            let kept = s.assessments(&pa).await.unwrap();
            assert_eq!(kept.len(), 1);
            assert_eq!(kept[0].data.instrument, "ecr-rs");
            assert_eq!(kept[0].data.answers, vec![Some(4.0); 9]);
            assert_eq!(kept[0].data.scores["anxiety"], 4.0);
            let list = a.client.get("/m").await;
            assert!(list.body.contains("id=\"kept\"") && list.body.contains("ECR-RS"));

            // The next time: the change since the kept result, said plainly (no documented
            // reliability for the ECR-RS on 1–7).
            let r = score(&mut a, "ecr-rs", "1-7", &["6", "6", "6", "6", "6", "6", "2", "2", "2"])
                .await;
            assert!(r.body.contains("last time"), "{}", r.body);

            // The ECR on 1–5 has documented reliability and SD: errors and reliable change.
            let r = score(&mut a, "ecr", "1-5", &["2"; 36]).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("give or take"));
            assert!(r.body.contains("<td>±"));
            assert_eq!(keep(&mut a, &r, "/m/keep").await.status, StatusCode::OK);
            let r = score(&mut a, "ecr", "1-5", &["4"; 36]).await;
            assert!(r.body.contains("reliable-change index"), "{}", r.body);

            // A CPQ with threat answers raised: the safety help comes before any score.
            let mut cpq = vec!["1"; 35];
            for p in &closer_measure::instrument::get("cpq").unwrap().unwrap().signals {
                cpq[p.self_pos] = "8";
                cpq[p.partner_pos] = "8";
            }
            let r = score(&mut a, "cpq", "1-9", &cpq).await;
            assert_eq!(r.status, StatusCode::OK);
            let help = r.body.find("Some answers matter for safety").expect("signals said");
            assert!(help < r.body.find("id=\"scores\"").unwrap());

            // Sealed: no answer or instrument id in clear in the database file.
            if let Some(path) = s.sqlite_path() {
                let bytes = std::fs::read(path).unwrap();
                let mut wal = path.to_path_buf().into_os_string();
                wal.push("-wal");
                let all = [bytes, std::fs::read(wal).unwrap_or_default()].concat();
                let hay = String::from_utf8_lossy(&all);
                assert!(!hay.contains("ecr-rs") && !hay.contains("\"answers\""));
            }
        });
    }
}

#[test]
fn the_cpq_help_shows_the_lines_of_the_region_picked_on_the_result_and_keeps_no_region() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "mregion") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let csrf = a.csrf.clone();

            // No signal raised: no region asked.
            let quiet = score(&mut a, "cpq", "1-9", &["1"; 35]).await;
            assert_eq!(quiet.status, StatusCode::OK, "{name}");
            assert!(!quiet.body.contains("name=\"region\""), "{name}");
            let ecr = score(&mut a, "ecr-rs", "1-7", &["4"; 9]).await;
            assert!(!ecr.body.contains("name=\"region\""), "{name}");

            // Raised signals: the help first, with the international directory and no
            // region's numbers, and the region picker as the help area has it.
            let mut cpq = vec!["1"; 35];
            for p in &closer_measure::instrument::get("cpq")
                .unwrap()
                .unwrap()
                .signals
            {
                cpq[p.self_pos] = "8";
                cpq[p.partner_pos] = "8";
            }
            let r = score(&mut a, "cpq", "1-9", &cpq).await;
            assert_eq!(r.status, StatusCode::OK, "{name}");
            assert!(r.body.contains("findahelpline.com"), "{name}");
            assert!(!r.body.contains("href=\"tel:911\""), "{name}");
            let form = &r.body[r.body.find("id=\"numbers\"").expect("the picker")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("action=\"/m/score\""), "{form}");
            assert!(form.contains(&format!("name=\"csrf\" value=\"{csrf}\"")));
            assert!(form.contains("<select id=\"region\" name=\"region\" autocomplete=\"off\""));
            assert!(form.contains("<option value=\"US\">US</option>"));
            // The answers travel sealed, never in clear.
            assert!(form.contains("name=\"k\""));
            assert!(!form.contains("name=\"q1\""));
            let k = r.hidden("k").unwrap();

            // US picked: the same result with the US lines, US selected; the scores unchanged.
            let us = a
                .client
                .post_signed("/m/score", &csrf, &[("k", &k), ("region", "US")])
                .await;
            assert_eq!(us.status, StatusCode::OK, "{name}");
            assert!(us.body.contains("href=\"tel:911\""), "{name}");
            assert!(us.body.contains("1-800-799-7233"), "{name}");
            assert!(
                us.body
                    .contains("<option value=\"US\" selected>US</option>")
            );
            let table = |b: &str| {
                let t = &b[b.find("id=\"scores\"").unwrap()..];
                t[..t.find("</table>").unwrap()].to_string()
            };
            assert_eq!(table(&us.body), table(&r.body), "{name}");
            let help = us.body.find("Some answers matter for safety").unwrap();
            assert!(help < us.body.find("id=\"scores\"").unwrap());
            // No region again: the international directory.
            let none = a
                .client
                .post_signed("/m/score", &csrf, &[("k", &k), ("region", "")])
                .await;
            assert_eq!(none.status, StatusCode::OK, "{name}");
            assert!(!none.body.contains("href=\"tel:911\""), "{name}");
            // A place we do not know: the help area's 404; the sealed answers of another
            // person, or altered ones: refused.
            let nowhere = a
                .client
                .post_signed("/m/score", &csrf, &[("k", &k), ("region", "Atlantis")])
                .await;
            assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{name}");
            let csrf_b = b.csrf.clone();
            let stolen = b
                .client
                .post_signed("/m/score", &csrf_b, &[("k", &k), ("region", "US")])
                .await;
            assert_eq!(stolen.status, StatusCode::BAD_REQUEST, "{name}");
            let altered = a
                .client
                .post_signed("/m/score", &csrf, &[("k", &k[1..]), ("region", "US")])
                .await;
            assert_eq!(altered.status, StatusCode::BAD_REQUEST, "{name}");

            // Asked, never stored: nothing kept by choosing a region; keeping the result from
            // the US page keeps the answers and scores only.
            assert!(s.assessments(&pa).await.unwrap().is_empty(), "{name}");
            let kept = keep(&mut a, &us, "/m/keep").await;
            assert_eq!(kept.status, StatusCode::OK, "{name}");
            let all = s.assessments(&pa).await.unwrap();
            assert_eq!(all.len(), 1, "{name}");
            let json = serde_json::to_string(&all[0].data).unwrap();
            assert!(!json.contains("US") && !json.contains("region"), "{json}");
        });
    }
}

#[test]
fn the_screen_result_is_kept_only_when_chosen_and_the_offer_to_go_again_stays_in_the_help_area() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "screenkeep") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let again = shown("q.again");

            // Anonymous: no keep offer and no switch.
            let anon = screen(&mut a, "yes", false).await;
            assert!(!anon.body.contains("id=\"keep\""));
            assert!(!anon.body.contains("/questions/keep"));
            let r = Client::new(&app, &st).get("/questions").await;
            assert!(!r.body.contains("id=\"mode\"") && !r.body.contains(&again));

            // Signed in: the offer, and nothing kept before it is taken.
            let r = screen(&mut a, "yes", true).await;
            assert!(r.body.contains("id=\"keep\""), "{name}");
            assert!(r.body.contains(&format!("value=\"{}\"", a.csrf)));
            assert!(s.screen_results(&pa).await.unwrap().is_empty());
            assert!(!a.client.get("/questions").await.body.contains(&again));
            let k = keep(&mut a, &r, "/questions/keep").await;
            assert_eq!(k.status, StatusCode::OK);
            // High danger: the coaching switch is offered with the kept result.
            assert!(k.body.contains(&shown("mode.offer")));
            assert!(k.body.contains("action=\"/questions/mode\""));
            let kept = s.screen_results(&pa).await.unwrap();
            assert_eq!(kept.len(), 1);
            assert_eq!(kept[0].data.result["danger"], "high");
            assert!(kept[0].data.result.get("region").is_none());

            // The offer to go again: in the help area only, without the earlier answers.
            let q = a.client.get("/questions").await;
            assert!(q.body.contains(&again));
            assert!(!q.body.contains("\"yes\"") || !q.body.contains("checked"));
            for path in ["/", "/journal", "/m", "/me", "/together", "/day"] {
                let r = a.client.get(path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                assert!(!r.body.contains(&again), "{path} shows the offer");
                assert!(!r.body.contains("action=\"/questions/keep\""), "{path}");
            }
        });
    }
}

#[test]
fn safety_mode_changes_what_is_coached_never_the_account_or_partner_pages() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "mode") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            link(&mut a, &mut b).await;
            let s: Arc<Store> = st.store().unwrap();
            let pa = person_id(&s, &a).await;
            let pages = async |a: &mut Person, b: &mut Person| {
                let mut out = Vec::new();
                for path in ["/together", "/me", "/links"] {
                    out.push(seen(&a.client.get(path).await, &a.csrf));
                }
                for path in ["/together", "/me", "/links"] {
                    out.push(seen(&b.client.get(path).await, &b.csrf));
                }
                out
            };
            let before = pages(&mut a, &mut b).await;
            let learn_off = a.client.get("/read").await.body;
            let anon_learn = Client::new(&app, &st).get("/read").await.body;
            assert_eq!(
                learn_off,
                anon_learn.clone(),
                "{name}: ordinary reading when off"
            );

            let csrf = a.csrf.clone();
            let r = a
                .client
                .post_signed("/questions/mode", &csrf, &[("mode", "on")])
                .await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains(&shown("mode.now-on")));
            assert!(s.safety_mode(&pa).await.unwrap());
            assert!(
                a.client
                    .get("/questions")
                    .await
                    .body
                    .contains(&shown("mode.on-text"))
            );
            // What is coached changes: the reading and the walk take the safety path.
            let learn_on = a.client.get("/read").await.body;
            assert_ne!(learn_on, learn_off);
            let policy = closer_safety::Policy::new(closer_safety::Context::safety());
            let first = closer_guide::flows::learn(&policy);
            assert!(learn_on.contains(&closer_web::html::esc(first[0].main().text())));
            assert_eq!(Client::new(&app, &st).get("/read").await.body, anon_learn);
            let walk_a = a.client.post_anon("/walk", &[("flow", "1")]).await.body;
            let walk_anon = Client::new(&app, &st)
                .post_anon("/walk", &[("flow", "1")])
                .await
                .body;
            let strip = |s: &str| {
                s.split("name=\"s\" value=\"")
                    .map(|p| p.split_once('"').map_or(p, |x| x.1).to_string())
                    .collect::<String>()
            };
            assert_ne!(
                strip(&walk_a),
                strip(&walk_anon),
                "the walk follows the mode"
            );
            // Never which controls exist: the account and partner pages, both people's, are
            // byte-identical (csrf aside), headers included.
            assert_eq!(
                pages(&mut a, &mut b).await,
                before,
                "{name}: safety mode on"
            );
            assert!(
                !b.client
                    .get("/together")
                    .await
                    .body
                    .contains(&shown("mode.on-text"))
            );

            let r = a
                .client
                .post_signed("/questions/mode", &csrf, &[("mode", "off")])
                .await;
            assert!(r.body.contains(&shown("mode.now-off")));
            assert!(!s.safety_mode(&pa).await.unwrap());
            assert_eq!(a.client.get("/read").await.body, learn_off);
            assert_eq!(
                pages(&mut a, &mut b).await,
                before,
                "{name}: safety mode off"
            );
            let bad = a
                .client
                .post_signed("/questions/mode", &csrf, &[("mode", "maybe")])
                .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
            let _ = ui("mode.heading");
        });
    }
}

#[test]
fn kept_measures_and_screen_results_never_reach_the_partner_or_a_therapist_link() {
    let dir = tempfile::tempdir().unwrap();
    for (name, db) in databases(dir.path(), "keptprivate") {
        rt().block_on(async {
            let (app, st) = app_on(Some(db));
            let mut a = sign_up(&app, &st, PP_A).await;
            let mut b = sign_up(&app, &st, PP_B).await;
            link(&mut a, &mut b).await;
            let csrf = a.csrf.clone();
            let r = a
                .client
                .post_signed(
                    "/links/new",
                    &csrf,
                    &[("name", "L1"), ("days", "14"), ("passphrase", PP_A)],
                )
                .await;
            let address = r.by_id("link-address").unwrap();
            let path = address.split_once(HOST).unwrap().1.to_string();
            let mut t = Client::new(&app, &st);
            assert_eq!(t.get(&path).await.status, StatusCode::SEE_OTHER);
            let view = seen(&t.get("/v").await, "-");
            let partner = seen(&b.client.get("/together").await, &b.csrf);

            let r = score(&mut a, "ecr-rs", "1-7", &["7"; 9]).await;
            assert_eq!(keep(&mut a, &r, "/m/keep").await.status, StatusCode::OK);
            let r = screen(&mut a, "yes", true).await;
            assert_eq!(
                keep(&mut a, &r, "/questions/keep").await.status,
                StatusCode::OK
            );
            let csrf = a.csrf.clone();
            a.client
                .post_signed("/questions/mode", &csrf, &[("mode", "on")])
                .await;

            assert_eq!(
                seen(&t.get("/v").await, "-"),
                view,
                "{name}: the link's view"
            );
            let now = seen(&b.client.get("/together").await, &b.csrf);
            assert_eq!(now, partner, "{name}: the partner's page");
            assert!(!now.contains("ECR") && !now.contains("7.00"));
        });
    }
}
