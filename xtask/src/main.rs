//! Project tasks: `cargo xtask codegen [--check]` keeps `generated-client/`
//! in step with `spec/`; `cargo xtask generate` turns any spec into a crate;
//! `cargo xtask corpus` generates and compiles a corpus of real specs;
//! `cargo xtask bench` measures generation speed, output size, compile
//! time and runtime overhead; `cargo xtask fuzz` fuzzes the pipeline;
//! `cargo xtask diff` reports what a spec change does to the generated
//! crate and to deployed clients, `cargo xtask release` bumps the crate's
//! version and changelog from that report, and `cargo xtask semver-oracle` checks those verdicts against
//! cargo-semver-checks and the compiler.

mod api_probe;
mod bench;
mod conformance;
mod corpus;
mod diff;
mod fuzz;
mod install;
mod panic_guard;
mod release;
mod semver_oracle;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use openapi_rust_gen::diff::outputs::Format;
use openapi_rust_gen::diff::FailOn;
use openapi_rust_gen::GeneratedCrate;
use scratch_workspace::workspace_root;

#[derive(Parser)]
#[command(about = "Tasks for the OpenAPI → Rust client generator")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate `generated-client/` from `spec/`.
    Codegen {
        /// Only check: exit non-zero and list stale files if the committed
        /// crate differs from what `spec/` produces.
        #[arg(long)]
        check: bool,
    },
    /// Generate a stand-alone crate from any spec file or directory.
    Generate {
        /// OpenAPI document, or a directory of documents to merge.
        spec: PathBuf,
        /// Directory to write the crate into.
        #[arg(long)]
        out: PathBuf,
        /// Package name of the crate.
        #[arg(long, value_parser = crate_name)]
        name: String,
    },
    /// Generate a crate from every OpenAPI document (.json, .yaml, .yml) in
    /// a corpus, compile them all with one `cargo clippy -D warnings`, and
    /// report per document. Fails if any document does not generate, does
    /// not compile or has compiler warnings.
    Corpus {
        /// Directories of documents (not searched recursively), or single
        /// documents. Default: `../shared/corpus/public` beside the
        /// workspace.
        paths: Vec<PathBuf>,
        /// Where to write the report as JSON. Default:
        /// `target/corpus-report.json` in the workspace.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Only generate (in memory); do not write or compile the crates.
        /// A document passes if it generates.
        #[arg(long)]
        no_compile: bool,
        /// Instead of the documents, generate from this many randomly
        /// mutated copies of them (kept in
        /// `target/corpus-workspace/mutated/`), without compiling; a
        /// document passes unless it shows a generator bug (a panic, an
        /// error of kind bug, or a hang).
        #[arg(long, value_name = "N")]
        mutate: Option<usize>,
        /// Seed of `--mutate`: the same seed makes the same documents.
        #[arg(long, default_value_t = 0, requires = "mutate")]
        seed: u64,
        /// Seconds a document may take to generate; longer is reported as
        /// a hang (a generator bug).
        #[arg(long, default_value_t = 120)]
        time_limit: u64,
    },
    /// Benchmark the generator and the generated code, and print a table of
    /// the figures against the targets of issue #9 (takes a few minutes:
    /// it builds in release, compiles generated crates and runs criterion).
    Bench {
        /// Skip timing generation and counting the generated lines.
        #[arg(long)]
        no_generation: bool,
        /// Skip timing the generated crates' compilation.
        #[arg(long, conflicts_with = "peers")]
        no_compile: bool,
        /// Also generate and compile progenitor's and openapi-generator's
        /// crates for nexus and kelviq (installing those tools under
        /// target/bench-tools/ when missing: needs python3, Java and the
        /// network), print our/peer ratios, and time one tag feature of
        /// nexus against the whole crate (issue #19; takes tens of minutes).
        #[arg(long)]
        peers: bool,
        /// Also time one tag of a 1,000-operation API against its whole
        /// crate: GitHub's REST description, fetched from npm into
        /// target/bench-tools/ when missing (needs npm and the network;
        /// takes about a quarter of an hour and 8 GB of memory).
        #[arg(long)]
        large_api: bool,
        /// Skip the criterion benchmark of a generated call.
        #[arg(long)]
        no_runtime: bool,
        /// Whole-process runs of the generator per spec (median reported).
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Fuzz load → lower → emit → format with cargo-fuzz (`fuzz/`) for a
    /// fixed time; installs cargo-fuzz if missing and runs it on stable
    /// through `RUSTC_BOOTSTRAP=1`. Fails if the fuzzer finds a panic,
    /// hang or out-of-memory input (saved under `fuzz/artifacts/generate/`).
    Fuzz {
        /// Fuzzing budget in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Report what changed between two versions of a spec, on two axes:
    /// for the generated crate's Rust API (breaking, non-breaking or
    /// docs-only, and the semver bump it implies) and on the wire, for
    /// clients already deployed (breaking, needs attention or compatible).
    Diff {
        /// The older spec (file or directory); omit with `--base`.
        #[arg(required_unless_present = "base")]
        old: Option<PathBuf>,
        /// The newer spec (file or directory). Default with `--base`: `spec/`.
        new: Option<PathBuf>,
        /// Compare `spec/` as committed at this git revision with NEW (the
        /// one path given; default `spec/`).
        #[arg(long)]
        base: Option<String>,
        /// Report format: text, markdown (a pull-request comment), json or
        /// github (GitHub Actions annotations at the new spec's lines).
        #[arg(long, default_value = "markdown")]
        format: Format,
        /// Exit with 4 when the change is breaking on this axis:
        /// rust-breaking, wire-breaking or any (either).
        #[arg(long, value_name = "CONDITION")]
        fail_on: Option<FailOn>,
    },
    /// Release the generated crate after a spec change: bump the version
    /// in its Cargo.toml (and in the configuration's `[package] version`,
    /// when given) by the Rust verdict, and prepend a CHANGELOG.md entry
    /// written from the report.
    Release {
        /// The spec the crate was last released from.
        old: PathBuf,
        /// The spec it is generated from now.
        new: PathBuf,
        /// The generated crate. Default: `generated-client/`.
        #[arg(long = "crate")]
        crate_dir: Option<PathBuf>,
        /// A configuration file whose `[package] version` the generator
        /// reads, bumped alike so that regenerating keeps the version.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check `diff`'s verdicts against real oracles: for each pair of specs,
    /// generate both crates, run cargo-semver-checks on them and compile a
    /// probe of the old API against the new crate; print each history
    /// pair's diff report and a table of the three verdicts. Fails if a pair
    /// cannot be checked or the verdicts disagree.
    SemverOracle {
        /// Directory with one sub-directory per pair holding `old.yaml` and
        /// `new.yaml` (crate `pair_client`). Default, with no `--history`
        /// either: `tests/diff_pairs`.
        #[arg(long)]
        pairs: Vec<PathBuf>,
        /// Directory of versioned documents; consecutive files in name
        /// order are the pairs (crate named after the parent directory).
        /// Default, with no `--pairs` either: `../shared/corpus/kelviq/history`.
        #[arg(long)]
        history: Vec<PathBuf>,
        /// Where to write the JSON report. Default:
        /// `target/semver-oracle/report.json`.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Call every operation of every document's generated client against
    /// Stoplight Prism (static pass with the spec's examples, then seeded
    /// dynamic rounds) and classify each call: ok, client fault, spec fault,
    /// mock fault or not exercisable. Fails on any client fault.
    Conformance {
        /// Documents, or directories of documents (not searched
        /// recursively). Default: `../shared/corpus/public`, `public31`,
        /// `kelviq/openapi.json` and kelviq's 3.1 version.
        paths: Vec<PathBuf>,
        /// Dynamic rounds per document. Default: 3, or 1 for documents
        /// over 300 KB.
        #[arg(long)]
        rounds: Option<usize>,
        /// Seed of made-up values and of Prism's dynamic responses.
        #[arg(long, default_value_t = 13)]
        seed: u64,
        /// Where to write the report as JSON. Default:
        /// `target/conformance-report.json`.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().task) {
        Ok(code) => code,
        Err(error) => {
            // `{:#}`: the whole chain of context, on one line.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> Result<ExitCode> {
    match task {
        Task::Codegen { check } => codegen(check),
        Task::Generate { spec, out, name } => generate(&spec, &out, &name),
        Task::Corpus {
            paths,
            json,
            no_compile,
            mutate,
            seed,
            time_limit,
        } => corpus(
            &paths,
            json,
            CorpusMode {
                compile: !no_compile,
                mutate: mutate.map(|count| corpus::Mutation { count, seed }),
                time_limit: Duration::from_secs(time_limit),
            },
        ),
        Task::Bench {
            no_generation,
            no_compile,
            peers,
            large_api,
            no_runtime,
            runs,
        } => bench::run(&bench::Settings {
            root: workspace_root(),
            generation: !no_generation,
            compile: !no_compile,
            peers,
            large_api,
            runtime: !no_runtime,
            process_runs: runs.max(1),
        }),
        Task::Fuzz { seconds } => fuzz::run(&fuzz::Settings {
            root: workspace_root(),
            seconds,
        }),
        Task::Diff {
            old,
            new,
            base,
            format,
            fail_on,
        } => diff_sides(old, new, base)
            .and_then(|sides| diff::run(&workspace_root(), sides, format, fail_on)),
        Task::Release {
            old,
            new,
            crate_dir,
            config,
        } => {
            let crate_dir = crate_dir.unwrap_or_else(|| workspace_root().join("generated-client"));
            release::run(&old, &new, &crate_dir, config.as_deref())
        }
        Task::SemverOracle {
            pairs,
            history,
            json,
        } => semver_oracle::run(&semver_oracle::OracleArgs {
            root: workspace_root(),
            pairs,
            history,
            json,
        }),
        Task::Conformance {
            paths,
            rounds,
            seed,
            json,
        } => conformance::run(&paths, rounds, seed, json),
    }
}

/// `spec/`, relative to the current directory when it is inside the
/// workspace: annotations name files as GitHub expects them, relative to
/// the repository.
fn default_spec() -> PathBuf {
    let spec = workspace_root().join("spec");
    std::env::current_dir()
        .ok()
        .and_then(|cwd| spec.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(spec)
}

/// The two specs `cargo xtask diff` compares, from its arguments.
fn diff_sides(
    old: Option<PathBuf>,
    new: Option<PathBuf>,
    base: Option<String>,
) -> Result<diff::Sides> {
    match (old, new, base) {
        (given, None, Some(revision)) => Ok(diff::Sides::Base {
            revision,
            new: given.unwrap_or_else(default_spec),
        }),
        (Some(old), Some(new), None) => Ok(diff::Sides::Paths { old, new }),
        _ => bail!("give OLD and NEW, or --base REVISION [NEW]"),
    }
}

/// Generates from `spec` with the configuration beside it, as the command
/// does; `name` is the crate's name unless the configuration gives one.
fn run_generator(spec: &Path, name: &str) -> Result<GeneratedCrate> {
    let config = openapi_rust_gen::config::Config::beside(spec)?;
    let generated = openapi_rust_gen::Generator::new(spec)
        .crate_name(name)
        .config(config)
        .generate()?;
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    Ok(generated)
}

fn codegen(check: bool) -> Result<ExitCode> {
    // Relative paths keep messages short and the same on every machine.
    std::env::set_current_dir(workspace_root()).context("cannot enter the workspace")?;
    let spec = PathBuf::from("spec");
    let out = PathBuf::from("generated-client");
    let generated = run_generator(&spec, "kelviq")?;
    if check {
        let stale = generated
            .differences(&out)
            .context("cannot compare with generated-client/")?;
        if stale.is_empty() {
            println!("generated-client/ is up to date with spec/");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated-client/ is stale; run `cargo xtask codegen`. Differing files:");
        for path in stale {
            eprintln!("  generated-client/{}", path.display());
        }
        return Ok(ExitCode::FAILURE);
    }
    generated
        .write_to(&out)
        .context("cannot write generated-client/")?;
    println!("wrote generated-client/ ({} files)", generated.files.len());
    Ok(ExitCode::SUCCESS)
}

fn generate(spec: &Path, out: &Path, name: &str) -> Result<ExitCode> {
    let generated = run_generator(spec, name)?;
    generated
        .write_to(out)
        .with_context(|| format!("cannot write the crate into {}", out.display()))?;
    println!("wrote {} ({} files)", out.display(), generated.files.len());
    Ok(ExitCode::SUCCESS)
}

/// The options of `cargo xtask corpus` beside its inputs.
struct CorpusMode {
    compile: bool,
    mutate: Option<corpus::Mutation>,
    time_limit: Duration,
}

/// `cargo xtask corpus`: the crates are generated into
/// `target/corpus-workspace/` and built into `target/corpus/`.
fn corpus(paths: &[PathBuf], json: Option<PathBuf>, mode: CorpusMode) -> Result<ExitCode> {
    let root = workspace_root();
    let inputs = if paths.is_empty() {
        // `../shared/corpus/public`, without the `..`.
        let beside = root.parent().unwrap_or(&root);
        vec![beside.join("shared/corpus/public")]
    } else {
        paths.to_vec()
    };
    corpus::run(&corpus::Settings {
        inputs,
        json: json.unwrap_or_else(|| root.join("target/corpus-report.json")),
        workspace: root.join("target/corpus-workspace"),
        target: root.join("target/corpus"),
        lockfile: root.join("Cargo.lock"),
        compile: mode.compile,
        mutate: mode.mutate,
        time_limit: mode.time_limit,
    })
}

/// A valid Cargo package name: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
fn crate_name(name: &str) -> Result<String> {
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_valid = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !(starts_with_letter && rest_valid) {
        bail!("a package name is ASCII letters, digits, `-` and `_`, starting with a letter");
    }
    Ok(name.to_owned())
}
