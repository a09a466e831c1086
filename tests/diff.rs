//! `openapi_rust_gen::diff` on hand-written spec pairs, one per kind of change:
//! each pair's Rust verdict and semver bump, and its wire verdict (does a
//! deployed old client still work against the new server?), must be the
//! ones its `expected.json` states, and the reports are snapshotted so that
//! wording and classification changes show in review. The kelviq history
//! shows both verdicts on real changes, and the annotations for GitHub
//! Actions point at known lines of YAML, JSON and multi-file specs.

use std::path::{Path, PathBuf};

use integration_tests::workspace_root;
use openapi_rust_gen::diff::outputs;
use openapi_rust_gen::diff::{self, ApiDiff, FailOn, Review};

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
        pair_names().len() >= 60,
        "expected at least 60 spec pairs in {}",
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

fn review_pair(name: &str) -> Review {
    let dir = pairs_dir().join(name);
    diff::review_paths(&dir.join("old.yaml"), &dir.join("new.yaml"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn wire_label(review: &Review) -> &'static str {
    review.wire.verdict().map_or("none", |v| v.label())
}

#[test]
fn each_pair_gets_its_expected_wire_verdict() {
    let mut failures = Vec::new();
    for name in pair_names() {
        let review = review_pair(&name);
        let expected = expected(&name);
        let Some(wanted) = expected["wire"].as_str() else {
            failures.push(format!("{name}: expected.json has no \"wire\" verdict"));
            continue;
        };
        if wire_label(&review) != wanted {
            failures.push(format!(
                "{name}: wire verdict {}, expected {wanted}\n{}",
                wire_label(&review),
                outputs::render_text(&review, &name)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn identical_specs_have_no_wire_changes() {
    for name in pair_names() {
        let old = pairs_dir().join(&name).join("old.yaml");
        let review = diff::review_paths(&old, &old).expect("reviews");
        assert_eq!(review.wire.changes, Vec::new(), "{name}");
    }
}

/// The wire changes of a review, each with its line (file names left out:
/// they depend on where the workspace is).
fn wire_lines(review: &Review) -> String {
    let changes = review.wire.changes.iter().zip(&review.wire_positions);
    changes
        .map(|(change, position)| {
            format!(
                "{} | {} | {} — {} | line {}",
                change.impact.label(),
                change.operations.join(", "),
                change.change,
                change.client,
                position.as_ref().map_or(0, |p| p.line)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn wire_reports_are_snapshotted() {
    for name in pair_names() {
        let review = review_pair(&name);
        insta::assert_snapshot!(format!("wire_{name}"), wire_lines(&review));
    }
}

#[test]
fn fail_on_follows_the_axis_it_names() {
    // Renamed on the wire only: the crate is compatible, deployed clients are not.
    let renamed = review_pair("26_query_param_renamed_on_wire");
    assert!(renamed.fails(FailOn::WireBreaking));
    assert!(!renamed.fails(FailOn::RustBreaking));
    assert!(renamed.fails(FailOn::Any));
    // An optional response field removed: the other way round.
    let removed = review_pair("12_response_field_removed");
    assert!(!removed.fails(FailOn::WireBreaking));
    assert!(removed.fails(FailOn::RustBreaking));
    assert!(removed.fails(FailOn::Any));
    let added = review_pair("01_operation_added");
    assert!(!added.fails(FailOn::Any));
}

fn kelviq_history() -> Vec<PathBuf> {
    let dir = workspace_root().join("../shared/corpus/kelviq/history");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        // Reports name files as load does, without `..`.
        .filter_map(|path| std::fs::canonicalize(path).ok())
        .collect();
    versions.sort();
    versions
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().chars().take(3).collect())
        .unwrap_or_default()
}

#[test]
fn the_kelviq_history_shows_both_verdicts() {
    let versions = kelviq_history();
    assert_eq!(versions.len(), 14, "13 consecutive pairs");
    let mut table = Vec::new();
    for pair in versions.windows(2) {
        let review = diff::review_paths(&pair[0], &pair[1]).expect("reviews");
        assert!(review.rust.verdict().is_some() && review.wire.verdict().is_some());
        // Where only builds that choose features see a break, both.
        table.push(format!(
            "{} → {}: Rust {} ({}{}), wire {}",
            file_name(&pair[0]),
            file_name(&pair[1]),
            review.rust.verdict().map_or("none", |v| v.label()),
            review.rust.bump().label(),
            review.rust.default_features_note(),
            wire_label(&review)
        ));
        if file_name(&pair[0]) == "053" {
            // `listPaymentMethods` renames `customerId` to `customer_id` in
            // the query: the setter keeps its name, the server does not.
            assert_eq!(review.rust.verdict(), Some(diff::Impact::NonBreaking));
            assert_eq!(wire_label(&review), "breaking");
            let renamed = review.wire.changes.iter().find(|c| {
                c.change == "query parameter `customerId` is now query parameter `customer_id`"
            });
            let renamed = renamed.expect("the rename is a wire change");
            assert_eq!(renamed.operations, ["GET /payment-methods/"]);
        }
    }
    insta::assert_snapshot!("kelviq_history_verdicts", table.join("\n"));
}

/// The 1-based line of the first line of `text` that is `wanted` once
/// trimmed, so tests name lines by their content.
fn line_of(text: &str, wanted: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, line)| line.trim() == wanted)
        .map(|(index, _)| index + 1)
        .unwrap_or_else(|| panic!("no line `{wanted}`"))
}

/// How the GitHub output writes a file property.
fn file_property(path: &Path) -> String {
    path.display()
        .to_string()
        .replace('%', "%25")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[test]
fn annotations_point_at_lines_of_a_yaml_spec() {
    let new = pairs_dir().join("04_required_param_added/new.yaml");
    let text = std::fs::read_to_string(&new).expect("reads the spec");
    let github = outputs::render_github(&review_pair("04_required_param_added"));
    let line = line_of(&text, "- name: shop", 0);
    let expected = format!(
        "::error file={},line={line},title=Wire%3A breaking::`GET /pets/{{petId}}`: required query parameter `shop` added — old clients do not send it\n",
        file_property(&new)
    );
    assert!(github.contains(&expected), "{github}");
    // A property of a component schema, and the operation of a Rust change.
    let new = pairs_dir().join("08_required_request_field_added/new.yaml");
    let text = std::fs::read_to_string(&new).expect("reads the spec");
    let github = outputs::render_github(&review_pair("08_required_request_field_added"));
    let species = line_of(&text, "species:", 0);
    let schema = line_of(&text, "NewPet:", 0);
    let wire = format!(
        "::error file={},line={species},title=Wire%3A breaking::",
        file_property(&new)
    );
    let rust = format!(
        "::error file={},line={schema},title=Rust API%3A breaking::",
        file_property(&new)
    );
    assert!(github.contains(&wire), "{github}");
    assert!(github.contains(&rust), "{github}");
}

#[test]
fn annotations_point_at_lines_of_a_json_spec() {
    let versions = kelviq_history();
    let (old, new) = (&versions[11], &versions[12]);
    assert_eq!(
        (file_name(old), file_name(new)),
        ("053".into(), "054".into())
    );
    let text = std::fs::read_to_string(new).expect("reads the spec");
    let operation = line_of(&text, "\"operationId\": \"listPaymentMethods\",", 0);
    // The parameter's object opens on the line before its name.
    let parameter = line_of(&text, "\"name\": \"customer_id\",", operation) - 1;
    assert_eq!(parameter, 7560, "the known line of the renamed parameter");
    let review = diff::review_paths(old, new).expect("reviews");
    let github = outputs::render_github(&review);
    let expected = format!(
        "::error file={},line={parameter},title=Wire%3A breaking::`GET /payment-methods/`: query parameter `customerId` is now query parameter `customer_id` — old clients still send `customerId`; the server no longer reads it\n",
        file_property(new)
    );
    assert!(github.contains(&expected), "{github}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creates a directory");
    for entry in std::fs::read_dir(from).expect("lists a directory") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copies a file");
        }
    }
}

/// Replaces the one line `line` (trimmed) of `file` by `replacement`
/// lines, keeping its indentation.
fn edit_line(file: &Path, line: &str, replacement: &[&str]) {
    let text = std::fs::read_to_string(file).expect("reads the file");
    let number = line_of(&text, line, 0);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let indent: String = lines[number - 1]
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let new_lines = replacement.iter().map(|r| format!("{indent}{r}"));
    lines.splice(number - 1..number, new_lines);
    std::fs::write(file, lines.join("\n") + "\n").expect("writes the file");
}

#[test]
fn annotations_of_a_multi_file_spec_name_the_file_of_each_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&workspace_root().join("spec"), &old);
    copy_dir(&workspace_root().join("spec"), &new);
    let operation_file = new.join("customers/list-customers.yaml");
    edit_line(&operation_file, "- name: page_size", &["- name: pageSize"]);
    let component_file = new.join("components/customers.yaml");
    let text = std::fs::read_to_string(&component_file).expect("reads");
    let response = line_of(&text, "CustomerResponse:", 0);
    let property = line_of(&text, "customerId:", response);
    let text: Vec<&str> = text.lines().collect();
    assert_eq!(text[property].trim(), "type: string");
    edit_line(&component_file, "CustomerResponse:", &["CustomerResponse:"]);
    let mut lines: Vec<String> = text.iter().map(|l| (*l).to_owned()).collect();
    lines.insert(property + 1, "          minLength: 3".to_owned());
    std::fs::write(&component_file, lines.join("\n") + "\n").expect("writes");

    let review = diff::review_paths(&old, &new).expect("reviews");
    let github = outputs::render_github(&review);
    let operation_text = std::fs::read_to_string(&operation_file).expect("reads");
    let renamed = format!(
        "::error file={},line={},title=Wire%3A breaking::`GET /customers/`: query parameter `page_size` is now query parameter `pageSize`",
        file_property(&operation_file),
        line_of(&operation_text, "- name: pageSize", 0)
    );
    assert!(github.contains(&renamed), "{github}");
    let bound = format!(
        "::notice file={},line={property},title=Wire%3A compatible::",
        file_property(&component_file)
    );
    assert!(github.contains(&bound), "{github}");
    assert!(
        github.contains("`CustomerResponse.customerId` `minLength`"),
        "{github}"
    );
}

#[test]
fn markdown_puts_both_verdicts_first_and_folds_long_lists() {
    let versions = kelviq_history();
    let review = diff::review_paths(&versions[1], &versions[2]).expect("reviews");
    let markdown = outputs::render_markdown(&review, "005 → 010");
    let mut lines = markdown.lines();
    assert_eq!(lines.next(), Some("## 005 → 010"));
    assert_eq!(lines.next(), Some(""));
    let summary = lines.next().unwrap_or_default();
    assert!(
        summary.starts_with("**Wire: breaking** · **Rust API: breaking (semver major)**"),
        "{summary}"
    );
    let breaking = markdown
        .find("Breaking on the wire")
        .expect("a wire section");
    let attention = markdown
        .find("Needs attention on the wire")
        .expect("an attention section");
    let compatible = markdown
        .find("Compatible on the wire")
        .expect("a compatible section");
    assert!(breaking < attention && attention < compatible, "{markdown}");
    // Breaking changes stay in view unless there are very many; longer
    // lists of lesser ones fold.
    assert!(review.wire.count(diff::wire::WireImpact::Breaking) > 8);
    assert!(markdown.contains("### Breaking on the wire"), "{markdown}");
    let long = review.rust.count(diff::Impact::NonBreaking);
    assert!(long > 8, "a long list");
    assert!(
        markdown.contains(&format!(
            "<details><summary>Non-breaking for the Rust API ({long})</summary>"
        )),
        "{markdown}"
    );
    assert!(
        markdown.contains("### Needs attention on the wire"),
        "{markdown}"
    );
}

#[test]
fn json_report_carries_both_axes_with_positions() {
    let review = review_pair("26_query_param_renamed_on_wire");
    let json = outputs::render_json(&review);
    assert_eq!(json["verdict"], "non-breaking");
    assert_eq!(json["bump"], "minor");
    assert_eq!(json["wire"]["verdict"], "breaking");
    let change = &json["wire"]["changes"][0];
    assert_eq!(change["side"], "request");
    assert_eq!(
        change["pointer"],
        "#/paths/~1pets~1{petId}/get/parameters/1"
    );
    assert!(change["line"].as_u64().is_some_and(|l| l > 1), "{change}");
    assert!(json["changes"][0]["line"].is_u64(), "{json}");
}

#[test]
fn identical_corpus_documents_have_no_changes_on_either_axis() {
    // Real documents hold what hand-written pairs do not, such as an
    // operation's parameter that shares its name with its path item's.
    let dir = workspace_root().join("../shared/corpus/public");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the public corpus") {
        let path = entry.expect("an entry").path();
        let Ok(review) = diff::review_paths(&path, &path) else {
            continue; // Documents the generator rejects have nothing to compare.
        };
        assert_eq!(review.rust.changes, Vec::new(), "{}", path.display());
        assert_eq!(review.wire.changes, Vec::new(), "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 20, "{checked} documents compared");
}
