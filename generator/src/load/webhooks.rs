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
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;

    fn document(webhooks: Value, signature: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "x-webhook-signature": signature,
            "x-webhooks": webhooks,
        })
    }

    fn load(documents: Vec<Value>) -> crate::diagnostics::Result<crate::load::LoadedSpec> {
        let named = documents
            .into_iter()
            .enumerate()
            .map(|(index, mut document)| {
                adopt_extension(&mut document);
                (PathBuf::from(format!("{index}.yaml")), document)
            })
            .collect();
        crate::load::load_documents(named)
    }

    #[test]
    fn webhooks_of_several_documents_merge_and_conflicts_name_both_files() {
        let a = json!({"post": {"summary": "a", "responses": {}}});
        let b = json!({"post": {"summary": "b", "responses": {}}});
        let scheme = json!({"digestEncoding": "hex"});
        let merged = load(vec![
            document(json!({"a": a}), scheme.clone()),
            document(json!({"b": b, "a": a}), scheme.clone()),
        ])
        .expect("the same webhook twice, identically, merges");
        assert_eq!(merged.webhooks.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            merged.openapi.extensions.get("x-webhook-signature"),
            Some(&scheme)
        );

        let error = load(vec![
            document(json!({"a": a}), scheme.clone()),
            document(json!({"a": b}), scheme.clone()),
        ])
        .expect_err("one name, two definitions");
        assert_eq!(error.location.pointer.as_deref(), Some("#/webhooks/a"));
        assert!(error.to_string().contains("0.yaml"), "{error}");

        let error = load(vec![
            document(json!({"a": a}), scheme),
            document(json!({"b": b}), json!({"digestEncoding": "base64"})),
        ])
        .expect_err("two schemes");
        assert_eq!(
            error.location.pointer.as_deref(),
            Some("#/x-webhook-signature")
        );
    }

    /// A payload nested deeper than the loader reads in one piece comes
    /// out as a whole reading gives it.
    #[test]
    fn deep_payloads_are_read_in_pieces() {
        let mut schema = json!({"type": "string"});
        for _ in 0..40 {
            schema = json!({"type": "object", "properties": {"inner": schema}});
        }
        let body = json!({"content": {"application/json": {"schema": schema}}});
        let webhooks = json!({"deep": {"post": {"requestBody": body, "responses": {}}}});
        let loaded = load(vec![document(webhooks.clone(), json!({}))]).expect("loads");
        let whole: Webhooks = serde_json::from_value(webhooks).expect("a map of path items");
        assert_eq!(loaded.webhooks, whole);
    }

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
