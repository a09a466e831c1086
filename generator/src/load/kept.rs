//! Keywords of OpenAPI 3.1 and 3.2 that `openapiv3`'s 3.0 model has no
//! place for and later stages need: a media type's `itemSchema` (3.2: the
//! schema of each item of a sequential media type, such as each event of
//! `text/event-stream`) and a schema's `contentSchema` (the schema of the
//! JSON a string holds, such as an event's `data`).
//!
//! Through load they are keywords like `schema`: the 3.1 rewrite brings
//! them to the 3.0 shape, and references in them are resolved and checked
//! like any other. `openapiv3` drops unknown keys, so just before the
//! document is read into its model [`keep`] moves each into an extension
//! of its object, and [`item_schema`] and [`content_schema`] are the one
//! way later stages read them back.

use openapiv3::{MediaType, ReferenceOr, Schema};
use serde_json::{Map, Value};

use crate::diagnostics::Result;
use crate::load::positions::{each_keyword_object_at_mut, Order};
use crate::load::{typed, Sources};

/// The keyword of a media type that holds the schema of one item.
pub const ITEM_SCHEMA: &str = "itemSchema";

/// The keyword of a schema that holds the schema of its decoded content.
pub const CONTENT_SCHEMA: &str = "contentSchema";

/// The extensions that carry them through `openapiv3`. Internal: a
/// document that writes one has it removed.
const ITEM_SCHEMA_KEPT_AS: &str = "x-openapi-rust-gen-item-schema";
const CONTENT_SCHEMA_KEPT_AS: &str = "x-openapi-rust-gen-content-schema";

/// The `itemSchema` of a media type, if it has one. [`keep`] checked that
/// it reads as a schema.
pub fn item_schema(media_type: &MediaType) -> Option<ReferenceOr<Schema>> {
    let kept = media_type.extensions.get(ITEM_SCHEMA_KEPT_AS)?;
    typed::schema(kept.clone(), &[], &Sources::default()).ok()
}

/// The `contentSchema` of a schema, if it has one. [`keep`] checked that
/// it reads as a schema.
pub fn content_schema(schema: &Schema) -> Option<ReferenceOr<Schema>> {
    let kept = schema.schema_data.extensions.get(CONTENT_SCHEMA_KEPT_AS)?;
    typed::schema(kept.clone(), &[], &Sources::default()).ok()
}

/// Moves each media type's `itemSchema` and each schema's `contentSchema`
/// into the extension that carries it (removing one the document wrote
/// itself), and checks that it reads as a schema (in pieces, as the
/// document's schemas are: one nested deep would take exponential time
/// to refuse at once): an error names its place.
pub fn keep(document: &mut Value, sources: &Sources) -> Result<()> {
    let mut failure = Ok(());
    // Children first: a content schema inside an item schema is kept
    // before the item schema becomes an extension, which is not walked.
    each_keyword_object_at_mut(document, Order::ChildrenFirst, &mut |object, path| {
        if failure.is_err() {
            return;
        }
        if object.contains_key(CONTENT_SCHEMA) {
            let place = with(&path.segments(), [CONTENT_SCHEMA]);
            failure = keep_one(
                object,
                CONTENT_SCHEMA,
                CONTENT_SCHEMA_KEPT_AS,
                &place,
                sources,
            );
        } else {
            object.remove(CONTENT_SCHEMA_KEPT_AS);
        }
        let Some(Value::Object(content)) = object.get_mut("content") else {
            return;
        };
        for (media_type, entry) in content.iter_mut() {
            let Value::Object(entry) = entry else {
                continue;
            };
            if !entry.contains_key(ITEM_SCHEMA) {
                entry.remove(ITEM_SCHEMA_KEPT_AS);
            } else if failure.is_ok() {
                let place = with(
                    &path.segments(),
                    ["content", media_type.as_str(), ITEM_SCHEMA],
                );
                failure = keep_one(entry, ITEM_SCHEMA, ITEM_SCHEMA_KEPT_AS, &place, sources);
            }
        }
    });
    failure
}

fn with<const N: usize>(at: &[String], more: [&str; N]) -> Vec<String> {
    let mut place = at.to_vec();
    place.extend(more.iter().map(|s| (*s).to_owned()));
    place
}

/// Moves `keyword` of `object` (at `place`) into `extension`, once it
/// reads as a schema.
fn keep_one(
    object: &mut Map<String, Value>,
    keyword: &str,
    extension: &str,
    place: &[String],
    sources: &Sources,
) -> Result<()> {
    let Some(schema) = object.remove(keyword) else {
        return Ok(());
    };
    typed::schema(schema.clone(), place, sources)?;
    object.insert(extension.to_owned(), schema);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn media_type(value: Value) -> MediaType {
        serde_json::from_value(value).expect("a media type")
    }

    #[test]
    fn an_item_schema_survives_the_3_0_model() {
        let mut document = json!({"paths": {"/a": {"get": {"responses": {"200": {
            "description": "d",
            "content": {"text/event-stream": {
                "itemSchema": {"$ref": "#/components/schemas/Tick"},
                "x-openapi-rust-gen-item-schema": {"type": "string"},
            }},
        }}}}}});
        keep(&mut document, &Sources::default()).expect("valid");
        let at = "/paths/~1a/get/responses/200/content/text~1event-stream";
        let kept = media_type(document.pointer(at).cloned().expect("kept"));
        assert_eq!(
            item_schema(&kept),
            Some(ReferenceOr::ref_("#/components/schemas/Tick"))
        );
        assert!(document.pointer(&format!("{at}/itemSchema")).is_none());
    }

    /// The content schema of an event's data, inside an item schema, is
    /// kept too (before its item schema becomes an extension).
    #[test]
    fn a_content_schema_inside_an_item_schema_is_kept() {
        let mut document = json!({"content": {"text/event-stream": {"itemSchema": {
            "type": "object",
            "properties": {"data": {
                "type": "string",
                "contentSchema": {"$ref": "#/components/schemas/Tick"},
            }},
        }}}});
        keep(&mut document, &Sources::default()).expect("valid");
        let kept = media_type(document["content"]["text/event-stream"].clone());
        let Some(ReferenceOr::Item(item)) = item_schema(&kept) else {
            panic!("an item schema");
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &item.schema_kind else {
            panic!("an object");
        };
        let Some(ReferenceOr::Item(data)) = object.properties.get("data") else {
            panic!("a data property");
        };
        assert_eq!(
            content_schema(data),
            Some(ReferenceOr::ref_("#/components/schemas/Tick"))
        );
    }

    /// An item schema nested deep is read in pieces: refusing an invalid
    /// one at its bottom takes no exponential time, and the error points
    /// inside it; a valid one reads back whole.
    #[test]
    fn a_deep_item_schema_is_read_in_pieces() {
        let nested = |leaf: Value| {
            let mut schema = leaf;
            for _ in 0..40 {
                schema = json!({"type": "array", "items": schema});
            }
            json!({"content": {"text/event-stream": {"itemSchema": schema}}})
        };
        let started = std::time::Instant::now();
        let error = keep(&mut nested(json!(5)), &Sources::default()).expect_err("invalid");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let at = error.location.pointer.clone().unwrap_or_default();
        // The piece holding the bottom (levels 32 to 40) is refused whole.
        let bottom = format!(
            "#/content/text~1event-stream/itemSchema{}",
            "/items".repeat(32)
        );
        assert!(at.starts_with(&bottom), "{at}");
        let mut valid = nested(json!({"type": "string"}));
        keep(&mut valid, &Sources::default()).expect("valid");
        let kept = media_type(valid["content"]["text/event-stream"].clone());
        let mut schema = item_schema(&kept).expect("kept");
        for _ in 0..40 {
            let ReferenceOr::Item(Schema {
                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)),
                ..
            }) = schema
            else {
                panic!("an array");
            };
            schema = match array.items.expect("items") {
                ReferenceOr::Item(item) => ReferenceOr::Item(*item),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
            };
        }
        assert!(matches!(
            schema,
            ReferenceOr::Item(Schema {
                schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(_)),
                ..
            })
        ));
    }

    #[test]
    fn a_written_extension_is_not_an_item_schema() {
        let mut document = json!({"content": {"text/event-stream": {
            "schema": {"type": "string"},
            "x-openapi-rust-gen-item-schema": {"type": "integer"},
        }}});
        keep(&mut document, &Sources::default()).expect("valid");
        let kept = media_type(document["content"]["text/event-stream"].clone());
        assert_eq!(item_schema(&kept), None);
    }

    #[test]
    fn an_invalid_item_schema_is_located() {
        let mut document = json!({"components": {"responses": {"Events": {
            "description": "d",
            "content": {"text/event-stream": {"itemSchema": {"type": "object", "properties": 3}}},
        }}}});
        let error = keep(&mut document, &Sources::default()).expect_err("invalid");
        let at = error.location.pointer.clone().unwrap_or_default();
        assert!(
            at.starts_with("#/components/responses/Events/content/text~1event-stream/itemSchema"),
            "{at}"
        );
    }
}
