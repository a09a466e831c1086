//! A guard that turns a generator panic into an error, for the tasks that
//! run the generator on many documents (`corpus`, `semver-oracle` and its
//! compiler probe) and report each document instead of stopping at the
//! first bug.

use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::{anyhow, Result};

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
