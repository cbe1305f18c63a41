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

/// Text from the input (a file name, a header's field) written on the error's one line: control
/// characters such as a newline inside a quoted header are shown escaped (`\n`), so the message
/// stays one line naming the file; everything else is shown as typed.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", OneLine(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{}`", OneLine(field))?;
        }
        write!(f, ": {}", OneLine(&self.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_even_when_the_input_holds_a_newline() {
        let e = InputError::new("a\nb.csv", "unknown column \"x\ny\"")
            .at(1)
            .field("\"\n\"");
        let text = e.to_string();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert_eq!(
            text,
            "a\\nb.csv, line 1, field `\"\\n\"`: unknown column \"x\\ny\""
        );
        // Letters outside ASCII are shown as typed.
        assert_eq!(InputError::new("é.csv", "ü").to_string(), "é.csv: ü");
    }
}
