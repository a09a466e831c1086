//! OpenAPI 3.2 input: one fixture per group of 3.2 additions under
//! `tests/fixtures32/`, each generated and each of its files (and its
//! warnings) compared with a snapshot of its own (`oas32_<fixture>__<path>`),
//! all compiled with clippy, and the behaviour tests a fixture keeps beside
//! its spec (`behaviour.rs`) run inside its generated crate against local
//! servers. `item_schema` streams server-sent events whose data type comes
//! from `itemSchema`; `additions` holds the other 3.2 constructs, mapped or
//! skipped with a located warning.

use std::path::PathBuf;

use integration_tests::{
    add_behaviour_tests, assert_generated_files, cargo_offline_first, generate, workspace_root,
    write_scratch_workspace,
};

fn fixtures32() -> PathBuf {
    workspace_root().join("tests").join("fixtures32")
}

fn crate_name(fixture: &str) -> String {
    format!("oas32-{}", fixture.replace('_', "-"))
}

/// One snapshot test per 3.2 fixture directory, asserting a snapshot per
/// generated file.
macro_rules! fixture32_snapshots {
    ($($name:ident),* $(,)?) => {
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            fn $name() {
                let name = stringify!($name);
                assert_generated_files!(
                    concat!("oas32_", stringify!($name)),
                    &fixtures32().join(name),
                    &crate_name(name),
                );
            }
        )*
    };
}

fixture32_snapshots!(additions, item_schema);

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures32())
        .expect("tests/fixtures32 exists")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, FIXTURES);
}

/// Clippy (`-D warnings`, behaviour tests included) on every fixture's
/// crate, then the behaviour tests.
#[test]
fn fixtures_compile_without_clippy_warnings_and_behave() {
    let workspace = tempfile::Builder::new()
        .prefix("oas32-check-")
        .tempdir()
        .expect("create a temporary directory");
    let mut members = Vec::new();
    let mut with_behaviour = Vec::new();
    for name in FIXTURES {
        let crate_name = crate_name(name);
        let crate_dir = workspace.path().join(&crate_name);
        generate(&fixtures32().join(name), &crate_name)
            .write_to(&crate_dir)
            .unwrap_or_else(|e| panic!("writing fixture {name} failed: {e}"));
        if add_behaviour_tests(&fixtures32().join(name), &crate_dir)
            .unwrap_or_else(|e| panic!("adding the behaviour tests of {name} failed: {e}"))
        {
            with_behaviour.push(crate_name.clone());
        }
        members.push(crate_name);
    }
    write_scratch_workspace(workspace.path(), &members).expect("write the workspace");
    let target = workspace_root().join("target").join("fixture-check");
    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &["clippy", "--all-targets", "--keep-going"],
        &["-D", "warnings"],
    );
    assert!(
        output.status.success(),
        "clippy failed on the 3.2 fixture crates:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut args = vec!["test", "--test", "behaviour"];
    for member in &with_behaviour {
        args.extend(["-p", member.as_str()]);
    }
    let output = cargo_offline_first(workspace.path(), &target, &args, &[]);
    assert!(
        output.status.success(),
        "behaviour tests failed in the 3.2 fixture crates:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!with_behaviour.is_empty(), "no fixture has behaviour tests");
}
