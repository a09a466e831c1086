//! The generator on the vendor's complete published spec.
//!
//! - [`full_spec_against_prism`] runs the conformance machinery (the
//!   `conformance` crate, which `cargo xtask conformance` runs on every
//!   document of the corpus) on `shared/corpus/kelviq/openapi.json`: a
//!   client and a driver that calls every operation with values the spec
//!   allows, against a Stoplight Prism mock of the same spec, once with the
//!   spec's examples as responses and then for a few seeded rounds of
//!   made-up responses; every call is classified by evidence. It also
//!   checks the client is clippy-clean.
//! - [`history_versions_generate_and_compile`] generates and compiles every
//!   published version of the spec under `shared/corpus/kelviq/history/` and
//!   prints a table.
//!
//! Prism (`@stoplight/prism-cli`, pinned in `tests/package.json` and
//! `tests/package-lock.json`) is installed with `npm ci` into
//! `tests/node_modules` the first time; it then runs offline. Builds go to
//! `target/prism-check` of the workspace and are reused between runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use integration_tests::{cargo_offline_first, workspace_root, write_scratch_workspace};
use serde_json::Value;

/// Dynamic rounds, each calling every operation once with Prism's made-up
/// responses; the `PRISM_DYNAMIC_ROUNDS` environment variable asks for more.
const DYNAMIC_ROUNDS: usize = 5;

/// The vendor's spec corpus, checked out beside the workspace.
fn corpus() -> PathBuf {
    workspace_root()
        .join("..")
        .join("shared")
        .join("corpus")
        .join("kelviq")
}

fn target_dir() -> PathBuf {
    workspace_root().join("target").join("prism-check")
}

/// The vendor's full spec through the conformance machinery
/// (`cargo xtask conformance` runs the same code on every document): every
/// operation is exercised in the static pass, no call is a client fault in
/// any pass, and the client is clippy-clean.
#[test]
fn full_spec_against_prism() {
    let spec = corpus().join("openapi.json");
    assert!(
        spec.is_file(),
        "the vendor spec is missing: {}",
        spec.display()
    );
    let rounds = std::env::var("PRISM_DYNAMIC_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DYNAMIC_ROUNDS);
    let workspace = workspace_root()
        .join("target")
        .join("prism-check-workspace");
    let settings = conformance::Settings {
        inputs: vec![spec.clone()],
        rounds: Some(rounds),
        workspace: workspace.clone(),
        target: target_dir(),
        lockfile: workspace_root().join("Cargo.lock"),
        npm_dir: workspace_root().join("tests"),
        seed: 4,
    };
    let started = Instant::now();
    let reports =
        conformance::run(&settings).unwrap_or_else(|e| panic!("the conformance run failed: {e}"));
    eprintln!("{}", conformance::report::table(&reports));
    eprintln!("{}", conformance::report::details(&reports));
    eprintln!("conformance run took {:.1?}", started.elapsed());
    let [report] = reports.as_slice() else {
        panic!("expected one report, got {}", reports.len());
    };
    assert_eq!(report.failure, None, "the document did not run");
    assert_eq!(report.operations, 64, "operations of the vendor spec");
    assert_eq!(
        report.static_pass.exercised.len(),
        report.operations,
        "every operation is answered in the static pass; not exercised: {:?}",
        report.static_pass.not_exercisable
    );
    assert!(
        report.unbuildable.is_empty(),
        "inputs without a valid value: {:?}",
        report.unbuildable
    );
    assert_eq!(
        report.client_faults(),
        0,
        "client faults:\n{}",
        conformance::report::details(&reports)
    );
    assert_eq!(
        report.dynamic.calls,
        rounds * report.operations,
        "every operation is called in every round"
    );

    let client = conformance::workspace::package_name(&spec, "driver")
        .trim_end_matches("-driver")
        .to_owned();
    let clippy = cargo_offline_first(
        &workspace,
        &target_dir(),
        &["clippy", "-p", &client],
        &["-D", "warnings"],
    );
    assert!(
        clippy.status.success(),
        "cargo clippy failed on the crate generated from {}:\n{}",
        spec.display(),
        String::from_utf8_lossy(&clippy.stderr),
    );
}

/// Every published version of the spec generates and compiles; prints a
/// table of version, operations, generated and compiled.
#[test]
fn history_versions_generate_and_compile() {
    let history = corpus().join("history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&history)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", history.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no spec versions in {}",
        history.display()
    );

    let workspace = tempfile::Builder::new()
        .prefix("prism-history-")
        .tempdir()
        .expect("create a temporary directory");
    let started = Instant::now();
    let mut versions = Vec::new();
    let mut members = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let (openapi, operations) = describe_document(file);
        let crate_name = format!("history-{}", name.split('_').next().unwrap_or(&name));
        let generated =
            openapi_rust_gen::generate(file, &openapi_rust_gen::Options::new(&crate_name))
                .map_err(|e| e.to_string())
                .and_then(|generated| {
                    generated
                        .write_to(&workspace.path().join(&crate_name))
                        .map_err(|e| format!("cannot write the crate: {e}"))
                });
        if generated.is_ok() {
            members.push(crate_name.clone());
        }
        versions.push(Version {
            name,
            openapi,
            operations,
            crate_name,
            generated,
            compiled: None,
        });
    }
    write_scratch_workspace(workspace.path(), &members)
        .expect("write the workspace manifest and lock file");
    let output = cargo_offline_first(
        workspace.path(),
        &target_dir(),
        &["clippy", "--keep-going"],
        &["-D", "warnings"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    // With --keep-going cargo names every crate that failed; if it failed
    // without naming one (resolution, say), none counts as compiled.
    let names_failures = stderr.contains("could not compile `");
    for version in versions.iter_mut().filter(|v| v.generated.is_ok()) {
        let failed = stderr.contains(&format!("could not compile `{}`", version.crate_name));
        version.compiled = Some(output.status.success() || (names_failures && !failed));
    }
    let table = history_table(&versions);
    eprintln!(
        "{table}generated and compiled {} versions in {:.1?}",
        members.len(),
        started.elapsed()
    );

    // Every version must generate and compile, the 3.1 one (000) included:
    // the loader rewrites OpenAPI 3.1 into the 3.0 shape.
    let mut problems = String::new();
    for version in &versions {
        match (&version.generated, version.compiled) {
            (Err(e), _) => {
                let _ = writeln!(problems, "{}: not generated: {e}", version.name);
            }
            (Ok(()), Some(false)) => {
                let _ = writeln!(problems, "{}: does not compile", version.name);
            }
            _ => {}
        }
    }
    if !problems.is_empty() {
        let kept = workspace.keep();
        panic!(
            "spec versions that fail (workspace kept in {}):\n{problems}\n{table}\n{stderr}",
            kept.display()
        );
    }
}

struct Version {
    name: String,
    openapi: String,
    operations: usize,
    crate_name: String,
    generated: Result<(), String>,
    compiled: Option<bool>,
}

/// The `openapi` version and the number of operations of a document.
fn describe_document(file: &Path) -> (String, usize) {
    let document: Value = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let openapi = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations = document
        .get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| methods.contains(&k.as_str()))
                        .count()
                })
                .sum()
        });
    (openapi, operations)
}

fn history_table(versions: &[Version]) -> String {
    let mut table = String::new();
    let width = versions
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        table,
        "| {:width$} | openapi | operations | generated | compiled |",
        "version"
    );
    let _ = writeln!(
        table,
        "|-{}-|---------|------------|-----------|----------|",
        "-".repeat(width)
    );
    let mut notes = String::new();
    for version in versions {
        let generated = match &version.generated {
            Ok(()) => "yes",
            Err(e) => {
                let _ = writeln!(notes, "{}: not generated: {e}", version.name);
                "no"
            }
        };
        let compiled = match version.compiled {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        let _ = writeln!(
            table,
            "| {:width$} | {:7} | {:10} | {:9} | {:8} |",
            version.name, version.openapi, version.operations, generated, compiled
        );
    }
    table.push_str(&notes);
    table
}
