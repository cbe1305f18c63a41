//! What a couple's runs show over many seeds: the share of each outcome, how alarmed each person
//! was on average, each way's effect from paired runs (with and without it, the same seeds) and
//! whether the mean field's resting state agrees with the simulation.
//!
//! A single run is a picture; near a boundary between outcomes another seed can come out another
//! way, so every outcome stated in words comes with its share over seeds.

use crate::params::{Params, Profile, WayUse, Who};
use crate::{ModelError, Run, outcome, rng, sim};
use closer_domain::{Outcome, Person};
use rayon::prelude::*;
use serde::Serialize;

/// The five outcomes in the order they are reported.
pub const OUTCOMES: [Outcome; 5] = [
    Outcome::Settles,
    Outcome::Recurs,
    Outcome::Spirals,
    Outcome::Drifts,
    Outcome::Distant,
];

/// The fewest seeds an outcome is read over.
pub const MIN_SEEDS: usize = 5;

/// The most seeds a study runs per couple (and per way compared): bounds the work a flag can ask.
pub const MAX_SEEDS: usize = 1000;

/// An outcome is clear-cut when at least this share of seeds gives it.
pub const CLEAR_MAJORITY: f64 = 0.75;

/// The share of seeds giving each outcome; the five shares sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct OutcomeShare {
    pub settles: f64,
    pub recurs: f64,
    pub spirals: f64,
    pub drifts: f64,
    pub distant: f64,
}

impl OutcomeShare {
    /// Shares from counts in the order of [`OUTCOMES`] (all zero when nothing was counted).
    pub fn from_counts(counts: &[usize; 5]) -> OutcomeShare {
        let n: usize = counts.iter().sum();
        let f = |k: usize| {
            if n == 0 {
                0.0
            } else {
                counts[k] as f64 / n as f64
            }
        };
        OutcomeShare {
            settles: f(0),
            recurs: f(1),
            spirals: f(2),
            drifts: f(3),
            distant: f(4),
        }
    }

    pub fn get(&self, o: Outcome) -> f64 {
        match o {
            Outcome::Settles => self.settles,
            Outcome::Recurs => self.recurs,
            Outcome::Spirals => self.spirals,
            Outcome::Drifts => self.drifts,
            Outcome::Distant => self.distant,
        }
    }

    /// The most common outcome (ties go to the earlier one in [`OUTCOMES`]) and its share.
    pub fn top(&self) -> (Outcome, f64) {
        OUTCOMES
            .iter()
            .map(|o| (*o, self.get(*o)))
            .fold((Outcome::Settles, -1.0), |best, x| {
                if x.1 > best.1 { x } else { best }
            })
    }

    /// Whether one outcome has a clear majority ([`CLEAR_MAJORITY`]).
    pub fn clear(&self) -> bool {
        self.top().1 >= CLEAR_MAJORITY
    }

    /// The outcomes with a share above 0, most common first.
    pub fn present(&self) -> Vec<(Outcome, f64)> {
        let mut v: Vec<(Outcome, f64)> = OUTCOMES
            .iter()
            .map(|o| (*o, self.get(*o)))
            .filter(|x| x.1 > 0.0)
            .collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1));
        v
    }
}

/// Outcome index in [`OUTCOMES`].
pub fn outcome_index(o: Outcome) -> usize {
    OUTCOMES.iter().position(|x| *x == o).unwrap_or(0)
}

/// What one person's runs show, averaged over the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonShown {
    /// Alarm averaged over every hour of the run.
    pub mean_alarm: f64,
    /// Flares per run.
    pub flares: f64,
    /// Hope at the end.
    pub hope_end: f64,
}

/// What a set of runs (one per seed) shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    pub outcome_share: OutcomeShare,
    #[serde(rename = "A")]
    pub a: PersonShown,
    #[serde(rename = "B")]
    pub b: PersonShown,
    /// Per seed, per person: the hourly alarm's mean (kept for paired comparisons).
    #[serde(skip)]
    pub per_seed_alarm: Vec<[f64; 2]>,
}

impl Shown {
    pub fn person(&self, p: Person) -> &PersonShown {
        match p {
            Person::A => &self.a,
            Person::B => &self.b,
        }
    }
}

/// Which way a way moves a person's alarm in the paired runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Calmer,
    MoreAlarmed,
    NoClearDifference,
}

/// A difference in mean alarm counts when it is at least this share of the alarm without the way…
pub const MIN_RELATIVE_EFFECT: f64 = 0.05;
/// …and at least this many standard errors of the paired differences from zero.
pub const MIN_STANDARD_ERRORS: f64 = 2.0;

/// One way's effect on one person, from paired runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonEffect {
    pub direction: Direction,
    pub mean_alarm_without: f64,
    pub mean_alarm_with: f64,
    pub flares_without: f64,
    pub flares_with: f64,
}

/// One way's effect: runs with every way given against runs with every way but this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WayEffect {
    #[serde(skip)]
    pub way: WayUse,
    /// The way as given, `NAME:WHO@DAY`.
    pub flag: String,
    #[serde(rename = "A")]
    pub a: PersonEffect,
    #[serde(rename = "B")]
    pub b: PersonEffect,
    pub outcome_share_without: OutcomeShare,
}

impl WayEffect {
    pub fn person(&self, p: Person) -> &PersonEffect {
        match p {
            Person::A => &self.a,
            Person::B => &self.b,
        }
    }

    /// Whether the paired runs show any difference for either person.
    pub fn any_difference(&self) -> bool {
        [self.a.direction, self.b.direction]
            .iter()
            .any(|d| *d != Direction::NoClearDifference)
    }
}

/// A couple over many seeds: the pictured run, what all the runs show, each way's paired effect
/// and whether the resting state agrees with the runs.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// The pictured run (stream 0 of the seed), exactly what [`crate::run`] gives.
    pub run: Run,
    /// How many seeds (streams 0..seeds of the seed) the outcome is read over.
    pub seeds: usize,
    pub shown: Shown,
    pub way_effects: Vec<WayEffect>,
    /// Whether `run.steady` describes what the runs show (see [`steady_agrees`]).
    pub steady_agrees: bool,
}

/// A resting state agrees with the runs when each person's resting alarm is within this much of
/// their simulated hourly alarm averaged over the runs…
pub const AGREE_ABSOLUTE: f64 = 0.25;
/// …or within this share of the larger of the two.
pub const AGREE_RELATIVE: f64 = 0.5;

/// Whether a resting state's alarms agree with the simulated mean alarms (both people).
pub fn steady_agrees(steady: Option<&crate::FixedPoint>, shown: &Shown) -> bool {
    let Some(st) = steady else { return false };
    Person::BOTH.iter().all(|p| {
        let rest = st.person(*p).alarm;
        let sim = shown.person(*p).mean_alarm;
        let gap = (rest - sim).abs();
        gap <= AGREE_ABSOLUTE || gap <= AGREE_RELATIVE * rest.max(sim)
    })
}

/// The first pair of ways that give the same way to the same person (on any day), as indices
/// into `ways`, with the person: a way is in use from one day on, so it is given once.
pub fn repeated_way(ways: &[WayUse]) -> Option<(usize, usize, Person)> {
    for j in 0..ways.len() {
        for i in 0..j {
            if ways[i].way != ways[j].way {
                continue;
            }
            for p in Person::BOTH {
                if ways[i].who.includes(p) && ways[j].who.includes(p) {
                    return Some((i, j, p));
                }
            }
        }
    }
    None
}

/// Refuses a way given twice to the same person.
pub fn check_ways(ways: &[WayUse]) -> Result<(), ModelError> {
    match repeated_way(ways) {
        None => Ok(()),
        Some((i, j, p)) => Err(ModelError::Way(format!(
            "{} and {} both give {} to {p}; a way is in use from its day on, so give it once",
            way_text(&ways[i]),
            way_text(&ways[j]),
            ways[i].way
        ))),
    }
}

fn way_text(w: &WayUse) -> String {
    let who = match w.who {
        Who::One(p) => p.to_string(),
        Who::Both => "both".into(),
    };
    format!("{}:{who}@{}", w.way, w.day)
}

fn check_seeds(seeds: usize) -> Result<(), ModelError> {
    if (MIN_SEEDS..=MAX_SEEDS).contains(&seeds) {
        Ok(())
    } else {
        Err(ModelError::Seeds(seeds))
    }
}

/// One seed's outcome, mean hourly alarms, flares and hope at the end, per person.
type SeedRun = (Outcome, [f64; 2], [u32; 2], [f64; 2]);

/// Runs `seeds` streams of `seed` with these ways and reads what they show.
pub fn show(
    params: &Params,
    ways: &[WayUse],
    days: f64,
    seed: u64,
    seeds: usize,
) -> Result<Shown, ModelError> {
    // Each seed is its own stream, so running them in parallel gives the same numbers in the
    // same order as running them one after another.
    let runs: Vec<SeedRun> = (0..seeds)
        .into_par_iter()
        .map(|k| {
            let tr = sim::simulate(params, ways, days, &mut rng(seed, k as u64), false)?;
            let s = outcome::classify(&tr, params.shared.flare);
            let n = tr.alarm.len().max(1) as f64;
            let mut m = [0.0; 2];
            for x in &tr.alarm {
                m[0] += x[0];
                m[1] += x[1];
            }
            Ok((s.outcome, [m[0] / n, m[1] / n], s.flares, s.hope_end))
        })
        .collect::<Result<_, ModelError>>()?;
    let mut counts = [0usize; 5];
    let mut per_seed_alarm = Vec::with_capacity(seeds);
    let mut flares = [0.0f64; 2];
    let mut hope = [0.0f64; 2];
    for (o, alarm, fl, h) in runs {
        counts[outcome_index(o)] += 1;
        per_seed_alarm.push(alarm);
        for i in 0..2 {
            flares[i] += f64::from(fl[i]);
            hope[i] += h[i];
        }
    }
    let n = seeds.max(1) as f64;
    let one = |i: usize| PersonShown {
        mean_alarm: per_seed_alarm.iter().map(|x| x[i]).sum::<f64>() / n,
        flares: flares[i] / n,
        hope_end: hope[i] / n,
    };
    Ok(Shown {
        outcome_share: OutcomeShare::from_counts(&counts),
        a: one(0),
        b: one(1),
        per_seed_alarm,
    })
}

fn direction(with: &[[f64; 2]], without: &[[f64; 2]], i: usize) -> Direction {
    let d: Vec<f64> = with.iter().zip(without).map(|(w, o)| w[i] - o[i]).collect();
    let n = d.len() as f64;
    if n < 2.0 {
        return Direction::NoClearDifference;
    }
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    let base = without.iter().map(|o| o[i]).sum::<f64>() / n;
    if mean.abs() >= MIN_STANDARD_ERRORS * se && mean.abs() >= MIN_RELATIVE_EFFECT * base {
        if mean < 0.0 {
            Direction::Calmer
        } else {
            Direction::MoreAlarmed
        }
    } else {
        Direction::NoClearDifference
    }
}

/// One couple over `seeds` seeds: the pictured run is stream 0 (the same as [`crate::run`]), and
/// each way is compared with runs that leave it out, on the same streams.
pub fn simulate(
    a: Profile,
    b: Profile,
    ways: &[WayUse],
    days: f64,
    seed: u64,
    seeds: usize,
    keep_moves: bool,
) -> Result<Simulation, ModelError> {
    check_seeds(seeds)?;
    let run = crate::run(a, b, ways, days, seed, keep_moves)?;
    let base = Params::from_profiles(a, b);
    let shown = show(&base, ways, days, seed, seeds)?;
    let way_effects = ways
        .par_iter()
        .enumerate()
        .map(|(k, w)| {
            let rest: Vec<WayUse> = ways
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, x)| *x)
                .collect();
            let without = show(&base, &rest, days, seed, seeds)?;
            let effect = |p: Person| {
                let i = p.index();
                PersonEffect {
                    direction: direction(&shown.per_seed_alarm, &without.per_seed_alarm, i),
                    mean_alarm_without: without.person(p).mean_alarm,
                    mean_alarm_with: shown.person(p).mean_alarm,
                    flares_without: without.person(p).flares,
                    flares_with: shown.person(p).flares,
                }
            };
            Ok(WayEffect {
                way: *w,
                flag: way_text(w),
                a: effect(Person::A),
                b: effect(Person::B),
                outcome_share_without: without.outcome_share,
            })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    let steady_agrees = steady_agrees(run.steady.as_ref(), &shown);
    Ok(Simulation {
        run,
        seeds,
        shown,
        way_effects,
        steady_agrees,
    })
}

/// Where the two scores not on a two-score map are held: low anxiety and low avoidance, so that
/// the map reads the reaching person's anxiety against the withdrawing person's avoidance.
pub const HELD: f64 = 2.0;

/// The most couples a sweep simulates (couples × seeds is bounded by [`MAX_SWEEP_RUNS`]).
pub const MAX_SWEEP_RUNS: usize = 20_000_000;

/// A sweep over imagined couples on a grid of scores from 1 to 7.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepSpec {
    /// Points per score from 1 to 7 (at least 2).
    pub grid: usize,
    pub days: f64,
    pub seed: u64,
    /// Seeds per couple.
    pub seeds: usize,
    /// Vary all four scores; otherwise A's anxiety and B's avoidance, the other two at [`HELD`].
    pub all_dims: bool,
}

/// One couple of a sweep and what its seeds show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepCell {
    pub a_anxiety: f64,
    pub a_avoidance: f64,
    pub b_anxiety: f64,
    pub b_avoidance: f64,
    /// The most common outcome over the seeds.
    pub outcome: Outcome,
    pub outcome_share: OutcomeShare,
    /// Whether the most common outcome has a clear majority ([`CLEAR_MAJORITY`]).
    pub clear: bool,
    #[serde(skip)]
    pub counts: [usize; 5],
}

impl SweepSpec {
    /// Number of couples on the grid.
    pub fn couples(&self) -> usize {
        self.grid.pow(if self.all_dims { 4 } else { 2 })
    }

    /// Score level `k` of `grid` points from 1 to 7.
    pub fn level(&self, k: usize) -> f64 {
        1.0 + 6.0 * k as f64 / (self.grid - 1) as f64
    }

    /// Couple `i` as (A anxiety, A avoidance, B anxiety, B avoidance). Couples run with A's
    /// anxiety fastest, then (all dims) A's avoidance, B's anxiety, and B's avoidance slowest.
    pub fn couple(&self, i: usize) -> [f64; 4] {
        let n = self.grid;
        if self.all_dims {
            [
                self.level(i % n),
                self.level(i / n % n),
                self.level(i / (n * n) % n),
                self.level(i / (n * n * n)),
            ]
        } else {
            [self.level(i % n), HELD, HELD, self.level(i / n)]
        }
    }

    /// Map position of couple `i`: (column = A's anxiety, row = B's avoidance).
    pub fn map_position(&self, i: usize) -> (usize, usize) {
        let n = self.grid;
        if self.all_dims {
            (i % n, i / (n * n * n))
        } else {
            (i % n, i / n)
        }
    }

    /// Checks the spec's bounds.
    pub fn check(&self) -> Result<(), ModelError> {
        check_seeds(self.seeds)?;
        let dims = if self.all_dims { 4 } else { 2 };
        let too_many = || ModelError::Sweep {
            grid: self.grid,
            dims,
            seeds: self.seeds,
            max: MAX_SWEEP_RUNS,
        };
        if self.grid < 2 {
            return Err(too_many());
        }
        let runs = self
            .grid
            .checked_pow(dims)
            .and_then(|c| c.checked_mul(self.seeds))
            .ok_or_else(too_many)?;
        if runs > MAX_SWEEP_RUNS {
            return Err(too_many());
        }
        if !(self.days.is_finite() && self.days > 0.0 && self.days <= 36_500.0) {
            return Err(ModelError::Horizon(self.days));
        }
        Ok(())
    }
}

/// One couple of a sweep: `seeds` runs, couple `i` using streams `i·seeds … i·seeds + seeds − 1`
/// of the seed, so no two runs of a sweep share a stream and results do not depend on how a
/// caller schedules couples.
pub fn sweep_cell(spec: &SweepSpec, i: usize) -> Result<SweepCell, ModelError> {
    let c = spec.couple(i);
    let a = Profile::new(c[0], c[1])?;
    let b = Profile::new(c[2], c[3])?;
    let p = Params::from_profiles(a, b);
    let mut counts = [0usize; 5];
    for k in 0..spec.seeds {
        let stream = (i as u64) * (spec.seeds as u64) + k as u64;
        let tr = sim::simulate(&p, &[], spec.days, &mut rng(spec.seed, stream), false)?;
        counts[outcome_index(outcome::classify(&tr, p.shared.flare).outcome)] += 1;
    }
    let outcome_share = OutcomeShare::from_counts(&counts);
    let (outcome, _) = outcome_share.top();
    Ok(SweepCell {
        a_anxiety: c[0],
        a_avoidance: c[1],
        b_anxiety: c[2],
        b_avoidance: c[3],
        outcome,
        clear: outcome_share.clear(),
        outcome_share,
        counts,
    })
}

/// Every couple of the sweep, in order, one after another (callers that want threads map
/// [`sweep_cell`] over `0..spec.couples()` themselves; the result is the same).
pub fn sweep(spec: &SweepSpec) -> Result<Vec<SweepCell>, ModelError> {
    spec.check()?;
    (0..spec.couples()).map(|i| sweep_cell(spec, i)).collect()
}

/// The map of a sweep: per row (B's avoidance) and column (A's anxiety), the outcome counts
/// summed over the couples at that position (in all-dims mode, over the other two scores).
pub fn sweep_map(spec: &SweepSpec, cells: &[SweepCell]) -> Vec<Vec<[usize; 5]>> {
    let n = spec.grid;
    let mut tally = vec![vec![[0usize; 5]; n]; n];
    for (i, c) in cells.iter().enumerate() {
        let (col, row) = spec.map_position(i);
        for k in 0..5 {
            tally[row][col][k] += c.counts[k];
        }
    }
    tally
}

/// Counts of couples by their most common outcome, in the order of [`OUTCOMES`].
pub fn sweep_counts(cells: &[SweepCell]) -> [usize; 5] {
    let mut out = [0usize; 5];
    for c in cells {
        out[outcome_index(c.outcome)] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_domain::Way;

    fn w(s: &str) -> WayUse {
        s.parse().unwrap()
    }

    #[test]
    fn shares_sum_to_one_and_clear_needs_a_majority() {
        let s = OutcomeShare::from_counts(&[3, 2, 0, 0, 0]);
        assert!((s.settles + s.recurs + s.spirals + s.drifts + s.distant - 1.0).abs() < 1e-12);
        assert_eq!(s.top(), (Outcome::Settles, 0.6));
        assert!(!s.clear());
        assert!(OutcomeShare::from_counts(&[0, 0, 0, 4, 1]).clear());
        assert_eq!(
            OutcomeShare::from_counts(&[0, 1, 0, 3, 0]).present(),
            vec![(Outcome::Drifts, 0.75), (Outcome::Recurs, 0.25)]
        );
    }

    #[test]
    fn a_way_given_twice_to_the_same_person_is_found() {
        assert_eq!(
            repeated_way(&[w("pause:A@0"), w("pause:A@5")]),
            Some((0, 1, Person::A))
        );
        assert_eq!(
            repeated_way(&[w("pause:A@0"), w("pause:both@5")]),
            Some((0, 1, Person::A))
        );
        assert_eq!(
            repeated_way(&[w("name:both"), w("stay:B"), w("name:both@3")]),
            Some((0, 2, Person::A))
        );
        assert_eq!(
            repeated_way(&[w("pause:A"), w("pause:B"), w("stay:B")]),
            None
        );
        let e = check_ways(&[w("pause:A"), w("curious:A"), w("pause:A@30")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "pause:A@0 and pause:A@30 both give pause to A; a way is in use from its day on, so give it once"
        );
        assert!(
            crate::run(
                Profile::new(6.0, 2.0).unwrap(),
                Profile::new(2.0, 6.0).unwrap(),
                &[w("pause:A"), w("pause:A")],
                10.0,
                1,
                false
            )
            .is_err()
        );
        let _ = Way::Pause;
    }

    #[test]
    fn seeds_outside_the_bounds_are_refused() {
        let p = Profile::new(2.0, 2.0).unwrap();
        for n in [0, 4, MAX_SEEDS + 1] {
            assert!(matches!(
                simulate(p, p, &[], 10.0, 1, n, false),
                Err(ModelError::Seeds(_))
            ));
        }
    }

    /// The pictured run is the single run `crate::run` gives; the shares count every seed.
    #[test]
    fn the_picture_is_stream_zero_and_shares_count_every_seed() {
        let (a, b) = (
            Profile::new(6.0, 2.0).unwrap(),
            Profile::new(2.0, 6.0).unwrap(),
        );
        let sim = simulate(a, b, &[], 30.0, 4, 8, false).unwrap();
        let one = crate::run(a, b, &[], 30.0, 4, false).unwrap();
        assert_eq!(sim.run.summary, one.summary);
        assert_eq!(sim.seeds, 8);
        assert_eq!(sim.shown.per_seed_alarm.len(), 8);
        let s = sim.shown.outcome_share;
        let total = s.settles + s.recurs + s.spirals + s.drifts + s.distant;
        assert!((total - 1.0).abs() < 1e-12);
        // Each share is a whole number of seeds out of 8.
        for o in OUTCOMES {
            let k = s.get(o) * 8.0;
            assert!((k - k.round()).abs() < 1e-9, "{o}: {k}");
        }
    }

    #[test]
    fn sweep_cells_are_the_same_one_by_one_and_count_each_seed() {
        let spec = SweepSpec {
            grid: 3,
            days: 20.0,
            seed: 2,
            seeds: 5,
            all_dims: false,
        };
        let cells = sweep(&spec).unwrap();
        assert_eq!(cells.len(), 9);
        for (i, c) in cells.iter().enumerate() {
            assert_eq!(*c, sweep_cell(&spec, i).unwrap());
            assert_eq!(c.counts.iter().sum::<usize>(), 5);
            assert_eq!(c.outcome, c.outcome_share.top().0);
        }
        assert_eq!(cells[0].a_anxiety, 1.0);
        assert_eq!(cells[8].b_avoidance, 7.0);
        assert_eq!(cells[5].a_avoidance, HELD);
        let map = sweep_map(&spec, &cells);
        assert_eq!(map[1][2], cells[5].counts);
        let too_big = SweepSpec {
            grid: 1000,
            seeds: 100,
            ..spec
        };
        assert!(matches!(too_big.check(), Err(ModelError::Sweep { .. })));
    }
}
