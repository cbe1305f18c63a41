//! A couple's own moves, read honestly (DESIGN.md §6).
//!
//! What one couple's log can support is counts and proportions per episode with exact
//! intervals, and an episode-level Markov chain with Dirichlet posteriors — each finding shown
//! only above the minimum number of episodes at which the committed calibration study
//! (`docs/analysis.md`, [`calibration`]) found its intervals at nominal coverage and its false
//! findings under 5%. No fitted point process, no "strongest arrow", no rate of the partner's
//! behaviour.
//!
//! **Views** (DESIGN.md §3.5–§3.7). With [`View::Own`], only the viewer's own records are read
//! (`recorded_by` equal to the viewer); everything derived — the window span, the episodes, the
//! counts — comes from those rows alone, so the view cannot change when the other person's
//! records change. A row with no `recorded_by` is not the viewer's record and is left out; a file
//! with no `recorded_by` column at all is refused for an own view rather than guessed at.
//! [`View::Joint`] reads a simulation or research file as one joint record.
//!
//! This module returns numbers only. Every sentence about them is made in
//! `closer_guide::narrate_patterns`, through the safety policy.

pub mod calibration;
pub mod chain;
pub mod intervals;
pub mod segment;

use closer_domain::moves_csv::{Column, MovesFile};
use closer_domain::{Episode, EpisodeEnd, Move, MoveType, Person, Window};
use serde::Serialize;

pub use chain::{Counts, Posterior, Summary};
pub use segment::Grouping;

/// Default quiet gap between episodes, in hours. Twelve hours separates an evening's exchange
/// from the next day's while keeping a break-and-return within the same evening together.
pub const DEFAULT_GAP_HOURS: f64 = 12.0;
/// Posterior draws for the chain's summaries.
pub const DEFAULT_DRAWS: usize = 4000;
/// The fixed seed of the posterior draws: the same file always gives the same output.
pub const DEFAULT_SEED: u64 = 0x00C1_05E5;

/// The minimum numbers of episodes behind each finding, from the calibration study
/// (`docs/analysis.md`). Below its minimum a finding shows no number: the entries are not
/// enough yet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Minimums {
    /// Proportions with exact intervals (how episodes start, answered reaches, endings).
    pub proportion: usize,
    /// The median time to reconnect (reconnected episodes).
    pub median: usize,
    /// The chain's P(ends reconnected) and expected length (finished episodes).
    pub chain: usize,
    /// Each group of the comparison between episodes with and without a way of responding.
    pub way_group: usize,
}

/// The minimums the product uses (see `docs/analysis.md` for the study behind them).
pub const MINIMUMS: Minimums = Minimums {
    proportion: 10,
    median: 10,
    chain: 20,
    way_group: 10,
};

/// Whose records are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "view", content = "person")]
pub enum View {
    /// A joint record: a simulation or a research file.
    Joint,
    /// One person's own records only.
    Own(Person),
}

/// Where the window came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowSource {
    /// `--window` on the command line.
    Given,
    /// The file's `# window:` line.
    File,
    /// Neither: the span of the moves read (the last episode then counts as unfinished).
    Span,
}

/// What to read and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub view: View,
    pub gap: f64,
    /// A window given by the person; it wins over the file's window line.
    pub window: Option<Window>,
    pub draws: usize,
    pub seed: u64,
    /// The Dirichlet prior of the chain's rows (the product uses [`chain::PRIOR`]; the
    /// calibration study varies it to report sensitivity).
    pub prior: f64,
    /// Also compute the flatter prior's estimate and each way group's chain (descriptive extras;
    /// the small calibration test turns them off to stay quick, since it checks neither).
    pub extras: bool,
    /// How far the log of an episode's mean length moves per unit of a hidden day-to-day level
    /// of distress: the sensitivity behind the chain length's allowance for stretches the log
    /// has not seen ([`length_allowance`]). The product uses [`LENGTH_SENSITIVITY`]; the
    /// calibration study sets 0 to read the interval without it.
    pub length_sensitivity: f64,
    /// How far a share's log-odds move per unit of that hidden level, as the shares' allowance
    /// for stretches the log has not seen assumes ([`share_allowance`]). The product uses
    /// [`SHARE_SENSITIVITY`]; the calibration study sets 0 to read the intervals without it.
    pub share_sensitivity: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            view: View::Joint,
            gap: DEFAULT_GAP_HOURS,
            window: None,
            draws: DEFAULT_DRAWS,
            seed: DEFAULT_SEED,
            prior: chain::PRIOR,
            extras: true,
            length_sensitivity: LENGTH_SENSITIVITY,
            share_sensitivity: SHARE_SENSITIVITY,
        }
    }
}

/// Why a file cannot be read as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternsError {
    #[error(
        "a personal view reads only the rows its person recorded, and this file has no `recorded_by` column; without --me the file is read as a joint record"
    )]
    NoRecorder,
    #[error(
        "the file holds moves of {0} couples; patterns reads one couple's moves (split the file by its `couple` column)"
    )]
    SeveralCouples(usize),
    #[error("the quiet gap between episodes must be a positive number of hours, found {0}")]
    BadGap(String),
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// How episodes start: the share begun by the subject's own move.
    Starts,
    /// Episodes where the subject reached and a reach was answered (as recorded).
    ReachAnswered,
    /// Finished episodes that ended reconnected.
    Reconnected,
    /// Finished episodes that ended reconnected through a repair.
    Repair,
    /// The median hours from the first move to reconnection.
    TimeToReconnect,
    /// The chain's P(an episode ends reconnected).
    ChainReconnected,
    /// The chain's expected number of moves in an episode.
    ChainLength,
    /// Ended reconnected: episodes with a way of responding tried minus those without.
    WayDifference,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Starts => "starts",
            Kind::ReachAnswered => "reach_answered",
            Kind::Reconnected => "reconnected",
            Kind::Repair => "repair",
            Kind::TimeToReconnect => "time_to_reconnect",
            Kind::ChainReconnected => "chain_reconnected",
            Kind::ChainLength => "chain_length",
            Kind::WayDifference => "way_difference",
        }
    }
}

/// One finding: numbers only, with the count behind it and the minimum it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// The person the finding is about (the viewer, in an own view).
    pub person: Option<Person>,
    /// Successes, for a proportion.
    pub count: Option<usize>,
    /// The number of episodes behind the finding.
    pub n: usize,
    pub minimum: usize,
    pub enough: bool,
    /// Withheld (None) below the minimum.
    pub estimate: Option<f64>,
    pub interval: Option<[f64; 2]>,
    /// A share's interval (or the chain length's) before the allowance for stretches of days the
    /// log has not seen: from the blocks of days alone. None where nothing is widened.
    pub interval_before: Option<[f64; 2]>,
    /// The estimate under the flatter prior, for chain findings.
    pub flat: Option<Summary>,
    /// How the interval was made.
    pub method: &'static str,
}

/// The comparison between episodes with and without a way of responding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WayComparison {
    pub with_way: Group,
    pub without_way: Group,
    /// Episodes with a way tried that have an episode of the same length without one: the ones
    /// the length-matched comparison uses.
    pub comparable_with: usize,
    /// Episodes without a way that have an episode of the same length with one.
    pub comparable_without: usize,
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub episodes: usize,
    pub reconnected: usize,
    /// The chain's P(ends reconnected) for this group (withheld below the minimum).
    pub chain: Option<Summary>,
}

/// One episode as the output lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpisodeView {
    pub label: Option<String>,
    pub start: f64,
    pub started_by: Person,
    pub sequence: Vec<Step>,
    pub end: EpisodeEnd,
    pub by_repair: bool,
    pub hours_to_reconnect: Option<f64>,
    pub way_tried: bool,
}

/// One move of an episode; `perceived` when the viewer recorded the other person's move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub at: f64,
    pub by: Person,
    #[serde(rename = "move")]
    pub move_type: MoveType,
    pub perceived: bool,
}

/// Everything `closer patterns` shows, as numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub view: View,
    pub window: Option<Window>,
    pub window_source: WindowSource,
    pub gap_hours: f64,
    pub grouping: Grouping,
    pub episodes: Vec<EpisodeView>,
    pub finished: usize,
    pub unfinished: usize,
    /// True when the headline finding (how often episodes end reconnected) has enough episodes.
    pub enough: bool,
    pub findings: Vec<Finding>,
    pub chain: Option<ChainReport>,
    pub way: WayComparison,
    pub minimums: Minimums,
    /// Days from the log's first move to its last (at least 1).
    pub span_days: f64,
    /// The allowance added to every share's interval for stretches of days the log has not
    /// seen ([`share_allowance`]): a half-width on the log-odds scale, added in quadrature.
    pub share_allowance: f64,
}

/// The chain's posterior under the fixed prior and under the flatter prior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainReport {
    pub prior: Posterior,
    pub flat: Option<Posterior>,
    pub seed: u64,
    /// Days from the log's first move to its last (at least 1).
    pub span_days: f64,
    /// The allowance added to the expected length's interval for stretches of days the log has
    /// not seen ([`length_allowance`]): a half-width on the log scale, added in quadrature.
    pub length_allowance: f64,
    /// The expected length's interval before that allowance (the blocks of days alone).
    pub length_observed: [f64; 2],
    /// P(ends reconnected)'s interval before the shares' allowance ([`share_allowance`]).
    pub reconnected_observed: [f64; 2],
}

impl Report {
    /// The finding of a kind (about a person, when given).
    pub fn finding(&self, kind: Kind, person: Option<Person>) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.kind == kind && (person.is_none() || f.person == person))
    }
}

/// Reads a moves file for a viewer.
pub fn analyze(file: &MovesFile, opts: &Options) -> Result<Report, PatternsError> {
    if !(opts.gap.is_finite() && opts.gap > 0.0) {
        return Err(PatternsError::BadGap(opts.gap.to_string()));
    }
    if file.has_couples() {
        let n = file.by_couple().len();
        if n > 1 {
            return Err(PatternsError::SeveralCouples(n));
        }
    }
    let visible: Vec<Move> = match opts.view {
        View::Joint => file.moves.clone(),
        View::Own(p) => {
            if !file.columns.contains(&Column::RecordedBy) {
                return Err(PatternsError::NoRecorder);
            }
            file.moves
                .iter()
                .filter(|m| m.recorded_by == Some(p))
                .cloned()
                .collect()
        }
    };
    let (window, source) = match (opts.window, file.window) {
        (Some(w), _) => (Some(w), WindowSource::Given),
        (None, Some(w)) => (Some(w), WindowSource::File),
        (None, None) => (None, WindowSource::Span),
    };
    let moves: Vec<Move> = match window {
        Some(w) => visible
            .into_iter()
            .filter(|m| m.at >= w.start && m.at <= w.end)
            .collect(),
        None => visible,
    };
    let window = window.or_else(|| {
        let (a, b) = (moves.first()?.at, moves.last()?.at);
        Some(Window { start: a, end: b })
    });
    let window_end = match source {
        WindowSource::Span => None,
        _ => window.map(|w| w.end),
    };
    let (episodes, grouping) = segment::segment(&moves, opts.gap, window_end);
    Ok(report_from(
        &episodes, opts, window, source, grouping, MINIMUMS,
    ))
}

/// The findings from episodes (shared by [`analyze`] and the calibration study, so the study
/// measures exactly what the product shows).
pub fn report_from(
    episodes: &[Episode],
    opts: &Options,
    window: Option<Window>,
    window_source: WindowSource,
    grouping: Grouping,
    min: Minimums,
) -> Report {
    let finished: Vec<&Episode> = episodes
        .iter()
        .filter(|e| e.end != EpisodeEnd::Unfinished)
        .collect();
    let blocks = Blocks::of(episodes);
    // Hard and easy stretches that last for weeks: every share's interval allows for stretches
    // of days the log has not seen (see [`share_allowance`]).
    let days = span_days(episodes);
    let sc = share_allowance(days, opts.share_sensitivity);
    let viewer = match opts.view {
        View::Own(p) => Some(p),
        View::Joint => None,
    };
    let mut findings = Vec::new();

    // How episodes start: begun by the viewer's own move (A's, in a joint record).
    let subject = viewer.unwrap_or(Person::A);
    let starts = blocks.tally(episodes, |e| e.started_by().map(|p| p == subject));
    findings.push(proportion(
        Kind::Starts,
        Some(subject),
        &starts,
        min.proportion,
        sc,
    ));

    // Answered reaches: the viewer's own, or each person's in a joint record.
    let people: Vec<Person> = match viewer {
        Some(p) => vec![p],
        None => Person::BOTH.to_vec(),
    };
    for p in people {
        let answers = blocks.tally(episodes, |e| {
            (e.end != EpisodeEnd::Unfinished)
                .then(|| segment::reach_answered(e, p))
                .flatten()
        });
        findings.push(proportion(
            Kind::ReachAnswered,
            Some(p),
            &answers,
            min.proportion,
            sc,
        ));
    }

    let n = finished.len();
    let reconnected = blocks.tally(episodes, |e| {
        (e.end != EpisodeEnd::Unfinished).then_some(e.end == EpisodeEnd::Reconnected)
    });
    findings.push(proportion(
        Kind::Reconnected,
        None,
        &reconnected,
        min.proportion,
        sc,
    ));
    let repaired = blocks.tally(episodes, |e| {
        (e.end != EpisodeEnd::Unfinished).then(|| segment::by_repair(e))
    });
    findings.push(proportion(
        Kind::Repair,
        None,
        &repaired,
        min.proportion,
        sc,
    ));

    let times: Vec<f64> = finished
        .iter()
        .filter_map(|e| segment::time_to_reconnect(e))
        .collect();
    let enough = times.len() >= min.median.max(6);
    // With a day-to-day memory, episodes close in time fall on the same side of the median
    // together: the ranks are taken at the effective size from the blocks (the design effect
    // of "at or below it"). Without one, the exact interval for independent values.
    let med = if enough && blocks.memory_days <= 1 {
        intervals::median_interval(&times)
    } else if enough {
        intervals::median_interval(&times).and_then(|(m, _)| {
            let below = blocks.tally(episodes, |e| {
                (e.end != EpisodeEnd::Unfinished)
                    .then(|| segment::time_to_reconnect(e).map(|t| t <= m))
                    .flatten()
            });
            let deff =
                intervals::clustered_design_effect(below.k, below.n, &below.blocks, below.widening);
            intervals::median_interval_clustered(&times, deff)
        })
    } else {
        None
    };
    findings.push(Finding {
        kind: Kind::TimeToReconnect,
        person: None,
        count: None,
        n: times.len(),
        minimum: min.median.max(6),
        enough: enough && med.is_some(),
        estimate: med.map(|m| m.0),
        interval: med.map(|m| m.1),
        interval_before: None,
        flat: None,
        method: "sample median; distribution-free interval from order statistics",
    });

    // The chain, from all episodes (an unfinished one adds its steps but no ending), resampled
    // by blocks of days (see [`Blocks`]).
    let per_episode: Vec<Counts> = blocks.counts(episodes);
    let chain_enough = n >= min.chain;
    let chain = if chain_enough {
        let prior = chain::posterior_episodes(&per_episode, opts.prior, opts.draws, opts.seed);
        let flat = if opts.extras {
            chain::posterior_episodes(&per_episode, chain::FLAT_PRIOR, opts.draws, opts.seed)
        } else {
            None
        };
        let f = blocks.widening();
        let c = length_allowance(days, opts.length_sensitivity);
        let unseen = |p: Posterior| {
            let mut p = allow_for_unseen_stretches(p, c);
            p.p_reconnected = allow_share_for_unseen_stretches(p.p_reconnected, sc);
            p
        };
        prior.map(|prior| {
            let prior = widen(prior, f);
            let observed = prior.expected_length.interval;
            let reconnected_observed = prior.p_reconnected.interval;
            ChainReport {
                prior: unseen(prior),
                flat: flat.map(|p| unseen(widen(p, f))),
                seed: opts.seed,
                span_days: days,
                length_allowance: c,
                length_observed: observed,
                reconnected_observed,
            }
        })
    } else {
        None
    };
    let method = "Markov chain over moves; Dirichlet(1/6) prior on every row (Perks); blocks of days (a tenth of the log's span each) reweighted together (Bayesian bootstrap over blocks) before each posterior draw; posterior mean and 95% interval from seeded draws, widened by Student's t for the number of blocks, then widened on the log-odds scale for stretches of days the log has not seen: half-widths sqrt(h^2 + c^2), c = 1.96 * 0.6 * sd of the mean over the log's days of a hidden daily level with persistence 0.95 (the widening is calibrated in the project's episode calibration study); the flatter Dirichlet(1) estimate beside it";
    let length_method = "Markov chain over moves; Dirichlet(1/6) prior on every row (Perks); blocks of days reweighted together (Bayesian bootstrap over blocks) before each posterior draw; posterior mean and 95% interval from seeded draws, widened by Student's t for the number of blocks, then widened on the log scale for stretches of days the log has not seen: half-widths sqrt(h^2 + c^2), c = 1.96 * 0.55 * sd of the mean over the log's days of a hidden daily level with persistence 0.95 (the widening is calibrated in the project's episode calibration study); the flatter Dirichlet(1) estimate beside it";
    // Like every share, withheld when its widened interval runs from almost none to almost all.
    let reconnected_chain = chain
        .as_ref()
        .map(|c| c.prior.p_reconnected)
        .filter(|s| !share_too_wide(s.interval));
    findings.push(Finding {
        kind: Kind::ChainReconnected,
        person: None,
        count: None,
        n,
        minimum: min.chain,
        enough: reconnected_chain.is_some(),
        estimate: reconnected_chain.map(|s| s.estimate),
        interval: reconnected_chain.map(|s| s.interval),
        interval_before: reconnected_chain.and(chain.as_ref().map(|c| c.reconnected_observed)),
        flat: chain.as_ref().and_then(|c| c.flat).map(|f| f.p_reconnected),
        method,
    });
    // The expected length is withheld when even its interval cannot tell the estimate from half
    // or twice it (see [`length_too_wide`]).
    let length = chain
        .as_ref()
        .map(|c| c.prior.expected_length)
        .filter(|s| !length_too_wide(s));
    findings.push(Finding {
        kind: Kind::ChainLength,
        person: None,
        count: None,
        n,
        minimum: min.chain,
        enough: length.is_some(),
        estimate: length.map(|s| s.estimate),
        interval: length.map(|s| s.interval),
        interval_before: length.and(chain.as_ref().map(|c| c.length_observed)),
        flat: chain
            .as_ref()
            .and_then(|c| c.flat)
            .map(|f| f.expected_length),
        method: length_method,
    });

    // With and without a way of responding: description, never proof. A way may be marked on
    // any move, so a longer episode has more chances to carry one — and longer episodes also
    // end differently. The comparison is therefore made between episodes of the same length
    // (Mantel–Haenszel, strata of equal length, see [`length_stratum`]); the raw counts of each
    // group are shown beside it.
    let (with, without): (Vec<&Episode>, Vec<&Episode>) =
        finished.iter().partition(|e| segment::way_tried(e));
    let group = |g: &[&Episode], salt: u64| -> Group {
        let reconnected = g
            .iter()
            .filter(|e| e.end == EpisodeEnd::Reconnected)
            .count();
        let chain = (opts.extras && g.len() >= min.way_group)
            .then(|| {
                chain::posterior_episodes(
                    &g.iter()
                        .map(|e| Counts::of(std::iter::once(*e)))
                        .collect::<Vec<_>>(),
                    opts.prior,
                    opts.draws,
                    opts.seed ^ salt,
                )
            })
            .flatten()
            .map(|p| p.p_reconnected);
        Group {
            episodes: g.len(),
            reconnected,
            chain,
        }
    };
    let mut strata: std::collections::BTreeMap<usize, intervals::Stratum> =
        std::collections::BTreeMap::new();
    for e in &finished {
        let s = strata
            .entry(length_stratum(e.moves.len()))
            .or_insert(intervals::Stratum {
                k1: 0,
                n1: 0,
                k0: 0,
                n0: 0,
            });
        let r = usize::from(e.end == EpisodeEnd::Reconnected);
        if segment::way_tried(e) {
            s.n1 += 1;
            s.k1 += r;
        } else {
            s.n0 += 1;
            s.k0 += r;
        }
    }
    let strata: Vec<intervals::Stratum> = strata.into_values().collect();
    let informative = strata.iter().filter(|s| s.n1 > 0 && s.n0 > 0);
    let comparable_with: usize = informative.clone().map(|s| s.n1).sum();
    let comparable_without: usize = informative.map(|s| s.n0).sum();
    let way = WayComparison {
        with_way: group(&with, 1),
        without_way: group(&without, 2),
        comparable_with,
        comparable_without,
    };
    let way_enough = comparable_with >= min.way_group && comparable_without >= min.way_group;
    let diff = if way_enough {
        intervals::mantel_haenszel_difference(&strata).map(|(est, ci)| {
            // With a day-to-day memory, episodes close in time are alike: the comparison's
            // interval is stretched by the same design effect as the share that reconnected.
            if blocks.memory_days > 1 {
                let deff =
                    intervals::design_effect(reconnected.k, reconnected.n, &reconnected.blocks);
                let f = deff.sqrt() * reconnected.widening;
                (
                    est,
                    [
                        (est + f * (ci[0] - est)).max(-1.0),
                        (est + f * (ci[1] - est)).min(1.0),
                    ],
                )
            } else {
                (est, ci)
            }
        })
    } else {
        None
    };
    findings.push(Finding {
        kind: Kind::WayDifference,
        person: None,
        count: None,
        n,
        minimum: min.way_group,
        enough: diff.is_some(),
        estimate: diff.map(|d| d.0),
        interval: diff.map(|d| d.1),
        interval_before: None,
        flat: None,
        method: "difference of two proportions between episodes of the same length (Mantel-Haenszel weights; strata of equal numbers of moves, wider strata past eight moves); 95% interval from Sato's variance with half a success and half a failure added to each group of each stratum",
    });

    let enough = findings
        .iter()
        .any(|f| f.kind == Kind::Reconnected && f.enough);
    Report {
        view: opts.view,
        window,
        window_source,
        gap_hours: opts.gap,
        grouping,
        episodes: episodes.iter().map(|e| episode_view(e, viewer)).collect(),
        finished: n,
        unfinished: episodes.len() - n,
        enough,
        findings,
        chain,
        way,
        minimums: min,
        span_days: days,
        share_allowance: sc,
    }
}

/// The length stratum of an episode of `moves` moves for the way comparison: each length up
/// to eight moves on its own; longer episodes in strata whose lengths grow by a fifth from one
/// stratum to the next, where one more move changes the chance of a marked way little.
pub fn length_stratum(moves: usize) -> usize {
    if moves <= 8 {
        moves
    } else {
        8 + crate::cast::whole(((moves as f64 / 8.0).ln() / 1.2f64.ln()).ceil())
    }
}

/// Blocks of days for the intervals: episodes close in time share the same hard or easy
/// stretch, so they are not independent evidence. The log's span is cut into [`BLOCKS`] equal
/// blocks of time (none shorter than two days), and each episode belongs to the block of its first
/// move. Long blocks catch runs of hard days that last for weeks; a fixed number of blocks keeps
/// the variance between them estimable, and the intervals are widened by Student's t with
/// `G − 1` degrees of freedom for the `G` blocks that hold episodes (a variance estimated from
/// ten blocks is itself uncertain). With fewer than [`MIN_BLOCKS`] blocks (a log of a few days)
/// no variance between blocks can be estimated, and episodes are treated as independent.
///
/// **Distress that persists for weeks.** Ten blocks of a month-long log are three days each,
/// and a hard stretch that lasts weeks spans several of them, so their variance understates how
/// much the log could differ from the couple's long run (the calibration study's
/// `persistent_distress_0.95`: 73.5–90.5% coverage for the chain's length). So the log's own
/// day-to-day memory is measured first ([`memory_days`]: how many days apart the daily numbers
/// of moves stay correlated). When it is longer than a day, the blocks are made at least twice
/// that long, even if that leaves only two or three of them — and Student's t with so few
/// degrees of freedom widens the intervals a great deal: a log too short to hold several
/// independent stretches gives wide intervals, which is what it can honestly say. The way
/// comparison is widened by the same design effect. A log without such memory is cut as before.
#[derive(Debug, Clone)]
pub struct Blocks {
    of: Vec<usize>,
    count: usize,
    /// Blocks that hold at least one episode.
    pub used: usize,
    /// The log's day-to-day memory, in days ([`memory_days`]); 1 when none is seen.
    pub memory_days: usize,
}

/// The log's day-to-day memory, in days: the first lag at which the autocorrelation of the
/// daily number of moves falls below 2/√D (D days from the first move to the last; the usual
/// bound for a correlation that is not there), at most D/3. 1 when the log spans fewer than
/// [`MEMORY_MIN_DAYS`] days, more than [`MEMORY_MAX_DAYS`] days (times that are not hours of a
/// couple's life; a count per day could not be held), or its daily counts never vary. On hard
/// days people move and log more, so a hidden level of distress that lasts shows in these
/// counts.
pub fn memory_days(episodes: &[Episode]) -> usize {
    let times = || episodes.iter().flat_map(|e| e.moves.iter().map(|m| m.at));
    let t0 = times().fold(f64::INFINITY, f64::min);
    let t1 = times().fold(f64::NEG_INFINITY, f64::max);
    if !t0.is_finite() || !t1.is_finite() || t1 < t0 {
        return 1;
    }
    let first = (t0 / 24.0).floor();
    let span = (t1 / 24.0).floor() - first;
    if !(0.0..MEMORY_MAX_DAYS as f64).contains(&span) {
        return 1;
    }
    let days = crate::cast::whole(span) + 1; // 1..=MEMORY_MAX_DAYS, just checked
    if days < MEMORY_MIN_DAYS {
        return 1;
    }
    let mut count = vec![0.0f64; days];
    for t in times() {
        let d = crate::cast::whole((t / 24.0).floor() - first).min(days - 1);
        count[d] += 1.0;
    }
    let mean = count.iter().sum::<f64>() / days as f64;
    count.iter_mut().for_each(|c| *c -= mean);
    let cov = |k: usize| -> f64 {
        count[k..]
            .iter()
            .zip(&count)
            .map(|(a, b)| a * b)
            .sum::<f64>()
            / days as f64
    };
    let c0 = cov(0);
    if c0.is_nan() || c0 <= 0.0 {
        return 1;
    }
    let bound = 2.0 / (days as f64).sqrt();
    let most = days / 3;
    (1..=most)
        .find(|&k| cov(k) / c0 < bound)
        .unwrap_or(most + 1)
}

/// The shortest log (in days) whose day-to-day memory is measured.
pub const MEMORY_MIN_DAYS: usize = 14;
/// The longest log (in days) whose day-to-day memory is measured: a century.
pub const MEMORY_MAX_DAYS: usize = 36_525;
/// The fewest blocks used when the log has a day-to-day memory (below, the log is cut in two).
pub const MIN_PERSISTENT_BLOCKS: usize = 2;

/// Blocks the span of a log is cut into.
pub const BLOCKS: usize = 10;
/// The shortest block, in hours: two days (shorter blocks cannot hold a run of hard days, and
/// a log of under two weeks then has too few blocks and is read as independent episodes).
pub const MIN_BLOCK_HOURS: f64 = 48.0;
/// The fewest blocks holding episodes for the between-block variance to be used.
pub const MIN_BLOCKS: usize = 8;

impl Blocks {
    /// The block of each episode (in the order given).
    pub fn of(episodes: &[Episode]) -> Blocks {
        let starts: Vec<f64> = episodes
            .iter()
            .map(|e| e.moves.first().map(|m| m.at).unwrap_or(0.0))
            .collect();
        let t0 = starts.iter().copied().fold(f64::INFINITY, f64::min);
        let t1 = starts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = (t1 - t0).max(0.0);
        let memory_days = memory_days(episodes);
        let mut len = (span / BLOCKS as f64).max(MIN_BLOCK_HOURS);
        if memory_days > 1 {
            // Blocks at least twice the memory long, but never fewer than two.
            len = len
                .max(48.0 * memory_days as f64)
                .min((span / MIN_PERSISTENT_BLOCKS as f64).max(MIN_BLOCK_HOURS));
        }
        let of: Vec<usize> = starts
            .iter()
            .map(|&t| crate::cast::whole(((t - t0) / len).floor().max(0.0)).min(BLOCKS - 1))
            .collect();
        let count = of.iter().max().map_or(0, |m| m + 1);
        let mut seen = vec![false; count];
        for &b in &of {
            seen[b] = true;
        }
        let used = seen.iter().filter(|x| **x).count();
        Blocks {
            of,
            count,
            used,
            memory_days,
        }
    }

    /// The fewest blocks for the variance between them to be used: [`MIN_BLOCKS`], or
    /// [`MIN_PERSISTENT_BLOCKS`] when the log has a day-to-day memory (its blocks are long, few,
    /// and Student's t widens for how few they are).
    fn min_used(&self) -> usize {
        if self.memory_days > 1 {
            MIN_PERSISTENT_BLOCKS
        } else {
            MIN_BLOCKS
        }
    }

    /// True when the blocks are used (enough of them hold episodes).
    fn in_use(&self) -> bool {
        self.used >= self.min_used()
    }

    /// The factor by which intervals are widened for the uncertainty of a variance estimated
    /// from the blocks: `t_{G−1} / z` (1 with fewer than [`MIN_BLOCKS`] blocks, where the
    /// blocks are not used).
    pub fn widening(&self) -> f64 {
        if !self.in_use() {
            1.0
        } else {
            intervals::t975(self.used - 1) / intervals::Z95
        }
    }

    /// Per block, (successes, trials) of a yes/no question asked of each episode (None: the
    /// episode does not count).
    pub fn tally(&self, episodes: &[Episode], f: impl Fn(&Episode) -> Option<bool>) -> Tally {
        let mut per = vec![(0usize, 0usize); self.count];
        for (e, &b) in episodes.iter().zip(&self.of) {
            if let Some(yes) = f(e) {
                per[b].1 += 1;
                per[b].0 += usize::from(yes);
            }
        }
        Tally {
            k: per.iter().map(|p| p.0).sum(),
            n: per.iter().map(|p| p.1).sum(),
            blocks: if !self.in_use() { Vec::new() } else { per },
            widening: self.widening(),
        }
    }

    /// The chain's counts of each non-empty block (each episode on its own when the blocks are
    /// too few to use).
    pub fn counts(&self, episodes: &[Episode]) -> Vec<Counts> {
        if !self.in_use() {
            return episodes
                .iter()
                .map(|e| Counts::of(std::iter::once(e)))
                .collect();
        }
        let mut per: Vec<Vec<&Episode>> = vec![Vec::new(); self.count];
        for (e, &b) in episodes.iter().zip(&self.of) {
            per[b].push(e);
        }
        per.into_iter()
            .filter(|v| !v.is_empty())
            .map(Counts::of)
            .collect()
    }
}

/// A proportion with its per-block counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub k: usize,
    pub n: usize,
    /// Per block (successes, trials); empty when the blocks are too few to use.
    pub blocks: Vec<(usize, usize)>,
    /// See [`Blocks::widening`].
    pub widening: f64,
}

/// The largest day-to-day persistence of a hidden level of distress that the chain length's
/// interval is built to cover (a memory of about 20 days; the calibration study's worst cell).
pub const PERSISTENCE_COVERED: f64 = 0.95;

/// How far the log of an episode's mean length moves per standard deviation of that hidden
/// level, as the chain length's allowance assumes. Fitted in the calibration study
/// (`docs/analysis.md`, "Honest width for distress that lasts weeks"): the smallest value, in
/// steps of 0.05, at which the interval covers the truth in at least 95% of logs at
/// persistence 0.95 at every size the study runs.
pub const LENGTH_SENSITIVITY: f64 = 0.55;

/// The expected length's interval says nothing useful when it reaches below the estimate divided
/// by this and above the estimate times this: the log cannot tell whether episodes run a third
/// as long or three times as long, and the number is withheld ("not enough yet").
pub const LENGTH_TOO_WIDE: f64 = 3.0;

/// True when an expected length's interval is too wide to say anything ([`LENGTH_TOO_WIDE`]).
pub fn length_too_wide(s: &Summary) -> bool {
    s.interval[0] * LENGTH_TOO_WIDE < s.estimate && s.interval[1] > s.estimate * LENGTH_TOO_WIDE
}

/// Days from the first move of a log to its last, at least 1.
pub fn span_days(episodes: &[Episode]) -> f64 {
    let times = || episodes.iter().flat_map(|e| e.moves.iter().map(|m| m.at));
    let t0 = times().fold(f64::INFINITY, f64::min);
    let t1 = times().fold(f64::NEG_INFINITY, f64::max);
    if t0.is_finite() && t1.is_finite() && t1 > t0 {
        ((t1 - t0) / 24.0).max(1.0)
    } else {
        1.0
    }
}

/// The variance of the mean over `days` days of a stationary AR(1) series with unit variance
/// and persistence `phi`: `(1/D²) Σ_i Σ_j φ^|i−j|` = `(1/D)·[(1+φ)/(1−φ) − 2φ(1−φ^D)/(D(1−φ)²)]`
/// (1 for a single day; `(1+φ)/((1−φ)D)` for long logs). Real `D` interpolates.
pub fn mean_level_variance(days: f64, phi: f64) -> f64 {
    let d = days.max(1.0);
    if phi <= 0.0 {
        return 1.0 / d;
    }
    let phi = phi.min(0.999_999);
    let v = ((1.0 + phi) / (1.0 - phi)
        - 2.0 * phi * (1.0 - phi.powf(d)) / (d * (1.0 - phi) * (1.0 - phi)))
        / d;
    v.clamp(0.0, 1.0)
}

/// The chain length's allowance for stretches of days the log has not seen, as a half-width on
/// the log scale: `z · β · sd(mean level over the log's days)` at persistence
/// [`PERSISTENCE_COVERED`], with `β` the sensitivity ([`LENGTH_SENSITIVITY`] in the product).
///
/// Why: when hard and easy stretches last for weeks, a log of a month or two may hold mostly
/// one kind, and episodes run longer on hard stretches. No resampling of the log can see a
/// stretch it does not contain — a calm stretch of a persistent couple looks exactly like a log
/// of a couple without persistence — so the interval allows for it whatever the log shows. The
/// allowance shrinks as the log covers more days (the hidden level averages out), like the
/// standard error of a mean over days.
pub fn length_allowance(days: f64, sensitivity: f64) -> f64 {
    if sensitivity <= 0.0 {
        return 0.0;
    }
    intervals::Z95 * sensitivity * mean_level_variance(days, PERSISTENCE_COVERED).sqrt()
}

/// The expected length's interval widened by the allowance `c` on the log scale: each side's
/// half-width `h` (from the blocks) becomes `sqrt(h² + c²)` — the variation the log shows and
/// the variation of stretches it has not seen add — never below one move.
fn allow_for_unseen_stretches(mut p: Posterior, c: f64) -> Posterior {
    if c <= 0.0 {
        return p;
    }
    let s = &mut p.expected_length;
    let e = s.estimate;
    if !(e.is_finite() && e > 0.0) {
        return p;
    }
    let lo = (e / s.interval[0].max(f64::MIN_POSITIVE)).ln().max(0.0);
    let hi = (s.interval[1] / e).ln().max(0.0);
    s.interval = [
        (e * (-(lo * lo + c * c).sqrt()).exp()).max(1.0),
        e * (hi * hi + c * c).sqrt().exp(),
    ];
    p
}

/// How far a share's log-odds move per standard deviation of the hidden day-to-day level of
/// distress, as the shares' allowance assumes. Fitted in the calibration study
/// (`docs/analysis.md`, "Honest width for distress that lasts weeks: the shares"): the smallest
/// value, in steps of 0.05, at which every share the product shows covers the truth in at least
/// 95% of logs at persistence 0.95 at every size the study runs.
pub const SHARE_SENSITIVITY: f64 = 0.6;

/// A share is withheld ("not enough yet") when its interval reaches below this and above one
/// minus this together: it could be almost none or almost all.
pub const SHARE_TOO_WIDE: f64 = 0.05;

/// True when a share's interval is too wide to say anything ([`SHARE_TOO_WIDE`]).
pub fn share_too_wide(i: [f64; 2]) -> bool {
    i[0] < SHARE_TOO_WIDE && i[1] > 1.0 - SHARE_TOO_WIDE
}

/// The shares' allowance for stretches of days the log has not seen, as a half-width on the
/// log-odds scale: `z · γ · sd(mean level over the log's days)` at persistence
/// [`PERSISTENCE_COVERED`], with `γ` the sensitivity ([`SHARE_SENSITIVITY`] in the product) —
/// the chain length's allowance ([`length_allowance`]) with its own sensitivity. On hard days
/// more episodes are noted and they go differently, so a log that has seen mostly hard (or
/// mostly easy) stretches gives shares that lean their way, and no resampling of the log can
/// see the stretches it does not contain.
pub fn share_allowance(days: f64, sensitivity: f64) -> f64 {
    length_allowance(days, sensitivity)
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A share's interval `i` (for `k` of `n`) widened by the allowance `c` on the log-odds scale:
/// each side's half-width `h` about the estimate becomes `sqrt(h² + c²)`, never narrower than
/// `i`. An end at 0 or 1 stays there; when the estimate itself is 0 or 1 the other side is
/// widened about `(k + ½)/(n + 1)` (the log-odds of 0 or 1 are infinite).
pub fn share_interval_allowing(k: usize, n: usize, i: [f64; 2], c: f64) -> [f64; 2] {
    if c <= 0.0 || n == 0 {
        return i;
    }
    let centre = if k == 0 || k >= n {
        (k as f64 + 0.5) / (n as f64 + 1.0)
    } else {
        k as f64 / n as f64
    };
    widen_share(centre, i, c)
}

/// [`share_interval_allowing`] about a centre strictly between 0 and 1.
fn widen_share(centre: f64, i: [f64; 2], c: f64) -> [f64; 2] {
    if c <= 0.0 || !(centre > 0.0 && centre < 1.0) {
        return i;
    }
    let m = logit(centre);
    let lo = if i[0] <= 0.0 {
        0.0
    } else {
        let h = (m - logit(i[0])).max(0.0);
        expit(m - (h * h + c * c).sqrt()).min(i[0])
    };
    let hi = if i[1] >= 1.0 {
        1.0
    } else {
        let h = (logit(i[1]) - m).max(0.0);
        expit(m + (h * h + c * c).sqrt()).max(i[1])
    };
    [lo, hi]
}

/// The chain's P(ends reconnected) widened like the direct share (about its estimate).
fn allow_share_for_unseen_stretches(mut s: Summary, c: f64) -> Summary {
    let e = s.estimate.clamp(1e-9, 1.0 - 1e-9);
    s.interval = widen_share(e, s.interval, c);
    s
}

/// A posterior's intervals stretched about its estimate by `f` (see [`Blocks::widening`]),
/// within the range each quantity can take.
fn widen(mut p: Posterior, f: f64) -> Posterior {
    let stretch = |s: &mut Summary, lo: f64, hi: f64| {
        let e = s.estimate;
        s.interval = [
            (e + f * (s.interval[0] - e)).max(lo),
            (e + f * (s.interval[1] - e)).min(hi),
        ];
    };
    stretch(&mut p.p_reconnected, 0.0, 1.0);
    stretch(&mut p.expected_length, 1.0, f64::INFINITY);
    p
}

fn proportion(kind: Kind, person: Option<Person>, t: &Tally, minimum: usize, c: f64) -> Finding {
    let (k, n) = (t.k, t.n);
    let enough = n >= minimum && n > 0;
    let before = if enough {
        intervals::clustered_clopper_pearson(k, n, &t.blocks, t.widening)
    } else {
        None
    };
    let widened = before.map(|i| share_interval_allowing(k, n, i, c));
    // A share whose interval runs from almost none to almost all says nothing: withheld.
    let interval = widened.filter(|i| !share_too_wide(*i));
    Finding {
        kind,
        person,
        count: Some(k),
        n,
        minimum,
        enough: interval.is_some(),
        estimate: interval.map(|_| k as f64 / n as f64),
        interval,
        interval_before: interval.and(before),
        flat: None,
        method: "proportion; exact (Clopper-Pearson) 95% interval at the effective number of episodes when episodes close in time are alike (design effect of ten blocks of days, with Student's t for the number of blocks), then widened on the log-odds scale for stretches of days the log has not seen: half-widths sqrt(h^2 + c^2), c = 1.96 * 0.6 * sd of the mean over the log's days of a hidden daily level with persistence 0.95 (the widening is calibrated in the project's episode calibration study)",
    }
}

fn episode_view(e: &Episode, viewer: Option<Person>) -> EpisodeView {
    EpisodeView {
        label: e.label.clone(),
        start: e.moves.first().map(|m| m.at).unwrap_or(f64::NAN),
        started_by: e.started_by().unwrap_or(Person::A),
        sequence: e
            .moves
            .iter()
            .map(|m| Step {
                at: m.at,
                by: m.by,
                move_type: m.move_type,
                perceived: viewer.is_some_and(|v| m.by != v),
            })
            .collect(),
        end: e.end,
        by_repair: segment::by_repair(e),
        hours_to_reconnect: segment::time_to_reconnect(e),
        way_tried: segment::way_tried(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_spanning_more_than_a_century_reads_no_memory_instead_of_counting_every_day() {
        // Times are any finite number of hours: 10¹² hours is 4·10¹⁰ days, whose daily counts
        // once asked for 333 GB (an abort). Past a century no memory is read.
        let at = |t: f64, by| Move::new(t, by, MoveType::Reach);
        let mut moves: Vec<Move> = (0..40)
            .map(|d| at(f64::from(d) * 24.0, Person::A))
            .collect();
        moves.push(at(1e12, Person::B));
        let (eps, _) = segment::segment(&moves, 2.0, None);
        assert_eq!(memory_days(&eps), 1);
        assert_eq!(Blocks::of(&eps).memory_days, 1);
    }

    #[test]
    fn mean_level_variance_by_hand() {
        // One day: the level's own variance. Two days: (1 + φ)/2. No persistence: 1/D.
        assert!((mean_level_variance(1.0, 0.95) - 1.0).abs() < 1e-12);
        assert!((mean_level_variance(2.0, 0.95) - 1.95 / 2.0).abs() < 1e-12);
        assert!(
            (mean_level_variance(3.0, 0.5) - (3.0 + 4.0 * 0.5 + 2.0 * 0.25) / 9.0).abs() < 1e-12
        );
        assert!((mean_level_variance(40.0, 0.0) - 1.0 / 40.0).abs() < 1e-15);
        // Long logs: (1 + φ)/((1 − φ)D), to first order.
        let v = mean_level_variance(10_000.0, 0.95);
        assert!((v * 10_000.0 / 39.0 - 1.0).abs() < 0.01, "{v}");
        // Monotone: more days, a surer mean.
        let mut last = 1.0;
        for d in [1.0, 2.0, 7.0, 14.0, 28.0, 70.0, 140.0, 365.0] {
            let v = mean_level_variance(d, PERSISTENCE_COVERED);
            assert!(v <= last, "{d}: {v}");
            last = v;
        }
    }

    #[test]
    fn the_allowance_adds_in_quadrature_on_the_log_scale_and_shrinks_with_days() {
        let c = length_allowance(70.0, LENGTH_SENSITIVITY);
        let by_hand = intervals::Z95 * LENGTH_SENSITIVITY * mean_level_variance(70.0, 0.95).sqrt();
        assert!((c - by_hand).abs() < 1e-15);
        assert!(length_allowance(28.0, LENGTH_SENSITIVITY) > c);
        assert!(length_allowance(365.0, LENGTH_SENSITIVITY) < c);
        assert_eq!(length_allowance(70.0, 0.0), 0.0);
        // Estimate 3, blocks' interval [2.5, 3.6]: each side's log half-width h becomes
        // sqrt(h² + c²).
        let s = Summary {
            estimate: 3.0,
            interval: [2.5, 3.6],
        };
        let p = Posterior {
            prior: chain::PRIOR,
            p_reconnected: s,
            expected_length: s,
            draws: 1,
        };
        let w = allow_for_unseen_stretches(p, 0.3);
        let lo = (3.0f64 / 2.5).ln();
        let hi = (3.6f64 / 3.0).ln();
        assert!(
            (w.expected_length.interval[0] - 3.0 * (-(lo * lo + 0.09).sqrt()).exp()).abs() < 1e-12
        );
        assert!(
            (w.expected_length.interval[1] - 3.0 * (hi * hi + 0.09).sqrt().exp()).abs() < 1e-12
        );
        assert_eq!(w.expected_length.estimate, 3.0);
        // Only the length is widened; never below one move.
        assert_eq!(w.p_reconnected, s);
        let near_one = allow_for_unseen_stretches(
            Posterior {
                expected_length: Summary {
                    estimate: 1.1,
                    interval: [1.0, 1.3],
                },
                ..p
            },
            0.5,
        );
        assert_eq!(near_one.expected_length.interval[0], 1.0);
    }

    #[test]
    fn a_share_is_widened_in_quadrature_on_the_log_odds_scale() {
        let c = share_allowance(70.0, SHARE_SENSITIVITY);
        let by_hand = intervals::Z95 * SHARE_SENSITIVITY * mean_level_variance(70.0, 0.95).sqrt();
        assert!((c - by_hand).abs() < 1e-15);
        assert_eq!(share_allowance(70.0, 0.0), 0.0);
        // 9 of 12, Clopper-Pearson [0.4281, 0.9451]: each side's log-odds half-width h about
        // logit(0.75) = ln 3 becomes sqrt(h² + c²).
        let cp = intervals::clopper_pearson(9, 12).unwrap();
        let w = share_interval_allowing(9, 12, cp, 0.5);
        let l = |p: f64| (p / (1.0 - p)).ln();
        let m = 3f64.ln();
        let (h_lo, h_hi) = (m - l(cp[0]), l(cp[1]) - m);
        assert!((l(w[0]) - (m - (h_lo * h_lo + 0.25).sqrt())).abs() < 1e-12);
        assert!((l(w[1]) - (m + (h_hi * h_hi + 0.25).sqrt())).abs() < 1e-12);
        assert!(w[0] < cp[0] && w[1] > cp[1]);
        // No allowance: unchanged.
        assert_eq!(share_interval_allowing(9, 12, cp, 0.0), cp);
        // 0 of 10: the lower end stays at 0; the upper end is widened about 0.5/11.
        let cp0 = intervals::clopper_pearson(0, 10).unwrap();
        let w0 = share_interval_allowing(0, 10, cp0, 0.5);
        let m0 = l(0.5 / 11.0);
        let h = l(cp0[1]) - m0;
        assert_eq!(w0[0], 0.0);
        assert!((l(w0[1]) - (m0 + (h * h + 0.25).sqrt())).abs() < 1e-12);
        // 10 of 10: the upper end stays at 1.
        let cp1 = intervals::clopper_pearson(10, 10).unwrap();
        let w1 = share_interval_allowing(10, 10, cp1, 0.5);
        assert_eq!(w1[1], 1.0);
        assert!(w1[0] < cp1[0]);
        // The method says the sensitivity the product uses.
        let t = Tally {
            k: 9,
            n: 12,
            blocks: Vec::new(),
            widening: 1.0,
        };
        let f = proportion(Kind::Reconnected, None, &t, 10, c);
        assert!(
            f.method
                .contains(&format!("c = 1.96 * {SHARE_SENSITIVITY} * sd")),
            "{}",
            f.method
        );
        assert_eq!(f.interval_before, Some(cp));
        assert_eq!(f.interval, Some(share_interval_allowing(9, 12, cp, c)));
        // Too wide to say anything: from under 5% to over 95% together.
        assert!(share_too_wide([0.04, 0.96]));
        assert!(!share_too_wide([0.06, 0.96]));
        assert!(!share_too_wide([0.04, 0.94]));
    }

    #[test]
    fn the_sensitivity_a_share_needed_gives_back_an_interval_that_just_covers() {
        // A log of 40 days, 9 of 20 (0.45), blocks' interval [0.30, 0.61], truth 0.70: the
        // needed sensitivity, put back into the product's widening, puts the upper end on the
        // truth.
        let before = [0.30, 0.61];
        let g = calibration::share_sensitivity_needed(0.70, 0.45, before, 40.0);
        assert!(g > 0.0 && g.is_finite());
        let w = share_interval_allowing(9, 20, before, share_allowance(40.0, g));
        assert!((w[1] - 0.70).abs() < 1e-9, "{w:?}");
        // Below the interval, likewise; inside it, nothing is needed.
        let g = calibration::share_sensitivity_needed(0.20, 0.45, before, 40.0);
        let w = share_interval_allowing(9, 20, before, share_allowance(40.0, g));
        assert!((w[0] - 0.20).abs() < 1e-9, "{w:?}");
        assert_eq!(
            calibration::share_sensitivity_needed(0.5, 0.45, before, 40.0),
            0.0
        );
        assert!(calibration::share_sensitivity_needed(0.0, 0.45, before, 40.0).is_infinite());
    }

    #[test]
    fn a_length_that_cannot_be_told_from_a_third_or_three_times_is_withheld() {
        let s = |lo, hi| Summary {
            estimate: 4.0,
            interval: [lo, hi],
        };
        // Estimate 4: too wide below 4/3 and above 12 together.
        assert!(length_too_wide(&s(1.3, 12.1)));
        assert!(!length_too_wide(&s(1.4, 12.1)));
        assert!(!length_too_wide(&s(1.3, 11.9)));
        assert!(!length_too_wide(&s(2.0, 8.0)));
    }
}
