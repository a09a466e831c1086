//! OpenAPI 3.2 documents: 3.1 plus additions. What the additions mean in
//! the 3.0 shape is written in it (a reusable media type is copied where it
//! is used, a response's optional description is filled in, a tag's
//! summary becomes its description); what has no place there is dropped
//! with a located warning. The document then goes through the 3.1 rewrite.
//! A media type's `itemSchema` is a schema like `schema` and is kept (see
//! [`crate::load::kept`]).

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostics::{Location, Warning};
use crate::load::openapi31;
use crate::load::pointer;
use crate::load::positions::{each_keyword_object_at_mut, Order};

/// The version handed to the 3.1 rewrite.
const AS_31: &str = "3.1.1";

/// Where references to reusable media types point.
const MEDIA_TYPE_COMPONENTS: &str = "#/components/mediaTypes/";

/// Where references to reusable parameters point.
const PARAMETER_COMPONENTS: &str = "#/components/parameters/";

/// Whether a document declares OpenAPI 3.2.
pub fn is_openapi32(document: &Value) -> bool {
    document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.2"))
}

/// Rewrites a 3.2 document into the 3.0 shape in place; what could not be
/// mapped is reported.
pub fn normalize(file: &Path, document: &mut Value) -> Vec<Warning> {
    let mut rewrite = Rewrite {
        file,
        warnings: Vec::new(),
        media_types: Map::new(),
        query_strings: Vec::new(),
    };
    if let Value::Object(root) = document {
        rewrite.document_level(root);
    }
    each_keyword_object_at_mut(document, Order::ParentsFirst, &mut |object, path| {
        rewrite.object(object, &path.segments());
    });
    let mut warnings = rewrite.warnings;
    warnings.extend(openapi31::normalize(file, document));
    warnings
}

struct Rewrite<'f> {
    file: &'f Path,
    warnings: Vec<Warning>,
    /// `components.mediaTypes`, copied where they are referenced.
    media_types: Map<String, Value>,
    /// Names of the reusable parameters dropped for being `querystring`.
    query_strings: Vec<String>,
}

impl Rewrite<'_> {
    fn warn(&mut self, at: &[String], key: &str, message: impl Into<String>) {
        let mut place = at.to_vec();
        place.push(key.to_owned());
        self.warnings.push(Warning {
            location: Location::at(self.file, pointer::from_segments(&place)),
            message: message.into(),
        });
    }

    fn document_level(&mut self, root: &mut Map<String, Value>) {
        root.insert("openapi".to_owned(), Value::String(AS_31.to_owned()));
        if root.remove("$self").is_some() {
            self.warn(
                &[],
                "$self",
                "`$self` is not read: references are resolved from the file's own path",
            );
        }
        // 3.2's own dialect is the 3.1 one with 3.2's vocabulary; the
        // 3.1 rewrite reads schemas the same way.
        let own_dialect = root
            .get("jsonSchemaDialect")
            .and_then(Value::as_str)
            .is_some_and(|d| d.starts_with("https://spec.openapis.org/oas/3.2/dialect/"));
        if own_dialect {
            root.remove("jsonSchemaDialect");
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            if let Some(Value::Object(media_types)) = components.remove("mediaTypes") {
                self.media_types = media_types;
            }
            if let Some(Value::Object(parameters)) = components.get_mut("parameters") {
                self.query_strings = drop_query_strings(parameters);
            }
        }
        for name in self.query_strings.clone() {
            let at = ["components".to_owned(), "parameters".to_owned()];
            self.warn(&at, &name, QUERY_STRING_SKIPPED);
        }
        if let Some(Value::Array(tags)) = root.get_mut("tags") {
            for (index, tag) in tags.iter_mut().enumerate() {
                if let Value::Object(tag) = tag {
                    self.tag(tag, &["tags".to_owned(), index.to_string()]);
                }
            }
        }
    }

    /// A tag's summary is the description it lacks; nesting and kinds
    /// have no meaning in a client whose features are one per tag.
    fn tag(&mut self, tag: &mut Map<String, Value>, at: &[String]) {
        if let Some(summary) = tag.remove("summary") {
            tag.entry("description").or_insert(summary);
        }
        for key in ["parent", "kind"] {
            if tag.remove(key).is_some() {
                self.warn(
                    at,
                    key,
                    format!("a tag's `{key}` is not read: tags stay a flat list, one feature each"),
                );
            }
        }
    }

    /// One object of keywords, at `at`.
    fn object(&mut self, object: &mut Map<String, Value>, at: &[String]) {
        if is_path_item(at) {
            self.path_item(object, at);
        }
        if let Some(Value::Array(parameters)) = object.get_mut("parameters") {
            let mut place = at.to_vec();
            place.push("parameters".to_owned());
            self.parameters(parameters, &place);
        }
        if let Some(Value::Object(content)) = object.get_mut("content") {
            let mut place = at.to_vec();
            place.push("content".to_owned());
            self.content(content, &place);
        }
        if let Some(Value::Object(responses)) = object.get_mut("responses") {
            responses
                .iter_mut()
                .filter(|(status, _)| !status.starts_with("x-"))
                .for_each(|(_, response)| describe_response(response));
        }
        if let Some(Value::Object(discriminator)) = object.get_mut("discriminator") {
            if discriminator.remove("defaultMapping").is_some() {
                let mut place = at.to_vec();
                place.push("discriminator".to_owned());
                self.warn(
                    &place,
                    "defaultMapping",
                    "`defaultMapping` is not read: a payload without a known discriminator value is kept as an unknown variant",
                );
            }
        }
        if let Some(data) = object.remove("dataValue") {
            object.entry("value").or_insert(data);
        }
    }

    /// Operations 3.0 has no method for are skipped.
    fn path_item(&mut self, item: &mut Map<String, Value>, at: &[String]) {
        if matches!(item.get("query"), Some(Value::Object(_))) {
            item.remove("query");
            self.warn(
                at,
                "query",
                "the `query` operation is skipped: the client has no QUERY method",
            );
        }
        if let Some(Value::Object(others)) = item.remove("additionalOperations") {
            let mut place = at.to_vec();
            place.push("additionalOperations".to_owned());
            for method in others.keys() {
                self.warn(
                    &place,
                    method,
                    format!("the `{method}` operation is skipped: only the standard HTTP methods are read"),
                );
            }
        }
    }

    fn parameters(&mut self, parameters: &mut Vec<Value>, at: &[String]) {
        let mut index = 0;
        parameters.retain_mut(|parameter| {
            let here = index.to_string();
            index += 1;
            let referenced = parameter
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(PARAMETER_COMPONENTS))
                .map(pointer::unescape);
            if referenced.is_some_and(|name| self.query_strings.contains(&name)) {
                return false;
            }
            let Value::Object(parameter) = parameter else {
                return true;
            };
            if is_query_string(parameter) {
                self.warn(at, &here, QUERY_STRING_SKIPPED);
                return false;
            }
            let cookie = parameter.get("in").and_then(Value::as_str) == Some("cookie");
            if cookie && parameter.get("style").and_then(Value::as_str) == Some("cookie") {
                parameter.remove("style");
                let mut place = at.to_vec();
                place.push(here);
                self.warn(
                    &place,
                    "style",
                    "the `cookie` style is sent as the `form` style (values percent-encoded)",
                );
            }
            true
        });
    }

    /// Media types: references to reusable ones are replaced by a copy;
    /// encodings of sequences are dropped.
    fn content(&mut self, content: &mut Map<String, Value>, at: &[String]) {
        for (name, media_type) in content.iter_mut() {
            let referenced = media_type
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(MEDIA_TYPE_COMPONENTS))
                .map(pointer::unescape);
            if let Some(target) = referenced.and_then(|n| self.media_types.get(&n)) {
                *media_type = target.clone();
            }
            let Value::Object(media_type) = media_type else {
                continue;
            };
            let mut place = at.to_vec();
            place.push(name.clone());
            for key in ["itemEncoding", "prefixEncoding"] {
                if media_type.remove(key).is_some() {
                    self.warn(
                        &place,
                        key,
                        format!(
                            "`{key}` is not read: the body is encoded by `schema` and `encoding`"
                        ),
                    );
                }
            }
        }
    }
}

const QUERY_STRING_SKIPPED: &str =
    "a `querystring` parameter is skipped: the client cannot send the whole query string as one value";

fn is_query_string(parameter: &Map<String, Value>) -> bool {
    parameter.get("in").and_then(Value::as_str) == Some("querystring")
}

/// Removes the `querystring` parameters of `components.parameters`,
/// returning their names.
fn drop_query_strings(parameters: &mut Map<String, Value>) -> Vec<String> {
    let names: Vec<String> = parameters
        .iter()
        .filter(|(_, p)| p.as_object().is_some_and(is_query_string))
        .map(|(name, _)| name.clone())
        .collect();
    for name in &names {
        parameters.remove(name);
    }
    names
}

/// 3.2 makes a response's description optional; 3.0 requires it. Its
/// summary stands in, else an empty one.
fn describe_response(response: &mut Value) {
    let Value::Object(response) = response else {
        return;
    };
    if response.contains_key("$ref") || response.contains_key("description") {
        return;
    }
    let summary = response
        .remove("summary")
        .unwrap_or_else(|| Value::String(String::new()));
    response.insert("description".to_owned(), summary);
}

/// Whether the object at `at` is a path item: an entry of `paths`,
/// `webhooks`, `components.pathItems` or of a callback.
fn is_path_item(at: &[String]) -> bool {
    match at {
        [.., container, _] if ["paths", "webhooks", "pathItems"].contains(&container.as_str()) => {
            true
        }
        [.., callbacks, _, _] => callbacks == "callbacks",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn normalized(mut document: Value) -> (Value, Vec<String>) {
        let warnings = normalize(Path::new("api.yaml"), &mut document);
        (
            document,
            warnings.into_iter().map(|w| w.to_string()).collect(),
        )
    }

    fn assert_warned(warnings: &[String], pointer: &str, words: &str) {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("api.yaml at {pointer}: ")) && w.contains(words)),
            "no warning at {pointer} saying {words:?}: {warnings:#?}"
        );
    }

    fn events(media_type: Value) -> Value {
        json!({
            "openapi": "3.2.0",
            "info": {"title": "T", "version": "1"},
            "paths": {"/ticks": {"get": {"responses": {"200": {
                "description": "d",
                "content": {"text/event-stream": media_type},
            }}}}},
            "components": {"schemas": {"Tick": {"type": "object"}}},
        })
    }

    const EVENTS_AT: &str = "/paths/~1ticks/get/responses/200/content/text~1event-stream";

    #[test]
    fn only_32_documents_are_32() {
        assert!(is_openapi32(&json!({"openapi": "3.2.0"})));
        assert!(!is_openapi32(&json!({"openapi": "3.1.0"})));
        assert!(!is_openapi32(&json!({"swagger": "2.0"})));
    }

    /// The item schema is rewritten from JSON Schema 2020-12 like any
    /// schema, and its `$defs` are hoisted with the references following.
    #[test]
    fn an_item_schema_is_rewritten_to_the_30_shape() {
        let (doc, warnings) = normalized(events(json!({"itemSchema": {
            "type": ["object", "null"],
            "properties": {
                "kind": {"const": "tick"},
                "at": {"$ref": "#/paths/~1ticks/get/responses/200/content/text~1event-stream/itemSchema/$defs/Instant"},
            },
            "$defs": {"Instant": {"type": "string", "examples": ["now"]}},
        }})));
        assert_eq!(doc["openapi"], "3.0.3");
        let item = doc
            .pointer(&format!("{EVENTS_AT}/itemSchema"))
            .expect("kept");
        assert_eq!(item["type"], "object");
        assert_eq!(item["nullable"], true);
        assert_eq!(
            item["properties"]["kind"],
            json!({"type": "string", "enum": ["tick"]})
        );
        assert_eq!(
            item["properties"]["at"]["$ref"],
            "#/components/schemas/Instant"
        );
        assert_eq!(
            doc["components"]["schemas"]["Instant"],
            json!({"type": "string", "example": "now"})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn operations_without_a_30_method_are_skipped_with_a_warning() {
        let operation = json!({"responses": {"200": {"description": "d"}}});
        let mut document = events(json!({}));
        document["paths"]["/search"] = json!({
            "get": operation,
            "query": operation,
            "additionalOperations": {"LINK": operation},
        });
        let (doc, warnings) = normalized(document);
        assert_eq!(doc["paths"]["/search"], json!({"get": operation}));
        assert_warned(&warnings, "#/paths/~1search/query", "`query` operation");
        assert_warned(
            &warnings,
            "#/paths/~1search/additionalOperations/LINK",
            "`LINK` operation",
        );
    }

    #[test]
    fn querystring_parameters_are_skipped_with_a_warning() {
        let mut document = events(json!({}));
        document["components"]["parameters"] = json!({
            "Filter": {"name": "filter", "in": "querystring", "content": {}},
            "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        });
        document["paths"]["/ticks"]["get"]["parameters"] = json!([
            {"$ref": "#/components/parameters/Filter"},
            {"$ref": "#/components/parameters/Limit"},
            {"name": "q", "in": "querystring", "content": {}},
            {"name": "session", "in": "cookie", "style": "cookie", "schema": {"type": "string"}},
        ]);
        let (doc, warnings) = normalized(document);
        let parameters = &doc["paths"]["/ticks"]["get"]["parameters"];
        assert_eq!(
            parameters,
            &json!([
                {"$ref": "#/components/parameters/Limit"},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
            ])
        );
        assert!(doc["components"]["parameters"].get("Filter").is_none());
        assert_warned(&warnings, "#/components/parameters/Filter", "`querystring`");
        assert_warned(
            &warnings,
            "#/paths/~1ticks/get/parameters/2",
            "`querystring`",
        );
        assert_warned(
            &warnings,
            "#/paths/~1ticks/get/parameters/3/style",
            "`cookie` style",
        );
    }

    #[test]
    fn document_and_tag_additions_are_mapped_or_warned() {
        let mut document = events(json!({}));
        document["$self"] = json!("https://example.com/api/openapi.yaml");
        document["jsonSchemaDialect"] =
            json!("https://spec.openapis.org/oas/3.2/dialect/2025-09-17");
        document["tags"] = json!([
            {"name": "ticks", "summary": "Ticks"},
            {"name": "fast", "description": "Fast ticks", "summary": "Fast", "parent": "ticks", "kind": "nav"},
        ]);
        let (doc, warnings) = normalized(document);
        assert!(doc.get("$self").is_none());
        assert_eq!(
            doc["tags"],
            json!([
                {"name": "ticks", "description": "Ticks"},
                {"name": "fast", "description": "Fast ticks"},
            ])
        );
        assert_warned(&warnings, "#/$self", "`$self` is not read");
        assert_warned(&warnings, "#/tags/1/parent", "`parent`");
        assert_warned(&warnings, "#/tags/1/kind", "`kind`");
        assert!(
            !warnings.iter().any(|w| w.contains("jsonSchemaDialect")),
            "{warnings:?}"
        );
    }

    /// Reusable media types are copied where they are used (and their item
    /// schemas rewritten there); sequence encodings and default mappings
    /// are dropped with a warning; a response without a description gets
    /// its summary; an example's `dataValue` is its value.
    #[test]
    fn media_types_responses_and_examples() {
        let mut document = events(json!({"$ref": "#/components/mediaTypes/Ticks"}));
        document["components"]["mediaTypes"] = json!({"Ticks": {
            "itemSchema": {"$ref": "#/components/schemas/Tick", "description": "One tick"},
            "itemEncoding": {"contentType": "application/json"},
            "examples": {"one": {"dataValue": {"n": 1}}},
        }});
        document["components"]["responses"] = json!({"Gone": {"summary": "Gone for good"}});
        document["components"]["schemas"]["Shape"] = json!({
            "oneOf": [{"$ref": "#/components/schemas/Tick"}],
            "discriminator": {"propertyName": "kind", "defaultMapping": "Tick"},
        });
        let (doc, warnings) = normalized(document);
        let media_type = doc.pointer(EVENTS_AT).expect("copied");
        assert_eq!(
            media_type["itemSchema"],
            json!({"description": "One tick", "allOf": [{"$ref": "#/components/schemas/Tick"}]})
        );
        assert_eq!(media_type["examples"]["one"], json!({"value": {"n": 1}}));
        assert!(doc["components"].get("mediaTypes").is_none());
        assert_eq!(
            doc["components"]["responses"]["Gone"]["description"],
            "Gone for good"
        );
        assert_warned(
            &warnings,
            &format!("#{EVENTS_AT}/itemEncoding"),
            "`itemEncoding` is not read",
        );
        assert_warned(
            &warnings,
            "#/components/schemas/Shape/discriminator/defaultMapping",
            "`defaultMapping`",
        );
    }
}
