//! Every chart kind, at phone and desktop width: well-formed XML, no text past the canvas or
//! over other text, one meaning per line style (B dashed, A solid), nice ticks, a fixed alarm
//! scale with the flare level, and a long run that stays a line rather than a blob.

use closer_chart::dance;
use closer_chart::{
    COLOR_A, COLOR_B, DESKTOP, HeatCell, HeatmapChart, Mark, PHONE, Panel, PhaseChart, PhasePoint,
    ScaledPanel, Series, text_width,
};
use closer_model::meanfield;
use closer_model::params::{Params, Profile, WayUse};
use closer_model::study::{SweepSpec, sweep};

const LONG_CAPTION: &str = "Where the lines cross, neither person's alarm is changing; filled circles are stable resting points. Both people are shown; A and B are imagined from two score pairs.";

/// A strict check of the XML subset the charts use: one root, balanced tags, quoted attributes
/// with unique names, only the five predefined entities or numeric ones, no stray `<` or `&`.
fn well_formed(xml: &str) -> Result<(), String> {
    let b = xml.as_bytes();
    let mut i = 0;
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let name_char = |c: u8| c.is_ascii_alphanumeric() || b"-_:.".contains(&c);
    let check_text = |t: &str, at: usize| -> Result<(), String> {
        let mut rest = t;
        while let Some(k) = rest.find('&') {
            let after = &rest[k + 1..];
            let end = after.find(';').ok_or(format!("bare & at {at}"))?;
            let ent = &after[..end];
            let ok = ["amp", "lt", "gt", "quot", "apos"].contains(&ent)
                || (ent.len() > 1
                    && ent.starts_with('#')
                    && ent[1..].chars().all(|c| c.is_ascii_digit()))
                || (ent.len() > 2
                    && ent.starts_with("#x")
                    && ent[2..].chars().all(|c| c.is_ascii_hexdigit()));
            if !ok {
                return Err(format!("unknown entity &{ent}; at {at}"));
            }
            rest = &after[end + 1..];
        }
        Ok(())
    };
    while i < b.len() {
        if b[i] != b'<' {
            let j = xml[i..].find('<').map_or(b.len(), |k| i + k);
            let t = &xml[i..j];
            if stack.is_empty() && !t.trim().is_empty() {
                return Err(format!("text outside the root at {i}"));
            }
            if t.contains('>') {
                // Allowed in XML, but our writer escapes it: a sign of an unescaped string.
                return Err(format!("unescaped > in text at {i}"));
            }
            check_text(t, i)?;
            i = j;
            continue;
        }
        let close = xml[i..].find('>').ok_or(format!("unclosed tag at {i}"))? + i;
        let tag = &xml[i + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or(format!("stray </{name}> at {i}"))?;
            if top != name.trim() {
                return Err(format!("</{name}> closes <{top}> at {i}"));
            }
        } else {
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let n = body.bytes().take_while(|c| name_char(*c)).count();
            if n == 0 {
                return Err(format!("bad tag name at {i}"));
            }
            let name = &body[..n];
            // Attributes: name="value" separated by white space.
            let mut rest = body[n..].trim_start();
            if !rest.is_empty() && !body[n..].starts_with(char::is_whitespace) {
                return Err(format!("no space after <{name} at {i}"));
            }
            let mut seen = Vec::new();
            while !rest.is_empty() {
                let an = rest.bytes().take_while(|c| name_char(*c)).count();
                if an == 0 || !rest[an..].starts_with("=\"") {
                    return Err(format!("bad attribute in <{name}> at {i}: {rest:.40}"));
                }
                let aname = &rest[..an];
                if seen.contains(&aname) {
                    return Err(format!("repeated attribute {aname} at {i}"));
                }
                seen.push(aname);
                let v = &rest[an + 2..];
                let end = v.find('"').ok_or(format!("unquoted attribute at {i}"))?;
                check_text(&v[..end], i)?;
                rest = v[end + 1..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        i = close + 1;
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} roots"));
    }
    Ok(())
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[k..k + tag[k..].find('"')?].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every `<text>`'s box: (left, top, right, bottom, content).
fn text_boxes(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(k) = rest.find("<text ") {
        let open_end = rest[k..].find('>').unwrap() + k;
        let tag = &rest[k..open_end];
        let close = rest[open_end..].find("</text>").unwrap() + open_end;
        let content = unescape(&rest[open_end + 1..close]);
        let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
        let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
        let size: f64 = attr(tag, "font-size").unwrap().parse().unwrap();
        assert!(attr(tag, "transform").is_none(), "no rotated text: {tag}");
        let w = text_width(&content, size);
        let left = match attr(tag, "text-anchor").as_deref() {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        out.push((left, y - 0.8 * size, left + w, y + 0.2 * size, content));
        rest = &rest[close..];
    }
    out
}

fn canvas(svg: &str) -> (f64, f64) {
    let head = &svg[..svg.find('>').unwrap()];
    (
        attr(head, "width").unwrap().parse().unwrap(),
        attr(head, "height").unwrap().parse().unwrap(),
    )
}

/// The checks every chart must pass.
fn check(name: &str, svg: &str) {
    well_formed(svg).unwrap_or_else(|e| panic!("{name}: not well-formed XML: {e}"));
    let (w, h) = canvas(svg);
    let boxes = text_boxes(svg);
    assert!(!boxes.is_empty());
    for (l, t, r, b, s) in &boxes {
        assert!(
            *l >= 0.0 && *r <= w && *t >= 0.0 && *b <= h,
            "{name}: {s:?} runs past the {w}×{h} canvas ({l:.0}..{r:.0}, {t:.0}..{b:.0})"
        );
    }
    for (i, x) in boxes.iter().enumerate() {
        for y in &boxes[i + 1..] {
            let overlap = x.0 < y.2 - 0.5 && y.0 < x.2 - 0.5 && x.1 < y.3 - 0.5 && y.1 < x.3 - 0.5;
            assert!(!overlap, "{name}: {:?} overprints {:?}", x.4, y.4);
        }
    }
    assert!(svg.contains(closer_chart::ILLUSTRATION), "{name}");
    // One meaning per line style: B's lines are dashed, A's are solid.
    for el in svg
        .split('<')
        .filter(|e| e.starts_with("polyline") || e.starts_with("line ") || e.starts_with("path"))
    {
        let dashed = el.contains("stroke-dasharray=\"7 4\"");
        if el.contains(&format!("stroke=\"{COLOR_B}\"")) {
            assert!(dashed, "{name}: a solid line in B's colour: {el:.120}");
        }
        if el.contains(&format!("stroke=\"{COLOR_A}\"")) {
            assert!(!dashed, "{name}: a dashed line in A's colour: {el:.120}");
        }
    }
}

fn prof(a: f64, v: f64) -> Profile {
    Profile::new(a, v).unwrap()
}

fn ways(w: &[&str]) -> Vec<WayUse> {
    w.iter().map(|s| s.parse().unwrap()).collect()
}

#[test]
fn every_chart_kind_is_well_formed_and_keeps_its_text_on_the_canvas() {
    let run = closer_model::run(
        prof(7.0, 1.0),
        prof(1.0, 7.0),
        &ways(&["explore:B@0", "pause:A@1", "name:both@2", "stay:B@3"]),
        90.0,
        1,
        false,
    )
    .unwrap();
    let long = closer_model::run(prof(6.0, 2.0), prof(2.0, 6.0), &[], 3650.0, 1, false).unwrap();
    let params = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let fps = meanfield::fixed_points(&params, [1.0, 1.0]);
    let spec = SweepSpec {
        grid: 5,
        days: 20.0,
        seed: 1,
        seeds: 5,
        all_dims: false,
    };
    let cells = sweep(&spec).unwrap();
    for width in [PHONE, DESKTOP] {
        check(
            &format!("simulation {width}"),
            &dance::simulation(&run, LONG_CAPTION, width),
        );
        check(
            &format!("ten years {width}"),
            &dance::simulation(&long, LONG_CAPTION, width),
        );
        check(
            &format!("phase {width}"),
            &dance::phase_portrait(&params, [1.0, 1.0], &fps, LONG_CAPTION, width),
        );
        check(
            &format!("sweep {width}"),
            &dance::sweep_chart(&spec, &cells, LONG_CAPTION, width),
        );
    }
    // The generic kinds with long labels and escapes.
    let series = |label: &str, c: &str, dashed| Series {
        label: label.into(),
        points: vec![(0.0, 0.0), (10.0, 3.0)],
        color: c.into(),
        dashed,
    };
    let panel = ScaledPanel::from(Panel {
        title: "a panel title with <angle> & ampersand".into(),
        series: vec![
            series(
                "A: a rather long legend label for the first person",
                COLOR_A,
                false,
            ),
            series(
                "B: a rather long legend label for the second person",
                COLOR_B,
                true,
            ),
        ],
    });
    let marks = [
        Mark {
            x: 0.0,
            label: "pause by A".into(),
        },
        Mark {
            x: 0.2,
            label: "curious by A".into(),
        },
        Mark {
            x: 9.9,
            label: "name by both".into(),
        },
    ];
    let seg = [[[0.0, 0.0], [1.0, 1.0]]];
    for width in [PHONE, DESKTOP] {
        check(
            "timeline",
            &closer_chart::timeline_at(
                width,
                "A title that is long enough to wrap on a phone screen, and then some more",
                "day",
                std::slice::from_ref(&panel),
                &marks,
                LONG_CAPTION,
            ),
        );
        check(
            "phase",
            &closer_chart::phase_at(
                width,
                &PhaseChart {
                    title: "p",
                    axes: ("alarm of A", "alarm of B"),
                    bounds: [2.0, 2.0],
                    lines: [("A's line", &seg), ("B's line", &seg)],
                    points: &[PhasePoint {
                        x: 1.0,
                        y: 1.0,
                        stable: false,
                    }],
                    arrows: &[],
                    caption: LONG_CAPTION,
                },
            ),
        );
        check(
            "heatmap",
            &closer_chart::heatmap_at(
                width,
                &HeatmapChart {
                    title: "h",
                    axes: ("x", "y"),
                    x_range: (1.0, 7.0),
                    y_range: (1.0, 7.0),
                    cells: &[vec![HeatCell {
                        category: 0,
                        clear: false,
                    }]],
                    categories: &[("settles", "#8cc084")],
                    unclear_label: Some("no clear majority"),
                    caption: LONG_CAPTION,
                },
            ),
        );
    }
}

/// The highest tick of the first panel (the alarm panel).
fn alarm_top(svg: &str) -> f64 {
    let boxes = text_boxes(svg);
    let flare = boxes.iter().position(|b| b.4 == "flare level").unwrap();
    // The first panel's y ticks are right-aligned to the left of the plot, before the label.
    boxes[..flare]
        .iter()
        .filter(|b| b.2 < 52.0)
        .filter_map(|b| b.4.parse::<f64>().ok())
        .fold(0.0f64, f64::max)
}

/// The alarm panel has the same scale for a calm couple and an escalated one, and a flare level.
#[test]
fn the_alarm_scale_is_fixed_and_shows_the_flare_level() {
    let calm = closer_model::run(prof(2.0, 2.0), prof(2.0, 2.0), &[], 60.0, 1, false).unwrap();
    let high = closer_model::run(prof(7.0, 1.0), prof(1.0, 7.0), &[], 60.0, 1, false).unwrap();
    let (c, h) = (
        dance::simulation(&calm, "c", DESKTOP),
        dance::simulation(&high, "c", DESKTOP),
    );
    assert!(c.contains(">flare level<") && h.contains(">flare level<"));
    assert_eq!(alarm_top(&c), dance::ALARM_TOP);
    assert_eq!(alarm_top(&h), dance::ALARM_TOP);
    assert!(c.contains("highest in each day"));
}

/// Ticks land on nice numbers, and a ten-year run is drawn month by month (a line, not a blob).
#[test]
fn ticks_are_nice_and_a_long_run_is_binned() {
    let long = closer_model::run(prof(6.0, 2.0), prof(2.0, 6.0), &[], 3650.0, 1, false).unwrap();
    let svg = dance::simulation(&long, "c", DESKTOP);
    let nice = |v: f64| {
        if v == 0.0 {
            return true;
        }
        let p = 10f64.powf(v.abs().log10().floor());
        let m = v / p;
        (m * 4.0 - (m * 4.0).round()).abs() < 1e-9
    };
    let mut ticks = 0;
    for b in text_boxes(&svg) {
        if let Ok(v) = b.4.parse::<f64>() {
            ticks += 1;
            assert!(nice(v), "tick {v}");
        }
    }
    assert!(ticks > 10);
    assert!(svg.contains("highest in each month"));
    for el in svg.split("<polyline").skip(1) {
        let pts = attr(&format!(" {el}"), "points").unwrap();
        assert!(pts.split(' ').count() <= 130, "{}", pts.split(' ').count());
    }
}

/// The phase plane shows where both alarms head, and uses no jargon.
#[test]
fn the_phase_plane_has_flow_arrows_and_plain_words() {
    let params = Params::from_profiles(prof(6.0, 2.0), prof(2.0, 6.0));
    let fps = meanfield::fixed_points(&params, [1.0, 1.0]);
    let svg = dance::phase_portrait(&params, [1.0, 1.0], &fps, "c", DESKTOP);
    assert!(svg.matches("stroke=\"#aaa\"").count() >= 100);
    assert!(!svg.to_lowercase().contains("nullcline"));
    assert!(svg.contains("where B's alarm stops changing"));
}

#[test]
fn the_checker_rejects_broken_xml() {
    for bad in [
        "<svg><text>a</svg>",
        "<svg><text x=1>a</text></svg>",
        "<svg>a & b</svg>",
        "<svg></svg><svg></svg>",
        "<svg a=\"1\" a=\"2\"/>",
    ] {
        assert!(well_formed(bad).is_err(), "{bad}");
    }
    assert!(well_formed("<svg a=\"&amp;\"><text>x &lt; y</text></svg>").is_ok());
}
