//! The scratch cargo workspace of a conformance run: one client and one
//! driver crate per document, built with one `cargo build --keep-going`.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::driver::write_if_changed;

/// Extensions of OpenAPI documents.
const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// The documents named by `inputs`: files as they are, directories by
/// their `.json`, `.yaml` and `.yml` files (sorted, not recursive).
pub fn find_documents(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut documents = Vec::new();
    for input in inputs {
        if input.is_file() {
            documents.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|e| format!("{}: {e}", input.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.is_file()
                    && path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e))
            })
            .collect();
        found.sort();
        documents.extend(found);
    }
    if documents.is_empty() {
        return Err("no OpenAPI documents (.json, .yaml, .yml) to run".to_owned());
    }
    Ok(documents)
}

/// A package name for `spec` (`conf-<file stem>-<suffix>`): lower-case
/// letters, digits and hyphens.
pub fn package_name(spec: &Path, suffix: &str) -> String {
    let stem = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("document");
    let mut name = String::from("conf-");
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' => name.push(c),
            'A'..='Z' => name.push(c.to_ascii_lowercase()),
            _ if !name.ends_with('-') => name.push('-'),
            _ => {}
        }
    }
    format!("{}-{suffix}", name.trim_end_matches('-'))
}

/// Creates `dir` and takes `<dir>/.lock`, waiting while another run of
/// `task` holds it. Released when the file is dropped. (xtask's scratch
/// workspaces take their locks here too.)
pub fn lock(dir: &Path, task: &str) -> Result<File, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let path = dir.join(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("{}: cannot open: {e}", path.display()))?;
    if file.try_lock().is_err() {
        eprintln!("waiting for another {task} run ({})", path.display());
        file.lock()
            .map_err(|e| format!("{}: cannot lock: {e}", path.display()))?;
    }
    Ok(file)
}

/// Builds `members` of the workspace in `dir` into `target`; returns the
/// packages that did not compile.
pub fn build(
    dir: &Path,
    target: &Path,
    members: &[String],
    lockfile: &Path,
) -> Result<Vec<String>, String> {
    let list: String = members.iter().map(|m| format!("    {m:?},\n")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{list}]\n");
    let write = |path: &Path, text: &str| {
        write_if_changed(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
    };
    write(&dir.join("Cargo.toml"), &manifest)?;
    let lock = std::fs::read_to_string(lockfile)
        .map_err(|e| format!("{}: cannot read: {e}", lockfile.display()))?;
    write(&dir.join("Cargo.lock"), &lock)?;
    let mut output = cargo_build(dir, target, true)?;
    if !output.status.success() && needs_network(&String::from_utf8_lossy(&output.stderr)) {
        eprintln!("offline resolution failed; retrying with network access");
        output = cargo_build(dir, target, false)?;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failed: Vec<String> = members
        .iter()
        .filter(|m| stderr.contains(&format!("could not compile `{m}`")))
        .cloned()
        .collect();
    if !output.status.success() && failed.is_empty() {
        return Err(format!(
            "cargo build failed in {}:\n{stderr}",
            dir.display()
        ));
    }
    Ok(failed)
}

fn cargo_build(dir: &Path, target: &Path, offline: bool) -> Result<Output, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--workspace", "--keep-going", "--quiet"]);
    if offline {
        command.arg("--offline");
    }
    clear_package_variables(&mut command);
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // Drivers are run, never debugged: no debug info builds and links
        // the large clients much faster.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .output()
        .map_err(|e| format!("cannot run cargo in {}: {e}", dir.display()))
}

/// Removes the variables `cargo run` set for the calling tool (xtask);
/// passed on, they would make builds in a shared target directory differ
/// from plain ones.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_are_cargo_safe() {
        let name = package_name(Path::new("x/k8s-coordination.k8s.io-v1.json"), "driver");
        assert_eq!(name, "conf-k8s-coordination-k8s-io-v1-driver");
        assert_eq!(
            package_name(Path::new("Open_API 3.yaml"), "driver"),
            "conf-open-api-3-driver"
        );
    }
}
