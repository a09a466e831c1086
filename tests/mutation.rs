//! Mutated real documents never show a generator bug: bytes of a few
//! corpus documents are overwritten, inserted and deleted at random (with a
//! fixed seed, so failures reproduce), and every result must come back from
//! the whole pipeline as generated code or a spec error — never a panic or
//! an error of kind `Bug`.
//!
//! `MUTATION_CASES` sets the number of mutated documents (default 384,
//! spread evenly over the documents); `cargo xtask corpus --mutate N` runs
//! larger numbers over the whole corpus.

use std::cell::Cell;
use std::path::Path;
use std::time::Instant;

use integration_tests::{generate_without_bug, workspace_root};
use openapi_rust_gen::ErrorKind;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Documents small enough to run many cases, in both formats.
const DOCUMENTS: [&str; 4] = [
    "../shared/corpus/public/oai-petstore.yaml",
    "../shared/corpus/public/oai-petstore-expanded.yaml",
    "../shared/corpus/public/progenitor-keeper.json",
    "spec/plans/update-plan.yaml",
];

/// Mutated documents in all, when `MUTATION_CASES` does not say.
const DEFAULT_CASES: u32 = 384;

/// Mutated documents per source document.
fn cases_per_document() -> u32 {
    let total = std::env::var("MUTATION_CASES")
        .ok()
        .map(|n| n.parse::<u32>().expect("MUTATION_CASES is a number"))
        .unwrap_or(DEFAULT_CASES);
    total.div_ceil(DOCUMENTS.len() as u32).max(1)
}

#[derive(Debug, Clone)]
enum Mutation {
    Overwrite { at: usize, byte: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that matter to YAML and JSON structure are likelier than noise.
    let byte = prop_oneof![
        3 => prop::sample::select(b"{}[]:,\"'-#&*!|>\n \t$0".to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, byte)| Mutation::Overwrite { at, byte }),
        (any::<usize>(), byte).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len().max(1);
        match *mutation {
            Mutation::Overwrite { at, byte } => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = byte;
                }
            }
            Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
            Mutation::Delete { at, len: count } => {
                let start = at % len;
                let end = (start + count).min(bytes.len());
                bytes.drain(start.min(end)..end);
            }
        }
    }
    bytes
}

/// The check of one mutated document: anything but a generator bug.
/// Counts the documents rejected with a spec error in `rejected`.
fn check(spec: &Path, rejected: &Cell<u32>) -> Result<(), TestCaseError> {
    match generate_without_bug(spec) {
        Ok(None) => Ok(()),
        Ok(Some(_)) => {
            rejected.set(rejected.get() + 1);
            Ok(())
        }
        Err(bug) => Err(TestCaseError::fail(bug)),
    }
}

#[test]
fn mutated_documents_never_show_a_generator_bug() {
    let root = workspace_root();
    let dir = tempfile::tempdir().expect("temporary directory");
    let cases = cases_per_document();
    let started = Instant::now();
    let rejected = Cell::new(0);
    for document in DOCUMENTS {
        let source = root.join(document);
        let original = std::fs::read(&source).expect("corpus document readable");
        let extension = source
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("yaml");
        let target = dir.path().join(format!("mutated.{extension}"));
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let result = runner.run(&prop::collection::vec(mutation(), 1..8), |mutations| {
            std::fs::write(&target, apply(original.clone(), &mutations)).expect("write");
            check(&target, &rejected)
                .map_err(|bug| TestCaseError::fail(format!("{bug} (mutations {mutations:?})")))
        });
        if let Err(failure) = result {
            panic!("{document}: {failure}");
        }
    }
    eprintln!(
        "{} mutated documents, {} spec errors, no generator bug, in {:.1?}",
        cases as usize * DOCUMENTS.len(),
        rejected.get(),
        started.elapsed()
    );
}

/// The check above fails on a generator bug: a document that makes the
/// generator panic (through its debug-only fault-injection extension) is
/// reported, and `generate` returns it as an error of kind `Bug`.
#[test]
fn a_generator_panic_fails_the_mutation_check() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, integration_tests::panicking_document()).expect("write");
    let error = openapi_rust_gen::generate(&spec, &openapi_rust_gen::Options::new("injected"))
        .expect_err("the injected panic fails generation");
    assert_eq!(error.kind(), ErrorKind::Bug, "{error}");
    assert!(error.to_string().starts_with("generator bug: "), "{error}");
    let failure = check(&spec, &Cell::new(0)).expect_err("the check reports the bug");
    assert!(failure.to_string().contains("fault injected"), "{failure}");
}
