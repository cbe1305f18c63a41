//! Maximum-likelihood fits of the linear multivariate Hawkes process with exponential kernels
//! (DESIGN.md §8): the research track's point-process fit of interaction logs.
//!
//! # The model
//! One dimension per (partner, move type) pair present in the log ("A reach", "B withdraw", …),
//! ordered by partner then move type. The intensity of dimension `k` is
//!
//! ```text
//! λ_k(t) = μ_k(t) + Σ_j α_kj Σ_{t_i^j < t} β e^{−β (t − t_i^j)}
//! ```
//!
//! with a *normalised* kernel: `α_kj` (row `k`, column `j`) is the expected number of type-`k`
//! events one type-`j` event sets off, whatever the decay `β`. This is the convention of
//! `hawkes-rs` (checked against its reported log-likelihood, see `docs/research.md`). One decay is
//! shared by all pairs, as in `hawkes-rs`: with it, a single exponential per inter-event gap
//! updates every trace, and the likelihood, for a fixed decay, separates into one concave problem
//! per dimension.
//!
//! The baseline `μ_k(t)` is constant, or piecewise constant over the day (`bins` equal bins of
//! `24 / bins` hours on the absolute time modulo 24): people log in the evening, and a daily
//! rhythm left out of the baseline is mistaken for excitation (DESIGN.md §6). The compensator of a
//! piecewise-constant baseline is exact, so the likelihood stays exact and O(n).
//!
//! Ties: events at the same time do not excite each other — the kernel sums over strictly earlier
//! events only, as `hawkes-rs` does.
//!
//! Pure: inputs in, values out.

// The numeric kernels index several arrays in lockstep by dimension; iterator chains would hide
// that and not be faster.
#![allow(clippy::needless_range_loop)]

mod data;
mod derived;
mod fit;
mod information;
mod intervals;
mod likelihood;
mod null_test;
mod report;
mod rescaling;
mod rhythm;
#[cfg(test)]
mod tests;

pub use closer_domain::hawkes::HawkesParams;
pub use data::{Dimension, Events, HawkesError, MAX_DIMS};
pub use derived::{LoopGain, cascade_sizes, loop_gains, spectral_radius};
pub use fit::{Fit, FitOptions, ParamRef, fit, fit_with};
pub use information::{INFORMATION_FROM, information_intervals};
pub use intervals::{Interval, Intervals, profile_intervals};
pub use likelihood::{Gradient, log_likelihood, log_likelihood_gradient};
pub use null_test::{
    DAVIES_DECIDES, NULL_TEST_LEVEL, NullTest, SEQUENTIAL_FROM, davies_bound, null_log_likelihood,
    null_rates, null_test, null_test_with_progress, resample_null,
};
pub use report::{
    IntervalMethod, LabelledCheck, METHOD, NOTE, NULL_TEST_NOTE, NULL_TEST_SEED, NullTestReport,
    RESCALING_NOTE, Report, report, report_auto, report_auto_with, report_for, report_tested,
    report_tested_with,
};
pub use rescaling::{RescalingCheck, ks_p_value, rescaled_increments, rescaling_check};
pub use rhythm::{DailyRhythm, RHYTHM_LEVEL, RHYTHM_REPLICATES, RHYTHM_SEED, daily_rhythm};
