//! One module per subcommand. Each has `Args` (clap) and `run`.

pub mod assess;
pub mod checkin;
pub mod export;
pub mod fit;
pub mod forget;
pub mod guide;
pub mod help_now;
pub mod home;
pub mod import;
pub mod journal;
pub mod learn;
pub mod lock;
pub mod log;
pub mod patterns;
pub mod phase;
pub mod report;
pub mod screen;
pub mod series;
pub mod simulate;
pub mod simulate_hawkes;
pub mod soften;
pub mod sweep;
