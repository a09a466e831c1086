//! Integration tests of the generator and the generated kelviq client.
//!
//! Shared helpers: where the workspace and the fixture specs are, snapshots
//! of a generated crate's files ([`snapshots`]), the wiremock set-up of the
//! behaviour tests ([`mock_server`]) and scratch cargo workspaces for
//! compile checks of generated crates.

use std::path::{Path, PathBuf};
use std::process::Output;

use openapi_rust_gen::{ErrorKind, GeneratedCrate, Location, Options, Warning};
use scratch_workspace::Cargo;

pub mod mock_server;
pub mod snapshots;

/// The workspace root.
pub use scratch_workspace::workspace_root;

/// The directory holding the fixture specs, one subdirectory each.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests").join("fixtures")
}

/// The spec directory of the fixture `name`.
pub fn fixture(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// Names of every fixture (the subdirectories of [`fixtures_dir`]), sorted.
pub fn fixture_names() -> Vec<String> {
    fixture_names_in(&fixtures_dir())
}

/// Names of the subdirectories of `dir`, sorted: the fixtures kept there.
pub fn fixture_names_in(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list fixtures in {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())))
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Generates each fixture of `dir` named in `names` into one scratch
/// workspace (package names from `crate_name`), runs `clippy --all-targets
/// -D warnings` on it, then the behaviour tests of the fixtures that keep
/// some (`behaviour.rs`); panics with cargo's output when either fails.
/// Returns how many fixtures have behaviour tests.
pub fn check_fixture_crates(
    label: &str,
    dir: &Path,
    names: &[&str],
    crate_name: impl Fn(&str) -> String,
) -> usize {
    let workspace = tempfile::Builder::new()
        .prefix(&format!("{label}-check-"))
        .tempdir()
        .expect("create a temporary directory");
    let mut members = Vec::new();
    let mut with_behaviour = Vec::new();
    for name in names {
        let package = crate_name(name);
        let crate_dir = workspace.path().join(&package);
        generate(&dir.join(name), &package)
            .write_to(&crate_dir)
            .unwrap_or_else(|e| panic!("writing fixture {name} failed: {e}"));
        if add_behaviour_tests(&dir.join(name), &crate_dir)
            .unwrap_or_else(|e| panic!("adding the behaviour tests of {name} failed: {e}"))
        {
            with_behaviour.push(package.clone());
        }
        members.push(package);
    }
    write_scratch_workspace(workspace.path(), &members).expect("write the workspace");
    let target = workspace_root().join("target").join("fixture-check");
    let features = serialize_received_features(workspace.path(), &members);
    let clippy = [
        "clippy",
        "--all-targets",
        "--keep-going",
        "--features",
        &features,
    ];
    let output = cargo_offline_first(workspace.path(), &target, &clippy, &["-D", "warnings"]);
    assert!(
        output.status.success(),
        "clippy failed on the {label} fixture crates:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    if with_behaviour.is_empty() {
        return 0;
    }
    let features = serialize_received_features(workspace.path(), &with_behaviour);
    let mut args = vec!["test", "--test", "behaviour", "--features", &features];
    for member in &with_behaviour {
        args.extend(["-p", member.as_str()]);
    }
    let output = cargo_offline_first(workspace.path(), &target, &args, &[]);
    assert!(
        output.status.success(),
        "behaviour tests failed in the {label} fixture crates:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    with_behaviour.len()
}

/// `--features` for the `members` of the scratch `workspace`: each one's
/// `serialize-received`, where it has it. Behaviour tests compare decoded
/// responses with their JSON, which needs the feature that lets received
/// types serialize (kelviq's feature checks in CI cover crates without it).
pub fn serialize_received_features(workspace: &Path, members: &[String]) -> String {
    let features: Vec<String> = members
        .iter()
        .filter(|member| has_serialize_received(&workspace.join(member)))
        .map(|member| format!("{member}/serialize-received"))
        .collect();
    features.join(",")
}

/// Whether the generated crate in `crate_dir` has the `serialize-received`
/// feature (it has when the API has types it only receives).
fn has_serialize_received(crate_dir: &Path) -> bool {
    std::fs::read_to_string(crate_dir.join("Cargo.toml"))
        .map(|manifest| manifest.lines().any(|l| l == "serialize-received = []"))
        .unwrap_or(false)
}

/// The package name a fixture's generated crate gets: `fixture-<name>`,
/// with underscores turned into hyphens.
pub fn fixture_crate_name(name: &str) -> String {
    format!("fixture-{}", name.replace('_', "-"))
}

/// Generates a crate from `spec` with the configuration beside it (as the
/// command does), panicking with the located error if the generator
/// fails.
pub fn generate(spec: &Path, crate_name: &str) -> GeneratedCrate {
    let mut options = Options::new(crate_name);
    options.config = openapi_rust_gen::config::Config::beside(spec).unwrap_or_else(|e| {
        panic!(
            "reading the configuration beside {} failed: {e}",
            spec.display()
        )
    });
    openapi_rust_gen::generate(spec, &options)
        .unwrap_or_else(|e| panic!("generating from {} failed: {e}", spec.display()))
}

/// Runs the whole generator on `spec`, an input that may be broken on
/// purpose (a mutated or fuzzed document), and checks the one thing that
/// must hold for any input: the result is a crate or a spec or I/O error,
/// never a generator bug. `Ok` carries the error that rejected the input,
/// if any; `Err` describes the bug. A panic that escapes `generate` itself
/// counts as a bug too.
pub fn generate_without_bug(spec: &Path) -> Result<Option<openapi_rust_gen::Error>, String> {
    let outcome =
        std::panic::catch_unwind(|| openapi_rust_gen::generate(spec, &Options::new("checked")));
    match outcome {
        Ok(Ok(_)) => Ok(None),
        Ok(Err(error)) if error.kind() != ErrorKind::Bug => Ok(Some(error)),
        Ok(Err(bug)) => Err(bug.to_string()),
        Err(_) => Err(format!(
            "openapi_rust_gen::generate panicked on {}",
            spec.display()
        )),
    }
}

/// A small valid document carrying the generator's debug-only
/// fault-injection extension, which makes lowering panic: how tests check
/// that a generator bug fails them.
pub fn panicking_document() -> String {
    format!(
        "openapi: 3.0.3\n\
         info: {{ title: Injected, version: '1', {}: true }}\n\
         paths: {{}}\n",
        openapi_rust_gen::lower::FAULT_INJECTION_EXTENSION
    )
}

/// Whether a generated file is part of the runtime, which is copied
/// verbatim into every crate and so is left out of snapshots.
pub fn is_runtime_file(path: &Path) -> bool {
    path.starts_with("src/runtime")
}

/// A warning's text with its file made relative to the workspace root, so
/// that it reads the same on every machine.
pub fn stable_warning(warning: &Warning) -> String {
    let root = workspace_root();
    let location = Location {
        file: warning
            .location
            .file
            .as_deref()
            .map(|file| relative(file, &root)),
        ..warning.location.clone()
    };
    let stable = Warning {
        location,
        message: warning.message.clone(),
    };
    // Messages may name files too.
    let prefix = format!("{}{}", root.display(), std::path::MAIN_SEPARATOR);
    stable.to_string().replace(&prefix, "")
}

/// `file` relative to `root`, with `/` separators on every platform.
fn relative(file: &Path, root: &Path) -> PathBuf {
    PathBuf::from(display_path(file.strip_prefix(root).unwrap_or(file)))
}

/// A path with `/` separators on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    let text = path.display().to_string();
    if std::path::MAIN_SEPARATOR == '/' {
        text
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// Behaviour tests a fixture may keep beside its spec, run inside the
/// fixture's generated crate (they need the generated client compiled).
pub const BEHAVIOUR_TESTS: &str = "behaviour.rs";

/// What behaviour tests may use besides the crate itself; all are in the
/// workspace's `Cargo.lock`, so they resolve offline.
const BEHAVIOUR_DEV_DEPENDENCIES: &str = "\n[dev-dependencies]\n\
serde_json = \"1\"\n\
tokio = { version = \"1\", features = [\"io-util\", \"macros\", \"net\", \"rt-multi-thread\", \"time\"] }\n\
wiremock = \"0.6\"\n";

/// Copies the fixture's behaviour tests, if it has any, into the crate
/// generated from it at `crate_dir` (as `tests/behaviour.rs`) and adds the
/// dev-dependencies they use. Returns whether there were any.
pub fn add_behaviour_tests(fixture_dir: &Path, crate_dir: &Path) -> std::io::Result<bool> {
    let source = fixture_dir.join(BEHAVIOUR_TESTS);
    if !source.is_file() {
        return Ok(false);
    }
    std::fs::create_dir_all(crate_dir.join("tests"))?;
    std::fs::copy(&source, crate_dir.join("tests").join(BEHAVIOUR_TESTS))?;
    let manifest = crate_dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    text.push_str(BEHAVIOUR_DEV_DEPENDENCIES);
    std::fs::write(&manifest, text)?;
    Ok(true)
}

/// Writes the manifest of a throwaway cargo workspace with `members` into
/// `dir`, and copies the real workspace's `Cargo.lock` beside it so that the
/// versions already downloaded and built are the ones used.
pub fn write_scratch_workspace(dir: &Path, members: &[String]) -> anyhow::Result<()> {
    scratch_workspace::write_scratch_workspace(dir, members, &workspace_root().join("Cargo.lock"))
}

/// Runs `cargo <args> [-- <tool_args>]` in `workspace` with its builds in
/// `target`, offline first; if that fails only because dependencies cannot
/// be resolved or fetched without the network, once more online. Panics
/// when cargo cannot be run.
pub fn cargo_offline_first(
    workspace: &Path,
    target: &Path,
    args: &[&str],
    tool_args: &[&str],
) -> Output {
    Cargo::new(workspace, target, args)
        .tool_args(tool_args)
        .output_offline_first()
        .unwrap_or_else(|e| panic!("{e:#}"))
}
