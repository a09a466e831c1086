//! Snapshot tests of the generator: each fixture spec under `tests/fixtures/`
//! is generated and each of its files, minus the runtime, compared with a
//! stored snapshot of its own (`<fixture>__<path>`, see
//! `integration_tests::snapshots`). The crate generated from the project's
//! real `spec/` is the committed `generated-client/`, which
//! tests/regeneration.rs keeps current; only its warnings are snapshotted
//! here. A second test compiles every
//! fixture's crate and runs clippy on it, then runs the behaviour tests some
//! fixtures keep beside their spec (`tests/fixtures/<name>/behaviour.rs`,
//! wiremock tests of the generated client, which need it compiled).
//!
//! Update snapshots with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test -p integration-tests --test generator_snapshots`
//! and read the changed `.snap` files.

use std::time::Instant;

use integration_tests::{
    add_behaviour_tests, assert_generated_files, cargo_offline_first, fixture, fixture_crate_name,
    fixture_names, generate, serialize_received_features, stable_warning, workspace_root,
    write_scratch_workspace,
};

/// One snapshot test per fixture directory, named after it, asserting a
/// snapshot per generated file.
macro_rules! fixture_snapshots {
    ($($name:ident),* $(,)?) => {
        /// Fixtures with a snapshot test; the compile check uses the same list.
        const SNAPSHOT_FIXTURES: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            fn $name() {
                let name = stringify!($name);
                assert_generated_files!(name, &fixture(name), &fixture_crate_name(name));
            }
        )*
    };
}

fixture_snapshots!(
    all_of,
    binary_body,
    conformance_wire,
    credentials,
    decimals,
    deep_object,
    defaults,
    deprecated,
    discriminator,
    empty_bodies,
    enums,
    example_only,
    form_body,
    formats,
    hostile_big_enum,
    hostile_cycles,
    hostile_docs,
    hostile_markdown,
    hostile_names,
    hostile_path_templates,
    hostile_readable_names,
    hostile_refs_in_data,
    hostile_runtime_names,
    idempotency,
    maps,
    media_types,
    multi_file,
    multipart_body,
    no_content,
    nullable,
    parameters,
    recursion,
    redirect,
    request_body,
    responses,
    servers_security,
    spec_shapes,
    streams,
    struct_decoding,
    structs,
    type_overrides,
    union_order,
    unions,
    webhooks,
);

/// The warnings `spec/` draws; its code is the committed client.
#[test]
fn real_spec_warnings() {
    let generated = generate(&workspace_root().join("spec"), "kelviq");
    let warnings: Vec<String> = generated.warnings.iter().map(stable_warning).collect();
    insta::assert_snapshot!("real_spec_warnings", warnings.join("\n"));
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    assert_eq!(
        fixture_names(),
        SNAPSHOT_FIXTURES,
        "tests/fixtures and the fixture_snapshots! list differ"
    );
}

/// Generates every fixture into one temporary cargo workspace and runs
/// `cargo clippy --all-targets -- -D warnings` on it (behaviour tests
/// included), then `cargo test` on the crates with behaviour tests.
/// Dependency builds are kept in `target/fixture-check` of the real
/// workspace, so only the first run is slow.
#[test]
fn fixtures_compile_without_clippy_warnings() {
    let root = workspace_root();
    let workspace = tempfile::Builder::new()
        .prefix("fixture-check-")
        .tempdir()
        .expect("create a temporary directory");
    let mut members = Vec::new();
    let mut with_behaviour = Vec::new();
    for name in fixture_names() {
        let crate_name = fixture_crate_name(&name);
        let crate_dir = workspace.path().join(&crate_name);
        generate(&fixture(&name), &crate_name)
            .write_to(&crate_dir)
            .unwrap_or_else(|e| panic!("writing fixture {name} failed: {e}"));
        if add_behaviour_tests(&fixture(&name), &crate_dir)
            .unwrap_or_else(|e| panic!("adding the behaviour tests of {name} failed: {e}"))
        {
            with_behaviour.push(crate_name.clone());
        }
        members.push(crate_name);
    }
    write_scratch_workspace(workspace.path(), &members)
        .expect("write the workspace manifest and lock file");

    let target = root.join("target").join("fixture-check");
    let features = serialize_received_features(workspace.path(), &members);
    let started = Instant::now();
    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &[
            "clippy",
            "--all-targets",
            "--keep-going",
            "--features",
            &features,
        ],
        &["-D", "warnings"],
    );
    eprintln!(
        "clippy on {} fixture crates took {:.1?}",
        fixture_names().len(),
        started.elapsed()
    );
    if !output.status.success() {
        panic!(
            "cargo clippy failed on the generated fixture crates (kept in {}):\n{}\n{}",
            workspace.keep().display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }

    rustdoc_is_clean(workspace.path(), &target);
    guide_examples_compile(workspace.path(), &target);

    // Unit tests of the runtime's optional modules run here too (`--lib`);
    // doc tests are left to the kelviq crate.
    let features = serialize_received_features(workspace.path(), &with_behaviour);
    let mut args = vec![
        "test",
        "--lib",
        "--test",
        "behaviour",
        "--features",
        &features,
    ];
    for member in &with_behaviour {
        args.extend(["-p", member.as_str()]);
    }
    let started = Instant::now();
    let output = cargo_offline_first(workspace.path(), &target, &args, &[]);
    eprintln!(
        "behaviour tests of {} fixture crates took {:.1?}",
        with_behaviour.len(),
        started.elapsed()
    );
    if !output.status.success() {
        panic!(
            "behaviour tests failed in the generated fixture crates (kept in {}):\n{}\n{}",
            workspace.keep().display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

/// Fixtures whose crate guide has sections kelviq's lacks (server-sent
/// events, byte streams): their doc tests, the guide's examples and the
/// optional runtime modules' included, are compiled and run.
const DOC_TEST_FIXTURES: &[&str] = &["streams"];

fn guide_examples_compile(workspace: &std::path::Path, target: &std::path::Path) {
    for name in DOC_TEST_FIXTURES {
        let crate_name = fixture_crate_name(name);
        let output = cargo_offline_first(
            workspace,
            target,
            &["test", "--doc", "-p", &crate_name],
            &[],
        );
        assert!(
            output.status.success(),
            "the doc tests of the generated crate of {name} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

/// Fixtures whose spec prose is built to trip rustdoc; their crates are
/// documented with warnings denied as well.
const RUSTDOC_FIXTURES: &[&str] = &["hostile_docs", "hostile_markdown"];

/// `cargo rustdoc -- -D warnings` on the crates of [`RUSTDOC_FIXTURES`]:
/// spec prose must not make rustdoc warn (broken code blocks, for one).
fn rustdoc_is_clean(workspace: &std::path::Path, target: &std::path::Path) {
    for name in RUSTDOC_FIXTURES {
        let crate_name = fixture_crate_name(name);
        let output = cargo_offline_first(
            workspace,
            target,
            &["rustdoc", "--lib", "-p", &crate_name],
            &["-D", "warnings"],
        );
        assert!(
            output.status.success(),
            "rustdoc warned on the generated crate of {name}:\n{}",
            String::from_utf8_lossy(&output.stderr),
        );
    }
}
