//! One walk for every surface: the flow session.
//!
//! A flow (`closer guide FLOW` at a terminal, or one page per step in the web app) is a pure state
//! machine. [`Session::start`] gives the first [`State`] and the [`View`] to show; each answer
//! goes to [`Session::answer`], which returns the next state and view. Everything the walk
//! decides lives here — grading a check, switching to safety mode or to the own-behaviour path,
//! building a text from choices, the break time, what follows an answer — so the terminal and the
//! web only render views and read answers, and the tests of this module cover both.
//!
//! ```
//! use closer_guide::session::{Answer, Expect, Session};
//! use closer_safety::Mode;
//!
//! let (state, view) = Session::start("partner-pulled-away", Mode::Ordinary, None).unwrap();
//! // The first step is the optional breathing pause: skip it.
//! assert_eq!(view.expect, Expect::Breathing);
//! let (state, view) = Session::answer(&state, Answer::Skip).unwrap();
//! // Then the fear check, which accepts only yes, no, not sure (or quit).
//! assert_eq!(view.expect, Expect::Check);
//! let (_, again) = Session::answer(&state, Answer::Next).unwrap();
//! assert!(again.reask.is_some()); // a bare Enter is asked again
//! let (_, safety) = Session::answer(&state, Answer::NotSure).unwrap();
//! assert!(safety.safety_mode); // doubt counts as yes
//! ```
//!
//! **State** is small and `Serialize + Deserialize` (the web app encrypts it into a hidden form
//! field): the flow id, the path, the step index, the choices made as list indices, the region
//! code if one was given, and a few flags — never free text. A state that does not fit the
//! content (a step or pick out of range, an unknown flow or region, a newer version) is a
//! [`SessionError`], never a panic, so a tampered state cannot crash or confuse a surface.
//!
//! **View** is everything to show for the current step as [`Said`] values, the choices offered
//! (each with a stable key), and what kind of answer is expected ([`Expect`]).
//!
//! **Answers** that do not fit a safety check (a bare Enter, "skip", a pick) are asked again
//! (`view.reask`); "not sure" counts as yes. [`Answer::SafetyHelp`] is accepted at every step of
//! every flow and switches to safety help in place — the emergency number and helplines first —
//! so no command ever has to be typed.
//!
//! ## Driving it from a surface
//!
//! 1. `Session::start(flow, mode, region)` gives `(state, view)`. Render the view; carry
//!    `state.encode()` (encrypted, in a hidden form field for the web).
//! 2. On each answer: `State::decode(text)?` (checked against the content),
//!    `Answer::from_form(answer, values)?` (or build an [`Answer`]), then
//!    `Session::answer(&state, answer)?` gives the next `(state, view)`. Errors are bad input
//!    (a 400 for the web); nothing here panics.
//! 3. Render a view in this order: `said` (a `Said` of kind `heading` is a group heading;
//!    the first `Said` whose kind is `view.kind` is the step itself, and `built` is quoted right
//!    under it), then `items` as a list, `prompt`, `choices` (each posts its `key`), `reask` if
//!    set, and a "safety help" control whenever `safety_help` is true. `expect` says which
//!    answers fit; `timer` is an optional breathing pacer a surface may run before sending
//!    `Next`; `done` ends the walk.

use crate::compose::{self, Built, Route};
use crate::content::{Directory, Interaction, content};
use crate::flows::{self, Flow, Step, UnknownFlow};
use crate::ui::{all as ui_texts, ui};
use closer_safety::checks::{CheckAnswer, fear_signal};
use closer_safety::grading::grade;
use closer_safety::resources::{self, Kind};
use closer_safety::{Context, Draft, Mode, Policy, Said, Tag, Topic};
use serde::{Deserialize, Serialize};

/// The version of [`State`]'s layout; a state with another version is refused.
pub const STATE_VERSION: u8 = 1;

/// The default break, in minutes, when a person just presses Enter.
pub const DEFAULT_BREAK_MINUTES: u32 = 20;

/// The longest break accepted, in minutes (a week); longer answers are asked again.
pub const MAX_BREAK_MINUTES: u32 = 7 * 24 * 60;

/// The namespace of the session's two functions (and [`Session::view`]).
pub struct Session;

/// Which list of steps a session walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PathId {
    /// The flow itself (ordinary mode).
    #[serde(rename = "f")]
    Flow,
    /// Safety mode: the emergency number and helplines first; no coaching to approach.
    #[serde(rename = "s")]
    Safety,
    /// Help for a person worried about their own behaviour, with steps for tonight.
    #[serde(rename = "o")]
    OwnBehaviour,
}

impl PathId {
    /// The path's name in views and JSON: `flow`, `safety`, `own-behaviour`.
    pub fn as_str(self) -> &'static str {
        match self {
            PathId::Flow => "flow",
            PathId::Safety => "safety",
            PathId::OwnBehaviour => "own-behaviour",
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Where a person is in a flow. Compact and free of free text: safe to serialise, encrypt and
/// round-trip through a form. Build one only with [`Session::start`] or by deserialising one
/// that [`Session::answer`] made; every function here checks it against the content first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    #[serde(rename = "v")]
    version: u8,
    #[serde(rename = "f")]
    flow: String,
    #[serde(rename = "p")]
    path: PathId,
    #[serde(rename = "i")]
    step: u16,
    /// Picks at the current step: one list of item indices per part (empty: skipped).
    #[serde(rename = "k", default, skip_serializing_if = "Vec::is_empty")]
    picks: Vec<Vec<u16>>,
    /// A yes (or not sure) was answered at this step and what follows it is shown; or, at the
    /// first step of the safety path, the person arrived there by answering a check.
    #[serde(rename = "y", default, skip_serializing_if = "is_false")]
    ack: bool,
    /// Minutes picked for a break at the current step.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    minutes: Option<u32>,
    /// The region code (in its known spelling), if given; kept for this run only.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    /// The region question was answered or skipped in this run (it is asked once).
    #[serde(rename = "a", default, skip_serializing_if = "is_false")]
    region_asked: bool,
    /// The walk has ended (finished or quit).
    #[serde(rename = "d", default, skip_serializing_if = "is_false")]
    done: bool,
}

impl State {
    pub fn flow(&self) -> &str {
        &self.flow
    }
    pub fn path(&self) -> PathId {
        self.path
    }
    /// The index of the current step within the path (0-based).
    pub fn step(&self) -> usize {
        self.step as usize
    }
    pub fn safety_mode(&self) -> bool {
        self.path == PathId::Safety
    }
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The state as compact JSON, for a surface to encrypt and carry (a hidden form field).
    pub fn encode(&self) -> String {
        // Serialising plain strings, numbers and vectors cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a state made by [`State::encode`] and checks it against the content. Anything
    /// that is not a valid state — bad JSON, unknown fields, steps or picks out of range — is
    /// [`SessionError::BadState`] (or an unknown flow), never a panic.
    pub fn decode(text: &str) -> Result<State, SessionError> {
        let state: State = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        validate(&state)?;
        Ok(state)
    }

    fn at(&self, path: PathId, step: usize) -> State {
        State {
            path,
            step: u16::try_from(step).unwrap_or(u16::MAX),
            picks: Vec::new(),
            ack: false,
            minutes: None,
            done: false,
            ..self.clone()
        }
    }
}

/// A person's answer to the current view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// Go on (Enter, a "next" button). At a safety check it is asked again.
    Next,
    /// Go back one step (or undo the last pick).
    Back,
    Yes,
    No,
    /// Counts as yes at every safety check.
    NotSure,
    /// End the walk.
    Quit,
    /// Pick the choice with this key.
    Choose(String),
    /// Pick several choices (where `expect` is `choose_many`).
    ChooseMany(Vec<String>),
    /// Minutes for a break.
    Minutes(u32),
    /// A country or region, as a code or a name (see `closer_safety::resources::normalise`).
    Region(String),
    /// Switch to safety help now, from any step.
    SafetyHelp,
    /// Leave this step (or part) out. At a safety check it is asked again.
    Skip,
}

impl Answer {
    /// Reads an answer to a safety check as typed: yes, no, not sure (or "sometimes",
    /// "maybe"…), quit. `None` for anything else, which the surface sends as [`Answer::Next`]
    /// so the session asks again.
    pub fn from_check_text(typed: &str) -> Option<Answer> {
        CheckAnswer::parse(typed).map(|a| match a {
            CheckAnswer::Yes => Answer::Yes,
            CheckAnswer::No => Answer::No,
            CheckAnswer::NotSure => Answer::NotSure,
            CheckAnswer::Quit => Answer::Quit,
        })
    }

    /// An answer from a posted form: the `answer` field's value (`next`, `back`, `yes`, `no`,
    /// `not_sure`, `quit`, `choose`, `choose_many`, `minutes`, `region`, `safety_help`, `skip`)
    /// and the values posted with it (the picked keys, the minutes, the region). Anything else is
    /// an error for the surface to answer with "bad request"; nothing here panics.
    pub fn from_form(answer: &str, values: &[String]) -> Result<Answer, SessionError> {
        let one = || values.first().cloned().unwrap_or_default();
        let bad_form = || SessionError::BadState(format!("unknown answer {answer:?}"));
        Ok(match answer {
            "next" => Answer::Next,
            "back" => Answer::Back,
            "yes" => Answer::Yes,
            "no" => Answer::No,
            "not_sure" => Answer::NotSure,
            "quit" => Answer::Quit,
            "safety_help" => Answer::SafetyHelp,
            "skip" => Answer::Skip,
            "choose" => Answer::Choose(one()),
            "choose_many" => Answer::ChooseMany(values.to_vec()),
            "minutes" => Answer::Minutes(one().trim().parse().map_err(|_| {
                SessionError::BadState(format!("minutes must be a whole number, not {:?}", one()))
            })?),
            "region" => Answer::Region(one()),
            _ => return Err(bad_form()),
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Answer::Next => "next",
            Answer::Back => "back",
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::NotSure => "not_sure",
            Answer::Quit => "quit",
            Answer::Choose(_) => "choose",
            Answer::ChooseMany(_) => "choose_many",
            Answer::Minutes(_) => "minutes",
            Answer::Region(_) => "region",
            Answer::SafetyHelp => "safety_help",
            Answer::Skip => "skip",
        }
    }
}

/// What kind of answer a view expects. [`Answer::Quit`], [`Answer::Back`] and (outside safety
/// mode) [`Answer::SafetyHelp`] are accepted at every view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Read, then [`Answer::Next`].
    Next,
    /// An optional breathing timer ([`View::timer`]); [`Answer::Next`] or [`Answer::Skip`] goes
    /// on (a surface runs the timer itself, if the person wants it, before sending Next).
    Breathing,
    /// [`Answer::Yes`], [`Answer::No`] or [`Answer::NotSure`]; anything else is asked again.
    Check,
    /// [`Answer::Choose`] with one of [`View::choices`]' keys, or [`Answer::Skip`].
    Choose,
    /// [`Answer::ChooseMany`] with keys from [`View::choices`], or [`Answer::Skip`].
    ChooseMany,
    /// [`Answer::Minutes`], or [`Answer::Next`] for the default.
    Minutes,
    /// [`Answer::Region`], or [`Answer::Skip`].
    Region,
    /// The walk is over.
    End,
}

/// The breathing pacer's rhythm, for a surface that runs a timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Timer {
    pub rounds: u32,
    pub breathe_in_secs: u32,
    pub breathe_out_secs: u32,
}

/// One choice offered, with a stable key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub key: String,
    pub label: Said,
}

/// Everything to show for the current step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    pub flow: String,
    /// `flow`, `safety` or `own-behaviour`.
    pub path: &'static str,
    pub safety_mode: bool,
    /// The flow's title.
    pub title: Said,
    /// The step's position, 1-based (0 when the walk is over), and how many steps the path has.
    pub step: usize,
    pub steps: usize,
    /// The step's way and kind (as in `closer guide FLOW --json`); empty when the walk is over.
    pub way: &'static str,
    pub kind: String,
    /// Paragraphs to show, in order. The step's own text (with its title) comes first, except
    /// in safety help, where the emergency advice and helplines come first.
    pub said: Vec<Said>,
    /// A list to read (questions, ready-made alternatives); not something to answer.
    pub items: Vec<Said>,
    /// The text built from the person's choices (or the message they chose), to quote; shown
    /// right under the step's own text, before the other paragraphs.
    pub built: Option<Said>,
    /// The question being asked, if any.
    pub prompt: Option<Said>,
    /// The choices offered, each with a stable key.
    pub choices: Vec<Choice>,
    pub expect: Expect,
    /// `Some("from_choices")` on a step that builds a text: it is built only from choices.
    pub builds: Option<&'static str>,
    /// The breathing rhythm, on a breathing step.
    pub timer: Option<Timer>,
    /// Said when the last answer did not fit (a bare Enter at a check, an unknown region).
    pub reask: Option<Said>,
    /// Whether [`Answer::SafetyHelp`] switches to safety help from here (false once in it).
    pub safety_help: bool,
    /// This step (safety mode only) offers a private record of what happened: the incident
    /// record, kept in the person's own journal, never shared and never counted. It is a
    /// [`Expect::Next`] step, so nothing depends on taking it up. A terminal asks for the record
    /// in place; the web walk links here to the signed-in incident page when a person is signed
    /// in (the hook for that page), and shows the step's words alone otherwise.
    pub private_record: bool,
    pub done: bool,
}

/// The kind of the safety path's step that offers a private record ([`View::private_record`]).
pub const PRIVATE_RECORD: &str = "private-record";

/// Why an answer or a state was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    UnknownFlow(#[from] UnknownFlow),
    #[error("unknown region {given:?}; known regions: {}", known.join(", "))]
    UnknownRegion { given: String, known: Vec<String> },
    /// The state does not fit the content: tampered, truncated, or from another version.
    #[error("the flow state is not valid: {0}")]
    BadState(String),
    #[error("there is no choice {key:?} here")]
    UnknownChoice { key: String },
    #[error("this step expects {expected:?}, not {got}")]
    Unexpected { expected: Expect, got: &'static str },
}

fn ordinary() -> Policy {
    Policy::new(Context::ordinary())
}

fn safety() -> Policy {
    Policy::new(Context::safety())
}

/// A sentence from `content/interface.toml`, reviewed under `policy`.
fn say(policy: &Policy, key: &str) -> Said {
    let text = ui_texts().get(key).map(String::as_str).unwrap_or(key);
    policy
        .review(Draft::new(Topic::Interface, key, "", text))
        .unwrap_or_else(|_| ui(key))
}

fn interface(policy: &Policy, kind: &str, text: &str) -> Said {
    policy
        .review(Draft::new(Topic::Interface, kind, "", text))
        .unwrap_or_else(|_| ui(kind))
}

/// The steps of the path a state walks.
fn path_flow(flow: &str, path: PathId) -> Result<Flow, UnknownFlow> {
    match path {
        PathId::Flow => flows::flow(flow, &ordinary()),
        PathId::Safety => flows::flow(flow, &safety()),
        PathId::OwnBehaviour => flows::own_behaviour(flow),
    }
}

fn policy_for(path: PathId) -> Policy {
    match path {
        PathId::Flow => ordinary(),
        _ => safety(),
    }
}

fn normalise_region(given: &str) -> Result<&'static str, SessionError> {
    resources::normalise(given).ok_or_else(|| SessionError::UnknownRegion {
        given: given.to_string(),
        known: resources::regions().iter().map(|s| s.to_string()).collect(),
    })
}

fn bad(msg: impl Into<String>) -> SessionError {
    SessionError::BadState(msg.into())
}

/// The number of parts of a build step, or 1 for a choose step.
fn parts_of(step: &Step) -> Option<&'static compose::Builder> {
    step.builds().and_then(compose::builder)
}

/// Checks a state against the content. Returns the path's flow.
fn validate(state: &State) -> Result<Flow, SessionError> {
    if state.version != STATE_VERSION {
        return Err(bad(format!(
            "version {} (expected {STATE_VERSION})",
            state.version
        )));
    }
    let flow = path_flow(&state.flow, state.path)?;
    if flow.flow == flows::NOT_SAFE && state.path != PathId::Safety {
        return Err(bad("the not-safe flow is always safety mode"));
    }
    let i = state.step();
    if i > flow.steps.len() {
        return Err(bad(format!(
            "step {i} is out of range (the path has {})",
            flow.steps.len()
        )));
    }
    if let Some(r) = &state.region
        && resources::normalise(r) != Some(r.as_str())
    {
        return Err(bad(format!("unknown region {r:?}")));
    }
    let Some(step) = flow.steps.get(i) else {
        if !state.picks.is_empty() || state.ack || state.minutes.is_some() {
            return Err(bad("answers recorded after the end"));
        }
        return Ok(flow);
    };
    let how = step.interaction();
    match (how, parts_of(step)) {
        (Some(Interaction::Build), Some(b)) => {
            if state.picks.len() > b.parts.len() {
                return Err(bad("more picks than parts"));
            }
            for (p, ix) in state.picks.iter().enumerate() {
                let list = b.list_of(p).ok_or_else(|| bad("a part without a list"))?;
                if !b.parts[p].many && ix.len() > 1 {
                    return Err(bad("several picks for a single-choice part"));
                }
                if let Some(&i) = ix.iter().find(|&&i| i as usize >= list.items.len()) {
                    return Err(bad(format!("pick {i} is out of range")));
                }
                if ix.iter().any(|&i| list.items[i as usize].route.is_some()) {
                    return Err(bad("an act outside the dance cannot be part of a text"));
                }
            }
        }
        (Some(Interaction::BothOpen), _) => {
            if state.picks.len() > 1
                || state
                    .picks
                    .first()
                    .is_some_and(|p| p.len() != 1 || p[0] > 1)
            {
                return Err(bad("the both-open question holds one answer of two"));
            }
        }
        (Some(Interaction::Choose), _) => {
            if state.picks.len() > 1 || state.picks.first().is_some_and(|p| p.len() != 1) {
                return Err(bad("a choose step holds one pick"));
            }
            if let Some(&i) = state.picks.first().and_then(|p| p.first())
                && i as usize >= step.items().len()
            {
                return Err(bad(format!("pick {i} is out of range")));
            }
        }
        _ => {
            if !state.picks.is_empty() {
                return Err(bad("picks at a step that offers none"));
            }
        }
    }
    if state.minutes.is_some() && how != Some(Interaction::Break) {
        return Err(bad("minutes at a step that is not a break"));
    }
    if state
        .minutes
        .is_some_and(|m| m == 0 || m > MAX_BREAK_MINUTES)
    {
        return Err(bad("minutes out of range"));
    }
    if state.ack {
        let ok = match how {
            // Only the reaching check stays in the flow after a yes.
            Some(Interaction::Check) => step.kind() == "reaching",
            Some(Interaction::Helplines) => state.path == PathId::Safety && i == 0,
            _ => false,
        };
        if !ok {
            return Err(bad("a yes recorded at a step that has none"));
        }
    }
    Ok(flow)
}

impl Session {
    /// Starts `flow_id`. `mode` is [`Mode::Safety`] when the person said they are afraid
    /// (`--afraid`); the `not-safe` flow is always safety mode. `region` (a code or a country
    /// name, from `--region`, `CLOSER_REGION` or a form) is used for the helplines and is kept
    /// only in the state; an unknown one is an error listing the known regions.
    pub fn start(
        flow_id: &str,
        mode: Mode,
        region: Option<&str>,
    ) -> Result<(State, View), SessionError> {
        let region = region
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(normalise_region)
            .transpose()?;
        let probe = flows::flow(flow_id, &ordinary())?;
        let path = if mode == Mode::Safety || probe.safety_mode {
            PathId::Safety
        } else {
            PathId::Flow
        };
        let state = State {
            version: STATE_VERSION,
            flow: probe.flow.clone(),
            path,
            step: 0,
            picks: Vec::new(),
            ack: false,
            minutes: None,
            region: region.map(str::to_string),
            region_asked: region.is_some(),
            done: false,
        };
        let view = Session::view(&state)?;
        Ok((state, view))
    }

    /// The view of a state (for a surface that shows the same step again).
    pub fn view(state: &State) -> Result<View, SessionError> {
        let flow = validate(state)?;
        render(state, &flow, None)
    }

    /// Applies an answer: the next state and what to show.
    pub fn answer(state: &State, answer: Answer) -> Result<(State, View), SessionError> {
        let flow = validate(state)?;
        let (next, reask) = apply(state, &flow, answer)?;
        let next_flow = if next.path == state.path && next.flow == state.flow {
            flow
        } else {
            validate(&next)?
        };
        let view = render(&next, &next_flow, reask)?;
        Ok((next, view))
    }
}

/// Why the same step is shown again.
enum Reask {
    Check,
    Region(String),
    Minutes,
}

fn keys_to_indices(keys: &[String], items: &[compose::Item]) -> Result<Vec<u16>, SessionError> {
    keys.iter()
        .map(|k| {
            items
                .iter()
                .position(|i| i.key == *k)
                .and_then(|i| u16::try_from(i).ok())
                .ok_or_else(|| SessionError::UnknownChoice { key: k.clone() })
        })
        .collect()
}

fn unexpected(expected: Expect, a: &Answer) -> SessionError {
    SessionError::Unexpected {
        expected,
        got: a.name(),
    }
}

fn advance(state: &State, flow: &Flow) -> State {
    let mut next = state.at(state.path, state.step() + 1);
    if next.step() >= flow.steps.len() {
        next.step = u16::try_from(flow.steps.len()).unwrap_or(u16::MAX);
        next.done = true;
    }
    next
}

fn to_safety(state: &State, ack: bool) -> State {
    let mut s = state.at(PathId::Safety, 0);
    s.ack = ack;
    s
}

fn apply(
    state: &State,
    flow: &Flow,
    answer: Answer,
) -> Result<(State, Option<Reask>), SessionError> {
    if state.done {
        return Ok((state.clone(), None));
    }
    match answer {
        Answer::Quit => {
            let mut s = state.clone();
            s.done = true;
            return Ok((s, None));
        }
        Answer::SafetyHelp => {
            if state.path == PathId::Safety {
                return Ok((state.at(PathId::Safety, 0), None));
            }
            return Ok((to_safety(state, false), None));
        }
        Answer::Back => {
            let mut s = state.clone();
            if s.picks.pop().is_none() && !s.ack && s.minutes.is_none() {
                s = state.at(state.path, state.step().saturating_sub(1));
            }
            s.ack = false;
            s.minutes = None;
            return Ok((s, None));
        }
        _ => {}
    }
    let Some(step) = flow.steps.get(state.step()) else {
        let mut s = state.clone();
        s.done = true;
        return Ok((s, None));
    };
    let go_on = |a: &Answer| matches!(a, Answer::Next | Answer::Skip);
    match step.interaction() {
        Some(Interaction::Check) => {
            if state.ack {
                return Ok((advance(state, flow), None));
            }
            match answer {
                Answer::Yes | Answer::NotSure => match step.kind() {
                    "fear" => {
                        // The grading table decides; a fear signal is safety mode.
                        if grade(&[fear_signal()]).safety_mode() {
                            Ok((to_safety(state, true), None))
                        } else {
                            Ok((advance(state, flow), None))
                        }
                    }
                    "own-behaviour" => Ok((state.at(PathId::OwnBehaviour, 0), None)),
                    _ => {
                        let mut s = state.clone();
                        s.ack = true;
                        Ok((s, None))
                    }
                },
                Answer::No => Ok((advance(state, flow), None)),
                // Anything else — a bare Enter, a skip, a pick — is asked again.
                _ => Ok((state.clone(), Some(Reask::Check))),
            }
        }
        Some(Interaction::Build) => {
            let b = parts_of(step).ok_or_else(|| bad("a build step without a builder"))?;
            let part = state.picks.len();
            if part >= b.parts.len() {
                return if go_on(&answer) {
                    Ok((advance(state, flow), None))
                } else {
                    Err(unexpected(Expect::Next, &answer))
                };
            }
            let list = b
                .list_of(part)
                .ok_or_else(|| bad("a part without a list"))?;
            let picked = match &answer {
                Answer::Choose(k) => keys_to_indices(std::slice::from_ref(k), &list.items)?,
                Answer::ChooseMany(ks) if b.parts[part].many || ks.len() <= 1 => {
                    let mut v = keys_to_indices(ks, &list.items)?;
                    v.sort_unstable();
                    v.dedup();
                    v
                }
                a if go_on(a) => Vec::new(),
                a => {
                    let e = if b.parts[part].many {
                        Expect::ChooseMany
                    } else {
                        Expect::Choose
                    };
                    return Err(unexpected(e, a));
                }
            };
            // An act outside the dance never feeds a text: it changes the path.
            match picked.iter().find_map(|&i| list.items[i as usize].route) {
                Some(Route::OwnBehaviour) => {
                    return Ok((state.at(PathId::OwnBehaviour, 0), None));
                }
                Some(Route::Fear) => return Ok((to_safety(state, true), None)),
                None => {}
            }
            let mut s = state.clone();
            s.picks.push(picked);
            Ok((s, None))
        }
        Some(Interaction::BothOpen) => {
            if !state.picks.is_empty() {
                return if go_on(&answer) {
                    Ok((advance(state, flow), None))
                } else {
                    Err(unexpected(Expect::Next, &answer))
                };
            }
            match answer {
                Answer::Choose(k) => {
                    let i = BOTH_OPEN
                        .iter()
                        .position(|(key, _)| *key == k)
                        .and_then(|i| u16::try_from(i).ok())
                        .ok_or(SessionError::UnknownChoice { key: k })?;
                    let mut s = state.clone();
                    s.picks = vec![vec![i]];
                    Ok((s, None))
                }
                // Skipping the question is "not yet": the joint step is never shown by default.
                a if go_on(&a) => Ok((advance(state, flow), None)),
                a => Err(unexpected(Expect::Choose, &a)),
            }
        }
        Some(Interaction::Choose) => {
            if !state.picks.is_empty() {
                return if go_on(&answer) {
                    Ok((advance(state, flow), None))
                } else {
                    Err(unexpected(Expect::Next, &answer))
                };
            }
            match answer {
                Answer::Choose(k) => {
                    let i = choose_index(&k, step.items().len())?;
                    let mut s = state.clone();
                    s.picks = vec![vec![i]];
                    Ok((s, None))
                }
                a if go_on(&a) => Ok((advance(state, flow), None)),
                a => Err(unexpected(Expect::Choose, &a)),
            }
        }
        Some(Interaction::Break) => {
            if state.minutes.is_some() {
                return if go_on(&answer) {
                    Ok((advance(state, flow), None))
                } else {
                    Err(unexpected(Expect::Next, &answer))
                };
            }
            let mut s = state.clone();
            match answer {
                Answer::Minutes(m) if (1..=MAX_BREAK_MINUTES).contains(&m) => {
                    s.minutes = Some(m);
                    Ok((s, None))
                }
                Answer::Minutes(_) => Ok((state.clone(), Some(Reask::Minutes))),
                Answer::Next => {
                    s.minutes = Some(DEFAULT_BREAK_MINUTES);
                    Ok((s, None))
                }
                Answer::Skip => Ok((advance(state, flow), None)),
                a => Err(unexpected(Expect::Minutes, &a)),
            }
        }
        Some(Interaction::Helplines) if needs_region(state) => match answer {
            Answer::Region(r) => match resources::normalise(&r) {
                Some(code) => {
                    let mut s = state.clone();
                    s.region = Some(code.to_string());
                    s.region_asked = true;
                    Ok((s, None))
                }
                None => Ok((state.clone(), Some(Reask::Region(r)))),
            },
            a if go_on(&a) => {
                let mut s = state.clone();
                s.region_asked = true;
                Ok((s, None))
            }
            a => Err(unexpected(Expect::Region, &a)),
        },
        _ => {
            if go_on(&answer) {
                Ok((advance(state, flow), None))
            } else {
                Err(unexpected(Expect::Next, &answer))
            }
        }
    }
}

/// The answers to "are you both open to it?", by key, with their interface text.
const BOTH_OPEN: [(&str, &str); 2] = [("yes", "both-open.yes"), ("not-yet", "both-open.no")];

/// The question (or the "not yet" words) shown in place of a step for both partners, under the
/// step's own title.
fn gate(policy: &Policy, step: &Step, key: &str) -> Said {
    let text = ui_texts().get(key).map(String::as_str).unwrap_or(key);
    policy
        .review(Draft::new(Topic::Interface, key, step.title(), text))
        .unwrap_or_else(|_| ui(key))
}

/// Keys of a choose step's items are their 1-based positions: "1", "2", …
fn choose_index(key: &str, n: usize) -> Result<u16, SessionError> {
    key.trim()
        .parse::<usize>()
        .ok()
        .filter(|&k| (1..=n).contains(&k))
        .and_then(|k| u16::try_from(k - 1).ok())
        .ok_or_else(|| SessionError::UnknownChoice {
            key: key.to_string(),
        })
}

fn needs_region(state: &State) -> bool {
    state.region.is_none() && !state.region_asked
}

/// An empty view shell for a state.
fn shell(state: &State, flow: &Flow) -> View {
    View {
        flow: flow.flow.clone(),
        path: state.path.as_str(),
        safety_mode: state.path == PathId::Safety,
        title: flow.title.clone(),
        step: 0,
        steps: flow.steps.len(),
        way: "",
        kind: String::new(),
        said: Vec::new(),
        items: Vec::new(),
        built: None,
        prompt: None,
        choices: Vec::new(),
        expect: Expect::Next,
        builds: None,
        timer: None,
        reask: None,
        safety_help: state.path != PathId::Safety,
        private_record: false,
        done: false,
    }
}

fn render(state: &State, flow: &Flow, reask: Option<Reask>) -> Result<View, SessionError> {
    let policy = policy_for(state.path);
    let mut v = shell(state, flow);
    let step = match flow.steps.get(state.step()) {
        Some(s) if !state.done => s,
        _ => {
            v.said.push(say(&policy, "end"));
            v.expect = Expect::End;
            v.done = true;
            v.safety_help = false;
            return Ok(v);
        }
    };
    v.step = state.step() + 1;
    v.way = step.way();
    v.kind = step.kind().to_string();
    v.private_record = state.path == PathId::Safety && step.kind() == PRIVATE_RECORD;
    // Every ordinary step opens with one gentle line naming the region's crisis line, as every
    // soften result and the terminal home do; the crisis and helpline steps show the full help
    // in place instead.
    if step.kind() != "crisis" && step.interaction() != Some(Interaction::Helplines) {
        v.said.extend(crisis_line(state, &policy));
    }
    if state.step == 0 && step.interaction() != Some(Interaction::Helplines) {
        v.said.push(flow.intro.clone());
    }
    v.said.push(step.main().clone());
    // A crisis block shows crisis help in place: the screen's own words and lines, for the
    // region when it is known (one source for the screen, soften and the flows).
    if step.kind() == "crisis" {
        v.said
            .extend(resources::crisis_first(state.region.as_deref()));
    }
    match step.interaction() {
        None | Some(Interaction::Questions) => v.items = step.items().to_vec(),
        Some(Interaction::Breathing) => {
            v.expect = Expect::Breathing;
            v.timer = Some(Timer {
                rounds: 6,
                breathe_in_secs: 4,
                breathe_out_secs: 6,
            });
            v.prompt = Some(say(&policy, "prompt.breathing"));
        }
        Some(Interaction::Check) => {
            if state.ack {
                v.said.extend(step.if_yes().cloned());
            } else {
                v.expect = Expect::Check;
                v.prompt = Some(say(&policy, "prompt.check"));
                v.choices = [
                    ("yes", "answer.yes"),
                    ("no", "answer.no"),
                    ("not_sure", "answer.not-sure"),
                ]
                .iter()
                .map(|(k, t)| Choice {
                    key: k.to_string(),
                    label: say(&policy, t),
                })
                .collect();
                if matches!(reask, Some(Reask::Check)) {
                    v.reask = Some(say(&policy, "reask.check"));
                }
            }
        }
        Some(Interaction::BothOpen) => match state.picks.first().and_then(|p| p.first()) {
            // Yes: the step itself.
            Some(0) => {}
            Some(_) => {
                v.said.pop();
                v.said.push(gate(&policy, step, "both-open.not-yet"));
            }
            None => {
                v.said.pop();
                v.said.push(gate(&policy, step, "both-open.ask"));
                v.expect = Expect::Choose;
                v.choices = BOTH_OPEN
                    .iter()
                    .map(|(k, t)| Choice {
                        key: k.to_string(),
                        label: say(&policy, t),
                    })
                    .collect();
            }
        },
        Some(Interaction::Choose) => match state.picks.first().and_then(|p| p.first()) {
            None => {
                v.expect = Expect::Choose;
                v.prompt = Some(say(&policy, "prompt.choose"));
                v.choices = step
                    .items()
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Choice {
                        key: (i + 1).to_string(),
                        label: s.clone(),
                    })
                    .collect();
            }
            Some(&i) => {
                v.built = step.items().get(i as usize).cloned();
                if matches!(step.way(), "space" | "curious" | "stay") {
                    v.said.push(say(&policy, "built.send-one"));
                }
            }
        },
        Some(Interaction::Build) => render_build(state, step, &policy, &mut v)?,
        Some(Interaction::Break) => match state.minutes {
            None => {
                v.expect = Expect::Minutes;
                v.prompt = Some(say(&policy, "prompt.minutes"));
                if matches!(reask, Some(Reask::Minutes)) {
                    v.reask = Some(say(&policy, "reask.minutes"));
                }
            }
            Some(m) => {
                let mut msg = compose::break_message(m, &policy).into_iter();
                v.built = msg.next();
                v.said.extend(msg);
            }
        },
        Some(Interaction::Helplines) => render_helplines(state, step, &policy, reask, &mut v)?,
        Some(Interaction::Directories) => {
            v.said.extend(directories(state, &policy));
        }
    }
    Ok(v)
}

/// The short crisis line ([`crate::soften::flow_crisis_line`]) for the region (or, with none,
/// the local emergency number and the international directory), said through the step's policy.
fn crisis_line(state: &State, policy: &Policy) -> Option<Said> {
    let t = crate::soften::texts::texts();
    policy
        .review(Draft::new(
            Topic::Safety,
            "crisis-line",
            &t.heading.always,
            crate::soften::flow_crisis_line(state.region.as_deref()),
        ))
        .ok()
}

fn render_build(
    state: &State,
    step: &Step,
    policy: &Policy,
    v: &mut View,
) -> Result<(), SessionError> {
    let b = parts_of(step).ok_or_else(|| bad("a build step without a builder"))?;
    v.builds = Some("from_choices");
    let part = state.picks.len();
    if let Some(p) = b.parts.get(part) {
        let list = b
            .list_of(part)
            .ok_or_else(|| bad("a part without a list"))?;
        v.expect = if p.many {
            Expect::ChooseMany
        } else {
            Expect::Choose
        };
        v.prompt = Some(interface(policy, "prompt.part", &p.prompt));
        v.choices = list
            .items
            .iter()
            .map(|i| Choice {
                key: i.key.clone(),
                label: interface(policy, "choice", &i.text),
            })
            .collect();
        return Ok(());
    }
    let tags: Vec<Tag> = step.main().tags().to_vec();
    match compose::build(b, &state.picks, step.main().topic(), &tags, policy)
        .map_err(|e| bad(e.to_string()))?
    {
        Built::Text(s) => {
            v.built = Some(s);
            v.said.push(say(policy, "built.make-it-yours"));
        }
        Built::Nothing | Built::Route(_) => v.said.push(say(policy, "built.nothing")),
    }
    if !step.items().is_empty() {
        v.said.push(say(policy, "built.or"));
        v.items = step.items().to_vec();
    }
    Ok(())
}

fn render_helplines(
    state: &State,
    step: &Step,
    policy: &Policy,
    reask: Option<Reask>,
    v: &mut View,
) -> Result<(), SessionError> {
    let safety = safety();
    let wanted: Vec<&str> = step.lines().iter().map(String::as_str).collect();
    let keep = |s: &Said| -> bool {
        if wanted.is_empty() {
            return true;
        }
        if s.kind() == "heading" {
            return Kind::ALL
                .iter()
                .any(|k| wanted.contains(&k.as_str()) && resources::kind_heading(*k) == s.title());
        }
        let is_kind = Kind::ALL.iter().any(|k| k.as_str() == s.kind());
        !is_kind || wanted.contains(&s.kind())
    };
    let main = v.said.pop();
    if needs_region(state) {
        // Emergency advice first, then the question.
        let page = resources::help_now(None, &safety).map_err(|e| bad(e.to_string()))?;
        v.said.extend(page.said.into_iter().take(1));
        v.said.extend(main);
        v.expect = Expect::Region;
        v.prompt = Some(say(policy, "prompt.region"));
        if let Some(Reask::Region(given)) = reask {
            let known = resources::regions().join(", ");
            let text = ui_texts()
                .get("reask.region")
                .map(String::as_str)
                .unwrap_or("")
                .replace("{known}", &known);
            let _ = given; // what was typed is never shown back inside our sentence
            v.reask = Some(interface(policy, "reask.region", &text));
        }
        return Ok(());
    }
    let page =
        resources::help_now(state.region.as_deref(), &safety).map_err(|e| bad(e.to_string()))?;
    // The emergency advice and the region's lines come first; then the step's own words. The
    // page's note on choosing a region names a command to type, so it is left out here: the
    // region is asked in place.
    v.said.extend(
        page.said
            .into_iter()
            .filter(|s| s.kind() != "regions" && keep(s)),
    );
    v.said.extend(main);
    if state.ack
        && let Some(c) = closer_safety::checks::check("fear")
        && let Ok(s) = safety.review(Draft::new(Topic::Check, "fear", "", c.if_yes.trim()))
    {
        v.said.push(s);
    }
    Ok(())
}

fn directory_said(d: &Directory, policy: &Policy) -> Option<Said> {
    let text = format!(
        "{}\n{}\n{}",
        d.url,
        ui_texts()
            .get("directory.for")
            .map(String::as_str)
            .unwrap_or("{serves}")
            .replace("{serves}", &d.serves),
        ui_texts()
            .get("directory.source")
            .map(String::as_str)
            .unwrap_or("{url} {date}")
            .replace("{url}", &d.source_url)
            .replace("{date}", &d.source_date),
    );
    let tags: &[Tag] = if d.kind == "eft-couple" {
        &[Tag::CoupleTherapy]
    } else {
        &[]
    };
    let title = format!("{} [{}]", d.name, d.region);
    policy
        .review(Draft::new(Topic::Therapy, "directory", title, text).tagged(tags))
        .ok()
}

/// Therapist directories for the person's region (and international ones); all of them when no
/// region is known. Outside the flow itself (safety mode, the own-behaviour path), only
/// directories of individual or low-cost help: no couple service, no EMDR directory.
fn directories(state: &State, policy: &Policy) -> Vec<Said> {
    let country = state
        .region
        .as_deref()
        .map(|r| r.split('-').next().unwrap_or(r).to_string());
    content()
        .directories
        .iter()
        .filter(|d| match &country {
            Some(c) => d.region == *c || d.region == "INTL",
            None => true,
        })
        .filter(|d| {
            state.path == PathId::Flow || matches!(d.kind.as_str(), "individual" | "low-cost")
        })
        .filter_map(|d| directory_said(d, policy))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOWS: [&str; 3] = ["partner-pulled-away", "i-pulled-away", "same-fight"];

    fn start(flow: &str) -> (State, View) {
        Session::start(flow, Mode::Ordinary, None).unwrap()
    }

    /// Answers until the view is a check of `kind`, skipping everything else.
    fn skip_to(flow: &str, kind: &str) -> (State, View) {
        let (mut s, mut v) = start(flow);
        for _ in 0..80 {
            if v.kind == kind {
                return (s, v);
            }
            let a = match v.expect {
                Expect::Check => Answer::No,
                Expect::Minutes => Answer::Skip,
                _ => Answer::Skip,
            };
            (s, v) = Session::answer(&s, a).unwrap();
            assert!(!v.done, "{flow}: no {kind} step");
        }
        panic!("{flow}: no {kind}");
    }

    #[test]
    fn every_ordinary_step_opens_with_the_regions_crisis_line() {
        for (region, number) in [(Some("US"), Some("988")), (None, None)] {
            for flow in FLOWS {
                let (mut s, mut v) = Session::start(flow, Mode::Ordinary, region).unwrap();
                let mut seen = 0;
                for _ in 0..80 {
                    if v.done {
                        break;
                    }
                    if v.kind != "crisis" && v.expect != Expect::Region && v.kind != "helplines" {
                        let first = v.said.first().expect("a step says something");
                        assert_eq!(
                            first.kind(),
                            "crisis-line",
                            "{flow} step {}: {}",
                            v.step,
                            v.kind
                        );
                        match number {
                            Some(n) => {
                                assert!(first.text().contains(n), "{flow}: {}", first.text())
                            }
                            None => assert!(
                                first.text().contains("findahelpline"),
                                "{flow}: {}",
                                first.text()
                            ),
                        }
                        seen += 1;
                    }
                    let a = match v.expect {
                        Expect::Check => Answer::No,
                        _ => Answer::Skip,
                    };
                    match Session::answer(&s, a) {
                        Ok(next) => (s, v) = next,
                        Err(_) => break,
                    }
                }
                assert!(seen >= 2, "{flow}: only {seen} ordinary steps seen");
            }
        }
    }

    #[test]
    fn every_flows_crisis_block_shows_the_screens_crisis_help_in_place() {
        for flow in FLOWS {
            let (_, v) = skip_to(flow, "crisis");
            let screen = resources::crisis_first(None);
            let shown: Vec<&str> = v.said.iter().map(|s| s.text()).collect();
            assert!(shown.contains(&screen[0].text()), "{flow}: {shown:?}");
            // With the region known, its numbers are there.
            let (mut s, mut v) = Session::start(flow, Mode::Ordinary, Some("US")).unwrap();
            while v.kind != "crisis" {
                let a = if v.expect == Expect::Check {
                    Answer::No
                } else {
                    Answer::Skip
                };
                (s, v) = Session::answer(&s, a).unwrap();
                assert!(!v.done, "{flow}: no crisis step");
            }
            let first = v
                .said
                .iter()
                .find(|x| x.kind() == "crisis" && x.topic() == Topic::Safety);
            let text = first.map(|x| x.text()).unwrap_or("");
            assert!(
                text.contains("988") && text.contains("911"),
                "{flow}: {text}"
            );
        }
    }

    fn all_text(v: &View) -> String {
        let mut t: Vec<&str> = v.said.iter().map(|s| s.text()).collect();
        t.extend(v.items.iter().map(|s| s.text()));
        t.extend(v.built.iter().map(|s| s.text()));
        t.join("\n")
    }

    #[test]
    fn every_flow_asks_the_fear_check_before_any_approach_step() {
        for flow in FLOWS {
            let (mut s, mut v) = start(flow);
            let mut seen_fear = false;
            while !v.done {
                if v.way == "check" && v.kind == "fear" {
                    seen_fear = true;
                }
                if matches!(v.way, "curious" | "space" | "name" | "stay" | "explore") {
                    assert!(seen_fear, "{flow}: {} before the fear check", v.kind);
                }
                if !seen_fear {
                    // At most a skippable pause before it.
                    assert_eq!(v.way, "pause", "{flow}: {} before the fear check", v.kind);
                    assert_eq!(v.expect, Expect::Breathing, "{flow}");
                }
                let a = if v.expect == Expect::Check {
                    Answer::No
                } else {
                    Answer::Skip
                };
                (s, v) = Session::answer(&s, a).unwrap();
            }
            assert!(seen_fear, "{flow}");
        }
    }

    #[test]
    fn a_check_accepts_only_yes_no_not_sure_and_asks_again_otherwise() {
        for flow in FLOWS {
            let (s, v) = skip_to(flow, "fear");
            assert_eq!(v.expect, Expect::Check);
            let keys: Vec<&str> = v.choices.iter().map(|c| c.key.as_str()).collect();
            assert_eq!(keys, ["yes", "no", "not_sure"]);
            for a in [
                Answer::Next,
                Answer::Skip,
                Answer::Choose("1".into()),
                Answer::Minutes(3),
            ] {
                let (s2, v2) = Session::answer(&s, a.clone()).unwrap();
                assert_eq!(s2, s, "{flow}: {a:?} moved on");
                assert!(v2.reask.is_some(), "{flow}: {a:?} not asked again");
                assert_eq!(v2.expect, Expect::Check);
            }
            for a in [Answer::Yes, Answer::NotSure] {
                let (s2, v2) = Session::answer(&s, a).unwrap();
                assert!(s2.safety_mode() && v2.safety_mode, "{flow}");
            }
            let (s2, _) = Session::answer(&s, Answer::No).unwrap();
            assert_eq!(s2.step(), s.step() + 1);
        }
    }

    #[test]
    fn safety_mode_shows_the_emergency_advice_and_helplines_first() {
        let (s, _) = skip_to("partner-pulled-away", "fear");
        // Region unknown: the emergency advice is the first thing, then the region is asked.
        let (s, v) = Session::answer(&s, Answer::NotSure).unwrap();
        assert_eq!(v.expect, Expect::Region);
        assert_eq!(v.said[0].kind(), "emergency-advice");
        // A country name or code is accepted; unknown ones are asked again.
        let (s2, v2) = Session::answer(&s, Answer::Region("Atlantis".into())).unwrap();
        assert_eq!(s2, s);
        assert!(v2.reask.as_ref().unwrap().text().contains("US"));
        assert!(!all_text(&v2).contains("Atlantis"));
        let (s, v) = Session::answer(&s, Answer::Region("us".into())).unwrap();
        assert_eq!(s.region(), Some("US"));
        assert_eq!(v.said[0].kind(), "emergency-advice");
        assert_eq!(v.said[1].kind(), "heading");
        assert_eq!(v.said[2].kind(), "emergency");
        assert!(all_text(&v).contains("911"));
        assert!(all_text(&v).contains("Thank you for saying so"));
        // The rest of safety mode: no approach, joint, shared-framing or couple-therapy step, no
        // EMDR, no discernment counselling; the region is not asked again.
        let (mut s, mut v) = Session::answer(&s, Answer::Next).unwrap();
        while !v.done {
            assert!(v.safety_mode);
            assert_ne!(v.expect, Expect::Region);
            assert!(matches!(v.way, "pause" | "safety" | "therapy"), "{}", v.way);
            let t = all_text(&v).to_lowercase();
            for banned in [
                "villain",
                "emdr",
                "discernment",
                "stopped reaching",
                "come back",
            ] {
                assert!(!t.contains(banned), "{}: {banned}", v.kind);
            }
            for s in v.said.iter().chain(v.items.iter()) {
                for tag in [
                    Tag::Approach,
                    Tag::Joint,
                    Tag::CoupleTherapy,
                    Tag::SharedFraming,
                ] {
                    assert!(!s.has(tag), "{}: {tag:?}", v.kind);
                }
            }
            if v.expect == Expect::Breathing {
                // Optional, and its words do not question the fear.
                assert!(t.contains("your sense of danger may be right"), "{t}");
            }
            (s, v) = Session::answer(&s, Answer::Skip).unwrap();
        }
    }

    #[test]
    fn safety_mode_offers_a_private_record_and_no_other_path_does() {
        for flow in flows::flow_ids() {
            // Safety mode: one step offers the record, in our words, with no command to type.
            let (mut s, mut v) = Session::start(flow, Mode::Safety, Some("US")).unwrap();
            let mut offered = Vec::new();
            while !v.done {
                if v.private_record {
                    assert_eq!(v.kind, PRIVATE_RECORD);
                    assert_eq!(v.expect, Expect::Next, "{flow}: taking it up is optional");
                    let t = all_text(&v).to_lowercase();
                    assert!(t.contains("never shared"), "{flow}: {t}");
                    assert!(t.contains("never counted"), "{flow}: {t}");
                    assert!(!t.contains("closer "), "{flow}: no command to type: {t}");
                    offered.push(v.step);
                }
                (s, v) = Session::answer(&s, Answer::Skip).unwrap();
            }
            assert_eq!(offered.len(), 1, "{flow}");
            // Outside safety mode no step offers it (walk past every step, answering no).
            if flow == flows::NOT_SAFE {
                continue;
            }
            let (mut s, mut v) = Session::start(flow, Mode::Ordinary, Some("US")).unwrap();
            let mut n = 0;
            while !v.done && !v.safety_mode && n < 200 {
                assert!(!v.private_record, "{flow}: {}", v.kind);
                let a = match v.expect {
                    Expect::Check => Answer::No,
                    Expect::Choose | Expect::ChooseMany | Expect::Region | Expect::Breathing => {
                        Answer::Skip
                    }
                    _ => Answer::Next,
                };
                (s, v) = Session::answer(&s, a).unwrap();
                n += 1;
            }
        }
    }

    #[test]
    fn the_not_safe_flow_and_afraid_start_in_safety_mode_with_the_region_given() {
        let (s, v) = Session::start("not-safe", Mode::Ordinary, Some("United Kingdom"))
            .or_else(|_| Session::start("not-safe", Mode::Ordinary, Some("UK")))
            .unwrap();
        assert!(s.safety_mode());
        assert_eq!(v.step, 1);
        assert_eq!(v.said[0].kind(), "emergency-advice");
        assert!(all_text(&v).contains("999"));
        let (s, _) = Session::start("same-fight", Mode::Safety, Some("US")).unwrap();
        assert!(s.safety_mode());
        assert!(matches!(
            Session::start("same-fight", Mode::Ordinary, Some("Narnia")),
            Err(SessionError::UnknownRegion { .. })
        ));
        assert!(matches!(
            Session::start("make-them-listen", Mode::Ordinary, None),
            Err(SessionError::UnknownFlow(_))
        ));
    }

    #[test]
    fn directories_follow_the_region_and_safety_mode_shows_no_couple_service() {
        let find = |mode: Mode| {
            let (mut s, mut v) = Session::start("same-fight", mode, Some("UK")).unwrap();
            while v.kind != "directories" {
                let a = if v.expect == Expect::Check {
                    Answer::No
                } else {
                    Answer::Skip
                };
                (s, v) = Session::answer(&s, a).unwrap();
                assert!(!v.done);
            }
            v.said
                .iter()
                .filter(|s| s.kind() == "directory")
                .map(|s| s.title().to_string())
                .collect::<Vec<_>>()
        };
        let ordinary = find(Mode::Ordinary);
        assert!(
            ordinary.iter().any(|t| t.starts_with("Relate")),
            "{ordinary:?}"
        );
        assert!(ordinary.iter().any(|t| t.contains("[INTL]")));
        assert!(!ordinary.iter().any(|t| t.contains("[US]")), "{ordinary:?}");
        let safety = find(Mode::Safety);
        assert!(!safety.is_empty());
        for t in &safety {
            assert!(
                !t.starts_with("Relate") && !t.contains("EMDR") && !t.contains("EFT"),
                "{t}"
            );
        }
    }

    #[test]
    fn the_safety_key_works_at_every_step() {
        for flow in FLOWS {
            let (mut s, mut v) = start(flow);
            while !v.done {
                assert!(v.safety_help);
                let (hs, hv) = Session::answer(&s, Answer::SafetyHelp).unwrap();
                assert!(hs.safety_mode() && hv.safety_mode, "{flow} {}", v.kind);
                assert_eq!(hv.said[0].kind(), "emergency-advice");
                let a = if v.expect == Expect::Check {
                    Answer::No
                } else {
                    Answer::Skip
                };
                (s, v) = Session::answer(&s, a).unwrap();
            }
        }
    }

    #[test]
    fn own_behaviour_yes_leads_to_help_for_that_role_with_steps_for_tonight() {
        for flow in FLOWS {
            let (s, _) = skip_to(flow, "own-behaviour");
            let (s, v) = Session::answer(&s, Answer::NotSure).unwrap();
            assert_eq!(s.path(), PathId::OwnBehaviour, "{flow}");
            assert!(!v.safety_mode);
            let t = all_text(&v);
            for needle in [
                "Leave the room yourself",
                "Put your phone away",
                "do not contact your partner for some hours",
                "emergency number",
            ] {
                assert!(t.contains(needle), "{flow}: tonight lacks {needle:?}: {t}");
            }
            let (mut s, mut v) = Session::answer(&s, Answer::Next).unwrap();
            let mut saw_lines = false;
            while !v.done {
                assert!(matches!(v.way, "safety" | "therapy" | "pause"), "{}", v.way);
                if v.expect == Expect::Region {
                    (s, v) = Session::answer(&s, Answer::Region("UK".into())).unwrap();
                    let kinds: Vec<&str> = v.said.iter().map(|s| s.kind()).collect();
                    assert!(kinds.contains(&"own-behaviour"), "{kinds:?}");
                    assert!(!kinds.contains(&"dv"), "{kinds:?}");
                    saw_lines = true;
                }
                let t = all_text(&v).to_lowercase();
                assert!(!t.contains("villain") && !t.contains("not your fault"));
                (s, v) = Session::answer(&s, Answer::Skip).unwrap();
            }
            assert!(saw_lines, "{flow}");
        }
    }

    #[test]
    fn anxious_reaching_stays_in_the_flow_with_help_for_the_panic() {
        let (s, _) = skip_to("partner-pulled-away", "reaching");
        let (s2, v) = Session::answer(&s, Answer::Yes).unwrap();
        assert_eq!(s2.path(), PathId::Flow);
        assert_eq!(s2.step(), s.step());
        assert!(all_text(&v).contains("panic"));
        let (s3, v3) = Session::answer(&s2, Answer::Next).unwrap();
        assert_eq!(s3.path(), PathId::Flow);
        assert_eq!(s3.step(), s.step() + 1);
        assert!(!v3.safety_mode);
    }

    #[test]
    fn the_curious_opening_is_built_only_from_choices() {
        let (s, v) = skip_to("partner-pulled-away", "opening");
        assert_eq!(v.builds, Some("from_choices"));
        assert_eq!(v.expect, Expect::Choose);
        // There is no answer that carries free text into a sentence: an unknown key is refused.
        assert!(matches!(
            Session::answer(
                &s,
                Answer::Choose("I saw on your phone that you were texting Sam".into())
            ),
            Err(SessionError::UnknownChoice { .. })
        ));
        let (s, _) = Session::answer(&s, Answer::Choose("far-apart".into())).unwrap();
        let (s, v) = Session::answer(&s, Answer::Choose("lonely".into())).unwrap();
        let built = v.built.as_ref().unwrap().text();
        assert!(
            built.starts_with("I noticed things felt far apart between us tonight. I felt lonely.")
        );
        assert_eq!(s.picks.len(), 2);
    }

    #[test]
    fn picking_an_act_outside_the_dance_in_the_loop_map_changes_the_path() {
        let (s, v) = skip_to("same-fight", "cycle-map");
        let keys: Vec<&str> = v.choices.iter().map(|c| c.key.as_str()).collect();
        assert!(keys.contains(&"block") && keys.contains(&"text"));
        let (o, ov) = Session::answer(&s, Answer::Choose("block".into())).unwrap();
        assert_eq!(o.path(), PathId::OwnBehaviour);
        assert!(ov.built.is_none());
        // My partner's act: the fear path.
        let (mut m, _) = Session::answer(&s, Answer::Choose("text".into())).unwrap();
        for _ in 0..4 {
            (m, _) = Session::answer(&m, Answer::Skip).unwrap();
        }
        let (f, fv) = Session::answer(&m, Answer::Choose("grab-push-hit".into())).unwrap();
        assert!(f.safety_mode() && fv.safety_mode);
        assert!(!all_text(&fv).contains("villain"));
    }

    #[test]
    fn a_whole_loop_map_is_built_and_shared_only_after() {
        let (mut s, mut v) = skip_to("same-fight", "cycle-map");
        for _ in 0..10 {
            let k = v.choices[0].key.clone();
            (s, v) = Session::answer(&s, Answer::Choose(k)).unwrap();
        }
        let built = v.built.as_ref().expect("a map").text().to_string();
        assert!(built.starts_with("When things get tense, I tend to ask what is wrong."));
        assert!(built.contains("Neither of us is the villain"));
        let (_, next) = Session::answer(&s, Answer::Next).unwrap();
        assert_eq!(next.way, "name");
    }

    #[test]
    fn feelings_take_several_picks_and_the_break_takes_minutes() {
        let (s, v) = skip_to("i-pulled-away", "feelings");
        assert_eq!(v.expect, Expect::ChooseMany);
        let (_, v) = Session::answer(
            &s,
            Answer::ChooseMany(vec!["tired".into(), "crowded".into()]),
        )
        .unwrap();
        assert_eq!(
            v.built.unwrap().text(),
            "Right now I notice I feel crowded and tired."
        );
        let (s, v) = skip_to("i-pulled-away", "break");
        assert_eq!(v.expect, Expect::Minutes);
        let (s2, v2) = Session::answer(&s, Answer::Minutes(0)).unwrap();
        assert_eq!(s2, s);
        assert!(v2.reask.is_some());
        let (_, v) = Session::answer(&s, Answer::Next).unwrap();
        assert!(v.built.unwrap().text().contains("20 minutes"));
        let (_, v) = Session::answer(&s, Answer::Minutes(45)).unwrap();
        assert!(v.built.unwrap().text().contains("45 minutes"));
    }

    #[test]
    fn partner_pulled_away_runs_the_night_in_order() {
        let (mut s, mut v) = start("partner-pulled-away");
        let mut kinds = Vec::new();
        while !v.done {
            kinds.push(format!("{}/{}", v.way, v.kind));
            let a = if v.expect == Expect::Check {
                Answer::No
            } else {
                Answer::Skip
            };
            (s, v) = Session::answer(&s, a).unwrap();
        }
        let pos = |k: &str| {
            kinds
                .iter()
                .position(|x| x == k)
                .unwrap_or_else(|| panic!("lacks {k}: {kinds:?}"))
        };
        let order = [
            "pause/breathing",
            "check/fear",
            "check/own-behaviour",
            "space/reassure",
            "space/tonight",
            "curious/welcome",
            "curious/opening",
            "name/together",
            "curious/repair-later",
            "therapy/couple",
        ];
        for w in order.windows(2) {
            assert!(pos(w[0]) < pos(w[1]), "{} before {}: {kinds:?}", w[0], w[1]);
        }
        assert_eq!(pos("pause/breathing"), 0);
        assert_eq!(pos("check/fear"), 1);
    }

    #[test]
    fn naming_the_pattern_together_is_shown_only_when_both_are_open() {
        for flow in FLOWS {
            let (s, v) = skip_to(flow, "together");
            assert_eq!(v.expect, Expect::Choose, "{flow}");
            let keys: Vec<&str> = v.choices.iter().map(|c| c.key.as_str()).collect();
            assert_eq!(keys, ["yes", "not-yet"]);
            // Before an answer, only the question: not the script for the talk.
            assert!(all_text(&v).contains("open to"), "{flow}");
            assert!(!v.said.iter().any(|s| s.kind() == "together"), "{flow}");
            let (_, yes) = Session::answer(&s, Answer::Choose("yes".into())).unwrap();
            assert!(yes.said.iter().any(|s| s.kind() == "together"), "{flow}");
            let (_, no) = Session::answer(&s, Answer::Choose("not-yet".into())).unwrap();
            assert!(!no.said.iter().any(|s| s.kind() == "together"), "{flow}");
            assert!(
                all_text(&no).contains("not a door"),
                "{flow}: {}",
                all_text(&no)
            );
            let (skipped, _) = Session::answer(&s, Answer::Skip).unwrap();
            assert_eq!(skipped.step(), s.step() + 1);
        }
    }

    #[test]
    fn back_undoes_and_quit_ends() {
        let (s, _) = start("same-fight");
        let (s1, _) = Session::answer(&s, Answer::Skip).unwrap();
        let (b, _) = Session::answer(&s1, Answer::Back).unwrap();
        assert_eq!(b.step(), 0);
        let (q, v) = Session::answer(&s1, Answer::Quit).unwrap();
        assert!(q.is_done() && v.done);
        assert_eq!(v.expect, Expect::End);
    }

    #[test]
    fn state_round_trips_compactly_and_tampering_is_an_error() {
        let (s, _) = skip_to("same-fight", "cycle-map");
        let (s, _) = Session::answer(&s, Answer::Choose("text".into())).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.len() < 80, "{json}");
        let back: State = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let tamper = |from: &str, to: &str| -> Result<View, SessionError> {
            let t = json.replace(from, to);
            assert_ne!(t, json, "{from}");
            let st: State = serde_json::from_str(&t).map_err(|e| bad(e.to_string()))?;
            Session::view(&st)
        };
        let step = format!("\"i\":{}", s.step());
        assert!(matches!(
            tamper(&step, "\"i\":999"),
            Err(SessionError::BadState(_))
        ));
        assert!(matches!(
            tamper("\"k\":[[1]]", "\"k\":[[999]]"),
            Err(SessionError::BadState(_))
        ));
        // An act outside the dance smuggled into the map's picks.
        assert!(matches!(
            tamper("\"k\":[[1]]", "\"k\":[[11]]"),
            Err(SessionError::BadState(_))
        ));
        assert!(matches!(
            tamper("\"v\":1", "\"v\":9"),
            Err(SessionError::BadState(_))
        ));
        assert!(matches!(
            tamper("same-fight", "nope"),
            Err(SessionError::UnknownFlow(_))
        ));
        assert!(matches!(
            tamper("\"p\":\"f\"", "\"p\":\"x\""),
            Err(SessionError::BadState(_))
        ));
        // A "yes" smuggled onto the fear check cannot fake safety words in ordinary mode.
        let (f, _) = skip_to("same-fight", "fear");
        let mut j: serde_json::Value = serde_json::to_value(&f).unwrap();
        j["y"] = serde_json::Value::Bool(true);
        let st: State = serde_json::from_value(j).unwrap();
        assert!(matches!(Session::view(&st), Err(SessionError::BadState(_))));
        // A not-safe state walked out of safety mode.
        let (n, _) = Session::start("not-safe", Mode::Ordinary, None).unwrap();
        let mut j: serde_json::Value = serde_json::to_value(&n).unwrap();
        j["p"] = serde_json::Value::String("f".into());
        let st: State = serde_json::from_value(j).unwrap();
        assert!(Session::view(&st).is_err());
        // A region that is not a known code.
        let mut j: serde_json::Value = serde_json::to_value(&n).unwrap();
        j["r"] = serde_json::Value::String("I live at 12 Elm St".into());
        let st: State = serde_json::from_value(j).unwrap();
        assert!(Session::view(&st).is_err());
    }

    #[test]
    fn every_view_of_every_walk_is_said_through_the_policy_and_has_no_command_to_type() {
        // Walk every flow in both modes answering yes everywhere possible and skipping the rest.
        for flow in FLOWS.iter().copied().chain(["not-safe"]) {
            for mode in [Mode::Ordinary, Mode::Safety] {
                let (mut s, mut v) = Session::start(flow, mode, None).unwrap();
                let mut n = 0;
                while !v.done && n < 100 {
                    let t = all_text(&v);
                    for cmd in ["closer help-now", "closer guide", "--afraid", "`closer"] {
                        assert!(!t.contains(cmd), "{flow}/{}: {cmd}", v.kind);
                    }
                    let a = match v.expect {
                        Expect::Check => Answer::Yes,
                        Expect::Region if mode == Mode::Safety => Answer::Skip,
                        Expect::Region => Answer::Region("NZ".into()),
                        _ => Answer::Next,
                    };
                    (s, v) = Session::answer(&s, a).unwrap();
                    n += 1;
                }
                assert!(v.done, "{flow}: did not end");
            }
        }
    }

    #[test]
    fn states_encode_and_decode_and_a_bad_encoding_is_an_error() {
        let (s, _) = skip_to("i-pulled-away", "feelings");
        let text = s.encode();
        assert_eq!(State::decode(&text).unwrap(), s);
        for junk in [
            "",
            "{",
            "[]",
            r#"{"v":1}"#,
            r#"{"v":1,"f":"same-fight","p":"f","i":0,"z":1}"#,
        ] {
            assert!(State::decode(junk).is_err(), "{junk}");
        }
        assert_eq!(
            Answer::from_form("choose_many", &["tired".into(), "sad".into()]).unwrap(),
            Answer::ChooseMany(vec!["tired".into(), "sad".into()])
        );
        assert_eq!(
            Answer::from_form("minutes", &["30".into()]).unwrap(),
            Answer::Minutes(30)
        );
        assert!(Answer::from_form("minutes", &["soon".into()]).is_err());
        assert!(Answer::from_form("delete_everything", &[]).is_err());
    }

    #[test]
    fn answers_deserialise_from_a_form_friendly_shape() {
        let a: Answer = serde_json::from_str(r#"{"answer":"choose","value":"far-apart"}"#).unwrap();
        assert_eq!(a, Answer::Choose("far-apart".into()));
        let a: Answer = serde_json::from_str(r#"{"answer":"not_sure"}"#).unwrap();
        assert_eq!(a, Answer::NotSure);
        assert_eq!(Answer::from_check_text("sometimes"), Some(Answer::NotSure));
        assert_eq!(Answer::from_check_text(""), None);
    }

    mod fuzz {
        use super::super::*;
        use proptest::prelude::*;

        fn answer() -> impl Strategy<Value = Answer> {
            prop_oneof![
                Just(Answer::Next),
                Just(Answer::Back),
                Just(Answer::Yes),
                Just(Answer::No),
                Just(Answer::NotSure),
                Just(Answer::Skip),
                Just(Answer::SafetyHelp),
                Just(Answer::Quit),
                "[a-z0-9-]{0,12}".prop_map(Answer::Choose),
                prop::collection::vec("[a-z0-9-]{0,10}", 0..4).prop_map(Answer::ChooseMany),
                any::<u32>().prop_map(Answer::Minutes),
                "[A-Za-z -]{0,14}".prop_map(Answer::Region),
                (0usize..3).prop_map(|i| Answer::Choose(["1", "yes", "text"][i].to_string())),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Any sequence of answers, sensible or not, gives either an error or a state that is
            /// valid and renders: never a panic, never a state the session would refuse.
            #[test]
            fn any_answers_keep_the_walk_valid(
                flow in 0usize..4,
                afraid in any::<bool>(),
                answers in prop::collection::vec(answer(), 0..60),
            ) {
                let id = ["partner-pulled-away", "i-pulled-away", "same-fight", "not-safe"][flow];
                let mode = if afraid { Mode::Safety } else { Mode::Ordinary };
                let (mut s, _) = Session::start(id, mode, None).unwrap();
                for a in answers {
                    if let Ok((next, v)) = Session::answer(&s, a) {
                        prop_assert!(Session::view(&next).is_ok());
                        prop_assert_eq!(State::decode(&next.encode()).unwrap(), next.clone());
                        // Once in safety mode, a walk never leaves it.
                        if s.safety_mode() {
                            prop_assert!(next.safety_mode() && v.safety_mode);
                        }
                        s = next;
                    }
                }
            }

            /// Arbitrary text given as a state is refused or accepted, never a panic.
            #[test]
            fn arbitrary_state_text_never_panics(text in ".{0,120}") {
                let _ = State::decode(&text);
            }

            /// A valid state with one number changed is refused or rendered, never a panic.
            #[test]
            fn mutated_states_never_panic(step in 0u16..40, pick in 0u16..40, path in 0usize..3) {
                let p = ["f", "s", "o"][path];
                let text = format!(
                    r#"{{"v":1,"f":"same-fight","p":"{p}","i":{step},"k":[[{pick}]],"y":true,"m":5}}"#
                );
                if let Ok(st) = State::decode(&text) {
                    prop_assert!(Session::view(&st).is_ok());
                }
            }
        }
    }
}
