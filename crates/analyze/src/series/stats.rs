//! Small numerical helpers for the series fits: Student-t quantiles. (Seeded draws come from
//! [`crate::rng`].)

/// Student-t distribution function with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * crate::special::beta_cdf(x, df / 2.0, 0.5);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Student-t quantile (bisection on the distribution function; p in (0, 1)).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (-1e3, 1e3);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Published two-sided 95% critical values.
        for (df, q) in [
            (1.0, 12.7062),
            (5.0, 2.5706),
            (10.0, 2.2281),
            (30.0, 2.0423),
        ] {
            assert!((t_quantile(0.975, df) - q).abs() < 1e-4, "df {df}");
        }
        assert!((t_cdf(0.0, 7.0) - 0.5).abs() < 1e-15);
    }
}
