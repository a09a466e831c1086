//! `cargo xtask semver-oracle`: cargo-semver-checks as an oracle for spec
//! changes. For each pair of OpenAPI documents (old, new) both crates are
//! generated with the same package name and version, their rustdoc JSON is
//! built, and `cargo semver-checks` compares the two, telling whether the
//! change to the generated crate needs a major or a minor release, or none.
//!
//! - Pairs come from `--pairs DIR` (one sub-directory per pair holding
//!   `old.yaml` and `new.yaml`, and optionally an `expected.json` whose
//!   `semver_checks` field, `"pass…"` or `"fail…"`, is checked) and from
//!   `--history DIR` (versioned documents; consecutive files in file-name
//!   order make the pairs). Without either: `tests/diff_pairs` and
//!   `../shared/corpus/kelviq/history`.
//! - Every crate is generated up front into
//!   `target/semver-oracle/pairs/<pair>/{old,new}`, each a package of its own
//!   (`[workspace]` in its manifest) with a copy of the workspace's
//!   Cargo.lock, version 1.0.0 (so that the bump cargo-semver-checks asks
//!   for is major, minor or none, not the 0.x reading of it).
//! - Rustdoc JSON is built for each distinct crate (consecutive history
//!   pairs share one side, hand pairs may share a baseline) not kept from
//!   an earlier run, by one `cargo doc --no-deps --keep-going` over a
//!   scratch workspace (`target/semver-oracle/batch`) with rustdoc's JSON
//!   output (`RUSTC_BOOTSTRAP=1`), into one target directory,
//!   `target/semver-oracle/target`: dependencies compile once and cargo
//!   documents as many crates at once as there are cores. A workspace
//!   cannot hold two packages of one name, so each member is a copy of its
//!   crate renamed `oracle_<hash>`; the name is put back in its JSON, kept
//!   as `target/semver-oracle/rustdoc/<hash>.json` (the hash covers the
//!   crate's files and the toolchain). A crate the batch gives no JSON for
//!   is built alone with `cargo rustdoc` in its own directory, for an error
//!   message about that crate only.
//! - `cargo semver-checks --baseline-rustdoc … --current-rustdoc …
//!   --release-type patch` then runs for all pairs, in parallel.
//!
//! The task fails when a pair cannot be checked (it does not generate, its
//! crate does not document, cargo-semver-checks gives no verdict), or when
//! the verdict disagrees with the pair's `expected.json`; the verdicts
//! themselves, breaking or not, are the report. The JSON report is
//! `target/semver-oracle/report.json` unless `--json` says otherwise.
//!
//! cargo-semver-checks is installed (`cargo install cargo-semver-checks
//! --locked`) when `cargo semver-checks --version` fails.

use crate::panic_guard::guarded;
use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use crate::api_probe::{ProbeInput, ProbeReport};
use anyhow::{anyhow, bail, Context, Result};
use generator::diff::{ApiDiff, Impact};
use generator::Options;
use scratch_workspace::{
    clear_package_variables, needs_network, rename_package, write_scratch_workspace, Cargo,
};
use serde::Serialize;

/// The version both crates of a pair get.
const CRATE_VERSION: &str = "1.0.0";

/// Lines of cargo-semver-checks' output kept in a report.
const TAIL_LINES: usize = 40;

/// Two documents to compare: `old` is the baseline, `new` the current
/// version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecPair {
    /// Names the pair in reports and directories (`05_param_removed`,
    /// `000_…..005_…`).
    pub label: String,
    /// The baseline document (file or directory).
    pub old: PathBuf,
    /// The current document (file or directory).
    pub new: PathBuf,
    /// Package name both crates are generated with.
    pub crate_name: String,
}

/// The release cargo-semver-checks says the change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// No lint failed: a patch release will do.
    None,
    /// Only minor-level lints failed (e.g. something was deprecated).
    Minor,
    /// A major-level lint failed: the change breaks callers.
    Major,
}

impl Bump {
    /// `pass`, `minor` or `major`.
    pub fn verdict(self) -> &'static str {
        match self {
            Bump::None => "pass",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verdict())
    }
}

/// What cargo-semver-checks said about one pair.
#[derive(Debug, Clone, Serialize)]
pub struct SemverReport {
    /// The pair's label.
    pub label: String,
    /// The release the change needs; [`Bump::None`] when `error` is set.
    pub required_bump: Bump,
    /// Ids of the lints that failed (`enum_variant_missing`, …), sorted.
    pub failed_lints: Vec<String>,
    /// The last lines of cargo-semver-checks' output (stdout, then stderr).
    pub output_tail: String,
    /// Why the pair could not be checked (generation, rustdoc or
    /// cargo-semver-checks failed); names the pair and the side.
    pub error: Option<String>,
}

impl SemverReport {
    /// `pass`, `minor`, `major`, or `error`.
    pub fn verdict(&self) -> &'static str {
        if self.error.is_some() {
            "error"
        } else {
            self.required_bump.verdict()
        }
    }
}

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
    fn rustdoc_json(&self, key: &str) -> PathBuf {
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
    let lock = std::fs::read_to_string(&settings.lockfile)
        .with_context(|| format!("{}: cannot read", settings.lockfile.display()))?;
    let toolchain = toolchain_identity();

    // 1. Generate every crate.
    let phase = Instant::now();
    let mut sides: Vec<[Result<Side, String>; 2]> = Vec::with_capacity(pairs.len());
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
    timings.generate_seconds = phase.elapsed().as_secs_f64();

    // 2. Rustdoc JSON, once per distinct crate; those not kept from an
    // earlier run are built by one `cargo doc`.
    let phase = Instant::now();
    let mut distinct: BTreeMap<&str, (&SpecPair, &Side)> = BTreeMap::new();
    for (pair, pair_sides) in pairs.iter().zip(&sides) {
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
    let rustdocs: Vec<[Result<Rustdoc, String>; 2]> = pairs
        .iter()
        .zip(&sides)
        .map(|(pair, pair_sides)| {
            pair_sides.each_ref().map(|side| match side {
                Err(e) => Err(e.clone()),
                Ok(side) => match failures.get(&side.key) {
                    Some(e) => Err(format!("{}: {e}", side.describe(pair))),
                    None => Ok(Rustdoc {
                        json: settings.rustdoc_json(&side.key),
                        key: side.key.clone(),
                        dir: side.dir.clone(),
                    }),
                },
            })
        })
        .collect();
    timings.rustdoc_seconds = phase.elapsed().as_secs_f64();

    // 3. cargo-semver-checks on every pair, in parallel.
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

/// The rustdoc JSON of one side of a pair.
struct Rustdoc {
    /// The file.
    json: PathBuf,
    /// The crate's hash: source paths in the JSON read `<key>/src/…`.
    key: String,
    /// The side's crate directory, which those paths stand for.
    dir: PathBuf,
}

/// One generated crate.
struct Side {
    /// `old` or `new`.
    which: &'static str,
    /// The crate's directory.
    dir: PathBuf,
    /// The generated files, the manifest without its `[workspace]` table
    /// and without Cargo.lock.
    files: BTreeMap<PathBuf, String>,
    /// Hash of the crate's files and the toolchain: names its rustdoc JSON.
    key: String,
}

impl Side {
    fn describe(&self, pair: &SpecPair) -> String {
        format!("pair {}, {} side", pair.label, self.which)
    }
}

fn generate_side(
    pair: &SpecPair,
    which: &'static str,
    spec: &Path,
    dir: &Path,
    lock: &str,
    toolchain: &str,
) -> Result<Side> {
    let context = || format!("pair {}, {which} side ({})", pair.label, spec.display());
    let options = Options {
        crate_name: pair.crate_name.clone(),
        crate_version: CRATE_VERSION.to_owned(),
    };
    let mut generated = guarded(|| Ok(generator::generate(spec, &options)?))
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

/// Builds the rustdoc JSON of `crates` with one `cargo doc --no-deps
/// --keep-going` over a scratch workspace (`<work>/batch`), so that cargo
/// runs rustdoc on as many crates at once as there are cores and resolves
/// and checks dependencies once. A workspace cannot hold two packages of
/// one name, so each member is renamed `oracle_<key>`; the name is put back
/// in its JSON. Returns why, for each crate whose JSON could not be built
/// (retried alone with `cargo rustdoc` in its own directory for a message
/// about that crate only).
fn build_rustdocs(
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
        let member = batch_name(&side.key);
        let mut files = side.files.clone();
        let renamed = files
            .get(Path::new("Cargo.toml"))
            .and_then(|manifest| rename_package(manifest, &member));
        let Some(renamed) = renamed else {
            failures.insert(
                side.key.clone(),
                "the generated Cargo.toml has no `name = ` line in [package]".to_owned(),
            );
            continue;
        };
        files.insert(PathBuf::from("Cargo.toml"), renamed);
        let crate_ = generator::GeneratedCrate {
            files,
            warnings: Vec::new(),
        };
        if let Err(e) = crate_.write_to(&batch.join(&side.key)) {
            failures.insert(side.key.clone(), format!("cannot write the crate: {e}"));
            continue;
        }
        // A JSON of an earlier, failed build must not pass for this one.
        let _ = std::fs::remove_file(doc.join(format!("{member}.json")));
        members.push((*pair, *side));
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
        let member = batch_name(&side.key);
        let built = doc.join(format!("{member}.json"));
        let dest = settings.rustdoc_json(&side.key);
        let result = match std::fs::read_to_string(&built) {
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
        };
        if let Err(e) = result {
            failures.insert(side.key.clone(), format!("{e:#}"));
        }
    }
    Ok(failures)
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

/// Runs cargo-semver-checks on every pair whose two rustdoc files exist,
/// on as many threads as there are cores.
fn compare_all(
    settings: &Settings,
    pairs: &[SpecPair],
    rustdocs: &[[Result<Rustdoc, String>; 2]],
) -> Vec<SemverReport> {
    let reports: Vec<Mutex<Option<SemverReport>>> =
        pairs.iter().map(|_| Mutex::new(None)).collect();
    let next = Mutex::new(0usize);
    let threads = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .min(pairs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = {
                    let Ok(mut next) = next.lock() else { return };
                    let index = *next;
                    *next += 1;
                    index
                };
                let (Some(pair), Some([old, new])) = (pairs.get(index), rustdocs.get(index)) else {
                    return;
                };
                let report = match (old, new) {
                    (Ok(old), Ok(new)) => compare(settings, pair, old, new),
                    (Err(e), _) | (_, Err(e)) => failed(pair, e.clone()),
                };
                if settings.verbose {
                    eprintln!("semver-checks {}: {}", pair.label, report.verdict());
                }
                if let Ok(mut slot) = reports[index].lock() {
                    *slot = Some(report);
                }
            });
        }
    });
    reports
        .into_iter()
        .zip(pairs)
        .map(|(slot, pair)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                failed(
                    pair,
                    format!("pair {}: not checked (a worker thread failed)", pair.label),
                )
            })
        })
        .collect()
}

fn failed(pair: &SpecPair, error: String) -> SemverReport {
    SemverReport {
        label: pair.label.clone(),
        required_bump: Bump::None,
        failed_lints: Vec::new(),
        output_tail: String::new(),
        error: Some(error),
    }
}

fn compare(settings: &Settings, pair: &SpecPair, old: &Rustdoc, new: &Rustdoc) -> SemverReport {
    let mut command = semver_checks_command();
    command
        .args(["--baseline-rustdoc"])
        .arg(&old.json)
        .args(["--current-rustdoc"])
        .arg(&new.json)
        .args(["--release-type", "patch", "--color", "never"]);
    clear_package_variables(&mut command);
    let output = command
        .current_dir(&settings.work)
        .env("CARGO_TERM_COLOR", "never")
        .stdin(Stdio::null())
        .output();
    match output {
        Err(e) => failed(
            pair,
            format!("pair {}: cannot run cargo semver-checks: {e}", pair.label),
        ),
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            // Source paths name this pair's crates.
            let mut text = format!("{stdout}{stderr}");
            for side in [old, new] {
                text = text.replace(
                    &format!("{}/src/", side.key),
                    &format!("{}/src/", side.dir.display()),
                );
            }
            let parsed = parse_output(&text, output.status.success());
            let mut report = SemverReport {
                label: pair.label.clone(),
                required_bump: Bump::None,
                failed_lints: Vec::new(),
                output_tail: tail(&text, TAIL_LINES),
                error: None,
            };
            match parsed {
                Ok(parsed) => {
                    report.required_bump = parsed.bump;
                    report.failed_lints = parsed.lints;
                }
                Err(why) => {
                    report.error = Some(format!(
                        "pair {}: cargo semver-checks {} ({why:#}); output ends:\n{}",
                        pair.label, output.status, report.output_tail
                    ))
                }
            }
            report
        }
    }
}

/// `cargo semver-checks check-release`.
fn semver_checks_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["semver-checks", "check-release"]);
    command
}

/// What cargo-semver-checks' output says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The release it asks for.
    pub bump: Bump,
    /// Failed lint ids, sorted and unique.
    pub lints: Vec<String>,
}

/// Reads cargo-semver-checks' output (any mix of stdout and stderr,
/// colourless) and its exit status. Recognises:
///
/// - `--- failure <lint_id>: <description> ---` (one per failed lint);
/// - `FAIL … <lint_id>` lines of the verbose per-lint listing;
/// - `Summary semver requires new major version: …`, `… new minor
///   version: …` and `Summary no semver update required`.
///
/// `Err` when the output says nothing that explains the exit status (a
/// crash, an unsupported rustdoc format, a bad flag).
pub fn parse_output(text: &str, success: bool) -> Result<Parsed> {
    let mut lints = Vec::new();
    let mut summary: Option<Bump> = None;
    let mut checked = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--- failure ") {
            if let Some(id) = rest
                .split(':')
                .next()
                .map(str::trim)
                .filter(|id| is_lint_id(id))
            {
                lints.push(id.to_owned());
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"FAIL") {
            if let Some(id) = words.last().filter(|id| is_lint_id(id)) {
                lints.push((*id).to_owned());
            }
            continue;
        }
        if words.first() == Some(&"Checked") {
            checked = true;
        }
        let lower = line.to_ascii_lowercase();
        if lower.contains("semver requires new major version") {
            summary = Some(Bump::Major);
        } else if lower.contains("semver requires new minor version") {
            summary = summary.max(Some(Bump::Minor));
        } else if lower.contains("no semver update required") {
            summary = summary.or(Some(Bump::None));
        }
    }
    lints.sort();
    lints.dedup();
    let bump = match (summary, success) {
        (Some(bump), _) => bump,
        // Failed lints without a summary line (truncated output): at
        // least a minor bump, and the exit status must agree.
        (None, false) if !lints.is_empty() => Bump::Major,
        (None, true) if checked => Bump::None,
        (None, true) => bail!("exited successfully without a summary"),
        (None, false) => bail!("no summary and no failed lint in the output"),
    };
    if bump == Bump::None && !success {
        bail!("the output says no update is required, yet it failed");
    }
    if bump != Bump::None && success {
        bail!("the output asks for a {bump} release, yet it exited successfully");
    }
    Ok(Parsed { bump, lints })
}

/// Lint ids are lower-case snake case: `enum_variant_added`.
fn is_lint_id(word: &str) -> bool {
    !word.is_empty()
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    let mut out = all[start..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Makes sure `cargo semver-checks` runs, installing it if it does not.
pub fn ensure_installed(verbose: bool) -> Result<()> {
    if let Some(version) = semver_checks_version() {
        if verbose {
            eprintln!("using {version}");
        }
        return Ok(());
    }
    eprintln!(
        "cargo-semver-checks is missing; running `cargo install cargo-semver-checks --locked`"
    );
    let status = Command::new("cargo")
        .args(["install", "cargo-semver-checks", "--locked"])
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!("`cargo install cargo-semver-checks --locked` failed ({status})");
    }
    semver_checks_version()
        .map(|_| ())
        .ok_or_else(|| anyhow!("cargo-semver-checks was installed but `cargo semver-checks --version` still fails (is ~/.cargo/bin on PATH?)"))
}

fn semver_checks_version() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["semver-checks", "--version"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// `rustc -vV`: rustdoc JSON differs between toolchains.
fn toolchain_identity() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("-vV")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// A directory name for `label`: safe characters only, unique in the run.
fn unique_dir_name(label: &str, used: &mut BTreeMap<String, usize>) -> String {
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

// ---------------------------------------------------------------------------
// Finding pairs

/// A pair read from a `--pairs` directory, with what its `expected.json`
/// says cargo-semver-checks should answer.
#[derive(Debug, Clone)]
pub struct HandPair {
    /// The pair.
    pub pair: SpecPair,
    /// `expected.json`'s `semver_checks`, when present.
    pub expected: Option<String>,
}

/// The sub-directories of `dir` holding `old.{yaml,yml,json}` and
/// `new.{…}`, in name order, as pairs of crate `crate_name`.
pub fn pairs_in_dir(dir: &Path, crate_name: &str) -> Result<Vec<HandPair>> {
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    subdirs.sort();
    let mut out = Vec::new();
    for sub in subdirs {
        let label = sub
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let find = |stem: &str| {
            ["yaml", "yml", "json"]
                .iter()
                .map(|ext| sub.join(format!("{stem}.{ext}")))
                .find(|p| p.is_file())
                .ok_or_else(|| anyhow!("pair {label}: no {stem}.yaml in {}", sub.display()))
        };
        let expected_path = sub.join("expected.json");
        let expected = if expected_path.is_file() {
            let text = std::fs::read_to_string(&expected_path)
                .with_context(|| format!("{}: cannot read", expected_path.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", expected_path.display()))?;
            value
                .get("semver_checks")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        } else {
            None
        };
        out.push(HandPair {
            pair: SpecPair {
                old: find("old")?,
                new: find("new")?,
                label,
                crate_name: crate_name.to_owned(),
            },
            expected,
        });
    }
    Ok(out)
}

/// Consecutive documents (`.json`, `.yaml`, `.yml`) of `dir` in file-name
/// order, as pairs of crate `crate_name`, labelled `<old stem>..<new stem>`.
pub fn history_pairs(dir: &Path, crate_name: &str) -> Result<Vec<SpecPair>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ["json", "yaml", "yml"].contains(&&*ext.to_string_lossy()))
        })
        .collect();
    files.sort();
    let stem = |path: &Path| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    Ok(files
        .windows(2)
        .map(|w| SpecPair {
            label: format!("{}..{}", stem(&w[0]), stem(&w[1])),
            old: w[0].clone(),
            new: w[1].clone(),
            crate_name: crate_name.to_owned(),
        })
        .collect())
}

/// The crate name for a history directory: its parent's name
/// (`…/kelviq/history` → `kelviq`) when that is a valid package name.
fn history_crate_name(dir: &Path) -> String {
    let absolute = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let named = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| {
                n.starts_with(|c: char| c.is_ascii_alphabetic())
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
    };
    absolute
        .parent()
        .and_then(named)
        .unwrap_or_else(|| "history_client".to_owned())
}

// ---------------------------------------------------------------------------
// The command

/// What `cargo xtask semver-oracle` runs on.
#[derive(Debug, Clone)]
pub struct OracleArgs {
    /// The workspace root.
    pub root: PathBuf,
    /// `--pairs` directories.
    pub pairs: Vec<PathBuf>,
    /// `--history` directories.
    pub history: Vec<PathBuf>,
    /// Where to write the JSON report.
    pub json: Option<PathBuf>,
}

/// `cargo xtask semver-oracle`: fails when a pair cannot be checked, or
/// when cargo-semver-checks disagrees with a pair's
/// `expected.json` `semver_checks`.
pub fn run(command: &OracleArgs) -> Result<ExitCode> {
    let (pair_dirs, history_dirs) = if command.pairs.is_empty() && command.history.is_empty() {
        let beside = command.root.parent().unwrap_or(&command.root);
        (
            vec![command.root.join("tests/diff_pairs")],
            vec![beside.join("shared/corpus/kelviq/history")],
        )
    } else {
        (command.pairs.clone(), command.history.clone())
    };
    // Hand pairs' reports are snapshotted by tests/diff.rs; the history's
    // are printed here.
    let mut groups: Vec<(String, Vec<HandPair>, bool)> = Vec::new();
    for dir in &pair_dirs {
        groups.push((
            dir.display().to_string(),
            pairs_in_dir(dir, "pair_client")?,
            false,
        ));
    }
    for dir in &history_dirs {
        let name = history_crate_name(dir);
        let pairs = history_pairs(dir, &name)?
            .into_iter()
            .map(|pair| HandPair {
                pair,
                expected: None,
            })
            .collect();
        groups.push((format!("{} (crate {name})", dir.display()), pairs, true));
    }
    let all: Vec<SpecPair> = groups
        .iter()
        .flat_map(|(_, pairs, _)| pairs.iter().map(|p| p.pair.clone()))
        .collect();
    if all.is_empty() {
        bail!("no spec pairs found");
    }

    let settings = Settings::in_workspace(&command.root);
    let run = check_pairs_with(&settings, &all)?;
    let probes = probe_pairs(&command.root, &all, &run)?;

    let mut reports = run.reports.iter().zip(&probes);
    let mut mismatches = Vec::new();
    for (title, pairs, print_reports) in &groups {
        println!("\n# {title}\n");
        let rows: Vec<Row> = pairs
            .iter()
            .zip(reports.by_ref())
            .map(|(pair, (report, probe))| Row::new(pair, report, probe.as_ref()))
            .collect();
        if *print_reports {
            for row in &rows {
                if let Ok(diff) = &row.diff {
                    let title = format!("`cargo xtask diff`: {}", row.pair.pair.label);
                    println!("{}", generator::diff::render_markdown(diff, &title));
                }
            }
        }
        print!("{}", table(&rows));
        for row in &rows {
            mismatches.extend(row.mismatches());
        }
    }
    let t = &run.timings;
    println!(
        "\n{} pairs in {:.1}s: generation {:.1}s, rustdoc JSON {:.1}s ({} distinct crates, {} built, \
         the others kept from an earlier run), cargo-semver-checks {:.1}s",
        all.len(),
        t.total_seconds,
        t.generate_seconds,
        t.rustdoc_seconds,
        t.rustdoc_crates,
        t.rustdoc_built,
        t.semver_checks_seconds
    );
    let json = command
        .json
        .clone()
        .unwrap_or_else(|| settings.work.join("report.json"));
    let text = serde_json::to_string_pretty(&run).context("cannot serialise the report")?;
    std::fs::write(&json, text + "\n")
        .with_context(|| format!("{}: cannot write", json.display()))?;
    println!("report: {}", json.display());

    let errors: Vec<&SemverReport> = run.reports.iter().filter(|r| r.error.is_some()).collect();
    for report in &errors {
        eprintln!("\nERROR {}", report.error.as_deref().unwrap_or_default());
    }
    for mismatch in &mismatches {
        eprintln!("MISMATCH {mismatch}");
    }
    Ok(if errors.is_empty() && mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The compiler's verdict on each pair: code using every item of the old
/// crate with its exact types, compiled against the new crate
/// ([`api_probe`](crate::api_probe)). `None` for a pair whose crates did
/// not generate.
fn probe_pairs(root: &Path, pairs: &[SpecPair], run: &Run) -> Result<Vec<Option<ProbeReport>>> {
    let inputs: Vec<ProbeInput> = pairs
        .iter()
        .zip(&run.crate_dirs)
        .filter_map(|(pair, dirs)| {
            let [old, new] = dirs.as_ref()?;
            Some(ProbeInput {
                label: pair.label.clone(),
                old_spec: pair.old.clone(),
                old_crate_dir: old.clone(),
                new_crate_dir: new.clone(),
                crate_name: pair.crate_name.clone(),
            })
        })
        .collect();
    let mut reports = crate::api_probe::check_probes(root, &inputs)?.into_iter();
    Ok(run
        .crate_dirs
        .iter()
        .map(|dirs| dirs.as_ref().and_then(|_| reports.next()))
        .collect())
}

/// Whether cargo-semver-checks' verdict matches `expected` (`pass…` or
/// `fail…`).
fn agrees(expected: &str, report: &SemverReport) -> bool {
    if report.error.is_some() {
        return false;
    }
    let passed = report.required_bump == Bump::None;
    if expected.starts_with("pass") {
        passed
    } else if expected.starts_with("fail") {
        !passed
    } else {
        true
    }
}

/// One pair's line of the report: cargo-semver-checks' verdict beside
/// `cargo xtask diff`'s.
struct Row<'a> {
    pair: &'a HandPair,
    report: &'a SemverReport,
    /// The compiler's verdict.
    probe: Option<&'a ProbeReport>,
    /// `cargo xtask diff`'s report, or why there is none.
    diff: Result<ApiDiff>,
}

impl<'a> Row<'a> {
    fn new(pair: &'a HandPair, report: &'a SemverReport, probe: Option<&'a ProbeReport>) -> Self {
        let diff = crate::diff::diff_specs(&pair.pair.old, &pair.pair.new);
        Row {
            pair,
            report,
            probe,
            diff,
        }
    }

    /// `breaking`, `compatible` or `error`.
    fn probe_label(&self) -> &'static str {
        self.probe.map_or("error", ProbeReport::verdict)
    }

    /// `breaking`, `non-breaking`, `docs-only`, `none` or `error`.
    fn diff_label(&self) -> &'static str {
        match self.diff.as_ref().map(ApiDiff::verdict) {
            Ok(Some(impact)) => impact.label(),
            Ok(None) => "none",
            Err(_) => "error",
        }
    }

    /// Whether the diff's verdict agrees with the oracles: breaking exactly
    /// when cargo-semver-checks asks for a major release or old code stops
    /// compiling against the new crate (cargo-semver-checks does not lint
    /// changes of a type; the compiler sees them).
    fn agreement(&self) -> Agreement {
        let (Ok(diff), None, Some(Some(compiler_breaking))) = (
            &self.diff,
            &self.report.error,
            self.probe.map(ProbeReport::breaking),
        ) else {
            return Agreement::No;
        };
        let breaking = diff.verdict() == Some(Impact::Breaking);
        let semver_breaking = self.report.required_bump == Bump::Major;
        match (breaking, semver_breaking, compiler_breaking) {
            (true, true, _) | (false, false, false) => Agreement::Yes,
            (true, false, true) => Agreement::CompilerOnly,
            _ => Agreement::No,
        }
    }

    fn mismatches(&self) -> Vec<String> {
        let label = &self.pair.pair.label;
        let mut out = Vec::new();
        if let Some(expected) = &self.pair.expected {
            if !agrees(expected, self.report) {
                out.push(format!(
                    "{label}: expected.json says semver_checks {expected:?}, cargo-semver-checks says {}",
                    self.report.verdict()
                ));
            }
        }
        match (&self.diff, self.agreement()) {
            (Err(e), _) => out.push(format!("{label}: cargo xtask diff failed: {e:#}")),
            (Ok(_), Agreement::No) => out.push(format!(
                "{label}: cargo xtask diff says {}, cargo-semver-checks says {}, the compiler says {}{}",
                self.diff_label(),
                self.report.verdict(),
                self.probe_label(),
                self.probe
                    .and_then(|p| p.problem.as_deref().or(p.errors.first().map(String::as_str)))
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            )),
            _ => {}
        }
        out
    }
}

/// How the two verdicts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreement {
    /// Both call it breaking, or neither does.
    Yes,
    /// Breaking by the diff and the compiler; cargo-semver-checks, which
    /// does not lint type changes, passes it.
    CompilerOnly,
    /// They disagree.
    No,
}

fn table(rows: &[Row]) -> String {
    let header = [
        "pair",
        "semver-checks",
        "failing lints",
        "compiler",
        "diff",
        "agree",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let (pair, report) = (row.pair, row.report);
            let lints = if let Some(error) = &report.error {
                // In full below the table.
                let first = error.lines().next().unwrap_or_default();
                if first.chars().count() > 70 {
                    format!(
                        "{}… (see below)",
                        first.chars().take(70).collect::<String>()
                    )
                } else {
                    first.to_owned()
                }
            } else if report.failed_lints.is_empty() {
                "-".to_owned()
            } else {
                report.failed_lints.join(", ")
            };
            let agree = match row.agreement() {
                Agreement::Yes => "yes",
                Agreement::CompilerOnly => "yes (type change: compiler only)",
                Agreement::No => "NO",
            };
            [
                pair.pair.label.clone(),
                report.verdict().to_owned(),
                lints,
                row.probe_label().to_owned(),
                row.diff_label().to_owned(),
                agree.to_owned(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cols: [&str; 6], out: &mut String| {
        let text: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(text.join(" | ").trim_end());
        out.push('\n');
    };
    line(header, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("-|-"));
    out.push('\n');
    for row in &cells {
        line(
            [&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]],
            &mut out,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_failures_and_summary() {
        let text = "\
     Parsing pair_client v1.0.0 (current)
    Checking pair_client v1.0.0 -> v1.0.0 (no change; assume patch)
     Checked [   0.010s] 152 checks: 150 pass, 2 fail, 0 warn, 14 skip

--- failure enum_variant_missing: pub enum variant removed or renamed ---

--- failure inherent_method_missing: pub method removed or renamed ---

     Summary semver requires new major version: 2 major and 0 minor checks failed
";
        let parsed = parse_output(text, false).unwrap();
        assert_eq!(parsed.bump, Bump::Major);
        assert_eq!(
            parsed.lints,
            ["enum_variant_missing", "inherent_method_missing"]
        );
    }

    #[test]
    fn reads_minor_and_pass() {
        let minor = "--- failure function_marked_deprecated: x ---\n     Summary semver requires new minor version: 0 major and 1 minor checks failed\n";
        assert_eq!(parse_output(minor, false).unwrap().bump, Bump::Minor);
        let pass = "     Checked [   0.010s] 152 checks: 152 pass, 14 skip\n     Summary no semver update required\n";
        assert_eq!(
            parse_output(pass, true).unwrap(),
            Parsed {
                bump: Bump::None,
                lints: vec![]
            }
        );
        let verbose = "        FAIL [   0.001s]      major  enum_variant_added\n";
        assert_eq!(
            parse_output(verbose, false).unwrap().lints,
            ["enum_variant_added"]
        );
    }

    #[test]
    fn unexplained_failure_is_an_error() {
        assert!(parse_output("error: unsupported rustdoc format v99\n", false).is_err());
        assert!(parse_output("", true).is_err());
    }

    #[test]
    fn directory_names_are_safe_and_unique() {
        let mut used = BTreeMap::new();
        assert_eq!(unique_dir_name("a/b c", &mut used), "a_b_c");
        assert_eq!(unique_dir_name("a/b c", &mut used), "a_b_c-2");
        assert_eq!(unique_dir_name("..", &mut used), "p..");
    }
}
