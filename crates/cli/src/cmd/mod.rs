//! One module per subcommand. Each has `Args` (clap) and `run`.
//!
//! The commands of the guide and of safety (`guide`, `home`, `learn`, `screen`, `help-now`), and
//! `patterns` and `soften`, print words only as an `io::Page` of `Said` values (`io::emit_page`): the raw emitter `io::emit` and
//! the standard streams are disallowed for them by `crates/cli/clippy.toml`. The data commands
//! below are allowed the raw emitter, each with its reason.

pub mod assess;
pub mod checkin;
#[allow(clippy::disallowed_methods)] // a completion script or a man page: data, not words
pub mod completions;
#[allow(clippy::disallowed_methods)] // data: the export, the evidence file's path and hash
pub mod export;
#[allow(clippy::disallowed_methods)] // research output: parameter tables, data not words
pub mod fit;
pub mod forget;
pub mod guide;
pub mod help_now;
pub mod home;
pub mod import;
#[allow(clippy::disallowed_methods)] // data: one's own records as written, reviewed labels
pub mod journal;
pub mod learn;
pub mod lock;
pub mod log;
pub mod patterns;
pub mod phase;
#[allow(clippy::disallowed_methods)] // data: the path of the page it wrote
pub mod report;
pub mod screen;
#[allow(clippy::disallowed_methods)] // research output: per-dyad tables, data not words
pub mod series;
#[allow(clippy::disallowed_methods)] // one line of data: the address it listens on
pub mod serve;
pub mod simulate;
#[allow(clippy::disallowed_methods)] // research output: a moves CSV, data not words
pub mod simulate_hawkes;
pub mod soften;
pub mod sweep;
