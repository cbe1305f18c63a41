//! The flows of `closer guide`, the sections of `closer learn`, and the home screen.
//!
//! A flow is built for one reader's situation: the policy decides what survives. In safety mode
//! the policy withholds every step that asks someone to approach, to give space in order to
//! reconnect, to stay or come back, or to do something together, and couple therapy; the content
//! adds the safety-only steps ("what is happening to you is not your fault", safety steps,
//! helplines). A [`Step`] can only be made from [`Said`] values, and only the policy makes those.

use crate::content::{FlowSpec, Interaction, Piece, When, content};
use closer_safety::checks::{Check, check};
use closer_safety::{Draft, Mode, Policy, Said, Topic};
use serde::Serialize;
use serde::ser::SerializeStruct;

/// The flows there are, in the order the home screen offers them.
pub fn flow_ids() -> Vec<&'static str> {
    content().flows.iter().map(|f| f.id.as_str()).collect()
}

/// The flow that is always in safety mode, whatever the flags say.
pub const NOT_SAFE: &str = "not-safe";

/// How the situation is framed to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Framing {
    /// The loop as something both are inside; neither is the villain.
    Shared,
    /// Safety mode: what is happening to you is not your fault.
    NotYourFault,
    /// The own-behaviour path: help for a person worried about what they did, with steps for
    /// tonight; no shared framing and no "not your fault".
    OwnBehaviour,
}

/// One step of a flow, made only from reviewed content.
#[derive(Debug, Clone)]
pub struct Step {
    main: Said,
    items: Vec<Said>,
    /// What is said after a "yes" (or "not sure") to a check.
    if_yes: Option<Said>,
    interaction: Option<Interaction>,
    /// The builder (in `content/compose.toml`) of a step that builds a text from choices.
    builds: Option<String>,
    /// For a helplines step: the kinds of line it shows (empty: all).
    lines: Vec<String>,
}

impl Step {
    /// The step's way: `pause`, `check`, `curious`, `space`, `name`, `explore`, `stay`,
    /// `safety`, `therapy`, `understand`.
    pub fn way(&self) -> &'static str {
        way_name(self.main.topic())
    }
    pub fn kind(&self) -> &str {
        self.main.kind()
    }
    pub fn title(&self) -> &str {
        self.main.title()
    }
    pub fn text(&self) -> &str {
        self.main.text()
    }
    pub fn main(&self) -> &Said {
        &self.main
    }
    pub fn items(&self) -> &[Said] {
        &self.items
    }
    pub fn if_yes(&self) -> Option<&Said> {
        self.if_yes.as_ref()
    }
    pub fn interaction(&self) -> Option<Interaction> {
        self.interaction
    }
    /// The builder id of a step that builds a text from choices (never from free text).
    pub fn builds(&self) -> Option<&str> {
        self.builds.as_deref()
    }
    /// The kinds of helpline a helplines step shows (empty: all).
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Step", 11)?;
        st.serialize_field("way", self.way())?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("title", self.title())?;
        st.serialize_field("text", self.text())?;
        let items: Vec<&str> = self.items.iter().map(|i| i.text()).collect();
        st.serialize_field("items", &items)?;
        st.serialize_field("if_yes", &self.if_yes.as_ref().map(|s| s.text()))?;
        st.serialize_field("interaction", &self.interaction)?;
        // Every text a step builds is assembled from choices (DESIGN.md §3 invariant 12).
        st.serialize_field("builds", &self.builds.as_ref().map(|_| "from_choices"))?;
        st.serialize_field("builder", &self.builds)?;
        let parts = self
            .builds
            .as_deref()
            .and_then(crate::compose::builder)
            .map(|b| b.parts.len());
        st.serialize_field("parts", &parts)?;
        let accepts: Option<[&str; 4]> = (self.interaction == Some(Interaction::Check))
            .then_some(["yes", "no", "not_sure", "quit"]);
        st.serialize_field("accepts", &accepts)?;
        st.end()
    }
}

/// The name of a topic as a flow step's `way`.
pub fn way_name(t: Topic) -> &'static str {
    match t {
        Topic::Pause => "pause",
        Topic::Check => "check",
        Topic::Curious => "curious",
        Topic::Space => "space",
        Topic::Name => "name",
        Topic::Explore => "explore",
        Topic::Stay => "stay",
        Topic::Safety => "safety",
        Topic::Therapy => "therapy",
        Topic::Understand => "understand",
        Topic::Reflect => "reflect",
        Topic::ModelNarration => "model",
        Topic::DataNarration => "data",
        Topic::Measure => "measure",
        Topic::Soften => "soften",
        Topic::Interface => "interface",
    }
}

/// A flow, built for one reader.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub flow: String,
    #[serde(serialize_with = "said_title")]
    pub title: Said,
    #[serde(serialize_with = "said_text")]
    pub intro: Said,
    pub safety_mode: bool,
    pub framing: Framing,
    /// `flow` (the flow itself), `safety` (safety mode) or `own-behaviour`.
    pub path: &'static str,
    pub steps: Vec<Step>,
}

fn said_text<S: serde::Serializer>(v: &Said, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.text())
}

fn said_title<S: serde::Serializer>(v: &Said, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.text())
}

/// The flow asked for does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no flow called {name:?}; the flows are: {known}")]
pub struct UnknownFlow {
    pub name: String,
    pub known: String,
}

/// Which list of steps is being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Along {
    Flow,
    Safety,
    Own,
}

fn shown(when: When, along: Along) -> bool {
    matches!(
        (when, along),
        (When::Always, _)
            | (When::Ordinary, Along::Flow)
            | (When::Safety, Along::Safety)
            | (When::Own, Along::Own)
    )
}

fn step_from_piece(policy: &Policy, piece: &Piece, along: Along) -> Option<Step> {
    if !shown(piece.when, along) {
        return None;
    }
    let main = policy.review(piece.draft()).ok()?;
    // An item the policy withholds is dropped; the step keeps the rest.
    let items = policy.keep(piece.item_drafts());
    Some(Step {
        main,
        items,
        if_yes: None,
        interaction: piece.interaction,
        builds: piece.builds.clone(),
        lines: piece.lines.clone(),
    })
}

fn step_from_check(policy: &Policy, check: &Check) -> Option<Step> {
    // The checks guard steps that do not exist in safety mode, so they are not asked there.
    if policy.mode() == Mode::Safety {
        return None;
    }
    let text = format!("{}\n\n{}", check.question.trim(), check.note.trim());
    let main = policy
        .review(Draft::new(Topic::Check, &check.id, &check.title, text))
        .ok()?;
    let if_yes = policy
        .review(Draft::new(Topic::Check, &check.id, "", check.if_yes.trim()))
        .ok();
    Some(Step {
        main,
        items: Vec::new(),
        if_yes,
        interaction: Some(Interaction::Check),
        builds: None,
        lines: Vec::new(),
    })
}

fn steps_of(spec: &FlowSpec, policy: &Policy, along: Along) -> Vec<Step> {
    let c = content();
    let mut steps = Vec::new();
    for s in &spec.steps {
        let step = if let Some(b) = &s.use_block {
            c.block(b).and_then(|p| step_from_piece(policy, p, along))
        } else if let Some(k) = &s.check {
            check(k).and_then(|ch| step_from_check(policy, ch))
        } else {
            s.inline
                .as_ref()
                .and_then(|p| step_from_piece(policy, p, along))
        };
        steps.extend(step);
    }
    steps
}

fn spec_of(name: &str) -> Result<&'static FlowSpec, UnknownFlow> {
    content()
        .flows
        .iter()
        .find(|f| f.id == name)
        .ok_or_else(|| UnknownFlow {
            name: name.to_string(),
            known: flow_ids().join(", "),
        })
}

fn interface(policy: &Policy, text: &str) -> Said {
    policy
        .review(Draft::new(Topic::Interface, "flow", "", text.trim()))
        .unwrap_or_else(|_| fallback(policy))
}

/// Builds the flow `name` for a reader under `policy`. The `not-safe` flow is always built in
/// safety mode. In safety mode every flow is the safety path (`[[path]] id = "safety"` in
/// `flows.toml`): the emergency number and helplines first, then only grounding for oneself,
/// safety steps and individual or crisis support.
pub fn flow(name: &str, policy: &Policy) -> Result<Flow, UnknownFlow> {
    let spec = spec_of(name)?;
    let policy = if spec.id == NOT_SAFE {
        Policy::new(closer_safety::Context::safety())
    } else {
        *policy
    };
    let safety_mode = policy.mode() == Mode::Safety;
    let steps = if safety_mode {
        content()
            .path("safety")
            .map(|p| steps_of(p, &policy, Along::Safety))
            .unwrap_or_default()
    } else {
        steps_of(spec, &policy, Along::Flow)
    };
    Ok(Flow {
        flow: spec.id.clone(),
        title: interface(&policy, &spec.title),
        intro: if safety_mode {
            crate::ui::ui("safety-intro")
        } else {
            interface(&policy, &spec.intro)
        },
        safety_mode,
        framing: if safety_mode {
            Framing::NotYourFault
        } else {
            Framing::Shared
        },
        path: if safety_mode { "safety" } else { "flow" },
        steps,
    })
}

/// The own-behaviour path a flow switches to after a yes (or not sure) to the own-behaviour check,
/// or after picking one of one's own acts outside the dance: help written for the person doing
/// them, with steps for tonight and lines for people worried about their own behaviour. Reviewed
/// with the safety-mode policy, so no coaching to approach, no joint step and no couple therapy
/// can appear.
pub fn own_behaviour(name: &str) -> Result<Flow, UnknownFlow> {
    let spec = spec_of(name)?;
    let policy = Policy::new(closer_safety::Context::safety());
    let path = content().path("own-behaviour");
    let title = path.map(|p| p.title.as_str()).unwrap_or(&spec.title);
    let intro = path.map(|p| p.intro.as_str()).unwrap_or(&spec.intro);
    Ok(Flow {
        flow: spec.id.clone(),
        title: interface(&policy, title),
        intro: interface(&policy, intro),
        safety_mode: false,
        framing: Framing::OwnBehaviour,
        path: "own-behaviour",
        steps: path
            .map(|p| steps_of(p, &policy, Along::Own))
            .unwrap_or_default(),
    })
}

/// A neutral line used if an interface text were ever withheld (tests keep this from happening).
fn fallback(policy: &Policy) -> Said {
    policy
        .review(Draft::new(Topic::Interface, "flow", "", "closer"))
        .expect("a one-word interface text passes every lint")
}

/// The sections of `closer learn` for this reader.
pub fn learn(policy: &Policy) -> Vec<Step> {
    content()
        .understand
        .iter()
        .filter_map(|p| {
            let along = if policy.mode() == Mode::Safety {
                Along::Safety
            } else {
                Along::Flow
            };
            step_from_piece(policy, p, along)
        })
        .collect()
}

/// One way of responding, reviewed, for `closer learn --ways`.
#[derive(Debug, Clone, Serialize)]
pub struct WayCard {
    pub id: String,
    pub title: String,
    /// What it is, why it helps, how, what it is not, and (for `stay`) where it comes from.
    pub parts: Vec<(String, String)>,
}

/// The ways of responding, explained. In safety mode only `pause` (and `explore`'s
/// understanding of oneself is not shown either, since it is framed around the relationship).
pub fn ways(policy: &Policy) -> Vec<WayCard> {
    let mut out = Vec::new();
    let along = if policy.mode() == Mode::Safety {
        Along::Safety
    } else {
        Along::Flow
    };
    for w in content().ways.iter().filter(|w| shown(w.when, along)) {
        let topic = crate::content::topic_of(&w.id);
        let mut parts = Vec::new();
        let mut ok = true;
        let mut fields = vec![
            ("way.what", &w.what),
            ("way.why", &w.why),
            ("way.how", &w.how),
            ("way.not", &w.not),
        ];
        if let Some(src) = &w.source {
            fields.push(("way.source", src));
        }
        for (label, text) in fields {
            match policy.review(Draft::new(topic, &w.id, &w.title, text).tagged(&w.tags)) {
                Ok(s) => parts.push((
                    crate::ui::ui(label).text().to_string(),
                    s.text().to_string(),
                )),
                Err(_) => ok = false,
            }
        }
        if ok {
            out.push(WayCard {
                id: w.id.clone(),
                title: w.title.clone(),
                parts,
            });
        }
    }
    out
}

/// The home screen's words, reviewed.
#[derive(Debug, Clone)]
pub struct Home {
    pub greeting: Said,
    pub footer: Said,
    /// (key, label, command)
    pub choices: Vec<(String, Said, String)>,
}

pub fn home(policy: &Policy) -> Home {
    let h = &content().home;
    let say = |t: &str| {
        policy
            .review(Draft::new(Topic::Interface, "home", "", t.trim()))
            .unwrap_or_else(|_| fallback(policy))
    };
    Home {
        greeting: say(&h.greeting),
        footer: say(&h.footer),
        choices: h
            .choices
            .iter()
            .map(|c| (c.key.clone(), say(&c.label), c.command.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_safety::Context;

    fn ordinary() -> Policy {
        Policy::new(Context::ordinary())
    }
    fn safety() -> Policy {
        Policy::new(Context::safety())
    }

    const COUPLE_FLOWS: [&str; 3] = ["partner-pulled-away", "i-pulled-away", "same-fight"];

    #[test]
    fn every_step_of_every_flow_passes_the_policy_in_ordinary_mode() {
        // A step the policy withholds in ordinary mode is a content bug: it would vanish silently.
        let c = content();
        let p = ordinary();
        for f in &c.flows {
            for s in &f.steps {
                let piece = s
                    .use_block
                    .as_ref()
                    .and_then(|b| c.block(b))
                    .or(s.inline.as_ref());
                if let Some(piece) = piece
                    && piece.when != When::Safety
                {
                    p.review(piece.draft())
                        .unwrap_or_else(|e| panic!("{} / {}: {e}", f.id, piece.title));
                    for d in piece.item_drafts() {
                        p.review(d)
                            .unwrap_or_else(|e| panic!("{} / {}: {e}", f.id, piece.title));
                    }
                }
            }
        }
    }

    #[test]
    fn safety_mode_keeps_only_pause_check_safety_and_non_couple_therapy() {
        for id in flow_ids() {
            let f = flow(id, &safety()).unwrap();
            assert!(f.safety_mode);
            assert_eq!(f.framing, Framing::NotYourFault);
            assert!(!f.steps.is_empty());
            assert_eq!(
                f.steps[0].kind(),
                "helplines",
                "{id}: safety mode opens with the emergency number and helplines"
            );
            assert_eq!(f.steps[1].kind(), "not-your-fault", "{id}");
            for s in &f.steps {
                assert!(
                    matches!(s.way(), "pause" | "check" | "safety")
                        || (s.way() == "therapy" && s.kind() != "couple"),
                    "{id}: safety mode kept a {} / {} step",
                    s.way(),
                    s.kind()
                );
                assert!(!s.main().has(closer_safety::Tag::SharedFraming));
                assert!(
                    !s.text().contains("villain"),
                    "{id}: shared framing in safety mode"
                );
            }
            // Safety mode always says it is not their fault, gives safety steps and individual help.
            let kinds: Vec<&str> = f.steps.iter().map(|s| s.kind()).collect();
            for k in [
                "not-your-fault",
                "safety-steps",
                "helplines",
                "individual",
                "directories",
                "crisis",
            ] {
                assert!(kinds.contains(&k), "{id}: safety mode lacks {k}");
            }
            // No EMDR, no discernment counselling, no "if you stopped reaching", no loop.
            for s in &f.steps {
                let t = s.text().to_lowercase();
                for banned in [
                    "emdr",
                    "discernment",
                    "stopped reaching",
                    "the loop",
                    "villain",
                ] {
                    assert!(!t.contains(banned), "{id}: {} says {banned}", s.kind());
                }
            }
            // Breathing is optional and does not question the fear.
            let b = f.steps.iter().find(|s| s.kind() == "breathing").unwrap();
            assert!(b.text().contains("your sense of danger may be right"));
            assert!(b.text().contains("skip"));
        }
    }

    #[test]
    fn not_safe_flow_is_always_safety_mode() {
        let f = flow(NOT_SAFE, &ordinary()).unwrap();
        assert!(f.safety_mode);
        assert_eq!(f.framing, Framing::NotYourFault);
    }

    #[test]
    fn first_coaching_step_is_regulation_or_the_fear_check() {
        for id in COUPLE_FLOWS {
            let f = flow(id, &ordinary()).unwrap();
            assert!(!f.safety_mode);
            assert_eq!(f.framing, Framing::Shared);
            let first = &f.steps[0];
            assert!(
                first.way() == "pause" || (first.way() == "check" && first.kind() == "fear"),
                "{id} starts with {} / {}",
                first.way(),
                first.kind()
            );
        }
    }

    #[test]
    fn own_behaviour_check_comes_before_any_approach_step() {
        for id in COUPLE_FLOWS {
            let f = flow(id, &ordinary()).unwrap();
            let check = f
                .steps
                .iter()
                .position(|s| s.way() == "check" && s.kind() == "own-behaviour")
                .unwrap_or_else(|| panic!("{id} has no own-behaviour check"));
            for (i, s) in f.steps.iter().enumerate() {
                if matches!(s.way(), "space" | "name" | "curious" | "stay") {
                    assert!(
                        i > check,
                        "{id}: {} step at {i} before the own-behaviour check at {check}",
                        s.way()
                    );
                }
            }
        }
    }

    #[test]
    fn own_behaviour_path_has_no_coaching_and_no_couple_therapy() {
        for id in COUPLE_FLOWS {
            let f = own_behaviour(id).unwrap();
            assert_eq!(f.path, "own-behaviour");
            assert_eq!(f.framing, Framing::OwnBehaviour);
            let kinds: Vec<&str> = f.steps.iter().map(|s| s.kind()).collect();
            assert_eq!(kinds[0], "own-tonight");
            for k in ["helplines", "individual", "directories", "crisis"] {
                assert!(kinds.contains(&k), "{id}: own-behaviour path lacks {k}");
            }
            for s in &f.steps {
                assert!(matches!(s.way(), "safety" | "therapy"), "{}", s.way());
                assert_ne!(s.kind(), "couple");
                assert!(!s.text().contains("villain"));
            }
        }
    }

    #[test]
    fn fear_check_comes_before_any_step_that_asks_to_come_back() {
        for id in COUPLE_FLOWS {
            let f = flow(id, &ordinary()).unwrap();
            let check = f
                .steps
                .iter()
                .position(|s| s.way() == "check" && s.kind() == "fear")
                .unwrap_or_else(|| panic!("{id} has no fear check"));
            for (i, s) in f.steps.iter().enumerate() {
                if s.main().has(closer_safety::Tag::Return)
                    || s.main().has(closer_safety::Tag::Approach)
                {
                    assert!(i > check, "{id}: step {} before the fear check", s.title());
                }
            }
        }
    }

    #[test]
    fn every_flow_carries_precautions_for_both_roles_and_ends_with_therapy() {
        for id in COUPLE_FLOWS {
            let f = flow(id, &ordinary()).unwrap();
            let pre = f
                .steps
                .iter()
                .find(|s| s.kind() == "precaution")
                .unwrap_or_else(|| panic!("{id} has no precautions"));
            for needle in [
                "Let your partner leave",
                "Do not follow",
                "check their phone",
                "get help",
                "owe no explanation",
            ] {
                assert!(
                    pre.text().contains(needle),
                    "{id}: precaution lacks {needle:?}"
                );
            }
            let therapy: Vec<&str> = f
                .steps
                .iter()
                .filter(|s| s.way() == "therapy")
                .map(|s| s.kind())
                .collect();
            assert_eq!(
                therapy,
                [
                    "couple",
                    "ask-partner",
                    "individual",
                    "emdr-info",
                    "directories",
                    "crisis"
                ],
                "{id}"
            );
            assert_eq!(f.steps.last().map(|s| s.way()), Some("therapy"), "{id}");
        }
    }

    #[test]
    fn every_shared_framing_carries_the_not_the_dance_line() {
        for id in COUPLE_FLOWS {
            let f = flow(id, &ordinary()).unwrap();
            for s in &f.steps {
                if s.text().contains("villain") {
                    assert!(s.text().contains("safety help"), "{id}: {}", s.title());
                    assert!(s.text().contains("afraid"), "{id}: {}", s.title());
                }
                // No text tells a person to type a revealing command.
                for cmd in ["closer help-now", "closer guide", "--afraid", "`closer"] {
                    assert!(!s.text().contains(cmd), "{id}: {}: {cmd}", s.title());
                }
            }
        }
        let learn_ord = learn(&ordinary());
        assert!(learn_ord.iter().any(|s| s.kind() == "not-the-dance"));
    }

    #[test]
    fn each_flow_has_what_the_issue_asks() {
        let kinds = |id: &str| -> Vec<String> {
            flow(id, &ordinary())
                .unwrap()
                .steps
                .iter()
                .map(|s| format!("{}/{}", s.way(), s.kind()))
                .collect()
        };
        let p = kinds("partner-pulled-away");
        for k in [
            "pause/breathing",
            "check/fear",
            "check/reaching",
            "pause/grounding",
            "pause/questions",
            "check/own-behaviour",
            "space/reassure",
            "space/tonight",
            "curious/welcome",
            "curious/timing",
            "curious/opening",
            "name/together",
            "curious/repair-later",
        ] {
            assert!(p.contains(&k.to_string()), "partner-pulled-away lacks {k}");
        }
        let i = kinds("i-pulled-away");
        assert_eq!(i[0], "check/fear");
        for k in [
            "understand/not-a-failing",
            "explore/what-closeness-brings-up",
            "explore/feelings",
            "stay/stay-present",
            "stay/break",
            "explore/reflect",
        ] {
            assert!(i.contains(&k.to_string()), "i-pulled-away lacks {k}");
        }
        let s = kinds("same-fight");
        assert_eq!(s[0], "check/fear");
        assert!(s.contains(&"explore/cycle-map".to_string()));
        // The one who pulled away is spoken to from the first step.
        let f = flow("i-pulled-away", &ordinary()).unwrap();
        assert!(f.steps[1].text().contains("Stepping back was your way"));
        // The closing quote of "Staying a little longer" is there.
        let stay = f.steps.iter().find(|s| s.kind() == "stay-present").unwrap();
        assert_eq!(stay.text().matches('"').count() % 2, 0, "{}", stay.text());
        // Steps that build a text say so, and build only from choices.
        for id in COUPLE_FLOWS {
            for s in &flow(id, &ordinary()).unwrap().steps {
                if matches!(
                    s.kind(),
                    "opening" | "timing" | "cycle-map" | "feelings" | "tonight"
                ) {
                    assert!(s.builds().is_some(), "{id}: {}", s.kind());
                }
            }
        }
    }

    #[test]
    fn learn_in_safety_mode_drops_shared_framing() {
        let l = learn(&safety());
        assert_eq!(l[0].kind(), "not-your-fault");
        assert!(l.iter().all(|s| !s.text().contains("villain")));
        assert!(l.iter().all(|s| !s.text().to_lowercase().contains("loop")));
        assert!(
            l.iter()
                .any(|s| s.text().contains("your sense of danger may be right"))
        );
        let o = learn(&ordinary());
        for k in ["reacher", "withdrawer", "loop", "needs", "hope", "alarm"] {
            assert!(o.iter().any(|s| s.kind() == k), "learn lacks {k}");
        }
    }

    #[test]
    fn ways_explain_all_six_in_ordinary_mode_and_only_pause_in_safety_mode() {
        let w = ways(&ordinary());
        assert_eq!(w.len(), 6);
        let stay = w.iter().find(|w| w.id == "stay").unwrap();
        assert!(
            stay.parts
                .iter()
                .any(|(l, t)| l == "Where it comes from" && t.contains("flooding"))
        );
        let s = ways(&safety());
        let ids: Vec<&str> = s.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["pause"]);
        // The safety-mode pause card owes no one a response.
        let all: String = s[0].parts.iter().map(|(_, t)| t.as_str()).collect();
        assert!(all.contains("You owe no response"), "{all}");
        assert!(!all.contains("not instead of one"));
    }

    #[test]
    fn unknown_flow_is_an_error_listing_the_flows() {
        let e = flow("nope", &ordinary()).unwrap_err();
        assert!(e.to_string().contains("partner-pulled-away"));
    }
}
