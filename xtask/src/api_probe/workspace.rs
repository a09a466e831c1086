//! The probes' scratch workspace, `target/api-probe/`: two probe packages
//! per pair and a renamed copy of each distinct generated crate.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use scratch_workspace::{rename_package, workspace_manifest, write_if_changed};

use super::source::probe_source;
use super::ProbeInput;
use crate::panic_guard::guarded;

/// The probes' workspace, written.
pub(super) struct Workspace {
    /// Each pair's probe packages, or why it cannot be probed.
    pub(super) probes: Vec<Result<Prepared, String>>,
    /// The probe packages: the workspace's members.
    pub(super) members: Vec<String>,
    /// Distinct generated crates the probes depend on.
    pub(super) crates: usize,
}

/// Writes every pair's probe packages and crate copies into `work`, and
/// the workspace around them; packages and copies of earlier runs that
/// this one does not use are removed.
pub(super) fn prepare_all(root: &Path, work: &Path, inputs: &[ProbeInput]) -> Result<Workspace> {
    let mut crates: BTreeSet<String> = BTreeSet::new();
    let probes: Vec<Result<Prepared, String>> = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            prepare(work, index, input, &mut crates).map_err(|e| format!("{e:#}"))
        })
        .collect();
    let members: Vec<String> = probes
        .iter()
        .flatten()
        .flat_map(|prepared| prepared.sides.iter().map(|side| side.package.clone()))
        .collect();
    remove_stale(work, &members, &crates);
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask`: probes of generated crates' APIs.\n{}",
            workspace_manifest(&members)
        ),
    )?;
    seed_lockfile(root, work)?;
    Ok(Workspace {
        probes,
        members,
        crates: crates.len(),
    })
}

/// A pair's two probe packages.
pub(super) struct Prepared {
    /// Old, then new.
    pub(super) sides: [ProbeSide; 2],
    /// The probe's source lines, for labelling errors.
    pub(super) source: Vec<String>,
}

pub(super) struct ProbeSide {
    /// `probe_<n>_old` or `probe_<n>_new`.
    pub(super) package: String,
    /// The package of the crate it depends on.
    pub(super) crate_package: String,
    /// The generated crate it was copied from.
    pub(super) crate_dir: PathBuf,
}

/// Writes the pair's probe packages and copies its crates; `Err` says why
/// the pair cannot be probed.
fn prepare(
    work: &Path,
    index: usize,
    input: &ProbeInput,
    crates: &mut BTreeSet<String>,
) -> Result<Prepared> {
    let pair = || format!("pair {}", input.label);
    let crate_ident = input.crate_name.replace('-', "_");
    if crate_ident == "serde_json" {
        bail!("{}: a crate named serde_json cannot be probed", pair());
    }
    let api = guarded(|| {
        let loaded = openapi_rust_gen::load::load(&input.old_spec)?;
        Ok(openapi_rust_gen::lower::lower(&loaded)?)
    })
    .with_context(|| {
        format!(
            "{}: the old spec {} does not load",
            pair(),
            input.old_spec.display()
        )
    })?;
    let source = probe_source(&api, &crate_ident);
    let old = copy_crate(work, &input.old_crate_dir, crates).with_context(pair)?;
    let new = copy_crate(work, &input.new_crate_dir, crates).with_context(pair)?;
    let sides = [
        ("old", old, &input.old_crate_dir),
        ("new", new, &input.new_crate_dir),
    ]
    .map(|(which, crate_package, crate_dir)| ProbeSide {
        package: format!("probe_{index}_{which}"),
        crate_package,
        crate_dir: crate_dir.clone(),
    });
    for side in &sides {
        let dir = work.join(&side.package);
        let manifest = format!(
            "# Written by `cargo xtask`: probe of pair {:?}.\n\
             [package]\nname = {:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{} = {{ path = \"../crates/{}\", package = {:?} }}\n\
             serde_json = \"1\"\n",
            input.label,
            side.package,
            input.crate_name,
            side.crate_package.trim_start_matches(CRATE_PREFIX),
            side.crate_package,
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        write_if_changed(&dir.join("src/lib.rs"), &source)?;
    }
    Ok(Prepared {
        sides,
        source: source.lines().map(str::to_owned).collect(),
    })
}

/// Package names of crate copies: this and the hash of their files, which
/// is also their directory under `crates/`.
pub(super) const CRATE_PREFIX: &str = "probe_crate_";

/// Copies the generated crate in `dir` to `crates/<hash>/` as package
/// `probe_crate_<hash>`, without its `[workspace]` table and lockfile;
/// returns the package name.
fn copy_crate(work: &Path, dir: &Path, crates: &mut BTreeSet<String>) -> Result<String> {
    let mut files = BTreeMap::new();
    read_tree(dir, Path::new(""), &mut files)?;
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    let key = format!("{:016x}", hasher.finish());
    let package = format!("{CRATE_PREFIX}{key}");
    if crates.contains(&key) {
        return Ok(package);
    }
    let manifest = files
        .get_mut(Path::new("Cargo.toml"))
        .with_context(|| format!("{}: no Cargo.toml", dir.display()))?;
    *manifest = rename_package(manifest, &package)
        .with_context(|| format!("{}/Cargo.toml: no `name =` in [package]", dir.display()))?;
    let dest = work.join("crates").join(&key);
    for (path, text) in &files {
        write_if_changed(&dest.join(path), text)?;
    }
    crates.insert(key);
    Ok(package)
}

/// The text files under `dir` (relative paths), without `target/`,
/// `Cargo.lock` and hidden entries.
fn read_tree(dir: &Path, relative: &Path, files: &mut BTreeMap<PathBuf, String>) -> Result<()> {
    let here = dir.join(relative);
    let entries =
        std::fs::read_dir(&here).with_context(|| format!("{}: cannot read", here.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot read", here.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let top = relative.as_os_str().is_empty();
        if name.starts_with('.') || (top && (name == "target" || name == "Cargo.lock")) {
            continue;
        }
        let path = relative.join(&name);
        let kind = entry
            .file_type()
            .with_context(|| format!("{}: cannot read", entry.path().display()))?;
        if kind.is_dir() {
            read_tree(dir, &path, files)?;
        } else {
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("{}: cannot read", entry.path().display()))?;
            files.insert(path, text);
        }
    }
    Ok(())
}

/// Removes probe packages and crate copies of earlier runs that this run
/// does not use (best effort), so that the scratch workspace does not grow.
fn remove_stale(work: &Path, members: &[String], crates: &BTreeSet<String>) {
    if let Ok(entries) = std::fs::read_dir(work) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("probe_") && !members.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(work.join("crates")) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !crates.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Starts the scratch workspace's lockfile from the workspace's, so that
/// dependencies resolve offline to the versions already built.
fn seed_lockfile(root: &Path, work: &Path) -> Result<()> {
    let dest = work.join("Cargo.lock");
    if dest.is_file() {
        return Ok(());
    }
    let source = root.join("Cargo.lock");
    std::fs::copy(&source, &dest)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", source.display(), dest.display()))
}
