//! One module per subcommand. Each has `Args` (clap) and `run`.

#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod assess;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod checkin;
pub mod completions;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod export;
pub mod fit;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod forget;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod guide;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod help_now;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod home;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod import;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod journal;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod learn;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod lock;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod log;
pub mod patterns;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod phase;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod report;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod screen;
pub mod series;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod simulate;
pub mod simulate_hawkes;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod soften;
#[allow(clippy::print_stdout, clippy::print_stderr)] // to convert to io::emit (issue 11)
pub mod sweep;
