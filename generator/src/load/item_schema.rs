//! OpenAPI 3.2's `itemSchema`: the schema of each item of a sequential
//! media type (each event of `text/event-stream`, each line of JSON
//! Lines, …).
//!
//! Through load it is a keyword like `schema`: the 3.1 rewrite brings it to
//! the 3.0 shape, and references in it are resolved and checked like any
//! other. `openapiv3`'s 3.0 model has no place for it and drops unknown
//! keys, so just before the document is read into that model
//! [`keep_item_schemas`] moves it into an extension of the media type, and
//! [`item_schema`] is the one way later stages read it back.

use openapiv3::{MediaType, ReferenceOr, Schema};
use serde_json::{Map, Value};

use crate::diagnostics::{Error, Result};
use crate::load::pointer;
use crate::load::positions::each_keyword_object_at_mut;
use crate::load::Sources;

/// The keyword of a media type that holds the schema of one item.
pub const ITEM_SCHEMA: &str = "itemSchema";

/// The extension of a media type that carries its `itemSchema` through
/// `openapiv3`. Internal: a document that writes it has it removed.
const KEPT_AS: &str = "x-openapi-rust-gen-item-schema";

/// The `itemSchema` of a media type, if it has one.
///
/// [`keep_item_schemas`] checked that it reads as a schema, so `None` means
/// there is none.
pub fn item_schema(media_type: &MediaType) -> Option<ReferenceOr<Schema>> {
    let kept = media_type.extensions.get(KEPT_AS)?;
    serde_json::from_value(kept.clone()).ok()
}

/// Moves each media type's `itemSchema` into the extension [`item_schema`]
/// reads (removing one the document wrote itself), and checks that it reads
/// as a schema: an error names its place.
pub fn keep_item_schemas(document: &mut Value, sources: &Sources) -> Result<()> {
    let mut failure = None;
    each_keyword_object_at_mut(document, &mut Vec::new(), &mut |object, at| {
        let Some(Value::Object(content)) = object.get_mut("content") else {
            return;
        };
        for (media_type, entry) in content.iter_mut() {
            let Value::Object(entry) = entry else {
                continue;
            };
            if let Err(error) = keep_one(entry) {
                let mut place = at.to_vec();
                place.extend(["content".to_owned(), media_type.clone(), ITEM_SCHEMA.to_owned()]);
                let inner = super::pointer_of(error.path());
                let pointer = format!(
                    "{}{}",
                    pointer::from_segments(&place),
                    inner.trim_start_matches('#')
                );
                failure.get_or_insert_with(|| {
                    Error::new(
                        sources.locate(&pointer),
                        format!("not a valid OpenAPI 3.0 construct: {}", error.inner()),
                    )
                });
            }
        }
    });
    failure.map_or(Ok(()), Err)
}

/// [`keep_item_schemas`] for one media type object.
fn keep_one(
    media_type: &mut Map<String, Value>,
) -> std::result::Result<(), serde_path_to_error::Error<serde_json::Error>> {
    media_type.remove(KEPT_AS);
    let Some(schema) = media_type.remove(ITEM_SCHEMA) else {
        return Ok(());
    };
    serde_path_to_error::deserialize::<_, ReferenceOr<Schema>>(&schema)?;
    media_type.insert(KEPT_AS.to_owned(), schema);
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
        keep_item_schemas(&mut document, &Sources::default()).expect("valid");
        let at = "/paths/~1a/get/responses/200/content/text~1event-stream";
        let kept = media_type(document.pointer(at).cloned().expect("kept"));
        assert_eq!(
            item_schema(&kept),
            Some(ReferenceOr::ref_("#/components/schemas/Tick"))
        );
        assert!(document.pointer(&format!("{at}/itemSchema")).is_none());
    }

    #[test]
    fn a_written_extension_is_not_an_item_schema() {
        let mut document = json!({"content": {"text/event-stream": {
            "schema": {"type": "string"},
            "x-openapi-rust-gen-item-schema": {"type": "integer"},
        }}});
        keep_item_schemas(&mut document, &Sources::default()).expect("valid");
        let kept = media_type(document["content"]["text/event-stream"].clone());
        assert_eq!(item_schema(&kept), None);
    }

    #[test]
    fn an_invalid_item_schema_is_located() {
        let mut document = json!({"components": {"responses": {"Events": {
            "description": "d",
            "content": {"text/event-stream": {"itemSchema": {"type": "object", "properties": 3}}},
        }}}});
        let error = keep_item_schemas(&mut document, &Sources::default()).expect_err("invalid");
        let at = error.location.pointer.clone().unwrap_or_default();
        assert!(
            at.starts_with("#/components/responses/Events/content/text~1event-stream/itemSchema"),
            "{at}"
        );
    }
}
