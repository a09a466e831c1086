//! Documents built to exhaust the generator (issue #8, part 2): schemas
//! nested 10,000 levels deep, long `$ref` chains and 10,000 operations. Each
//! must give a located error, or a warning and a degraded type, never a
//! stack overflow or an endless run.
//!
//! Every document is generated here, not committed, and processed on a
//! thread with a 2 MiB stack (the default for test threads), so a recursion
//! that grows with the input shows up as a crash of this test.

use std::path::Path;
use std::time::{Duration, Instant};

use generator::{GeneratedCrate, Options};
use serde_json::{json, Value};

const STACK: usize = 2 * 1024 * 1024;
const DEPTH: usize = 10_000;
/// Length of the `$ref` chains: long enough that recursion per link would
/// overflow a 2 MiB stack, short enough for a debug build (the lowering of
/// chains is not linear yet; 10,000 links take minutes).
const CHAIN: usize = 2_000;

/// Runs `generator::generate` on `text` saved as `file_name`, on a thread
/// with a 2 MiB stack.
fn generate_text(file_name: &str, text: String) -> generator::Result<GeneratedCrate> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(file_name);
    std::fs::write(&path, text).expect("write the document");
    std::thread::Builder::new()
        .name(format!("generate {file_name}"))
        .stack_size(STACK)
        .spawn(move || generator::generate(&path, &Options::new("deep")))
        .expect("spawn")
        .join()
        .expect("the generator panicked")
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

/// `{"type":"object","properties":{"a": … }}` nested `depth` times, as
/// text (a `Value` that deep could not even be dropped safely).
fn nested_schema_json(depth: usize) -> String {
    let open = r#"{"type":"object","properties":{"a":"#;
    let mut text = String::with_capacity(depth * (open.len() + 2) + 32);
    for _ in 0..depth {
        text.push_str(open);
    }
    text.push_str(r#"{"type":"string"}"#);
    for _ in 0..depth {
        text.push_str("}}");
    }
    text
}

fn deep_document_json(depth: usize) -> String {
    let skeleton = document(
        one_operation("#/components/schemas/Deep"),
        json!({ "Deep": "@@DEEP@@" }),
    );
    serde_json::to_string(&skeleton)
        .expect("serializes")
        .replace(r#""@@DEEP@@""#, &nested_schema_json(depth))
}

fn assert_located(error: &generator::Error, file_name: &str) {
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
fn json_schema_nested_10000_deep_is_a_located_error() {
    let error = generate_text("deep.json", deep_document_json(DEPTH))
        .expect_err("a 10,000-deep document is refused");
    assert_located(&error, "deep.json");
    assert!(error.to_string().contains("recursion limit"), "{error}");
}

#[test]
fn yaml_schema_nested_10000_deep_is_a_located_error() {
    // Block style: each level indented further.
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Deep:\n",
    );
    let mut indent = String::from("      ");
    for _ in 0..DEPTH {
        text.push_str(&format!(
            "{indent}type: object\n{indent}properties:\n{indent}  a:\n"
        ));
        indent.push_str("    ");
    }
    text.push_str(&format!("{indent}type: string\n"));
    let error = generate_text("deep.yaml", text).expect_err("refused");
    assert_located(&error, "deep.yaml");
}

#[test]
fn yaml_flow_sequences_10000_deep_are_a_located_error() {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths: {{}}\nx-deep: {}{}\n",
        "[".repeat(DEPTH),
        "]".repeat(DEPTH)
    );
    let error = generate_text("flow.yaml", text).expect_err("refused");
    assert_located(&error, "flow.yaml");
}

#[test]
fn nesting_within_the_parser_limit_generates() {
    // 40 inline levels: 120 levels of JSON, under the parser's 128.
    let generated = generate_text("shallow.json", deep_document_json(40))
        .expect("a document within the limits generates");
    assert!(generated
        .files
        .keys()
        .any(|path| path.ends_with("models.rs")));
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
