//! What the tasks that build generated crates in scratch cargo workspaces
//! (`corpus`, `semver-oracle` and its compiler probe) share: a lock per
//! workspace, a clean environment for cargo, telling a want of network
//! from a real failure, and a guard that turns a generator panic into an
//! error.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;

/// The workspace lock and the network check are shared with the
/// conformance run.
pub use conformance::workspace::{lock, needs_network};

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
