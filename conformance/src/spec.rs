//! The spec as the conformance run reads it: the loader's merged document
//! (every input file merged, `$ref`s local, OpenAPI 3.1 rewritten into the
//! 3.0 shape) as plain JSON, with look-ups by the IR's operations and
//! parameters.

use openapi_rust_gen::ir::{HttpMethod, Operation, Parameter};
use serde_json::Value;

/// How many `$ref` hops [`SpecDocument::resolve`] follows before giving up
/// (a reference cycle among non-schema objects).
const MAX_REF_HOPS: usize = 64;

/// The merged document.
#[derive(Debug, Clone)]
pub struct SpecDocument {
    root: Value,
}

/// Where a response's media type was found, and its object.
#[derive(Debug, Clone, Copy)]
pub struct ResponseMedia<'a> {
    /// The documented media type (`application/json`, `*/*`, ...).
    pub media_type: &'a str,
    /// The media type object (with `schema`, if any).
    pub object: &'a Value,
}

impl SpecDocument {
    /// Wraps a merged document.
    pub fn new(root: Value) -> SpecDocument {
        SpecDocument { root }
    }

    /// The whole document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Follows local `$ref`s (`#/...`) until a value that is not a reference.
    pub fn resolve<'v>(&'v self, mut value: &'v Value) -> &'v Value {
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            else {
                return value;
            };
            value = target;
        }
        value
    }

    /// The operation object of `op`.
    pub fn operation(&self, op: &Operation) -> Option<&Value> {
        self.path_item(op)?.get(method_key(op.http_method))
    }

    fn path_item(&self, op: &Operation) -> Option<&Value> {
        let item = self.root.get("paths")?.get(&op.path)?;
        Some(self.resolve(item))
    }

    /// The parameter object behind `parameter`: the operation's own entry,
    /// else the path item's.
    pub fn parameter(&self, op: &Operation, parameter: &Parameter) -> Option<&Value> {
        let location = parameter.location.as_str();
        let lists = [
            self.operation(op).and_then(|o| o.get("parameters")),
            self.path_item(op).and_then(|p| p.get("parameters")),
        ];
        lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| self.resolve(p))
            .find(|p| {
                p.get("name").and_then(Value::as_str) == Some(parameter.wire_name.as_str())
                    && p.get("in").and_then(Value::as_str) == Some(location)
            })
    }

    /// The request body's media type object for `media_type` (or the first
    /// one listed).
    pub fn request_media(&self, op: &Operation, media_type: &str) -> Option<&Value> {
        let content = self
            .operation(op)
            .and_then(|o| o.get("requestBody"))
            .map(|b| self.resolve(b))
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)?;
        content
            .get(media_type)
            .or_else(|| content.values().next())
            .map(|m| self.resolve(m))
    }

    /// The response object documented for `status`: the exact code, then
    /// its range (`4XX`), then `default`.
    pub fn response(&self, op: &Operation, status: u16) -> Option<&Value> {
        let responses = self.operation(op)?.get("responses")?.as_object()?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        responses
            .get(&exact)
            .or_else(|| {
                responses
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(&range))
                    .map(|(_, value)| value)
            })
            .or_else(|| responses.get("default"))
            .map(|r| self.resolve(r))
    }

    /// The documented media type of the `status` response that a body of
    /// `content_type` falls under: the same type, then `type/*`, then
    /// `*/*`. `None` when the response documents no content at all, or
    /// none that matches.
    pub fn response_media(
        &self,
        op: &Operation,
        status: u16,
        content_type: &str,
    ) -> Option<ResponseMedia<'_>> {
        let content = self.response(op, status)?.get("content")?.as_object()?;
        let actual = essence(content_type);
        let major = actual.split('/').next().unwrap_or_default();
        let ranked = |key: &str| -> Option<u8> {
            let documented = essence(key);
            if documented == actual {
                Some(0)
            } else if documented == format!("{major}/*") {
                Some(1)
            } else if documented == "*/*" {
                Some(2)
            } else {
                None
            }
        };
        content
            .iter()
            .filter_map(|(key, object)| ranked(key).map(|rank| (rank, key, object)))
            .min_by_key(|(rank, _, _)| *rank)
            .map(|(_, key, object)| ResponseMedia {
                media_type: key.as_str(),
                object: self.resolve(object),
            })
    }

    /// Whether the `status` response of `op` documents any content.
    pub fn response_has_content(&self, op: &Operation, status: u16) -> bool {
        self.response(op, status)
            .and_then(|r| r.get("content"))
            .and_then(Value::as_object)
            .is_some_and(|c| !c.is_empty())
    }
}

pub use openapi_rust_gen::lower::media_type_essence as essence;

/// Whether a media type carries JSON (`application/json`, `…+json`).
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

/// The key of an HTTP method in a path item.
pub fn method_key(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Options => "options",
        HttpMethod::Head => "head",
        HttpMethod::Patch => "patch",
        HttpMethod::Trace => "trace",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_compare_by_essence() {
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
    }
}
