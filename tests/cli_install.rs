//! The command as users get it: `cargo install --path cli` into a temporary
//! root, then `generate`, `check` and `diff` on a corpus document with a
//! configuration that uses every key; the configured crate must pass
//! `cargo clippy -D warnings`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use integration_tests::{cargo_offline_first, workspace_root, write_scratch_workspace};

/// Every key of the configuration file, for the pet store document.
const CONFIG: &str = include_str!("config/every_key.toml");

/// Installs the command (a debug build, in a target directory of its own
/// so as not to wait on the test run's) and returns the binary.
fn install(root: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    scratch_workspace::clear_package_variables(&mut command);
    let output = command
        .args(["install", "--debug", "--locked", "--offline", "--path"])
        .arg(workspace_root().join("cli"))
        .arg("--root")
        .arg(root)
        .arg("--target-dir")
        .arg(workspace_root().join("target").join("cli-install"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo install failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    root.join("bin").join("openapi-rust-gen")
}

fn run(binary: &Path, args: &[&Path]) -> Output {
    Command::new(binary)
        .args(args)
        .output()
        .expect("the command runs")
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_installed_command_writes_a_configured_crate_that_passes_clippy() {
    let scratch = tempfile::tempdir().expect("temporary directory");
    let binary = install(&scratch.path().join("root"));
    let specs = scratch.path().join("specs");
    std::fs::create_dir_all(&specs).expect("specs directory");
    let spec = specs.join("openapi.yaml");
    let corpus = workspace_root().join("../shared/corpus/public/oai-petstore.yaml");
    std::fs::copy(&corpus, &spec).expect("copy the spec");
    std::fs::write(specs.join("openapi-rust-gen.toml"), CONFIG).expect("write the configuration");

    let workspace = scratch.path().join("workspace");
    let out = workspace.join("zoo");
    let generate = Path::new("generate");
    ok(&run(&binary, &[generate, &spec, Path::new("-o"), &out]));
    let check = Path::new("check");
    ok(&run(&binary, &[check, &spec, Path::new("-o"), &out]));
    let diff = ok(&run(&binary, &[Path::new("diff"), &corpus, &spec]));
    assert!(diff.contains("No changes"), "{diff}");

    let operations = std::fs::read_to_string(out.join("src/operations.rs")).expect("operations");
    assert!(operations.contains("pub fn all_pets("), "{operations}");
    assert!(!operations.contains("create_pets"), "{operations}");
    let models = std::fs::read_to_string(out.join("src/models.rs")).expect("models");
    assert!(models.contains("rust_decimal::Decimal"), "{models}");

    write_scratch_workspace(&workspace, &["zoo".to_owned()]).expect("scratch workspace");
    let target = workspace_root().join("target").join("cli-install-check");
    let clippy = cargo_offline_first(
        &workspace,
        &target,
        &["clippy", "--all-targets"],
        &["-D", "warnings"],
    );
    assert!(
        clippy.status.success(),
        "the configured crate does not pass clippy:\n{}",
        String::from_utf8_lossy(&clippy.stderr)
    );
}
