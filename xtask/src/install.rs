//! Installing the cargo subcommands some tasks run (cargo-fuzz,
//! cargo-semver-checks) when they are missing, so that a task works on a
//! fresh machine.

use std::process::Command;

use anyhow::{bail, Context, Result};

/// Runs `cargo install <package> --locked`, first saying on stderr that
/// `missing` (the command the task needs) is why.
pub fn cargo_install(package: &str, missing: &str) -> Result<()> {
    eprintln!("{missing} is missing; running `cargo install {package} --locked`");
    let status = Command::new("cargo")
        .args(["install", package, "--locked"])
        .status()
        .context("cannot run `cargo install`")?;
    if !status.success() {
        bail!("`cargo install {package} --locked` failed ({status})");
    }
    Ok(())
}
