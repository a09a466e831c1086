//! Mutated real documents never make the generator panic: bytes of a few
//! corpus documents are overwritten, inserted and deleted at random (with a
//! fixed seed, so failures reproduce), and every result must come back from
//! the whole pipeline as generated code or a located error.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use generator::{generate, Options};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Documents small enough to run many cases, in both formats.
const DOCUMENTS: [&str; 4] = [
    "../shared/corpus/public/oai-petstore.yaml",
    "../shared/corpus/public/oai-petstore-expanded.yaml",
    "../shared/corpus/public/progenitor-keeper.json",
    "spec/plans/update-plan.yaml",
];

/// Cases per document.
const CASES: u32 = 96;

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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

#[test]
fn mutated_documents_never_panic() {
    let root = workspace_root();
    let dir = tempfile::tempdir().expect("temporary directory");
    for document in DOCUMENTS {
        let source = root.join(document);
        let original = std::fs::read(&source).expect("corpus document readable");
        let extension = source
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("yaml");
        let target = dir.path().join(format!("mutated.{extension}"));
        let config = Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let result = runner.run(&prop::collection::vec(mutation(), 1..8), |mutations| {
            std::fs::write(&target, apply(original.clone(), &mutations)).expect("write");
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                generate(&target, &Options::new("mutated")).map(|_| ())
            }));
            prop_assert!(
                outcome.is_ok(),
                "the generator panicked on {document} with {mutations:?}"
            );
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{document}: {failure}");
        }
    }
}
