//! The calibration study behind the minimums (DESIGN.md §6, §11.2).
//!
//! For every finding the product shows, the *truth* is its long-run value under a known data
//! source, segmented exactly as the product segments a real file; an interval *covers* when it
//! contains the truth. A *false finding* is, for the one comparison the product shows (episodes
//! with a way of responding tried versus without), an interval that excludes zero when the way was
//! assigned independently of everything else — when the null is true.
//!
//! Sources of data:
//! - [`Source::Chain`]: episodes drawn from a known episode-level chain; the truth of
//!   P(ends reconnected), of ending by repair and of the expected length is exact (the chain's
//!   fundamental matrix); the rest comes from a long run.
//! - Null data with no interaction at all, segmented by quiet gaps:
//!   [`Source::Independent`] (two people acting independently at constant rates),
//!   [`Source::DailyRhythm`] (the same, but only in the evening, as people log),
//!   [`Source::MissingNotAtRandom`] (the independent couple, with each move recorded with a
//!   probability that rises with a running alarm level).
//!
//! The whole study runs from `bench/calibration.sh` (release build) and writes the tables in
//! `docs/analysis.md`; a small version runs as a test (`tests/calibration.rs`). Everything is
//! seeded: the same seeds give the same tables.

use super::chain::{Chain, END, K};
use super::segment;
use super::{Kind, Minimums, Options, Report, View, WindowSource, report_from};
use crate::rng::{Draw, Rng, rng};
use closer_domain::{Episode, EpisodeEnd, Move, MoveType, Person, Way, Window};
use serde::Serialize;

/// Where simulated data come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Source {
    /// A known episode-level chain; `way` is the chance an episode has a way of responding
    /// tried, independent of how it goes (the null for the comparison).
    Chain { chain: Chain, way: f64 },
    /// Two people acting independently at constant rates (per hour), with their own mix of moves.
    Independent {
        rates: [f64; 2],
        mix: [[f64; K]; 2],
        way: f64,
    },
    /// As `Independent`, but all moves fall between 19:00 and 23:00 (a strong daily rhythm with
    /// no interaction); `rates` are per day divided by 24, so the daily totals are the same.
    DailyRhythm {
        rates: [f64; 2],
        mix: [[f64; K]; 2],
        way: f64,
    },
    /// As `Independent`, but a move is recorded with probability 0.15 + 0.8·(1 − e^(−alarm)),
    /// where alarm is a sum of e^(−age/3 h) over earlier reaches and withdrawals.
    MissingNotAtRandom {
        rates: [f64; 2],
        mix: [[f64; K]; 2],
        way: f64,
    },
    /// A couple simulated by the dance model (`closer_model::run`, no ways of responding in
    /// the model), profiles as (anxiety, avoidance) on the model's 1–7 scale; a way of responding
    /// is marked on episodes independently, as for the other null sources.
    Model { a: [f64; 2], b: [f64; 2], way: f64 },
    /// Another source (simulated with no ways), with a way of responding marked on each *move*
    /// independently with probability `per_move` — a natural use of the per-row `way` column.
    /// Still null (the marks are independent of everything), but longer episodes carry a mark
    /// more often, and longer episodes end differently.
    PerMoveWays { base: Box<Source>, per_move: f64 },
    /// Two people acting independently, with a hidden day-to-day level of distress: an AR(1)
    /// series `z` over days with this `persistence` (stationary N(0, 1)). On a hard day (high
    /// `z`) both move — and log — more (rates × e^(0.7 z − 0.245), mean 1) and their moves lean
    /// towards reaching and withdrawing (each move type's weight × e^(±0.5 z)). Episodes close in
    /// time are then alike, which intervals that assume independent episodes do not allow for.
    PersistentDistress {
        rates: [f64; 2],
        mix: [[f64; K]; 2],
        persistence: f64,
        way: f64,
    },
}

/// The sources of the committed study, by name.
pub fn standard_sources() -> Vec<(&'static str, Source)> {
    let mix = [
        [0.40, 0.15, 0.20, 0.15, 0.10],
        [0.15, 0.40, 0.20, 0.10, 0.15],
    ];
    let rates = [0.05, 0.04];
    vec![
        (
            "chain",
            Source::Chain {
                chain: reference_chain(),
                way: 0.5,
            },
        ),
        (
            "independent",
            Source::Independent {
                rates,
                mix,
                way: 0.5,
            },
        ),
        (
            "daily_rhythm",
            Source::DailyRhythm {
                rates,
                mix,
                way: 0.5,
            },
        ),
        (
            "missing_not_at_random",
            Source::MissingNotAtRandom {
                rates: [0.08, 0.07],
                mix,
                way: 0.5,
            },
        ),
        (
            "model_anxious_avoidant",
            Source::Model {
                a: [5.5, 2.0],
                b: [2.0, 5.5],
                way: 0.5,
            },
        ),
        (
            "model_secure",
            Source::Model {
                a: [2.0, 2.0],
                b: [2.0, 2.0],
                way: 0.5,
            },
        ),
        (
            "ways_per_move",
            Source::PerMoveWays {
                base: Box::new(Source::Independent {
                    rates,
                    mix,
                    way: 0.0,
                }),
                per_move: 0.2,
            },
        ),
        (
            "persistent_distress_0.8",
            Source::PersistentDistress {
                rates,
                mix,
                persistence: 0.8,
                way: 0.5,
            },
        ),
        (
            "persistent_distress_0.95",
            Source::PersistentDistress {
                rates,
                mix,
                persistence: 0.95,
                way: 0.5,
            },
        ),
        // The same hidden level with no persistence (a new level every day) and with a memory
        // of about two days: the cells where the chain length's allowance for unseen stretches
        // is the price of honesty rather than a need.
        (
            "persistent_distress_0",
            Source::PersistentDistress {
                rates,
                mix,
                persistence: 0.0,
                way: 0.5,
            },
        ),
        (
            "persistent_distress_0.5",
            Source::PersistentDistress {
                rates,
                mix,
                persistence: 0.5,
                way: 0.5,
            },
        ),
    ]
}

/// Moves of one model couple over `hours`, from a seed drawn from `rng`.
fn model_moves(a: [f64; 2], b: [f64; 2], hours: f64, rng: &mut Rng) -> Vec<Move> {
    let (Ok(pa), Ok(pb)) = (
        closer_model::Profile::new(a[0], a[1]),
        closer_model::Profile::new(b[0], b[1]),
    ) else {
        return Vec::new();
    };
    let days = (hours / 24.0).clamp(1.0, 36_000.0);
    closer_model::run(pa, pb, &[], days, rand::Rng::next_u64(rng), true)
        .map(|r| r.trace.moves)
        .unwrap_or_default()
}

/// A chain in the spirit of the loop: reaches are met by withdrawal or by turning toward;
/// withdrawals end the episode, draw another reach, or end in a return; repair closes.
pub fn reference_chain() -> Chain {
    // Columns: reach, withdraw, turn_toward, repair, return, end.
    let rows = [
        [0.15, 0.40, 0.30, 0.05, 0.00, 0.10],
        [0.30, 0.05, 0.05, 0.10, 0.25, 0.25],
        [0.05, 0.10, 0.05, 0.10, 0.00, 0.70],
        [0.05, 0.05, 0.10, 0.00, 0.00, 0.80],
        [0.10, 0.05, 0.15, 0.10, 0.00, 0.60],
    ];
    Chain {
        start: [0.70, 0.20, 0.0, 0.05, 0.05],
        rows,
    }
}

/// Simulates `n_episodes` episodes (plus whatever the source needs) and returns moves sorted by
/// time, in a window whose end comes less than the gap after the last move — so the last episode
/// is unfinished, as it would be in a real log.
pub fn simulate(
    source: &Source,
    n_episodes: usize,
    gap: f64,
    rng: &mut Rng,
) -> (Vec<Move>, Window) {
    let moves = match source {
        Source::Chain { chain, way } => chain_moves(chain, *way, n_episodes + 1, rng),
        Source::Independent { rates, mix, way } => take_episodes(
            |rng, h| poisson_moves(rates, mix, h, false, rng),
            n_episodes + 1,
            gap,
            *way,
            rng,
        ),
        Source::DailyRhythm { rates, mix, way } => take_episodes(
            |rng, h| poisson_moves(rates, mix, h, true, rng),
            n_episodes + 1,
            gap,
            *way,
            rng,
        ),
        Source::Model { a, b, way } => take_episodes(
            |rng, h| model_moves(*a, *b, h, rng),
            n_episodes + 1,
            gap,
            *way,
            rng,
        ),
        Source::MissingNotAtRandom { rates, mix, way } => take_episodes(
            |rng, h| thin_by_alarm(poisson_moves(rates, mix, h, false, rng), rng),
            n_episodes + 1,
            gap,
            *way,
            rng,
        ),
        Source::PerMoveWays { base, per_move } => {
            let (mut moves, _) = simulate(base, n_episodes, gap, rng);
            for m in &mut moves {
                m.way = rng.bernoulli(*per_move).then_some(Way::Pause);
            }
            moves
        }
        Source::PersistentDistress {
            rates,
            mix,
            persistence,
            way,
        } => take_episodes(
            |rng, h| distress_moves(rates, mix, *persistence, h, rng),
            n_episodes + 1,
            gap,
            *way,
            rng,
        ),
    };
    let end = moves.last().map(|m| m.at).unwrap_or(0.0) + 0.5 * gap;
    (moves, Window { start: 0.0, end })
}

fn chain_moves(chain: &Chain, way: f64, n: usize, rng: &mut Rng) -> Vec<Move> {
    let mut out = Vec::new();
    for i in 0..n {
        // Episodes start in the evening of successive days; moves follow minutes to hours apart.
        let mut t = 24.0 * i as f64 + 18.0 + 4.0 * rng.uniform();
        let label = format!("e{i}");
        let tried = rng.bernoulli(way);
        let mut state = rng.categorical(&chain.start);
        let mut by = if rng.bernoulli(0.6) {
            Person::A
        } else {
            Person::B
        };
        for step in 0..60 {
            let mut m = Move::new(t, by, MoveType::ALL[state]);
            m.episode = Some(label.as_str().into());
            if tried && step == 0 {
                m.way = Some(Way::Pause);
            }
            out.push(m);
            let next = rng.categorical(&chain.rows[state]);
            if next == END {
                break;
            }
            state = next;
            // The other person answers most of the time; sometimes the same person moves again.
            if rng.bernoulli(0.8) {
                by = by.other();
            }
            t += rng.exponential(2.0);
        }
    }
    out
}

/// Two independent Poisson processes over `[0, hours]`; with `evening`, only 19:00–23:00.
fn poisson_moves(
    rates: &[f64; 2],
    mix: &[[f64; K]; 2],
    hours: f64,
    evening: bool,
    rng: &mut Rng,
) -> Vec<Move> {
    let mut out = Vec::new();
    for p in Person::BOTH {
        let rate = rates[p.index()];
        let mut emit = |t: f64, rng: &mut Rng| {
            out.push(Move::new(
                t,
                p,
                MoveType::ALL[rng.categorical(&mix[p.index()])],
            ));
        };
        if evening {
            // Same daily total, squeezed into four evening hours.
            let r = rate * 24.0 / 4.0;
            let days = crate::cast::whole((hours / 24.0).ceil());
            for d in 0..days {
                let mut t = 24.0 * d as f64 + 19.0 + rng.exponential(r);
                while t < 24.0 * d as f64 + 23.0 && t <= hours {
                    emit(t, rng);
                    t += rng.exponential(r);
                }
            }
        } else {
            let mut t = rng.exponential(rate);
            while t <= hours {
                emit(t, rng);
                t += rng.exponential(rate);
            }
        }
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

/// Two independent Poisson processes whose rates and mix follow a persistent daily distress level.
fn distress_moves(
    rates: &[f64; 2],
    mix: &[[f64; K]; 2],
    persistence: f64,
    hours: f64,
    rng: &mut Rng,
) -> Vec<Move> {
    let days = crate::cast::whole((hours / 24.0).ceil());
    let lean = [1.0, 1.0, -1.0, -1.0, -1.0];
    let mut out = Vec::new();
    let mut z = rng.normal();
    let innovation = (1.0 - persistence * persistence).max(0.0).sqrt();
    for d in 0..days {
        if d > 0 {
            z = persistence * z + innovation * rng.normal();
        }
        let scale = (0.7 * z - 0.245).exp();
        for p in Person::BOTH {
            let rate = rates[p.index()] * scale;
            let mut w = mix[p.index()];
            for (x, l) in w.iter_mut().zip(lean) {
                *x *= (0.5 * z * l).exp();
            }
            let day0 = 24.0 * d as f64;
            let mut t = day0 + rng.exponential(rate);
            while t < day0 + 24.0 && t <= hours {
                out.push(Move::new(t, p, MoveType::ALL[rng.categorical(&w)]));
                t += rng.exponential(rate);
            }
        }
    }
    out.sort_by(|a, b| a.at.total_cmp(&b.at));
    out
}

/// Logging missing not at random: the more alarmed the moment, the likelier a move is recorded.
fn thin_by_alarm(moves: Vec<Move>, rng: &mut Rng) -> Vec<Move> {
    let mut alarm = 0.0f64;
    let mut last = 0.0f64;
    let mut out = Vec::new();
    for m in moves {
        alarm *= (-(m.at - last) / 3.0).exp();
        last = m.at;
        let p = 0.15 + 0.8 * (1.0 - (-alarm).exp());
        if matches!(m.move_type, MoveType::Reach | MoveType::Withdraw) {
            alarm += 1.0;
        }
        if rng.bernoulli(p) {
            out.push(m);
        }
    }
    out
}

/// Simulates a growing horizon until segmentation by gaps yields `n` episodes; returns the moves
/// of the first `n`. Each episode has a way of responding marked on its first move with
/// probability `way`, independently of everything else: the null for the comparison. (Marking
/// ways per move instead would tie "a way was tried" to the episode's length — longer episodes
/// give more occasions — so the comparison would show a difference no way of responding caused.)
fn take_episodes(
    mut sim: impl FnMut(&mut Rng, f64) -> Vec<Move>,
    n: usize,
    gap: f64,
    way: f64,
    rng: &mut Rng,
) -> Vec<Move> {
    let mut hours = 48.0 * n as f64 + 96.0;
    loop {
        let moves = sim(rng, hours);
        let (eps, _) = segment::segment(&moves, gap, None);
        // The last group may be cut by the horizon; keep only groups before it.
        if eps.len() > n {
            let mut out = Vec::new();
            for e in eps.into_iter().take(n) {
                let tried = rng.bernoulli(way);
                for (i, mut m) in e.moves.into_iter().enumerate() {
                    if tried && i == 0 {
                        m.way = Some(Way::Pause);
                    }
                    out.push(m);
                }
            }
            return out;
        }
        hours *= 2.0;
    }
}

/// The true value of each finding the study checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    pub starts_a: f64,
    pub reach_answered: [f64; 2],
    pub reconnected: f64,
    pub repair: f64,
    pub median_hours: f64,
    pub expected_length: f64,
    /// Finished episodes behind the pooled values.
    pub episodes: usize,
}

/// The true value of each finding under a source, for logs of `size` finished episodes: exact
/// from the chain where it can be, otherwise pooled over `logs` independent simulated logs of
/// that size, segmented exactly as the product segments a file.
///
/// Why per size and pooled over independent logs rather than from one long run: a log starts
/// somewhere, and the dance model starts its couples calm, with hope that erodes only slowly; the
/// first hundred episodes of a couple are not the same as its hundred-thousandth. What a log of
/// `size` episodes estimates is the average over logs like it, so that is the truth it is held
/// to. (For the stationary sources the two definitions agree.)
pub fn truth(source: &Source, size: usize, logs: usize, gap: f64, seed: u64) -> Truth {
    let mut rng = rng(seed, 0);
    let mut eps: Vec<Episode> = Vec::new();
    for _ in 0..logs.max(1) {
        let (moves, window) = simulate(source, size, gap, &mut rng);
        eps.extend(segment::segment(&moves, gap, Some(window.end)).0);
    }
    let finished: Vec<&Episode> = eps
        .iter()
        .filter(|e| e.end != EpisodeEnd::Unfinished)
        .collect();
    let frac = |f: &dyn Fn(&Episode) -> Option<bool>, set: &[&Episode]| -> f64 {
        let v: Vec<bool> = set.iter().filter_map(|e| f(e)).collect();
        v.iter().filter(|b| **b).count() as f64 / v.len().max(1) as f64
    };
    let all: Vec<&Episode> = eps.iter().collect();
    let mut times: Vec<f64> = finished
        .iter()
        .filter_map(|e| segment::time_to_reconnect(e))
        .collect();
    times.sort_by(f64::total_cmp);
    let median = if times.is_empty() {
        f64::NAN
    } else if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        0.5 * (times[times.len() / 2 - 1] + times[times.len() / 2])
    };
    let mut t = Truth {
        starts_a: frac(&|e| Some(e.started_by() == Some(Person::A)), &all),
        reach_answered: [
            frac(&|e| segment::reach_answered(e, Person::A), &finished),
            frac(&|e| segment::reach_answered(e, Person::B), &finished),
        ],
        reconnected: frac(&|e| Some(e.end == EpisodeEnd::Reconnected), &finished),
        repair: frac(&|e| Some(segment::by_repair(e)), &finished),
        median_hours: median,
        expected_length: finished.iter().map(|e| e.moves.len() as f64).sum::<f64>()
            / finished.len().max(1) as f64,
        episodes: finished.len(),
    };
    if let Source::Chain { chain, .. } = source
        && let Some(a) = chain.absorption()
    {
        // Exact: the chain's own absorption probabilities and expected length.
        t.reconnected = a.p_reconnected;
        t.expected_length = a.expected_length;
        t.repair = repair_probability(chain).unwrap_or(t.repair);
    }
    t
}

/// P(the episode ends right after a repair), exactly: π·N·r with r the repair row's end.
fn repair_probability(chain: &Chain) -> Option<f64> {
    let mut a = [[0.0f64; K]; K];
    for (i, row) in a.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = if i == j { 1.0 } else { 0.0 } - chain.rows[i][j];
        }
    }
    // Solve (I − Q)ᵀ v = π for the expected visits v, then P = v_repair · P(end | repair).
    let mut at = [[0.0f64; K]; K];
    for i in 0..K {
        for j in 0..K {
            at[i][j] = a[j][i];
        }
    }
    let v = super::chain::solve(at, chain.start)?;
    let r = MoveType::Repair.index();
    Some(v[r] * chain.rows[r][END])
}

/// One cell's results: per finding, how often it was shown and how often its interval covered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub source: String,
    pub size: usize,
    pub replicates: usize,
    pub rows: Vec<Row>,
    /// Share of replicates where the way comparison excluded zero (the null is true).
    pub way_false_finding: Rate,
    /// For each log whose chain length was shown, the smallest sensitivity at which the chain
    /// length's allowance for unseen stretches ([`super::length_allowance`]) makes its interval
    /// cover the truth (0 when the blocks' interval already covers it; infinite when nothing
    /// can). The product's [`super::LENGTH_SENSITIVITY`] is fitted from these.
    pub length_needed: Vec<f64>,
}

impl Cell {
    /// The largest sensitivity any share of this cell needs for `target` coverage, with that
    /// share's name.
    pub fn share_sensitivity_for(&self, target: f64) -> Option<(f64, &str)> {
        self.rows
            .iter()
            .filter_map(|r| Some((r.share_sensitivity_for(target)?, r.finding.as_str())))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The smallest sensitivity at which the chain length's interval covers the truth in at
    /// least `target` of this cell's logs (see [`sensitivity_for`]).
    pub fn length_sensitivity_for(&self, target: f64) -> Option<f64> {
        sensitivity_for(&self.length_needed, target)
    }
}

/// The smallest sensitivity at which at least `target` of the logs behind `needed` cover.
pub fn sensitivity_for(needed: &[f64], target: f64) -> Option<f64> {
    if needed.is_empty() {
        return None;
    }
    let mut v = needed.to_vec();
    v.sort_by(f64::total_cmp);
    let i = crate::cast::whole((target * v.len() as f64).ceil()).clamp(1, v.len()) - 1;
    Some(v[i])
}

/// The sensitivity one log needed: the smallest `β` for which the interval `observed` (before
/// the allowance), widened by `length_allowance(days, β)` as the product widens it, contains
/// `truth`.
pub fn sensitivity_needed(truth: f64, estimate: f64, observed: [f64; 2], days: f64) -> f64 {
    let [lo, hi] = observed;
    if lo <= truth && truth <= hi {
        return 0.0;
    }
    if !(truth >= 1.0 && estimate > 0.0) {
        return f64::INFINITY;
    }
    let (d, h) = if truth > hi {
        ((truth / estimate).ln(), (hi / estimate).ln().max(0.0))
    } else {
        ((estimate / truth).ln(), (estimate / lo).ln().max(0.0))
    };
    let c = (d * d - h * h).max(0.0).sqrt();
    // length_allowance is linear in the sensitivity.
    let per_unit = super::length_allowance(days, 1.0);
    if per_unit > 0.0 {
        c / per_unit
    } else {
        f64::INFINITY
    }
}

/// True for the findings that are shares (a proportion of episodes, or the chain's
/// P(ends reconnected)): those the shares' allowance widens.
pub fn is_share(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Starts
            | Kind::ReachAnswered
            | Kind::Reconnected
            | Kind::Repair
            | Kind::ChainReconnected
    )
}

/// The centre the product widens a share of `k` in `n` about (see
/// [`super::share_interval_allowing`]).
fn share_centre(k: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| {
        if k == 0 || k >= n {
            (k as f64 + 0.5) / (n as f64 + 1.0)
        } else {
            k as f64 / n as f64
        }
    })
}

/// The sensitivity one log needed for one share: the smallest `γ` for which the interval
/// `before` (the blocks' interval), widened about `centre` on the log-odds scale by
/// `share_allowance(days, γ)` as the product widens it, contains `truth` (0 when `before`
/// already does; infinite when nothing can).
pub fn share_sensitivity_needed(truth: f64, centre: f64, before: [f64; 2], days: f64) -> f64 {
    let [lo, hi] = before;
    if lo <= truth && truth <= hi {
        return 0.0;
    }
    if !(truth > 0.0 && truth < 1.0 && centre > 0.0 && centre < 1.0) {
        return f64::INFINITY;
    }
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let m = logit(centre);
    let (d, h) = if truth > hi {
        (logit(truth) - m, (logit(hi) - m).max(0.0))
    } else {
        (m - logit(truth), (m - logit(lo)).max(0.0))
    };
    if d <= 0.0 {
        // The truth lies beyond an end of `before` on the estimate's own side: no allowance
        // about the centre can reach it (cannot happen for the product's intervals).
        return f64::INFINITY;
    }
    let c = (d * d - h * h).max(0.0).sqrt();
    let per_unit = super::share_allowance(days, 1.0);
    if per_unit > 0.0 {
        c / per_unit
    } else {
        f64::INFINITY
    }
}

/// Coverage of one finding in one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub finding: String,
    pub truth: f64,
    pub shown: usize,
    pub covered: usize,
    /// Coverage of the same finding under the flatter prior (chain findings only).
    pub covered_flat: Option<usize>,
    /// For a share, per log where it was shown, the smallest sensitivity of the shares'
    /// allowance at which its interval would have covered the truth
    /// ([`share_sensitivity_needed`]); [`super::SHARE_SENSITIVITY`] is fitted from these.
    pub share_needed: Vec<f64>,
}

impl Row {
    pub fn coverage(&self) -> Option<f64> {
        (self.shown > 0).then(|| self.covered as f64 / self.shown as f64)
    }
    /// The smallest sensitivity of the shares' allowance at which this share covers the truth
    /// in at least `target` of the logs where it was shown (None for other findings).
    pub fn share_sensitivity_for(&self, target: f64) -> Option<f64> {
        sensitivity_for(&self.share_needed, target)
    }
    pub fn coverage_flat(&self) -> Option<f64> {
        let c = self.covered_flat?;
        (self.shown > 0).then(|| c as f64 / self.shown as f64)
    }
}

/// A rate with its count and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub hits: usize,
    pub shown: usize,
}

impl Rate {
    pub fn value(&self) -> Option<f64> {
        (self.shown > 0).then(|| self.hits as f64 / self.shown as f64)
    }
}

/// What one cell of the study runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// Compute the descriptive extras (flatter prior, per-group chains) as the product does.
    pub extras: bool,
    /// Finished episodes per simulated log.
    pub size: usize,
    pub replicates: usize,
    /// The minimums applied (use [`SHOW_ALL`] to see every finding at every size).
    pub minimums: Minimums,
    pub draws: usize,
    /// The chain's Dirichlet prior.
    pub prior: f64,
    /// The chain length's sensitivity to a hidden level of distress (the product's is
    /// [`super::LENGTH_SENSITIVITY`]; the study varies it to fit that constant).
    pub length_sensitivity: f64,
    /// The shares' sensitivity to that level (the product's is [`super::SHARE_SENSITIVITY`]).
    pub share_sensitivity: f64,
    pub seed: u64,
}

/// Runs one cell: `spec.replicates` logs of `spec.size` finished episodes from `source`, each
/// read by the product's own [`report_from`].
pub fn run_cell(name: &str, source: &Source, truth: &Truth, spec: Spec) -> Cell {
    let Spec {
        extras,
        size,
        replicates,
        minimums,
        draws,
        prior,
        length_sensitivity,
        share_sensitivity,
        seed,
    } = spec;
    let gap = super::DEFAULT_GAP_HOURS;
    let opts = Options {
        view: View::Joint,
        gap,
        window: None,
        draws,
        seed,
        prior,
        extras,
        length_sensitivity,
        share_sensitivity,
    };
    let targets: Vec<(Kind, Option<Person>, f64, &str)> = vec![
        (Kind::Starts, Some(Person::A), truth.starts_a, "starts (A)"),
        (
            Kind::ReachAnswered,
            Some(Person::A),
            truth.reach_answered[0],
            "reach answered (A)",
        ),
        (
            Kind::ReachAnswered,
            Some(Person::B),
            truth.reach_answered[1],
            "reach answered (B)",
        ),
        (
            Kind::Reconnected,
            None,
            truth.reconnected,
            "ends reconnected",
        ),
        (Kind::Repair, None, truth.repair, "ends by repair"),
        (
            Kind::TimeToReconnect,
            None,
            truth.median_hours,
            "median hours to reconnect",
        ),
        (
            Kind::ChainReconnected,
            None,
            truth.reconnected,
            "chain P(reconnected)",
        ),
        (
            Kind::ChainLength,
            None,
            truth.expected_length,
            "chain expected length",
        ),
    ];
    let mut rows: Vec<Row> = targets
        .iter()
        .map(|t| Row {
            finding: t.3.to_string(),
            truth: t.2,
            shown: 0,
            covered: 0,
            covered_flat: matches!(t.0, Kind::ChainReconnected | Kind::ChainLength).then_some(0),
            share_needed: Vec::new(),
        })
        .collect();
    let mut way = Rate { hits: 0, shown: 0 };
    let mut length_needed = Vec::new();
    let mut rng = rng(seed, 0);
    for _ in 0..replicates {
        let (moves, window) = simulate(source, size, gap, &mut rng);
        let report = read(&moves, window, &opts, minimums);
        if let (Some(c), Some(f)) = (&report.chain, report.finding(Kind::ChainLength, None))
            && f.enough
        {
            length_needed.push(sensitivity_needed(
                truth.expected_length,
                c.prior.expected_length.estimate,
                c.length_observed,
                c.span_days,
            ));
        }
        for (row, t) in rows.iter_mut().zip(&targets) {
            let Some(f) = report.finding(t.0, t.1) else {
                continue;
            };
            let (Some([lo, hi]), true) = (f.interval, f.enough) else {
                continue;
            };
            row.shown += 1;
            if lo <= t.2 && t.2 <= hi {
                row.covered += 1;
            }
            if is_share(t.0)
                && let Some(before) = f.interval_before
            {
                let centre = match (f.count, t.0) {
                    (Some(k), kind) if kind != Kind::ChainReconnected => {
                        share_centre(k, f.n).unwrap_or(0.5)
                    }
                    _ => f.estimate.unwrap_or(0.5),
                };
                row.share_needed.push(share_sensitivity_needed(
                    t.2,
                    centre,
                    before,
                    report.span_days,
                ));
            }
            if let (Some(c), Some(flat)) = (row.covered_flat.as_mut(), f.flat)
                && flat.interval[0] <= t.2
                && t.2 <= flat.interval[1]
            {
                *c += 1;
            }
        }
        if let Some(f) = report.finding(Kind::WayDifference, None)
            && let (Some([lo, hi]), true) = (f.interval, f.enough)
        {
            way.shown += 1;
            if lo > 0.0 || hi < 0.0 {
                way.hits += 1;
            }
        }
    }
    Cell {
        source: name.to_string(),
        size,
        replicates,
        rows,
        way_false_finding: way,
        length_needed,
    }
}

/// Reads simulated moves exactly as `closer patterns` reads a file with a window line.
pub fn read(moves: &[Move], window: Window, opts: &Options, minimums: Minimums) -> Report {
    let (eps, grouping) = segment::segment(moves, opts.gap, Some(window.end));
    report_from(
        &eps,
        opts,
        Some(window),
        WindowSource::File,
        grouping,
        minimums,
    )
}

/// Minimums of one: every finding is shown at every size, so the study sees them all.
pub const SHOW_ALL: Minimums = Minimums {
    proportion: 1,
    median: 6,
    chain: 1,
    way_group: 1,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_probability_of_the_reference_chain_matches_a_long_run() {
        let src = Source::Chain {
            chain: reference_chain(),
            way: 0.0,
        };
        let exact = truth(&src, 100, 20, 12.0, 3);
        let mut rng = rng(9, 0);
        let (moves, window) = simulate(&src, 20_000, 12.0, &mut rng);
        let (eps, _) = segment::segment(&moves, 12.0, Some(window.end));
        let fin: Vec<&Episode> = eps
            .iter()
            .filter(|e| e.end != EpisodeEnd::Unfinished)
            .collect();
        let rep = fin.iter().filter(|e| segment::by_repair(e)).count() as f64 / fin.len() as f64;
        let rec = fin
            .iter()
            .filter(|e| e.end == EpisodeEnd::Reconnected)
            .count() as f64
            / fin.len() as f64;
        let len = fin.iter().map(|e| e.moves.len() as f64).sum::<f64>() / fin.len() as f64;
        // Four standard errors at n = 20 000.
        assert!(
            (rep - exact.repair).abs() < 4.0 * (0.25f64 / 20_000.0).sqrt(),
            "{rep} {}",
            exact.repair
        );
        assert!((rec - exact.reconnected).abs() < 4.0 * (0.25f64 / 20_000.0).sqrt());
        assert!(
            (len - exact.expected_length).abs() < 0.05,
            "{len} {}",
            exact.expected_length
        );
    }
}
