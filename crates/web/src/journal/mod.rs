//! The journal in the browser (issue 15): the list with its pages, the entry form, edits with
//! their owner-only history, deletion, and my patterns, for a signed-in person. Decisions are
//! the store's and the pure crates'; this module reads forms, keeps a per-session cache and lays
//! out `Said` values.

pub mod cache;
pub mod day;
pub mod form;
pub mod pages;
