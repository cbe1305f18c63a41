//! The `closer` binary: argument parsing and output only (DESIGN.md §9).
//!
//! Each subcommand lives in `cmd/`; what it shows comes from a pure crate. Errors are rendered
//! once, here, and mapped to exit codes: 0 ok, 2 bad usage or input, 1 anything else.
//!
//! Output goes through one path (`io::emit`, `io::note`): the crate denies `print!`-style
//! macros, which panic when a write fails.

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod cmd;
mod error;
mod io;
#[allow(clippy::disallowed_methods)] // the private screen writes its escape codes and pages itself
mod term;

use clap::{Parser, Subcommand};

/// closer — for couples caught in the loop where one reaches and the other pulls away.
///
/// Run it with no arguments for a calm place to start. Nothing is stored unless a command says so.
#[derive(Parser)]
#[command(
    name = "closer",
    version,
    about,
    long_about = None,
    after_help = "Run `closer` with no command to open the home screen: a calm place to start."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// What may be going on in the loop, for the one who reaches and the one who pulls away.
    Learn(cmd::learn::Args),
    /// A step-by-step flow: partner-pulled-away, i-pulled-away, same-fight, or not-safe.
    Guide(cmd::guide::Args),
    /// A softer way to say it: notices what may land hard; offers an opening built from choices.
    Soften(cmd::soften::Args),
    /// A private safety check, one question at a time; nothing is stored.
    Screen(cmd::screen::Args),
    /// Helplines for crisis, domestic abuse, and for people worried about their own behaviour.
    HelpNow(cmd::help_now::Args),
    /// Simulate the dance model for two people (an illustration, not a forecast).
    Simulate(cmd::simulate::Args),
    /// The model's mean-field phase portrait: both people's alarm, nullclines, fixed points.
    Phase(cmd::phase::Args),
    /// Outcomes of the model across the anxiety × avoidance plane.
    Sweep(cmd::sweep::Args),
    /// Questionnaires: score validated instruments, measure change, reflection questions.
    Assess(cmd::assess::Args),
    /// Read a moves file honestly: episodes, how they end, with intervals and minimums.
    Patterns(cmd::patterns::Args),
    /// Record a moment in my journal: my move, how I saw my partner's, feelings, needs, a note.
    Log(cmd::log::Args),
    /// A daily check-in in my journal: how close, how overwhelmed, how safe I felt.
    Checkin(cmd::checkin::Args),
    /// My journal's entries: list, show, edit, delete.
    Journal(cmd::journal::Args),
    /// One printable page of my own journal (HTML, charts inline, nothing fetched).
    Report(cmd::report::Args),
    /// Export my journal: complete JSON, a moves CSV, or an evidence document.
    Export(cmd::export::Args),
    /// Import a journal export, all or nothing.
    Import(cmd::import::Args),
    /// Delete all of my journal from this computer.
    Forget(cmd::forget::Args),
    /// Lock my journal with a passphrase, or change it.
    Lock(cmd::lock::Args),
    /// Research: rties-compatible dyadic time-series models (many dyads).
    Series(cmd::series::Args),
    /// Research: fit a multivariate Hawkes process to an interaction log.
    Fit(cmd::fit::Args),
    /// Research: simulate the model's linear special case (a Hawkes process) as a moves CSV.
    SimulateHawkes(cmd::simulate_hawkes::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::Args),
    /// Print the man page (roff).
    Man(cmd::completions::ManArgs),
    /// Serve closer in a browser (prints `listening on http://ADDR/`); nothing is stored.
    Serve(cmd::serve::Args),
}

fn main() {
    let code = match run() {
        Ok(()) => 0,
        Err(e) => {
            // A closed pipe (`closer learn | head`) is a quiet success; anything else is one line.
            if !e.is_closed_pipe() {
                io::note(&format!("closer: {e}"));
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}

#[allow(clippy::disallowed_methods)] // help/version go through io::emit; the final flush
fn run() -> error::CliResult {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // Help and version are output like any other: through the one path.
                let text = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                    e.render().ansi().to_string()
                } else {
                    e.render().to_string()
                };
                return io::emit(&text);
            }
            // Usage errors: clap's own message on stderr, exit 2.
            e.exit();
        }
    };
    let result = match cli.command {
        None => cmd::home::run(),
        Some(Command::Learn(a)) => cmd::learn::run(a),
        Some(Command::Guide(a)) => cmd::guide::run(a),
        Some(Command::Soften(a)) => cmd::soften::run(a),
        Some(Command::Screen(a)) => cmd::screen::run(a),
        Some(Command::HelpNow(a)) => cmd::help_now::run(a),
        Some(Command::Simulate(a)) => cmd::simulate::run(a),
        Some(Command::Phase(a)) => cmd::phase::run(a),
        Some(Command::Sweep(a)) => cmd::sweep::run(a),
        Some(Command::Assess(a)) => cmd::assess::run(a),
        Some(Command::Patterns(a)) => cmd::patterns::run(a),
        Some(Command::Log(a)) => cmd::log::run(a),
        Some(Command::Checkin(a)) => cmd::checkin::run(a),
        Some(Command::Journal(a)) => cmd::journal::run(a),
        Some(Command::Report(a)) => cmd::report::run(a),
        Some(Command::Export(a)) => cmd::export::run(a),
        Some(Command::Import(a)) => cmd::import::run(a),
        Some(Command::Forget(a)) => cmd::forget::run(a),
        Some(Command::Lock(a)) => cmd::lock::run(a),
        Some(Command::Series(a)) => cmd::series::run(a),
        Some(Command::Fit(a)) => cmd::fit::run(a),
        Some(Command::SimulateHawkes(a)) => cmd::simulate_hawkes::run(a),
        Some(Command::Completions(a)) => cmd::completions::run(a),
        Some(Command::Man(a)) => cmd::completions::man(a),
        Some(Command::Serve(a)) => cmd::serve::run(a),
    };
    result?;
    // Whatever a command left buffered is written now, so its failure is seen here.
    std::io::Write::flush(&mut std::io::stdout()).map_err(error::CliError::Write)
}
