//! Finding the pairs of documents to compare: the hand-written pairs of a
//! `--pairs` directory, with what their `expected.json` says, and the
//! consecutive documents of a `--history` directory.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

/// Two documents to compare: `old` is the baseline, `new` the current
/// version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecPair {
    /// Names the pair in reports and directories (`05_param_removed`,
    /// `000_…..005_…`).
    pub label: String,
    /// The baseline document (file or directory).
    pub old: PathBuf,
    /// The current document (file or directory).
    pub new: PathBuf,
    /// Package name both crates are generated with.
    pub crate_name: String,
}

/// A pair read from a `--pairs` directory, with what its `expected.json`
/// says cargo-semver-checks should answer.
#[derive(Debug, Clone)]
pub struct HandPair {
    /// The pair.
    pub pair: SpecPair,
    /// `expected.json`'s `semver_checks`, when present.
    pub expected: Option<String>,
}

/// The sub-directories of `dir` holding `old.{yaml,yml,json}` and
/// `new.{…}`, in name order, as pairs of crate `crate_name`.
pub fn pairs_in_dir(dir: &Path, crate_name: &str) -> Result<Vec<HandPair>> {
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    subdirs.sort();
    let mut out = Vec::new();
    for sub in subdirs {
        let label = sub
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let find = |stem: &str| {
            ["yaml", "yml", "json"]
                .iter()
                .map(|ext| sub.join(format!("{stem}.{ext}")))
                .find(|p| p.is_file())
                .ok_or_else(|| anyhow!("pair {label}: no {stem}.yaml in {}", sub.display()))
        };
        let expected_path = sub.join("expected.json");
        let expected = if expected_path.is_file() {
            let text = std::fs::read_to_string(&expected_path)
                .with_context(|| format!("{}: cannot read", expected_path.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", expected_path.display()))?;
            value
                .get("semver_checks")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        } else {
            None
        };
        out.push(HandPair {
            pair: SpecPair {
                old: find("old")?,
                new: find("new")?,
                label,
                crate_name: crate_name.to_owned(),
            },
            expected,
        });
    }
    Ok(out)
}

/// Consecutive documents (`.json`, `.yaml`, `.yml`) of `dir` in file-name
/// order, as pairs of crate `crate_name`, labelled `<old stem>..<new stem>`.
pub fn history_pairs(dir: &Path, crate_name: &str) -> Result<Vec<SpecPair>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ["json", "yaml", "yml"].contains(&&*ext.to_string_lossy()))
        })
        .collect();
    files.sort();
    let stem = |path: &Path| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    Ok(files
        .windows(2)
        .map(|w| SpecPair {
            label: format!("{}..{}", stem(&w[0]), stem(&w[1])),
            old: w[0].clone(),
            new: w[1].clone(),
            crate_name: crate_name.to_owned(),
        })
        .collect())
}

/// Pairs found in one directory, reported together.
pub(super) struct Group {
    /// The directory (and the crate name of a history).
    pub(super) title: String,
    pub(super) pairs: Vec<HandPair>,
    /// Whether to print each pair's diff report: hand pairs' reports are
    /// snapshotted by tests/diff.rs, the history's are printed.
    pub(super) print_diff_reports: bool,
}

/// The pairs of each `--pairs` directory (crate `pair_client`), then of
/// each `--history` directory.
pub(super) fn groups(pair_dirs: &[PathBuf], history_dirs: &[PathBuf]) -> Result<Vec<Group>> {
    let mut groups = Vec::new();
    for dir in pair_dirs {
        groups.push(Group {
            title: dir.display().to_string(),
            pairs: pairs_in_dir(dir, "pair_client")?,
            print_diff_reports: false,
        });
    }
    for dir in history_dirs {
        let name = history_crate_name(dir);
        let pairs = history_pairs(dir, &name)?
            .into_iter()
            .map(|pair| HandPair {
                pair,
                expected: None,
            })
            .collect();
        groups.push(Group {
            title: format!("{} (crate {name})", dir.display()),
            pairs,
            print_diff_reports: true,
        });
    }
    Ok(groups)
}

/// The crate name for a history directory: its parent's name
/// (`…/kelviq/history` → `kelviq`) when that is a valid package name.
fn history_crate_name(dir: &Path) -> String {
    let absolute = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let named = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| {
                n.starts_with(|c: char| c.is_ascii_alphabetic())
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
    };
    absolute
        .parent()
        .and_then(named)
        .unwrap_or_else(|| "history_client".to_owned())
}
