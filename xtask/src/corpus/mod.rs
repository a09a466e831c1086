//! `cargo xtask corpus`: generate a crate from every document of a corpus of
//! real OpenAPI descriptions, compile them all with one `cargo clippy -D
//! warnings` in a scratch workspace, and report per document.

mod compile;
mod documents;
mod generation;
mod report;
mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use compile::{ClippyRun, MemberOutcome};
use documents::Document;
use generation::Generation;
use report::{Report, Row};

/// What to run on, and where things go.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Documents, or directories of documents.
    pub inputs: Vec<PathBuf>,
    /// Where the JSON report goes.
    pub json: PathBuf,
    /// The scratch workspace the crates are generated into. It is reused
    /// from run to run: crates whose code did not change are not checked
    /// again (cargo replays their diagnostics).
    pub workspace: PathBuf,
    /// `CARGO_TARGET_DIR` of the clippy run, shared between runs.
    pub target: PathBuf,
    /// The Cargo.lock to copy into the scratch workspace.
    pub lockfile: PathBuf,
}

/// Runs the corpus; fails when a document does not generate, does not
/// compile or has compiler warnings.
pub fn run(settings: &Settings) -> Result<ExitCode, String> {
    let documents = documents::find(&settings.inputs)?;
    if documents.is_empty() {
        return Err(format!(
            "no OpenAPI documents (.json, .yaml, .yml) in {}",
            display_inputs(&settings.inputs).join(", ")
        ));
    }
    let _guard = crate::scratch::lock(&settings.workspace, "corpus")?;
    // Cargo reports canonical manifest paths; compare like with like.
    let root = settings
        .workspace
        .canonicalize()
        .map_err(|e| format!("{}: {e}", settings.workspace.display()))?;

    let generations = generate_all(&documents, &root);
    let members: Vec<String> = documents
        .iter()
        .zip(&generations)
        .filter(|(_, g)| g.error.is_none())
        .map(|(d, _)| d.crate_name.clone())
        .collect();
    let clippy = if members.is_empty() {
        None
    } else {
        workspace::write_manifest(&root, &members, &settings.lockfile)?;
        eprintln!(
            "cargo clippy on {} generated crates in {} (builds in {})",
            members.len(),
            settings.workspace.display(),
            settings.target.display()
        );
        Some(compile::clippy(&root, &settings.target)?)
    };
    let outcomes = clippy
        .as_ref()
        .map(|run| compile::attribute(run, &root))
        .unwrap_or_default();

    let rows: Vec<Row> = documents
        .iter()
        .zip(generations)
        .map(|(document, generation)| row(document, generation, clippy.as_ref(), &outcomes))
        .collect();
    let report = Report {
        inputs: display_inputs(&settings.inputs),
        generation_seconds: rows.iter().map(|r| r.seconds).sum(),
        compile_seconds: clippy.as_ref().map_or(0.0, |c| c.seconds),
        compile_offline: clippy.as_ref().map(|c| c.offline),
        passed: rows.iter().all(Row::passed),
        documents: rows,
    };

    print!("{}", report::table(&report.documents));
    println!();
    print!("{}", report::summary(&report));
    report::write_json(&report, &settings.json)?;
    println!("report: {}", settings.json.display());
    if report.passed {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!();
    for row in report.documents.iter().filter(|r| !r.passed()) {
        eprintln!("FAILED {}: {}", row.file, failure(row));
    }
    eprintln!(
        "the generated crates are in {}",
        settings.workspace.display()
    );
    Ok(ExitCode::FAILURE)
}

fn display_inputs(inputs: &[PathBuf]) -> Vec<String> {
    inputs.iter().map(|p| p.display().to_string()).collect()
}

/// Generates every document's crate into `workspace/<crate name>`,
/// reporting progress on stderr.
fn generate_all(documents: &[Document], workspace: &Path) -> Vec<Generation> {
    documents
        .iter()
        .map(|document| {
            let generation = generation::generate_into(
                &document.path,
                &document.crate_name,
                &workspace.join(&document.crate_name),
            );
            match &generation.error {
                None => eprintln!(
                    "generated {} from {} in {:.2}s ({} generator warnings)",
                    document.crate_name,
                    document.display,
                    generation.seconds,
                    generation.warnings.len()
                ),
                Some(e) => eprintln!("NOT generated from {}: {e}", document.display),
            }
            generation
        })
        .collect()
}

/// One document's row: its generation, and what clippy said about its
/// crate.
fn row(
    document: &Document,
    generation: Generation,
    clippy: Option<&ClippyRun>,
    outcomes: &BTreeMap<String, MemberOutcome>,
) -> Row {
    let generated = generation.error.is_none();
    let outcome = outcomes
        .get(&document.crate_name)
        .cloned()
        .unwrap_or_default();
    let compiled = match clippy {
        Some(run) if generated => Some(run.success || outcome.compiled()),
        _ => None,
    };
    let first_error = generation.error.clone().or_else(|| {
        outcome
            .first_problem()
            .map(compile::Diagnostic::summary)
            .or_else(|| {
                // Failed, yet nothing about this crate: cargo's own error
                // (resolution, a dependency that does not build).
                (compiled == Some(false))
                    .then(|| clippy.and_then(compile::cargo_error))
                    .flatten()
            })
    });
    Row {
        file: document.display.clone(),
        path: document.path.display().to_string(),
        crate_name: document.crate_name.clone(),
        operations: generation.operations,
        schemas: generation.schemas,
        generated,
        compiled,
        generator_warnings: generation.warnings,
        compiler_warnings: outcome.warnings(),
        compiler_errors: outcome.errors(),
        first_error,
        compiler_diagnostics: outcome.diagnostics,
        seconds: generation.seconds,
    }
}

/// Why a row did not pass, in a few words.
fn failure(row: &Row) -> String {
    let detail = row.first_error.as_deref().unwrap_or("no message");
    if !row.generated {
        format!("not generated: {detail}")
    } else if row.compiled != Some(true) {
        format!(
            "does not compile ({} errors): {detail}",
            row.compiler_errors
        )
    } else {
        format!(
            "{} compiler warnings, first: {detail}",
            row.compiler_warnings
        )
    }
}
