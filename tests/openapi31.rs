//! OpenAPI 3.1 input: one fixture per 3.1 construct under
//! `tests/fixtures31/`, each generated and each of its files compared with
//! a snapshot of its own (`oas31_<fixture>__<path>`), and all
//! compiled with clippy. The real 3.1 documents of the corpus are checked by
//! `cargo xtask corpus`.

use std::path::PathBuf;

use integration_tests::{
    assert_generated_files, check_fixture_crates, fixture_names_in, workspace_root,
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
    assert_eq!(fixture_names_in(&fixtures31()), FIXTURES);
}

/// Clippy (`-D warnings`) on every fixture's crate.
#[test]
fn fixtures_compile_without_clippy_warnings() {
    check_fixture_crates("oas31", &fixtures31(), FIXTURES, crate_name);
}
