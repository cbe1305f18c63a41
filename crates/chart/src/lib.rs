//! SVG charts, written by hand: three small chart kinds do not justify a plotting library's
//! compile time on a 2-core machine, and hand-written SVG is byte-for-byte reproducible.
//!
//! Every chart of the dance model shows both people, each labelled, and carries a caption; the
//! caption's words come from `closer-guide` (through the safety policy) and the chart adds the
//! fixed line [`ILLUSTRATION`] itself, so no chart can leave it out.
//!
//! Readable at phone and desktop size: every chart is laid out for a width ([`DESKTOP`] by
//! default, [`PHONE`] for a narrow screen, through the `*_at` functions); captions and legends
//! wrap to that width, and a test checks that no text runs past the canvas. One meaning per line
//! style in every chart: colour and a solid line are person A, a dashed line is person B.
//!
//! Pure: data in, a `String` of SVG out. [`dance`] turns the model's results into these charts.

use std::fmt::Write;

pub mod dance;

/// The line every chart carries.
pub const ILLUSTRATION: &str = "An illustration from a model of the loop: it shows directions, not a forecast about either person.";

/// Colours for person A and person B; B's lines are also dashed, so they differ in greyscale.
pub const COLOR_A: &str = "#1b6ca8";
pub const COLOR_B: &str = "#c8553d";

/// The width a chart is laid out for by default (a desktop browser or a printed page).
pub const DESKTOP: f64 = 760.0;
/// A phone's width in CSS pixels: charts laid out for it keep their text at full size.
pub const PHONE: f64 = 380.0;

/// Font sizes.
const TITLE: f64 = 16.0;
const LABEL: f64 = 13.0;
const TICK: f64 = 11.0;
const SMALL: f64 = 12.0;

/// The width of a text in pixels, estimated on the safe side for a sans-serif font (most
/// glyphs are narrower than 0.6 em; capitals and `m`/`w` are wider, so long all-capital text is
/// avoided).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// Greedy word wrap of `s` into lines at most `width` pixels wide at font `size`.
pub fn wrap(s: &str, size: f64, width: f64) -> Vec<String> {
    // A float-to-integer `as` saturates (a negative width or NaN gives 0, then 8), and a line of
    // pixels holds far fewer than `usize::MAX` characters.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "saturating cast of a small pixel count, floored at 8"
    )]
    let max = ((width / (size * 0.6)).floor() as usize).max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_string();
        // A single word longer than the line is cut (never happens with our words).
        while word.chars().count() > max {
            let head: String = word.chars().take(max).collect();
            let tail: String = word.chars().skip(max).collect();
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            lines.push(head);
            word = tail;
        }
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > max && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A line on a panel. `dashed` is person B's line style (see the crate docs).
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

/// A panel with a fixed vertical scale and optional level lines (for example the flare level).
#[derive(Debug, Clone)]
pub struct ScaledPanel {
    pub panel: Panel,
    /// The top of the vertical scale; `None` picks a nice top from the data.
    pub y_max: Option<f64>,
    /// Horizontal lines across the panel: (value, label).
    pub levels: Vec<(f64, String)>,
}

impl From<Panel> for ScaledPanel {
    fn from(panel: Panel) -> Self {
        ScaledPanel {
            panel,
            y_max: None,
            levels: Vec::new(),
        }
    }
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

/// A tick label: no more decimals than the step needs.
fn num(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    if r == r.trunc() {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "r is a whole number; `as` saturates beyond ±2⁶³, far past any axis tick"
        )]
        let whole = r as i64;
        format!("{whole}")
    } else {
        let s = format!("{r:.3}");
        s.trim_end_matches('0').to_string()
    }
}

/// A nice step (1, 2 or 5 × 10^k) that splits `0..max` into at most `most` intervals.
pub fn nice_step(max: f64, most: usize) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / most.max(1) as f64;
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

/// The ticks of a nice axis from 0 covering `max`: (top, step).
pub fn nice_axis(max: f64, most: usize) -> (f64, f64) {
    let step = nice_step(max, most);
    let top = (max / step - 1e-9).ceil().max(1.0) * step;
    (top, step)
}

/// An SVG under construction.
struct Svg {
    out: String,
    w: f64,
    /// The line under every caption saying where the picture comes from: [`ILLUSTRATION`] for
    /// the model's charts; a person's own records carry their own line instead.
    provenance: String,
}

impl Svg {
    fn new(w: f64) -> Svg {
        Svg {
            out: String::new(),
            w,
            provenance: ILLUSTRATION.to_string(),
        }
    }

    fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, extra: &str, s: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
            esc(s)
        );
    }

    /// Centred, wrapped lines from `y`; returns the y after the last line.
    fn centred(&mut self, y: f64, size: f64, extra: &str, s: &str) -> f64 {
        let mut y = y;
        for line in wrap(s, size, self.w - 24.0) {
            self.text(self.w / 2.0, y, size, "middle", extra, &line);
            y += size * 1.35;
        }
        y
    }

    fn finish(self, h: f64, title: &str) -> String {
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h:.0}\" viewBox=\"0 0 {w} {h:.0}\" font-family=\"sans-serif\">\n<title>{}</title>\n<desc>{}</desc>\n<rect width=\"{w}\" height=\"{h:.0}\" fill=\"white\"/>\n",
            esc(title),
            esc(&self.provenance),
            w = self.w
        );
        s.push_str(&self.out);
        s.push_str("</svg>\n");
        s
    }
}

/// Wrapped title lines at the top; returns the y below them.
fn title_block(svg: &mut Svg, title: &str) -> f64 {
    svg.centred(24.0, TITLE, "", title) + 4.0
}

/// The caption and the illustration line at `y`; returns the y below them.
fn caption_block(svg: &mut Svg, y: f64, cap: &str) -> f64 {
    let y = svg.centred(y, SMALL, " font-style=\"italic\"", cap);
    let line = svg.provenance.clone();
    svg.centred(y + 2.0, SMALL, " font-style=\"italic\"", &line) + 4.0
}

/// Height the caption block will take.
fn caption_height(svg: &Svg, cap: &str) -> f64 {
    let w = svg.w;
    let lines = wrap(cap, SMALL, w - 24.0).len() + wrap(&svg.provenance, SMALL, w - 24.0).len();
    lines as f64 * SMALL * 1.35 + 10.0
}

/// A legend entry: a line style or a swatch, and a label.
#[derive(Debug, Clone)]
enum Key {
    Line { color: String, dashed: bool },
    Swatch { color: String, hatched: bool },
    Dot { filled: bool },
}

/// Legend entries flowed left to right, wrapping at the canvas width; returns the y below.
fn legend_flow(svg: &mut Svg, x0: f64, y: f64, entries: &[(Key, String)]) -> f64 {
    let right = svg.w - 10.0;
    let (mut x, mut y) = (x0, y);
    // Extra height the current row needs for a label wrapped onto several lines.
    let mut row_extra = 0.0f64;
    for (key, label) in entries {
        let lines = wrap(label, SMALL, right - x0 - 40.0);
        let widest = lines
            .iter()
            .map(|l| text_width(l, SMALL))
            .fold(0.0, f64::max);
        let item = 26.0 + widest + 14.0;
        if x + item > right && x > x0 {
            x = x0;
            y += SMALL * 1.5 + row_extra;
            row_extra = 0.0;
        }
        row_extra = row_extra.max((lines.len().max(1) - 1) as f64 * SMALL * 1.3);
        match key {
            Key::Line { color, dashed } => {
                let dash = if *dashed { DASH } else { "" };
                let _ = writeln!(
                    svg.out,
                    "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"2.5\"{dash}/>",
                    y - 4.0,
                    x + 20.0,
                    y - 4.0,
                    esc(color)
                );
            }
            Key::Swatch { color, hatched } => {
                let _ = writeln!(
                    svg.out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"18\" height=\"12\" fill=\"{}\" stroke=\"#666\" stroke-width=\"0.5\"/>",
                    y - 10.0,
                    esc(color)
                );
                if *hatched {
                    let _ = writeln!(
                        svg.out,
                        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"18\" height=\"12\" fill=\"url(#mixed)\"/>",
                        y - 10.0
                    );
                }
            }
            Key::Dot { filled } => {
                let fill = if *filled { "#222" } else { "white" };
                let _ = writeln!(
                    svg.out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{fill}\" stroke=\"#222\" stroke-width=\"1.5\"/>",
                    x + 10.0,
                    y - 4.0
                );
            }
        }
        for (m, line) in lines.iter().enumerate() {
            svg.text(
                x + 26.0,
                y + m as f64 * SMALL * 1.3,
                SMALL,
                "start",
                "",
                line,
            );
        }
        x += item;
    }
    y + row_extra + SMALL * 0.6
}

const DASH: &str = " stroke-dasharray=\"7 4\"";

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

    /// The frame, nice ticks every `xstep`/`ystep` and the axis labels (x label under the ticks,
    /// y label above the frame, left-aligned, so that it never runs off a narrow canvas).
    fn axes(&self, svg: &mut Svg, xstep: f64, ystep: f64, x_label: &str, y_label: &str) {
        let _ = writeln!(
            svg.out,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
            self.x0, self.y0, self.w, self.h
        );
        let mut k = 0.0;
        while k * xstep <= self.xmax + 1e-9 {
            let fx = k * xstep;
            let px = self.px(fx);
            let _ = writeln!(
                svg.out,
                "<line x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#888\"/>",
                self.y0 + self.h,
                self.y0 + self.h + 4.0
            );
            svg.text(px, self.y0 + self.h + 16.0, TICK, "middle", "", &num(fx));
            k += 1.0;
        }
        let mut k = 0.0;
        while k * ystep <= self.ymax + 1e-9 {
            let fy = k * ystep;
            let py = self.py(fy);
            let _ = writeln!(
                svg.out,
                "<line x1=\"{:.1}\" y1=\"{py:.1}\" x2=\"{:.1}\" y2=\"{py:.1}\" stroke=\"#eee\"/>",
                self.x0 + 1.0,
                self.x0 + self.w - 1.0
            );
            svg.text(self.x0 - 5.0, py + 4.0, TICK, "end", "", &num(fy));
            k += 1.0;
        }
        if !x_label.is_empty() {
            svg.text(
                self.x0 + self.w / 2.0,
                self.y0 + self.h + 32.0,
                LABEL,
                "middle",
                "",
                x_label,
            );
        }
        if !y_label.is_empty() {
            svg.text(self.x0 - 30.0, self.y0 - 8.0, LABEL, "start", "", y_label);
        }
    }
}

fn polyline(out: &mut String, f: &Frame, s: &Series) {
    let pts: Vec<String> = s
        .points
        .iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|&(x, y)| format!("{:.1},{:.1}", f.px(x), f.py(y)))
        .collect();
    if pts.is_empty() {
        return;
    }
    let dash = if s.dashed { DASH } else { "" };
    let _ = writeln!(
        out,
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" stroke-linejoin=\"round\"{dash} points=\"{}\"><title>{}</title></polyline>",
        esc(&s.color),
        pts.join(" "),
        esc(&s.label)
    );
}

/// Way labels above the first panel, in as many rows as they need so that none overprints
/// another: (x, row) per mark, in the order given.
fn mark_rows(marks: &[Mark], f: &Frame, right: f64) -> Vec<(f64, usize)> {
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by(|a, b| marks[*a].x.total_cmp(&marks[*b].x));
    let mut row_end: Vec<f64> = Vec::new();
    let mut out = vec![(0.0, 0); marks.len()];
    for i in order {
        let w = text_width(&marks[i].label, TICK);
        // Keep the label on the canvas: start at the mark, or end at the right edge.
        let x = f.px(marks[i].x).min(right - w).max(2.0);
        let row = row_end
            .iter()
            .position(|e| *e + 6.0 <= x)
            .unwrap_or(row_end.len());
        if row == row_end.len() {
            row_end.push(x + w);
        } else {
            row_end[row] = x + w;
        }
        out[i] = (x, row);
    }
    out
}

/// Panels stacked over a shared x axis (for example days), with vertical marks, at [`DESKTOP`].
pub fn timeline(title: &str, x_label: &str, panels: &[Panel], marks: &[Mark], cap: &str) -> String {
    let scaled: Vec<ScaledPanel> = panels.iter().cloned().map(ScaledPanel::from).collect();
    timeline_at(DESKTOP, title, x_label, &scaled, marks, cap)
}

/// Panels stacked over a shared x axis, laid out for `width` pixels. Each panel's legend sits
/// under it and wraps; way labels take as many rows as they need above the first panel.
pub fn timeline_at(
    width: f64,
    title: &str,
    x_label: &str,
    panels: &[ScaledPanel],
    marks: &[Mark],
    cap: &str,
) -> String {
    timeline_with(width, title, x_label, panels, marks, cap, ILLUSTRATION)
}

/// As [`timeline_at`], for a person's own records: `provenance` replaces the model's line
/// (these charts draw what someone recorded, not a model, so "an illustration from a model"
/// would be untrue under them).
pub fn record_timeline_at(
    width: f64,
    title: &str,
    x_label: &str,
    panels: &[ScaledPanel],
    marks: &[Mark],
    cap: &str,
    provenance: &str,
) -> String {
    timeline_with(width, title, x_label, panels, marks, cap, provenance)
}

fn timeline_with(
    width: f64,
    title: &str,
    x_label: &str,
    panels: &[ScaledPanel],
    marks: &[Mark],
    cap: &str,
    provenance: &str,
) -> String {
    let w = width.max(300.0);
    let mut svg = Svg::new(w);
    svg.provenance = provenance.to_string();
    let x0 = 52.0;
    let pw = w - x0 - 16.0;
    let ph = if w < 500.0 { 120.0 } else { 150.0 };
    let xmax_data = panels
        .iter()
        .flat_map(|p| p.panel.series.iter())
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(marks.iter().map(|m| m.x))
        .fold(0.0, f64::max)
        .max(1e-9);
    let most_x = if w < 500.0 { 4 } else { 7 };
    // The axis ends where the data end; ticks are nice steps inside it.
    let (_, xstep) = nice_axis(xmax_data, most_x);
    let xmax = xmax_data;
    let mut y = title_block(&mut svg, title);
    // Way labels, in rows above the first panel.
    let probe = Frame {
        x0,
        y0: 0.0,
        w: pw,
        h: 1.0,
        xmax,
        ymax: 1.0,
    };
    let rows = mark_rows(marks, &probe, w - 4.0);
    let n_rows = rows.iter().map(|r| r.1 + 1).max().unwrap_or(0);
    let label_top = y + 4.0;
    y += n_rows as f64 * (TICK + 3.0) + 4.0;
    for (m, (x, row)) in marks.iter().zip(&rows) {
        svg.text(
            *x,
            label_top + TICK + *row as f64 * (TICK + 3.0),
            TICK,
            "start",
            " fill=\"#333\"",
            &m.label,
        );
    }
    for (k, sp) in panels.iter().enumerate() {
        let p = &sp.panel;
        let data_max = p
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let (ymax, ystep) = match sp.y_max {
            Some(top) => (top, nice_step(top, 4)),
            None => nice_axis(data_max, 4),
        };
        // The panel's title above it, wrapped to the canvas.
        let title_lines = wrap(&p.title, LABEL, w - (x0 - 30.0) - 10.0);
        let extra = (title_lines.len().max(1) - 1) as f64 * LABEL * 1.3;
        let f = Frame {
            x0,
            y0: y + 22.0 + extra,
            w: pw,
            h: ph,
            xmax,
            ymax,
        };
        for (m, line) in title_lines.iter().enumerate() {
            svg.text(
                x0 - 30.0,
                y + 14.0 + m as f64 * LABEL * 1.3,
                LABEL,
                "start",
                "",
                line,
            );
        }
        let last = k + 1 == panels.len();
        f.axes(&mut svg, xstep, ystep, if last { x_label } else { "" }, "");
        for (v, _) in &sp.levels {
            let py = f.py(*v);
            let _ = writeln!(
                svg.out,
                "<line x1=\"{:.1}\" y1=\"{py:.1}\" x2=\"{:.1}\" y2=\"{py:.1}\" stroke=\"#444\" stroke-width=\"1\" stroke-dasharray=\"1 3\"/>",
                f.x0,
                f.x0 + f.w
            );
        }
        for m in marks {
            let x = f.px(m.x);
            let _ = writeln!(
                svg.out,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#777\" stroke-width=\"1\"/>",
                f.y0,
                f.y0 + f.h
            );
        }
        for s in &p.series {
            polyline(&mut svg.out, &f, s);
        }
        // Level labels over the lines, on a white halo so the data never hide them.
        for (v, label) in &sp.levels {
            svg.text(
                f.x0 + f.w - 4.0,
                f.py(*v) - 4.0,
                TICK,
                "end",
                " fill=\"#222\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\"",
                label,
            );
        }
        let below = f.y0 + f.h + if last { 40.0 } else { 22.0 } + SMALL;
        let entries: Vec<(Key, String)> = p
            .series
            .iter()
            .map(|s| {
                (
                    Key::Line {
                        color: s.color.clone(),
                        dashed: s.dashed,
                    },
                    s.label.clone(),
                )
            })
            .collect();
        y = legend_flow(&mut svg, x0 - 30.0, below, &entries) + 6.0;
    }
    y += 8.0;
    let h = y + caption_height(&svg, cap);
    caption_block(&mut svg, y + SMALL, cap);
    svg.finish(h, title)
}

/// A point in the phase plane; filled when stable.
#[derive(Debug, Clone, Copy)]
pub struct PhasePoint {
    pub x: f64,
    pub y: f64,
    pub stable: bool,
}

/// A flow arrow in the phase plane: at (x, y) the alarms move in direction (dx, dy) (only the
/// direction is drawn; every arrow has the same length).
#[derive(Debug, Clone, Copy)]
pub struct Arrow {
    pub x: f64,
    pub y: f64,
    pub dx: f64,
    pub dy: f64,
}

/// Everything a phase chart shows.
#[derive(Debug, Clone)]
pub struct PhaseChart<'a> {
    pub title: &'a str,
    pub axes: (&'a str, &'a str),
    pub bounds: [f64; 2],
    /// A's line (drawn solid) and B's line (drawn dashed), each with its label.
    pub lines: [(&'a str, &'a [[[f64; 2]; 2]]); 2],
    pub points: &'a [PhasePoint],
    pub arrows: &'a [Arrow],
    pub caption: &'a str,
}

/// The phase plane: alarm of A (x) against alarm of B (y), both lines and fixed points, at
/// [`DESKTOP`] and without flow arrows.
pub fn phase(
    title: &str,
    axes: (&str, &str),
    bounds: [f64; 2],
    nullclines: [(&str, &[[[f64; 2]; 2]]); 2],
    points: &[PhasePoint],
    cap: &str,
) -> String {
    phase_at(
        DESKTOP,
        &PhaseChart {
            title,
            axes,
            bounds,
            lines: nullclines,
            points,
            arrows: &[],
            caption: cap,
        },
    )
}

/// The phase plane laid out for `width` pixels, with flow arrows.
pub fn phase_at(width: f64, c: &PhaseChart<'_>) -> String {
    let w = width.max(300.0);
    let mut svg = Svg::new(w);
    let x0 = 52.0;
    let size = (w - x0 - 16.0).min(520.0);
    let most = if w < 500.0 { 4 } else { 6 };
    let (xmax, xstep) = nice_axis(c.bounds[0], most);
    let (ymax, ystep) = nice_axis(c.bounds[1], most);
    let top = title_block(&mut svg, c.title) + 22.0;
    let f = Frame {
        x0,
        y0: top,
        w: size,
        h: size,
        xmax,
        ymax,
    };
    f.axes(&mut svg, xstep, ystep, c.axes.0, c.axes.1);
    // Flow arrows first, in grey, under everything else.
    let len = size / 40.0;
    for a in c.arrows {
        let (px, py) = (f.px(a.x), f.py(a.y));
        // Screen direction: y grows downwards; scale each axis by its pixels per unit.
        let (sx, sy) = (a.dx * f.w / f.xmax, -a.dy * f.h / f.ymax);
        let norm = (sx * sx + sy * sy).sqrt();
        if !(norm.is_finite() && norm > 0.0) {
            continue;
        }
        let (ux, uy) = (sx / norm, sy / norm);
        let (tx, ty) = (px + ux * len, py + uy * len);
        let (bx, by) = (px - ux * len, py - uy * len);
        let head = len * 0.7;
        let (lx, ly) = (
            tx - head * (ux * 0.87 - uy * 0.5),
            ty - head * (uy * 0.87 + ux * 0.5),
        );
        let (rx, ry) = (
            tx - head * (ux * 0.87 + uy * 0.5),
            ty - head * (uy * 0.87 - ux * 0.5),
        );
        let _ = writeln!(
            svg.out,
            "<path d=\"M{bx:.1},{by:.1}L{tx:.1},{ty:.1}M{lx:.1},{ly:.1}L{tx:.1},{ty:.1}L{rx:.1},{ry:.1}\" fill=\"none\" stroke=\"#aaa\" stroke-width=\"1\"/>"
        );
    }
    let colors = [COLOR_A, COLOR_B];
    let mut entries = Vec::new();
    for (k, (label, segs)) in c.lines.iter().enumerate() {
        let mut d = String::new();
        for chain in chain_segments(segs) {
            for (m, p) in chain.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1}",
                    if m == 0 { 'M' } else { 'L' },
                    f.px(p[0]),
                    f.py(p[1])
                );
            }
        }
        // B's line is dashed, as in every chart: the segments are joined into polylines first,
        // so the dash pattern runs along the line instead of restarting at every short piece.
        let dash = if k == 1 { DASH } else { "" };
        let _ = writeln!(
            svg.out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}><title>{}</title></path>",
            colors[k],
            esc(label)
        );
        entries.push((
            Key::Line {
                color: colors[k].to_string(),
                dashed: k == 1,
            },
            label.to_string(),
        ));
    }
    for p in c.points {
        let fill = if p.stable { "#222" } else { "white" };
        let _ = writeln!(
            svg.out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"{fill}\" stroke=\"#222\" stroke-width=\"1.5\"><title>{} resting point: A {:.3}, B {:.3}</title></circle>",
            f.px(p.x),
            f.py(p.y),
            if p.stable { "stable" } else { "unstable" },
            p.x,
            p.y
        );
    }
    entries.push((
        Key::Dot { filled: true },
        "stable resting point".to_string(),
    ));
    entries.push((
        Key::Dot { filled: false },
        "tipping point (unstable)".to_string(),
    ));
    if !c.arrows.is_empty() {
        entries.push((
            Key::Line {
                color: "#aaa".into(),
                dashed: false,
            },
            "grey arrows: where both alarms head from there".to_string(),
        ));
    }
    let y = legend_flow(&mut svg, x0 - 30.0, f.y0 + f.h + 40.0 + SMALL, &entries) + 10.0;
    let h = y + caption_height(&svg, c.caption);
    caption_block(&mut svg, y + SMALL, c.caption);
    svg.finish(h, c.title)
}

/// Joins line segments that share end points (as a contour tracer gives them, in no order)
/// into polylines.
pub fn chain_segments(segs: &[[[f64; 2]; 2]]) -> Vec<Vec<[f64; 2]>> {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "pixel coordinates times 10⁶ are far inside i64; `as` saturates beyond"
    )]
    let key = |p: [f64; 2]| ((p[0] * 1e6).round() as i64, (p[1] * 1e6).round() as i64);
    let mut ends: std::collections::HashMap<(i64, i64), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, s) in segs.iter().enumerate() {
        ends.entry(key(s[0])).or_default().push(i);
        ends.entry(key(s[1])).or_default().push(i);
    }
    let mut used = vec![false; segs.len()];
    let mut out = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut chain = std::collections::VecDeque::from([segs[start][0], segs[start][1]]);
        // Grow at the back, then at the front.
        for front in [false, true] {
            loop {
                let tip = if front {
                    chain[0]
                } else {
                    chain[chain.len() - 1]
                };
                let next = ends
                    .get(&key(tip))
                    .and_then(|v| v.iter().copied().find(|i| !used[*i]));
                let Some(i) = next else { break };
                used[i] = true;
                let s = segs[i];
                let other = if key(s[0]) == key(tip) { s[1] } else { s[0] };
                if front {
                    chain.push_front(other);
                } else {
                    chain.push_back(other);
                }
            }
        }
        out.push(chain.into_iter().collect());
    }
    out
}

/// One cell of a heatmap: its category and whether it is clear (unclear cells are hatched).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatCell {
    pub category: usize,
    pub clear: bool,
}

/// Everything a heatmap shows.
#[derive(Debug, Clone)]
pub struct HeatmapChart<'a> {
    pub title: &'a str,
    pub axes: (&'a str, &'a str),
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// `cells[row][col]`; rows go up the y axis, columns along the x axis.
    pub cells: &'a [Vec<HeatCell>],
    /// (name, colour) per category.
    pub categories: &'a [(&'a str, &'a str)],
    /// The legend entry for hatched cells (`None` when every cell is clear).
    pub unclear_label: Option<&'a str>,
    pub caption: &'a str,
}

/// A heatmap of categories over a grid at [`DESKTOP`], every cell clear.
pub fn heatmap(
    title: &str,
    axes: (&str, &str),
    x_range: (f64, f64),
    y_range: (f64, f64),
    cells: &[Vec<usize>],
    categories: &[(&str, &str)],
    cap: &str,
) -> String {
    let cells: Vec<Vec<HeatCell>> = cells
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| HeatCell {
                    category: *c,
                    clear: true,
                })
                .collect()
        })
        .collect();
    heatmap_at(
        DESKTOP,
        &HeatmapChart {
            title,
            axes,
            x_range,
            y_range,
            cells: &cells,
            categories,
            unclear_label: None,
            caption: cap,
        },
    )
}

/// A heatmap laid out for `width` pixels; cells without a clear category are hatched.
pub fn heatmap_at(width: f64, c: &HeatmapChart<'_>) -> String {
    let w = width.max(300.0);
    let mut svg = Svg::new(w);
    let _ = writeln!(
        svg.out,
        "<defs><pattern id=\"mixed\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#222\" stroke-width=\"1.6\"/></pattern></defs>"
    );
    let x0 = 52.0;
    let size = (w - x0 - 16.0).min(520.0);
    let top = title_block(&mut svg, c.title) + 22.0;
    let rows = c.cells.len().max(1);
    for (r, row) in c.cells.iter().enumerate() {
        let cols = row.len().max(1);
        let (cw, ch) = (size / cols as f64, size / rows as f64);
        for (col, cell) in row.iter().enumerate() {
            let color = c.categories.get(cell.category).map_or("#ccc", |k| k.1);
            let name = c.categories.get(cell.category).map_or("?", |k| k.0);
            let (x, y) = (x0 + col as f64 * cw, top + size - (r + 1) as f64 * ch);
            let note = if cell.clear {
                ""
            } else {
                " (no clear majority)"
            };
            let _ = writeln!(
                svg.out,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\"><title>{}{note}</title></rect>",
                cw + 0.3,
                ch + 0.3,
                esc(color),
                esc(name)
            );
            if !cell.clear {
                let _ = writeln!(
                    svg.out,
                    "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"url(#mixed)\"/>",
                    cw + 0.3,
                    ch + 0.3
                );
            }
        }
    }
    let f = Frame {
        x0,
        y0: top,
        w: size,
        h: size,
        xmax: 1.0,
        ymax: 1.0,
    };
    let _ = writeln!(
        svg.out,
        "<rect x=\"{x0}\" y=\"{top:.1}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#888\"/>"
    );
    // Ticks on whole scores when the range is a score range; otherwise a nice step.
    let tick = |lo: f64, hi: f64| nice_step(hi - lo, 6);
    let (sx, sy) = (
        tick(c.x_range.0, c.x_range.1),
        tick(c.y_range.0, c.y_range.1),
    );
    // Cell centres: a grid of n points from lo to hi puts value v at (v − lo)/(hi − lo) of the
    // way across the centres, which sit half a cell in from each edge.
    // A single cell spans the whole range, edge to edge.
    let pos = |v: f64, lo: f64, hi: f64, n: usize| {
        let u = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        if n <= 1 {
            return u;
        }
        let n = n as f64;
        (0.5 + u * (n - 1.0)) / n
    };
    let cols = c.cells.first().map_or(1, Vec::len);
    let mut v = c.x_range.0;
    while v <= c.x_range.1 + 1e-9 {
        let px = f.x0 + size * pos(v, c.x_range.0, c.x_range.1, cols);
        svg.text(px, top + size + 16.0, TICK, "middle", "", &num(v));
        v += sx;
    }
    let mut v = c.y_range.0;
    while v <= c.y_range.1 + 1e-9 {
        let py = top + size - size * pos(v, c.y_range.0, c.y_range.1, rows);
        svg.text(x0 - 5.0, py + 4.0, TICK, "end", "", &num(v));
        v += sy;
    }
    svg.text(
        x0 + size / 2.0,
        top + size + 32.0,
        LABEL,
        "middle",
        "",
        c.axes.0,
    );
    svg.text(x0 - 30.0, top - 8.0, LABEL, "start", "", c.axes.1);
    let mut entries: Vec<(Key, String)> = c
        .categories
        .iter()
        .map(|(name, color)| {
            (
                Key::Swatch {
                    color: (*color).to_string(),
                    hatched: false,
                },
                (*name).to_string(),
            )
        })
        .collect();
    if let Some(l) = c.unclear_label {
        entries.push((
            Key::Swatch {
                color: "white".into(),
                hatched: true,
            },
            l.to_string(),
        ));
    }
    let y = legend_flow(&mut svg, x0 - 30.0, top + size + 40.0 + SMALL, &entries) + 10.0;
    let h = y + caption_height(&svg, c.caption);
    caption_block(&mut svg, y + SMALL, c.caption);
    svg.finish(h, c.title)
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

    /// Ticks land on 1, 2 or 5 times a power of ten (not 18.75 or 912.5).
    #[test]
    fn ticks_are_nice() {
        assert_eq!(nice_axis(90.0, 7), (100.0, 20.0));
        assert_eq!(nice_axis(3650.0, 7), (4000.0, 1000.0));
        assert_eq!(nice_axis(25.0, 4), (30.0, 10.0));
        assert_eq!(nice_axis(3.08, 6), (4.0, 1.0));
        assert_eq!(nice_axis(3.08, 8), (3.5, 0.5));
        assert_eq!(nice_step(1.0, 4), 0.5);
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(2000.0), "2000");
    }

    #[test]
    fn segments_in_any_order_join_into_one_line() {
        let segs = [
            [[1.0, 1.0], [2.0, 2.0]],
            [[0.0, 0.0], [1.0, 1.0]],
            [[3.0, 3.0], [2.0, 2.0]],
            [[5.0, 0.0], [6.0, 0.0]],
        ];
        let chains = chain_segments(&segs);
        assert_eq!(chains.len(), 2);
        let mut long = chains[0].clone();
        if long[0][0] > long[long.len() - 1][0] {
            long.reverse();
        }
        assert_eq!(long, vec![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]);
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_within_the_width() {
        let text = "Where the lines cross, neither person's alarm is changing; filled circles are stable resting points.";
        let lines = wrap(text, 12.0, 200.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| text_width(l, 12.0) <= 200.0));
        assert_eq!(lines.join(" "), text);
    }
}
