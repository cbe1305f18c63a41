//! The passes over one dimension's events: the value, the gradient and Hessian, and the
//! decay derivative, with the loops over dimensions unrolled for each `D` up to [`MAX_DIMS`].

pub(super) const MAX_DIMS: usize = crate::hawkes::MAX_DIMS;

/// Calls `$f::<D>` for the runtime `d`, so the inner loops over dimensions are unrolled.
macro_rules! dispatch {
    ($d:expr, $f:ident, $($arg:expr),*) => {
        match $d {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            5 => $f::<5>($($arg),*),
            6 => $f::<6>($($arg),*),
            7 => $f::<7>($($arg),*),
            8 => $f::<8>($($arg),*),
            9 => $f::<9>($($arg),*),
            _ => $f::<10>($($arg),*),
        }
    };
}
pub(super) use dispatch;

pub(super) struct Acc {
    pub(super) ga: [f64; MAX_DIMS],
    pub(super) haa: [f64; MAX_DIMS * MAX_DIMS],
    pub(super) ok: bool,
}

pub(super) fn value_kernel<const D: usize>(
    r: &[f64],
    bins: &[u16],
    theta: &[f64],
    nb: usize,
) -> f64 {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut s = 0.0;
    if nb == 1 {
        let mu = theta[0];
        for row in r.chunks_exact(D) {
            let mut lam = mu;
            for j in 0..D {
                lam += alpha[j] * row[j];
            }
            s += lam.ln();
        }
    } else {
        for (row, &b) in r.chunks_exact(D).zip(bins) {
            let mut lam = theta[b as usize];
            for j in 0..D {
                lam += alpha[j] * row[j];
            }
            s += lam.ln();
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
pub(super) fn derivative_kernel<const D: usize>(
    r: &[f64],
    bins: &[u16],
    theta: &[f64],
    nb: usize,
    p: usize,
    g: &mut [f64],
    h: &mut [f64],
    acc: &mut Acc,
) {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut ga = [0.0; D];
    let mut haa = [[0.0; D]; D];
    let mut hma = [0.0; D];
    let (mut gm, mut hmm) = (0.0, 0.0);
    let mut min_lam = f64::INFINITY;
    let mut last_bin = usize::MAX;
    let flush = |b: usize,
                 gm: &mut f64,
                 hmm: &mut f64,
                 hma: &mut [f64; D],
                 g: &mut [f64],
                 h: &mut [f64]| {
        if b != usize::MAX {
            g[b] += *gm;
            h[b * p + b] += *hmm;
            for j in 0..D {
                h[b * p + nb + j] += hma[j];
            }
        }
        *gm = 0.0;
        *hmm = 0.0;
        *hma = [0.0; D];
    };
    for (row, &b) in r.chunks_exact(D).zip(bins) {
        let b = b as usize;
        if b != last_bin {
            flush(last_bin, &mut gm, &mut hmm, &mut hma, g, h);
            last_bin = b;
        }
        let mut lam = theta[b];
        for j in 0..D {
            lam += alpha[j] * row[j];
        }
        min_lam = min_lam.min(lam);
        let w = 1.0 / lam;
        let w2 = w * w;
        gm += w;
        hmm += w2;
        for j in 0..D {
            let xw2 = row[j] * w2;
            ga[j] += row[j] * w;
            hma[j] += xw2;
            for l in j..D {
                haa[j][l] += xw2 * row[l];
            }
        }
    }
    flush(last_bin, &mut gm, &mut hmm, &mut hma, g, h);
    for j in 0..D {
        acc.ga[j] = ga[j];
        for l in j..D {
            acc.haa[j * D + l] = haa[j][l];
        }
    }
    acc.ok = min_lam > 0.0;
}

/// `Σ_n (α · ∂R_n/∂β) / λ_n`: the event part of the likelihood's derivative in the decay, one
/// pass at the solved point (kept out of the Newton passes, which then read half the memory).
pub(super) fn beta_kernel<const D: usize>(
    r: &[f64],
    dr: &[f64],
    bins: &[u16],
    theta: &[f64],
    nb: usize,
) -> f64 {
    let mut alpha = [0.0; D];
    alpha.copy_from_slice(&theta[nb..nb + D]);
    let mut s = 0.0;
    for ((row, drow), &b) in r.chunks_exact(D).zip(dr.chunks_exact(D)).zip(bins) {
        let mut lam = theta[b as usize];
        let mut num = 0.0;
        for j in 0..D {
            lam += alpha[j] * row[j];
            num += alpha[j] * drow[j];
        }
        s += num / lam;
    }
    s
}
