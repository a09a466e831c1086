//! Rustdoc JSON of the generated crates: one `cargo doc` over a batch
//! workspace of renamed copies, a crate alone when the batch gives none.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use scratch_workspace::{needs_network, rename_package, write_scratch_workspace, Cargo};

use super::check::Settings;
use super::generate::Side;
use super::output::{tail, TAIL_LINES};
use super::pairs::SpecPair;

/// The rustdoc JSON of one side of a pair.
pub(super) struct Rustdoc {
    /// The file.
    pub(super) json: PathBuf,
    /// The crate's hash: source paths in the JSON read `<key>/src/…`.
    pub(super) key: String,
    /// The side's crate directory, which those paths stand for.
    pub(super) dir: PathBuf,
}

/// Builds the rustdoc JSON of `crates` with one `cargo doc --no-deps
/// --keep-going` over a scratch workspace (`<work>/batch`), so that cargo
/// runs rustdoc on as many crates at once as there are cores and resolves
/// and checks dependencies once. A workspace cannot hold two packages of
/// one name, so each member is renamed `oracle_<key>`; the name is put back
/// in its JSON. Returns why, for each crate whose JSON could not be built
/// (retried alone with `cargo rustdoc` in its own directory for a message
/// about that crate only).
pub(super) fn build_rustdocs(
    settings: &Settings,
    crates: &[(&SpecPair, &Side)],
) -> Result<BTreeMap<String, String>> {
    let mut failures = BTreeMap::new();
    if crates.is_empty() {
        return Ok(failures);
    }
    let batch = settings.work.join("batch");
    let doc = settings.target.join("doc");
    remove_other_members(&batch, crates);
    let mut members = Vec::new();
    for (pair, side) in crates {
        match write_member(&batch, &doc, side) {
            Ok(()) => members.push((*pair, *side)),
            Err(e) => {
                failures.insert(side.key.clone(), format!("{e:#}"));
            }
        }
    }
    let keys: Vec<String> = members.iter().map(|(_, side)| side.key.clone()).collect();
    write_scratch_workspace(&batch, &keys, &settings.lockfile)?;
    if settings.verbose {
        eprintln!(
            "building rustdoc JSON of {} crates: cargo doc in {} (target {})",
            members.len(),
            batch.display(),
            settings.target.display()
        );
    }
    let (success, stderr) = cargo_doc(settings, &batch, true)?;
    if !success && needs_network(&stderr) {
        eprintln!("offline resolution failed; retrying with network access");
        cargo_doc(settings, &batch, false)?;
    }
    for (pair, side) in members {
        if let Err(e) = keep_rustdoc(settings, &doc, pair, side) {
            failures.insert(side.key.clone(), format!("{e:#}"));
        }
    }
    Ok(failures)
}

/// Writes the side's crate into the batch workspace as package
/// `oracle_<key>`.
fn write_member(batch: &Path, doc: &Path, side: &Side) -> Result<()> {
    let member = batch_name(&side.key);
    let mut files = side.files.clone();
    let renamed = files
        .get(Path::new("Cargo.toml"))
        .and_then(|manifest| rename_package(manifest, &member))
        .context("the generated Cargo.toml has no `name = ` line in [package]")?;
    files.insert(PathBuf::from("Cargo.toml"), renamed);
    let crate_ = openapi_rust_gen::GeneratedCrate {
        files,
        warnings: Vec::new(),
    };
    crate_
        .write_to(&batch.join(&side.key))
        .context("cannot write the crate")?;
    // A JSON of an earlier, failed build must not pass for this one.
    let _ = std::fs::remove_file(doc.join(format!("{member}.json")));
    Ok(())
}

/// Keeps the JSON the batch built for the side's crate, with the crate's
/// own name put back; builds it alone when the batch gave none.
fn keep_rustdoc(settings: &Settings, doc: &Path, pair: &SpecPair, side: &Side) -> Result<()> {
    let member = batch_name(&side.key);
    let built = doc.join(format!("{member}.json"));
    let dest = settings.rustdoc_json(&side.key);
    match std::fs::read_to_string(&built) {
        Ok(text) => {
            // Source paths stay `<key>/src/…`: the crate is shared by
            // sides of several pairs; `compare` names each pair's own.
            let text = text.replace(&member, &pair.crate_name.replace('-', "_"));
            write_atomically(&dest, &text)
        }
        Err(_) => {
            if settings.verbose {
                eprintln!(
                    "no rustdoc JSON for {} from the batch; building it alone",
                    side.describe(pair)
                );
            }
            build_rustdoc(settings, &side.dir, &pair.crate_name, &dest).map(|_| ())
        }
    }
}

/// Removes the member directories of earlier runs from the batch
/// workspace, which would otherwise grow run after run. Best effort.
fn remove_other_members(batch: &Path, crates: &[(&SpecPair, &Side)]) {
    let Ok(entries) = std::fs::read_dir(batch) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_member_dir = entry.path().is_dir()
            && name.len() == 16
            && name.chars().all(|c| c.is_ascii_hexdigit());
        if is_member_dir && !crates.iter().any(|(_, side)| side.key == name) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The package name of the crate with hash `key` in the batch workspace.
fn batch_name(key: &str) -> String {
    format!("oracle_{key}")
}

/// `cargo doc --workspace --no-deps --keep-going` in `dir`, with JSON
/// output: (success, stderr). Cargo's progress is echoed.
fn cargo_doc(settings: &Settings, dir: &Path, offline: bool) -> Result<(bool, String)> {
    let mut command = Cargo::new(
        dir,
        &settings.target,
        ["doc", "--workspace", "--no-deps", "--keep-going"],
    )
    .env("RUSTC_BOOTSTRAP", "1")
    .env("RUSTDOCFLAGS", RUSTDOC_JSON_FLAGS.join(" "))
    .command(offline);
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = command.spawn().context("cannot run cargo doc")?;
    let mut kept = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if settings.verbose {
                eprintln!("{line}");
            }
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    let status = child.wait().context("cannot wait for cargo doc")?;
    Ok((status.success(), kept))
}

/// What makes rustdoc write JSON, as cargo-semver-checks itself asks for
/// it: hidden items included, lints silenced.
const RUSTDOC_JSON_FLAGS: [&str; 7] = [
    "-Z",
    "unstable-options",
    "--output-format",
    "json",
    "--document-hidden-items",
    "--cap-lints",
    "allow",
];

/// Writes through a temporary name, so that an interrupted run never
/// leaves a truncated file that a later run would take as built.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("{}: cannot write", path.display()))
}

/// `cargo rustdoc --lib` of the crate in `dir` into the shared target
/// directory, with JSON output; copies `doc/<crate>.json` to `dest`.
fn build_rustdoc(
    settings: &Settings,
    dir: &Path,
    crate_name: &str,
    dest: &Path,
) -> Result<PathBuf> {
    let output = Cargo::new(dir, &settings.target, ["rustdoc", "--lib", "--quiet"])
        .tool_args(RUSTDOC_JSON_FLAGS)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTDOCFLAGS")
        .output_offline_first()
        .context("cannot run cargo rustdoc")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "`cargo rustdoc` failed ({}) in {}:\n{}",
            output.status,
            dir.display(),
            tail(&stderr, TAIL_LINES)
        );
    }
    let json = settings
        .target
        .join("doc")
        .join(format!("{}.json", crate_name.replace('-', "_")));
    // Copy to a temporary name first so that an interrupted copy never
    // leaves a truncated file that a later run would take as cached.
    let partial = dest.with_extension("json.partial");
    std::fs::copy(&json, &partial)
        .and_then(|_| std::fs::rename(&partial, dest))
        .with_context(|| format!("cannot copy {} to {}", json.display(), dest.display()))?;
    Ok(dest.to_path_buf())
}
