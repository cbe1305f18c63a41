//! SVG charts, written by hand: three small chart kinds do not justify a plotting library's
//! compile time on a 2-core machine, and hand-written SVG is byte-for-byte reproducible.
//!
//! Every chart of the dance model shows both people, each labelled, and carries a caption; the
//! caption's words come from `closer-guide` (through the safety policy) and the chart adds the
//! fixed line [`ILLUSTRATION`] itself, so no chart can leave it out.
//!
//! Pure: data in, a `String` of SVG out.

use std::fmt::Write;

/// The line every chart carries.
pub const ILLUSTRATION: &str = "An illustration from a model of the loop: it shows directions, not a forecast about either person.";

/// Colours for person A and person B (distinguishable in greyscale by dash pattern too).
pub const COLOR_A: &str = "#1b6ca8";
pub const COLOR_B: &str = "#c8553d";

/// A line on a panel.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub color: String,
    pub dashed: bool,
}

/// One panel of a timeline: a title and its lines, sharing the x axis with the others.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
}

/// A vertical mark (for example where a way of responding starts).
#[derive(Debug, Clone)]
pub struct Mark {
    pub x: f64,
    pub label: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

fn header(w: f64, h: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n<text x=\"{}\" y=\"22\" font-size=\"16\" text-anchor=\"middle\">{}</text>\n",
        w / 2.0,
        esc(title)
    )
}

fn caption(out: &mut String, w: f64, y: f64, caption: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{y}\" text-anchor=\"middle\" font-style=\"italic\">{}</text>",
        w / 2.0,
        esc(caption)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-style=\"italic\">{}</text>",
        w / 2.0,
        y + 16.0,
        esc(ILLUSTRATION)
    );
}

/// A nice upper limit for an axis.
fn nice_max(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * p {
            return m * p;
        }
    }
    10.0 * p
}

struct Frame {
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    xmax: f64,
    ymax: f64,
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.x0 + self.w * (x / self.xmax).clamp(0.0, 1.0)
    }
    fn py(&self, y: f64) -> f64 {
        self.y0 + self.h - self.h * (y / self.ymax).clamp(0.0, 1.0)
    }
    fn axes(&self, out: &mut String, x_label: &str, y_label: &str) {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
            self.x0, self.y0, self.w, self.h
        );
        for k in 0..=4 {
            let fx = self.xmax * k as f64 / 4.0;
            let fy = self.ymax * k as f64 / 4.0;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
                self.px(fx),
                self.y0 + self.h + 14.0,
                num(fx)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{}</text>",
                self.x0 - 4.0,
                self.py(fy) + 3.0,
                num(fy)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            self.x0 + self.w / 2.0,
            self.y0 + self.h + 30.0,
            esc(x_label)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 {} {})\">{}</text>",
            self.x0 - 36.0,
            self.y0 + self.h / 2.0,
            self.x0 - 36.0,
            self.y0 + self.h / 2.0,
            esc(y_label)
        );
    }
}

fn polyline(out: &mut String, f: &Frame, s: &Series) {
    if s.points.is_empty() {
        return;
    }
    let pts: Vec<String> = s
        .points
        .iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|&(x, y)| format!("{:.1},{:.1}", f.px(x), f.py(y)))
        .collect();
    let dash = if s.dashed {
        " stroke-dasharray=\"6 3\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{dash} points=\"{}\"><title>{}</title></polyline>",
        esc(&s.color),
        pts.join(" "),
        esc(&s.label)
    );
}

fn legend(out: &mut String, x: f64, y: f64, series: &[Series]) {
    for (k, s) in series.iter().enumerate() {
        let yy = y + 14.0 * k as f64;
        let dash = if s.dashed {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\" stroke=\"{}\" stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            x + 18.0,
            esc(&s.color),
            x + 22.0,
            yy + 4.0,
            esc(&s.label)
        );
    }
}

/// Panels stacked over a shared x axis (for example days), with vertical marks.
pub fn timeline(title: &str, x_label: &str, panels: &[Panel], marks: &[Mark], cap: &str) -> String {
    let (w, ph) = (900.0, 170.0);
    let h = 50.0 + panels.len() as f64 * (ph + 45.0) + 50.0;
    let xmax = panels
        .iter()
        .flat_map(|p| p.series.iter())
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut out = header(w, h, title);
    for (k, p) in panels.iter().enumerate() {
        let ymax = nice_max(
            p.series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.1))
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max),
        );
        let f = Frame {
            x0: 70.0,
            y0: 50.0 + k as f64 * (ph + 45.0),
            w: 620.0,
            h: ph,
            xmax,
            ymax,
        };
        f.axes(
            &mut out,
            if k + 1 == panels.len() { x_label } else { "" },
            &p.title,
        );
        for m in marks {
            let x = f.px(m.x);
            let _ = writeln!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#555\" stroke-dasharray=\"2 3\"/>",
                f.y0,
                f.y0 + f.h
            );
            if k == 0 {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\">{}</text>",
                    x + 2.0,
                    f.y0 + 10.0,
                    esc(&m.label)
                );
            }
        }
        for s in &p.series {
            polyline(&mut out, &f, s);
        }
        legend(&mut out, 705.0, f.y0 + 10.0, &p.series);
    }
    caption(&mut out, w, h - 36.0, cap);
    out.push_str("</svg>\n");
    out
}

/// A point in the phase plane; filled when stable.
#[derive(Debug, Clone, Copy)]
pub struct PhasePoint {
    pub x: f64,
    pub y: f64,
    pub stable: bool,
}

/// The phase plane: alarm of A (x) against alarm of B (y), both nullclines and fixed points.
pub fn phase(
    title: &str,
    axes: (&str, &str),
    bounds: [f64; 2],
    nullclines: [(&str, &[[[f64; 2]; 2]]); 2],
    points: &[PhasePoint],
    cap: &str,
) -> String {
    let (w, h) = (760.0, 640.0);
    let mut out = header(w, h, title);
    let f = Frame {
        x0: 70.0,
        y0: 45.0,
        w: 500.0,
        h: 500.0,
        xmax: bounds[0].max(1e-9),
        ymax: bounds[1].max(1e-9),
    };
    f.axes(&mut out, axes.0, axes.1);
    let colors = [COLOR_A, COLOR_B];
    let mut legend_series = Vec::new();
    for (k, (label, segs)) in nullclines.iter().enumerate() {
        let mut d = String::new();
        for s in segs.iter() {
            let _ = write!(
                d,
                "M{:.1},{:.1}L{:.1},{:.1}",
                f.px(s[0][0]),
                f.py(s[0][1]),
                f.px(s[1][0]),
                f.py(s[1][1])
            );
        }
        let dash = if k == 1 {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{dash}><title>{}</title></path>",
            colors[k],
            esc(label)
        );
        legend_series.push(Series {
            label: label.to_string(),
            points: vec![],
            color: colors[k].to_string(),
            dashed: k == 1,
        });
    }
    for p in points {
        let fill = if p.stable { "#222" } else { "white" };
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"{fill}\" stroke=\"#222\" stroke-width=\"1.5\"><title>{} resting point: A {:.3}, B {:.3}</title></circle>",
            f.px(p.x),
            f.py(p.y),
            if p.stable { "stable" } else { "unstable" },
            p.x,
            p.y
        );
    }
    legend(&mut out, 585.0, 60.0, &legend_series);
    let _ = writeln!(
        out,
        "<circle cx=\"594\" cy=\"100\" r=\"5\" fill=\"#222\"/><text x=\"607\" y=\"104\" font-size=\"11\">stable resting point</text>\n<circle cx=\"594\" cy=\"118\" r=\"5\" fill=\"white\" stroke=\"#222\"/><text x=\"607\" y=\"122\" font-size=\"11\">unstable resting point</text>"
    );
    caption(&mut out, w, h - 36.0, cap);
    out.push_str("</svg>\n");
    out
}

/// A heatmap of categories over a grid: `cells[row][col]` indexes `categories` (name, colour);
/// rows go up the y axis, columns along the x axis.
pub fn heatmap(
    title: &str,
    axes: (&str, &str),
    x_range: (f64, f64),
    y_range: (f64, f64),
    cells: &[Vec<usize>],
    categories: &[(&str, &str)],
    cap: &str,
) -> String {
    let (w, h) = (760.0, 640.0);
    let mut out = header(w, h, title);
    let (x0, y0, size) = (70.0, 45.0, 500.0);
    let rows = cells.len().max(1);
    for (r, row) in cells.iter().enumerate() {
        let cols = row.len().max(1);
        let (cw, ch) = (size / cols as f64, size / rows as f64);
        for (c, &cat) in row.iter().enumerate() {
            let color = categories.get(cat).map_or("#ccc", |c| c.1);
            let name = categories.get(cat).map_or("?", |c| c.0);
            let _ = writeln!(
                out,
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{color}\"><title>{name}</title></rect>",
                x0 + c as f64 * cw,
                y0 + size - (r + 1) as f64 * ch,
                cw + 0.3,
                ch + 0.3
            );
        }
    }
    let _ = writeln!(
        out,
        "<rect x=\"{x0}\" y=\"{y0}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#888\"/>"
    );
    for k in 0..=4 {
        let fx = x_range.0 + (x_range.1 - x_range.0) * k as f64 / 4.0;
        let fy = y_range.0 + (y_range.1 - y_range.0) * k as f64 / 4.0;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\n<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{}</text>",
            x0 + size * k as f64 / 4.0,
            y0 + size + 14.0,
            num(fx),
            x0 - 4.0,
            y0 + size - size * k as f64 / 4.0 + 3.0,
            num(fy)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 {} {})\">{}</text>",
        x0 + size / 2.0,
        y0 + size + 30.0,
        esc(axes.0),
        x0 - 36.0,
        y0 + size / 2.0,
        x0 - 36.0,
        y0 + size / 2.0,
        esc(axes.1)
    );
    for (k, (name, color)) in categories.iter().enumerate() {
        let y = 60.0 + 18.0 * k as f64;
        let _ = writeln!(
            out,
            "<rect x=\"585\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"603\" y=\"{}\" font-size=\"11\">{}</text>",
            y - 9.0,
            y + 1.0,
            esc(name)
        );
    }
    caption(&mut out, w, h - 36.0, cap);
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(label: &str, color: &str) -> Series {
        Series {
            label: label.into(),
            points: vec![(0.0, 0.0), (1.0, 2.0)],
            color: color.into(),
            dashed: false,
        }
    }

    #[test]
    fn timeline_shows_both_people_and_the_illustration_line() {
        let svg = timeline(
            "t",
            "day",
            &[Panel {
                title: "alarm".into(),
                series: vec![s("A alarm", COLOR_A), s("B alarm", COLOR_B)],
            }],
            &[Mark {
                x: 0.5,
                label: "pause by A".into(),
            }],
            "cap <&>",
        );
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("A alarm") && svg.contains("B alarm"));
        assert!(svg.contains(ILLUSTRATION));
        assert!(svg.contains("cap &lt;&amp;&gt;"));
        assert!(svg.contains("pause by A"));
    }

    #[test]
    fn phase_and_heatmap_render() {
        let seg = [[[0.0, 0.0], [1.0, 1.0]]];
        let svg = phase(
            "p",
            ("alarm of A", "alarm of B"),
            [2.0, 2.0],
            [("A's alarm at rest", &seg), ("B's alarm at rest", &seg)],
            &[PhasePoint {
                x: 1.0,
                y: 1.0,
                stable: true,
            }],
            "c",
        );
        assert!(svg.contains("alarm of A") && svg.contains("alarm of B"));
        assert!(svg.contains("stable resting point: A 1.000"));
        let svg = heatmap(
            "h",
            ("x", "y"),
            (1.0, 7.0),
            (1.0, 7.0),
            &[vec![0, 1], vec![1, 0]],
            &[("settles", "#aaa"), ("recurs", "#bbb")],
            "c",
        );
        assert_eq!(svg.matches("<title>settles</title>").count(), 2);
        assert!(svg.contains(ILLUSTRATION));
    }
}
