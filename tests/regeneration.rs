//! Regeneration is deterministic, the committed client is current, and a
//! small spec change makes a small diff.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use integration_tests::workspace_root;
use similar::{ChangeTag, TextDiff};

fn generate_files(spec: &Path) -> BTreeMap<PathBuf, String> {
    integration_tests::generate(spec, "kelviq").files
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
    let generated = integration_tests::generate(&root.join("spec"), "kelviq");
    let stale = generated
        .differences(&root.join("generated-client"))
        .expect("compare");
    assert!(
        stale.is_empty(),
        "run `cargo xtask codegen`; stale: {stale:?}"
    );
}

/// `GeneratedCrate::differences`, used above, compares each generated file
/// and looks for stray `.rs` files under `src/` only; the committed client
/// must hold no other file either (a stray README, manifest or test would
/// go unnoticed there), so that the check above covers all of it.
#[test]
fn committed_client_holds_only_generated_files() {
    let root = workspace_root();
    let generated = generate_files(&root.join("spec"));
    let committed = files_under(&root.join("generated-client"));
    let generated: BTreeSet<&PathBuf> = generated.keys().collect();
    assert_eq!(
        committed.iter().collect::<BTreeSet<_>>(),
        generated,
        "generated-client/ holds files the generator does not write, or lacks some"
    );
}

/// Every file below `dir`, relative to it; a `target` directory is skipped.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("list directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "target") {
                pending.push(path);
            } else if path.is_file() {
                out.push(path.strip_prefix(dir).expect("below dir").to_path_buf());
            }
        }
    }
    out
}

/// A field's new type changes its declaration, its slot and member lines
/// in the written `Deserialize` and `Serialize`, and its setter; the only
/// other lines are the gates of a kind its old type had, which lose the
/// struct's feature when no other struct of it has that type.
#[test]
fn changing_one_field_type_changes_only_that_line_and_its_setter() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    edit_schema(spec.path(), "PlanFileUpdateRequest", |schema| {
        schema["properties"]["ordering"]["type"] = "string".into();
    });
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    assert_eq!(
        changes,
        models_changes(&[
            // The value kind of `Option<i64>` was compiled for this
            // struct's feature too; no struct of that feature has one now.
            (ChangeTag::Delete, "                feature = \"plan-files\","),
            (ChangeTag::Delete, "                        feature = \"plan-files\","),
            (ChangeTag::Delete, "                        feature = \"plan-files\","),
            (ChangeTag::Delete, "    pub ordering: Option<i64>,"),
            (ChangeTag::Insert, "    pub ordering: Option<String>,"),
            // Its member in the written `Serialize`.
            (
                ChangeTag::Delete,
                "                (\"ordering\", __values::Value::OptionI64(&self.ordering)),"
            ),
            (
                ChangeTag::Insert,
                "                (\"ordering\", __values::Value::OptionString(&self.ordering)),"
            ),
            // Its slot and the kind of slot it reads into.
            (ChangeTag::Delete, "            slot_ordering: Option<Option<i64>>,"),
            (ChangeTag::Insert, "            slot_ordering: Option<Option<String>>,"),
            (
                ChangeTag::Delete,
                "                            __slots::Slot::OptionI64(&mut self.slot_ordering, \"ordering\")"
            ),
            (ChangeTag::Insert, "                            __slots::Slot::OptionString("),
            (ChangeTag::Insert, "                                &mut self.slot_ordering,"),
            (ChangeTag::Insert, "                                \"ordering\","),
            (ChangeTag::Insert, "                            )"),
            (
                ChangeTag::Delete,
                "    pub fn with_ordering(mut self, value: i64) -> Self {"
            ),
            (ChangeTag::Delete, "        self.ordering = Some(value);"),
            (
                ChangeTag::Insert,
                "    pub fn with_ordering(mut self, value: impl Into<String>) -> Self {"
            ),
            (
                ChangeTag::Insert,
                "        self.ordering = Some(value.into());"
            ),
        ])
    );
}

/// Adds a string property `openIn` to `schema`, listed as required when
/// `required` is set.
fn add_open_in(spec: &Path, schema: &str, required: bool) {
    edit_schema(spec, schema, |schema| {
        let properties = schema["properties"]
            .as_mapping_mut()
            .expect("properties mapping");
        let mut added = serde_yaml::Mapping::new();
        added.insert("type".into(), "string".into());
        added.insert("description".into(), "Where the link opens.".into());
        properties.insert("openIn".into(), serde_yaml::Value::Mapping(added));
        if required {
            schema["required"] = serde_yaml::Value::Sequence(vec!["openIn".into()]);
        }
    });
}

/// The expected changes, all in `src/models.rs`.
fn models_changes(lines: &[(ChangeTag, &str)]) -> Vec<(PathBuf, ChangeTag, String)> {
    lines
        .iter()
        .map(|(tag, line)| (PathBuf::from("src/models.rs"), *tag, (*line).to_owned()))
        .collect()
}

/// A struct sent in requests gains the field, its member in the written
/// `Serialize`, its `None` in `new` and its `with_` setter. `PlanLink` is small enough that prettyplease wrote the
/// struct literal in `new` on one line (it does up to 34 columns); with a
/// third field it takes one line per field.
#[test]
fn adding_one_optional_request_field_adds_its_lines_and_setter() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    add_open_in(spec.path(), "PlanLink", false);
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    assert_eq!(
        changes,
        models_changes(&[
            (ChangeTag::Insert, "    /// Where the link opens."),
            (ChangeTag::Insert, "    pub open_in: Option<String>,"),
            // Its member in the written `Serialize`.
            (
                ChangeTag::Insert,
                "                (\"openIn\", __values::Value::OptionString(&self.open_in)),"
            ),
            (ChangeTag::Insert, "            slot_open_in: Option<Option<String>>,"),
            (ChangeTag::Insert, "                        \"openIn\" => {"),
            (
                ChangeTag::Insert,
                "                            __slots::Slot::OptionString(&mut self.slot_open_in, \"openIn\")"
            ),
            (ChangeTag::Insert, "                        }"),
            (ChangeTag::Insert, "                    open_in: self.slot_open_in.flatten(),"),
            (ChangeTag::Insert, "            slot_open_in: None,"),
            (ChangeTag::Delete, "        Self { name: None, url: None }"),
            (ChangeTag::Insert, "        Self {"),
            (ChangeTag::Insert, "            name: None,"),
            (ChangeTag::Insert, "            url: None,"),
            (ChangeTag::Insert, "            open_in: None,"),
            (ChangeTag::Insert, "        }"),
            (ChangeTag::Insert, ""),
            (ChangeTag::Insert, "    /// Sets `openIn`."),
            (ChangeTag::Insert, "    #[must_use]"),
            (
                ChangeTag::Insert,
                "    pub fn with_open_in(mut self, value: impl Into<String>) -> Self {"
            ),
            (ChangeTag::Insert, "        self.open_in = Some(value.into());"),
            (ChangeTag::Insert, "        self"),
            (ChangeTag::Insert, "    }"),
        ])
    );
}

/// A struct only received has no constructor and no `Default`, so a new
/// field, even a required one, adds its own lines and nothing else: its
/// declaration and its lines in the written `Deserialize` (its slot and
/// its start, its member's arm, its check in `missing`, which the struct
/// writes now that it requires a member, its binding and its value).
#[test]
fn adding_one_required_response_field_only_adds_its_lines() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    add_open_in(spec.path(), "PlanPublishResponse", true);
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    assert_eq!(
        changes,
        models_changes(&[
            (ChangeTag::Insert, "    /// Where the link opens."),
            (
                ChangeTag::Insert,
                "    #[cfg_attr(feature = \"serialize-received\", serde(rename = \"openIn\"))]"
            ),
            (ChangeTag::Insert, "    pub open_in: String,"),
            (ChangeTag::Insert, "            slot_open_in: Option<String>,"),
            (ChangeTag::Insert, "                        \"openIn\" => {"),
            (
                ChangeTag::Insert,
                "                            __slots::Slot::String(&mut self.slot_open_in, \"openIn\")"
            ),
            (ChangeTag::Insert, "                        }"),
            // The check that it was read, then its value taken with the
            // other required ones (here none).
            (ChangeTag::Insert, ""),
            (ChangeTag::Insert, "            fn missing(&self) -> Option<&'static str> {"),
            (ChangeTag::Insert, "                match self {"),
            (
                ChangeTag::Insert,
                "                    Self { slot_open_in: None, .. } => Some(\"openIn\"),"
            ),
            (ChangeTag::Insert, "                    _ => None,"),
            (ChangeTag::Insert, "                }"),
            (ChangeTag::Insert, "            }"),
            (
                ChangeTag::Insert,
                "                let Self { slot_open_in: Some(slot_open_in), .. } = self else {"
            ),
            (ChangeTag::Insert, "                    return None;"),
            (ChangeTag::Insert, "                };"),
            (ChangeTag::Insert, "                    open_in: slot_open_in,"),
            (ChangeTag::Insert, "            slot_open_in: None,"),
        ])
    );
}

/// The path item of a new operation that reuses existing schemas.
const NEW_OPERATION: &str = r#"
get:
  summary: Read one charge
  operationId: getCharge
  tags: [Charges]
  parameters:
    - name: chargeId
      in: path
      required: true
      schema:
        type: string
  responses:
    '200':
      description: The charge.
      content:
        application/json:
          schema:
            $ref: '../components/charges.yaml#/components/schemas/CreateChargeResponse'
    '404':
      description: No such charge.
"#;

/// Writes a new endpoint document beside `charges/create-charge.yaml`, with
/// the same info, servers and components and [`NEW_OPERATION`] as its path.
fn add_get_charge(spec: &Path) {
    let text = std::fs::read_to_string(spec.join("charges/create-charge.yaml")).expect("document");
    let mut document: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let item: serde_yaml::Value = serde_yaml::from_str(NEW_OPERATION).expect("valid YAML");
    let mut paths = serde_yaml::Mapping::new();
    paths.insert("/charges/{chargeId}/".into(), item);
    document["paths"] = serde_yaml::Value::Mapping(paths);
    let out = serde_yaml::to_string(&document).expect("serializes");
    std::fs::write(spec.join("charges/get-charge.yaml"), out).expect("write");
}

/// Adding an operation inserts one block of code for it and one row in the
/// README's table of operations, and changes no line of anything else.
#[test]
fn adding_one_operation_touches_no_other_operation() {
    let spec = copy_of_spec();
    let before = generate_files(spec.path());
    add_get_charge(spec.path());
    let after = generate_files(spec.path());
    let changes = changed_lines(&before, &after);
    let deleted: Vec<_> = changes
        .iter()
        .filter(|(_, tag, _)| *tag == ChangeTag::Delete)
        .collect();
    assert!(deleted.is_empty(), "lines removed or changed: {deleted:#?}");
    let files: BTreeSet<&PathBuf> = changes.iter().map(|(path, _, _)| path).collect();
    assert_eq!(
        files,
        BTreeSet::from([
            &PathBuf::from("README.md"),
            &PathBuf::from("src/operations.rs")
        ]),
        "files touched"
    );
    let readme_rows: Vec<&String> = changes
        .iter()
        .filter(|(path, _, _)| path == Path::new("README.md"))
        .map(|(_, _, line)| line)
        .collect();
    assert_eq!(
        readme_rows,
        [&"| `get_charge` | GET | `/charges/{chargeId}/` |".to_owned()],
        "the README's operation table gains one row"
    );
    let inserted = inserted_block(
        &before[Path::new("src/operations.rs")],
        &after[Path::new("src/operations.rs")],
    );
    assert!(inserted.contains("pub fn get_charge("), "{inserted}");
    for other in before_operation_names(&before[Path::new("src/operations.rs")]) {
        assert!(
            !inserted.contains(&format!("pub fn {other}(")),
            "the inserted block holds `{other}`: {inserted}"
        );
    }
}

/// The one contiguous run of lines `after` inserts into `before`; panics
/// if the insertions are not contiguous.
fn inserted_block(before: &str, after: &str) -> String {
    let diff = TextDiff::from_lines(before, after);
    let hunks: Vec<_> = diff.grouped_ops(0);
    assert_eq!(
        hunks.len(),
        1,
        "expected one inserted block, got {}",
        hunks.len()
    );
    diff.iter_all_changes()
        .filter(|c| c.tag() == ChangeTag::Insert)
        .map(|c| c.value())
        .collect()
}

/// Names of the client methods in an operations file.
fn before_operation_names(operations: &str) -> Vec<String> {
    operations
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("pub fn "))
        .filter_map(|rest| rest.split('(').next())
        .map(str::to_owned)
        .collect()
}
