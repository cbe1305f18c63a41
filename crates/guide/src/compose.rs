//! Texts a person can send or share, built only from parts they pick from our lists (DESIGN.md
//! §3 invariant 12): a curious opening, a time to talk, a plan for tonight, feeling words, the
//! loop map, a break with a time to come back.
//!
//! The lists and templates are data (`content/compose.toml`). Nothing a person types is ever put
//! into one of our sentences: there is no function here that takes free text. Acts outside the
//! dance (following, blocking, grabbing, checking a phone…) are items of their own with a
//! [`Route`]; a build that contains one returns [`Built::Route`] and never a text, so such acts can
//! never reach a shareable map or a "neither is the villain" line.

use crate::ui::all;
use closer_safety::{Draft, Policy, Said, Tag, Topic};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Where choosing an act outside the dance leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// My own act: help for the person doing it, with steps for tonight.
    OwnBehaviour,
    /// My partner's act: the fear path (safety mode).
    Fear,
}

/// One part a person can pick.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable key, used by answers (`Answer::Choose(key)`).
    pub key: String,
    /// The words that fill a template, and the label shown.
    pub text: String,
    #[serde(default)]
    pub route: Option<Route>,
}

/// A list of parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub id: String,
    pub items: Vec<Item>,
}

/// One part of a builder: a pick (or several) from one list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub list: String,
    /// What is asked.
    pub prompt: String,
    /// Several items may be picked.
    #[serde(default)]
    pub many: bool,
}

/// A closing line, shown only when every part it needs was picked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    pub needs: Vec<String>,
    pub text: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// What a step builds, and from which parts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Builder {
    pub id: String,
    pub parts: Vec<Part>,
    /// Templates; `{part}` is filled with the picked text. A sentence whose part was skipped is
    /// left out; a sentence without a placeholder is kept when anything at all was picked.
    pub sentences: Vec<String>,
    #[serde(default)]
    pub closing: Vec<Closing>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    list: Vec<List>,
    builder: Vec<Builder>,
}

/// The raw text of the file, for the tests and the review catalogue.
pub const FILE: &str = include_str!("../content/compose.toml");

/// Parses the lists and builders; the tests call this so a broken file is a failing test.
pub fn parse() -> Result<(Vec<List>, Vec<Builder>), String> {
    let f: File = toml::from_str(FILE).map_err(|e| format!("compose.toml: {e}"))?;
    for b in &f.builder {
        for p in &b.parts {
            if !f.list.iter().any(|l| l.id == p.list) {
                return Err(format!(
                    "compose.toml: builder {} part {} uses unknown list {}",
                    b.id, p.id, p.list
                ));
            }
        }
    }
    Ok((f.list, f.builder))
}

fn parsed() -> &'static (Vec<List>, Vec<Builder>) {
    static P: OnceLock<(Vec<List>, Vec<Builder>)> = OnceLock::new();
    P.get_or_init(|| parse().expect("content/compose.toml parses (checked by tests)"))
}

/// The list with this id.
pub fn list(id: &str) -> Option<&'static List> {
    parsed().0.iter().find(|l| l.id == id)
}

/// The builder with this id.
pub fn builder(id: &str) -> Option<&'static Builder> {
    parsed().1.iter().find(|b| b.id == id)
}

impl Builder {
    /// The list a part picks from.
    pub fn list_of(&self, part: usize) -> Option<&'static List> {
        self.parts.get(part).and_then(|p| list(&p.list))
    }
}

/// What came of a build.
#[derive(Debug, Clone)]
pub enum Built {
    /// The text, ready to use or change.
    Text(Said),
    /// An act outside the dance was picked: no text; the path this leads to.
    Route(Route),
    /// Nothing picked, or the policy withheld the text (for example in safety mode).
    Nothing,
}

/// A pick is out of range for its list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("builder {builder}: pick {index} is out of range for part {part}")]
pub struct BadPick {
    pub builder: String,
    pub part: String,
    pub index: usize,
}

/// The picked items of part `p` (`picks[p]` holds indices into its list; empty means skipped).
fn picked(b: &Builder, picks: &[Vec<u16>], p: usize) -> Result<Vec<&'static Item>, BadPick> {
    let Some(ix) = picks.get(p) else {
        return Ok(Vec::new());
    };
    let l = b.list_of(p);
    ix.iter()
        .map(|&i| {
            l.and_then(|l| l.items.get(i as usize)).ok_or(BadPick {
                builder: b.id.clone(),
                part: b.parts[p].id.clone(),
                index: i as usize,
            })
        })
        .collect()
}

/// The route of the first picked act outside the dance, if any.
pub fn route_of(b: &Builder, picks: &[Vec<u16>]) -> Result<Option<Route>, BadPick> {
    for p in 0..b.parts.len().min(picks.len()) {
        if let Some(r) = picked(b, picks, p)?.iter().find_map(|i| i.route) {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!(
            "{} {} {}",
            rest.join(", "),
            all()
                .get("compose.and")
                .map(String::as_str)
                .unwrap_or("and"),
            last
        ),
    }
}

/// Builds the text of `builder` from the picks (one `Vec` of list indices per part, in order;
/// an empty `Vec` is a skipped part). Reviewed by the policy with the step's topic and tags.
pub fn build(
    b: &Builder,
    picks: &[Vec<u16>],
    topic: Topic,
    tags: &[Tag],
    policy: &Policy,
) -> Result<Built, BadPick> {
    if let Some(r) = route_of(b, picks)? {
        return Ok(Built::Route(r));
    }
    let mut filled: Vec<(String, String)> = Vec::new();
    for (p, part) in b.parts.iter().enumerate() {
        let items = picked(b, picks, p)?;
        if !items.is_empty() {
            let words: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
            filled.push((part.id.clone(), join_words(&words)));
        }
    }
    if filled.is_empty() {
        return Ok(Built::Nothing);
    }
    let mut sentences = Vec::new();
    for s in &b.sentences {
        let mut out = s.clone();
        let mut ok = true;
        for part in &b.parts {
            let ph = format!("{{{}}}", part.id);
            if out.contains(&ph) {
                match filled.iter().find(|(id, _)| *id == part.id) {
                    Some((_, words)) => out = out.replace(&ph, words),
                    None => ok = false,
                }
            }
        }
        if ok {
            sentences.push(out);
        }
    }
    let mut all_tags = tags.to_vec();
    for c in &b.closing {
        if c.needs.iter().all(|n| filled.iter().any(|(id, _)| id == n)) {
            sentences.push(c.text.clone());
            all_tags.extend_from_slice(&c.tags);
        }
    }
    Ok(
        match policy.review(Draft::new(topic, &b.id, "", sentences.join(" ")).tagged(&all_tags)) {
            Ok(s) => Built::Text(s),
            Err(_) => Built::Nothing,
        },
    )
}

/// A template from `content/interface.toml` (keys `compose.*`).
fn t(key: &str) -> &'static str {
    all().get(key).map(String::as_str).unwrap_or("")
}

/// A break with a time to come back. Minutes outside 20–1440 get a gentle note. (A number of
/// minutes is a choice, not free text.)
pub fn break_message(minutes: u32, policy: &Policy) -> Vec<Said> {
    let mut out = Vec::new();
    let when = if minutes >= 120 && minutes.is_multiple_of(60) {
        t("compose.hours").replace("{n}", &(minutes / 60).to_string())
    } else {
        t("compose.minutes").replace("{n}", &minutes.to_string())
    };
    let msg = t("compose.break").replace("{when}", &when);
    out.extend(
        policy
            .review(Draft::new(Topic::Stay, "break", "", msg).tagged(&[Tag::Return]))
            .ok(),
    );
    let note = if minutes < 20 {
        Some(t("compose.break-short"))
    } else if minutes > 24 * 60 {
        Some(t("compose.break-long"))
    } else {
        None
    };
    if let Some(n) = note {
        out.extend(
            policy
                .review(Draft::new(Topic::Stay, "break-note", "", n).tagged(&[Tag::Return]))
                .ok(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_safety::Context;

    fn p() -> Policy {
        Policy::new(Context::ordinary())
    }

    fn key_index(list_id: &str, key: &str) -> u16 {
        list(list_id)
            .unwrap()
            .items
            .iter()
            .position(|i| i.key == key)
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or_else(|| panic!("{list_id}: {key}"))
    }

    #[test]
    fn the_file_parses_and_every_key_is_unique_within_its_list() {
        let (lists, builders) = parse().unwrap();
        for l in &lists {
            let mut keys: Vec<&str> = l.items.iter().map(|i| i.key.as_str()).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), l.items.len(), "{}", l.id);
        }
        for id in ["opening", "timing", "tonight", "feelings", "cycle-map"] {
            assert!(builders.iter().any(|b| b.id == id), "{id}");
        }
    }

    #[test]
    fn opening_is_built_only_from_picked_parts() {
        let b = builder("opening").unwrap();
        let picks = vec![
            vec![key_index("noticed", "far-apart")],
            vec![key_index("felt", "lonely")],
        ];
        match build(b, &picks, Topic::Curious, &[Tag::Approach], &p()).unwrap() {
            Built::Text(s) => {
                assert!(
                    s.text().starts_with(
                        "I noticed things felt far apart between us tonight. I felt lonely."
                    ),
                    "{}",
                    s.text()
                );
                assert!(s.text().contains("later"));
                assert!(s.has(Tag::Approach));
            }
            other => panic!("{other:?}"),
        }
        // Nothing picked: nothing built.
        assert!(matches!(
            build(b, &[vec![], vec![]], Topic::Curious, &[], &p()).unwrap(),
            Built::Nothing
        ));
    }

    #[test]
    fn lists_that_feed_a_shareable_text_hold_no_act_outside_the_dance_without_a_route() {
        // Every word of coercion or violence in a list must carry a route away from the text.
        let acts = [
            "follow",
            "block",
            "grab",
            "push",
            "hit",
            "throw",
            "break things",
            "threat",
            "check their",
            "check my",
            "track",
            "keys",
            "money",
        ];
        for l in &parse().unwrap().0 {
            for i in &l.items {
                let t = i.text.to_lowercase();
                if acts.iter().any(|a| t.contains(a)) {
                    assert!(i.route.is_some(), "{}: {:?} has no route", l.id, i.text);
                }
            }
        }
        // Both move lists offer every act outside the dance.
        for (id, route) in [
            ("my-move", Route::OwnBehaviour),
            ("their-move", Route::Fear),
        ] {
            let l = list(id).unwrap();
            let routed: Vec<&str> = l
                .items
                .iter()
                .filter(|i| i.route == Some(route))
                .map(|i| i.key.as_str())
                .collect();
            assert_eq!(
                routed,
                [
                    "follow",
                    "block",
                    "grab-push-hit",
                    "throw-break",
                    "threaten",
                    "check-phone",
                    "take-things"
                ],
                "{id}"
            );
        }
    }

    #[test]
    fn a_loop_map_with_an_act_outside_the_dance_is_never_built() {
        let b = builder("cycle-map").unwrap();
        let mut picks = vec![vec![key_index("my-move", "block")]];
        picks.extend((1..10).map(|_| vec![0]));
        assert!(matches!(
            build(b, &picks, Topic::Explore, &[], &p()).unwrap(),
            Built::Route(Route::OwnBehaviour)
        ));
        let mut picks = vec![vec![key_index("my-move", "text")]];
        picks.extend((1..5).map(|_| vec![0]));
        picks.push(vec![key_index("their-move", "grab-push-hit")]);
        assert!(matches!(
            build(b, &picks, Topic::Explore, &[], &p()).unwrap(),
            Built::Route(Route::Fear)
        ));
    }

    #[test]
    fn a_whole_loop_map_follows_the_eft_cycle_and_ends_with_the_shared_line() {
        let b = builder("cycle-map").unwrap();
        let picks = vec![
            vec![key_index("my-move", "text")],
            vec![key_index("my-meaning", "dont-matter")],
            vec![key_index("top-feeling", "frustrated")],
            vec![key_index("under-feeling", "scared")],
            vec![key_index("longing", "reassurance")],
            vec![key_index("their-move", "go-quiet")],
            vec![key_index("their-meaning", "criticised")],
            vec![key_index("top-feeling", "calm")],
            vec![key_index("under-feeling", "overwhelmed")],
            vec![key_index("longing", "room")],
        ];
        let Built::Text(s) = build(b, &picks, Topic::Explore, &[], &p()).unwrap() else {
            panic!()
        };
        assert_eq!(
            s.text(),
            "When things get tense, I tend to send message after message. What I tell myself \
             then is that I don't matter to you. On the outside I may seem frustrated. \
             Underneath, I feel scared. What I long for is reassurance. As I see it, you tend to \
             go quiet. Maybe you tell yourself that you are being criticised. On the outside you \
             may seem calm, as if it doesn't matter. Underneath, maybe you feel overwhelmed. \
             Maybe what you long for is some room to breathe. Each of our moves sets off the \
             other, round and round. Neither of us is the villain; the loop is."
        );
        assert!(s.has(Tag::SharedFraming));
        // A half map (my side only) gets no shared line.
        let Built::Text(half) = build(b, &picks[..5], Topic::Explore, &[], &p()).unwrap() else {
            panic!()
        };
        assert!(!half.text().contains("villain"));
    }

    #[test]
    fn a_pick_out_of_range_is_an_error_not_a_panic() {
        let b = builder("timing").unwrap();
        let e = build(b, &[vec![999]], Topic::Curious, &[], &p()).unwrap_err();
        assert_eq!(e.index, 999);
    }

    #[test]
    fn feelings_join_naturally() {
        let b = builder("feelings").unwrap();
        let picks = vec![vec![
            key_index("withdrawer-feelings", "tired"),
            key_index("withdrawer-feelings", "crowded"),
            key_index("withdrawer-feelings", "sad"),
        ]];
        let Built::Text(s) = build(b, &picks, Topic::Explore, &[], &p()).unwrap() else {
            panic!()
        };
        assert_eq!(
            s.text(),
            "Right now I notice I feel tired, crowded and sad."
        );
    }

    #[test]
    fn nothing_is_built_in_safety_mode() {
        let s = Policy::new(Context::safety());
        let b = builder("opening").unwrap();
        assert!(matches!(
            build(b, &[vec![0], vec![0]], Topic::Curious, &[Tag::Approach], &s).unwrap(),
            Built::Nothing
        ));
        assert!(break_message(30, &s).is_empty());
    }

    #[test]
    fn break_message_names_the_return_and_notes_short_or_long_breaks() {
        let m = break_message(30, &p());
        assert_eq!(m.len(), 1);
        assert!(m[0].text().contains("come back in 30 minutes"));
        assert_eq!(break_message(5, &p()).len(), 2);
        let long = break_message(48 * 60, &p());
        assert!(long[0].text().contains("48 hours"));
        assert!(long[1].text().contains("within a day"));
    }
}
