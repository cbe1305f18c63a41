//! (being written)

use crate::error::{CliError, CliResult};

pub fn run() -> CliResult {
    Err(CliError::Other(anyhow::anyhow!("not built yet")))
}
