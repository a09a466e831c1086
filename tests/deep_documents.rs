//! Documents built to exhaust the generator (issue #8): schemas nested
//! 10,000 levels deep, long `$ref` chains and 10,000 operations.
//!
//! Schemas nested 10,000 deep (objects in objects, arrays in arrays; JSON,
//! and YAML in block and flow style) generate a crate: below 32 levels the
//! types degrade to `serde_json::Value` with a warning, and the crates pass
//! `clippy -D warnings`. Documents may nest up to `load::MAX_DEPTH`
//! (100,000) levels of arrays and objects; one nested 5,000,000 deep, far
//! past what any stack could recurse through, is a located error that the
//! loader finds before anything recurses into it. Nothing may overflow a
//! stack, panic or run without end.
//!
//! Every document is generated here, not committed, and processed on a
//! thread with a 2 MiB stack (the default for test threads), so a recursion
//! that grows with the input and escapes the generator's own large-stack
//! thread shows up as a crash of this test.

use std::path::Path;
use std::time::{Duration, Instant};

use integration_tests::{cargo_offline_first, workspace_root, write_scratch_workspace};
use openapi_rust_gen::{GeneratedCrate, Options};
use serde_json::{json, Value};

const STACK: usize = 2 * 1024 * 1024;
const DEPTH: usize = 10_000;
/// Far deeper than the loader takes (100,000 levels), and than any stack
/// could recurse through.
const FAR_TOO_DEEP: usize = 5_000_000;
/// Length of the `$ref` chains: long enough that recursion per link would
/// overflow a 2 MiB stack, short enough for a debug build (the lowering of
/// chains is not linear yet; 10,000 links take minutes).
const CHAIN: usize = 2_000;
/// What a debug build may take for one deep document (it takes about a
/// second; the bound leaves room for a loaded machine).
const DEEP_TIME: Duration = Duration::from_secs(60);

/// Runs `openapi_rust_gen::generate` on `text` saved as `file_name`, on a thread
/// with a 2 MiB stack.
fn generate_text(file_name: &str, text: String) -> openapi_rust_gen::Result<GeneratedCrate> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(file_name);
    std::fs::write(&path, text).expect("write the document");
    std::thread::Builder::new()
        .name(format!("generate {file_name}"))
        .stack_size(STACK)
        .spawn(move || openapi_rust_gen::generate(&path, &Options::new("deep")))
        .expect("spawn")
        .join()
        .expect("the generator panicked")
}

/// Generates `text`, which must succeed within [`DEEP_TIME`] and warn
/// that its schemas were degraded.
fn generate_deep(file_name: &str, text: String) -> GeneratedCrate {
    let started = Instant::now();
    let generated = generate_text(file_name, text)
        .unwrap_or_else(|e| panic!("{file_name} should generate: {e}"));
    let elapsed = started.elapsed();
    eprintln!("{file_name} generated in {elapsed:?}");
    assert!(elapsed < DEEP_TIME, "{file_name} took {elapsed:?}");
    assert!(
        generated
            .warnings
            .iter()
            .any(|w| w.message.starts_with("schemas nested deeper than")),
        "{file_name}: the depth warning is missing: {:?}",
        generated.warnings
    );
    generated
}

fn document(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Deep", "version": "1" },
        "servers": [{ "url": "https://api.example.com" }],
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn one_operation(schema_ref: &str) -> Value {
    json!({
        "/x": { "get": {
            "operationId": "getX",
            "responses": { "200": {
                "description": "ok",
                "content": { "application/json": { "schema": { "$ref": schema_ref } } }
            } }
        } }
    })
}

/// `open` nested `depth` times around `leaf`, then closed with `close`, as
/// text (a `Value` that deep could not even be dropped on this stack).
fn nested(open: &str, leaf: &str, close: &str, depth: usize) -> String {
    let mut text = String::with_capacity(depth * (open.len() + close.len()) + leaf.len());
    for _ in 0..depth {
        text.push_str(open);
    }
    text.push_str(leaf);
    for _ in 0..depth {
        text.push_str(close);
    }
    text
}

/// `{"type":"object","properties":{"a": … }}` nested `depth` times.
fn nested_objects_json(depth: usize) -> String {
    nested(
        r#"{"type":"object","properties":{"a":"#,
        r#"{"type":"string"}"#,
        "}}",
        depth,
    )
}

/// `{"type":"array","items": … }` nested `depth` times.
fn nested_arrays_json(depth: usize) -> String {
    nested(
        r#"{"type":"array","items":"#,
        r#"{"type":"string"}"#,
        "}",
        depth,
    )
}

/// A document whose schema `Deep` is `deep` (JSON text).
fn deep_document_json(deep: &str) -> String {
    let skeleton = document(
        one_operation("#/components/schemas/Deep"),
        json!({ "Deep": "@@DEEP@@" }),
    );
    serde_json::to_string(&skeleton)
        .expect("serializes")
        .replace(r#""@@DEEP@@""#, deep)
}

/// The same document in YAML: block style around `Deep`, whose first
/// `block_levels` levels are block style too, and the rest flow style.
fn deep_document_yaml(depth: usize, block_levels: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\n\
         info: {title: Deep, version: '1'}\n\
         servers:\n\
         - url: https://api.example.com\n\
         paths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n\
         \x20         description: ok\n          content:\n            application/json:\n\
         \x20             schema: {$ref: '#/components/schemas/Deep'}\n\
         components:\n  schemas:\n    Deep:\n",
    );
    let mut indent = String::from("      ");
    for _ in 0..block_levels {
        text.push_str(&format!(
            "{indent}type: object\n{indent}properties:\n{indent}  a:\n"
        ));
        indent.push_str("    ");
    }
    let flow = nested(
        "{type: object, properties: {a: ",
        "{type: string}",
        "}}",
        depth - block_levels,
    );
    text.push_str(&format!("{indent}{flow}\n"));
    text
}

fn assert_located(error: &openapi_rust_gen::Error, file_name: &str) {
    let text = error.to_string();
    assert!(
        text.contains(file_name),
        "the error should name the file: {text}"
    );
    assert!(
        error.location.line.is_some() || text.contains("#/"),
        "the error should give a line or a pointer: {text}"
    );
}

#[test]
fn json_objects_nested_10000_deep_generate() {
    generate_deep("deep.json", deep_document_json(&nested_objects_json(DEPTH)));
}

#[test]
fn yaml_objects_nested_10000_deep_generate() {
    // 300 levels in block style (600 YAML levels, past serde_yaml's 128),
    // the rest in flow style.
    generate_deep("deep.yaml", deep_document_yaml(DEPTH, 300));
}

#[test]
fn yaml_block_style_nested_past_serde_yaml_generates() {
    // Block style only: the document goes to serde_yaml first.
    let generated = generate_deep("block.yaml", deep_document_yaml(400, 399));
    let json = generate_text("block.json", deep_document_json(&nested_objects_json(400)))
        .expect("generates");
    assert_eq!(generated.files, json.files, "YAML and JSON should agree");
}

#[test]
fn json_arrays_nested_10000_deep_generate() {
    generate_deep(
        "arrays.json",
        deep_document_json(&nested_arrays_json(DEPTH)),
    );
}

#[test]
fn yaml_flow_sequences_10000_deep_generate() {
    // Not a schema: an extension the generator ignores, read all the same.
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep: {}\n",
        nested("[", "1", "]", DEPTH)
    );
    let started = Instant::now();
    generate_text("flow.yaml", text).expect("generates");
    assert!(
        started.elapsed() < DEEP_TIME,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn documents_nested_far_deeper_than_the_loader_takes_are_located_errors() {
    let started = Instant::now();
    let cases = [
        (
            "far.json",
            format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"Deep\", \"version\": \"1\"}},\n\"paths\": {{}}, \"x-deep\": {}}}",
                nested("[", "1", "]", FAR_TOO_DEEP)
            ),
        ),
        (
            "far.yaml",
            format!(
                "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep: {}\n",
                nested("[", "1", "]", FAR_TOO_DEEP)
            ),
        ),
        (
            "far-block.yaml",
            format!(
                "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep:\n  {}1\n",
                "- ".repeat(FAR_TOO_DEEP)
            ),
        ),
    ];
    for (file_name, text) in cases {
        let error = generate_text(file_name, text).expect_err("refused");
        assert_located(&error, file_name);
        assert!(error.location.line.is_some(), "{error}");
        assert!(error.message.contains("nested deeper than"), "{error}");
    }
    let elapsed = started.elapsed();
    eprintln!("three documents nested {FAR_TOO_DEEP} deep refused in {elapsed:?}");
    assert!(elapsed < DEEP_TIME, "took {elapsed:?}");
}

/// The crates generated from the 10,000-deep documents pass `cargo clippy
/// -D warnings`. Dependency builds are kept in `target/fixture-check`, as
/// for the fixtures.
#[test]
fn crates_generated_from_deep_documents_compile_without_clippy_warnings() {
    let crates = [
        (
            "deep-json-objects",
            "deep.json",
            deep_document_json(&nested_objects_json(DEPTH)),
        ),
        (
            "deep-yaml-objects",
            "deep.yaml",
            deep_document_yaml(DEPTH, 300),
        ),
        (
            "deep-json-arrays",
            "arrays.json",
            deep_document_json(&nested_arrays_json(DEPTH)),
        ),
    ];
    let workspace = tempfile::Builder::new()
        .prefix("deep-check-")
        .tempdir()
        .expect("temporary directory");
    let mut members = Vec::new();
    for (crate_name, file_name, text) in crates {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join(file_name);
        std::fs::write(&path, text).expect("write the document");
        let options = Options::new(crate_name);
        let generated = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || openapi_rust_gen::generate(&path, &options))
            .expect("spawn")
            .join()
            .expect("the generator panicked")
            .unwrap_or_else(|e| panic!("{file_name} should generate: {e}"));
        generated
            .write_to(&workspace.path().join(crate_name))
            .expect("write the crate");
        members.push(crate_name.to_owned());
    }
    write_scratch_workspace(workspace.path(), &members).expect("write the workspace");
    let target = workspace_root().join("target").join("fixture-check");
    let started = Instant::now();
    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &["clippy", "--all-targets", "--keep-going"],
        &["-D", "warnings"],
    );
    eprintln!(
        "clippy on {} deep crates took {:.1?}",
        members.len(),
        started.elapsed()
    );
    if !output.status.success() {
        panic!(
            "the deep crates do not compile cleanly (kept in {}):\n{}\n{}",
            workspace.keep().display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}

#[test]
fn a_long_ref_chain_does_not_overflow() {
    // Deep0 → Deep1 → … → Deep1999, each an object whose property refers to
    // the next: deep as types, flat as a document.
    let mut schemas = serde_json::Map::new();
    for i in 0..CHAIN {
        let next = if i + 1 == CHAIN {
            json!({ "type": "string" })
        } else {
            json!({ "$ref": format!("#/components/schemas/Deep{}", i + 1) })
        };
        schemas.insert(
            format!("Deep{i}"),
            json!({ "type": "object", "properties": { "next": next } }),
        );
    }
    let spec = document(
        one_operation("#/components/schemas/Deep0"),
        Value::Object(schemas),
    );
    let started = Instant::now();
    let result = generate_text("chain.json", spec.to_string());
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
    eprintln!("a {CHAIN}-long ref chain took {:?}", started.elapsed());
    if let Err(error) = result {
        assert_located(&error, "chain.json");
    }
}

#[test]
fn a_long_alias_chain_does_not_overflow() {
    // Alias0: {$ref: Alias1}, …, each component only a reference.
    let mut schemas = serde_json::Map::new();
    let started = Instant::now();
    for i in 0..CHAIN {
        let schema = if i + 1 == CHAIN {
            json!({ "type": "string" })
        } else {
            json!({ "$ref": format!("#/components/schemas/Alias{}", i + 1) })
        };
        schemas.insert(format!("Alias{i}"), schema);
    }
    let spec = document(
        one_operation("#/components/schemas/Alias0"),
        Value::Object(schemas),
    );
    if let Err(error) = generate_text("aliases.json", spec.to_string()) {
        assert_located(&error, "aliases.json");
    }
    eprintln!("a {CHAIN}-long alias chain took {:?}", started.elapsed());
}

#[test]
fn ten_thousand_operations_generate_in_bounded_time() {
    let mut paths = serde_json::Map::new();
    for i in 0..10_000 {
        paths.insert(
            format!("/items{i}/{{id}}"),
            json!({ "get": {
                "operationId": format!("getItem{i}"),
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": {
                    "description": "ok",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } }
                } }
            } }),
        );
    }
    let spec = document(
        Value::Object(paths),
        json!({ "Item": { "type": "object", "properties": { "id": { "type": "string" } } } }),
    );
    let started = Instant::now();
    let generated =
        generate_text("many.json", spec.to_string()).expect("10,000 operations generate");
    let elapsed = started.elapsed();
    eprintln!("10,000 operations generated in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(180), "took {elapsed:?}");
    let operations = generated
        .files
        .iter()
        .find(|(path, _)| Path::new(path).ends_with("operations.rs"))
        .map(|(_, text)| text)
        .expect("operations.rs");
    assert!(operations.contains("get_item9999"));
}

/// The public stages are safe to call from any thread: `load` and `lower`,
/// called directly on a 2 MiB thread (no `on_pipeline_stack` around them),
/// read a document nested 10,000 deep, and the loaded spec is dropped
/// there too.
#[test]
fn stages_called_directly_are_safe_on_a_small_stack() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("deep.json");
    std::fs::write(&path, deep_document_json(&nested_objects_json(DEPTH))).expect("write");
    let operations = std::thread::Builder::new()
        .name("stages".to_owned())
        .stack_size(STACK)
        .spawn(move || {
            let loaded = openapi_rust_gen::load::load(&path).expect("loads");
            let api = openapi_rust_gen::lower::lower(&loaded).expect("lowers");
            drop(loaded);
            api.operations.len()
        })
        .expect("spawn")
        .join()
        .expect("the stages panicked");
    assert_eq!(operations, 1);
}
