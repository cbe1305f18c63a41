//! `closer completions SHELL` and `closer man`: shell completions and the man page, generated
//! from the same clap definitions the binary parses with, so they cannot drift from it.

use crate::error::{CliError, CliResult};
use crate::io::emit;
use clap::CommandFactory;

/// Print shell completions for closer (bash, zsh, fish, elvish or powershell).
///
/// Example: closer completions bash > ~/.local/share/bash-completion/completions/closer
#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args) -> CliResult {
    let mut cmd = crate::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "closer", &mut out);
    emit(&String::from_utf8(out).map_err(|e| CliError::Other(e.into()))?)
}

/// Print closer's man page (roff), for `man -l -` or to install as closer.1.
#[derive(clap::Args)]
pub struct ManArgs {}

pub fn man(_: ManArgs) -> CliResult {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::Cli::command()).render(&mut out)?;
    emit(&String::from_utf8(out).map_err(|e| CliError::Other(e.into()))?)
}
