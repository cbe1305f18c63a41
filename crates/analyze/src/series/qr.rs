//! Least squares the way R's `lm` does it: LINPACK `dqrdc2` (Householder QR with R's limited
//! column pivoting) and `dqrsl`.
//!
//! Why not a generic solver: rties' numbers come from `lm`, and `lm` decides which columns are
//! aliased with `dqrdc2` at tolerance 1e-7 — a column is moved to the end only when its norm
//! collapses below 1e-7 of its original norm, and the aliased coefficients are reported as NA.
//! Reproducing that decision (which column is dropped, the rank that enters the adjusted R²) is
//! what makes dyad 19 of rties' example data come out as rties reports it. A rank-revealing QR
//! with full pivoting would drop a different column.

/// R's default tolerance in `lm.fit`.
pub const LM_TOL: f64 = 1e-7;

/// The result of one least-squares fit without an intercept term added (rties' models all use
/// `-1` in their formulas).
#[derive(Debug, Clone, PartialEq)]
pub struct LmFit {
    /// One coefficient per design column, in the design's order; `None` where R reports NA
    /// (the column is aliased with earlier ones).
    pub coef: Vec<Option<f64>>,
    /// Rank of the design as `dqrdc2` found it.
    pub rank: usize,
    /// Rows used.
    pub n: usize,
    /// Residual sum of squares.
    pub rss: f64,
    /// Σ fitted²: the "model sum of squares" R uses when there is no intercept.
    pub mss: f64,
}

impl LmFit {
    /// R²  as `summary.lm` reports it for a model without an intercept: uncentred.
    pub fn r2(&self) -> f64 {
        self.mss / (self.mss + self.rss)
    }

    /// Adjusted R² with the rank as the number of parameters: 1 − (1 − R²)·n/(n − rank).
    /// `None` when there are no residual degrees of freedom.
    pub fn adj_r2(&self) -> Option<f64> {
        if self.n <= self.rank {
            return None;
        }
        Some(1.0 - (1.0 - self.r2()) * (self.n as f64 / (self.n - self.rank) as f64))
    }
}

fn dnrm2(v: &[f64]) -> f64 {
    // The plain sum of squares, as modern BLAS do for data of ordinary magnitude; it agrees with
    // the reference BLAS's scaled loop to the last bit or two, far inside the 1e-7 tolerance,
    // without a division per element. The scaled loop is kept for sums that overflow or
    // underflow.
    let ss: f64 = v.iter().map(|x| x * x).sum();
    if ss.is_finite() && ss > 1e-290 {
        return ss.sqrt();
    }
    let mut scale = 0.0f64;
    let mut ssq = 1.0f64;
    for &x in v {
        if x != 0.0 {
            let a = x.abs();
            if scale < a {
                ssq = 1.0 + ssq * (scale / a) * (scale / a);
                scale = a;
            } else {
                ssq += (a / scale) * (a / scale);
            }
        }
    }
    scale * ssq.sqrt()
}

fn ddot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `dqrdc2` on a column-major `n × p` matrix (modified in place). Returns (qraux, pivot, rank).
fn dqrdc2(x: &mut [f64], n: usize, p: usize, tol: f64) -> (Vec<f64>, Vec<usize>, usize) {
    let mut qraux = vec![0.0; p];
    let mut work1 = vec![0.0; p];
    let mut work2 = vec![0.0; p];
    let mut jpvt: Vec<usize> = (0..p).collect();
    for j in 0..p {
        let nrm = dnrm2(&x[j * n..(j + 1) * n]);
        qraux[j] = nrm;
        work1[j] = nrm;
        work2[j] = if nrm == 0.0 { 1.0 } else { nrm };
    }
    let lup = n.min(p);
    // k is one past the last column still considered (1-based `k = p + 1` in the Fortran).
    let mut k = p + 1;
    for l in 0..lup {
        // Cycle negligible columns to the end (1-based l+1 < k).
        while l + 1 < k && qraux[l] < work2[l] * tol {
            for i in 0..n {
                let t = x[l * n + i];
                for j in l + 1..p {
                    x[(j - 1) * n + i] = x[j * n + i];
                }
                x[(p - 1) * n + i] = t;
            }
            let (i0, t, tt, ttt) = (jpvt[l], qraux[l], work1[l], work2[l]);
            for j in l + 1..p {
                jpvt[j - 1] = jpvt[j];
                qraux[j - 1] = qraux[j];
                work1[j - 1] = work1[j];
                work2[j - 1] = work2[j];
            }
            jpvt[p - 1] = i0;
            qraux[p - 1] = t;
            work1[p - 1] = tt;
            work2[p - 1] = ttt;
            k -= 1;
        }
        if l + 1 == n {
            break;
        }
        let col_l = l * n;
        let mut nrmxl = dnrm2(&x[col_l + l..col_l + n]);
        if nrmxl == 0.0 {
            continue;
        }
        if x[col_l + l] != 0.0 {
            nrmxl = nrmxl.abs().copysign(x[col_l + l]);
        }
        let inv = 1.0 / nrmxl;
        for v in &mut x[col_l + l..col_l + n] {
            *v *= inv;
        }
        x[col_l + l] += 1.0;
        for j in l + 1..p {
            let (left, right) = x.split_at_mut(j * n);
            let hl = &left[col_l + l..col_l + n];
            let cj = &mut right[l..n];
            let t = -ddot(hl, cj) / hl[0];
            for (c, h) in cj.iter_mut().zip(hl) {
                *c += t * h;
            }
            if qraux[j] != 0.0 {
                let r = cj[0].abs() / qraux[j];
                let tt = (1.0 - r * r).max(0.0);
                if tt.abs() < 1e-6 {
                    qraux[j] = dnrm2(&cj[1..]);
                    work1[j] = qraux[j];
                } else {
                    qraux[j] *= tt.sqrt();
                }
            }
        }
        qraux[l] = x[col_l + l];
        x[col_l + l] = -nrmxl;
    }
    let rank = (k - 1).min(n);
    (qraux, jpvt, rank)
}

/// Applies one stored Householder transformation (column `j`, with `qraux[j]` standing in for
/// the diagonal, as `dqrsl` does) to `v`.
#[inline]
fn householder(x: &[f64], n: usize, qraux: &[f64], j: usize, v: &mut [f64]) {
    let col = &x[j * n + j..(j + 1) * n];
    let h0 = qraux[j];
    let mut dot = h0 * v[j];
    for (h, vi) in col[1..].iter().zip(&v[j + 1..]) {
        dot += h * vi;
    }
    let t = -dot / h0;
    v[j] += t * h0;
    for (h, vi) in col[1..].iter().zip(&mut v[j + 1..]) {
        *vi += t * h;
    }
}

/// Applies Qᵀ (forward) to `v` using the first `ju` Householder transformations.
fn apply_qt(x: &[f64], n: usize, qraux: &[f64], ju: usize, v: &mut [f64]) {
    for j in 0..ju {
        if qraux[j] != 0.0 {
            householder(x, n, qraux, j, v);
        }
    }
}

/// Applies Q (reverse order) to `v`.
fn apply_q(x: &[f64], n: usize, qraux: &[f64], ju: usize, v: &mut [f64]) {
    for j in (0..ju).rev() {
        if qraux[j] != 0.0 {
            householder(x, n, qraux, j, v);
        }
    }
}

/// Fits `y ~ X - 1` by R's `lm.fit`: `design` is column-major `n × p`. Returns `None` when
/// there are no rows or no columns.
pub fn lm_fit(design: &[f64], n: usize, p: usize, y: &[f64]) -> Option<LmFit> {
    if n == 0 || p == 0 || design.len() != n * p || y.len() != n {
        return None;
    }
    let mut x = design.to_vec();
    let (qraux, pivot, rank) = dqrdc2(&mut x, n, p, LM_TOL);
    let ju = rank.min(n - 1);
    let mut qty = y.to_vec();
    apply_qt(&x, n, &qraux, ju, &mut qty);
    // Back-substitution R b = (Qᵀy)[..rank].
    let mut b = qty[..rank].to_vec();
    for jj in (0..rank).rev() {
        let d = x[jj * n + jj];
        if d == 0.0 {
            return None;
        }
        b[jj] /= d;
        let t = -b[jj];
        for i in 0..jj {
            b[i] += t * x[jj * n + i];
        }
    }
    let mut rsd = qty.clone();
    for v in rsd.iter_mut().take(rank) {
        *v = 0.0;
    }
    apply_q(&x, n, &qraux, ju, &mut rsd);
    let rss: f64 = rsd.iter().map(|r| r * r).sum();
    let mss: f64 = y
        .iter()
        .zip(&rsd)
        .map(|(yi, ri)| (yi - ri) * (yi - ri))
        .sum();
    let mut coef = vec![None; p];
    for (i, &orig) in pivot.iter().enumerate() {
        if i < rank {
            coef[orig] = Some(b[i]);
        }
    }
    Some(LmFit {
        coef,
        rank,
        n,
        rss,
        mss,
    })
}

/// One diagonal block of a block-diagonal design: its rows, columns and response.
pub struct Block<'a> {
    pub design: &'a [f64],
    pub n: usize,
    pub p: usize,
    pub y: &'a [f64],
}

/// `lm_fit` of a design that is block diagonal (after reordering rows), as every rties model
/// is: each partner's rows are non-zero only in that partner's columns (`dist0:…` or
/// `dist1:…`). The least-squares problem then separates exactly into one problem per block:
/// the coefficients, residuals, fitted values and rank are those of the stacked fit, and the
/// pivoting decisions are the same because `dqrdc2` judges a column by how much of its own norm
/// survives the columns before it, which only columns of its own block can remove. About four
/// times less arithmetic than the stacked QR; the results agree with it to rounding (see the
/// test `blocks_equal_the_stacked_fit`). Coefficients come back block after block.
pub fn lm_fit_blocks(blocks: &[Block]) -> Option<LmFit> {
    let mut coef = Vec::new();
    let (mut rank, mut n, mut rss, mut mss) = (0, 0, 0.0, 0.0);
    for b in blocks {
        let f = lm_fit(b.design, b.n, b.p, b.y)?;
        coef.extend(f.coef);
        rank += f.rank;
        n += f.n;
        rss += f.rss;
        mss += f.mss;
    }
    Some(LmFit {
        coef,
        rank,
        n,
        rss,
        mss,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(cols: &[Vec<f64>]) -> (Vec<f64>, usize, usize) {
        let n = cols[0].len();
        (cols.concat(), n, cols.len())
    }

    #[test]
    fn full_rank_matches_normal_equations() {
        // y = 2 x1 - 3 x2 exactly, plus a known residual orthogonal to both columns.
        let x1 = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let x2 = vec![1.0, 0.0, 1.0, 0.0, 1.0];
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| 2.0 * a - 3.0 * b).collect();
        let (d, n, p) = cols(&[x1, x2]);
        let f = lm_fit(&d, n, p, &y).unwrap();
        assert_eq!(f.rank, 2);
        assert!((f.coef[0].unwrap() - 2.0).abs() < 1e-12);
        assert!((f.coef[1].unwrap() + 3.0).abs() < 1e-12);
        assert!(f.rss < 1e-20);
        assert!((f.r2() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn aliased_column_is_na_and_rank_drops_like_r() {
        // Column 2 equals column 1: R's lm gives NA for the second, keeps the first, rank 2.
        let x1 = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let x2 = x1.clone();
        let x3 = vec![1.0, -1.0, 2.0, 0.5, 0.0, 1.0];
        let y = vec![1.1, 1.9, 3.2, 3.9, 5.1, 6.0];
        let (d, n, p) = cols(&[x1.clone(), x2, x3.clone()]);
        let f = lm_fit(&d, n, p, &y).unwrap();
        assert_eq!(f.rank, 2);
        assert!(f.coef[1].is_none());
        // Same coefficients as the fit without the aliased column.
        let (d2, n2, p2) = cols(&[x1, x3]);
        let g = lm_fit(&d2, n2, p2, &y).unwrap();
        assert!((f.coef[0].unwrap() - g.coef[0].unwrap()).abs() < 1e-12);
        assert!((f.coef[2].unwrap() - g.coef[1].unwrap()).abs() < 1e-12);
        assert!((f.adj_r2().unwrap() - g.adj_r2().unwrap()).abs() < 1e-12);
        // Uncentred R² and adjusted R² with p = rank = 2, n = 6.
        let r2 = g.mss / (g.mss + g.rss);
        assert!((f.adj_r2().unwrap() - (1.0 - (1.0 - r2) * 6.0 / 4.0)).abs() < 1e-14);
    }

    #[test]
    fn zero_column_is_na() {
        let x1 = vec![0.0; 4];
        let x2 = vec![1.0, 2.0, 3.0, 4.0];
        let y = vec![2.0, 4.0, 6.0, 8.1];
        let (d, n, p) = cols(&[x1, x2]);
        let f = lm_fit(&d, n, p, &y).unwrap();
        assert_eq!(f.rank, 1);
        assert!(f.coef[0].is_none());
        assert!(f.coef[1].is_some());
    }

    #[test]
    fn blocks_equal_the_stacked_fit() {
        // Two partners' blocks, the second with an aliased column; stacked as rties stacks them.
        let a1 = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let a2 = vec![0.5, -1.0, 0.3, 2.0, 1.0];
        let ya = vec![1.0, 2.5, 2.9, 4.4, 6.1];
        let b1 = vec![2.0, -1.0, 0.0, 1.0];
        let b2 = b1.clone();
        let yb = vec![1.9, -1.2, 0.1, 1.3];
        let (na, nb) = (5, 4);
        let n = na + nb;
        let mut stacked = vec![0.0; n * 4];
        stacked[..na].copy_from_slice(&a1);
        stacked[n..n + na].copy_from_slice(&a2);
        for i in 0..nb {
            stacked[2 * n + na + i] = b1[i];
            stacked[3 * n + na + i] = b2[i];
        }
        let y: Vec<f64> = ya.iter().chain(&yb).copied().collect();
        let s = lm_fit(&stacked, n, 4, &y).unwrap();
        let da = [a1, a2].concat();
        let db = [b1, b2].concat();
        let b = lm_fit_blocks(&[
            Block {
                design: &da,
                n: na,
                p: 2,
                y: &ya,
            },
            Block {
                design: &db,
                n: nb,
                p: 2,
                y: &yb,
            },
        ])
        .unwrap();
        assert_eq!(s.rank, 3);
        assert_eq!(b.rank, 3);
        assert!(s.coef[3].is_none() && b.coef[3].is_none());
        for k in 0..3 {
            assert!((s.coef[k].unwrap() - b.coef[k].unwrap()).abs() < 1e-13);
        }
        assert!((s.rss - b.rss).abs() < 1e-13 && (s.mss - b.mss).abs() < 1e-12);
    }

    #[test]
    fn norm_is_safe_at_extreme_magnitudes() {
        assert_eq!(dnrm2(&[3.0, 4.0]), 5.0);
        assert!((dnrm2(&[3e200, 4e200]) / 5e200 - 1.0).abs() < 1e-15);
        assert!((dnrm2(&[3e-200, 4e-200]) / 5e-200 - 1.0).abs() < 1e-15);
        assert_eq!(dnrm2(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn no_rows_is_none() {
        assert!(lm_fit(&[], 0, 2, &[]).is_none());
    }
}
