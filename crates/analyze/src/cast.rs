//! The two number conversions the analyses need that the workspace's cast lints would refuse,
//! each proven safe where it is used. They are allowed here, with the reason, and nowhere else
//! in the crate's production code (see also [`crate::hawkes::Events::kind_code`]).

/// The whole part of a non-negative number that the caller has bounded, as an index or a count:
/// a position in a buffer (which the caller then clamps to the buffer, `.min(len - 1)`), or a
/// number of days, strata or ranks computed from bounded inputs. Truncation toward zero is the
/// floor for such values, and a float-to-integer `as` saturates (a negative number or NaN gives
/// 0, a too-large one `usize::MAX`), so no input can make it wrap. The same instruction as the
/// bare cast, so it costs nothing in the fits' loops.
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "callers pass bounded values ≥ 0 and clamp the index; `as` saturates"
)]
pub(crate) fn whole(x: f64) -> usize {
    x as usize
}

/// A length of, or an index into, a collection in memory as an `i64` (a signed lag). Such a
/// number is at most `isize::MAX`, which fits an `i64` on every target Rust supports.
#[inline]
#[allow(
    clippy::cast_possible_wrap,
    reason = "a length in memory is at most isize::MAX ≤ i64::MAX"
)]
pub(crate) fn len_i64(n: usize) -> i64 {
    n as i64
}
