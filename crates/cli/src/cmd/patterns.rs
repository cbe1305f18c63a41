//! (being written)

use crate::error::{CliError, CliResult};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> CliResult {
    Err(CliError::Other(anyhow::anyhow!("not built yet")))
}
