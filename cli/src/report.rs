//! What the command prints: errors with the source line they point at,
//! warnings, and what was written.

use std::path::Path;
use std::process::ExitCode;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use openapi_rust_gen::{Error, ErrorKind, GeneratedCrate, Location, Warning};

/// How much to print besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Errors, warnings and a summary.
    Normal,
    /// Also every file written.
    Verbose,
}

impl Verbosity {
    /// From `-q` and `-v`.
    pub fn from_flags(quiet: bool, verbose: bool) -> Self {
        match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

/// 1 for what the user can fix (the spec, the file system), 3 for a bug of
/// the generator, so scripts can tell them apart.
pub fn exit_code(error: &Error) -> ExitCode {
    match error.kind() {
        ErrorKind::Spec | ErrorKind::Io => ExitCode::FAILURE,
        ErrorKind::Bug => ExitCode::from(3),
    }
}

/// The error, with the line of the document it points at under it when
/// the location has a line and the file can be read.
pub fn error(error: &Error) -> String {
    let title = match error.kind() {
        ErrorKind::Bug => format!("generator bug: {}", error.message),
        ErrorKind::Spec | ErrorKind::Io => error.message.clone(),
    };
    match source_line(&error.location) {
        Some(line) => annotated(&title, &error.location, &line),
        None => format!("error: {error}"),
    }
}

/// The text of the line a location points at, with the file's name.
struct SourceLine {
    path: String,
    number: usize,
    text: String,
}

/// The line a location names, or the line its JSON pointer leads to.
fn source_line(location: &Location) -> Option<SourceLine> {
    let file = location.file.as_ref()?;
    let text = std::fs::read_to_string(file).ok()?;
    let number = match (location.line, &location.pointer) {
        (Some(line), _) => line,
        (None, Some(pointer)) => openapi_rust_gen::load::line_of_pointer(&text, pointer)?,
        (None, None) => return None,
    };
    // A parser that ran out of input points one line past the last.
    let count = text.lines().count();
    let number = number.min(count);
    let line = text.lines().nth(number.checked_sub(1)?)?;
    Some(SourceLine {
        path: file.display().to_string(),
        number,
        text: line.to_owned(),
    })
}

fn annotated(title: &str, location: &Location, line: &SourceLine) -> String {
    let content = line.text.trim_end();
    // The line's text, from its first non-blank character.
    let start = content.len() - content.trim_start().len();
    let label = location
        .pointer
        .as_deref()
        .map(|pointer| format!("at {pointer}"))
        .unwrap_or_default();
    let report = &[Level::ERROR.primary_title(title).element(
        Snippet::source(content)
            .line_start(line.number)
            .path(line.path.as_str())
            .annotation(
                AnnotationKind::Primary
                    .span(start..content.len().max(start))
                    .label(label.as_str()),
            ),
    )];
    Renderer::plain().render(report).to_string()
}

/// The generator's warnings, unless quiet.
pub fn warnings(warnings: &[Warning], verbosity: Verbosity) {
    if verbosity == Verbosity::Quiet {
        return;
    }
    for warning in warnings {
        eprintln!("{warning}");
    }
}

/// What was written: a summary line, and each file when verbose.
pub fn written(generated: &GeneratedCrate, dir: &Path, verbosity: Verbosity) {
    if verbosity == Verbosity::Verbose {
        for path in generated.files.keys() {
            println!("  {}", dir.join(path).display());
        }
    }
    if verbosity != Verbosity::Quiet {
        println!(
            "wrote {} files to {} ({} warnings)",
            generated.files.len(),
            dir.display(),
            generated.warnings.len()
        );
    }
}
