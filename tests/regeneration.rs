//! Regeneration is deterministic, the committed client is current, and a
//! small spec change makes a small diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::{generate, Options};
use similar::{ChangeTag, TextDiff};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

fn generate_files(spec: &Path) -> BTreeMap<PathBuf, String> {
    generate(spec, &Options::new("kelviq"))
        .expect("spec generates")
        .files
}

/// Copies `spec/` into a temporary directory.
fn copy_of_spec() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_tree(&workspace_root().join("spec"), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("list directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// Applies `edit` to one schema of the shared components document.
fn edit_schema(spec: &Path, schema: &str, edit: impl FnOnce(&mut serde_yaml::Value)) {
    let path = spec.join("components/catalog-plans.yaml");
    let text = std::fs::read_to_string(&path).expect("components document");
    let mut document: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let target = document["components"]["schemas"]
        .get_mut(schema)
        .expect("schema exists");
    edit(target);
    std::fs::write(&path, serde_yaml::to_string(&document).expect("serializes")).expect("write");
}

/// Lines removed and added between two generated crates, per file.
fn changed_lines(
    before: &BTreeMap<PathBuf, String>,
    after: &BTreeMap<PathBuf, String>,
) -> Vec<(PathBuf, ChangeTag, String)> {
    let mut out = Vec::new();
    for (path, old) in before {
        let new = after.get(path).map(String::as_str).unwrap_or_default();
        for change in TextDiff::from_lines(old.as_str(), new).iter_all_changes() {
            if change.tag() != ChangeTag::Equal {
                out.push((
                    path.clone(),
                    change.tag(),
                    change.value().trim_end().to_owned(),
                ));
            }
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        out.push((path.clone(), ChangeTag::Insert, "<new file>".to_owned()));
    }
    out
}

#[test]
fn generation_is_deterministic() {
    let spec = workspace_root().join("spec");
    assert_eq!(generate_files(&spec), generate_files(&spec));
}

#[test]
fn committed_client_is_current() {
    let root = workspace_root();
    let generated = generate(&root.join("spec"), &Options::new("kelviq")).expect("spec generates");
    let stale = generated
        .differences(&root.join("generated-client"))
        .expect("compare");
    assert!(
        stale.is_empty(),
        "run `cargo xtask codegen`; stale: {stale:?}"
    );
}

#[test]
fn changing_one_field_type_changes_only_that_line() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    edit_schema(spec.path(), "PlanFileUpdateRequest", |schema| {
        schema["properties"]["ordering"]["type"] = "string".into();
    });
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    let models = PathBuf::from("src/models.rs");
    assert_eq!(
        changes,
        vec![
            (
                models.clone(),
                ChangeTag::Delete,
                "    pub ordering: Option<i64>,".to_owned()
            ),
            (
                models,
                ChangeTag::Insert,
                "    pub ordering: Option<String>,".to_owned()
            ),
        ]
    );
}

#[test]
fn adding_one_optional_field_only_adds_its_lines() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    edit_schema(spec.path(), "PlanLink", |schema| {
        let properties = schema["properties"]
            .as_mapping_mut()
            .expect("properties mapping");
        let mut added = serde_yaml::Mapping::new();
        added.insert("type".into(), "string".into());
        added.insert("description".into(), "Where the link opens.".into());
        properties.insert("openIn".into(), serde_yaml::Value::Mapping(added));
    });
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    let models = PathBuf::from("src/models.rs");
    assert_eq!(
        changes,
        vec![
            (models.clone(), ChangeTag::Insert, "    /// Where the link opens.".to_owned()),
            (
                models.clone(),
                ChangeTag::Insert,
                "    #[serde(rename = \"openIn\", default, skip_serializing_if = \"Option::is_none\")]"
                    .to_owned()
            ),
            (models, ChangeTag::Insert, "    pub open_in: Option<String>,".to_owned()),
        ]
    );
}
