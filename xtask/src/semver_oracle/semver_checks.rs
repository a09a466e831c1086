//! cargo-semver-checks itself: installing it when it is missing, and
//! running it on every pair whose two rustdoc files exist.

use std::fmt;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use anyhow::{anyhow, Result};
use scratch_workspace::clear_package_variables;
use serde::Serialize;

use super::check::Settings;
use super::output::{parse_output, tail, TAIL_LINES};
use super::pairs::SpecPair;
use super::rustdoc::Rustdoc;

/// The release cargo-semver-checks says the change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// No lint failed: a patch release will do.
    None,
    /// Only minor-level lints failed (e.g. something was deprecated).
    Minor,
    /// A major-level lint failed: the change breaks callers.
    Major,
}

impl Bump {
    /// `pass`, `minor` or `major`.
    pub fn verdict(self) -> &'static str {
        match self {
            Bump::None => "pass",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verdict())
    }
}

/// What cargo-semver-checks said about one pair.
#[derive(Debug, Clone, Serialize)]
pub struct SemverReport {
    /// The pair's label.
    pub label: String,
    /// The release the change needs; [`Bump::None`] when `error` is set.
    pub required_bump: Bump,
    /// Ids of the lints that failed (`enum_variant_missing`, …), sorted.
    pub failed_lints: Vec<String>,
    /// The last lines of cargo-semver-checks' output (stdout, then stderr).
    pub output_tail: String,
    /// Why the pair could not be checked (generation, rustdoc or
    /// cargo-semver-checks failed); names the pair and the side.
    pub error: Option<String>,
}

impl SemverReport {
    /// `pass`, `minor`, `major`, or `error`.
    pub fn verdict(&self) -> &'static str {
        if self.error.is_some() {
            "error"
        } else {
            self.required_bump.verdict()
        }
    }
}

/// Makes sure `cargo semver-checks` runs, installing it if it does not.
pub fn ensure_installed(verbose: bool) -> Result<()> {
    if let Some(version) = semver_checks_version() {
        if verbose {
            eprintln!("using {version}");
        }
        return Ok(());
    }
    crate::install::cargo_install("cargo-semver-checks", "cargo-semver-checks")?;
    semver_checks_version()
        .map(|_| ())
        .ok_or_else(|| anyhow!("cargo-semver-checks was installed but `cargo semver-checks --version` still fails (is ~/.cargo/bin on PATH?)"))
}

fn semver_checks_version() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["semver-checks", "--version"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs cargo-semver-checks on every pair whose two rustdoc files exist,
/// on as many threads as there are cores.
pub(super) fn compare_all(
    settings: &Settings,
    pairs: &[SpecPair],
    rustdocs: &[[Result<Rustdoc, String>; 2]],
) -> Vec<SemverReport> {
    let reports: Vec<Mutex<Option<SemverReport>>> =
        pairs.iter().map(|_| Mutex::new(None)).collect();
    let next = Mutex::new(0usize);
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(pairs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = {
                    let Ok(mut next) = next.lock() else { return };
                    let index = *next;
                    *next += 1;
                    index
                };
                let (Some(pair), Some([old, new])) = (pairs.get(index), rustdocs.get(index)) else {
                    return;
                };
                let report = match (old, new) {
                    (Ok(old), Ok(new)) => compare(settings, pair, old, new),
                    (Err(e), _) | (_, Err(e)) => failed(pair, e.clone()),
                };
                if settings.verbose {
                    eprintln!("semver-checks {}: {}", pair.label, report.verdict());
                }
                if let Ok(mut slot) = reports[index].lock() {
                    *slot = Some(report);
                }
            });
        }
    });
    reports
        .into_iter()
        .zip(pairs)
        .map(|(slot, pair)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                failed(
                    pair,
                    format!("pair {}: not checked (a worker thread failed)", pair.label),
                )
            })
        })
        .collect()
}

fn failed(pair: &SpecPair, error: String) -> SemverReport {
    SemverReport {
        label: pair.label.clone(),
        required_bump: Bump::None,
        failed_lints: Vec::new(),
        output_tail: String::new(),
        error: Some(error),
    }
}

fn compare(settings: &Settings, pair: &SpecPair, old: &Rustdoc, new: &Rustdoc) -> SemverReport {
    let mut command = semver_checks_command();
    command
        .args(["--baseline-rustdoc"])
        .arg(&old.json)
        .args(["--current-rustdoc"])
        .arg(&new.json)
        .args(["--release-type", "patch", "--color", "never"]);
    clear_package_variables(&mut command);
    let output = command
        .current_dir(&settings.work)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .output();
    match output {
        Err(e) => failed(
            pair,
            format!("pair {}: cannot run cargo semver-checks: {e}", pair.label),
        ),
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            // Source paths name this pair's crates.
            let mut text = format!("{stdout}{stderr}");
            for side in [old, new] {
                text = text.replace(
                    &format!("{}/src/", side.key),
                    &format!("{}/src/", side.dir.display()),
                );
            }
            let parsed = parse_output(&text, output.status.success());
            let mut report = SemverReport {
                label: pair.label.clone(),
                required_bump: Bump::None,
                failed_lints: Vec::new(),
                output_tail: tail(&text, TAIL_LINES),
                error: None,
            };
            match parsed {
                Ok(parsed) => {
                    report.required_bump = parsed.bump;
                    report.failed_lints = parsed.lints;
                }
                Err(why) => {
                    report.error = Some(format!(
                        "pair {}: cargo semver-checks {} ({why:#}); output ends:\n{}",
                        pair.label, output.status, report.output_tail
                    ))
                }
            }
            report
        }
    }
}

/// `cargo semver-checks check-release`.
fn semver_checks_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["semver-checks", "check-release"]);
    command
}
