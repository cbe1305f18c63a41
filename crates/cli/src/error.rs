//! Errors at the edge: rendered once, mapped to exit codes (DESIGN.md §10).

use closer_domain::InputError;

/// What went wrong, and so which exit code the process ends with.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage or bad input: exit code 2.
    Usage(String),
    /// Bad input in a file: exit code 2, with file, line and field.
    Input(InputError),
    /// Writing the output failed: exit code 1, or a quiet 0 when the reader closed the pipe.
    Write(std::io::Error),
    /// Anything else: exit code 1.
    Other(anyhow::Error),
}

impl CliError {
    pub fn usage(msg: impl Into<String>) -> CliError {
        CliError::Usage(msg.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::Input(_) => 2,
            _ if self.is_closed_pipe() => 0,
            CliError::Write(_) | CliError::Other(_) => 1,
        }
    }

    /// True when the output's reader went away (`closer learn | head -1`): not a failure, so
    /// the process ends quietly with exit 0. Recognised however the I/O error reached us.
    pub fn is_closed_pipe(&self) -> bool {
        let io = match self {
            CliError::Write(e) => Some(e),
            CliError::Other(e) => e.chain().find_map(|c| c.downcast_ref::<std::io::Error>()),
            _ => None,
        };
        io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}"),
            CliError::Input(e) => write!(f, "{e}"),
            CliError::Write(e) => write!(f, "cannot write the output: {e}"),
            CliError::Other(e) => write!(f, "{e:#}"),
        }
    }
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        CliError::Input(e)
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError::Other(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
