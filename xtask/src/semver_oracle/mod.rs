//! `cargo xtask semver-oracle`: cargo-semver-checks as an oracle for spec
//! changes. For each pair of OpenAPI documents (old, new) both crates are
//! generated with the same package name and version, their rustdoc JSON is
//! built, and `cargo semver-checks` compares the two, telling whether the
//! change to the generated crate needs a major or a minor release, or none.
//!
//! - Pairs come from `--pairs DIR` (one sub-directory per pair holding
//!   `old.yaml` and `new.yaml`, and optionally an `expected.json` whose
//!   `semver_checks` field, `"pass…"` or `"fail…"`, is checked) and from
//!   `--history DIR` (versioned documents; consecutive files in file-name
//!   order make the pairs). Without either: `tests/diff_pairs` and
//!   `../shared/corpus/kelviq/history`.
//! - Every crate is generated up front into
//!   `target/semver-oracle/pairs/<pair>/{old,new}`, each a package of its own
//!   (`[workspace]` in its manifest) with a copy of the workspace's
//!   Cargo.lock, version 1.0.0 (so that the bump cargo-semver-checks asks
//!   for is major, minor or none, not the 0.x reading of it).
//! - Rustdoc JSON is built for each distinct crate (consecutive history
//!   pairs share one side, hand pairs may share a baseline) not kept from
//!   an earlier run, by one `cargo doc --no-deps --keep-going` over a
//!   scratch workspace (`target/semver-oracle/batch`) with rustdoc's JSON
//!   output (`RUSTC_BOOTSTRAP=1`), into one target directory,
//!   `target/semver-oracle/target`: dependencies compile once and cargo
//!   documents as many crates at once as there are cores. A workspace
//!   cannot hold two packages of one name, so each member is a copy of its
//!   crate renamed `oracle_<hash>`; the name is put back in its JSON, kept
//!   as `target/semver-oracle/rustdoc/<hash>.json` (the hash covers the
//!   crate's files and the toolchain). A crate the batch gives no JSON for
//!   is built alone with `cargo rustdoc` in its own directory, for an error
//!   message about that crate only.
//! - `cargo semver-checks --baseline-rustdoc … --current-rustdoc …
//!   --release-type patch` then runs for all pairs, in parallel.
//!
//! The task fails when a pair cannot be checked (it does not generate, its
//! crate does not document, cargo-semver-checks gives no verdict), or when
//! the verdict disagrees with the pair's `expected.json`; the verdicts
//! themselves, breaking or not, are the report. The JSON report is
//! `target/semver-oracle/report.json` unless `--json` says otherwise.
//!
//! cargo-semver-checks is installed (`cargo install cargo-semver-checks
//! --locked`) when `cargo semver-checks --version` fails.

mod check;
mod generate;
mod output;
mod pairs;
mod report;
mod rustdoc;
mod semver_checks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::api_probe::{ProbeInput, ProbeReport};
use check::{check_pairs_with, Run, Settings, Timings};
use pairs::{groups, Group, SpecPair};
use report::{table, Row};
use semver_checks::SemverReport;

/// What `cargo xtask semver-oracle` runs on.
#[derive(Debug, Clone)]
pub struct OracleArgs {
    /// The workspace root.
    pub root: PathBuf,
    /// `--pairs` directories.
    pub pairs: Vec<PathBuf>,
    /// `--history` directories.
    pub history: Vec<PathBuf>,
    /// Where to write the JSON report.
    pub json: Option<PathBuf>,
}

/// `cargo xtask semver-oracle`: fails when a pair cannot be checked, or
/// when cargo-semver-checks disagrees with a pair's
/// `expected.json` `semver_checks`.
pub fn run(command: &OracleArgs) -> Result<ExitCode> {
    let groups = find_groups(command)?;
    let all: Vec<SpecPair> = groups
        .iter()
        .flat_map(|group| group.pairs.iter().map(|p| p.pair.clone()))
        .collect();
    if all.is_empty() {
        bail!("no spec pairs found");
    }

    let settings = Settings::in_workspace(&command.root);
    let run = check_pairs_with(&settings, &all)?;
    let probes = probe_pairs(&command.root, &all, &run)?;

    let mismatches = print_groups(&groups, &run, &probes);
    print_timings(all.len(), &run.timings);
    let json = command
        .json
        .clone()
        .unwrap_or_else(|| settings.work.join("report.json"));
    write_json(&run, &json)?;
    println!("report: {}", json.display());

    let errors: Vec<&SemverReport> = run.reports.iter().filter(|r| r.error.is_some()).collect();
    for report in &errors {
        eprintln!("\nERROR {}", report.error.as_deref().unwrap_or_default());
    }
    for mismatch in &mismatches {
        eprintln!("MISMATCH {mismatch}");
    }
    Ok(if errors.is_empty() && mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The pairs of the `--pairs` and `--history` directories, or of the
/// defaults when neither is given.
fn find_groups(command: &OracleArgs) -> Result<Vec<Group>> {
    if command.pairs.is_empty() && command.history.is_empty() {
        let beside = command.root.parent().unwrap_or(&command.root);
        groups(
            &[command.root.join("tests/diff_pairs")],
            &[beside.join("shared/corpus/kelviq/history")],
        )
    } else {
        groups(&command.pairs, &command.history)
    }
}

/// Prints each group's table (and, for the history, each pair's diff
/// report); returns where the verdicts disagree.
fn print_groups(groups: &[Group], run: &Run, probes: &[Option<ProbeReport>]) -> Vec<String> {
    let mut reports = run.reports.iter().zip(probes);
    let mut mismatches = Vec::new();
    for group in groups {
        println!("\n# {}\n", group.title);
        let rows: Vec<Row> = group
            .pairs
            .iter()
            .zip(reports.by_ref())
            .map(|(pair, (report, probe))| Row::new(pair, report, probe.as_ref()))
            .collect();
        if group.print_diff_reports {
            for report in rows.iter().filter_map(Row::diff_report) {
                println!("{report}");
            }
        }
        print!("{}", table(&rows));
        for row in &rows {
            mismatches.extend(row.mismatches());
        }
    }
    mismatches
}

fn print_timings(pairs: usize, t: &Timings) {
    println!(
        "\n{} pairs in {:.1}s: generation {:.1}s, rustdoc JSON {:.1}s ({} distinct crates, {} built, \
         the others kept from an earlier run), cargo-semver-checks {:.1}s",
        pairs,
        t.total_seconds,
        t.generate_seconds,
        t.rustdoc_seconds,
        t.rustdoc_crates,
        t.rustdoc_built,
        t.semver_checks_seconds
    );
}

fn write_json(run: &Run, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(run).context("cannot serialise the report")?;
    std::fs::write(path, text + "\n").with_context(|| format!("{}: cannot write", path.display()))
}

/// The compiler's verdict on each pair: code using every item of the old
/// crate with its exact types, compiled against the new crate
/// ([`api_probe`](crate::api_probe)). `None` for a pair whose crates did
/// not generate.
fn probe_pairs(root: &Path, pairs: &[SpecPair], run: &Run) -> Result<Vec<Option<ProbeReport>>> {
    let inputs: Vec<ProbeInput> = pairs
        .iter()
        .zip(&run.crate_dirs)
        .filter_map(|(pair, dirs)| {
            let [old, new] = dirs.as_ref()?;
            Some(ProbeInput {
                label: pair.label.clone(),
                old_spec: pair.old.clone(),
                old_crate_dir: old.clone(),
                new_crate_dir: new.clone(),
                crate_name: pair.crate_name.clone(),
            })
        })
        .collect();
    let mut reports = crate::api_probe::check_probes(root, &inputs)?.into_iter();
    Ok(run
        .crate_dirs
        .iter()
        .map(|dirs| dirs.as_ref().and_then(|_| reports.next()))
        .collect())
}
