//! Outcomes over a stated horizon, decided from the simulated dynamics.
//!
//! No outcome is a threshold on one number: each reads the shape of the run — whether flares
//! come and go or last, whether reaching fades while hope erodes, how much contact there is —
//! and every outcome is stated with the horizon it was read over (drift takes long).

use crate::sim::Trace;
use closer_domain::{MoveType, Outcome};
use serde::Serialize;

/// The features an outcome is read from, kept so that outputs can show why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub outcome: Outcome,
    pub horizon_days: f64,
    /// Flares per person: stretches of hours with alarm above the flare level.
    pub flares: [u32; 2],
    /// Mean of each flare's highest alarm, per person (0 when there were none).
    pub mean_flare_peak: [f64; 2],
    /// Hours in flare, per person.
    pub flare_hours: [f64; 2],
    /// Share of the hours in the second half where at least one person is in a flare.
    pub late_high_alarm_share: f64,
    /// Share of the hours of the worst month (the 30 days in a row, or the whole run if shorter,
    /// with the most hours in a flare) where at least one person is in a flare.
    pub worst_month_high_alarm_share: f64,
    /// The same share over the last month (the last 30 days, or the whole run if shorter).
    pub last_month_high_alarm_share: f64,
    /// Someone who was reaching reaches at most half as often by the end, with hope eroded: the
    /// drift pattern, also when the run is read as `spirals` first.
    pub reaching_faded: bool,
    /// Bids per day early (the first quarter, at most 30 days) and in the last quarter, per
    /// person.
    pub reach_per_day_early: [f64; 2],
    pub reach_per_day_late: [f64; 2],
    /// Moves that connect (turning toward, repair, return) per day, both people together.
    pub connecting_per_day: f64,
    /// Hope at the end, per person.
    pub hope_end: [f64; 2],
}

/// The rules' constants, documented in docs/model.md ("How outcomes are decided").
pub mod rules {
    /// Early reaching is read over at most this many days.
    pub const EARLY_DAYS_MAX: usize = 30;
    /// A flare lasts at least this many hours above the flare level.
    pub const FLARE_HOURS: usize = 3;
    /// A person was reaching if they made at least this many bids a day early on.
    pub const WAS_REACHING: f64 = 0.5;
    /// Reaching has faded when late reaching is at most this share of early reaching.
    pub const FADED: f64 = 0.5;
    /// Hope has eroded below this.
    pub const ERODED: f64 = 0.5;
    /// A lasting high-alarm state: at least this share of the hours of the worst month in a flare.
    pub const LASTING: f64 = 0.6;
    /// …and the loop has not burned out: at least this share of the last month's hours in a flare.
    pub const STILL: f64 = 0.3;
    /// The stretch a lasting high-alarm state is read over, in days (the whole run if shorter).
    pub const MONTH_DAYS: usize = 30;
    /// Flares recur when there are at least this many per 30 days (both people together)…
    pub const RECURRING_PER_30_DAYS: f64 = 4.0;
    /// …and at least this many in all.
    pub const RECURRING_MIN: u32 = 2;
    /// Low contact: fewer connecting moves a day than this, with bids to match.
    pub const LOW_CONTACT_PER_DAY: f64 = 4.0;
    pub const LOW_BIDS_PER_DAY: f64 = 2.0;
}

/// Reads the outcome of a simulated run.
pub fn classify(trace: &Trace, flare_level: f64) -> Summary {
    let hours = trace.peak.len();
    let horizon_days = trace.horizon / 24.0;
    let mut flares = [0u32; 2];
    let mut peaks = [0.0f64; 2];
    let mut flare_hours = [0.0f64; 2];
    for i in 0..2 {
        // Runs of hours above the flare level; a run of one hour is a spike, not a flare.
        let mut run = 0usize;
        let mut top = 0.0f64;
        let close = |run: usize,
                     top: f64,
                     flares: &mut [u32; 2],
                     peaks: &mut [f64; 2],
                     hrs: &mut [f64; 2]| {
            if run >= rules::FLARE_HOURS {
                flares[i] += 1;
                peaks[i] += top;
                hrs[i] += run as f64;
            }
        };
        for pk in &trace.peak {
            let v = pk[i];
            if v > flare_level {
                run += 1;
                top = top.max(v);
            } else {
                close(run, top, &mut flares, &mut peaks, &mut flare_hours);
                run = 0;
                top = 0.0;
            }
        }
        close(run, top, &mut flares, &mut peaks, &mut flare_hours);
        if flares[i] > 0 {
            peaks[i] /= flares[i] as f64;
        }
    }
    let half = hours / 2;
    let late = &trace.peak[half..];
    let late_high_alarm_share = if late.is_empty() {
        0.0
    } else {
        late.iter()
            .filter(|p| p[0] > flare_level || p[1] > flare_level)
            .count() as f64
            / late.len() as f64
    };
    // The worst month: a sliding window of 30 days of hours (the whole run if shorter).
    let in_flare: Vec<u32> = trace
        .peak
        .iter()
        .map(|p| u32::from(p[0] > flare_level || p[1] > flare_level))
        .collect();
    let window = (rules::MONTH_DAYS * 24).min(hours);
    let (worst_month_high_alarm_share, last_month_high_alarm_share) = if window == 0 {
        (0.0, 0.0)
    } else {
        let mut acc: u32 = in_flare[..window].iter().sum();
        let mut best = acc;
        for k in window..hours {
            acc = acc + in_flare[k] - in_flare[k - window];
            best = best.max(acc);
        }
        let last: u32 = in_flare[hours - window..].iter().sum();
        (
            f64::from(best) / window as f64,
            f64::from(last) / window as f64,
        )
    };
    let days = trace.daily.len();
    let quarter = (days / 4).max(1);
    let per_day = |range: std::ops::Range<usize>, i: usize, mt: MoveType| -> f64 {
        let n = range.len().max(1) as f64;
        trace.daily[range]
            .iter()
            .map(|d| d[i][mt.index()] as f64)
            .sum::<f64>()
            / n
    };
    // Early reaching: the first quarter, but no more than the first 30 days, so that a long
    // horizon does not hide the fading inside its own first quarter.
    let early = 0..quarter.min(days).min(rules::EARLY_DAYS_MAX);
    let late_days = days.saturating_sub(quarter)..days;
    let reach_per_day_early = [
        per_day(early.clone(), 0, MoveType::Reach),
        per_day(early, 1, MoveType::Reach),
    ];
    let reach_per_day_late = [
        per_day(late_days.clone(), 0, MoveType::Reach),
        per_day(late_days, 1, MoveType::Reach),
    ];
    let connecting_per_day = (0..2)
        .map(|i| {
            [MoveType::TurnToward, MoveType::Repair, MoveType::Return]
                .into_iter()
                .map(|m| per_day(0..days, i, m))
                .sum::<f64>()
        })
        .sum::<f64>();
    let bids_per_day = [
        per_day(0..days, 0, MoveType::Reach),
        per_day(0..days, 1, MoveType::Reach),
    ];
    let hope_end = trace.hope.last().copied().unwrap_or([1.0, 1.0]);

    use rules::*;
    let drifted = (0..2).any(|i| {
        reach_per_day_early[i] >= WAS_REACHING
            && reach_per_day_late[i] <= FADED * reach_per_day_early[i]
            && hope_end[i] < ERODED
    });
    let total_flares = flares[0] + flares[1];
    // A lasting high-alarm state is read first: when the alarm held most of a month and still
    // holds a good part of the last one, the loop is feeding itself, even if reaching has begun
    // to fade (`reaching_faded` keeps that, and the narration says it too).
    let outcome = if worst_month_high_alarm_share >= LASTING && last_month_high_alarm_share >= STILL
    {
        Outcome::Spirals
    } else if drifted {
        Outcome::Drifts
    } else if total_flares >= RECURRING_MIN
        && total_flares as f64 >= RECURRING_PER_30_DAYS * horizon_days / 30.0
    {
        Outcome::Recurs
    } else if connecting_per_day < LOW_CONTACT_PER_DAY
        && bids_per_day.iter().all(|b| *b < LOW_BIDS_PER_DAY)
    {
        Outcome::Distant
    } else {
        Outcome::Settles
    };
    Summary {
        outcome,
        horizon_days,
        flares,
        mean_flare_peak: peaks,
        flare_hours,
        late_high_alarm_share,
        worst_month_high_alarm_share,
        last_month_high_alarm_share,
        reaching_faded: drifted,
        reach_per_day_early,
        reach_per_day_late,
        connecting_per_day,
        hope_end,
    }
}
