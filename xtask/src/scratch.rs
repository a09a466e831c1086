//! What the tasks that build generated crates in scratch cargo workspaces
//! (`corpus`, `semver-oracle` and its compiler probe) share: a lock per
//! workspace, a clean environment for cargo, telling a want of network
//! from a real failure, and a guard that turns a generator panic into an
//! error.

use std::fs::{File, OpenOptions};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;

/// Creates `dir` and takes `<dir>/.lock`, waiting while another run of
/// `task` holds it. Released when the file is dropped.
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

/// Removes the variables `cargo run` set for xtask itself; passed on, they
/// would make builds in a shared target directory differ from plain ones.
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

/// Runs `f`, turning a panic into an error message.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(format!("generator bug: the generator panicked: {message}"))
    })
}
