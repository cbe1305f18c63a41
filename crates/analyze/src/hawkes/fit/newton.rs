//! One dimension's concave problem at a fixed decay, solved by a projected Newton method.

use super::kernels::{Acc, MAX_DIMS, beta_kernel, derivative_kernel, dispatch, value_kernel};
use closer_domain::linalg::{cholesky, cholesky_solve};

/// One dimension's concave problem at a fixed decay.
pub(super) struct DimProblem<'a> {
    pub(super) d: usize,
    pub(super) nb: usize,
    pub(super) r: &'a [f64],
    pub(super) dr: &'a [f64],
    pub(super) bins: &'a [u16],
    pub(super) exposure: &'a [f64],
    pub(super) c: &'a [f64],
    pub(super) dc: &'a [f64],
    pub(super) fixed: Option<(usize, f64)>,
    pub(super) tolerance: f64,
}

impl DimProblem<'_> {
    fn linear_part(&self, theta: &[f64]) -> f64 {
        let (nb, d) = (self.nb, self.d);
        let mut v = 0.0;
        for b in 0..nb {
            v += theta[b] * self.exposure[b];
        }
        for j in 0..d {
            v += theta[nb + j] * self.c[j];
        }
        v
    }

    /// `f_k(θ)`; `−∞` where some event would have intensity 0.
    fn value(&self, theta: &[f64]) -> f64 {
        let s = dispatch!(self.d, value_kernel, self.r, self.bins, theta, self.nb);
        if s.is_nan() {
            return f64::NEG_INFINITY;
        }
        s - self.linear_part(theta)
    }

    /// Gradient and the negated Hessian (dense, `p × p`) at `θ`; false if some event has
    /// intensity 0 there.
    fn derivatives(&self, theta: &[f64], g: &mut [f64], h: &mut [f64]) -> bool {
        let (nb, d) = (self.nb, self.d);
        let p = nb + d;
        g.iter_mut().for_each(|x| *x = 0.0);
        if structured(nb) {
            // Only the entries the kernels write: each bin's diagonal and its row against the
            // excitations, and the excitations' block. (Bins never meet other bins: an event
            // lies in one bin.) The rest stays 0 from allocation.
            for b in 0..nb {
                h[b * p + b] = 0.0;
                h[b * p + nb..b * p + p].iter_mut().for_each(|x| *x = 0.0);
            }
            for j in 0..d {
                h[(nb + j) * p..(nb + j + 1) * p]
                    .iter_mut()
                    .for_each(|x| *x = 0.0);
            }
        } else {
            h.iter_mut().for_each(|x| *x = 0.0);
        }
        let mut acc = Acc {
            ga: [0.0; MAX_DIMS],
            haa: [0.0; MAX_DIMS * MAX_DIMS],
            ok: true,
        };
        dispatch!(
            d,
            derivative_kernel,
            self.r,
            self.bins,
            theta,
            nb,
            p,
            g,
            h,
            &mut acc
        );
        if !acc.ok {
            return false;
        }
        for j in 0..d {
            g[nb + j] = acc.ga[j];
            for l in j..d {
                h[(nb + j) * p + nb + l] = acc.haa[j * d + l];
            }
        }
        // Symmetrise (with many daily bins, only what the structured step reads: the
        // excitations' block and their columns against the bins).
        if structured(nb) {
            for j in 0..d {
                let i = nb + j;
                for l in 0..i {
                    h[i * p + l] = h[l * p + i];
                }
            }
        } else {
            for i in 0..p {
                for l in 0..i {
                    h[i * p + l] = h[l * p + i];
                }
            }
        }
        for b in 0..nb {
            g[b] -= self.exposure[b];
        }
        for j in 0..d {
            g[nb + j] -= self.c[j];
        }
        true
    }

    /// The derivative of `f_k` in the decay at `θ`.
    fn dbeta(&self, theta: &[f64]) -> f64 {
        let nb = self.nb;
        let events = dispatch!(self.d, beta_kernel, self.r, self.dr, self.bins, theta, nb);
        let alpha = &theta[nb..nb + self.d];
        events - alpha.iter().zip(self.dc).map(|(a, dc)| a * dc).sum::<f64>()
    }

    /// Projected Newton from a feasible `θ`. Returns `Some(−∞)` when the start itself is
    /// infeasible, else `None` (the value is not needed by the caller) and the β-derivative at
    /// the maximum. `−f_k` is self-concordant (a sum of `−ln` of affine functions plus a linear
    /// term), so once the Newton decrement `λ_N²` is below 1/16 full steps converge
    /// quadratically and no line search — no pass of logarithms — is needed; this is the common
    /// case when the decay search warm-starts from its previous point. Farther away, an Armijo
    /// backtracking search along the projection arc. A full step that would put an event at
    /// intensity 0 is halved.
    pub(super) fn solve(&self, theta: &mut [f64]) -> (Option<f64>, f64) {
        let p = self.nb + self.d;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; p * p];
        let mut step = vec![0.0; p];
        let mut prev = theta.to_vec();
        let mut free: Vec<usize> = Vec::with_capacity(p);
        let mut is_free = vec![false; p];
        let is_fixed = |i: usize| matches!(self.fixed, Some((f, _)) if f == i);
        let mut s = 1.0;
        let mut first = true;
        let mut iters = 0;
        let mut polish = 0;
        while iters < 400 {
            iters += 1;
            if !self.derivatives(theta, &mut g, &mut h) {
                if first {
                    return (Some(f64::NEG_INFINITY), 0.0);
                }
                // Too long a step: halve it from the last feasible point.
                s *= 0.5;
                if s < 1e-30 {
                    theta.copy_from_slice(&prev);
                    break;
                }
                self.take_step(&prev, &step, s, &is_free, theta);
                continue;
            }
            first = false;
            // Bertsekas' ε-active set: near 0 with the gradient pushing further down.
            let mut width: f64 = 0.0;
            for i in 0..p {
                if is_fixed(i) {
                    continue;
                }
                let hii = h[i * p + i].max(1e-300);
                let moved = (theta[i] + g[i] / hii).max(0.0);
                width = width.max((theta[i] - moved).abs());
            }
            let eps = width.min(1e-8);
            free.clear();
            for i in 0..p {
                is_free[i] = !(is_fixed(i) || theta[i] <= eps && g[i] < 0.0);
                if is_free[i] {
                    free.push(i);
                }
            }
            let found = if structured(self.nb) {
                newton_step_structured(&h, &g, p, self.nb, &free, &mut step)
            } else {
                newton_step(&h, &g, p, &free, &mut step)
            };
            if !found {
                break;
            }
            let decrement: f64 = free.iter().map(|&i| g[i] * step[i]).sum::<f64>().max(0.0);
            let active_mass: f64 = (0..p)
                .filter(|&i| !is_fixed(i) && !is_free[i])
                .map(|i| theta[i])
                .sum();
            // Converged when a full Newton step would gain less than the tolerance in
            // log-likelihood (1e-9 during the search: rounding in a sum of a million logarithms
            // is about that size).
            if active_mass == 0.0 {
                if decrement < self.tolerance {
                    break;
                }
                // Polishing below 1e-9 is for rounding only: two more steps at most.
                if decrement < 2e-9 {
                    polish += 1;
                    if polish > 2 {
                        break;
                    }
                }
            }
            prev.copy_from_slice(theta);
            s = 1.0;
            // Inside the region of quadratic convergence a full step needs no value — but only
            // if the projection leaves it a Newton step. A step that the bound clips is a
            // different direction, which can lower the objective; taken blindly, such steps can
            // cycle between active sets until the iteration cap (seen on a 200-event log with 24
            // daily bins: three sets in turn, 400 iterations at every decay value).
            let clipped = free
                .iter()
                .any(|&i| !is_fixed(i) && prev[i] + step[i] < 0.0);
            if decrement < 0.0625 && !clipped {
                self.take_step(&prev, &step, s, &is_free, theta);
                continue;
            }
            // Far from the maximum: Armijo backtracking along the projection arc.
            let current = self.value(&prev);
            let mut accepted = false;
            for _ in 0..60 {
                self.take_step(&prev, &step, s, &is_free, theta);
                let tv = self.value(theta);
                let gain: f64 = (0..p).map(|i| g[i] * (theta[i] - prev[i])).sum();
                if tv.is_finite() && tv >= current + 1e-4 * gain {
                    accepted = true;
                    break;
                }
                s *= 0.5;
            }
            if !accepted {
                theta.copy_from_slice(&prev);
                break;
            }
        }
        (None, self.dbeta(theta))
    }

    fn take_step(&self, from: &[f64], step: &[f64], s: f64, is_free: &[bool], to: &mut [f64]) {
        for i in 0..to.len() {
            let fixed = matches!(self.fixed, Some((f, _)) if f == i);
            to[i] = if fixed {
                from[i]
            } else if is_free[i] {
                (from[i] + s * step[i]).max(0.0)
            } else {
                0.0
            };
        }
    }
}

/// From this many daily bins on, the Newton step uses the Hessian's structure (see
/// [`newton_step_structured`]); below it the dense solve is as fast and is kept as it was.
const STRUCTURED_FROM: usize = 48;

fn structured(nb: usize) -> bool {
    nb >= STRUCTURED_FROM
}

/// The Newton step of [`newton_step`], using the structure of the Hessian: an event lies in one
/// daily bin, so the bins' block is diagonal and only the `D` excitations couple to everything.
/// With `H = [[Δ, C], [Cᵀ, A]]` (Δ diagonal over the free bins, A over the free excitations), the
/// step solves the `D × D` Schur complement `(A − Cᵀ Δ⁻¹ C) y = g_a − Cᵀ Δ⁻¹ g_m`, then
/// `x = Δ⁻¹ (g_m − C y)`: `O(B·D²)` instead of the dense `O((B + D)³)` — at 1,440 bins a few
/// thousand operations instead of half a billion per step, which was the cliff between 144 and
/// 1,440 bins. The same ridge as the dense step is added to every diagonal entry if needed.
fn newton_step_structured(
    h: &[f64],
    g: &[f64],
    p: usize,
    nb: usize,
    free: &[usize],
    d: &mut [f64],
) -> bool {
    d.iter_mut().for_each(|x| *x = 0.0);
    if free.is_empty() {
        return true;
    }
    let fm: Vec<usize> = free.iter().copied().filter(|&i| i < nb).collect();
    let fa: Vec<usize> = free.iter().copied().filter(|&i| i >= nb).collect();
    let scale = free
        .iter()
        .map(|&i| h[i * p + i])
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let na = fa.len();
    let mut s = vec![0.0; na * na];
    let mut rhs = vec![0.0; na];
    let mut ridge = 0.0;
    'ridge: for _ in 0..30 {
        let add = ridge + 1e-14 * scale;
        for (x, &i) in fa.iter().enumerate() {
            for (y, &l) in fa.iter().enumerate() {
                s[x * na + y] = h[i * p + l];
            }
            s[x * na + x] += add;
            rhs[x] = g[i];
        }
        for &b in &fm {
            let delta = h[b * p + b] + add;
            if delta.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                ridge = if ridge == 0.0 {
                    1e-10 * scale
                } else {
                    ridge * 10.0
                };
                continue 'ridge;
            }
            let row = &h[b * p..b * p + p];
            for (x, &i) in fa.iter().enumerate() {
                let cx = row[i] / delta;
                rhs[x] -= cx * g[b];
                for (y, &l) in fa.iter().enumerate() {
                    s[x * na + y] -= cx * row[l];
                }
            }
        }
        if na > 0 && !cholesky(&mut s, na, 0.0) {
            ridge = if ridge == 0.0 {
                1e-10 * scale
            } else {
                ridge * 10.0
            };
            continue;
        }
        if na > 0 {
            cholesky_solve(&s, na, &mut rhs);
        }
        for (x, &i) in fa.iter().enumerate() {
            d[i] = rhs[x];
        }
        for &b in &fm {
            let delta = h[b * p + b] + add;
            let row = &h[b * p..b * p + p];
            let mut v = g[b];
            for &i in &fa {
                v -= row[i] * d[i];
            }
            d[b] = v / delta;
        }
        return d.iter().all(|v| v.is_finite());
    }
    false
}

/// Solves `H_FF d_F = g_F` by Cholesky (with a growing ridge if `H_FF` is not positive definite);
/// `d` is 0 outside the free set. False if no step could be found.
fn newton_step(h: &[f64], g: &[f64], p: usize, free: &[usize], d: &mut [f64]) -> bool {
    d.iter_mut().for_each(|x| *x = 0.0);
    let m = free.len();
    if m == 0 {
        return true;
    }
    let mut a = vec![0.0; m * m];
    let scale = free
        .iter()
        .map(|&i| h[i * p + i])
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let mut ridge = 0.0;
    for _ in 0..30 {
        for (x, &i) in free.iter().enumerate() {
            for (y, &l) in free.iter().enumerate() {
                a[x * m + y] = h[i * p + l];
            }
            a[x * m + x] += ridge + 1e-14 * scale;
        }
        if cholesky(&mut a, m, 0.0) {
            let mut rhs: Vec<f64> = free.iter().map(|&i| g[i]).collect();
            cholesky_solve(&a, m, &mut rhs);
            for (x, &i) in free.iter().enumerate() {
                d[i] = rhs[x];
            }
            return d.iter().all(|v| v.is_finite());
        }
        ridge = if ridge == 0.0 {
            1e-10 * scale
        } else {
            ridge * 10.0
        };
    }
    false
}

#[cfg(test)]
mod structured_tests {
    use super::*;

    /// The structured Newton step solves the same system as the dense one: a Hessian with a
    /// diagonal bins' block (as an event lies in one bin), some bins and excitations held at
    /// their bound, compared entry by entry.
    #[test]
    fn structured_step_equals_the_dense_step() {
        let (nb, d) = (60usize, 3usize);
        let p = nb + d;
        let mut state = 12345u64;
        let mut unif = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // H = Σ_n w_n x_n x_nᵀ with x_n = (e_{b_n}, r_n): positive definite, bins' block diagonal.
        let mut h = vec![0.0; p * p];
        for _ in 0..2_000 {
            let b = crate::cast::whole(unif() * nb as f64);
            let mut x = vec![0.0; p];
            x[b] = 1.0;
            for j in 0..d {
                x[nb + j] = unif();
            }
            let w = 0.5 + unif();
            for i in 0..p {
                for l in 0..p {
                    h[i * p + l] += w * x[i] * x[l];
                }
            }
        }
        let g: Vec<f64> = (0..p).map(|_| unif() - 0.5).collect();
        let free: Vec<usize> = (0..p).filter(|&i| i % 7 != 3).collect();
        let (mut dense, mut structured) = (vec![0.0; p], vec![0.0; p]);
        assert!(newton_step(&h, &g, p, &free, &mut dense));
        assert!(newton_step_structured(
            &h,
            &g,
            p,
            nb,
            &free,
            &mut structured
        ));
        for i in 0..p {
            assert!(
                (dense[i] - structured[i]).abs() <= 1e-9 * (1.0 + dense[i].abs()),
                "entry {i}: dense {} structured {}",
                dense[i],
                structured[i]
            );
        }
        assert!(free.iter().any(|&i| i < nb && dense[i].abs() > 1e-6));
        assert_eq!(structured[3], 0.0, "a held entry does not move");
    }
}
