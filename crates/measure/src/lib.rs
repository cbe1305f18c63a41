//! Validated instruments as data: scoring, reliability, change; emits safety signals
//! (DESIGN.md §7).
//!
//! - [`instrument`]: the keys, embedded from `data/*.toml`, keyed by stable item ids; no item
//!   wording (people answer on the official form and enter answers by item number).
//! - [`responses`]: the responses CSV, with errors naming file, line and column.
//! - [`score`]: reverse keys as (min + max − x), the missing-data rule, research summaries.
//! - [`stats`]: alpha, item–total correlations, SEM and the Jacobson–Truax reliable-change index.
//! - [`change`]: before/after with measurement error.
//! - [`quadrant`]: the secondary region label, always carrying both scores and its rule.
//! - [`norms`]: percentiles for the ECR on 1–5 against the public data, and nothing else.
//! - [`signals`]: CPQ threats, name-calling and aggression by direction.
//!
//! Pure: no files, clock or global state beyond parsed embedded data.

pub mod change;
pub mod instrument;
pub mod norms;
pub mod quadrant;
pub mod responses;
pub mod score;
pub mod signals;
pub mod stats;

pub use instrument::{Instrument, Order};
pub use responses::Responses;
pub use score::{Scored, score};
