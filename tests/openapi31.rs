//! OpenAPI 3.1 input: one fixture per 3.1 construct under
//! `tests/fixtures31/`, each generated and each of its files compared with
//! a snapshot of its own (`oas31_<fixture>__<path>`), and all
//! compiled with clippy. The real 3.1 documents of the corpus are checked by
//! `cargo xtask corpus`.

use std::path::PathBuf;

use integration_tests::{
    assert_generated_files, cargo_offline_first, generate, workspace_root, write_scratch_workspace,
};

fn fixtures31() -> PathBuf {
    workspace_root().join("tests").join("fixtures31")
}

fn crate_name(fixture: &str) -> String {
    format!("oas31-{}", fixture.replace('_', "-"))
}

/// One snapshot test per 3.1 fixture directory, asserting a snapshot per
/// generated file.
macro_rules! fixture31_snapshots {
    ($($name:ident),* $(,)?) => {
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            fn $name() {
                let name = stringify!($name);
                assert_generated_files!(
                    concat!("oas31_", stringify!($name)),
                    &fixtures31().join(name),
                    &crate_name(name),
                );
            }
        )*
    };
}

fixture31_snapshots!(
    const_and_examples,
    content_encoding,
    defs,
    document_level,
    exclusive_bounds,
    prefix_items,
    ref_siblings,
    refs_in_data,
    type_arrays,
    webhooks,
);

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures31())
        .expect("tests/fixtures31 exists")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, FIXTURES);
}

#[test]
fn fixtures_compile_without_clippy_warnings() {
    let workspace = tempfile::Builder::new()
        .prefix("oas31-check-")
        .tempdir()
        .expect("create a temporary directory");
    let mut members = Vec::new();
    for name in FIXTURES {
        let crate_name = crate_name(name);
        generate(&fixtures31().join(name), &crate_name)
            .write_to(&workspace.path().join(&crate_name))
            .unwrap_or_else(|e| panic!("writing fixture {name} failed: {e}"));
        members.push(crate_name);
    }
    write_scratch_workspace(workspace.path(), &members).expect("write the workspace");
    let target = workspace_root().join("target").join("fixture-check");
    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &["clippy", "--keep-going"],
        &["-D", "warnings"],
    );
    assert!(
        output.status.success(),
        "clippy failed on the 3.1 fixture crates:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
