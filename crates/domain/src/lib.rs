//! The shared vocabulary of `closer` (DESIGN.md §4).
//!
//! Every other crate speaks in these types, so that a simulated couple, a journal and a research
//! file can be analysed by the same code. This crate is pure: no files, clock or randomness.
//!
//! Names follow the domain language on purpose. Roles ("the one who reaches", "the one who
//! withdraws") are *not* types here: they are situational and inferred, never labels on a person.

pub mod csv_rows;
pub mod error;
pub mod fields;
pub mod hawkes;
pub mod linalg;
pub mod moves_csv;
pub mod numeric;
pub mod signal;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub use error::InputError;
pub use signal::{Direction, SafetySignal, SignalDomain, SignalSource};

/// One of the two people in a couple. `A` and `B` carry no meaning beyond "first" and "second".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Person {
    A,
    B,
}

impl Person {
    /// Both people, in a fixed order, so that every output can show both.
    pub const BOTH: [Person; 2] = [Person::A, Person::B];

    /// The other person of the couple.
    pub fn other(self) -> Person {
        match self {
            Person::A => Person::B,
            Person::B => Person::A,
        }
    }

    /// 0 for A, 1 for B: for indexing per-person arrays.
    pub fn index(self) -> usize {
        match self {
            Person::A => 0,
            Person::B => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Person::A => "A",
            Person::B => "B",
        }
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Person {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "A" | "a" => Ok(Person::A),
            "B" | "b" => Ok(Person::B),
            other => Err(format!("expected A or B, found {other:?}")),
        }
    }
}

/// The kind of one act in the loop (DESIGN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveType {
    /// Reaching for closeness: talking, touching, texting, asking, explaining.
    Reach,
    /// Pulling away: going quiet, leaving the room, turning to something else.
    Withdraw,
    /// Answering a bid.
    TurnToward,
    /// An act that mends after a rupture.
    Repair,
    /// Coming back after a break.
    Return,
}

impl MoveType {
    pub const ALL: [MoveType; 5] = [
        MoveType::Reach,
        MoveType::Withdraw,
        MoveType::TurnToward,
        MoveType::Repair,
        MoveType::Return,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoveType::Reach => "reach",
            MoveType::Withdraw => "withdraw",
            MoveType::TurnToward => "turn_toward",
            MoveType::Repair => "repair",
            MoveType::Return => "return",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for MoveType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MoveType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MoveType::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                format!("expected one of reach, withdraw, turn_toward, repair, return; found {s:?}")
            })
    }
}

/// A way of responding (DESIGN.md §4, §5): something one person chooses for themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    /// Regulate before reacting.
    Pause,
    /// Timing, a curious opening, "I" statements.
    Curious,
    /// Space, not silence.
    Space,
    /// Name the pattern together — only when both are open to it.
    Name,
    /// A break with a time to come back (from research on flooding).
    Stay,
    /// Styles, triggers, naming feelings: understanding.
    Explore,
}

impl Way {
    pub const ALL: [Way; 6] = [
        Way::Pause,
        Way::Curious,
        Way::Space,
        Way::Name,
        Way::Stay,
        Way::Explore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Way::Pause => "pause",
            Way::Curious => "curious",
            Way::Space => "space",
            Way::Name => "name",
            Way::Stay => "stay",
            Way::Explore => "explore",
        }
    }
}

impl fmt::Display for Way {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Way {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Way::ALL
            .into_iter()
            .find(|w| w.as_str() == s.trim())
            .ok_or_else(|| {
                format!("expected one of pause, curious, space, name, stay, explore; found {s:?}")
            })
    }
}

/// How the loop goes over a stated horizon, in words that describe rather than judge (DESIGN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Flares are rare, bids are answered, repair comes quickly.
    Settles,
    /// Flares come back and fade.
    Recurs,
    /// The loop feeds itself into a lasting high-alarm state.
    Spirals,
    /// Reaching fades without repair: worrying, not peace.
    Drifts,
    /// Both keep a steady low-contact distance.
    Distant,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Settles => "settles",
            Outcome::Recurs => "recurs",
            Outcome::Spirals => "spirals",
            Outcome::Drifts => "drifts",
            Outcome::Distant => "distant",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One act (DESIGN.md §4). `by` is who acted; `recorded_by` is who logged it. When they differ,
/// the move is the recorder's *perception* and must be shown as such.
///
/// Small on purpose (64 bytes): research files hold millions of moves. The free-text labels are
/// shared strings — a reader interns them, so a million moves of one couple hold one copy of its
/// id, and copying a move copies no text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    /// Time in hours from the start of the observation window's clock.
    pub at: f64,
    pub by: Person,
    pub move_type: MoveType,
    /// Who logged it; `None` in simulations and joint research records.
    pub recorded_by: Option<Person>,
    /// 0–10.
    pub intensity: Option<u8>,
    /// The way of responding the actor was trying, if any.
    pub way: Option<Way>,
    /// A free-text kind ("text", "left the room"); never interpreted.
    pub kind: Option<Arc<str>>,
    /// Episode label from the file, if any.
    pub episode: Option<Arc<str>>,
    /// Couple id in a multi-couple research file.
    pub couple: Option<Arc<str>>,
}

impl Move {
    /// A bare move: who did what, when.
    pub fn new(at: f64, by: Person, move_type: MoveType) -> Move {
        Move {
            at,
            by,
            move_type,
            recorded_by: None,
            kind: None,
            intensity: None,
            episode: None,
            way: None,
            couple: None,
        }
    }

    /// True when someone logged another person's move: a perception, not a fact.
    pub fn is_perception(&self) -> bool {
        matches!(self.recorded_by, Some(r) if r != self.by)
    }
}

/// The observation window `[start, end]`, in the same units as move times (hours).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub start: f64,
    pub end: f64,
}

impl Window {
    pub fn length(&self) -> f64 {
        self.end - self.start
    }
}

impl FromStr for Window {
    type Err = String;
    /// Parses `START..END` with finite numbers and START < END.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s
            .trim()
            .split_once("..")
            .ok_or_else(|| format!("expected START..END (for example 0..720), found {s:?}"))?;
        let start: f64 = a
            .trim()
            .parse()
            .map_err(|_| format!("expected a number before '..', found {a:?}"))?;
        let end: f64 = b
            .trim()
            .parse()
            .map_err(|_| format!("expected a number after '..', found {b:?}"))?;
        if !start.is_finite() || !end.is_finite() || end <= start {
            return Err(format!(
                "expected a window whose end is after its start, found {s:?}"
            ));
        }
        Ok(Window { start, end })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// An attachment profile: anxiety and avoidance on the named instrument's own scale.
///
/// A relationship-specific score (ECR-RS, partner target) and a global one (ECR, ECR-R, ECR-S) are
/// different things: the instrument travels with the numbers so they are never merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentProfile {
    /// Instrument id, for example `ecr-r`; `"model"` for the 1–7 inputs of the dance model.
    pub instrument: String,
    pub anxiety: f64,
    pub avoidance: f64,
    /// The scale's minimum and maximum, for example (1, 7).
    pub scale: (f64, f64),
}

/// An episode's ending (DESIGN.md §6). `Unfinished` is the censored last episode of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeEnd {
    Reconnected,
    Disconnected,
    Unfinished,
}

/// Moves from a first bid to repair, a return after a break, or disconnection (DESIGN.md §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub label: Option<String>,
    pub moves: Vec<Move>,
    pub end: EpisodeEnd,
}

impl Episode {
    /// Who made the first move.
    pub fn started_by(&self) -> Option<Person> {
        self.moves.first().map(|m| m.by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Research files hold millions of moves: a move stays 64 bytes (it was 88 with owned
    /// strings), and a copy shares its labels instead of copying their text.
    #[test]
    fn a_move_is_small_and_shares_its_labels() {
        assert_eq!(std::mem::size_of::<Move>(), 64);
        let mut m = Move::new(1.0, Person::A, MoveType::Reach);
        m.couple = Some("c1".into());
        let copy = m.clone();
        assert!(Arc::ptr_eq(
            m.couple.as_ref().unwrap(),
            copy.couple.as_ref().unwrap()
        ));
    }
}
