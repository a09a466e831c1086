//! Code injection through a spec (issue #8, part 2): a spec whose every
//! text field carries `"); std::process::exit(1); ("` must come out with the
//! payload only inside string literals and doc attributes, never as code.
//!
//! Each generated `.rs` file is parsed with `syn` and its token tree walked:
//! every identifier outside a literal (doc comments are `#[doc = "…"]`
//! literals by then, and `//` comments are dropped) is checked, and `exit`
//! must never be one. The crate must also compile.

use std::path::Path;
use std::str::FromStr;

use integration_tests::{cargo_offline_first, workspace_root, write_scratch_workspace};
use openapi_rust_gen::Options;
use proc_macro2::{TokenStream, TokenTree};
use serde_json::{json, Value};

const PAYLOAD: &str = r#""); std::process::exit(1); (""#;

/// `text` with the payload in it.
fn p(text: &str) -> String {
    format!("{text}{PAYLOAD}")
}

/// A spec with the payload in every text field: titles, descriptions,
/// summaries, enum values, property, schema, parameter and header names,
/// operationIds, tags, server URLs and descriptions, examples and defaults.
fn hostile_spec() -> Value {
    let string_schema = |name: &str| {
        json!({
            "type": "string",
            "title": p(name),
            "description": p(name),
            "example": p(name),
            "default": p(name),
            "pattern": p(name),
            "format": p(name),
        })
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": p("title"),
            "description": p("description"),
            "version": p("1.0.0"),
            "termsOfService": p("https://example.com/terms"),
            "contact": { "name": p("contact"), "url": p("https://example.com/"), "email": p("a@b") },
            "license": { "name": p("license"), "url": p("https://example.com/license") },
        },
        "servers": [
            {
                "url": p("https://api.example.com/v1"),
                "description": p("server"),
            },
            {
                "url": "https://{region}.example.com",
                "description": p("templated server"),
                "variables": {
                    "region": {
                        "default": p("eu"),
                        "enum": [p("eu"), p("us")],
                        "description": p("region"),
                    }
                }
            }
        ],
        "tags": [{ "name": p("tag"), "description": p("tag description") }],
        "security": [{ "apiKey": [] }],
        "paths": {
            "/things/{id}": {
                "summary": p("path summary"),
                "description": p("path description"),
                "get": {
                    "operationId": p("getThing"),
                    "summary": p("summary"),
                    "description": p("operation description"),
                    "tags": [p("tag")],
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": true,
                            "description": p("path parameter"),
                            "schema": string_schema("id"),
                            "example": p("id example"),
                        },
                        {
                            "name": p("query"),
                            "in": "query",
                            "description": p("query parameter"),
                            "schema": { "$ref": "#/components/schemas/Colour" },
                        },
                        {
                            "name": p("header"),
                            "in": "header",
                            "description": p("header parameter"),
                            "schema": string_schema("header"),
                        },
                        {
                            "name": p("cookie"),
                            "in": "cookie",
                            "description": p("cookie parameter"),
                            "schema": { "type": "integer", "description": p("cookie") },
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": p("ok"),
                            "headers": {
                                "X-Rate": {
                                    "description": p("rate header"),
                                    "schema": string_schema("rate"),
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": { "$ref": "#/components/schemas/Thing" },
                                    "example": { "name": p("example") },
                                }
                            }
                        },
                        "404": {
                            "description": p("not found"),
                            "content": {
                                "application/json": {
                                    "schema": { "$ref": "#/components/schemas/Problem" }
                                }
                            }
                        },
                        "default": { "description": p("default") },
                    }
                },
                "post": {
                    "operationId": p("createThing"),
                    "summary": p("create"),
                    "deprecated": true,
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": {
                        "description": p("body"),
                        "required": true,
                        "content": {
                            "application/json": {
                                "schema": { "$ref": "#/components/schemas/Thing" },
                                "examples": {
                                    "one": { "summary": p("example summary"), "value": { "name": p("x") } }
                                }
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "description": p("created"),
                            "content": { "text/plain": { "schema": string_schema("text") } }
                        }
                    }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": p("X-Key"),
                    "description": p("api key"),
                }
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "title": p("Thing title"),
                    "description": p("Thing"),
                    "required": ["name"],
                    "example": { "name": p("thing example") },
                    "properties": {
                        "name": string_schema("name"),
                        p("property"): string_schema("property"),
                        "colour": { "$ref": "#/components/schemas/Colour" },
                        "count": { "type": "integer", "description": p("count"), "example": 1, "default": 2 },
                        "nested": {
                            "type": "object",
                            "description": p("nested"),
                            "properties": { p("inner"): string_schema("inner") },
                            "additionalProperties": string_schema("extra"),
                        },
                        "choice": {
                            "description": p("choice"),
                            "oneOf": [
                                { "$ref": "#/components/schemas/Problem" },
                                { "type": "string", "description": p("alternative") },
                            ]
                        },
                        "list": {
                            "type": "array",
                            "description": p("list"),
                            "items": { "type": "string", "enum": [p("a"), p("b")] },
                        },
                    }
                },
                "Colour": {
                    "type": "string",
                    "description": p("Colour"),
                    "enum": [p("red"), p("green"), PAYLOAD, "exit"],
                    "default": p("red"),
                    "x-enum-descriptions": [p("red"), p("green"), p("payload"), p("exit")],
                },
                "Problem": {
                    "type": "object",
                    "description": p("Problem"),
                    "discriminator": { "propertyName": "kind" },
                    "properties": {
                        "kind": { "type": "string", "description": p("kind"), "enum": [p("kind")] },
                        "detail": string_schema("detail"),
                    }
                },
                p("Schema"): {
                    "type": "object",
                    "description": p("a schema whose name is the payload"),
                    "properties": { "x": string_schema("x") },
                },
            }
        }
    })
}

/// Every identifier of `tokens` outside literals, recursively.
fn identifiers(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => identifiers(group.stream(), out),
            TokenTree::Ident(ident) => out.push(ident.to_string()),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

fn check_file(path: &Path, source: &str) {
    syn::parse_file(source)
        .unwrap_or_else(|e| panic!("{} does not parse as Rust: {e}", path.display()));
    let tokens = TokenStream::from_str(source)
        .unwrap_or_else(|e| panic!("{} does not tokenize: {e}", path.display()));
    let mut idents = Vec::new();
    identifiers(tokens, &mut idents);
    for forbidden in ["exit", "r#exit"] {
        assert!(
            !idents.iter().any(|ident| ident == forbidden),
            "`{forbidden}` is an identifier in {}: the payload escaped its string",
            path.display()
        );
    }
    // `process` is another word of the payload that is never code here.
    assert!(
        !idents.iter().any(|ident| ident == "process"),
        "`process` is an identifier in {}",
        path.display()
    );
}

#[test]
fn payload_only_in_literals_and_docs_and_the_crate_compiles() {
    let dir = tempfile::Builder::new()
        .prefix("injection-")
        .tempdir()
        .expect("temporary directory");
    let spec = dir.path().join("openapi.json");
    std::fs::write(
        &spec,
        serde_json::to_string_pretty(&hostile_spec()).expect("spec serializes"),
    )
    .expect("write the spec");

    let crate_name = "injection-check";
    let generated = openapi_rust_gen::generate(&spec, &Options::new(crate_name))
        .unwrap_or_else(|e| panic!("generation failed: {e}"));
    let mut rust_files = 0;
    let mut payload_seen = false;
    for (path, content) in &generated.files {
        if path.extension().is_some_and(|e| e == "rs") {
            check_file(path, content);
            rust_files += 1;
            payload_seen |= content.contains("process::exit");
        }
    }
    assert!(rust_files > 0, "no Rust files generated");
    assert!(
        payload_seen,
        "the payload should reach the generated code (in literals and docs)"
    );

    let workspace = tempfile::Builder::new()
        .prefix("injection-check-")
        .tempdir()
        .expect("temporary directory");
    generated
        .write_to(&workspace.path().join(crate_name))
        .expect("write the crate");
    write_scratch_workspace(workspace.path(), &[crate_name.to_owned()])
        .expect("write the workspace");
    let target = workspace_root().join("target").join("fixture-check");
    let output = cargo_offline_first(
        workspace.path(),
        &target,
        &["clippy", "--all-targets"],
        &["-D", "warnings"],
    );
    if !output.status.success() {
        panic!(
            "the injection crate does not compile cleanly (kept in {}):\n{}\n{}",
            workspace.keep().display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
}
