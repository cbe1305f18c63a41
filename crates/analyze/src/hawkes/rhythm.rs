//! Does the log follow a daily rhythm? A test that keeps its size when moves cluster.
//!
//! Why it is needed: a daily rhythm fitted with a constant baseline is mistaken for excitation
//! (two independent streams that both come in the evening "excite" each other in 98–100% of
//! logs), so the default fit must know whether the moves follow the clock before it chooses its
//! baseline. Why not a χ² test on the hours of the events: excitation clusters events, so hours
//! are not independent and such a test rejects clustered, rhythm-free logs (the hawkes-rs anchor
//! logs, which have no rhythm at all, at p ≈ 2·10⁻⁴).
//!
//! The test works *across days*. The complete days of the window are taken in blocks of
//! consecutive days (one day per block for a log of up to 30 days; longer logs in 30 blocks), and
//! each block is turned on the clock by a random amount (whole quarter-hours: every time of day in
//! the block moves by the same amount, modulo 24 hours): within a block every cluster stays as it
//! was, even across midnight, but the blocks no longer agree on when things happen. (Turning each
//! day on its own cuts the clusters that cross midnight; at a few hundred or thousand events that
//! does not show, but on 170 thousand events it made the test reject a rhythm-free log. With 30
//! blocks only 29 cuts remain.) Without a daily rhythm a
//! day's pattern is as likely at one time of day as at any other, so the observed log is just one
//! of these turned logs; with a rhythm the days agree, and the hourly totals of the observed log
//! are far more uneven than those of the turned ones. The statistic is the dispersion of the 24
//! hourly totals, `Σ_h (O_h − Ō)² / Ō`; the p-value is the rank `(1 + #{S_r ≥ S}) / (R + 1)`
//! among `R` turned logs (a randomisation test: exact whenever each day's pattern is
//! rotation-invariant, and close to it for a stationary process whose clusters are short beside a
//! day, which is what the calibration study checks).
//!
//! Cost: linear in the events once (a histogram per day), then `R × days × 24` additions. The
//! replicates stop early once the answer is decided (Besag & Clifford 1991): after 10 turned
//! logs at least as uneven as the observed one, p cannot fall below 0.05.

use super::Events;
use serde::Serialize;

/// Turned logs of the test.
pub const RHYTHM_REPLICATES: usize = 199;
/// The test's level: below it the log is taken to follow a daily rhythm.
pub const RHYTHM_LEVEL: f64 = 0.05;
/// The seed of the turns: fixed, so the same file always gives the same answer.
pub const RHYTHM_SEED: u64 = 0x0D41_1CE5;
/// Quarter-hours in a day: the steps by which a day is turned.
const STEPS: usize = 96;
/// Hourly totals compared.
const HOURS: usize = 24;
/// Stop once this many turned logs are at least as uneven (Besag–Clifford).
const STOP_AFTER: usize = 10;
/// Blocks of consecutive days turned together, at most.
const MAX_BLOCKS: usize = 30;

/// The result of the test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DailyRhythm {
    /// `(1 + #{S_r ≥ S}) / (r + 1)` over the `r` turned logs drawn.
    pub p_value: f64,
    /// True when the p-value is at least [`RHYTHM_LEVEL`]: no daily rhythm was found.
    pub flat: bool,
    /// The dispersion of the observed hourly totals.
    pub statistic: f64,
    /// Complete days of the window the test read.
    pub days: usize,
    /// Turned logs drawn (fewer than [`RHYTHM_REPLICATES`] when the answer was decided early).
    pub replicates: usize,
}

/// The test on the complete days of the window. `None` when the window holds fewer than two
/// complete days or they hold no events: a rhythm across days cannot be seen.
pub fn daily_rhythm(ev: &Events, replicates: usize, seed: u64) -> Option<DailyRhythm> {
    let w = ev.window();
    let first = (w.start / 24.0).ceil();
    let last = (w.end / 24.0).floor(); // exclusive
    if (last - first)
        .partial_cmp(&2.0)
        .is_none_or(|o| o == std::cmp::Ordering::Less)
    {
        return None;
    }
    let ndays = crate::cast::whole(last - first);
    let per_block = ndays.div_ceil(MAX_BLOCKS).max(1);
    // Per day with events: prefix sums of its quarter-hour histogram (STEPS + 1 entries).
    let mut day_index: Vec<usize> = Vec::new();
    let mut hist: Vec<u32> = Vec::new();
    let mut current = usize::MAX;
    for &t in ev.times.iter() {
        let abs = t + w.start;
        let day = (abs / 24.0).floor() - first;
        if day < 0.0 || day >= ndays as f64 {
            continue;
        }
        let day = crate::cast::whole(day) / per_block;
        if day != current {
            current = day;
            day_index.push(day);
            hist.extend(std::iter::repeat_n(0u32, STEPS));
        }
        let within = abs - (abs / 24.0).floor() * 24.0;
        let step = crate::cast::whole(within / 24.0 * STEPS as f64).min(STEPS - 1);
        let at = hist.len() - STEPS + step;
        hist[at] += 1;
    }
    let days_with_events = day_index.len();
    if days_with_events == 0 {
        return None;
    }
    // Prefix sums per day, twice round the clock so a turned hour is one subtraction.
    let width = 2 * STEPS + 1;
    let mut prefix = vec![0u32; days_with_events * width];
    for d in 0..days_with_events {
        let h = &hist[d * STEPS..(d + 1) * STEPS];
        let p = &mut prefix[d * width..(d + 1) * width];
        for i in 0..2 * STEPS {
            p[i + 1] = p[i] + h[i % STEPS];
        }
    }
    let per_hour = STEPS / HOURS;
    let total: f64 = hist.iter().map(|&c| c as f64).sum();
    let mean = total / HOURS as f64;
    let dispersion = |o: &[f64; HOURS]| -> f64 {
        o.iter().map(|&x| (x - mean) * (x - mean)).sum::<f64>() / mean
    };
    let totals = |shift: &mut dyn FnMut(usize) -> usize| -> [f64; HOURS] {
        let mut o = [0u32; HOURS];
        for d in 0..days_with_events {
            let s = shift(d);
            let p = &prefix[d * width..(d + 1) * width];
            // Hour h of the turned day holds the day's quarter-hours (h·4 + s) .. (h·4 + s + 4).
            for (h, oh) in o.iter_mut().enumerate() {
                let a = h * per_hour + s;
                *oh += p[a + per_hour] - p[a];
            }
        }
        o.map(|x| x as f64)
    };
    let observed = dispersion(&totals(&mut |_| 0));
    let mut rng = closer_model::rng(seed, 0);
    let mut exceed = 0usize;
    let mut drawn = 0usize;
    // Compared with a relative tolerance: a turned log equal to the observed one is a tie.
    let tie = 1e-9 * observed.abs().max(1e-300);
    while drawn < replicates {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a remainder below STEPS (96)"
        )]
        let mut turn = |_d: usize| (rand::Rng::next_u64(&mut rng) % STEPS as u64) as usize;
        let s = dispersion(&totals(&mut turn));
        drawn += 1;
        if s >= observed - tie {
            exceed += 1;
            if exceed >= STOP_AFTER {
                break;
            }
        }
    }
    let p_value = (1 + exceed) as f64 / (drawn + 1) as f64;
    Some(DailyRhythm {
        p_value,
        flat: p_value >= RHYTHM_LEVEL,
        statistic: observed,
        days: ndays,
        replicates: drawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hawkes::Dimension;
    use closer_domain::{MoveType, Person, Window};
    use closer_model::hawkes::{HawkesParams, simulate};

    fn events(times: Vec<f64>, horizon: f64) -> Events {
        let n = times.len();
        Events::new(
            vec![Dimension::new(Person::A, MoveType::Reach)],
            times,
            vec![0; n],
            Window {
                start: 0.0,
                end: horizon,
            },
            1,
        )
        .unwrap()
    }

    #[test]
    fn evening_logs_are_not_flat_and_clustered_flat_logs_are() {
        // Every day two moves between 20:00 and 21:00: a rhythm, found at the smallest p-value.
        let mut times = Vec::new();
        for d in 0..30 {
            times.push(d as f64 * 24.0 + 20.1 + 0.01 * d as f64);
            times.push(d as f64 * 24.0 + 20.7);
        }
        let r = daily_rhythm(&events(times, 30.0 * 24.0), 199, 1).unwrap();
        assert!(!r.flat);
        assert_eq!(r.p_value, 1.0 / 200.0);
        assert_eq!(r.days, 30);
        assert_eq!(r.replicates, 199);
        // A strongly self-exciting process with a constant baseline: clustered, no rhythm.
        let p = HawkesParams::from_rows(vec![0.05], &[vec![0.8]], 2.0)
            .expect("a square excitation matrix");
        let mut rng = closer_model::rng(3, 0);
        let ev = simulate(&p, 24.0 * 200.0, &mut rng).unwrap();
        let r = daily_rhythm(
            &events(ev.iter().map(|e| e.0).collect(), 24.0 * 200.0),
            199,
            1,
        )
        .unwrap();
        assert!(r.flat, "{r:?}");
        assert!(r.p_value > 0.05);
    }

    #[test]
    fn fewer_than_two_complete_days_cannot_be_tested() {
        assert!(daily_rhythm(&events(vec![1.0, 5.0, 30.0], 40.0), 99, 1).is_none());
        // The same seed gives the same answer.
        let times: Vec<f64> = (0..200).map(|i| i as f64 * 2.37).collect();
        let a = daily_rhythm(&events(times.clone(), 480.0), 99, 5).unwrap();
        assert_eq!(a, daily_rhythm(&events(times, 480.0), 99, 5).unwrap());
    }
}
