//! `cargo xtask corpus`: generate a crate from every document of a corpus of
//! real OpenAPI descriptions, compile them all with one `cargo clippy -D
//! warnings` in a scratch workspace, and report per document. With
//! `--no-compile` it only generates; with `--mutate N` it generates from N
//! randomly corrupted copies of the documents instead, and fails only on a
//! generator bug.

mod compile;
mod documents;
mod generation;
mod mutate;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use compile::{ClippyRun, MemberOutcome};
use documents::Document;
use generation::Generation;
use report::{Expectation, Report, Row};

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
    /// Compile the generated crates (else they are generated, not written).
    pub compile: bool,
    /// Generate from this many mutated copies of the documents instead.
    pub mutate: Option<Mutation>,
    /// Longest a document may take to generate; longer is a hang.
    pub time_limit: Duration,
}

/// `--mutate N --seed S`.
#[derive(Debug, Clone, Copy)]
pub struct Mutation {
    /// Mutated documents to make.
    pub count: usize,
    /// Seed of the mutations.
    pub seed: u64,
}

impl Settings {
    /// What each row must show: mutated documents may be rejected, and
    /// nothing compiles under `--no-compile` or `--mutate`.
    fn expectation(&self) -> Expectation {
        match (self.mutate, self.compile) {
            (Some(_), _) => Expectation::NoGeneratorBug,
            (None, true) => Expectation::Compiles,
            (None, false) => Expectation::Generates,
        }
    }

    fn compiles(&self) -> bool {
        self.expectation() == Expectation::Compiles
    }
}

/// Runs the corpus; fails when a row does not show what the settings
/// expect (see [`Settings::expectation`]).
pub fn run(settings: &Settings) -> Result<ExitCode> {
    let _guard = scratch_workspace::lock(&settings.workspace, "corpus")?;
    // Cargo reports canonical manifest paths; compare like with like.
    let root = settings
        .workspace
        .canonicalize()
        .with_context(|| format!("{}: cannot resolve", settings.workspace.display()))?;
    let documents = documents_to_run(settings, &root)?;
    let generations = generate_all(&documents, &root, settings);
    let clippy = if settings.compiles() {
        compile_generated(&documents, &generations, &root, settings)?
    } else {
        None
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
    let expectation = settings.expectation();
    let report = Report {
        inputs: display_inputs(&settings.inputs),
        generation_seconds: rows.iter().map(|r| r.seconds).sum(),
        compile_seconds: clippy.as_ref().map_or(0.0, |c| c.seconds),
        compile_offline: clippy.as_ref().map(|c| c.offline),
        passed: rows.iter().all(|r| r.passed(expectation)),
        expectation,
        documents: rows,
    };
    print_report(&report, settings)
}

/// The corpus documents, or their mutated copies (written under
/// `<workspace>/mutated`).
fn documents_to_run(settings: &Settings, workspace: &Path) -> Result<Vec<Document>> {
    let documents = documents::find(&settings.inputs)?;
    if documents.is_empty() {
        bail!(
            "no OpenAPI documents (.json, .yaml, .yml) in {}",
            display_inputs(&settings.inputs).join(", ")
        );
    }
    match settings.mutate {
        None => Ok(documents),
        Some(Mutation { count, seed }) => {
            let dir = workspace.join("mutated");
            eprintln!(
                "{count} mutated documents (seed {seed}) in {}",
                dir.display()
            );
            mutate::mutate(&documents, count, seed, &dir)
        }
    }
}

/// One `cargo clippy` over every generated crate (`None` when none was).
fn compile_generated(
    documents: &[Document],
    generations: &[Generation],
    root: &Path,
    settings: &Settings,
) -> Result<Option<ClippyRun>> {
    let members: Vec<String> = documents
        .iter()
        .zip(generations)
        .filter(|(_, g)| g.error.is_none())
        .map(|(d, _)| d.crate_name.clone())
        .collect();
    if members.is_empty() {
        return Ok(None);
    }
    // The workspace is reused from run to run, so that unchanged crates
    // are not checked again. Crates of earlier runs that are not members
    // this time stay on disk, ignored: running on part of the corpus does
    // not cost a full check later.
    scratch_workspace::write_scratch_workspace(root, &members, &settings.lockfile)?;
    eprintln!(
        "cargo clippy on {} generated crates in {} (builds in {})",
        members.len(),
        settings.workspace.display(),
        settings.target.display()
    );
    compile::clippy(root, &settings.target).map(Some)
}

/// Prints the table (not for mutated documents: too many rows), the
/// summary and the failures, and writes the JSON report.
fn print_report(report: &Report, settings: &Settings) -> Result<ExitCode> {
    if settings.mutate.is_none() {
        print!("{}", report::table(&report.documents));
        println!();
    }
    print!("{}", report::summary(report));
    report::write_json(report, &settings.json)?;
    println!("report: {}", settings.json.display());
    if report.passed {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!();
    for row in report
        .documents
        .iter()
        .filter(|r| !r.passed(report.expectation))
    {
        eprintln!("FAILED {} ({}): {}", row.file, row.path, failure(row));
    }
    if settings.compiles() {
        eprintln!(
            "the generated crates are in {}",
            settings.workspace.display()
        );
    }
    Ok(ExitCode::FAILURE)
}

fn display_inputs(inputs: &[PathBuf]) -> Vec<String> {
    inputs.iter().map(|p| p.display().to_string()).collect()
}

/// Generates every document's crate (into `workspace/<crate name>` when
/// compiling), reporting progress on stderr: every document, or every
/// hundredth of mutated ones.
fn generate_all(documents: &[Document], workspace: &Path, settings: &Settings) -> Vec<Generation> {
    let quiet = settings.mutate.is_some();
    documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            let out = workspace.join(&document.crate_name);
            let generation = generation::generate_into(
                &document.path,
                &document.crate_name,
                settings.compiles().then_some(out.as_path()),
                settings.time_limit,
            );
            if quiet {
                if (index + 1) % 100 == 0 {
                    eprintln!("{} of {} documents", index + 1, documents.len());
                }
                return generation;
            }
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
        generator_bug: generation.bug,
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
    if row.generator_bug {
        detail.to_owned()
    } else if !row.generated {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A document whose schema nests `depth` objects and is then cut off:
    /// reading it recurses as deep as it nests before the error is found.
    fn deep_corrupted_document(depth: usize) -> String {
        let open = r#"{"type":"object","properties":{"a":"#.repeat(depth);
        format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"Deep","version":"1"}},"paths":{{}},
            "components":{{"schemas":{{"Deep":{open}{{"type":"string"}} ]]"#
        )
    }

    const FINE_DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: Fine, version: '1'}\npaths: {}\n";

    /// One bad document is one failed row, never the end of the run: the
    /// run happens on a test thread (2 MiB of stack), where reading the
    /// deep document outside the generator's own stack would overflow.
    #[test]
    fn a_deep_corrupted_document_is_one_failed_row() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let inputs = dir.path().join("documents");
        std::fs::create_dir(&inputs).expect("create the inputs");
        std::fs::write(inputs.join("a-deep.json"), deep_corrupted_document(6_000)).expect("write");
        std::fs::write(inputs.join("b-fine.yaml"), FINE_DOCUMENT).expect("write");
        let settings = Settings {
            inputs: vec![inputs],
            json: dir.path().join("report.json"),
            workspace: dir.path().join("workspace"),
            target: dir.path().join("target"),
            lockfile: dir.path().join("Cargo.lock"),
            compile: false,
            mutate: None,
            time_limit: Duration::from_secs(120),
        };
        run(&settings).expect("the run completes");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&settings.json).expect("the report"))
                .expect("JSON");
        let rows = report["documents"].as_array().expect("rows");
        assert_eq!(rows.len(), 2, "{report:#}");
        assert_eq!(rows[0]["generated"], false);
        assert_eq!(rows[0]["generator_bug"], false);
        let error = rows[0]["first_error"].as_str().expect("an error");
        assert!(error.contains("a-deep.json"), "not located: {error}");
        assert_eq!(rows[1]["generated"], true, "{report:#}");
        assert_eq!(report["passed"], false);
    }
}
