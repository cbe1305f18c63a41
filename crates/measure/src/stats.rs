//! Classical test theory for research files: Cronbach's alpha, corrected item–total
//! correlations, the standard error of measurement and the Jacobson–Truax reliable-change index.
//!
//! Alpha and item–total correlations describe a *sample* of respondents; they are for research
//! files, never for one person (DESIGN.md §7).

use serde::Serialize;

/// Mean and sample standard deviation (n − 1). `None` with fewer than two values.
pub fn mean_sd(xs: &[f64]) -> Option<(f64, f64)> {
    if xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    Some((m, (ss / (n - 1.0)).sqrt()))
}

/// Alpha and corrected item–total correlations from a complete-case item matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAnalysis {
    /// Rows used (complete on every item of the subscale).
    pub n: usize,
    /// Cronbach's alpha; `None` when the total has no variance.
    pub alpha: Option<f64>,
    /// Per item: correlation with the sum of the *other* items; `None` without variance.
    pub item_total: Vec<Option<f64>>,
}

/// Item analysis of `rows` complete rows of `k` items, stored row-major in `x`.
/// Two passes (means, then centred cross-products) keep it accurate for large files.
pub fn item_analysis(x: &[f64], k: usize) -> ItemAnalysis {
    let n = x.len().checked_div(k).unwrap_or(0);
    if n < 2 || k < 2 {
        return ItemAnalysis {
            n,
            alpha: None,
            item_total: vec![None; k],
        };
    }
    let mut mean = vec![0.0; k];
    for row in x.chunks_exact(k) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    for m in &mut mean {
        *m /= n as f64;
    }
    // var_i, cov(i, T), var(T), all as centred sums of squares.
    let mut var = vec![0.0; k];
    let mut cov_t = vec![0.0; k];
    let mut var_t = 0.0;
    let mut d = vec![0.0; k];
    for row in x.chunks_exact(k) {
        let mut t = 0.0;
        for j in 0..k {
            d[j] = row[j] - mean[j];
            t += d[j];
        }
        var_t += t * t;
        for j in 0..k {
            var[j] += d[j] * d[j];
            cov_t[j] += d[j] * t;
        }
    }
    let kf = k as f64;
    let sum_var: f64 = var.iter().sum();
    let alpha = (var_t > 0.0).then(|| kf / (kf - 1.0) * (1.0 - sum_var / var_t));
    let item_total = (0..k)
        .map(|j| {
            // cov(i, T − i) = cov(i, T) − var(i); var(T − i) = var(T) − 2 cov(i, T) + var(i).
            let c = cov_t[j] - var[j];
            let vr = var_t - 2.0 * cov_t[j] + var[j];
            (var[j] > 0.0 && vr > 0.0).then(|| c / (var[j] * vr).sqrt())
        })
        .collect();
    ItemAnalysis {
        n,
        alpha,
        item_total,
    }
}

/// Standard error of measurement: SD · √(1 − r).
pub fn sem(sd: f64, reliability: f64) -> f64 {
    sd * (1.0 - reliability).max(0.0).sqrt()
}

/// The Jacobson–Truax (1991) reliable-change index for one difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliableChange {
    pub before: f64,
    pub after: f64,
    pub difference: f64,
    pub sem: f64,
    /// Standard error of the difference: √2 · SEM.
    pub se_difference: f64,
    /// (after − before) / (√2 · SEM).
    pub rci: f64,
    /// |RCI| > 1.96: larger than measurement noise alone would produce 95% of the time.
    pub reliable: bool,
}

/// The threshold for a reliable change at the 95% level.
pub const RCI_CRITICAL: f64 = 1.96;

/// RCI = (x2 − x1) / (√2 · SEM), SEM = SD · √(1 − r). `None` when SEM is 0 (r = 1 or SD = 0),
/// where no difference can be judged against noise.
pub fn reliable_change(
    before: f64,
    after: f64,
    sd: f64,
    reliability: f64,
) -> Option<ReliableChange> {
    let s = sem(sd, reliability);
    let se = std::f64::consts::SQRT_2 * s;
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let difference = after - before;
    let rci = difference / se;
    Some(ReliableChange {
        before,
        after,
        difference,
        sem: s,
        se_difference: se,
        rci,
        reliable: rci.abs() > RCI_CRITICAL,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_and_item_total_on_a_hand_computed_case() {
        // Three items, four people:
        // rows (1,2,2) (2,2,3) (3,4,4) (4,4,5); item variances (n−1): 5/3, 4/3, 5/3 → sum 14/3.
        // totals 5, 7, 11, 13: mean 9, SS 16+4+4+16 = 40, var 40/3.
        // alpha = 3/2 · (1 − (14/3)/(40/3)) = 3/2 · 26/40 = 0.975.
        let x = [1., 2., 2., 2., 2., 3., 3., 4., 4., 4., 4., 5.];
        let a = item_analysis(&x, 3);
        assert_eq!(a.n, 4);
        assert!((a.alpha.unwrap() - 0.975).abs() < 1e-12);
        // Item 1 vs rest (4, 5, 8, 9): item centred (−1.5, −.5, .5, 1.5), rest centred (−2.5, −1.5,
        // 1.5, 2.5): cov SS = 3.75 + .75 + .75 + 3.75 = 9; SS item 5; SS rest 6.25+2.25+2.25+6.25=17.
        let r1 = 9.0 / (5.0f64 * 17.0).sqrt();
        assert!((a.item_total[0].unwrap() - r1).abs() < 1e-12);
    }

    #[test]
    fn no_variance_gives_no_alpha() {
        let a = item_analysis(&[2., 2., 2., 2.], 2);
        assert_eq!(a.alpha, None);
        assert_eq!(a.item_total, vec![None, None]);
    }

    #[test]
    fn rci_on_hand_computed_cases() {
        // SD 1, r = .91: SEM = 0.3, SE diff = 0.3·√2 = 0.42426…; diff 1 → RCI 2.357.
        let c = reliable_change(3.0, 4.0, 1.0, 0.91).unwrap();
        assert!((c.sem - 0.3).abs() < 1e-12);
        assert!((c.se_difference - 0.3 * 2f64.sqrt()).abs() < 1e-12);
        assert!((c.rci - 1.0 / (0.3 * 2f64.sqrt())).abs() < 1e-12);
        assert!(c.reliable);
        // SD 0.8, r = .75: SEM 0.4, SE diff 0.5657; a drop of 0.5 → RCI −0.884: noise.
        let c = reliable_change(4.0, 3.5, 0.8, 0.75).unwrap();
        assert!((c.sem - 0.4).abs() < 1e-12);
        assert!((c.rci + 0.5 / (0.4 * 2f64.sqrt())).abs() < 1e-12);
        assert!(!c.reliable);
        assert_eq!(reliable_change(1.0, 2.0, 1.0, 1.0), None);
    }

    #[test]
    fn mean_sd_is_the_sample_sd() {
        let (m, s) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(m, 5.0);
        assert!((s - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_sd(&[1.0]), None);
    }
}
