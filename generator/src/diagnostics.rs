//! Located errors and warnings: every message says where (file, line or JSON
//! pointer) and what.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the input a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    /// The document, as given to the loader.
    pub file: Option<PathBuf>,
    /// 1-based line, when the parser reported one.
    pub line: Option<usize>,
    /// JSON pointer inside the document (`#/paths/~1plans/get`).
    pub pointer: Option<String>,
}

impl Location {
    /// A location at a JSON pointer inside a file.
    pub fn at(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location {
            file: Some(file.into()),
            line: None,
            pointer: Some(pointer.into()),
        }
    }

    /// A location that names only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: Some(file.into()),
            ..Location::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            wrote = true;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            wrote = true;
        }
        if let Some(pointer) = &self.pointer {
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "at {pointer}")?;
            wrote = true;
        }
        if !wrote {
            f.write_str("<input>")?;
        }
        Ok(())
    }
}

/// Whose fault an [`Error`] is, which decides what the user can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is not a description the generator can turn into a crate:
    /// the user fixes the document.
    Spec,
    /// Reading the input or writing the crate failed, or the system refused
    /// a resource (a thread): the user fixes the environment.
    Io,
    /// The generator itself failed — it panicked, or its own output broke an
    /// invariant (generated code that does not parse). Never the user's
    /// fault; tests and the fuzzer treat it as a failure.
    Bug,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Spec => "error in the spec",
            ErrorKind::Io => "I/O error",
            ErrorKind::Bug => "generator bug",
        })
    }
}

/// A generation failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// Private, so that every error is built through a constructor that
    /// states its kind.
    kind: ErrorKind,
}

impl Error {
    /// A problem in the spec at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Error {
            location,
            message: message.into(),
            kind: ErrorKind::Spec,
        }
    }

    /// An I/O failure on `path`.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Error::environment(Location::file(path), format!("cannot {action}: {err}"))
    }

    /// A failure of the environment (I/O, threads) that is not about a file
    /// operation.
    pub fn environment(location: Location, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Io,
            ..Error::new(location, message)
        }
    }

    /// A generator bug noticed while working on the input at `location`.
    pub fn bug(location: Location, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Bug,
            ..Error::new(location, message)
        }
    }

    /// Whose fault this error is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whoever prints a bug says so, even a caller that only formats it.
        if self.kind == ErrorKind::Bug {
            write!(f, "{}: ", self.kind)?;
        }
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Something the generator handled in a degraded way, and the user should know.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where the construct is.
    pub location: Location,
    /// What was done instead.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Result alias for the generator's stages.
pub type Result<T> = std::result::Result<T, Error>;
