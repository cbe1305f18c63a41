//! Everything one fit reports, in one serialisable value: what `closer fit --json` prints and
//! what its tables show, computed here so no edge holds logic.

use super::information::{INFORMATION_FROM, information_intervals};
use super::rhythm::{DailyRhythm, RHYTHM_REPLICATES, RHYTHM_SEED, daily_rhythm};
use super::{
    Events, Fit, FitOptions, Intervals, LoopGain, NULL_TEST_LEVEL, NullTest, RescalingCheck,
    cascade_sizes, fit, loop_gains, null_test_with_progress, profile_intervals, rescaling_check,
    spectral_radius,
};
use closer_domain::Window;
use serde::Serialize;

/// Which intervals to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalMethod {
    Profile,
    None,
}

/// What the report says about method, in plain words (shown by every edge).
pub const METHOD: &str = "maximum likelihood; linear multivariate Hawkes process; exponential kernel normalised so each excitation is an expected count; one decay shared by all pairs; simultaneous moves do not excite each other";

/// The note every output carries (DESIGN.md §6: a one-couple fit is never presented as fact).
pub const NOTE: &str = "A research fit of a statistical model to a log of moves. It describes patterns in these records under the model's assumptions; it is not a reading of anyone's relationship and not a forecast.";

/// What the rescaling check can and cannot say.
pub const RESCALING_NOTE: &str = "Time-rescaling check: under the fitted model the rescaled gaps are Exp(1). With few events (tens) the test has little power, and because the parameters were fitted to the same events its p-value is conservative; a large p-value does not show the model is right.";

/// What the test of no excitation at all means, and how it gates the per-entry findings.
pub const NULL_TEST_NOTE: &str = "Test of no excitation at all: the likelihood-ratio statistic against a Poisson model with the same baseline, calibrated by Monte Carlo: logs that keep each move type's count in each daily bin, with the moves placed at random, refitted (an exact test at any number of events). With no excitation the decay is not identified, which makes single intervals exclude 0 too often; so an excitation interval excluding 0 counts as a finding only when this test's p-value is below 0.05.";

/// The seed of the null test's Monte Carlo draws: fixed, so the same file gives the same output.
pub const NULL_TEST_SEED: u64 = 20_260_611;

/// The null test and the findings it lets through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NullTestReport {
    #[serde(flatten)]
    pub test: NullTest,
    pub level: f64,
    /// Excitation entries ("row ← column") whose 95% profile interval excludes 0, before the
    /// gate.
    pub intervals_excluding_zero: Vec<String>,
    /// The same entries when the test rejects at `level`; empty otherwise (the gate is closed).
    pub findings: Vec<String>,
    /// What the test means; when findings are withheld because the log follows a daily rhythm
    /// that the baseline leaves out, it says so.
    pub note: String,
}

/// One dimension's rescaling check, labelled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledCheck {
    pub dimension: String,
    #[serde(flatten)]
    pub check: RescalingCheck,
}

/// A fit's full report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The couple id in a multi-couple file.
    pub couple: Option<String>,
    pub method: &'static str,
    pub note: &'static str,
    /// Dimension labels, in the order of every vector and matrix below.
    pub dimensions: Vec<String>,
    pub events: usize,
    pub events_per_dimension: Vec<usize>,
    pub window: Window,
    pub horizon: f64,
    /// Daily baseline bins; `None` for a constant baseline.
    pub daily_baseline_bins: Option<usize>,
    /// The test of a daily rhythm across days (see [`daily_rhythm`]); `None` when the window
    /// holds fewer than two complete days.
    pub daily_rhythm: Option<DailyRhythm>,
    /// What the reader must know before trusting the numbers (a decay at its search bound, a
    /// window far longer than the moves, daily bins too coarse for a rhythm found).
    pub warnings: Vec<String>,
    /// Baseline rate per hour, averaged over the window (equal to the constant baseline when
    /// there are no daily bins).
    pub baseline: Vec<f64>,
    /// Per dimension, per daily bin (bin `b` covers hours `[b·24/B, (b+1)·24/B)` of the day);
    /// `None` without daily bins.
    pub baseline_daily: Option<Vec<Vec<f64>>>,
    /// Row `k`, column `j`: expected type-`k` moves set off by one type-`j` move.
    pub excitation: Vec<Vec<f64>>,
    /// Decay rate per hour (mean kernel delay = 1 / decay hours).
    pub decay: f64,
    pub decay_identified: bool,
    pub decay_at_bound: bool,
    pub spectral_radius: f64,
    /// Expected further moves, over all generations, set off by one move of each type: column
    /// sums of `G (I − G)⁻¹`. `None` when the spectral radius is 1 or more.
    pub cascade_size: Option<Vec<f64>>,
    pub loop_gain: Vec<LoopGain>,
    pub log_likelihood: f64,
    pub projected_gradient_max: f64,
    pub intervals: Option<Intervals>,
    pub rescaling: Vec<LabelledCheck>,
    pub rescaling_note: &'static str,
    /// Present when the test of no excitation at all was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_test: Option<NullTestReport>,
}

/// Fits and reports.
pub fn report(ev: &Events, intervals: IntervalMethod, couple: Option<String>) -> Report {
    let f = fit(ev);
    report_for(ev, &f, intervals, couple)
}

/// Fits, reports, and — with `null_replicates > 0` — runs the test of no excitation at all with
/// that many Monte Carlo replicates (seed [`NULL_TEST_SEED`]) and gates the findings by it.
pub fn report_tested(
    ev: &Events,
    intervals: IntervalMethod,
    couple: Option<String>,
    null_replicates: usize,
) -> Report {
    report_tested_with(ev, intervals, couple, null_replicates, &|_| {})
}

/// [`report_tested`], telling `progress` what it is doing (for a long log: the edge may show it
/// on stderr).
pub fn report_tested_with(
    ev: &Events,
    intervals: IntervalMethod,
    couple: Option<String>,
    null_replicates: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Report {
    let opts = FitOptions::default();
    progress(&format!("fitting {} moves", ev.len()));
    let f = fit(ev);
    if intervals == IntervalMethod::Profile {
        progress("intervals");
    }
    let mut r = report_for(ev, &f, intervals, couple);
    if null_replicates > 0 {
        let test = null_test_with_progress(
            ev,
            f.log_likelihood,
            &opts,
            null_replicates,
            NULL_TEST_SEED,
            &|done, of| {
                progress(&format!(
                    "test of no excitation at all: {done} of {of} null logs"
                ))
            },
        );
        let d = r.dimensions.len();
        let excluding: Vec<String> = r
            .intervals
            .as_ref()
            .map(|iv| {
                iv.excitation
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.lower > 0.0)
                    .map(|(e, _)| format!("{} ← {}", r.dimensions[e / d], r.dimensions[e % d]))
                    .collect()
            })
            .unwrap_or_default();
        r.null_test = Some(NullTestReport {
            test,
            level: NULL_TEST_LEVEL,
            findings: if test.rejects() {
                excluding.clone()
            } else {
                Vec::new()
            },
            intervals_excluding_zero: excluding,
            note: if test.drawn == 0 && test.replicates > 0 {
                format!(
                    "{NULL_TEST_NOTE} On this long log the statistic is so far beyond what a log without excitation gives that no null logs were needed: Davies' bound on the p-value is {:.1e}.",
                    test.p_value
                )
            } else if test.drawn < test.replicates {
                format!(
                    "{NULL_TEST_NOTE} The test stopped after {} of its {} null logs, once the answer was decided.",
                    test.drawn, test.replicates
                )
            } else {
                NULL_TEST_NOTE.to_string()
            },
        });
    }
    r
}

/// What `closer fit` does by default: tests whether the moves follow a daily rhythm across days
/// and chooses the baseline from it, then fits, reports and gates as [`report_tested`].
///
/// - No `bins` given: a flat log (or one too short to test) is fitted with a constant baseline,
///   exactly as [`report_tested`] does; a log with a daily rhythm is fitted with a daily baseline
///   of [`DEFAULT_RHYTHM_BINS`] bins (the test needs two complete days, so the window then spans
///   two days or more), because a rhythm fitted with a constant baseline is mistaken for
///   excitation.
/// - `bins` of 1 given with a rhythm found: the constant baseline is fitted as asked, but the
///   findings are withheld and `null_test.note` says why.
/// - Coarse bins given (more than two hours wide) with a rhythm found: a warning that the bins
///   may be too coarse to hold it (with 6 bins, 17% of rhythm-only logs still gave findings).
pub fn report_auto(
    ev: &Events,
    bins: Option<usize>,
    intervals: IntervalMethod,
    couple: Option<String>,
    null_replicates: usize,
) -> Report {
    report_auto_with(ev, bins, intervals, couple, null_replicates, &|_| {})
}

/// [`report_auto`], telling `progress` what it is doing.
pub fn report_auto_with(
    ev: &Events,
    bins: Option<usize>,
    intervals: IntervalMethod,
    couple: Option<String>,
    null_replicates: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> Report {
    progress("testing for a daily rhythm across days");
    let rhythm = daily_rhythm(ev, RHYTHM_REPLICATES, RHYTHM_SEED);
    let found = rhythm.is_some_and(|r| !r.flat);
    let chosen = match bins {
        Some(b) => b,
        None if found => DEFAULT_RHYTHM_BINS,
        None => 1,
    };
    let rebinned;
    let ev = if chosen == ev.bins() {
        ev
    } else {
        match ev.with_bins(chosen) {
            Ok(e) => {
                rebinned = e;
                &rebinned
            }
            Err(_) => ev,
        }
    };
    let mut r = report_tested_with(ev, intervals, couple, null_replicates, progress);
    r.daily_rhythm = rhythm;
    if found && ev.bins() == 1 {
        if let Some(t) = r.null_test.as_mut() {
            t.findings.clear();
            t.note = format!("{NULL_TEST_NOTE} {RHYTHM_WITHHELD}");
        }
        r.warnings.push(RHYTHM_WITHHELD.to_string());
    } else if found && ev.bins() > 1 && ev.bins() < COARSE_BELOW {
        r.warnings.push(format!(
            "The moves follow a daily rhythm, and bins of {} hours may be too coarse to hold it: in the calibration study, rhythm-only logs fitted with 6 daily bins still showed excitation in 17% of logs (42% with 4 bins at 1,000 events). Use --daily-baseline 24 or more.",
            24 / ev.bins().max(1)
        ));
    }
    r
}

/// Daily bins used by default when the moves follow a daily rhythm.
pub const DEFAULT_RHYTHM_BINS: usize = 24;
/// Daily bins below this count are called coarse when a rhythm is found.
const COARSE_BELOW: usize = 12;
/// Why findings are withheld when a constant baseline was asked for a log with a daily rhythm.
pub const RHYTHM_WITHHELD: &str = "Findings withheld: the moves follow a daily rhythm across days (see daily_rhythm), and a constant baseline mistakes such a rhythm for excitation. Fit with a daily baseline (leave out --daily-baseline, or give 24 or more bins) to read excitation.";

/// Reports an existing fit.
pub fn report_for(
    ev: &Events,
    f: &Fit,
    intervals: IntervalMethod,
    couple: Option<String>,
) -> Report {
    let p = &f.params;
    let d = p.dims;
    let nb = p.bins;
    let labels: Vec<String> = ev.labels().iter().map(|l| l.label()).collect();
    let baseline = (0..d)
        .map(|k| (0..nb).map(|b| p.mu(k, b) * ev.exposure()[b]).sum::<f64>() / ev.horizon())
        .collect();
    let baseline_daily = (nb > 1).then(|| {
        (0..d)
            .map(|k| p.baseline[k * nb..(k + 1) * nb].to_vec())
            .collect()
    });
    let excitation = (0..d)
        .map(|k| p.excitation[k * d..(k + 1) * d].to_vec())
        .collect();
    let mut warnings = Vec::new();
    if f.decay_at_bound {
        warnings.push("The decay stopped at the edge of its search range, so it, the excitations and their intervals are not reliable.".to_string());
    }
    if let (Some(first), Some(last)) = (ev.times.first(), ev.times.last()) {
        let span = last - first;
        if ev.len() > 1 && span < 0.1 * ev.horizon() {
            warnings.push(format!(
                "The moves span {} hours of a window of {} hours: the window is far longer than the log. A Hawkes fit takes the whole window as observed; if the log does not cover it, give the window it really covers.",
                fmt_hours(span),
                fmt_hours(ev.horizon())
            ));
        }
    }
    let rescaling = rescaling_check(ev, p)
        .into_iter()
        .zip(&labels)
        .map(|(check, l)| LabelledCheck {
            dimension: l.clone(),
            check,
        })
        .collect();
    Report {
        couple,
        method: METHOD,
        note: NOTE,
        dimensions: labels,
        events: ev.len(),
        events_per_dimension: ev.counts().to_vec(),
        window: ev.window(),
        horizon: ev.horizon(),
        daily_baseline_bins: (nb > 1).then_some(nb),
        daily_rhythm: None,
        warnings,
        baseline,
        baseline_daily,
        excitation,
        decay: p.decay,
        decay_identified: f.decay_identified,
        decay_at_bound: f.decay_at_bound,
        spectral_radius: spectral_radius(&p.excitation, d),
        cascade_size: cascade_sizes(&p.excitation, d),
        loop_gain: loop_gains(ev.labels(), &p.excitation),
        log_likelihood: f.log_likelihood,
        projected_gradient_max: f.projected_gradient_max,
        intervals: match intervals {
            IntervalMethod::Profile if ev.len() >= INFORMATION_FROM => {
                Some(information_intervals(ev, f).0)
            }
            IntervalMethod::Profile => Some(profile_intervals(ev, f)),
            IntervalMethod::None => None,
        },
        rescaling,
        rescaling_note: RESCALING_NOTE,
        null_test: None,
    }
}

fn fmt_hours(h: f64) -> String {
    if h.abs() >= 1e5 {
        format!("{h:.3e}")
    } else {
        format!("{h:.1}")
    }
}
