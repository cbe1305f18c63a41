//! Posted forms: decoded once, read by name. Never panics on any input (fuzzed in
//! `tests/web.rs`); what is not understood is an error the page turns into a clear answer.

/// A decoded `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

/// Why a form could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the form is not text")]
    NotText,
    #[error("field {0:?} is missing")]
    Missing(&'static str),
    #[error("field {field:?}: expected {expected}")]
    Invalid {
        field: &'static str,
        expected: &'static str,
    },
}

/// At most this many fields are read from one form.
const MAX_FIELDS: usize = 64;

impl Form {
    /// Decodes a body. Bytes that are not UTF-8 after percent-decoding are refused.
    pub fn parse(body: &[u8]) -> Result<Form, FormError> {
        let mut pairs = Vec::new();
        for (k, v) in form_urlencoded::parse(body).take(MAX_FIELDS) {
            // form_urlencoded replaces invalid UTF-8 with U+FFFD; refuse it instead.
            if k.contains('\u{FFFD}') || v.contains('\u{FFFD}') {
                return Err(FormError::NotText);
            }
            pairs.push((k.into_owned(), v.into_owned()));
        }
        Ok(Form { pairs })
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field (checkboxes), in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of a field, which must be present.
    pub fn need(&self, name: &'static str) -> Result<&str, FormError> {
        self.get(name).ok_or(FormError::Missing(name))
    }

    /// A number in `lo..=hi`; an empty field is `None`.
    pub fn number(
        &self,
        name: &'static str,
        lo: f64,
        hi: f64,
        expected: &'static str,
    ) -> Result<Option<f64>, FormError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && (lo..=hi).contains(&x) => Ok(Some(x)),
                _ => Err(FormError::Invalid {
                    field: name,
                    expected,
                }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_decoded() {
        let f = Form::parse(b"text=I+feel+%22alone%22&region=UK&x=").unwrap();
        assert_eq!(f.get("text"), Some("I feel \"alone\""));
        assert_eq!(f.need("region").unwrap(), "UK");
        assert_eq!(f.get("x"), Some(""));
        assert_eq!(f.need("nope"), Err(FormError::Missing("nope")));
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        assert_eq!(Form::parse(b"text=%FF%FE").unwrap_err(), FormError::NotText);
    }

    #[test]
    fn numbers_are_bounded() {
        let f = Form::parse(b"a=3.5&b=9&c=nan&d=").unwrap();
        assert_eq!(f.number("a", 1.0, 7.0, "1 to 7"), Ok(Some(3.5)));
        assert!(f.number("b", 1.0, 7.0, "1 to 7").is_err());
        assert!(f.number("c", 1.0, 7.0, "1 to 7").is_err());
        assert_eq!(f.number("d", 1.0, 7.0, "1 to 7"), Ok(None));
    }
}
