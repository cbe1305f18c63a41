//! How stable a classification is: the adjusted Rand index, its summaries, and labelings in a
//! canonical order.

use serde::Serialize;

/// A labeling renumbered in order of first appearance, so that two labelings of the same
/// partition compare equal (EM from either is the same computation).
pub(super) fn canonical(labels: &[usize]) -> Vec<usize> {
    let mut map: Vec<Option<usize>> = Vec::new();
    let mut next = 0;
    labels
        .iter()
        .map(|&l| {
            if map.len() <= l {
                map.resize(l + 1, None);
            }
            *map[l].get_or_insert_with(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985).
pub fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len();
    if n < 2 || b.len() != n {
        return f64::NAN;
    }
    let ka = a.iter().max().map_or(0, |m| m + 1);
    let kb = b.iter().max().map_or(0, |m| m + 1);
    let mut t = vec![0u64; ka * kb];
    for (x, y) in a.iter().zip(b) {
        t[x * kb + y] += 1;
    }
    let c2 = |v: u64| (v * v.saturating_sub(1) / 2) as f64;
    let sum_ij: f64 = t.iter().map(|&v| c2(v)).sum();
    let sum_a: f64 = (0..ka)
        .map(|i| c2((0..kb).map(|j| t[i * kb + j]).sum()))
        .sum();
    let sum_b: f64 = (0..kb)
        .map(|j| c2((0..ka).map(|i| t[i * kb + j]).sum()))
        .sum();
    let total = c2(n as u64);
    let expected = sum_a * sum_b / total;
    let max = 0.5 * (sum_a + sum_b);
    if max == expected {
        return 1.0;
    }
    (sum_ij - expected) / (max - expected)
}

/// Summary of a distribution of ARIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AriSummary {
    pub runs: usize,
    pub min: Option<f64>,
    pub q25: Option<f64>,
    pub median: Option<f64>,
    pub q75: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
}

pub(super) fn summarise(mut v: Vec<f64>) -> AriSummary {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    // R's default quantile (type 7).
    let q = |p: f64| closer_domain::numeric::quantile_sorted(&v, p);
    AriSummary {
        runs: v.len(),
        min: v.first().copied(),
        q25: q(0.25),
        median: q(0.5),
        q75: q(0.75),
        max: v.last().copied(),
        mean: (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64),
    }
}
