//! One `cargo check` over the probes' workspace, its error lines
//! attributed to the packages they come from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use scratch_workspace::Cargo;

use super::workspace::CRATE_PREFIX;

/// Lines of cargo's output quoted when cargo fails for no package.
const TAIL_LINES: usize = 30;

/// `cargo check` of the probe packages `members` of the workspace `work`
/// (nothing when there are none). `Err` when cargo fails before compiling
/// any of them.
pub(super) fn check_all(work: &Path, members: &[String]) -> Result<CheckOutcome> {
    if members.is_empty() {
        return Ok(CheckOutcome::default());
    }
    let output = cargo_check(work)?;
    let outcome = parse_check(work, &output.stderr);
    if !output.status.success() && outcome.failed.is_empty() {
        bail!(
            "`cargo check` failed ({}) in {} before compiling any probe:\n{}",
            output.status,
            work.display(),
            tail(&output.stderr, TAIL_LINES)
        );
    }
    Ok(outcome)
}

/// What `cargo check` printed.
struct CheckRun {
    pub(super) status: std::process::ExitStatus,
    pub(super) stderr: String,
}

/// `cargo check --workspace --keep-going --message-format short` in
/// `work`, into `work/target`, offline first.
fn cargo_check(work: &Path) -> Result<CheckRun> {
    let args = [
        "check",
        "--workspace",
        "--keep-going",
        "--message-format",
        "short",
        "--color",
        "never",
    ];
    let output = Cargo::new(work, &work.join("target"), args)
        .output_offline_first()
        .context("cannot run cargo check")?;
    Ok(CheckRun {
        status: output.status,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Packages that failed, and the error lines of each.
#[derive(Default)]
pub(super) struct CheckOutcome {
    /// Packages cargo could not compile.
    pub(super) failed: BTreeSet<String>,
    /// Error lines by package, in order.
    pub(super) errors: BTreeMap<String, Vec<String>>,
    /// Error lines that name no file of a package.
    pub(super) unattributed: Vec<String>,
}

/// Reads cargo's short-format output: `path:line:col: error…` lines are
/// attributed to the package whose directory holds the path (a probe
/// package, or `crates/<hash>`), and `error: could not compile `name``
/// lines say which packages failed.
fn parse_check(work: &Path, stderr: &str) -> CheckOutcome {
    let mut outcome = CheckOutcome::default();
    let prefix = format!("{}/", work.display());
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error: could not compile `") {
            if let Some((name, _)) = rest.split_once('`') {
                outcome.failed.insert(name.to_owned());
            }
            continue;
        }
        let Some(path) = error_location(line).map(|(path, _)| path) else {
            if line.starts_with("error") {
                outcome.unattributed.push(line.to_owned());
            }
            continue;
        };
        let path = path.strip_prefix(&prefix).unwrap_or(path);
        let mut parts = path.split('/');
        let package = match (parts.next(), parts.next()) {
            (Some("crates"), Some(key)) => format!("{CRATE_PREFIX}{key}"),
            (Some(first), _) if first.starts_with("probe_") => first.to_owned(),
            _ => {
                outcome.unattributed.push(line.to_owned());
                continue;
            }
        };
        outcome
            .errors
            .entry(package)
            .or_default()
            .push(line.strip_prefix(&prefix).unwrap_or(line).to_owned());
    }
    outcome
}

/// The file and line of a short-format error line
/// (`path:line:column: error…`).
pub(super) fn error_location(line: &str) -> Option<(&str, usize)> {
    let (location, message) = line.split_once(": ")?;
    if !message.starts_with("error") {
        return None;
    }
    let mut pieces = location.rsplitn(3, ':');
    let column = pieces.next()?;
    let number = pieces.next()?;
    let path = pieces.next()?;
    column.parse::<usize>().ok()?;
    Some((path, number.parse().ok()?))
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
