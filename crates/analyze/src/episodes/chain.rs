//! The episode-level Markov chain over moves, with two absorbing ends (DESIGN.md §6).
//!
//! States are the five move types. From each move the next step is another move or the end of
//! the episode. How an episode ends is read from its last move, which is exactly the rule of
//! [`super::segment::ending`]: after a repair, a return or a turn toward, the episode ends
//! *reconnected*; after a reach (a bid left open) or a withdrawal, it ends *disconnected*. So the
//! chain's two absorbing ends are "end after a closing move" and "end after an open move", and
//! the chain's P(ends reconnected) estimates the same quantity as the direct proportion.
//!
//! Each row (and the distribution of first moves) gets a Dirichlet posterior. The prior is fixed:
//! Dirichlet(1/6, …, 1/6) on every row — Perks' prior, one pseudo-observation per row spread
//! evenly over its six outcomes. The calibration study (`docs/analysis.md`) chose it: with
//! Jeffreys' Dirichlet(½) or the uniform Dirichlet(1), a row seen only a few times is pulled
//! toward "the episode goes on", which inflates the expected length and made its interval cover
//! the truth as rarely as 47% (Jeffreys) and 0.5% (uniform) of the time at ten episodes. The
//! estimate under the flatter uniform prior is shown beside it, so anyone can see how much the
//! prior moves the answer. P(ends reconnected) and the expected number of moves
//! have no closed-form posterior, so they are summarised from posterior draws with a fixed seed.

use crate::rng::{Draw, Rng, rng};
use closer_domain::linalg;
use closer_domain::numeric::quantile_sorted as quantile;
use closer_domain::{Episode, EpisodeEnd, MoveType};
use serde::Serialize;

/// Number of transient states (move types).
pub const K: usize = 5;
/// Columns of a row: the five moves, then "the episode ends".
pub const COLS: usize = K + 1;
/// Index of the "end" column.
pub const END: usize = K;

/// The fixed prior of the product: Perks, Dirichlet(1/6) on each six-outcome row.
pub const PRIOR: f64 = 1.0 / 6.0;
/// The flatter prior shown beside it: uniform on the simplex, Dirichlet(1).
pub const FLAT_PRIOR: f64 = 1.0;

/// True for the moves after which an ending counts as reconnected.
pub fn closes(m: MoveType) -> bool {
    matches!(
        m,
        MoveType::Repair | MoveType::Return | MoveType::TurnToward
    )
}

/// Transition counts of a set of episodes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// How many episodes began with each move type.
    pub start: [f64; K],
    /// `trans[i][j]`: moves of type `i` followed by type `j` (j < 5), or by the end (j = 5).
    pub trans: [[f64; COLS]; K],
}

impl Counts {
    /// Counts from episodes. An unfinished (censored) episode contributes its first move and its
    /// observed steps but no ending: it has not ended yet.
    pub fn of<'a>(episodes: impl IntoIterator<Item = &'a Episode>) -> Counts {
        let mut c = Counts::default();
        for e in episodes {
            let Some(first) = e.moves.first() else {
                continue;
            };
            c.start[first.move_type.index()] += 1.0;
            for w in e.moves.windows(2) {
                c.trans[w[0].move_type.index()][w[1].move_type.index()] += 1.0;
            }
            if e.end != EpisodeEnd::Unfinished
                && let Some(last) = e.moves.last()
            {
                c.trans[last.move_type.index()][END] += 1.0;
            }
        }
        c
    }
}

/// A chain's parameters: first-move probabilities and rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chain {
    pub start: [f64; K],
    pub rows: [[f64; COLS]; K],
}

/// What a chain implies about its episodes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Absorption {
    /// P(an episode ends reconnected).
    pub p_reconnected: f64,
    /// Expected number of moves in an episode.
    pub expected_length: f64,
}

impl Chain {
    /// P(ends reconnected) and the expected length, exactly, from the fundamental matrix
    /// N = (I − Q)⁻¹: P = π·N·r with r_i = P(end | i)·[i closes], length = π·N·1.
    /// `None` when I − Q is singular (an episode that never ends).
    pub fn absorption(&self) -> Option<Absorption> {
        let mut a = [[0.0f64; K]; K];
        for (i, row) in a.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if i == j { 1.0 } else { 0.0 } - self.rows[i][j];
            }
        }
        let mut r = [0.0; K];
        for (i, m) in MoveType::ALL.into_iter().enumerate() {
            if closes(m) {
                r[i] = self.rows[i][END];
            }
        }
        let x = solve(a, r)?;
        let y = solve(a, [1.0; K])?;
        let p: f64 = self.start.iter().zip(&x).map(|(s, v)| s * v).sum();
        let l: f64 = self.start.iter().zip(&y).map(|(s, v)| s * v).sum();
        (p.is_finite() && l.is_finite() && l > 0.0).then_some(Absorption {
            p_reconnected: p.clamp(0.0, 1.0),
            expected_length: l,
        })
    }

    /// The posterior mean chain under Dirichlet(`prior`) on every row.
    pub fn posterior_mean(counts: &Counts, prior: f64) -> Chain {
        let norm = |v: &[f64]| -> Vec<f64> {
            let total: f64 = v.iter().map(|c| c + prior).sum();
            v.iter().map(|c| (c + prior) / total).collect()
        };
        let mut start = [0.0; K];
        start.copy_from_slice(&norm(&counts.start));
        let mut rows = [[0.0; COLS]; K];
        for (row, c) in rows.iter_mut().zip(&counts.trans) {
            row.copy_from_slice(&norm(c));
        }
        Chain { start, rows }
    }

    /// One draw from the posterior under Dirichlet(`prior`).
    pub fn draw(counts: &Counts, prior: f64, rng: &mut Rng) -> Chain {
        let mut start = [0.0; K];
        let alpha: Vec<f64> = counts.start.iter().map(|c| c + prior).collect();
        rng.dirichlet(&alpha, &mut start);
        let mut rows = [[0.0; COLS]; K];
        for (row, c) in rows.iter_mut().zip(&counts.trans) {
            let alpha: Vec<f64> = c.iter().map(|c| c + prior).collect();
            rng.dirichlet(&alpha, row);
        }
        Chain { start, rows }
    }
}

/// Gaussian elimination with partial pivoting on a 5×5 system.
pub(crate) fn solve(mut a: [[f64; K]; K], mut b: [f64; K]) -> Option<[f64; K]> {
    for col in 0..K {
        let piv = (col..K).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let pivot = a[col];
        for row in col + 1..K {
            let f = a[row][col] / pivot[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; K];
    for i in (0..K).rev() {
        let s: f64 = (i + 1..K).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    Some(x)
}

/// A posterior summary: mean and equal-tailed 95% interval of the draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub estimate: f64,
    pub interval: [f64; 2],
}

/// Posterior summaries of P(ends reconnected) and the expected length under one prior.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Posterior {
    pub prior: f64,
    pub p_reconnected: Summary,
    pub expected_length: Summary,
    /// Draws kept (a draw whose chain never ends is dropped; it has probability zero).
    pub draws: usize,
}

/// Summarises the posterior under Dirichlet(`prior`) with `draws` draws from `seed`.
pub fn posterior(counts: &Counts, prior: f64, draws: usize, seed: u64) -> Option<Posterior> {
    let samples = posterior_draws(counts, prior, draws, seed);
    summarise(&samples, prior)
}

/// Summarises P(ends reconnected) and the expected length from episodes, allowing for episodes
/// that are not first-order Markov.
///
/// Why not the plain posterior ([`posterior`]): it treats every step as independent evidence, so
/// when real episodes are long and their steps depend on more than the last move (as in the
/// dance model's couples, whose episodes run to dozens of moves) its interval for the expected
/// length is far too narrow — the calibration study saw it cover the truth 2–26% of the time.
/// Here each draw first reweights whole episodes (a Bayesian bootstrap: Dirichlet(1, …, 1)
/// weights over episodes, scaled to the number of episodes), then draws the chain from its
/// Dirichlet posterior at those weighted counts. Between-episode variation enters through the
/// weights, within-chain uncertainty through the draw; on truly Markov episodes the interval is
/// somewhat conservative, which the study shows.
pub fn posterior_episodes(
    per_episode: &[Counts],
    prior: f64,
    draws: usize,
    seed: u64,
) -> Option<Posterior> {
    posterior_units(per_episode, prior, draws, seed)
}

/// Up to this many units, each draw reweights every unit by its own Exp(1) weight (the plain
/// Bayesian bootstrap; the cost is units × draws, a tenth of a second at this size).
const PLAIN_UNITS: usize = 5_000;
/// Up to this many *distinct* units, identical units are drawn together: the sum of `m` Exp(1)
/// weights is one Gamma(m) weight, so the draw has exactly the same law at a fraction of the cost.
const GROUPED_UNITS: usize = 5_000;

/// [`posterior_episodes`] over any units of resampling: episodes, or blocks of days holding
/// whole episodes (so that episodes close in time, which share the same hard or easy stretch,
/// are reweighted together).
///
/// Cost: linear in the units. Up to [`PLAIN_UNITS`] units each draw reweights every unit; beyond
/// that identical units are grouped (exact); with more than [`GROUPED_UNITS`] distinct units —
/// thousands of units, where the central limit theorem holds for the weighted sum — the
/// reweighted counts are drawn from their normal approximation: mean the observed counts,
/// covariance `Σ_u (c_u − c̄)(c_u − c̄)ᵀ` (the covariance of the Bayesian bootstrap's weighted
/// sum to first order), clipped at 0.
pub fn posterior_units(units: &[Counts], prior: f64, draws: usize, seed: u64) -> Option<Posterior> {
    if units.is_empty() {
        return None;
    }
    let mut rng = rng(seed, 0);
    if units.len() <= PLAIN_UNITS {
        let ones = vec![1.0; units.len()];
        return summarise(
            &bootstrap_draws(units, &ones, prior, draws, &mut rng),
            prior,
        );
    }
    let mut index: std::collections::HashMap<[u64; NFLAT], usize> =
        std::collections::HashMap::new();
    let mut distinct: Vec<Counts> = Vec::new();
    let mut mult: Vec<f64> = Vec::new();
    for u in units {
        let key = flatten(u).map(f64::to_bits);
        let i = *index.entry(key).or_insert_with(|| {
            distinct.push(u.clone());
            mult.push(0.0);
            distinct.len() - 1
        });
        mult[i] += 1.0;
    }
    if distinct.len() <= GROUPED_UNITS {
        return summarise(
            &bootstrap_draws(&distinct, &mult, prior, draws, &mut rng),
            prior,
        );
    }
    summarise(&normal_draws(units, prior, draws, &mut rng), prior)
}

/// Length of a flattened [`Counts`]: the first moves, then the rows.
const NFLAT: usize = K + K * COLS;

fn flatten(c: &Counts) -> [f64; NFLAT] {
    let mut v = [0.0; NFLAT];
    v[..K].copy_from_slice(&c.start);
    for (i, row) in c.trans.iter().enumerate() {
        v[K + i * COLS..K + (i + 1) * COLS].copy_from_slice(row);
    }
    v
}

fn unflatten(v: &[f64; NFLAT]) -> Counts {
    let mut c = Counts::default();
    c.start.copy_from_slice(&v[..K]);
    for (i, row) in c.trans.iter_mut().enumerate() {
        row.copy_from_slice(&v[K + i * COLS..K + (i + 1) * COLS]);
    }
    c
}

/// Bayesian-bootstrap draws: unit `u` (standing for `mult[u]` identical units) gets a
/// Gamma(`mult[u]`) weight — Exp(1) when it stands for one — and the weights are scaled to sum
/// to the number of units.
fn bootstrap_draws(
    units: &[Counts],
    mult: &[f64],
    prior: f64,
    draws: usize,
    rng: &mut Rng,
) -> Vec<Absorption> {
    let n: f64 = mult.iter().sum();
    let mut weights = vec![0.0; units.len()];
    (0..draws)
        .filter_map(|_| {
            let mut total = 0.0;
            for (w, &m) in weights.iter_mut().zip(mult) {
                *w = if m == 1.0 {
                    rng.exponential(1.0)
                } else {
                    rng.gamma(m)
                };
                total += *w;
            }
            let mut c = Counts::default();
            for (e, w) in units.iter().zip(&weights) {
                let w = w * n / total;
                for (a, b) in c.start.iter_mut().zip(&e.start) {
                    *a += w * b;
                }
                for (ra, rb) in c.trans.iter_mut().zip(&e.trans) {
                    for (a, b) in ra.iter_mut().zip(rb) {
                        *a += w * b;
                    }
                }
            }
            Chain::draw(&c, prior, rng).absorption()
        })
        .collect()
}

/// Draws with the reweighted counts from their normal approximation (many units).
fn normal_draws(units: &[Counts], prior: f64, draws: usize, rng: &mut Rng) -> Vec<Absorption> {
    let mut total = [0.0f64; NFLAT];
    for u in units {
        for (t, v) in total.iter_mut().zip(flatten(u)) {
            *t += v;
        }
    }
    let n = units.len() as f64;
    let mean = total.map(|t| t / n);
    // Covariance of the weighted sum: Σ_u (c_u − c̄)(c_u − c̄)ᵀ.
    let mut cov = vec![0.0f64; NFLAT * NFLAT];
    for u in units {
        let f = flatten(u);
        let dev: Vec<f64> = f.iter().zip(&mean).map(|(a, m)| a - m).collect();
        for i in 0..NFLAT {
            if dev[i] == 0.0 {
                continue;
            }
            for j in i..NFLAT {
                cov[i * NFLAT + j] += dev[i] * dev[j];
            }
        }
    }
    for i in 0..NFLAT {
        for j in 0..i {
            cov[i * NFLAT + j] = cov[j * NFLAT + i];
        }
    }
    // Columns with no variance (a move type never seen, a row that never varies) get a zero
    // column instead of failing.
    let mut l = cov;
    linalg::cholesky_semidefinite(&mut l, NFLAT, 1e-12);
    let mut z = [0.0f64; NFLAT];
    (0..draws)
        .filter_map(|_| {
            for v in z.iter_mut() {
                *v = rng.normal();
            }
            let mut x = total;
            for i in 0..NFLAT {
                let mut s = 0.0;
                for j in 0..=i {
                    s += l[i * NFLAT + j] * z[j];
                }
                x[i] = (x[i] + s).max(0.0);
            }
            Chain::draw(&unflatten(&x), prior, rng).absorption()
        })
        .collect()
}

/// Raw posterior draws of (P(reconnected), expected length).
pub fn posterior_draws(counts: &Counts, prior: f64, draws: usize, seed: u64) -> Vec<Absorption> {
    let mut rng = rng(seed, 0);
    (0..draws)
        .filter_map(|_| Chain::draw(counts, prior, &mut rng).absorption())
        .collect()
}

fn summarise(samples: &[Absorption], prior: f64) -> Option<Posterior> {
    if samples.is_empty() {
        return None;
    }
    let one = |f: &dyn Fn(&Absorption) -> f64| -> Option<Summary> {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        Some(Summary {
            estimate: mean,
            interval: [quantile(&v, 0.025)?, quantile(&v, 0.975)?],
        })
    };
    Some(Posterior {
        prior,
        p_reconnected: one(&|a| a.p_reconnected)?,
        expected_length: one(&|a| a.expected_length)?,
        draws: samples.len(),
    })
}

/// The posterior of a difference between two groups of episodes (with a way of responding tried,
/// and without): draws from each group's posterior, subtracted pairwise.
pub fn difference(a: &Counts, b: &Counts, prior: f64, draws: usize, seed: u64) -> Option<Summary> {
    let da = posterior_draws(a, prior, draws, seed);
    let db = posterior_draws(b, prior, draws, seed.wrapping_add(0x5EED));
    let mut v: Vec<f64> = da
        .iter()
        .zip(&db)
        .map(|(x, y)| x.p_reconnected - y.p_reconnected)
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(Summary {
        estimate: v.iter().sum::<f64>() / v.len() as f64,
        interval: [quantile(&v, 0.025)?, quantile(&v, 0.975)?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorption_of_a_hand_computed_chain() {
        // Episodes start with a reach. After a reach: withdraw ½, turn toward ½. After a
        // withdrawal: return ½, end ½ (disconnected). Turn toward and return always end.
        // P(reconnected) = ½ (turn toward) + ½·½ (withdraw, return) = ¾.
        // Expected length = 1 + 1 + ½ (the return after a withdrawal, half the time) / 2 = 2.25.
        let mut rows = [[0.0; COLS]; K];
        rows[0][1] = 0.5;
        rows[0][2] = 0.5;
        rows[1][4] = 0.5;
        rows[1][END] = 0.5;
        rows[2][END] = 1.0;
        rows[3][END] = 1.0;
        rows[4][END] = 1.0;
        let c = Chain {
            start: [1.0, 0.0, 0.0, 0.0, 0.0],
            rows,
        };
        let a = c.absorption().unwrap();
        assert!((a.p_reconnected - 0.75).abs() < 1e-12);
        assert!((a.expected_length - 2.25).abs() < 1e-12);
    }

    #[test]
    fn a_chain_that_never_ends_is_refused() {
        let mut rows = [[0.0; COLS]; K];
        for (i, r) in rows.iter_mut().enumerate() {
            r[i] = 1.0;
        }
        let c = Chain {
            start: [1.0, 0.0, 0.0, 0.0, 0.0],
            rows,
        };
        assert!(c.absorption().is_none());
    }

    #[test]
    fn posterior_concentrates_on_the_truth_with_many_episodes() {
        // 4000 episodes "reach, turn toward" and 4000 "reach, withdraw": P(R) = ½, length 2.
        let mut c = Counts::default();
        c.start[0] = 8000.0;
        c.trans[0][2] = 4000.0;
        c.trans[0][1] = 4000.0;
        c.trans[2][END] = 4000.0;
        c.trans[1][END] = 4000.0;
        let p = posterior(&c, PRIOR, 2000, 1).unwrap();
        assert!((p.p_reconnected.estimate - 0.5).abs() < 0.01);
        assert!(p.p_reconnected.interval[0] < 0.5 && 0.5 < p.p_reconnected.interval[1]);
        assert!((p.expected_length.estimate - 2.0).abs() < 0.01);
        // The same seed gives the same answer.
        assert_eq!(p, posterior(&c, PRIOR, 2000, 1).unwrap());
    }
}
