//! Charts of a person's own record, with their text alternatives (`closer report`, and "my
//! patterns" in the browser). Pure: records in, SVG from `closer-chart` and `Said` words out.
//!
//! Honest like the findings: below a chart's minimum there is no chart, only a sentence saying
//! the entries are not enough yet, with the count and the minimum. The model's line that every
//! `closer-chart` chart carries is replaced by the record's own line (these are a person's own
//! records, not a model).

use crate::narrate_patterns::PatternsOut;
use closer_analyze::episodes::MINIMUMS;
use closer_chart::{COLOR_A, COLOR_B, Panel, ScaledPanel, Series};
use closer_safety::{Context, Draft, Policy, Said, Topic};

/// Check-ins needed before their chart is drawn (a line needs a few points to say anything).
pub const CHECKINS_MINIMUM: usize = 3;

/// A chart, or the sentence saying why there is none yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The SVG (inline-ready, `role="img"`), when there are enough records.
    pub svg: Option<String>,
    /// The text alternative of the chart, or the "not enough yet" sentence.
    pub text: Said,
}

/// One check-in: its time (seconds since 1970) and its three ratings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckinPoint {
    pub at: i64,
    pub closeness: Option<u8>,
    pub distress: Option<u8>,
    pub safety: Option<u8>,
}

fn word(key: &str) -> String {
    crate::journal::text(key)
}

fn review(key: &str, text: String) -> Said {
    let p = Policy::new(Context::ordinary());
    p.review(Draft::new(Topic::DataNarration, key, "", &text))
        .unwrap_or_else(|_| crate::journal::say(key))
}

fn fill(key: &str, pairs: &[(&str, String)]) -> Said {
    let mut t = word(key);
    for (k, v) in pairs {
        t = t.replace(&format!("{{{k}}}"), v);
    }
    review(key, t)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart's SVG marked as an image described by `alt` (its line under the caption is the
/// record's own, given to `record_timeline_at`).
fn own(svg: String, alt: &Said) -> String {
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(alt.text())),
        1,
    )
}

/// My check-ins over time, as `closer report` draws them, laid out for `width` pixels.
pub fn checkins(points: &[CheckinPoint], width: f64) -> Chart {
    let n = points.len();
    if n < CHECKINS_MINIMUM {
        return Chart {
            svg: None,
            text: fill(
                "chart.not-enough-checkins",
                &[("n", n.to_string()), ("min", CHECKINS_MINIMUM.to_string())],
            ),
        };
    }
    let t0 = points.iter().map(|p| p.at).min().unwrap_or(0);
    let t1 = points.iter().map(|p| p.at).max().unwrap_or(0);
    let series = |key: &str, f: &dyn Fn(&CheckinPoint) -> Option<u8>, color: &str| Panel {
        title: word(key),
        series: vec![Series {
            label: word(key),
            points: points
                .iter()
                .filter_map(|c| f(c).map(|v| ((c.at - t0) as f64 / 86_400.0, f64::from(v))))
                .collect(),
            color: color.to_string(),
            dashed: false,
        }],
    };
    let panels: Vec<ScaledPanel> = vec![
        series("report.checkin-closeness", &|c| c.closeness, COLOR_A),
        series("report.checkin-distress", &|c| c.distress, COLOR_B),
        series("report.checkin-safety", &|c| c.safety, "#2e7d32"),
    ]
    .into_iter()
    .map(ScaledPanel::from)
    .collect();
    let alt = fill(
        "chart.checkins-alt",
        &[
            ("n", n.to_string()),
            (
                "days",
                format!("{:.0}", ((t1 - t0) as f64 / 86_400.0).ceil()),
            ),
        ],
    );
    let svg = closer_chart::record_timeline_at(
        width,
        &word("report.checkins"),
        &word("report.days"),
        &panels,
        &[],
        &word("report.chart-line"),
        &word("report.record-line"),
    );
    Chart {
        svg: Some(own(svg, &alt)),
        text: alt,
    }
}

/// How long my episodes took to end reconnected, one point per such episode by the day it
/// began; drawn only from the median finding's minimum of reconnected episodes on (the same
/// minimum under which `closer patterns` gives no number).
pub fn reconnect_times(out: &PatternsOut, width: f64) -> Chart {
    let mut pts: Vec<(f64, f64)> = out
        .episode_list
        .iter()
        .filter_map(|e| e.hours_to_reconnect.map(|h| (e.start, h)))
        .collect();
    let min = MINIMUMS.median;
    if pts.len() < min {
        return Chart {
            svg: None,
            text: fill(
                "chart.not-enough-episodes",
                &[("n", pts.len().to_string()), ("min", min.to_string())],
            ),
        };
    }
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let h0 = pts[0].0;
    let points: Vec<(f64, f64)> = pts.iter().map(|(s, h)| ((s - h0) / 24.0, *h)).collect();
    let longest = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let alt = fill(
        "chart.reconnect-alt",
        &[
            ("n", points.len().to_string()),
            (
                "days",
                format!("{:.0}", points.last().map_or(0.0, |p| p.0).ceil()),
            ),
            ("longest", format!("{longest:.1}")),
        ],
    );
    let panel = ScaledPanel::from(Panel {
        title: word("chart.reconnect-title"),
        series: vec![Series {
            label: word("chart.reconnect-series"),
            points,
            color: COLOR_A.to_string(),
            dashed: false,
        }],
    });
    let svg = closer_chart::record_timeline_at(
        width,
        &word("chart.reconnect-title"),
        &word("chart.reconnect-days"),
        &[panel],
        &[],
        &word("chart.reconnect-line"),
        &word("report.record-line"),
    );
    Chart {
        svg: Some(own(svg, &alt)),
        text: alt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(day: i64, v: u8) -> CheckinPoint {
        CheckinPoint {
            at: 1_700_000_000 + day * 86_400,
            closeness: Some(v),
            distress: Some(10 - v),
            safety: None,
        }
    }

    #[test]
    fn below_the_minimum_there_is_no_chart_only_the_count_and_the_minimum() {
        let c = checkins(&[pt(0, 3), pt(1, 4)], closer_chart::PHONE);
        assert!(c.svg.is_none());
        assert!(
            c.text.text().contains('2') && c.text.text().contains('3'),
            "{}",
            c.text.text()
        );
    }

    #[test]
    fn a_checkin_chart_is_the_record_s_own_and_described() {
        let c = checkins(&[pt(0, 3), pt(1, 4), pt(5, 6)], closer_chart::DESKTOP);
        let svg = c.svg.unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\""));
        // The model's line is wrapped over several <text> lines, so look for its words, not
        // the whole sentence (a whole-sentence check passed while the line was still drawn).
        assert!(
            !svg.to_lowercase().contains("illustration") && !svg.contains("from a model"),
            "no model line on a record"
        );
        assert!(svg.contains(&esc(&word("report.record-line"))));
        assert!(
            c.text.text().contains('3') && c.text.text().contains('5'),
            "{}",
            c.text.text()
        );
        assert!(
            !svg.contains(" style=\""),
            "presentation attributes only (CSP)"
        );
    }
}
