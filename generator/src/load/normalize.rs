//! Per-document rewrites that make documents mergeable: path-level
//! parameters, servers and the document's default security move into each
//! operation, so that two documents describing the same path cannot clash on
//! path-level settings.

use serde_json::{Map, Value};

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
