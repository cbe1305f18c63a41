//! The dance model's charts from its results: the timeline of a simulated couple, the phase
//! plane with its flow, and the map of a sweep. Captions come in from `closer-guide` (through
//! the safety policy); everything else is drawn here, so the command line and any other front
//! end draw the same charts.

use crate::{
    Arrow, COLOR_A, COLOR_B, HeatCell, HeatmapChart, Mark, Panel, PhaseChart, PhasePoint,
    ScaledPanel, Series,
};
use closer_domain::{MoveType, Person};
use closer_model::params::{Params, Who};
use closer_model::study::{OUTCOMES, SweepCell, SweepSpec, sweep_map};
use closer_model::{FixedPoint, Run, meanfield};

/// The top of the alarm scale, the same for every couple so that a calm couple looks calm.
pub const ALARM_TOP: f64 = 10.0;

/// Outcome colours, in the order of [`OUTCOMES`].
pub const OUTCOME_COLORS: [&str; 5] = ["#8cc084", "#f2c14e", "#d1495b", "#7d5ba6", "#9fb7c9"];

/// How many days one point of a timeline stands for: a day up to half a year, a week up to three
/// years, a month beyond, so a long run stays readable.
pub fn bin_days(days: usize) -> usize {
    match days {
        0..=180 => 1,
        181..=1095 => 7,
        _ => 30,
    }
}

fn bin_word(bin: usize) -> &'static str {
    match bin {
        1 => "day",
        7 => "week",
        _ => "month",
    }
}

/// The timeline of one run: highest alarm per day (or week, or month) on a fixed scale with the
/// flare level marked, hope, and reaching and withdrawing per day, each panel with A solid and B
/// dashed; marks where each way starts.
pub fn simulation(run: &Run, caption: &str, width: f64) -> String {
    let tr = &run.trace;
    let days = tr.daily.len();
    let bin = bin_days(days);
    let n_bins = days.div_ceil(bin).max(1);
    let mut alarm = [Vec::new(), Vec::new()];
    let mut hope = [Vec::new(), Vec::new()];
    let mut reach = [Vec::new(), Vec::new()];
    let mut withdraw = [Vec::new(), Vec::new()];
    let mut clipped = false;
    for b in 0..n_bins {
        let (d0, d1) = (b * bin, ((b + 1) * bin).min(days));
        let (h0, h1) = ((d0 * 24).min(tr.peak.len()), (d1 * 24).min(tr.peak.len()));
        let x = (d0 + d1) as f64 / 2.0;
        for p in Person::BOTH {
            let i = p.index();
            let top = tr.peak[h0..h1].iter().map(|v| v[i]).fold(0.0, f64::max);
            clipped |= top > ALARM_TOP;
            alarm[i].push((x, top));
            if let Some(h) = tr.hope.get(h1) {
                hope[i].push((d1 as f64, h[i]));
            }
            let per_day = |mt: MoveType| {
                tr.daily[d0..d1]
                    .iter()
                    .map(|d| f64::from(d[i][mt.index()]))
                    .sum::<f64>()
                    / (d1 - d0).max(1) as f64
            };
            reach[i].push((x, per_day(MoveType::Reach)));
            withdraw[i].push((x, per_day(MoveType::Withdraw)));
        }
    }
    let pair = |what: &str, v: &[Vec<(f64, f64)>; 2]| {
        vec![
            Series {
                label: format!("A {what}"),
                points: v[0].clone(),
                color: COLOR_A.into(),
                dashed: false,
            },
            Series {
                label: format!("B {what}"),
                points: v[1].clone(),
                color: COLOR_B.into(),
                dashed: true,
            },
        ]
    };
    let word = bin_word(bin);
    let per = if bin == 1 {
        "per day".to_string()
    } else {
        format!("per day, averaged over each {word}")
    };
    let alarm_title = if clipped {
        format!("alarm: highest in each {word} (above {ALARM_TOP} drawn at the top)")
    } else {
        format!("alarm: highest in each {word}")
    };
    let panels = vec![
        ScaledPanel {
            panel: Panel {
                title: alarm_title,
                series: pair("alarm", &alarm),
            },
            y_max: Some(ALARM_TOP),
            levels: vec![(run_flare(run), "flare level".into())],
        },
        ScaledPanel {
            panel: Panel {
                title: "hope (1 = full)".into(),
                series: pair("hope", &hope),
            },
            y_max: Some(1.0),
            levels: vec![],
        },
        ScaledPanel::from(Panel {
            title: format!("reaching out, {per}"),
            series: pair("reaching", &reach),
        }),
        ScaledPanel::from(Panel {
            title: format!("stepping back, {per}"),
            series: pair("stepping back", &withdraw),
        }),
    ];
    let marks: Vec<Mark> = tr
        .way_starts
        .iter()
        .map(|(t, w)| Mark {
            x: t / 24.0,
            label: format!(
                "{} by {}",
                w.way,
                match w.who {
                    Who::One(p) => p.to_string(),
                    Who::Both => "both".into(),
                }
            ),
        })
        .collect();
    crate::timeline_at(
        width,
        "The loop over time: A and B",
        "day",
        &panels,
        &marks,
        caption,
    )
}

fn run_flare(run: &Run) -> f64 {
    Params::from_profiles(run.a, run.b).shared.flare
}

/// The phase plane of a couple's model (hope held at `hope`): where each person's alarm stops
/// changing, every resting point, and grey arrows showing where both alarms head.
pub fn phase_portrait(
    params: &Params,
    hope: [f64; 2],
    fixed_points: &[FixedPoint],
    caption: &str,
    width: f64,
) -> String {
    let top = |i: usize| {
        fixed_points
            .iter()
            .map(|f| if i == 0 { f.a.alarm } else { f.b.alarm })
            .fold(0.0, f64::max)
    };
    let most = if width < 500.0 { 4 } else { 6 };
    let bounds = [
        crate::nice_axis((top(0) * 1.3).max(1.0), most).0,
        crate::nice_axis((top(1) * 1.3).max(1.0), most).0,
    ];
    let lines = meanfield::nullclines(params, hope, bounds, 160);
    let points: Vec<PhasePoint> = fixed_points
        .iter()
        .map(|f| PhasePoint {
            x: f.a.alarm,
            y: f.b.alarm,
            stable: f.stable,
        })
        .collect();
    let n = if width < 500.0 { 9 } else { 13 };
    let mut arrows = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let x = [
                bounds[0] * (i as f64 + 0.5) / n as f64,
                bounds[1] * (j as f64 + 0.5) / n as f64,
            ];
            let d = meanfield::alarm_field(params, hope, x);
            arrows.push(Arrow {
                x: x[0],
                y: x[1],
                dx: d[0],
                dy: d[1],
            });
        }
    }
    crate::phase_at(
        width,
        &PhaseChart {
            title: "Where the loop comes to rest: alarm of A and of B",
            axes: ("alarm of A", "alarm of B"),
            bounds,
            lines: [
                ("where A's alarm stops changing", &lines[0]),
                ("where B's alarm stops changing", &lines[1]),
            ],
            points: &points,
            arrows: &arrows,
            caption,
        },
    )
}

/// The map of a sweep: each position coloured by its most common outcome over every run there,
/// hatched where no outcome has a clear majority.
pub fn sweep_chart(spec: &SweepSpec, cells: &[SweepCell], caption: &str, width: f64) -> String {
    let tally = sweep_map(spec, cells);
    let grid: Vec<Vec<HeatCell>> = tally
        .iter()
        .map(|row| {
            row.iter()
                .map(|t| {
                    let share = closer_model::OutcomeShare::from_counts(t);
                    let (o, _) = share.top();
                    HeatCell {
                        category: closer_model::study::outcome_index(o),
                        clear: share.clear(),
                    }
                })
                .collect()
        })
        .collect();
    let names: Vec<String> = OUTCOMES.iter().map(|o| o.as_str().to_string()).collect();
    let categories: Vec<(&str, &str)> = names
        .iter()
        .zip(OUTCOME_COLORS)
        .map(|(n, c)| (n.as_str(), c))
        .collect();
    let unclear = "hatched: no clear majority (fewer than 3 in 4 runs agree)".to_string();
    crate::heatmap_at(
        width,
        &HeatmapChart {
            title: "How the loop goes across imagined couples",
            axes: ("A's anxiety (reaching)", "B's avoidance (stepping back)"),
            x_range: (1.0, 7.0),
            y_range: (1.0, 7.0),
            cells: &grid,
            categories: &categories,
            unclear_label: Some(&unclear),
            caption,
        },
    )
}
