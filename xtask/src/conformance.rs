//! `cargo xtask conformance`: the clients of real documents against
//! Stoplight Prism (see the `conformance` crate). Clients and drivers are
//! generated into `target/conformance-workspace/` and built into
//! `target/conformance/`; Prism comes from `tests/package-lock.json`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::Value;

/// Runs the documents `paths` (or the default set) and prints the table,
/// the client faults and the reasons operations went unexercised.
pub fn run(
    paths: &[PathBuf],
    rounds: Option<usize>,
    seed: u64,
    json: Option<PathBuf>,
) -> Result<ExitCode> {
    let root = scratch_workspace::workspace_root();
    let inputs = if paths.is_empty() {
        default_inputs(&root)
    } else {
        paths.to_vec()
    };
    let settings = conformance::Settings {
        inputs,
        rounds,
        workspace: root.join("target/conformance-workspace"),
        target: root.join("target/conformance"),
        lockfile: root.join("Cargo.lock"),
        npm_dir: root.join("tests"),
        seed,
    };
    let started = Instant::now();
    let reports = conformance::run(&settings).map_err(anyhow::Error::msg)?;
    let json_path = json.unwrap_or_else(|| root.join("target/conformance-report.json"));
    let document: Value = reports
        .iter()
        .map(conformance::DocumentReport::to_json)
        .collect();
    let text = serde_json::to_string_pretty(&document).context("cannot serialise the report")?;
    std::fs::write(&json_path, text)
        .with_context(|| format!("{}: cannot write", json_path.display()))?;
    println!("{}", conformance::report::table(&reports));
    print!("{}", conformance::report::details(&reports));
    let faults: usize = reports
        .iter()
        .map(conformance::DocumentReport::client_faults)
        .sum();
    let operations: usize = reports.iter().map(|r| r.operations).sum();
    let exercised: usize = reports.iter().map(|r| r.static_pass.exercised.len()).sum();
    println!(
        "{} documents, {operations} operations, {exercised} exercised in the static pass, {faults} client faults, in {:.0?}; report: {}",
        reports.len(),
        started.elapsed(),
        json_path.display()
    );
    Ok(if faults == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `../shared/corpus/{public,public31}`, kelviq's latest spec and its 3.1
/// version, without the `..`.
fn default_inputs(root: &std::path::Path) -> Vec<PathBuf> {
    let corpus = root.parent().unwrap_or(root).join("shared/corpus");
    vec![
        corpus.join("public"),
        corpus.join("public31"),
        corpus.join("kelviq/openapi.json"),
        corpus.join("kelviq/history/000_2025-12-26_6e2dd396.json"),
    ]
}
