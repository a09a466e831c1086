//! Operations on the wire: which exist, the parameters and bodies they
//! take, and the statuses and media types they answer with.

use serde_json::{Map, Value};

use super::schemas::{diff_schema, Context};
use super::{child, code, follow, security, Place, Side, Walk, WireImpact};
use crate::load::pointer;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
struct Op<'v> {
    /// How a server tells operations apart: method and path template with
    /// its parameter names blanked (`/pets/{}`), which are not sent.
    key: (String, String),
    label: String,
    /// The path template (`/pets/{petId}`).
    path: &'v str,
    id: Option<&'v str>,
    item: &'v Value,
    value: &'v Value,
    pointer: String,
}

fn operations(root: &Value) -> Vec<Op<'_>> {
    let mut found = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let item_pointer = pointer::from_segments(&["paths", path]);
        let Some((item, _)) = follow(root, item, &item_pointer) else {
            continue;
        };
        for method in METHODS {
            if let Some(value) = item.get(method) {
                found.push(Op {
                    key: (method.to_owned(), blank_parameters(path)),
                    label: format!("{} {path}", method.to_ascii_uppercase()),
                    path,
                    id: value.get("operationId").and_then(Value::as_str),
                    item,
                    value,
                    pointer: child(&item_pointer, method),
                });
            }
        }
    }
    found
}

/// `/pets/{petId}` → `/pets/{}`.
fn blank_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if !in_braces => out.push(c),
            _ => {}
        }
    }
    out
}

/// Compares the operations of both documents.
pub(super) fn diff_paths(walk: &mut Walk) {
    let old_ops = operations(walk.old);
    let new_ops = operations(walk.new);
    for old in &old_ops {
        match new_ops.iter().find(|new| new.key == old.key) {
            Some(new) => diff_operation(walk, old, new),
            None => operation_gone(walk, old, &new_ops),
        }
    }
    for new in &new_ops {
        // An operation that moved here was reported as moved.
        let moved_here = |old: &Op| {
            new.id.is_some() && old.id == new.id && !new_ops.iter().any(|n| n.key == old.key)
        };
        if !old_ops
            .iter()
            .any(|old| old.key == new.key || moved_here(old))
        {
            walk.operation = new.label.clone();
            let at = Place {
                side: Side::Endpoint,
                pointer: &new.pointer,
            };
            walk.record(
                at,
                WireImpact::Compatible,
                format!("operation {} added", code(&new.label)),
                "old clients do not call it".to_owned(),
            );
        }
    }
    walk.operation.clear();
}

/// An operation the new document no longer has at its method and path:
/// moved, when another one carries its `operationId`, or removed.
fn operation_gone(walk: &mut Walk, old: &Op, new_ops: &[Op]) {
    walk.operation = old.label.clone();
    let moved = new_ops
        .iter()
        .find(|new| new.id.is_some() && new.id == old.id);
    let (change, anchor) = match moved {
        Some(new) => (
            format!(
                "operation {} moved to {}",
                code(&old.label),
                code(&new.label)
            ),
            new.pointer.clone(),
        ),
        None => (
            format!("operation {} removed", code(&old.label)),
            "#/paths".to_owned(),
        ),
    };
    let at = Place {
        side: Side::Endpoint,
        pointer: &anchor,
    };
    walk.record(
        at,
        WireImpact::Breaking,
        change,
        format!(
            "old clients still call {}: the server answers with an error status (`Error::UnexpectedStatus`)",
            code(&old.label)
        ),
    );
    // What else changed, for clients that follow it to its new place.
    if let Some(new) = moved {
        diff_operation(walk, old, new);
    }
}

fn diff_operation(walk: &mut Walk, old: &Op, new: &Op) {
    walk.operation = new.label.clone();
    diff_parameters(walk, old, new);
    diff_request_body(walk, old, new);
    diff_responses(walk, old, new);
    security::diff_operation_security(walk, old.value, new.value, &new.pointer);
    security::diff_operation_servers(walk, old.value, new.value, &new.pointer);
}

/// One parameter, as its operation (or path item) lists it.
struct Param<'v> {
    name: String,
    location: String,
    /// For a path parameter, which of the template's `{…}` it fills: its
    /// name is not sent, its place is.
    slot: Option<usize>,
    value: &'v Value,
    pointer: String,
}

impl Param<'_> {
    /// How the server finds it: header names are case-insensitive, path
    /// parameters are found by their place in the path.
    fn key(&self) -> (String, String) {
        let name = match (self.location.as_str(), self.slot) {
            ("header", _) => self.name.to_ascii_lowercase(),
            ("path", Some(slot)) => format!("{{{slot}}}"),
            _ => self.name.clone(),
        };
        (self.location.clone(), name)
    }

    fn required(&self) -> bool {
        self.value.get("required").and_then(Value::as_bool) == Some(true)
    }

    fn label(&self) -> String {
        format!("{} parameter {}", self.location, code(&self.name))
    }

    /// `style` and `explode`, defaults filled in.
    fn serialization(&self) -> (String, bool) {
        let default = match self.location.as_str() {
            "query" | "cookie" => "form",
            _ => "simple",
        };
        let style = self
            .value
            .get("style")
            .and_then(Value::as_str)
            .unwrap_or(default);
        let explode = self
            .value
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
        (style.to_owned(), explode)
    }

    /// The schema and its pointer (`schema`, or the one media type of
    /// `content`).
    fn schema(&self) -> Option<(&Value, String)> {
        if let Some(schema) = self.value.get("schema") {
            return Some((schema, child(&self.pointer, "schema")));
        }
        let (media, entry) = self.value.get("content")?.as_object()?.iter().next()?;
        let at = child(&child(&child(&self.pointer, "content"), media), "schema");
        Some((entry.get("schema")?, at))
    }
}

/// The parameters an operation takes: its path item's, then its own (which
/// replace a path item's of the same name and location).
fn parameters<'v>(root: &'v Value, op: &Op<'v>) -> Vec<Param<'v>> {
    let item_pointer = op
        .pointer
        .rsplit_once('/')
        .map_or(String::new(), |(item, _)| item.to_owned());
    let mut found: Vec<Param> = Vec::new();
    for (list, at) in [(op.item, item_pointer), (op.value, op.pointer.clone())] {
        let Some(entries) = list.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (index, entry) in entries.iter().enumerate() {
            let entry_pointer = child(&child(&at, "parameters"), &index.to_string());
            let Some((value, _)) = follow(root, entry, &entry_pointer) else {
                continue;
            };
            let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
            let (Some(name), Some(location)) = (text("name"), text("in")) else {
                continue;
            };
            let slot = (location == "path")
                .then(|| slot_of(op.path, &name))
                .flatten();
            let param = Param {
                name,
                location,
                slot,
                value,
                pointer: entry_pointer,
            };
            found.retain(|p| p.key() != param.key());
            found.push(param);
        }
    }
    found
}

/// Which `{…}` of a path template is `{name}`.
fn slot_of(path: &str, name: &str) -> Option<usize> {
    let wanted = format!("{{{name}}}");
    path.split('/')
        .filter(|segment| segment.starts_with('{'))
        .position(|segment| segment == wanted)
}

/// Names that differ only in case and separators (`customerId`,
/// `customer_id`): the same Rust name, most likely the same parameter.
fn same_words(a: &str, b: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    squash(a) == squash(b)
}

fn diff_parameters(walk: &mut Walk, old: &Op, new: &Op) {
    let old_params = parameters(walk.old, old);
    let new_params = parameters(walk.new, new);
    let mut added: Vec<&Param> = new_params
        .iter()
        .filter(|n| !old_params.iter().any(|o| o.key() == n.key()))
        .collect();
    for before in &old_params {
        if let Some(after) = new_params.iter().find(|n| n.key() == before.key()) {
            diff_parameter(walk, before, after);
            continue;
        }
        let counterpart = added.iter().position(|n| {
            (n.location == before.location && same_words(&n.name, &before.name))
                || (n.name == before.name && n.location != before.location)
        });
        match counterpart {
            Some(index) => {
                let after = added.remove(index);
                parameter_renamed(walk, before, after);
                diff_parameter(walk, before, after);
            }
            None => parameter_removed(walk, before, &new.pointer),
        }
    }
    for after in added {
        parameter_added(walk, after);
    }
}

fn parameter_renamed(walk: &mut Walk, before: &Param, after: &Param) {
    let at = Place {
        side: Side::Request,
        pointer: &after.pointer,
    };
    walk.record(
        at,
        WireImpact::Breaking,
        format!("{} is now {}", before.label(), after.label()),
        if before.location == after.location {
            format!(
                "old clients still send {}; the server no longer reads it",
                code(&before.name)
            )
        } else {
            format!(
                "old clients still send {} in the {}; the server reads the {}",
                code(&before.name),
                before.location,
                after.location
            )
        },
    );
}

fn parameter_removed(walk: &mut Walk, before: &Param, operation_pointer: &str) {
    let at = Place {
        side: Side::Request,
        pointer: operation_pointer,
    };
    walk.record(
        at,
        WireImpact::Breaking,
        format!("{} removed", before.label()),
        "old clients still send it; the server no longer reads it".to_owned(),
    );
}

fn parameter_added(walk: &mut Walk, after: &Param) {
    let at = Place {
        side: Side::Request,
        pointer: &after.pointer,
    };
    if after.required() {
        walk.record(
            at,
            WireImpact::Breaking,
            format!("required {} added", after.label()),
            "old clients do not send it".to_owned(),
        );
    } else {
        walk.record(
            at,
            WireImpact::Compatible,
            format!("optional {} added", after.label()),
            "old clients do not send it; the server does without".to_owned(),
        );
    }
}

fn diff_parameter(walk: &mut Walk, before: &Param, after: &Param) {
    let at = Place {
        side: Side::Request,
        pointer: &after.pointer,
    };
    match (before.required(), after.required()) {
        (false, true) => walk.record(
            at,
            WireImpact::Breaking,
            format!("{} is now required", after.label()),
            "old clients may leave it out".to_owned(),
        ),
        (true, false) => walk.record(
            at,
            WireImpact::Compatible,
            format!("{} is now optional", after.label()),
            "old clients always send it".to_owned(),
        ),
        _ => {}
    }
    let (old_style, new_style) = (before.serialization(), after.serialization());
    // A parameter that moved is already breaking; its style's defaults
    // differ by location.
    if old_style != new_style && before.location == after.location {
        walk.record(
            at,
            WireImpact::Breaking,
            format!(
                "{} serialized as {} (explode: {}) instead of {} (explode: {})",
                after.label(),
                code(&new_style.0),
                new_style.1,
                code(&old_style.0),
                old_style.1
            ),
            "old clients serialize it the old way".to_owned(),
        );
    }
    if let (Some((a, _)), Some((b, b_at))) = (before.schema(), after.schema()) {
        let context = Context::top(Side::Request, &after.label(), true);
        diff_schema(walk, &context, a, b, &b_at);
    }
}

/// A request body, references followed, with its pointer.
fn request_body<'v>(root: &'v Value, op: &Op<'v>) -> Option<(&'v Value, String)> {
    let at = child(&op.pointer, "requestBody");
    follow(root, op.value.get("requestBody")?, &at).map(|(body, _)| (body, at))
}

fn content(value: &Value) -> Option<&Map<String, Value>> {
    value.get("content").and_then(Value::as_object)
}

fn diff_request_body(walk: &mut Walk, old: &Op, new: &Op) {
    let required = |body: &Value| body.get("required").and_then(Value::as_bool) == Some(true);
    match (request_body(walk.old, old), request_body(walk.new, new)) {
        (None, Some((body, at))) => {
            let (impact, change, client) = if required(body) {
                (WireImpact::Breaking, "required", "old clients send none")
            } else {
                (
                    WireImpact::Compatible,
                    "optional",
                    "old clients send none; the server does without",
                )
            };
            let at = Place {
                side: Side::Request,
                pointer: &at,
            };
            let change = format!("{change} request body added");
            walk.record(at, impact, change, client.to_owned());
        }
        (Some(_), None) => walk.record(
            Place {
                side: Side::Request,
                pointer: &new.pointer,
            },
            WireImpact::Attention,
            "request body removed".to_owned(),
            "old clients still send one; the server ignores or rejects it".to_owned(),
        ),
        (Some((a, _)), Some((b, at))) => {
            if !required(a) && required(b) {
                walk.record(
                    Place {
                        side: Side::Request,
                        pointer: &at,
                    },
                    WireImpact::Breaking,
                    "request body is now required".to_owned(),
                    "old clients may send none".to_owned(),
                );
            }
            diff_request_media(walk, a, b, &at);
        }
        (None, None) => {}
    }
}

fn diff_request_media(walk: &mut Walk, old: &Value, new: &Value, at: &str) {
    let (Some(old_content), Some(new_content)) = (content(old), content(new)) else {
        return;
    };
    let content_at = child(at, "content");
    for (media, before) in old_content {
        let Some(after) = new_content.get(media) else {
            walk.record(
                Place {
                    side: Side::Request,
                    pointer: &content_at,
                },
                WireImpact::Breaking,
                format!("request media type {} removed", code(media)),
                format!("old clients still send {}", code(media)),
            );
            continue;
        };
        let media_at = child(&content_at, media);
        if let (Some(a), Some(b)) = (before.get("schema"), after.get("schema")) {
            let context = Context::top(Side::Request, "request body", true);
            diff_schema(walk, &context, a, b, &child(&media_at, "schema"));
        }
    }
    for media in new_content.keys().filter(|m| !old_content.contains_key(*m)) {
        walk.record(
            Place {
                side: Side::Request,
                pointer: &child(&content_at, media),
            },
            WireImpact::Compatible,
            format!("request media type {} added", code(media)),
            "old clients keep sending the media type they know".to_owned(),
        );
    }
}

fn responses<'v>(root: &'v Value, op: &Op<'v>) -> Vec<(String, &'v Value, String)> {
    let at = child(&op.pointer, "responses");
    let Some(map) = op.value.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(status, value)| {
            let status_at = child(&at, status);
            let (value, _) = follow(root, value, &status_at)?;
            Some((status.to_ascii_uppercase(), value, status_at))
        })
        .collect()
}

/// Whether a status the old client knows (exactly, by class, or as
/// `default`) covers `status`.
fn covered(status: &str, known: &[(String, &Value, String)]) -> bool {
    let class = status.chars().next().map(|c| format!("{c}XX"));
    known.iter().any(|(s, _, _)| {
        s == status || Some(s) == class.as_ref() || (s == "DEFAULT" && !status.starts_with('2'))
    })
}

fn diff_responses(walk: &mut Walk, old: &Op, new: &Op) {
    let old_responses = responses(walk.old, old);
    let new_responses = responses(walk.new, new);
    for (status, after, at) in &new_responses {
        match old_responses.iter().find(|(s, _, _)| s == status) {
            Some((_, before, _)) => diff_response_media(walk, status, before, after, at),
            None => status_added(walk, status, &old_responses, at),
        }
    }
    for (status, _, _) in &old_responses {
        if !new_responses.iter().any(|(s, _, _)| s == status) {
            walk.record(
                Place {
                    side: Side::Response,
                    pointer: &child(&new.pointer, "responses"),
                },
                WireImpact::Compatible,
                format!("response {} removed", code(status)),
                "old clients no longer receive it".to_owned(),
            );
        }
    }
}

fn status_added(walk: &mut Walk, status: &str, old: &[(String, &Value, String)], at: &str) {
    let at = Place {
        side: Side::Response,
        pointer: at,
    };
    let change = format!("response {} added", code(status));
    if covered(status, old) {
        let client = "old clients handle it as the status class or `default` response they know";
        walk.record(at, WireImpact::Compatible, change, client.to_owned());
    } else if status.starts_with('2') {
        walk.record(
            at,
            WireImpact::Breaking,
            change,
            "old clients do not know this success status: they return `Error::UnexpectedStatus` for a call that worked".to_owned(),
        );
    } else {
        walk.record(
            at,
            WireImpact::Attention,
            change,
            "old clients return `Error::UnexpectedStatus` with the raw response instead of a typed error variant".to_owned(),
        );
    }
}

fn diff_response_media(walk: &mut Walk, status: &str, old: &Value, new: &Value, at: &str) {
    let empty = Map::new();
    let old_content = content(old).unwrap_or(&empty);
    let new_content = content(new).unwrap_or(&empty);
    let content_at = child(at, "content");
    for (media, before) in old_content {
        let Some(after) = new_content.get(media) else {
            walk.record(
                Place {
                    side: Side::Response,
                    pointer: at,
                },
                WireImpact::Breaking,
                format!(
                    "response {} no longer sent as {}",
                    code(status),
                    code(media)
                ),
                format!(
                    "old clients ask for and decode {}; they fail on what the server sends",
                    code(media)
                ),
            );
            continue;
        };
        if let (Some(a), Some(b)) = (before.get("schema"), after.get("schema")) {
            let label = format!("response {} body", code(status));
            let context = Context::top(Side::Response, &label, true);
            let schema_at = child(&child(&content_at, media), "schema");
            diff_schema(walk, &context, a, b, &schema_at);
        }
    }
    for media in new_content.keys().filter(|m| !old_content.contains_key(*m)) {
        let client = if old_content.is_empty() {
            "old clients expect no body and ignore it"
        } else {
            "old clients keep asking for the media types they know (`Accept`)"
        };
        walk.record(
            Place {
                side: Side::Response,
                pointer: &child(&content_at, media),
            },
            WireImpact::Compatible,
            format!("response {} also sent as {}", code(status), code(media)),
            client.to_owned(),
        );
    }
}
