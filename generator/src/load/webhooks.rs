//! Webhooks: the requests an API sends to its users' servers. OpenAPI 3.1
//! lists them under `webhooks`; 3.0 documents use the `x-webhooks`
//! extension for the same map of path items. Both are loaded as
//! `webhooks`, so references inside them are resolved and merged like
//! those of `paths`.

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;

use crate::diagnostics::{Error, Result};
use crate::load::{pointer, Sources};

/// The extension 3.0 documents list webhooks under.
pub const EXTENSION: &str = "x-webhooks";

/// The webhooks of the merged document, by name, in the order merged.
pub type Webhooks = IndexMap<String, ReferenceOr<PathItem>>;

/// Moves a 3.0 document's `x-webhooks` to `webhooks`, where the loader
/// resolves references (an extension is data, which it leaves alone).
/// Entries `webhooks` already has are kept.
pub fn adopt_extension(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let Some(Value::Object(extension)) = root.remove(EXTENSION) else {
        return;
    };
    let webhooks = root
        .entry("webhooks")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Value::Object(webhooks) = webhooks {
        for (name, item) in extension {
            webhooks.entry(name).or_insert(item);
        }
    }
}

/// Reads the merged document's webhooks (taken out of it) into openapiv3's
/// path items; an invalid one is an error at its place.
pub fn typed(webhooks: Option<&Value>, sources: &Sources) -> Result<Webhooks> {
    let Some(webhooks) = webhooks else {
        return Ok(Webhooks::new());
    };
    serde_path_to_error::deserialize(webhooks).map_err(|e| {
        let inner = super::pointer_of(e.path());
        let at = format!(
            "{}{}",
            pointer::from_segments(&["webhooks"]),
            inner.trim_start_matches('#')
        );
        Error::new(
            sources.locate(&at),
            format!("not a valid OpenAPI 3.0 construct: {}", e.inner()),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_extension_becomes_webhooks_and_keeps_existing_entries() {
        let mut document = json!({
            "webhooks": {"a": {"summary": "kept"}},
            "x-webhooks": {"a": {"summary": "dropped"}, "b": {}},
        });
        adopt_extension(&mut document);
        assert_eq!(
            document,
            json!({"webhooks": {"a": {"summary": "kept"}, "b": {}}})
        );
    }
}
