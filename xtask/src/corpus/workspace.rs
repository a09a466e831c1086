//! The scratch workspace: one member crate per generated document, reused
//! from run to run so that unchanged crates are not checked again. Crates
//! of earlier runs that are not members this time stay on disk, ignored, so
//! that running on part of the corpus does not cost a full check later.

use std::path::Path;

use anyhow::{Context, Result};

/// Writes the workspace manifest listing `members`, and copies `lockfile`
/// (the real workspace's Cargo.lock) beside it so dependency versions
/// match. Files whose content would not change are left alone.
pub fn write_manifest(dir: &Path, members: &[String], lockfile: &Path) -> Result<()> {
    let members: String = members.iter().map(|m| format!("    {m:?},\n")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{members}]\n");
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let lock = std::fs::read_to_string(lockfile)
        .with_context(|| format!("{}: cannot read", lockfile.display()))?;
    write_if_changed(&dir.join("Cargo.lock"), &lock)
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))
}
