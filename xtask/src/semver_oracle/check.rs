//! Checking every pair: generate the crates, build their rustdoc JSON, run
//! cargo-semver-checks, timing each phase.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;

use super::generate::{generate_side, toolchain_identity, unique_dir_name, Side};
use super::pairs::SpecPair;
use super::rustdoc::{build_rustdocs, Rustdoc};
use super::semver_checks::{compare_all, ensure_installed, SemverReport};

/// Where things go.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Generated crates (`<pair>/{old,new}`) and cached rustdoc JSON
    /// (`rustdoc/`).
    pub work: PathBuf,
    /// `CARGO_TARGET_DIR` of the rustdoc builds, shared by all crates.
    pub target: PathBuf,
    /// The Cargo.lock copied into every generated crate.
    pub lockfile: PathBuf,
    /// Print progress on stderr.
    pub verbose: bool,
}

impl Settings {
    /// Where the rustdoc JSON of the crate with hash `key` is kept.
    pub(super) fn rustdoc_json(&self, key: &str) -> PathBuf {
        self.work.join("rustdoc").join(format!("{key}.json"))
    }

    /// `target/semver-oracle/` of the workspace at `root`.
    pub fn in_workspace(root: &Path) -> Settings {
        let work = root.join("target/semver-oracle");
        Settings {
            target: work.join("target"),
            work,
            lockfile: root.join("Cargo.lock"),
            verbose: true,
        }
    }
}

/// Time spent in each phase of [`check_pairs_with`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Generating every crate.
    pub generate_seconds: f64,
    /// Building rustdoc JSON.
    pub rustdoc_seconds: f64,
    /// Distinct crates among all sides (consecutive history pairs share
    /// one, hand pairs may share a baseline).
    pub rustdoc_crates: usize,
    /// Of those, the crates whose rustdoc JSON was built; the others were
    /// kept from an earlier run.
    pub rustdoc_built: usize,
    /// Running cargo-semver-checks on every pair.
    pub semver_checks_seconds: f64,
    /// The whole run, including the installation check.
    pub total_seconds: f64,
}

/// Reports of a run, and its timings.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// One report per pair, in the order of the pairs.
    pub reports: Vec<SemverReport>,
    /// The directories of each pair's generated crates (old, new), when
    /// both generated.
    #[serde(skip)]
    pub crate_dirs: Vec<Option<[PathBuf; 2]>>,
    /// Where the time went.
    pub timings: Timings,
}

/// Checks every pair with these settings, returning timings too.
pub fn check_pairs_with(settings: &Settings, pairs: &[SpecPair]) -> Result<Run> {
    let started = Instant::now();
    let mut timings = Timings::default();
    ensure_installed(settings.verbose)?;
    std::fs::create_dir_all(settings.work.join("rustdoc"))
        .with_context(|| format!("{}: cannot create", settings.work.display()))?;
    let _guard = scratch_workspace::lock(&settings.work, "semver-oracle")?;

    let phase = Instant::now();
    let sides = generate_all(settings, pairs)?;
    timings.generate_seconds = phase.elapsed().as_secs_f64();

    let phase = Instant::now();
    let rustdocs = rustdocs(settings, pairs, &sides, &mut timings)?;
    timings.rustdoc_seconds = phase.elapsed().as_secs_f64();

    // cargo-semver-checks on every pair, in parallel.
    let phase = Instant::now();
    let reports = compare_all(settings, pairs, &rustdocs);
    timings.semver_checks_seconds = phase.elapsed().as_secs_f64();
    timings.total_seconds = started.elapsed().as_secs_f64();
    let crate_dirs = sides
        .iter()
        .map(|[old, new]| match (old, new) {
            (Ok(old), Ok(new)) => Some([old.dir.clone(), new.dir.clone()]),
            _ => None,
        })
        .collect();
    Ok(Run {
        reports,
        crate_dirs,
        timings,
    })
}

/// The old and new side of a pair, each generated or why not.
type PairSides = [Result<Side, String>; 2];

/// Generates both crates of every pair into `<work>/pairs/<pair>/`.
fn generate_all(settings: &Settings, pairs: &[SpecPair]) -> Result<Vec<PairSides>> {
    let lock = std::fs::read_to_string(&settings.lockfile)
        .with_context(|| format!("{}: cannot read", settings.lockfile.display()))?;
    let toolchain = toolchain_identity();
    let mut sides = Vec::with_capacity(pairs.len());
    let mut used_dirs = BTreeMap::new();
    for pair in pairs {
        let dir_name = unique_dir_name(&pair.label, &mut used_dirs);
        let dir = settings.work.join("pairs").join(dir_name);
        let generate = |which: &'static str, spec: &Path| {
            generate_side(pair, which, spec, &dir.join(which), &lock, &toolchain)
                .map_err(|e| format!("{e:#}"))
        };
        sides.push([generate("old", &pair.old), generate("new", &pair.new)]);
    }
    Ok(sides)
}

/// The rustdoc JSON of every side, once per distinct crate; those not kept
/// from an earlier run are built by one `cargo doc`.
fn rustdocs(
    settings: &Settings,
    pairs: &[SpecPair],
    sides: &[PairSides],
    timings: &mut Timings,
) -> Result<Vec<[Result<Rustdoc, String>; 2]>> {
    let mut distinct: BTreeMap<&str, (&SpecPair, &Side)> = BTreeMap::new();
    for (pair, pair_sides) in pairs.iter().zip(sides) {
        for side in pair_sides.iter().flatten() {
            distinct.entry(&side.key).or_insert((pair, side));
        }
    }
    let to_build: Vec<(&SpecPair, &Side)> = distinct
        .values()
        .filter(|(_, side)| !settings.rustdoc_json(&side.key).is_file())
        .copied()
        .collect();
    timings.rustdoc_crates = distinct.len();
    timings.rustdoc_built = to_build.len();
    let failures = build_rustdocs(settings, &to_build)?;
    let rustdoc = |pair: &SpecPair, side: &Result<Side, String>| {
        let side = side.as_ref().map_err(Clone::clone)?;
        match failures.get(&side.key) {
            Some(e) => Err(format!("{}: {e}", side.describe(pair))),
            None => Ok(Rustdoc {
                json: settings.rustdoc_json(&side.key),
                key: side.key.clone(),
                dir: side.dir.clone(),
            }),
        }
    };
    Ok(pairs
        .iter()
        .zip(sides)
        .map(|(pair, [old, new])| [rustdoc(pair, old), rustdoc(pair, new)])
        .collect())
}
