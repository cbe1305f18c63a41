//! Starting partitions for EM: seeded k-means++, and mclust's "SVD"-scaled agglomeration with
//! Ward's criterion.

use crate::rng::Draw;

/// k-means++ seeding and Lloyd iterations; returns hard labels.
pub(super) fn kmeans(x: &[Vec<f64>], k: usize, rng: &mut impl Draw) -> Vec<usize> {
    let n = x.len();
    let dist2 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>();
    let mut centres: Vec<Vec<f64>> = vec![x[rng.below(n)].clone()];
    while centres.len() < k {
        let d: Vec<f64> = x
            .iter()
            .map(|xi| {
                centres
                    .iter()
                    .map(|c| dist2(xi, c))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let total: f64 = d.iter().sum();
        let pick = if total > 0.0 {
            let mut u = rng.uniform() * total;
            let mut idx = n - 1;
            for (i, di) in d.iter().enumerate() {
                if u < *di {
                    idx = i;
                    break;
                }
                u -= di;
            }
            idx
        } else {
            rng.below(n)
        };
        centres.push(x[pick].clone());
    }
    let mut labels = vec![0usize; n];
    for _ in 0..100 {
        let mut changed = false;
        for (i, xi) in x.iter().enumerate() {
            let best = (0..k)
                .min_by(|&a, &b| dist2(xi, &centres[a]).total_cmp(&dist2(xi, &centres[b])))
                .unwrap_or(0);
            if best != labels[i] {
                labels[i] = best;
                changed = true;
            }
        }
        for (g, c) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f64>> = x
                .iter()
                .zip(&labels)
                .filter(|(_, l)| **l == g)
                .map(|(xi, _)| xi)
                .collect();
            if members.is_empty() {
                continue;
            }
            for j in 0..c.len() {
                c[j] = members.iter().map(|m| m[j]).sum::<f64>() / members.len() as f64;
            }
        }
        if !changed {
            break;
        }
    }
    labels
}

/// The data as the hierarchical start sees them: each column standardised, then rotated to
/// its principal axes and each axis scaled by the inverse square root of its singular value —
/// mclust's "SVD" transformation (`hcUse`, Scrucca & Raftery 2015): between principal
/// components (which let one high-variance axis dominate) and fully sphered data (which lets
/// noise axes count as much as structure). Axes with no variance are dropped.
pub(super) fn svd_scaled(x: &[Vec<f64>]) -> Vec<Vec<f64>> {
    use super::linalg::*;
    let n = x.len();
    let d = x[0].len();
    let nf = n as f64;
    let mut s: Vec<Vec<f64>> = x.to_vec();
    for j in 0..d {
        let mean = x.iter().map(|r| r[j]).sum::<f64>() / nf;
        let var = x.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / (nf - 1.0).max(1.0);
        let sd = var.sqrt();
        for r in s.iter_mut() {
            r[j] = if sd > 0.0 { (r[j] - mean) / sd } else { 0.0 };
        }
    }
    let mut cross = vec![0.0; d * d];
    for r in &s {
        for a in 0..d {
            for b in 0..d {
                cross[a * d + b] += r[a] * r[b];
            }
        }
    }
    let (values, vectors) = sym_eigen(&cross, d);
    let top = values.first().copied().unwrap_or(0.0);
    let keep: Vec<usize> = (0..d).filter(|&j| values[j] > 1e-12 * top).collect();
    s.iter()
        .map(|r| {
            keep.iter()
                .map(|&j| {
                    let proj: f64 = (0..d).map(|a| r[a] * vectors[a * d + j]).sum();
                    // X = U S Vᵀ, so U·S^(1/2) = X·V·S^(−1/2), and S = √(eigenvalue).
                    proj / values[j].powf(0.25)
                })
                .collect()
        })
        .collect()
}

/// Deterministic starting classification: agglomerative hierarchical clustering of the
/// SVD-scaled data with the spherical equal-volume criterion (the model-based form of Ward's
/// method: each merge is the one that least increases the within-profile sum of squares),
/// cut at `k` groups. mclust's default merges by the VVV criterion instead; see the module
/// documentation for how the two differ and why the extra starts make up for it.
///
/// Nearest-neighbour-chain algorithm: O(n²·d) time, O(n·d) memory. Ward's criterion is
/// reducible, so the chain finds the same merges as the greedy algorithm (barring exact ties).
pub fn hierarchical_start(x: &[Vec<f64>], k: usize) -> Vec<usize> {
    if x.is_empty() {
        return Vec::new();
    }
    ward(&svd_scaled(x), k)
}

/// Ward's agglomeration of `z` cut at `k` groups (see [`hierarchical_start`]).
pub(super) fn ward(z: &[Vec<f64>], k: usize) -> Vec<usize> {
    let n = z.len();
    let mut centre: Vec<Vec<f64>> = z.to_vec();
    let mut size = vec![1.0f64; n];
    let mut active = vec![true; n];
    let cost = |ca: &[f64], sa: f64, cb: &[f64], sb: f64| -> f64 {
        let d2: f64 = ca.iter().zip(cb).map(|(p, q)| (p - q) * (p - q)).sum();
        sa * sb / (sa + sb) * d2
    };
    // (cost, a, b): cluster b merged into cluster a.
    let mut merges: Vec<(f64, usize, usize)> = Vec::with_capacity(n.saturating_sub(1));
    let mut chain: Vec<usize> = Vec::new();
    let mut left = n;
    while left > 1 {
        if chain.is_empty() {
            chain.push(active.iter().position(|a| *a).unwrap_or(0));
        }
        let a = chain[chain.len() - 1];
        let prev = (chain.len() >= 2).then(|| chain[chain.len() - 2]);
        let mut best: Option<(f64, usize)> =
            prev.map(|p| (cost(&centre[a], size[a], &centre[p], size[p]), p));
        for b in 0..n {
            if b == a || !active[b] || Some(b) == prev {
                continue;
            }
            let c = cost(&centre[a], size[a], &centre[b], size[b]);
            if best.is_none_or(|(bc, _)| c < bc) {
                best = Some((c, b));
            }
        }
        let Some((c, b)) = best else { break };
        if Some(b) == prev {
            chain.pop();
            chain.pop();
            let (lo, hi) = (a.min(b), a.max(b));
            let (sl, sh) = (size[lo], size[hi]);
            let merged: Vec<f64> = centre[lo]
                .iter()
                .zip(&centre[hi])
                .map(|(p, q)| (sl * p + sh * q) / (sl + sh))
                .collect();
            centre[lo] = merged;
            size[lo] = sl + sh;
            active[hi] = false;
            merges.push((c, lo, hi));
            left -= 1;
        } else {
            chain.push(b);
        }
    }
    // Apply the n − k cheapest merges (in order of cost, as the greedy algorithm would).
    merges.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(_, a, b) in merges.iter().take(n.saturating_sub(k.max(1))) {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[rb] = ra;
    }
    let mut label_of = vec![usize::MAX; n];
    let mut next = 0;
    (0..n)
        .map(|i| {
            let r = root(&mut parent, i);
            if label_of[r] == usize::MAX {
                label_of[r] = next;
                next += 1;
            }
            label_of[r]
        })
        .collect()
}
