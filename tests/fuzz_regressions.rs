//! Every input in `tests/fuzz_regressions/` (found by `cargo xtask fuzz`)
//! goes through `generator::generate` without panicking. An `Err` is fine.
//!
//! A file is a raw fuzzer input: the first byte selects the format (even:
//! JSON, odd: YAML), the rest is the document, read as lossy UTF-8 — the
//! same decoding as `fuzz/fuzz_targets/generate.rs`.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use generator::Options;

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

#[test]
fn fuzz_findings_do_not_panic() {
    // The folder starts with inputs for bugs fixed before fuzzing existed
    // (a self-referencing alias, integers beyond 64 bits), so the test
    // always has something to run.
    assert!(!inputs().is_empty(), "tests/fuzz_regressions has no inputs");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let mut panicked = Vec::new();
    for input in inputs() {
        let bytes = fs::read(&input).expect("readable input");
        let Some((&selector, rest)) = bytes.split_first() else {
            continue;
        };
        let name = if selector % 2 == 0 {
            "openapi.json"
        } else {
            "openapi.yaml"
        };
        let spec = scratch.path().join(name);
        fs::write(&spec, String::from_utf8_lossy(rest).as_bytes()).expect("writable spec");
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let _ = generator::generate(&spec, &Options::new("fuzzed"));
        }));
        if outcome.is_err() {
            panicked.push(input.display().to_string());
        }
        fs::remove_file(&spec).expect("removable spec");
    }
    assert!(panicked.is_empty(), "generator panicked on: {panicked:#?}");
}
