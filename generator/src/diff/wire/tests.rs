//! The wire diff on small documents: what the pair suite (tests/diff.rs)
//! does not reach — recursion, `allOf`, names that are not sent, header
//! case, status classes and operation servers.

use serde_json::{json, Value};

use super::{diff_documents, WireImpact};

/// A document with one operation, `GET /items/{itemId}`, taking `parameters`
/// and answering 200 with `schema`, plus `schemas` as components.
fn document(parameters: Value, schema: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/items/{itemId}": {"get": {
            "operationId": "getItem",
            "parameters": parameters,
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        }}},
        "components": {"schemas": schemas}
    })
}

fn path_parameter(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn changes(old: &Value, new: &Value) -> Vec<(WireImpact, String)> {
    let diff = diff_documents(old, new);
    diff.changes
        .into_iter()
        .map(|c| (c.impact, c.change))
        .collect()
}

fn tree(child_type: &str) -> Value {
    json!({"Node": {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"type": child_type},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }
    }})
}

#[test]
fn a_recursive_schema_is_compared_once_per_place() {
    let node = json!({"$ref": "#/components/schemas/Node"});
    let old = document(
        json!([path_parameter("itemId")]),
        node.clone(),
        tree("string"),
    );
    let new = document(json!([path_parameter("itemId")]), node, tree("integer"));
    assert_eq!(
        changes(&old, &new),
        [(
            WireImpact::Breaking,
            "property `Node.value` changed from `string` to `integer`".to_owned()
        )]
    );
}

#[test]
fn names_that_are_not_sent_change_nothing() {
    let schema = json!({"type": "string"});
    let old = document(
        json!([path_parameter("itemId"), {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}]),
        schema.clone(),
        json!({}),
    );
    let new = json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "2"},
        "paths": {"/items/{id}": {"get": {
            "operationId": "fetchItem",
            "parameters": [path_parameter("id"), {"name": "x-trace", "in": "header", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        }}},
        "components": {"schemas": {}}
    });
    // The path parameter's name, the operation id and a header name's case
    // are not on the wire (the path's `{}` and the header match).
    assert_eq!(changes(&old, &new), []);
}

#[test]
fn properties_merged_from_all_of_are_compared() {
    let schema = json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"extra": {"type": "string"}}}]});
    let base = |required: Value| json!({"Base": {"type": "object", "required": required, "properties": {"id": {"type": "string"}}}});
    let old = document(
        json!([path_parameter("itemId")]),
        schema.clone(),
        base(json!(["id"])),
    );
    let new = document(json!([path_parameter("itemId")]), schema, base(json!([])));
    assert_eq!(
        changes(&old, &new),
        [(
            WireImpact::Breaking,
            "property `id` of response `200` body is now optional".to_owned()
        )]
    );
}

#[test]
fn a_new_status_inside_a_known_class_is_compatible() {
    let mut old = document(
        json!([path_parameter("itemId")]),
        json!({"type": "string"}),
        json!({}),
    );
    old["paths"]["/items/{itemId}"]["get"]["responses"]["4XX"] =
        json!({"description": "client error"});
    let mut new = old.clone();
    new["paths"]["/items/{itemId}"]["get"]["responses"]["409"] = json!({"description": "conflict"});
    new["paths"]["/items/{itemId}"]["get"]["responses"]["503"] =
        json!({"description": "unavailable"});
    assert_eq!(
        changes(&old, &new),
        [
            (WireImpact::Attention, "response `503` added".to_owned()),
            (WireImpact::Compatible, "response `409` added".to_owned()),
        ]
    );
}

#[test]
fn an_operation_sent_to_another_server_needs_attention() {
    let old = document(
        json!([path_parameter("itemId")]),
        json!({"type": "string"}),
        json!({}),
    );
    let mut new = old.clone();
    new["paths"]["/items/{itemId}"]["get"]["servers"] =
        json!([{"url": "https://files.example.com"}]);
    let mut with_root = old.clone();
    with_root["servers"] = json!([{"url": "https://api.example.com"}]);
    new["servers"] = json!([{"url": "https://api.example.com"}]);
    assert_eq!(
        changes(&with_root, &new),
        [(
            WireImpact::Attention,
            "server `https://api.example.com` no longer listed".to_owned()
        )]
    );
}

#[test]
fn a_schema_that_includes_itself_ends() {
    let schemas = |kind: &str| json!({"Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}], "type": kind}});
    let schema = json!({"$ref": "#/components/schemas/Loop"});
    let old = document(
        json!([path_parameter("itemId")]),
        schema.clone(),
        schemas("object"),
    );
    let new = document(json!([path_parameter("itemId")]), schema, schemas("string"));
    assert_eq!(
        changes(&old, &new),
        [(
            WireImpact::Breaking,
            "schema `Loop` changed from `object` to `string`".to_owned()
        )]
    );
}
