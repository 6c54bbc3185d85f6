//! Errors and diagnostics with a span: file, line and what was expected.

use std::fmt;

use crate::ir::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something in the input could not be read: the operation it is in was left out (with
    /// `keep_going`) or the run fails.
    #[default]
    Error,
    /// A defect that was worked around without losing an operation (e.g. a schema's `required`
    /// naming a property it does not have). Reported, never fatal.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in an input, pointing at the line that caused it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub severity: Severity,
}

impl Diagnostic {
    /// An error: what it points at could not be read.
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// A warning: worked around, nothing left out.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(span, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `expected X, found Y` in the house style.
    pub fn expected(
        span: Span,
        expected: impl fmt::Display,
        found: impl fmt::Display,
    ) -> Diagnostic {
        Diagnostic::new(span, format!("expected {expected}, found {found}"))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.span, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Everything that can stop the generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// One or more problems in the input; each names its file and line.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("{path}: invalid config: {message}")]
    Config { path: String, message: String },
    #[error("{0}")]
    Other(String),
}

fn render_all(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}: {d}", d.severity));
    }
    out
}

impl Error {
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
