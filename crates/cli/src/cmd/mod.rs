//! One module per subcommand. Each has `Args` (clap) and `run`.

pub mod assess;
pub mod fit;
pub mod guide;
pub mod help_now;
pub mod home;
pub mod learn;
pub mod patterns;
pub mod phase;
pub mod screen;
pub mod series;
pub mod serve;
pub mod simulate;
pub mod simulate_hawkes;
pub mod soften;
pub mod sweep;
