//! Every input in `tests/fuzz_regressions/` (found by `cargo xtask fuzz`)
//! goes through `openapi_rust_gen::generate` without a generator bug (a panic, or
//! an error of kind `Bug`). A spec error is fine.
//!
//! A file is a raw fuzzer input: the first byte selects the format (even:
//! JSON, odd: YAML), the rest is the document, read as lossy UTF-8 — the
//! same decoding as `fuzz/fuzz_targets/generate.rs`.

use std::fs;
use std::path::{Path, PathBuf};

use integration_tests::generate_without_bug;

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_regressions");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/fuzz_regressions exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_file() && path.extension().is_none_or(|e| e != "md"))
        .collect();
    paths.sort();
    paths
}

/// Decodes one fuzzer input into `scratch` and runs the generator on it;
/// `Err` describes a generator bug.
fn check(input: &[u8], scratch: &Path) -> Result<(), String> {
    let Some((&selector, rest)) = input.split_first() else {
        return Ok(());
    };
    let name = if selector % 2 == 0 {
        "openapi.json"
    } else {
        "openapi.yaml"
    };
    let spec = scratch.join(name);
    fs::write(&spec, String::from_utf8_lossy(rest).as_bytes()).expect("writable spec");
    let outcome = generate_without_bug(&spec).map(|_| ());
    fs::remove_file(&spec).expect("removable spec");
    outcome
}

#[test]
fn fuzz_findings_show_no_generator_bug() {
    // The folder starts with inputs for bugs fixed before fuzzing existed
    // (a self-referencing alias, integers beyond 64 bits), so the test
    // always has something to run.
    assert!(!inputs().is_empty(), "tests/fuzz_regressions has no inputs");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let bugs: Vec<String> = inputs()
        .iter()
        .filter_map(|input| {
            let bytes = fs::read(input).expect("readable input");
            let bug = check(&bytes, scratch.path()).err()?;
            Some(format!("{}: {bug}", input.display()))
        })
        .collect();
    assert!(bugs.is_empty(), "generator bugs on: {bugs:#?}");
}

/// The check fails on a generator bug: an input (selector byte 1, YAML)
/// whose document makes the generator panic through its debug-only
/// fault-injection extension.
#[test]
fn a_generator_panic_fails_the_regression_check() {
    let scratch = tempfile::tempdir().expect("temporary directory");
    let mut input = vec![1u8];
    input.extend_from_slice(integration_tests::panicking_document().as_bytes());
    let bug = check(&input, scratch.path()).expect_err("the check reports the bug");
    assert!(bug.starts_with("generator bug: "), "{bug}");
}
