//! What is learned from data (DESIGN.md §6, §8).
//!
//! - [`episodes`]: a couple's own moves, read honestly (episodes, the episode-level chain,
//!   intervals and minimums).
//! - [`series`]: rties-compatible dyadic time-series models, profiles, dyadic VAR(1).
//! - [`hawkes`]: maximum-likelihood fits of the linear multivariate Hawkes process.
//! - [`rng`]: the one generator family (ChaCha8 streams) and the samplers on it.
//!
//! Pure: inputs in, values out.

mod cast;
pub mod episodes;
pub mod hawkes;
pub mod rng;
pub mod series;
pub mod special;
