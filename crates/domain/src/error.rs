//! Errors about user input, with enough detail to find and fix the problem.

use std::fmt;

/// Bad input: names the file, the line, the field and what was expected (DESIGN.md §10).
/// Rendered once at the edge; the CLI maps it to exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub file: String,
    /// 1-based line number, when the problem is on one line.
    pub line: Option<u64>,
    /// The column or field, when there is one.
    pub field: Option<String>,
    /// What was expected, and what was found.
    pub message: String,
}

impl InputError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            file: file.into(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: u64) -> InputError {
        self.line = Some(line);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> InputError {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
