//! Generating the two crates of a pair, each a package of its own with the
//! workspace's Cargo.lock, named by a hash of its files and the toolchain.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use openapi_rust_gen::Options;

use super::pairs::SpecPair;
use crate::panic_guard::guarded;

/// The version both crates of a pair get.
pub(super) const CRATE_VERSION: &str = "1.0.0";

/// One generated crate.
pub(super) struct Side {
    /// `old` or `new`.
    pub(super) which: &'static str,
    /// The crate's directory.
    pub(super) dir: PathBuf,
    /// The generated files, the manifest without its `[workspace]` table
    /// and without Cargo.lock.
    pub(super) files: BTreeMap<PathBuf, String>,
    /// Hash of the crate's files and the toolchain: names its rustdoc JSON.
    pub(super) key: String,
}

impl Side {
    pub(super) fn describe(&self, pair: &SpecPair) -> String {
        format!("pair {}, {} side", pair.label, self.which)
    }
}

pub(super) fn generate_side(
    pair: &SpecPair,
    which: &'static str,
    spec: &Path,
    dir: &Path,
    lock: &str,
    toolchain: &str,
) -> Result<Side> {
    let context = || format!("pair {}, {which} side ({})", pair.label, spec.display());
    let options = Options {
        crate_version: CRATE_VERSION.to_owned(),
        ..Options::new(pair.crate_name.clone())
    };
    let mut generated = guarded(|| Ok(openapi_rust_gen::generate(spec, &options)?))
        .with_context(|| format!("{}: not generated", context()))?;
    let files = generated.files.clone();
    let manifest = generated
        .files
        .get_mut(Path::new("Cargo.toml"))
        .with_context(|| format!("{}: the generated crate has no Cargo.toml", context()))?;
    // A package of its own, outside the surrounding workspace.
    manifest.push_str("\n[workspace]\n");
    generated
        .files
        .insert(PathBuf::from("Cargo.lock"), lock.to_owned());
    generated
        .write_to(dir)
        .with_context(|| format!("{}: cannot write {}", context(), dir.display()))?;

    let mut hasher = DefaultHasher::new();
    toolchain.hash(&mut hasher);
    generated.files.hash(&mut hasher);
    Ok(Side {
        which,
        dir: dir.to_path_buf(),
        files,
        key: format!("{:016x}", hasher.finish()),
    })
}

/// `rustc -vV`: rustdoc JSON differs between toolchains.
pub(super) fn toolchain_identity() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("-vV")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// A directory name for `label`: safe characters only, unique in the run.
pub(super) fn unique_dir_name(label: &str, used: &mut BTreeMap<String, usize>) -> String {
    let mut name: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, 'p');
    }
    let count = used.entry(name.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        name = format!("{name}-{count}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_are_safe_and_unique() {
        let mut used = BTreeMap::new();
        assert_eq!(unique_dir_name("a/b c", &mut used), "a_b_c");
        assert_eq!(unique_dir_name("a/b c", &mut used), "a_b_c-2");
        assert_eq!(unique_dir_name("..", &mut used), "p..");
    }
}
