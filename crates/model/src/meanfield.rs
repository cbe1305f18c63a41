//! The deterministic (mean-field) version: expected rates in place of events, flags as
//! probabilities. Its fixed points with hope held are the "steady" values; all of them are found
//! and each is classed stable or not from the eigenvalues of the whole fast subsystem.
//!
//! Fixed points are searched in the plane of the two alarms: with the flags at their
//! quasi-steady values (`dynamics::quasi_steady`) a zero of the two alarm derivatives is a zero of
//! the whole fast subsystem, so the phase portrait (alarm A against alarm B) shows every one.

use crate::dynamics::{State, calm_start, derivative, mean_rates, quasi_steady};
use crate::params::Params;
use closer_domain::Person;
use nalgebra::DMatrix;
use serde::Serialize;

/// One person's values at a fixed point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PersonSteady {
    pub alarm: f64,
    pub hope: f64,
    /// Mean-field moves per hour.
    pub reach_rate: f64,
    pub withdraw_rate: f64,
}

/// A fixed point of the fast subsystem, with hope held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedPoint {
    #[serde(rename = "A")]
    pub a: PersonSteady,
    #[serde(rename = "B")]
    pub b: PersonSteady,
    pub stable: bool,
    /// Largest real part of the linearisation's eigenvalues (per hour): negative when stable.
    pub growth_rate: f64,
    #[serde(skip)]
    pub state: State,
}

impl FixedPoint {
    pub fn person(&self, p: Person) -> &PersonSteady {
        match p {
            Person::A => &self.a,
            Person::B => &self.b,
        }
    }

    fn from_state(params: &Params, s: State) -> FixedPoint {
        let growth_rate = growth_rate(params, &s);
        let one = |p: Person| {
            let (reach_rate, withdraw_rate) = mean_rates(params, &s, p);
            PersonSteady {
                alarm: s[p.index()].alarm,
                hope: s[p.index()].hope,
                reach_rate,
                withdraw_rate,
            }
        };
        FixedPoint {
            a: one(Person::A),
            b: one(Person::B),
            stable: growth_rate < 0.0,
            growth_rate,
            state: s,
        }
    }
}

/// The two alarm derivatives with the flags at their quasi-steady values.
pub fn alarm_field(params: &Params, hope: [f64; 2], x: [f64; 2]) -> [f64; 2] {
    let s = quasi_steady(params, x, hope);
    let d = derivative(params, &s, true);
    [d[0].alarm, d[1].alarm]
}

/// Upper bounds on each alarm in the mean field: the largest possible inflow over the recovery
/// rate. Every fixed point lies inside.
pub fn alarm_bounds(params: &Params) -> [f64; 2] {
    let mut out = [0.0; 2];
    for i in 0..2 {
        let (pi, pj) = (&params.people[i], &params.people[1 - i]);
        let bids = (pj.reach_base + pj.reach_drive)
            * (1.0 + pj.persist * (1.0 + params.shared.repeat_press));
        let inflow = pi.sens_reach * (1.0 + pj.press) * pj.bid_softness * bids
            + 2.0 * pi.sens_withdraw * (pj.withdraw_base + pj.withdraw_drive);
        out[i] = 1.05 * inflow / pi.regulation + 0.05;
    }
    out
}

fn pack(s: &State) -> [f64; 8] {
    [
        s[0].alarm,
        s[0].pending,
        s[0].rupture,
        s[0].on_break,
        s[1].alarm,
        s[1].pending,
        s[1].rupture,
        s[1].on_break,
    ]
}

fn unpack(v: &[f64; 8], hope: [f64; 2]) -> State {
    let mut s = calm_start();
    for i in 0..2 {
        s[i].alarm = v[4 * i];
        s[i].pending = v[4 * i + 1];
        s[i].rupture = v[4 * i + 2];
        s[i].on_break = v[4 * i + 3];
        s[i].hope = hope[i];
    }
    s
}

/// Largest real part of the eigenvalues of the fast subsystem's Jacobian at `s` (hope held).
pub fn growth_rate(params: &Params, s: &State) -> f64 {
    let hope = [s[0].hope, s[1].hope];
    let x0 = pack(s);
    let mut jac = DMatrix::<f64>::zeros(8, 8);
    for c in 0..8 {
        let h = 1e-6 * (1.0 + x0[c].abs());
        let (mut up, mut dn) = (x0, x0);
        up[c] += h;
        dn[c] -= h;
        let fu = pack(&derivative(params, &unpack(&up, hope), true));
        let fd = pack(&derivative(params, &unpack(&dn, hope), true));
        for r in 0..8 {
            jac[(r, c)] = (fu[r] - fd[r]) / (2.0 * h);
        }
    }
    if jac.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    jac.complex_eigenvalues()
        .iter()
        .map(|z| z.re)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Newton's method on the alarm field from `x`, kept in the positive quadrant.
fn newton(params: &Params, hope: [f64; 2], mut x: [f64; 2]) -> Option<[f64; 2]> {
    for _ in 0..60 {
        let f = alarm_field(params, hope, x);
        let scale = 1.0 + x[0].abs() + x[1].abs();
        if f[0].abs() + f[1].abs() < 1e-12 * scale {
            return Some(x);
        }
        let mut j = [[0.0; 2]; 2];
        for c in 0..2 {
            let h = 1e-7 * (1.0 + x[c].abs());
            let mut xp = x;
            xp[c] += h;
            let fp = alarm_field(params, hope, xp);
            for r in 0..2 {
                j[r][c] = (fp[r] - f[r]) / h;
            }
        }
        let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if det.abs() < 1e-300 || !det.is_finite() {
            return None;
        }
        let dx0 = (f[0] * j[1][1] - f[1] * j[0][1]) / det;
        let dx1 = (j[0][0] * f[1] - j[1][0] * f[0]) / det;
        // Damp steps that would leave the quadrant.
        let mut step = 1.0;
        while step > 1e-4 && (x[0] - step * dx0 < 0.0 || x[1] - step * dx1 < 0.0) {
            step *= 0.5;
        }
        x = [x[0] - step * dx0, x[1] - step * dx1];
        if !(x[0].is_finite() && x[1].is_finite()) {
            return None;
        }
    }
    let f = alarm_field(params, hope, x);
    (f[0].abs() + f[1].abs() < 1e-9 * (1.0 + x[0] + x[1])).then_some(x)
}

/// Grid over the alarm plane, denser near calm where the calm fixed point sits.
fn grid(bound: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|k| {
            let u = k as f64 / n as f64;
            bound * u * u
        })
        .collect()
}

/// Every fixed point of the fast subsystem with hope held at `hope`, ordered by A's alarm.
pub fn fixed_points(params: &Params, hope: [f64; 2]) -> Vec<FixedPoint> {
    let n = 120;
    let bounds = alarm_bounds(params);
    let (gx, gy) = (grid(bounds[0], n), grid(bounds[1], n));
    let mut f = vec![[0.0; 2]; (n + 1) * (n + 1)];
    for (a, &xa) in gx.iter().enumerate() {
        for (b, &xb) in gy.iter().enumerate() {
            f[a * (n + 1) + b] = alarm_field(params, hope, [xa, xb]);
        }
    }
    let mut found: Vec<[f64; 2]> = Vec::new();
    for a in 0..n {
        for b in 0..n {
            let corners = [
                f[a * (n + 1) + b],
                f[(a + 1) * (n + 1) + b],
                f[a * (n + 1) + b + 1],
                f[(a + 1) * (n + 1) + b + 1],
            ];
            let changes = |c: usize| {
                let lo = corners.iter().map(|v| v[c]).fold(f64::INFINITY, f64::min);
                let hi = corners
                    .iter()
                    .map(|v| v[c])
                    .fold(f64::NEG_INFINITY, f64::max);
                lo <= 0.0 && hi >= 0.0
            };
            if !(changes(0) && changes(1)) {
                continue;
            }
            let start = [(gx[a] + gx[a + 1]) / 2.0, (gy[b] + gy[b + 1]) / 2.0];
            if let Some(x) = newton(params, hope, start)
                && !found
                    .iter()
                    .any(|y| (y[0] - x[0]).abs() + (y[1] - x[1]).abs() < 1e-6 * (1.0 + x[0] + x[1]))
            {
                found.push(x);
            }
        }
    }
    found.sort_by(|p, q| p[0].total_cmp(&q[0]));
    found
        .into_iter()
        .map(|x| FixedPoint::from_state(params, quasi_steady(params, x, hope)))
        .collect()
}

/// One classical Runge–Kutta step of the mean field.
fn rk4(params: &Params, s: &State, dt: f64, hold_hope: bool) -> State {
    let add = |a: &State, d: &State, h: f64| -> State {
        let mut o = *a;
        for i in 0..2 {
            o[i].alarm += h * d[i].alarm;
            o[i].hope += h * d[i].hope;
            o[i].pending += h * d[i].pending;
            o[i].rupture += h * d[i].rupture;
            o[i].on_break += h * d[i].on_break;
        }
        o
    };
    let k1 = derivative(params, s, hold_hope);
    let k2 = derivative(params, &add(s, &k1, dt / 2.0), hold_hope);
    let k3 = derivative(params, &add(s, &k2, dt / 2.0), hold_hope);
    let k4 = derivative(params, &add(s, &k3, dt), hold_hope);
    let mut o = *s;
    for i in 0..2 {
        let c = |f: fn(&crate::dynamics::PersonState) -> f64| {
            (f(&k1[i]) + 2.0 * f(&k2[i]) + 2.0 * f(&k3[i]) + f(&k4[i])) / 6.0
        };
        o[i].alarm += dt * c(|p| p.alarm);
        o[i].hope += dt * c(|p| p.hope);
        o[i].pending += dt * c(|p| p.pending);
        o[i].rupture += dt * c(|p| p.rupture);
        o[i].on_break += dt * c(|p| p.on_break);
    }
    o
}

/// Integrates the mean field for `hours` from `start`, returning the state every `every` hours
/// (the start included).
pub fn trajectory(
    params: &Params,
    start: State,
    hours: f64,
    every: f64,
    hold_hope: bool,
) -> Vec<(f64, State)> {
    let dt: f64 = 0.05;
    let mut s = start;
    let mut t = 0.0;
    let mut out = vec![(0.0, s)];
    let mut next = every;
    while t < hours - 1e-12 {
        let h = dt.min(hours - t);
        s = rk4(params, &s, h, hold_hope);
        t += h;
        if t >= next - 1e-9 {
            out.push((t, s));
            next += every;
        }
    }
    out
}

/// Follows the fast subsystem (hope held) from `start` until it comes to rest, then polishes
/// the resting point with Newton's method. `None` if it does not come to rest.
pub fn settle_from(params: &Params, start: State) -> Option<FixedPoint> {
    let hope = [start[0].hope, start[1].hope];
    let mut s = start;
    for _ in 0..400 {
        for _ in 0..200 {
            s = rk4(params, &s, 0.05, true);
        }
        let d = derivative(params, &s, true);
        let size: f64 = d
            .iter()
            .map(|p| p.alarm.abs() + p.pending.abs() + p.rupture.abs() + p.on_break.abs())
            .sum();
        if size < 1e-8 {
            let x =
                newton(params, hope, [s[0].alarm, s[1].alarm]).unwrap_or([s[0].alarm, s[1].alarm]);
            return Some(FixedPoint::from_state(
                params,
                quasi_steady(params, x, hope),
            ));
        }
    }
    None
}

/// The steady values: the stable fixed point reached from a calm start with hope held.
pub fn steady(params: &Params) -> Option<FixedPoint> {
    settle_from(params, calm_start())
}

/// The nullclines of the alarm plane as line segments ([[x_a, x_b], [x_a, x_b]]): where A's
/// alarm does not change, and where B's does not. Drawn by marching squares on an even grid.
pub fn nullclines(
    params: &Params,
    hope: [f64; 2],
    bounds: [f64; 2],
    n: usize,
) -> [Vec<[[f64; 2]; 2]>; 2] {
    let xs: Vec<f64> = (0..=n).map(|k| bounds[0] * k as f64 / n as f64).collect();
    let ys: Vec<f64> = (0..=n).map(|k| bounds[1] * k as f64 / n as f64).collect();
    let mut f = vec![[0.0; 2]; (n + 1) * (n + 1)];
    for (a, &xa) in xs.iter().enumerate() {
        for (b, &xb) in ys.iter().enumerate() {
            f[a * (n + 1) + b] = alarm_field(params, hope, [xa, xb]);
        }
    }
    let mut out: [Vec<[[f64; 2]; 2]>; 2] = [Vec::new(), Vec::new()];
    for (c, lines) in out.iter_mut().enumerate() {
        for a in 0..n {
            for b in 0..n {
                let p = [
                    ([xs[a], ys[b]], f[a * (n + 1) + b][c]),
                    ([xs[a + 1], ys[b]], f[(a + 1) * (n + 1) + b][c]),
                    ([xs[a + 1], ys[b + 1]], f[(a + 1) * (n + 1) + b + 1][c]),
                    ([xs[a], ys[b + 1]], f[a * (n + 1) + b + 1][c]),
                ];
                let mut cross: Vec<[f64; 2]> = Vec::new();
                for e in 0..4 {
                    let (p0, v0) = p[e];
                    let (p1, v1) = p[(e + 1) % 4];
                    if (v0 < 0.0) != (v1 < 0.0) {
                        let w = v0 / (v0 - v1);
                        cross.push([p0[0] + w * (p1[0] - p0[0]), p0[1] + w * (p1[1] - p0[1])]);
                    }
                }
                for pair in cross.chunks(2) {
                    if let [u, v] = pair {
                        lines.push([*u, *v]);
                    }
                }
            }
        }
    }
    out
}
