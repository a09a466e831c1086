//! What the tasks that build generated crates in scratch cargo workspaces
//! (`corpus`, `semver-oracle` and its compiler probe) share: a lock per
//! workspace, a clean environment for cargo, telling a want of network
//! from a real failure, and a guard that turns a generator panic into an
//! error.

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::{anyhow, Result};

/// The workspace lock, the cargo environment and the network check are
/// shared with the conformance run.
pub use conformance::workspace::{clear_package_variables, needs_network};

/// Takes the lock of the scratch workspace `dir` for `task`
/// ([`conformance::workspace::lock`]).
pub fn lock(dir: &std::path::Path, task: &str) -> Result<std::fs::File> {
    conformance::workspace::lock(dir, task).map_err(anyhow::Error::msg)
}

/// Runs `f`, turning a panic into an error.
pub fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(anyhow!("generator bug: the generator panicked: {message}"))
    })
}
