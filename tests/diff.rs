//! `openapi_rust_gen::diff` on hand-written spec pairs, one per kind of change:
//! each pair's verdict and semver bump must be the one its `expected.json`
//! states, and the Markdown report is snapshotted so that wording and
//! classification changes show in review.

use std::path::{Path, PathBuf};

use integration_tests::workspace_root;
use openapi_rust_gen::diff::{self, ApiDiff};

fn pairs_dir() -> PathBuf {
    workspace_root().join("tests").join("diff_pairs")
}

fn pair_names() -> Vec<String> {
    let dir = pairs_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn lower(spec: &Path) -> openapi_rust_gen::ir::Api {
    let loaded = openapi_rust_gen::load::load(spec)
        .unwrap_or_else(|e| panic!("loading {} failed: {e}", spec.display()));
    openapi_rust_gen::lower::lower(&loaded)
        .unwrap_or_else(|e| panic!("lowering {} failed: {e}", spec.display()))
}

fn diff_pair(name: &str) -> ApiDiff {
    let dir = pairs_dir().join(name);
    diff::diff(&lower(&dir.join("old.yaml")), &lower(&dir.join("new.yaml")))
}

fn expected(name: &str) -> serde_json::Value {
    let path = pairs_dir().join(name).join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn there_is_a_pair_for_each_kind_of_change() {
    assert!(
        pair_names().len() >= 20,
        "expected at least 20 spec pairs in {}",
        pairs_dir().display()
    );
}

#[test]
fn each_pair_gets_its_expected_verdict_and_bump() {
    let mut failures = Vec::new();
    for name in pair_names() {
        let diff = diff_pair(&name);
        let expected = expected(&name);
        let verdict = diff.verdict().map_or("none", |v| v.label());
        let bump = diff.bump().label();
        if Some(verdict) != expected["verdict"].as_str() || Some(bump) != expected["bump"].as_str()
        {
            failures.push(format!(
                "{name}: got {verdict} / {bump}, expected {} / {}\n{}",
                expected["verdict"],
                expected["bump"],
                diff::render_markdown(&diff, &name)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn identical_specs_have_no_changes() {
    for name in pair_names() {
        let old = lower(&pairs_dir().join(&name).join("old.yaml"));
        let diff = diff::diff(&old, &old);
        assert_eq!(diff.verdict(), None, "{name}: {:?}", diff.changes);
        assert_eq!(diff.bump(), diff::Bump::None);
    }
}

#[test]
fn reports_are_snapshotted() {
    for name in pair_names() {
        let diff = diff_pair(&name);
        insta::assert_snapshot!(format!("diff_{name}"), diff::render_markdown(&diff, &name));
    }
}

#[test]
fn json_report_carries_verdict_bump_and_changes() {
    for name in pair_names() {
        let diff = diff_pair(&name);
        let json = diff::render_json(&diff);
        assert_eq!(json["bump"], diff.bump().label(), "{name}");
        let changes = json["changes"].as_array().map_or(0, Vec::len);
        assert_eq!(changes, diff.changes.len(), "{name}");
        for change in json["changes"].as_array().into_iter().flatten() {
            for key in ["impact", "area", "subject", "change", "effect"] {
                assert!(change.get(key).is_some(), "{name}: change without {key}");
            }
        }
    }
}
