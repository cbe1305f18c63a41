//! `closer fit`: the research track's point-process fit (DESIGN.md §8) — a linear multivariate
//! Hawkes process with exponential kernels, fitted by maximum likelihood to a moves CSV.
//!
//! Argument parsing and output only; the fit and everything it reports come from
//! `closer_analyze::hawkes`. Files are read by the one moves reader (`moves_csv::parse`), which
//! is fast enough for million-event logs, so every error names file, physical line and field.

use crate::error::{CliError, CliResult};
use crate::io::{read_input, stderr_is_terminal};
use closer_analyze::hawkes::{
    Dimension, Events, HawkesError, IntervalMethod, Report, report_auto_with,
};
use closer_domain::moves_csv::{self, Column};
use closer_domain::{InputError, Window};
use closer_safety::{Context, Draft, Policy, Tag, Topic};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Fit a multivariate Hawkes process to an interaction log (research track).
///
/// One dimension per (partner, move) pair present, e.g. "A reach", "B withdraw". The excitation
/// matrix's row k, column j is how many type-k moves one type-j move sets off on average. A
/// research fit of a statistical model: never a reading of anyone's relationship.
#[derive(clap::Args)]
pub struct Args {
    /// The moves CSV: `time,partner,move[,...,couple]`, times in hours (`-`
    /// reads standard input).
    pub file: PathBuf,
    /// Observation window START..END in hours (overrides the file's `# window:` line).
    #[arg(long, value_name = "START..END", conflicts_with = "horizon")]
    pub window: Option<String>,
    /// Observation window 0..H in hours.
    #[arg(long, value_name = "H")]
    pub horizon: Option<f64>,
    /// A baseline that is piecewise constant over the day, in BINS equal bins of 24/BINS hours
    /// (of the time modulo 24). Use it whenever logging follows a daily rhythm: without it the
    /// rhythm is mistaken for excitation.
    #[arg(long, value_name = "BINS")]
    pub daily_baseline: Option<usize>,
    /// Intervals: 95% profile likelihood (several refits per parameter), or none.
    #[arg(long, value_enum, default_value = "profile")]
    pub intervals: Intervals,
    /// Test "no excitation at all" against a Poisson model with the same baseline, by Monte
    /// Carlo with B null logs that keep each move type's count in each daily bin and place the
    /// moves at random (each refitted; 0 = off). With no excitation
    /// single intervals exclude 0 too often, so an excitation interval that excludes 0 counts as
    /// a finding only if the test's p-value is below 0.05. The smallest possible p-value is
    /// 1/(B+1): use B of 39 or more (99 or more for a steadier p-value). Default: 39 with
    /// profile intervals (findings come from intervals), 0 with `--intervals none`. At most 9999.
    #[arg(long, value_name = "B")]
    pub null_test: Option<usize>,
    /// Print one JSON document (for a multi-couple file, `{"schema_version": N, "couples": […]}`).
    #[arg(long)]
    pub json: bool,
}

/// Monte Carlo replicates of the null test when intervals are computed and `--null-test` is not
/// given: the smallest number whose smallest p-value (1/40) is below 0.05.
const DEFAULT_NULL_TEST: usize = 39;

/// The most null logs `--null-test` may ask for: each is a full refit.
const MAX_NULL_TEST: usize = 9_999;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Intervals {
    Profile,
    None,
}

pub fn run(args: Args) -> CliResult {
    let name = crate::io::input_name(&args.file);
    let bins = args.daily_baseline.unwrap_or(1);
    if !(1..=1440).contains(&bins) {
        return Err(CliError::usage(format!(
            "--daily-baseline: expected a number of bins from 1 to 1440, found {bins}"
        )));
    }
    let flag_window = match (&args.window, args.horizon) {
        (Some(w), _) => Some(
            w.parse::<Window>()
                .map_err(|m| CliError::usage(format!("--window: {m}")))?,
        ),
        (None, Some(h)) => {
            if !(h.is_finite() && h > 0.0) {
                return Err(CliError::usage(format!(
                    "--horizon: expected a positive number of hours, found {h}"
                )));
            }
            Some(Window { start: 0.0, end: h })
        }
        (None, None) => None,
    };
    if args.null_test.is_some_and(|b| b > MAX_NULL_TEST) {
        return Err(CliError::usage(format!(
            "--null-test: expected at most {MAX_NULL_TEST} null logs (each is a full refit)"
        )));
    }
    let text = read_input(&args.file)?;
    let method = match args.intervals {
        Intervals::Profile => IntervalMethod::Profile,
        Intervals::None => IntervalMethod::None,
    };
    // Findings come from intervals, and ungated intervals give too many false findings under
    // null data (docs/research.md), so the gate is on whenever intervals are.
    let null_test = args.null_test.unwrap_or(match args.intervals {
        Intervals::Profile => DEFAULT_NULL_TEST,
        Intervals::None => 0,
    });

    // One pass of the one reader, straight into per-couple columns (no Vec<Move> for a
    // million-event log).
    let mut groups: Vec<Group> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut outside_flag: Option<(usize, f64)> = None;
    let mut empty_couple: Option<usize> = None;
    let mut n = 0usize;
    // The last row's group and its couple label: labels are interned by the reader, so the
    // same couple is the same `Arc` and a pointer comparison finds it without touching the text.
    let mut last: Option<(usize, Option<Arc<str>>)> = None;
    let head = moves_csv::read(&text, &name, |m| {
        if let Some(w) = flag_window
            && outside_flag.is_none()
            && (m.at < w.start || m.at > w.end)
        {
            outside_flag = Some((n, m.at));
        }
        if m.couple.is_none() && empty_couple.is_none() {
            empty_couple = Some(n);
        }
        n += 1;
        // Rows of one couple usually come together: the last row's group is checked first.
        let same = |k: &Option<Arc<str>>| match (k, &m.couple) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        let g = match &last {
            Some((g, k)) if same(k) => *g,
            _ => match slot.get(m.couple.as_deref().unwrap_or_default()) {
                Some(&g) => g,
                None => {
                    let id = m.couple.as_deref().unwrap_or_default();
                    slot.insert(id.to_string(), groups.len());
                    groups.push(Group {
                        couple: id.to_string(),
                        times: Vec::new(),
                        dims: Vec::new(),
                    });
                    groups.len() - 1
                }
            },
        };
        if !matches!(&last, Some((h, _)) if *h == g) {
            last = Some((g, m.couple.clone()));
        }
        groups[g].times.push(m.at);
        groups[g].dims.push(Dimension::new(m.by, m.move_type));
    })?;
    let window = choose_window(flag_window, head.window, &name)?;
    if let (Some(w), Some((i, t))) = (flag_window, outside_flag) {
        let line = moves_csv::line_of_move(&text, i);
        return Err(outside(&name, line, t, w).into());
    }
    let multi = head.columns.contains(&Column::Couple);
    if multi && let Some(i) = empty_couple {
        // An empty couple would be fitted as a couple named "": refuse, naming the line.
        let mut err = InputError::new(
            &name,
            "expected a couple id in the `couple` column, found an empty field".to_string(),
        )
        .field("couple");
        err.line = moves_csv::line_of_move(&text, i);
        return Err(err.into());
    }
    let mut prepared = Vec::with_capacity(groups.len());
    for g in groups {
        let ev = Events::from_dimensions(g.times, &g.dims, window, bins).map_err(|e| {
            CliError::Input(InputError::new(
                &name,
                match multi {
                    true => format!("couple {:?}: {}", g.couple, describe(&e)),
                    false => describe(&e),
                },
            ))
        })?;
        prepared.push((multi.then_some(g.couple), ev));
    }
    let bar = (multi && stderr_is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(prepared.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("fitting {pos}/{len} couples {bar:30} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let reports: Vec<Report> = prepared
        .into_par_iter()
        .map(|(couple, ev)| {
            let r = if multi {
                report_auto_with(&ev, args.daily_baseline, method, couple, null_test, &|_| {})
            } else {
                report_auto_with(
                    &ev,
                    args.daily_baseline,
                    method,
                    couple,
                    null_test,
                    &progress(ev.len()),
                )
            };
            if let Some(b) = &bar {
                b.inc(1);
            }
            r
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    output(&reports, multi, args.json)
}

/// Logs at least this long tell on stderr what the fit is doing.
const PROGRESS_FROM: usize = 100_000;

/// Progress lines on stderr for a long log (nothing for a short one).
fn progress(events: usize) -> impl Fn(&str) + Sync {
    move |msg: &str| {
        if events >= PROGRESS_FROM {
            crate::io::note(&format!("closer fit: {msg}"));
        }
    }
}

/// One couple's events as columns.
struct Group {
    couple: String,
    times: Vec<f64>,
    dims: Vec<Dimension>,
}

fn describe(e: &HawkesError) -> String {
    e.to_string()
}

fn outside(name: &str, line: Option<u64>, t: f64, w: Window) -> InputError {
    let mut e = InputError::new(
        name,
        format!("the time {t} lies outside the window {w} given on the command line"),
    )
    .field("time");
    e.line = line;
    e
}

/// The window from the flags, else from the file; none is an error (never a silent guess).
fn choose_window(flag: Option<Window>, file: Option<Window>, name: &str) -> CliResult<Window> {
    flag.or(file).ok_or_else(|| {
        CliError::usage(format!(
            "{name}: no observation window. A Hawkes fit needs the true window the log covers \
             (its length enters the likelihood). Give --window START..END or --horizon H, or \
             start the file with a line `# window: START..END`."
        ))
    })
}

fn output(reports: &[Report], multi: bool, json: bool) -> CliResult {
    if json {
        return if multi {
            crate::io::emit_versioned(&reports, "couples")
        } else {
            crate::io::emit_versioned(&reports[0], "report")
        };
    }
    let policy = Policy::new(Context::ordinary());
    let note = policy
        .review(
            Draft::new(
                Topic::ModelNarration,
                "research-fit",
                "About this fit",
                closer_analyze::hawkes::NOTE,
            )
            .tagged(&[Tag::Illustration]),
        )
        .map_err(|w| CliError::Other(anyhow::anyhow!("the fit's note was withheld: {w:?}")))?;
    let mut out = String::new();
    for r in reports {
        out.push_str(&table(r));
        out.push('\n');
    }
    out.push_str(note.text());
    out.push('\n');
    crate::io::emit(&out)
}

fn fmt(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

fn interval_text(iv: &closer_analyze::hawkes::Interval) -> String {
    match iv.upper {
        Some(u) => format!("[{}, {}]", fmt(iv.lower), fmt(u)),
        None => format!("[{}, unbounded]", fmt(iv.lower)),
    }
}

/// The human table for one fit: method, numbers, intervals, checks.
fn table(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let d = r.dimensions.len();
    if let Some(c) = &r.couple {
        let _ = writeln!(s, "couple {c}");
    }
    let _ = writeln!(s, "Hawkes fit (research): {}", r.method);
    let _ = writeln!(
        s,
        "events {}   window {}..{} ({} hours)   baseline {}",
        r.events,
        r.window.start,
        r.window.end,
        r.horizon,
        match r.daily_baseline_bins {
            Some(b) => format!("daily, {b} bins"),
            None => "constant".to_string(),
        }
    );
    match &r.daily_rhythm {
        Some(t) => {
            let _ = writeln!(
                s,
                "daily rhythm across {} days: p {} ({} turned logs); {}",
                t.days,
                fmt(t.p_value),
                t.replicates,
                if t.flat {
                    "none found"
                } else {
                    "the moves follow the clock"
                }
            );
        }
        None => {
            let _ = writeln!(s, "daily rhythm: not tested (fewer than two complete days)");
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    let _ = writeln!(s, "log-likelihood {:.6}", r.log_likelihood);
    let w = r
        .dimensions
        .iter()
        .map(|l| l.len())
        .max()
        .unwrap_or(8)
        .max(12);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<w$}  {:>8}  {:>12}  95% interval",
        "dimension", "events", "baseline/h"
    );
    for k in 0..d {
        let iv = r
            .intervals
            .as_ref()
            .and_then(|i| i.baseline.as_ref())
            .map(|b| interval_text(&b[k]))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{:<w$}  {:>8}  {:>12}  {}",
            r.dimensions[k],
            r.events_per_dimension[k],
            fmt(r.baseline[k]),
            iv
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "excitation: row = the move set off, column = the move that sets it off (expected count)"
    );
    let _ = write!(s, "{:<w$}", "");
    for l in &r.dimensions {
        let _ = write!(s, "  {l:>w$}");
    }
    let _ = writeln!(s);
    for k in 0..d {
        let _ = write!(s, "{:<w$}", r.dimensions[k]);
        for j in 0..d {
            let _ = write!(s, "  {:>w$}", fmt(r.excitation[k][j]));
        }
        let _ = writeln!(s);
        if let Some(iv) = &r.intervals {
            let _ = write!(s, "{:<w$}", "  95%");
            for j in 0..d {
                let _ = write!(s, "  {:>w$}", interval_text(&iv.excitation[k * d + j]));
            }
            let _ = writeln!(s);
        }
    }
    if let Some(t) = &r.null_test {
        let verdict = if t.test.rejects() {
            if t.findings.is_empty() {
                "below 0.05, so an excitation interval excluding 0 would count as a finding; none does".to_string()
            } else {
                format!(
                    "below 0.05, so these excitation intervals excluding 0 count as findings: {}",
                    t.findings.join(", ")
                )
            }
        } else {
            format!(
                "not below 0.05, so no excitation interval counts as a finding ({} of {} exclude 0)",
                t.intervals_excluding_zero.len(),
                d * d
            )
        };
        let _ = writeln!(
            s,
            "test of no excitation at all (Monte Carlo, {} replicates): LR {}, p {}; {verdict}",
            t.test.replicates,
            fmt(t.test.lr),
            fmt(t.test.p_value)
        );
    }
    let _ = writeln!(s);
    let dec_iv = r
        .intervals
        .as_ref()
        .and_then(|i| i.decay.as_ref())
        .map(|i| format!("  95% {}", interval_text(i)))
        .unwrap_or_default();
    if r.decay_identified {
        let _ = writeln!(
            s,
            "decay {} per hour (mean delay {} hours){dec_iv}{}",
            fmt(r.decay),
            fmt(1.0 / r.decay),
            if r.decay_at_bound {
                "  [at the search bound]"
            } else {
                ""
            }
        );
    } else {
        let _ = writeln!(s, "decay not identified: every excitation is 0");
    }
    let _ = writeln!(s, "spectral radius {}", fmt(r.spectral_radius));
    match &r.cascade_size {
        Some(c) => {
            let _ = writeln!(
                s,
                "expected further moves set off by one move (all generations):"
            );
            for (label, v) in r.dimensions.iter().zip(c) {
                let _ = writeln!(s, "  {label:<w$}  {}", fmt(*v));
            }
        }
        None => {
            let _ = writeln!(
                s,
                "cascade size: none (spectral radius 1 or more; the sum diverges)"
            );
        }
    }
    for l in &r.loop_gain {
        let _ = writeln!(
            s,
            "loop {} ↔ {}: {} × {} = gain {}",
            l.reach,
            l.withdraw,
            fmt(l.withdraw_per_reach),
            fmt(l.reach_per_withdraw),
            fmt(l.gain)
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "time-rescaling check (Kolmogorov–Smirnov against Exp(1)):"
    );
    for c in &r.rescaling {
        let _ = writeln!(
            s,
            "  {:<w$}  n {:>8}  mean {:>7}  KS {:>7}  p {}",
            c.dimension,
            c.check.n,
            fmt(c.check.mean),
            fmt(c.check.ks_statistic),
            fmt(c.check.ks_p_value)
        );
    }
    let _ = writeln!(s, "{}", closer_analyze::hawkes::RESCALING_NOTE);
    s
}
