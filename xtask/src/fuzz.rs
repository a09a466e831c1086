//! `cargo xtask fuzz [--seconds N]`: runs the `generate` cargo-fuzz target
//! (`fuzz/fuzz_targets/generate.rs`) for a fixed time budget.
//!
//! - installs `cargo-fuzz` (`cargo install cargo-fuzz --locked`) if
//!   `cargo fuzz` is missing;
//! - seeds `fuzz/corpus/generate/` (gitignored) at run time from the small
//!   documents of `../shared/corpus/public` and the single-document fixtures
//!   of `tests/fixtures`, `tests/fixtures31` and `tests/fixtures32`;
//! - runs `cargo fuzz run --sanitizer none generate -- -max_total_time=N
//!   -timeout=10 -rss_limit_mb=2048` with `RUSTC_BOOTSTRAP=1`, so that the
//!   nightly-only flags cargo-fuzz passes to rustc work on a stable
//!   toolchain;
//! - fails, naming the files of `fuzz/artifacts/generate/`, if the fuzzer
//!   found a crash, a timeout or an out-of-memory input.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};

/// Public documents larger than this are not used as seeds: the fuzzer
/// mutates small inputs far faster.
const MAX_SEED_BYTES: u64 = 16 * 1024;

/// First byte of a seed: the fuzz target reads the rest as JSON when the
/// first byte is even and as YAML when it is odd.
const JSON_PREFIX: u8 = b'0';
const YAML_PREFIX: u8 = b'1';

/// What to run.
pub struct Settings {
    /// The workspace root.
    pub root: PathBuf,
    /// Fuzzing budget in seconds.
    pub seconds: u64,
}

pub fn run(settings: &Settings) -> Result<ExitCode> {
    let fuzz_dir = settings.root.join("fuzz");
    ensure_cargo_fuzz()?;
    let corpus = fuzz_dir.join("corpus/generate");
    let seeded = seed_corpus(&settings.root, &corpus)?;
    println!("seeded {} with {seeded} documents", corpus.display());

    let artifacts = fuzz_dir.join("artifacts/generate");
    let before = list_files(&artifacts);
    let status = Command::new("cargo")
        .current_dir(&fuzz_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--sanitizer", "none", "generate", "--"])
        .arg(format!("-max_total_time={}", settings.seconds))
        .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"])
        .status()
        .context("cannot run `cargo fuzz run`")?;

    let found: Vec<PathBuf> = list_files(&artifacts)
        .difference(&before)
        .cloned()
        .collect();
    if !found.is_empty() {
        eprintln!("the fuzzer found {} failing input(s):", found.len());
        for path in &found {
            eprintln!("  {}", path.display());
        }
        eprintln!(
            "reproduce with `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none generate <file>` \
             in fuzz/, and keep the input in tests/fuzz_regressions/"
        );
        return Ok(ExitCode::FAILURE);
    }
    if !status.success() {
        // A finding whose artifact already existed (same input as before).
        let known = list_files(&artifacts);
        if !known.is_empty() {
            eprintln!("inputs under {}:", artifacts.display());
            for path in &known {
                eprintln!("  {}", path.display());
            }
        }
        bail!("`cargo fuzz run` failed ({status})");
    }
    println!("no findings in {} s", settings.seconds);
    Ok(ExitCode::SUCCESS)
}

/// Installs cargo-fuzz unless `cargo fuzz` already runs.
fn ensure_cargo_fuzz() -> Result<()> {
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    crate::install::cargo_install("cargo-fuzz", "`cargo fuzz`")
}

/// Copies the seed documents into `corpus`, each prefixed with the byte that
/// selects its format. Returns how many were written.
fn seed_corpus(root: &Path, corpus: &Path) -> Result<usize> {
    fs::create_dir_all(corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let mut sources = Vec::new();
    let public = root.parent().unwrap_or(root).join("shared/corpus/public");
    for path in sorted_files(&public) {
        let small = fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_SEED_BYTES);
        if small {
            sources.push(path);
        }
    }
    for fixtures in ["tests/fixtures", "tests/fixtures31", "tests/fixtures32"] {
        for dir in sorted_files(&root.join(fixtures)) {
            for name in ["openapi.yaml", "openapi.yml", "openapi.json"] {
                let path = dir.join(name);
                if path.is_file() {
                    sources.push(path);
                }
            }
        }
    }
    let mut written = 0;
    for path in sources {
        let prefix = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => JSON_PREFIX,
            Some("yaml" | "yml") => YAML_PREFIX,
            _ => continue,
        };
        let Ok(text) = fs::read(&path) else { continue };
        // `public/<file>` or `tests/fixtures/<dir>/<file>`, flattened.
        let beside = root.parent().unwrap_or(root).join("shared/corpus");
        let stem = path
            .strip_prefix(root)
            .or_else(|_| path.strip_prefix(&beside))
            .unwrap_or(&path)
            .to_string_lossy()
            .replace(['/', '\\', '.'], "_");
        let mut seed = vec![prefix];
        seed.extend_from_slice(&text);
        let target = corpus.join(format!("seed-{stem}"));
        fs::write(&target, seed).with_context(|| format!("cannot write {}", target.display()))?;
        written += 1;
    }
    Ok(written)
}

/// Entries of a directory, sorted; empty if it cannot be read.
fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

fn list_files(dir: &Path) -> BTreeSet<PathBuf> {
    sorted_files(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}
