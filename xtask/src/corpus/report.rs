//! The corpus report: one row per document, as a table and as JSON.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use super::compile::Diagnostic;

/// How one document fared.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The document, as the table names it.
    pub file: String,
    /// The path it was read from.
    pub path: String,
    /// Package name of its crate.
    pub crate_name: String,
    /// Operations in the API model (`null` when it does not lower).
    pub operations: Option<usize>,
    /// Entries of `components.schemas` (`null` when it does not load).
    pub schemas: Option<usize>,
    /// A crate was generated (and written, when compiling).
    pub generated: bool,
    /// Generation failed with a generator bug (a panic, an error of kind
    /// `Bug`, or a hang), not because of the document.
    pub generator_bug: bool,
    /// The crate compiles (`null` when none was generated).
    pub compiled: Option<bool>,
    /// The generator's warnings.
    pub generator_warnings: Vec<String>,
    /// rustc/clippy warnings in the generated code, including lints that
    /// `-D warnings` turned into errors.
    pub compiler_warnings: usize,
    /// rustc errors in the generated code.
    pub compiler_errors: usize,
    /// The generator's error, or else the first compiler error (or
    /// warning).
    pub first_error: Option<String>,
    /// Every rustc/clippy diagnostic in the generated code.
    pub compiler_diagnostics: Vec<Diagnostic>,
    /// Time spent generating the crate.
    pub seconds: f64,
}

/// What a document must show for its row to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// It generates, compiles and has no compiler warnings. (Generator
    /// warnings are allowed: they name constructs handled in a degraded
    /// way.)
    Compiles,
    /// It generates (`--no-compile`).
    Generates,
    /// It generates or is rejected with a spec error, but shows no
    /// generator bug (`--mutate`: most mutated documents are invalid).
    NoGeneratorBug,
}

impl Row {
    /// Whether the row shows what `expected` asks.
    pub fn passed(&self, expected: Expectation) -> bool {
        match expected {
            Expectation::Compiles => {
                self.generated && self.compiled == Some(true) && self.compiler_warnings == 0
            }
            Expectation::Generates => self.generated,
            Expectation::NoGeneratorBug => !self.generator_bug,
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The files and directories the documents were taken from.
    pub inputs: Vec<String>,
    /// One row per document, in the order they were generated.
    pub documents: Vec<Row>,
    /// Time spent generating, all documents together.
    pub generation_seconds: f64,
    /// Wall time of the one shared `cargo clippy` run.
    pub compile_seconds: f64,
    /// Whether that run was `--offline` (`null` when there was none).
    pub compile_offline: Option<bool>,
    /// What each document had to show.
    pub expectation: Expectation,
    /// Every document passed.
    pub passed: bool,
}

const FIRST_ERROR_WIDTH: usize = 80;

/// A Markdown table, padded so that it also reads as plain text.
pub fn table(rows: &[Row]) -> String {
    let header = [
        "file",
        "operations",
        "schemas",
        "generated",
        "compiled",
        "generator warnings",
        "compiler warnings",
        "seconds",
        "first error",
    ];
    let cells: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let numeric = |column: usize| (1..=7).contains(&column) && column != 3 && column != 4;
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    write_line(&mut out, &header, &widths, &|_| false);
    let rule: Vec<String> = (0..widths.len())
        .map(|column| {
            let dashes = "-".repeat(widths[column].saturating_sub(1).max(2));
            if numeric(column) {
                format!("{dashes}:")
            } else {
                format!("{dashes}-")
            }
        })
        .collect();
    write_line(&mut out, &rule, &widths, &|_| false);
    for row in &cells {
        write_line(&mut out, row, &widths, &numeric);
    }
    out
}

fn cells(row: &Row) -> Vec<String> {
    let count = |n: Option<usize>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    vec![
        row.file.clone(),
        count(row.operations),
        count(row.schemas),
        yes_no(row.generated),
        row.compiled.map_or_else(|| "-".to_owned(), yes_no),
        row.generator_warnings.len().to_string(),
        row.compiler_warnings.to_string(),
        format!("{:.2}", row.seconds),
        row.first_error
            .as_deref()
            .map_or_else(String::new, |e| table_text(e, FIRST_ERROR_WIDTH)),
    ]
}

fn write_line(
    out: &mut String,
    cells: &[String],
    widths: &[usize],
    right_aligned: &dyn Fn(usize) -> bool,
) {
    out.push('|');
    for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if right_aligned(column) {
            let _ = write!(out, " {cell:>width$} |");
        } else {
            let _ = write!(out, " {cell:<width$} |");
        }
    }
    out.push('\n');
}

/// One line, at most `width` characters, safe inside a Markdown table.
fn table_text(text: &str, width: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let escaped = one_line.replace('|', "\\|");
    if escaped.chars().count() <= width {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(width - 1).collect();
    if cut.ends_with('\\') {
        cut.pop();
    }
    cut.push('…');
    cut
}

/// Totals, after the table.
pub fn summary(report: &Report) -> String {
    let rows = &report.documents;
    let generated = rows.iter().filter(|r| r.generated).count();
    let compiled = rows.iter().filter(|r| r.compiled == Some(true)).count();
    let generator_warnings: usize = rows.iter().map(|r| r.generator_warnings.len()).sum();
    let compiler_warnings: usize = rows.iter().map(|r| r.compiler_warnings).sum();
    let bugs = rows.iter().filter(|r| r.generator_bug).count();
    format!(
        "{}: {generated} generated, {} rejected, {compiled} compiled; {}; {}, {}.\n\
         generation {:.1}s in all; one shared `cargo clippy -D warnings` ({}) {:.1}s\n",
        plural(rows.len(), "document"),
        rows.len() - generated - bugs,
        plural(bugs, "generator bug"),
        plural(generator_warnings, "generator warning"),
        plural(compiler_warnings, "compiler warning"),
        report.generation_seconds,
        match report.compile_offline {
            Some(true) => "offline",
            Some(false) => "online",
            None => "not run",
        },
        report.compile_seconds,
    )
}

/// `1 document`, `2 documents`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Writes the report as pretty JSON, creating the directory.
pub fn write_json(report: &Report, path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create", parent.display()))?;
    }
    let json = serde_json::to_string_pretty(report).context("cannot serialize the report")?;
    std::fs::write(path, json + "\n").with_context(|| format!("{}: cannot write", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_errors_are_cut_to_one_escaped_line() {
        assert_eq!(table_text("a |\n b", 10), "a \\| b");
        assert_eq!(table_text("abcdefghijkl", 5), "abcd…");
    }
}
