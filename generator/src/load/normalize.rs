//! Per-document rewrites that make documents mergeable: path-level
//! parameters, servers and the document's default security move into each
//! operation, so that two documents describing the same path cannot clash on
//! path-level settings.

use serde_json::{Map, Value};

use crate::load::positions::{each_keyword_object_mut, Position};

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Pushes path-level and document-level defaults down into every operation.
pub fn push_down_defaults(document: &mut Value) {
    let security = document.get("security").cloned();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        if let Value::Object(item) = item {
            push_down_path_item(item, security.as_ref());
        }
    }
    if let Value::Object(root) = document {
        root.remove("security");
    }
}

fn push_down_path_item(item: &mut Map<String, Value>, security: Option<&Value>) {
    let parameters = item.remove("parameters");
    let servers = item.remove("servers");
    for method in METHODS {
        let Some(Value::Object(operation)) = item.get_mut(method) else {
            continue;
        };
        if let Some(Value::Array(shared)) = &parameters {
            merge_parameters(operation, shared);
        }
        if let Some(servers) = &servers {
            operation
                .entry("servers")
                .or_insert_with(|| servers.clone());
        }
        if let Some(security) = security {
            operation
                .entry("security")
                .or_insert_with(|| security.clone());
        }
    }
}

/// Operation parameters override path parameters with the same name and
/// location; the path's come first, as they are declared first.
fn merge_parameters(operation: &mut Map<String, Value>, shared: &[Value]) {
    let own = match operation.remove("parameters") {
        Some(Value::Array(own)) => own,
        _ => Vec::new(),
    };
    let mut merged: Vec<Value> = shared
        .iter()
        .filter(|p| !own.iter().any(|o| same_parameter(o, p)))
        .cloned()
        .collect();
    merged.extend(own);
    operation.insert("parameters".to_owned(), Value::Array(merged));
}

fn same_parameter(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| {
        if let Some(reference) = v.get("$ref") {
            return (reference.clone(), Value::Null);
        }
        (
            v.get("name").cloned().unwrap_or(Value::Null),
            v.get("in").cloned().unwrap_or(Value::Null),
        )
    };
    key(a) == key(b)
}

/// Gives every operation of `document` the servers `servers` unless it has
/// its own: used when a document's servers differ from the merged default.
pub fn push_down_servers(document: &mut Value, servers: &Value) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                operation
                    .entry("servers")
                    .or_insert_with(|| servers.clone());
            }
        }
    }
}

/// Object keywords that describe the schema's own properties.
const OBJECT_KEYWORDS: [&str; 3] = ["properties", "required", "additionalProperties"];

/// A schema with `type` beside `allOf`, `oneOf` or `anyOf` is valid, but
/// openapiv3 reads only the `type` and drops the composition. Rewrites such
/// schemas so nothing is lost: `allOf` takes the schema's own properties as
/// one more part; `oneOf`/`anyOf` drop the redundant `type`, and own
/// properties go into an `allOf` beside the alternatives. Examples and
/// defaults are data, and never rewritten.
pub fn make_compositions_explicit(value: &mut Value) {
    each_keyword_object_mut(value, Position::Keywords, &mut rewrite_composition);
}

fn rewrite_composition(map: &mut Map<String, Value>) {
    let keyword = ["allOf", "oneOf", "anyOf"]
        .into_iter()
        .find(|k| matches!(map.get(*k), Some(Value::Array(_))));
    let Some(keyword) = keyword else {
        return;
    };
    if map.get("$ref").is_some() || !map.contains_key("type") {
        return;
    }
    map.remove("type");
    let mut own = Map::new();
    for key in OBJECT_KEYWORDS {
        if let Some(value) = map.remove(key) {
            own.insert(key.to_owned(), value);
        }
    }
    if own.is_empty() {
        return;
    }
    own.insert("type".to_owned(), Value::String("object".to_owned()));
    if keyword == "allOf" {
        if let Some(Value::Array(parts)) = map.get_mut("allOf") {
            parts.insert(0, Value::Object(own));
        }
        return;
    }
    let alternatives = map.remove(keyword).unwrap_or(Value::Null);
    let mut choice = Map::new();
    choice.insert(keyword.to_owned(), alternatives);
    map.insert(
        "allOf".to_owned(),
        Value::Array(vec![Value::Object(own), Value::Object(choice)]),
    );
}
