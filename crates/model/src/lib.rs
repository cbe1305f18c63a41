//! The dance model: an exact, seeded event simulation of the pursuer–distancer loop, its
//! mean-field version and outcomes (DESIGN.md §5; equations and assumptions in docs/model.md).
//!
//! - [`params`]: from two attachment profiles (1–7) to parameters, and each way's lever.
//! - [`dynamics`]: the rates and the mean-field vector field, shared by both versions.
//! - [`sim`]: the exact simulation by thinning against local rate bounds.
//! - [`meanfield`]: fixed points with hope held, their stability, nullclines, trajectories.
//! - [`outcome`]: settles / recurs / spirals / drifts / distant, read over a stated horizon.
//! - [`study`]: a couple over many seeds (outcome shares, each way's paired effect, whether the
//!   resting state agrees with the runs) and sweeps over a grid of couples.
//! - [`hawkes`]: the linear multivariate exponential Hawkes process, the exact special case.
//!
//! Pure: randomness comes in as a generator, nothing is read or written. Every number it makes is
//! an illustration of a direction, never a forecast about a person.

// Two people indexed 0 and 1 read most plainly as index loops.
#![allow(clippy::needless_range_loop)]

pub mod dynamics;
pub mod hawkes;
pub mod meanfield;
pub mod outcome;
pub mod params;
pub mod sim;
pub mod study;

pub use hawkes::{HawkesError, HawkesParams, HawkesProcess};
pub use meanfield::{FixedPoint, PersonSteady};
pub use outcome::Summary;
pub use params::{Params, Profile, WayUse, Who};
pub use sim::Trace;
pub use study::{
    OutcomeShare, Simulation, SweepCell, SweepSpec, WayEffect, simulate, sweep, sweep_cell,
};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Why the model refused its input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("expected {field} on the 1–7 scale (from 1 to 7), found {value}")]
    Profile { field: &'static str, value: f64 },
    #[error("{0}")]
    Way(String),
    #[error("expected a horizon of more than 0 and at most 100 years of days, found {0}")]
    Horizon(f64),
    #[error("the parameters are outside the model's range (a rate is negative or not finite)")]
    Params,
    #[error("expected from 5 to 1000 seeds, found {0}")]
    Seeds(usize),
    #[error(
        "a grid of {grid} points over {dims} scores with {seeds} seeds each is more than {max} runs; choose a smaller grid or fewer seeds"
    )]
    Sweep {
        grid: usize,
        dims: u32,
        seeds: usize,
        max: usize,
    },
}

/// The generator for one run: ChaCha8 seeded from `seed`, on its own `stream`, so that runs in a
/// sweep do not depend on how threads are scheduled.
pub fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// Everything one simulated couple produces.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub a: Profile,
    pub b: Profile,
    pub ways: Vec<WayUse>,
    pub summary: Summary,
    /// The stable fixed point reached from a calm start with hope held, for the model after all
    /// the ways given. `None` only if the mean field does not come to rest.
    pub steady: Option<FixedPoint>,
    /// Every fixed point of the same model (hope held at its start).
    pub fixed_points: Vec<FixedPoint>,
    /// Hope in the mean field after the horizon, per person (ways in use from their days).
    pub mean_field_hope: [f64; 2],
    #[serde(skip)]
    pub trace: Trace,
}

/// Simulates one couple and reads its outcome; also the mean-field steady values.
pub fn run(
    a: Profile,
    b: Profile,
    ways: &[WayUse],
    days: f64,
    seed: u64,
    keep_moves: bool,
) -> Result<Run, ModelError> {
    study::check_ways(ways)?;
    let base = Params::from_profiles(a, b);
    let mut g = rng(seed, 0);
    let trace = sim::simulate(&base, ways, days, &mut g, keep_moves)?;
    let summary = outcome::classify(&trace, base.shared.flare);
    let after = base.with_ways(ways);
    let steady = meanfield::steady(&after);
    let fixed_points = meanfield::fixed_points(&after, [1.0, 1.0]);
    let mean_field_hope = mean_field_hope(&base, ways, days);
    Ok(Run {
        a,
        b,
        ways: ways.to_vec(),
        summary,
        steady,
        fixed_points,
        mean_field_hope,
        trace,
    })
}

/// Hope after `days` in the mean field, with each way switched on at its day.
pub fn mean_field_hope(base: &Params, ways: &[WayUse], days: f64) -> [f64; 2] {
    let mut sorted = ways.to_vec();
    sorted.sort_by(|x, y| x.day.total_cmp(&y.day));
    let mut params = *base;
    let mut s = dynamics::calm_start();
    let mut t = 0.0;
    let end = days * 24.0;
    let mut stops: Vec<(f64, Option<WayUse>)> =
        sorted.iter().map(|w| (w.day * 24.0, Some(*w))).collect();
    stops.push((end, None));
    for (at, w) in stops {
        let at = at.min(end);
        if at > t {
            let tr = meanfield::trajectory(&params, s, at - t, at - t, false);
            if let Some((_, last)) = tr.last() {
                s = *last;
            }
            t = at;
        }
        if let Some(w) = w {
            params = params.with_way(w.way, w.who);
        }
    }
    [s[0].hope, s[1].hope]
}
