//! The `closer` binary: argument parsing and output only (DESIGN.md §9).
//!
//! Each subcommand lives in `cmd/`; what it shows comes from a pure crate. Errors are rendered
//! once, here, and mapped to exit codes: 0 ok, 2 bad usage or input, 1 anything else.

mod cmd;
mod error;
mod io;
mod term;

use clap::{Parser, Subcommand};

/// closer — for couples caught in the loop where one reaches and the other pulls away.
///
/// Run it with no arguments for a calm place to start. Nothing is stored unless a command says so.
#[derive(Parser)]
#[command(name = "closer", version, about, long_about = None)]
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
    /// A softer way to say it: notices what may land hard, suggests a gentler version.
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
    /// Research: rties-compatible dyadic time-series models (many dyads).
    Series(cmd::series::Args),
    /// Research: fit a multivariate Hawkes process to an interaction log.
    Fit(cmd::fit::Args),
    /// Research: simulate the model's linear special case (a Hawkes process) as a moves CSV.
    SimulateHawkes(cmd::simulate_hawkes::Args),
    /// Serve closer in a browser (prints `listening on http://ADDR/`); nothing is stored.
    Serve(cmd::serve::Args),
}

fn main() {
    let cli = Cli::parse();
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
        Some(Command::Series(a)) => cmd::series::run(a),
        Some(Command::Fit(a)) => cmd::fit::run(a),
        Some(Command::SimulateHawkes(a)) => cmd::simulate_hawkes::run(a),
        Some(Command::Serve(a)) => cmd::serve::run(a),
    };
    if let Err(e) = result {
        // A closed pipe (`closer learn | head`) is not an error worth a message.
        eprintln!("closer: {e}");
        std::process::exit(e.exit_code());
    }
}
