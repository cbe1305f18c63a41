//! The two number conversions the analyses need that the workspace's cast lints would refuse,
//! each proven safe where it is used; they live in [`closer_domain::numeric`] (shared with the
//! model and the store) and are named here for the crate (see also
//! [`crate::hawkes::Events::kind_code`]).

pub(crate) use closer_domain::numeric::{len_i64, whole};
