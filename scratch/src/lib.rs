//! Scratch cargo workspaces: throwaway workspaces of generated crates that
//! xtask (`corpus`, `semver-oracle`, its compiler probe, `bench`), the
//! conformance run and the integration tests build. What they share is
//! here once: where the real workspace is, writing the workspace (only the
//! files that change, so cargo rebuilds nothing it need not), renaming a
//! package so that two crates of one name can be members, a lock per
//! workspace, and running cargo in it offline first with a clean
//! environment.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result};

/// The root of the project's workspace (this crate lives one level below
/// it).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Writes `text` to `path`, creating its directory, unless the file
/// already holds exactly that: cargo then sees an unchanged file as
/// unchanged and does not rebuild.
pub fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))
}

/// The manifest of a workspace of `members` (directories beside it).
pub fn workspace_manifest(members: &[String]) -> String {
    let listed: String = members.iter().map(|m| format!("    {m:?},\n")).collect();
    format!("[workspace]\nresolver = \"2\"\nmembers = [\n{listed}]\n")
}

/// Writes into `dir` the manifest of a workspace of `members`, and a copy
/// of `lockfile` (the real workspace's Cargo.lock) so that the dependency
/// versions already downloaded and built are the ones used. Files whose
/// content would not change are left alone.
pub fn write_scratch_workspace(dir: &Path, members: &[String], lockfile: &Path) -> Result<()> {
    write_if_changed(&dir.join("Cargo.toml"), &workspace_manifest(members))?;
    let lock = std::fs::read_to_string(lockfile)
        .with_context(|| format!("{}: cannot read", lockfile.display()))?;
    write_if_changed(&dir.join("Cargo.lock"), &lock)
}

/// `manifest` with the first `name = …` of `[package]` set to `name`, and
/// without a `[workspace]` table, so that it can be a member of a scratch
/// workspace beside other copies of the same crate. `None` when
/// `[package]` has no name.
pub fn rename_package(manifest: &str, name: &str) -> Option<String> {
    let mut table = "";
    let mut renamed = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed;
        }
        if table == "[workspace]" {
            continue;
        }
        let key = trimmed.split('=').next().map(str::trim);
        if table == "[package]" && !renamed && key == Some("name") && trimmed.contains('=') {
            out.push_str(&format!("name = {name:?}"));
            renamed = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    renamed.then_some(out)
}

/// Creates `dir` and takes `<dir>/.lock`, waiting while another run of
/// `task` holds it: two runs in one scratch workspace would overwrite each
/// other's crates. Released when the file is dropped.
pub fn lock(dir: &Path, task: &str) -> Result<File> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let path = dir.join(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("{}: cannot open", path.display()))?;
    if file.try_lock().is_err() {
        eprintln!("waiting for another {task} run ({})", path.display());
        file.lock()
            .with_context(|| format!("{}: cannot lock", path.display()))?;
    }
    Ok(file)
}

/// Removes the variables `cargo run` and `cargo test` set for the calling
/// tool; passed on, they would make builds in a shared target directory
/// differ from plain ones (ring's build script watches them).
pub fn clear_package_variables(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_MANIFEST_LINKS",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .contains(&name.as_ref())
        {
            command.env_remove(name.as_ref());
        }
    }
}

/// Whether cargo failed only because it could not resolve or fetch
/// dependencies without the network.
pub fn needs_network(stderr: &str) -> bool {
    [
        "--offline",
        "offline mode",
        "failed to download",
        "no matching package named",
        "failed to select a version",
    ]
    .iter()
    .any(|hint| stderr.contains(hint))
}

/// A cargo command in a scratch workspace: `cargo <args> [--offline] [--
/// <tool args>]` run in `dir`, building into `target`, with the calling
/// tool's package variables removed and no input.
#[derive(Debug, Clone)]
pub struct Cargo {
    dir: PathBuf,
    target: PathBuf,
    args: Vec<OsString>,
    tool_args: Vec<OsString>,
    /// Variables to set (`Some`) or remove (`None`).
    env: Vec<(OsString, Option<OsString>)>,
}

impl Cargo {
    /// `cargo <args>` in `dir`, building into `target`.
    pub fn new<S: AsRef<OsStr>>(
        dir: &Path,
        target: &Path,
        args: impl IntoIterator<Item = S>,
    ) -> Self {
        Cargo {
            dir: dir.to_path_buf(),
            target: target.to_path_buf(),
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            tool_args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Arguments after `--`, for the tool cargo runs (rustdoc, clippy, a
    /// test binary).
    #[must_use]
    pub fn tool_args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.tool_args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Sets an environment variable for cargo.
    #[must_use]
    pub fn env(mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((name.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes an environment variable for cargo.
    #[must_use]
    pub fn env_remove(mut self, name: impl AsRef<OsStr>) -> Self {
        self.env.push((name.as_ref().to_owned(), None));
        self
    }

    /// The command, `--offline` or not; its output is not yet redirected.
    pub fn command(&self, offline: bool) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command.args(&self.args);
        if offline {
            command.arg("--offline");
        }
        if !self.tool_args.is_empty() {
            command.arg("--").args(&self.tool_args);
        }
        clear_package_variables(&mut command);
        command
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .stdin(Stdio::null());
        for (name, value) in &self.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command
    }

    /// Runs the command offline first and, if that failed only because
    /// dependencies cannot be resolved or fetched without the network, once
    /// more online. `Err` only when cargo cannot be run at all.
    pub fn output_offline_first(&self) -> Result<Output> {
        let output = self.output(true)?;
        if output.status.success() || !needs_network(&String::from_utf8_lossy(&output.stderr)) {
            return Ok(output);
        }
        eprintln!("offline resolution failed; retrying with network access");
        self.output(false)
    }

    fn output(&self, offline: bool) -> Result<Output> {
        self.command(offline)
            .output()
            .with_context(|| format!("cannot run cargo in {}", self.dir.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_sets_the_package_name_only_and_leaves_the_workspace() {
        let manifest = "[package]\nname = \"kelviq\"\nversion = \"1.0.0\"\n\n\
                        [dependencies]\nname = \"not this\"\n\n[workspace]\n";
        let renamed = rename_package(manifest, "oracle_1").expect("has a name");
        assert_eq!(
            renamed,
            "[package]\nname = \"oracle_1\"\nversion = \"1.0.0\"\n\n\
             [dependencies]\nname = \"not this\"\n\n"
        );
        assert_eq!(rename_package("[dependencies]\nname = 1\n", "x"), None);
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("a/b/file.txt");
        write_if_changed(&path, "text").expect("first write");
        let written = std::fs::metadata(&path).and_then(|m| m.modified());
        write_if_changed(&path, "text").expect("second write");
        assert_eq!(
            std::fs::metadata(&path).and_then(|m| m.modified()).ok(),
            written.ok()
        );
    }

    #[test]
    fn a_workspace_lists_its_members() {
        assert_eq!(
            workspace_manifest(&["a".to_owned(), "b-c".to_owned()]),
            "[workspace]\nresolver = \"2\"\nmembers = [\n    \"a\",\n    \"b-c\",\n]\n"
        );
    }

    #[test]
    fn missing_network_is_told_from_a_real_failure() {
        assert!(needs_network(
            "error: no matching package named `x` found\n(offline mode)"
        ));
        assert!(!needs_network("error[E0308]: mismatched types"));
    }
}
