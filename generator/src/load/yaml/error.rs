//! The error both YAML readers return, so that neither depends on the other
//! for it.

/// A YAML syntax error (or a value JSON cannot hold).
#[derive(Debug)]
pub struct YamlError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, with the line and column when known.
    pub message: String,
}
