//! The outer search: the decay maximising the profile likelihood, by bracketing the root of
//! the profile's derivative in `ln β` and Brent's method.

use super::workspace::Workspace;

pub(super) struct Search {
    pub(super) u: f64,
    pub(super) at_bound: bool,
    pub(super) identified: bool,
}

/// Maximises the profile over `u = ln β` through the root of its derivative `h(u) = dP/du`:
/// bracket by stepping in the direction of `h` (doubling the step), then Brent's method on `h`.
/// Where every excitation is 0 the profile is flat (`h = 0`): such points are stepped back from
/// by halving, so the search does not stop on a flat stretch.
pub(super) fn search_decay(
    ws: &mut Workspace,
    u0: f64,
    u_lo: f64,
    u_hi: f64,
    step0: f64,
) -> Search {
    let h0 = ws.profile(u0);
    if h0 == 0.0 || !h0.is_finite() {
        return Search {
            u: u0,
            at_bound: false,
            identified: false,
        };
    }
    let dir = h0.signum();
    let mut step = step0;
    let (mut u, mut h) = (u0, h0);
    let (other, h_other) = loop {
        let mut next = (u + dir * step).clamp(u_lo, u_hi);
        if next == u {
            return Search {
                u,
                at_bound: true,
                identified: true,
            };
        }
        let mut hn = ws.profile(next);
        let mut halvings = 0;
        while (hn == 0.0 || !hn.is_finite()) && halvings < 40 {
            next = 0.5 * (u + next);
            hn = ws.profile(next);
            halvings += 1;
        }
        if hn == 0.0 || !hn.is_finite() {
            return Search {
                u,
                at_bound: false,
                identified: true,
            };
        }
        if hn.signum() != dir {
            break (next, hn);
        }
        u = next;
        h = hn;
        step *= 2.0;
    };
    // |dP/du| < 1e-3 leaves the profile within (1e-3)²/(2|P''|) of its maximum: nothing.
    let u = brent_root(|x| ws.profile(x), u, h, other, h_other, 1e-9, 1e-3);
    Search {
        u,
        at_bound: false,
        identified: true,
    }
}

/// Brent's root finder (zeroin) on a bracket `[a, b]` with `f(a)`, `f(b)` of opposite signs.
/// Points where `f` is 0 or not finite (a flat or infeasible stretch) are treated as lying on
/// `b`'s side, which keeps the bracket honest.
fn brent_root(
    mut f: impl FnMut(f64) -> f64,
    a0: f64,
    fa0: f64,
    b0: f64,
    fb0: f64,
    xtol: f64,
    ftol: f64,
) -> f64 {
    let (mut a, mut fa, mut b, mut fb) = (a0, fa0, b0, fb0);
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb.abs() < ftol {
            return b;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
        if fb == 0.0 || !fb.is_finite() {
            // Put it on c's side of the sign change? Treat as the sign of c's opposite: shrink
            // towards a, which has a proper sign.
            fb = -fa.signum() * f64::MIN_POSITIVE;
        }
    }
    b
}
