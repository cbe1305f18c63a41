//! The events a fit sees: flat columns of times and dimension indices inside a window.

use closer_domain::{Move, MoveType, Person, Window};
use serde::Serialize;

/// The most dimensions a log can have: two partners × five move types.
pub const MAX_DIMS: usize = 10;

/// One dimension of the process: a (partner, move type) pair. Pairs rather than move types alone,
/// because the loop is about one person's move setting off the *other's*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Dimension {
    pub partner: Person,
    pub move_type: MoveType,
}

impl Dimension {
    pub fn new(partner: Person, move_type: MoveType) -> Dimension {
        Dimension { partner, move_type }
    }

    /// "A reach", "B withdraw", …
    pub fn label(&self) -> String {
        format!("{} {}", self.partner.as_str(), self.move_type.as_str())
    }

    /// 0..10: partner-major, then move type.
    pub fn code(&self) -> usize {
        self.partner.index() * MoveType::ALL.len() + self.move_type.index()
    }
}

/// Why a set of events cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HawkesError {
    #[error("there are no moves to fit")]
    NoEvents,
    #[error("the window {0} is empty or not finite; expected START..END with END after START")]
    BadWindow(Window),
    #[error(
        "the move at position {index} (time {time}) lies outside the window {window}; expected every move inside the window"
    )]
    OutsideWindow {
        index: usize,
        time: f64,
        window: Window,
    },
    #[error(
        "the move at position {index} (time {time}) is earlier than the one before it; expected moves sorted by time"
    )]
    Unsorted { index: usize, time: f64 },
    #[error("the move at position {index} has a time that is not a finite number")]
    NotFinite { index: usize },
    #[error("expected between 1 and 1440 daily baseline bins, found {0}")]
    BadBins(usize),
    #[error("the dimension index {0} is out of range")]
    BadDimension(usize),
}

/// Events prepared for fitting: times relative to the window start, sorted; one dimension index
/// per event; the daily bin of each event; the exposure of each bin inside the window.
#[derive(Debug, Clone)]
pub struct Events {
    pub(crate) labels: Vec<Dimension>,
    pub(crate) times: Vec<f64>,
    pub(crate) kinds: Vec<u8>,
    pub(crate) event_bins: Vec<u16>,
    pub(crate) window: Window,
    pub(crate) horizon: f64,
    pub(crate) bins: usize,
    pub(crate) exposure: Vec<f64>,
    pub(crate) counts: Vec<usize>,
}

impl Events {
    /// Events from moves. Dimensions are the (partner, move type) pairs present, in partner then
    /// move-type order.
    pub fn from_moves(moves: &[Move], window: Window, bins: usize) -> Result<Events, HawkesError> {
        let times: Vec<f64> = moves.iter().map(|m| m.at).collect();
        let dims: Vec<Dimension> = moves
            .iter()
            .map(|m| Dimension::new(m.by, m.move_type))
            .collect();
        Events::from_dimensions(times, &dims, window, bins)
    }

    /// Events from columns: absolute times (sorted) and each event's (partner, move type), as a
    /// streaming reader builds them without keeping whole moves. Dimensions are the pairs
    /// present, in partner then move-type order (as [`Events::from_moves`]).
    pub fn from_dimensions(
        times: Vec<f64>,
        dims: &[Dimension],
        window: Window,
        bins: usize,
    ) -> Result<Events, HawkesError> {
        let mut present = [false; MAX_DIMS];
        for d in dims {
            present[d.code()] = true;
        }
        let labels: Vec<Dimension> = Person::BOTH
            .iter()
            .flat_map(|&p| MoveType::ALL.iter().map(move |&t| Dimension::new(p, t)))
            .filter(|d| present[d.code()])
            .collect();
        let mut slot = [0u8; MAX_DIMS];
        for (i, d) in labels.iter().enumerate() {
            slot[d.code()] = Events::kind_code(i);
        }
        let kinds: Vec<u8> = dims.iter().map(|d| slot[d.code()]).collect();
        Events::new(labels, times, kinds, window, bins)
    }

    /// A dimension index as the `u8` code [`Events::new`] takes. An index past 255 becomes 255,
    /// which [`Events::new`] refuses (`BadDimension`): there are at most [`MAX_DIMS`] dimensions.
    pub fn kind_code(k: usize) -> u8 {
        u8::try_from(k).unwrap_or(u8::MAX)
    }

    /// Events from columns: absolute times (sorted), dimension indices into `labels`.
    pub fn new(
        labels: Vec<Dimension>,
        times: Vec<f64>,
        kinds: Vec<u8>,
        window: Window,
        bins: usize,
    ) -> Result<Events, HawkesError> {
        if times.is_empty() {
            return Err(HawkesError::NoEvents);
        }
        if !(window.start.is_finite() && window.end.is_finite() && window.end > window.start) {
            return Err(HawkesError::BadWindow(window));
        }
        if bins == 0 || bins > 1440 {
            return Err(HawkesError::BadBins(bins));
        }
        let d = labels.len();
        let mut counts = vec![0usize; d];
        let mut prev = f64::NEG_INFINITY;
        let mut rel = Vec::with_capacity(times.len());
        let mut event_bins = Vec::with_capacity(times.len());
        let width = 24.0 / bins as f64;
        for (i, (&t, &k)) in times.iter().zip(&kinds).enumerate() {
            if !t.is_finite() {
                return Err(HawkesError::NotFinite { index: i });
            }
            if t < window.start || t > window.end {
                return Err(HawkesError::OutsideWindow {
                    index: i,
                    time: t,
                    window,
                });
            }
            if t < prev {
                return Err(HawkesError::Unsorted { index: i, time: t });
            }
            prev = t;
            let k = k as usize;
            if k >= d {
                return Err(HawkesError::BadDimension(k));
            }
            counts[k] += 1;
            rel.push(t - window.start);
            #[allow(
                clippy::cast_possible_truncation,
                reason = "a bin is below `bins`, at most 1,440 (checked above)"
            )]
            let bin = bin_of(t, width, bins) as u16;
            event_bins.push(bin);
        }
        let exposure = (0..bins)
            .map(|b| {
                cumulative_in_bin(window.end, b, width) - cumulative_in_bin(window.start, b, width)
            })
            .collect();
        Ok(Events {
            labels,
            times: rel,
            kinds,
            event_bins,
            horizon: window.end - window.start,
            window,
            bins,
            exposure,
            counts,
        })
    }

    /// The first `m` events (at least 1), in the window from the start to the `m`-th event's
    /// time: a shorter log of the same process, with the same dimensions and bins.
    pub fn prefix(&self, m: usize) -> Events {
        let m = m.clamp(1, self.len());
        let end_rel = self.times[m - 1];
        // Events tied with the last one stay together.
        let m = self.times.partition_point(|&t| t <= end_rel);
        let window = Window {
            start: self.window.start,
            end: self.window.start + end_rel.max(f64::MIN_POSITIVE),
        };
        let width = 24.0 / self.bins as f64;
        let mut counts = vec![0usize; self.dims()];
        for &k in &self.kinds[..m] {
            counts[k as usize] += 1;
        }
        Events {
            labels: self.labels.clone(),
            times: self.times[..m].to_vec(),
            kinds: self.kinds[..m].to_vec(),
            event_bins: self.event_bins[..m].to_vec(),
            window,
            horizon: window.end - window.start,
            bins: self.bins,
            exposure: (0..self.bins)
                .map(|b| {
                    cumulative_in_bin(window.end, b, width)
                        - cumulative_in_bin(window.start, b, width)
                })
                .collect(),
            counts,
        }
    }

    /// The same events with another number of daily baseline bins.
    pub fn with_bins(&self, bins: usize) -> Result<Events, HawkesError> {
        let start = self.window.start;
        Events::new(
            self.labels.clone(),
            self.times.iter().map(|t| t + start).collect(),
            self.kinds.clone(),
            self.window,
            bins,
        )
    }

    /// The dimensions, in index order.
    pub fn labels(&self) -> &[Dimension] {
        &self.labels
    }

    pub fn dims(&self) -> usize {
        self.labels.len()
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Window length `T` (hours).
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    pub fn window(&self) -> Window {
        self.window
    }

    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Hours of the window inside each daily bin.
    pub fn exposure(&self) -> &[f64] {
        &self.exposure
    }

    /// Events per dimension.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }
}

/// The daily bin of an absolute time.
pub(crate) fn bin_of(t: f64, width: f64, bins: usize) -> usize {
    let b = crate::cast::whole(t.rem_euclid(24.0) / width);
    b.min(bins - 1)
}

/// Hours spent in daily bin `b` between time −∞'s midnight origin (time 0) and `t`, extended to
/// negative `t` consistently, so that differences give the exposure of any interval exactly.
pub(crate) fn cumulative_in_bin(t: f64, b: usize, width: f64) -> f64 {
    let day = (t / 24.0).floor();
    let within = t - day * 24.0;
    day * width + (within - b as f64 * width).clamp(0.0, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_sums_to_the_window_and_is_exact() {
        let w = Window {
            start: 5.5,
            end: 77.25,
        };
        let ev = Events::new(
            vec![Dimension::new(Person::A, MoveType::Reach)],
            vec![6.0],
            vec![0],
            w,
            4,
        )
        .unwrap();
        let total: f64 = ev.exposure.iter().sum();
        assert!((total - w.length()).abs() < 1e-12);
        // 5.5..24: bin0 (0-6) 0.5h, bin1 6h, bin2 6h, bin3 6h; two full days (24..72) 12h each;
        // 72..77.25: bin0 5.25h.
        let want = [0.5 + 12.0 + 5.25, 18.0, 18.0, 18.0];
        for (a, b) in ev.exposure.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!(ev.event_bins, vec![1]);
    }

    #[test]
    fn rejects_bad_input() {
        let w = Window {
            start: 0.0,
            end: 10.0,
        };
        let l = vec![Dimension::new(Person::A, MoveType::Reach)];
        assert!(matches!(
            Events::new(l.clone(), vec![2.0, 1.0], vec![0, 0], w, 1),
            Err(HawkesError::Unsorted { index: 1, .. })
        ));
        assert!(matches!(
            Events::new(l.clone(), vec![2.0, 11.0], vec![0, 0], w, 1),
            Err(HawkesError::OutsideWindow { index: 1, .. })
        ));
        assert!(matches!(
            Events::new(l.clone(), vec![f64::NAN], vec![0], w, 1),
            Err(HawkesError::NotFinite { index: 0 })
        ));
        assert!(matches!(
            Events::new(l.clone(), vec![], vec![], w, 1),
            Err(HawkesError::NoEvents)
        ));
        assert!(matches!(
            Events::new(l, vec![1.0], vec![0], w, 0),
            Err(HawkesError::BadBins(0))
        ));
    }
}
