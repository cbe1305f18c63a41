//! Small numeric helpers shared by the model, the analyses and the store: the one type-7
//! quantile, the one conversion of random bits to a number in the unit interval, and the two
//! conversions the workspace's cast lints would refuse that are proven safe where they are used
//! ([`whole`], [`len_i64`]) — allowed here once, with the reason, instead of in every crate.

/// 2⁻⁵³: the spacing of the numbers [`unit_f64`] gives.
const EPSILON_53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// The quantile `p` of a sample sorted in increasing order, by linear interpolation between order
/// statistics (Hyndman and Fan's type 7, R's default): `h = (n − 1) p`, then
/// `x[⌊h⌋] + (h − ⌊h⌋)(x[⌈h⌉] − x[⌊h⌋])`. `p` is clamped to `[0, 1]`; `None` for an empty
/// sample.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = index_f64(last) * p.clamp(0.0, 1.0);
    // 0 ≤ h ≤ last, so both casts are exact indices into the sample.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

/// An index or count as a float. Exact for every length a slice in memory can have below 2⁵³
/// (every array this workspace builds), which is why the cast is allowed here and only here.
#[allow(clippy::cast_precision_loss)]
fn index_f64(n: usize) -> f64 {
    n as f64
}

/// A uniform number in `[0, 1)` from 64 random bits: the top 53 bits, scaled by 2⁻⁵³. The
/// conversion is exact (53 bits fit an `f64`'s mantissa), so every result is a multiple of 2⁻⁵³.
#[inline]
pub fn unit_f64(bits: u64) -> f64 {
    top_53(bits) * EPSILON_53
}

/// A uniform number in `(0, 1]` from 64 random bits: the midpoint of the 2⁻⁵³-wide cell
/// [`unit_f64`] falls in (rounded to the nearest `f64` above ½, so the top cell gives exactly 1).
/// Never 0, so `−ln` of it (an exponential draw) is always finite.
#[inline]
pub fn open_unit_f64(bits: u64) -> f64 {
    (top_53(bits) + 0.5) * EPSILON_53
}

/// The top 53 bits as a float: exact, since they are below 2⁵³.
#[inline]
#[allow(clippy::cast_precision_loss)]
fn top_53(bits: u64) -> f64 {
    (bits >> 11) as f64
}

/// The whole part of a non-negative number that the caller has bounded, as an index or a count:
/// a position in a buffer (which the caller then clamps to the buffer), a number of days,
/// strata or ranks computed from bounded inputs. Truncation toward zero is the floor for such
/// values, and a float-to-integer `as` saturates (a negative number or NaN gives 0, a too-large
/// one `usize::MAX`), so no input can make it wrap. The same instruction as the bare cast, so it
/// costs nothing in the fits' and the simulation's loops.
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "callers pass bounded values >= 0 and clamp the index; `as` saturates"
)]
pub fn whole(x: f64) -> usize {
    x as usize
}

/// A length of, or an index into, a collection in memory as an `i64` (a signed lag, a database
/// integer). Such a number is at most `isize::MAX`, which fits an `i64` on every target Rust
/// supports.
#[inline]
#[allow(
    clippy::cast_possible_wrap,
    reason = "a length in memory is at most isize::MAX <= i64::MAX"
)]
pub fn len_i64(n: usize) -> i64 {
    n as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_7_quantiles_match_r() {
        // R: quantile(c(1, 2, 4, 8, 16), c(0, .1, .25, .5, .9, 1)) = 1 1.4 2 4 12.8 16.
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        for (p, want) in [
            (0.0, 1.0),
            (0.1, 1.4),
            (0.25, 2.0),
            (0.5, 4.0),
            (0.9, 12.8),
            (1.0, 16.0),
        ] {
            let got = quantile_sorted(&x, p).unwrap();
            assert!((got - want).abs() < 1e-12, "p {p}: {got}");
        }
        assert_eq!(quantile_sorted(&x, -1.0), Some(1.0));
        assert_eq!(quantile_sorted(&x, 2.0), Some(16.0));
        assert_eq!(quantile_sorted(&[3.5], 0.3), Some(3.5));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn unit_conversions_are_exact_and_in_range() {
        assert_eq!(unit_f64(0), 0.0);
        assert_eq!(unit_f64(u64::MAX), 1.0 - EPSILON_53);
        assert_eq!(unit_f64(1 << 63), 0.5);
        // The low 11 bits are dropped.
        assert_eq!(unit_f64((1 << 63) | 0x7ff), 0.5);
        assert_eq!(open_unit_f64(0), 0.5 * EPSILON_53);
        // Above ½ the midpoint is not representable and rounds to even: the top cell gives 1.
        assert_eq!(open_unit_f64(u64::MAX), 1.0);
        assert_eq!(open_unit_f64(u64::MAX - (1 << 11)), 1.0 - 2.0 * EPSILON_53);
        assert_eq!(open_unit_f64(1 << 11), 1.5 * EPSILON_53);
        assert!(open_unit_f64(0).ln().is_finite());
    }
}
