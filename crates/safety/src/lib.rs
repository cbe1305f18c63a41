//! Safety and privacy by construction (DESIGN.md §3).
//!
//! - [`policy`]: the gate every sentence said to a person passes through. [`policy::Said`] is the
//!   only thing the edges may print, and only [`policy::Policy::review`] makes one.
//! - `screen`: the private graded screen, its questions written by us, and the grading table
//!   (data, with the reasoning for each row).
//! - `resources`: helplines from the vetted list, only entries marked V or S.
//! - [`risk`]: the risk reader for any free text a person typed (self-harm, violence, threats,
//!   surveillance, isolation, children), rules as data in `data/risk.toml`.
//!
//! Pure: no files, clock or randomness.

pub mod checks;
pub mod policy;

pub use policy::{Context, Draft, Mode, Policy, Said, Tag, Topic, Withheld};
pub mod grading;

pub use grading::{Grade, Grading};
pub mod resources;
pub mod risk;

pub use risk::{Language, Reading, Risk, RiskKind};
pub mod screen;
