//! Everything `closer` says to a person (DESIGN.md §9).
//!
//! Content lives in data files under `content/`, embedded at build time. Every sentence leaves
//! this crate as a [`closer_safety::Said`], which only `closer_safety::Policy::review` can make.
//!
//! - [`content`]: the embedded content files, parsed once.
//! - [`flows`]: `closer guide FLOW` and `closer learn`.
//! - [`session`]: the flow session, one walk for every surface (terminal and web).
//! - [`compose`]: texts built only from choices.
//! - [`soften`]: "a softer way to say it".
//! - [`narrate_model`]: plain-language narration of the dance model's output.
//! - [`narrate_measure`]: words about scores, change and signals from questionnaires.

pub mod compose;
pub mod content;
pub mod evidence;
pub mod flows;
pub mod journal;
pub mod measure_view;
pub mod narrate_measure;
pub mod narrate_model;
pub mod narrate_patterns;
pub mod record_charts;
pub mod session;
pub mod soften;
pub mod together;
pub mod ui;
pub mod words;
