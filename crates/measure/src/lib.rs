//! Validated instruments as data: scoring, reliability, change; emits safety signals.
