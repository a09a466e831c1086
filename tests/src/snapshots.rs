//! Snapshots of generated crates, one per generated file, so that a change
//! to one model shows in the snapshot of the one file it lands in.
//!
//! A crate's snapshots are named `<prefix>__<path>`, the path's `/` written
//! `__` (`all_of__src__models.rs`), plus `<prefix>__warnings` when the
//! generator warned. The runtime, copied verbatim into every crate, is left
//! out. [`assert_generated_files!`](crate::assert_generated_files) asserts
//! them all and that no stored snapshot of the prefix is left over from a
//! file the generator no longer writes.

use std::path::{Path, PathBuf};

use crate::{display_path, generate, is_runtime_file, stable_warning, workspace_root};

/// The name of one snapshot and the text it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSnapshot {
    /// `<prefix>__<path>`, without the test module insta puts in front.
    pub name: String,
    /// The file's content, or the warnings one a line.
    pub content: String,
}

/// Generates a crate from `spec` and returns a snapshot of each of its files
/// but the runtime, in path order, then one of its warnings, if any.
pub fn generated_file_snapshots(prefix: &str, spec: &Path, crate_name: &str) -> Vec<FileSnapshot> {
    let generated = generate(spec, crate_name);
    let mut snapshots: Vec<FileSnapshot> = generated
        .files
        .iter()
        .filter(|(path, _)| !is_runtime_file(path))
        .map(|(path, content)| FileSnapshot {
            name: snapshot_name(prefix, &display_path(path)),
            content: content.clone(),
        })
        .collect();
    if !generated.warnings.is_empty() {
        let lines: Vec<String> = generated.warnings.iter().map(stable_warning).collect();
        snapshots.push(FileSnapshot {
            name: snapshot_name(prefix, "warnings"),
            content: lines.join("\n"),
        });
    }
    snapshots
}

/// `<prefix>__<path>` with `/` written `__`, as insta would store it.
fn snapshot_name(prefix: &str, path: &str) -> String {
    format!("{prefix}__{}", path.replace('/', "__"))
}

/// Where the test files of this crate keep their snapshots.
pub fn snapshots_dir() -> PathBuf {
    workspace_root().join("tests").join("snapshots")
}

/// Names of the snapshots stored for the test module `module` (its path
/// with `::` written `__`, as insta writes it) that start with
/// `<prefix>__`, without the module, sorted (pending `.snap.new` files
/// excluded).
pub fn stored_snapshot_names(module: &str, prefix: &str) -> Vec<String> {
    let dir = snapshots_dir();
    let start = format!("{module}__{prefix}__");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list snapshots in {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|file| file.starts_with(&start))
        .filter_map(|file| file.strip_suffix(".snap").map(str::to_owned))
        .map(|file| file[module.len() + 2..].to_owned())
        .collect();
    names.sort();
    names
}

/// Asserts one insta snapshot per generated file of the crate generated
/// from `$spec` (see [`generated_file_snapshots`]), then that the stored
/// snapshots starting with `$prefix__` are exactly those: a file the
/// generator stopped writing must take its snapshot with it. A macro, so
/// that insta files the snapshots under the calling test file.
#[macro_export]
macro_rules! assert_generated_files {
    ($prefix:expr, $spec:expr, $crate_name:expr $(,)?) => {{
        let prefix: &str = $prefix;
        let snapshots = $crate::snapshots::generated_file_snapshots(prefix, $spec, $crate_name);
        for snapshot in &snapshots {
            insta::assert_snapshot!(snapshot.name.as_str(), snapshot.content.as_str());
        }
        let mut expected: Vec<&str> = snapshots.iter().map(|s| s.name.as_str()).collect();
        expected.sort_unstable();
        let module = module_path!().replace("::", "__");
        assert_eq!(
            $crate::snapshots::stored_snapshot_names(&module, prefix),
            expected,
            "stored snapshots of {prefix} that no generated file matches: delete them"
        );
    }};
}
