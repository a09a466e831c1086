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
    assert_generated_files, check_fixture_crates, fixture_names_in, workspace_root,
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
    assert_eq!(fixture_names_in(&fixtures32()), FIXTURES);
}

/// Clippy (`-D warnings`, behaviour tests included) on every fixture's
/// crate, then the behaviour tests.
#[test]
fn fixtures_compile_without_clippy_warnings_and_behave() {
    let with_behaviour = check_fixture_crates("oas32", &fixtures32(), FIXTURES, crate_name);
    assert!(with_behaviour > 0, "no fixture has behaviour tests");
}
