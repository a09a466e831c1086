//! Stage 1, load: parse every document, resolve cross-file references, merge
//! them into one OpenAPI document and check it against the 3.0 data model.

pub mod kept;
mod merge;
mod normalize;
mod openapi31;
mod openapi32;
pub mod pointer;
mod positions;
mod read;
mod refs;
mod typed;
pub mod webhooks;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Error, Location, Result, Warning};
pub use merge::Sources;
use positions::Position;
pub use read::parse_document;
pub use yaml::line_of_pointer;

/// Deepest nesting of arrays and objects (YAML sequences and mappings) a
/// document may have; a deeper one is a located error. An object schema
/// takes two levels (the schema and its `properties`), so this admits
/// schemas nested 10,000 deep and more; [`crate::PIPELINE_STACK`] is sized
/// for the recursion of every stage at this depth.
pub const MAX_DEPTH: usize = 100_000;

/// One or more documents merged into a single OpenAPI description.
///
/// The description nests as deep as its documents do; it drops itself on
/// a thread with a [`crate::PIPELINE_STACK`]-byte stack, so holding one on
/// any thread is safe.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The merged document.
    pub openapi: openapiv3::OpenAPI,
    /// Which file each path and component came from.
    pub sources: Sources,
    /// Constructs the loader could only approximate (from OpenAPI 3.1).
    pub warnings: Vec<Warning>,
    /// The webhooks (3.1 `webhooks`, 3.0 `x-webhooks`), by name.
    pub webhooks: webhooks::Webhooks,
}

impl Drop for LoadedSpec {
    fn drop(&mut self) {
        crate::drop_on_pipeline_stack((
            std::mem::take(&mut self.openapi),
            std::mem::take(&mut self.webhooks),
        ));
    }
}

/// Loads a spec: a single file, or a directory of documents to merge.
/// Runs on a thread with a [`crate::PIPELINE_STACK`]-byte stack (in place
/// when already on one), so a document of any depth is safe to load from
/// any thread; a panic comes back as an error of kind
/// [`crate::ErrorKind::Bug`].
pub fn load(root: &Path) -> Result<LoadedSpec> {
    crate::run_on_pipeline_stack(Location::file(root), || load_on_this_stack(root))
}

/// Loads one document held in memory, as if read from `path` (whose
/// extension picks JSON or YAML); safe from any thread, like [`load`].
pub fn load_text(path: &Path, text: &str) -> Result<LoadedSpec> {
    crate::run_on_pipeline_stack(Location::file(path), || {
        let mut document = parse_document(path, text)?;
        let warnings = check_document(path, &mut document)?;
        let mut loaded = load_documents(vec![(path.to_path_buf(), document)])?;
        loaded.warnings.extend(warnings);
        Ok(loaded)
    })
}

/// [`load`], recursing on the calling thread's stack.
fn load_on_this_stack(root: &Path) -> Result<LoadedSpec> {
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    for file in read::spec_files(root)? {
        let file = refs::normalize(&file);
        let mut document = read::read_document(&file)?;
        warnings.extend(check_document(&file, &mut document)?);
        documents.push((file, document));
    }
    let mut loaded = load_documents(documents)?;
    loaded.warnings.extend(warnings);
    Ok(loaded)
}

/// Brings an OpenAPI 3.2 or 3.1 document down to 3.0 (with warnings for
/// what is approximated), then checks it is a 3.0 document.
fn check_document(file: &Path, document: &mut Value) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    if openapi32::is_openapi32(document) {
        warnings = openapi32::normalize(file, document);
    } else if openapi31::is_openapi31(document) {
        warnings = openapi31::normalize(file, document);
    }
    check_version(file, document)?;
    webhooks::adopt_extension(document);
    Ok(warnings)
}

/// Merges already parsed documents (path, content), in the given order,
/// recursing on the calling thread's stack.
pub(crate) fn load_documents(documents: Vec<(PathBuf, Value)>) -> Result<LoadedSpec> {
    let paths: Vec<PathBuf> = documents.iter().map(|(p, _)| p.clone()).collect();
    let mut resolver = refs::Resolver::new(documents);
    let mut merger = merge::Merger::default();
    for path in &paths {
        let Some(mut document) = resolver.root_document(path) else {
            continue;
        };
        resolver.resolve(path, &mut document, &mut Vec::new())?;
        normalize::push_down_defaults(&mut document);
        normalize::make_compositions_explicit(&mut document);
        merger.add_document(path, document)?;
    }
    resolver.resolve_pending_components()?;
    for ((kind, name), found) in std::mem::take(&mut resolver.components) {
        for mut component in found {
            normalize::make_compositions_explicit(&mut component.value);
            merger.add_component(&kind, &name, component)?;
        }
    }
    let (merged, sources) = merger.finish();
    let mut merged = merged;
    check_references(&merged, &sources)?;
    kept::keep(&mut merged, &sources)?;
    let (openapi, webhooks) = typed::openapi(merged, &sources)?;
    Ok(LoadedSpec {
        openapi,
        sources,
        warnings: Vec::new(),
        webhooks,
    })
}

/// Every reference left after resolution is local; each must point at
/// something, or later stages would have nothing to follow.
fn check_references(root: &Value, sources: &Sources) -> Result<()> {
    check_references_at(root, root, &mut Vec::new(), Position::Keywords, sources)
}

fn check_references_at(
    root: &Value,
    value: &Value,
    at: &mut Vec<String>,
    position: Position,
    sources: &Sources,
) -> Result<()> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = positions::reference_of(map, position) {
                let target = pointer::segments(reference)
                    .and_then(|s| pointer::resolve(root, &s).map(|_| ()));
                if target.is_none() {
                    return Err(Error::new(
                        sources.locate(&pointer::from_segments(at)),
                        format!("dangling reference: `$ref: {reference}` points at nothing"),
                    ));
                }
                return Ok(());
            }
            for (key, item) in map {
                let item_position = position.of_child(key, item);
                if item_position == Position::Data {
                    continue;
                }
                at.push(key.clone());
                check_references_at(root, item, at, item_position, sources)?;
                at.pop();
            }
        }
        Value::Array(items) if position != Position::Data => {
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                check_references_at(root, item, at, position.of_element(), sources)?;
                at.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_version(file: &Path, document: &Value) -> Result<()> {
    let here = || Location::at(file, "#/openapi");
    match document.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) => Err(Error::new(
            here(),
            format!("unsupported OpenAPI version `{v}`; expected 3.0.x, 3.1.x or 3.2.x"),
        )),
        None if document.get("swagger").is_some() => Err(Error::new(
            Location::at(file, "#/swagger"),
            "Swagger 2.0 documents are not supported; convert to OpenAPI 3.0 first",
        )),
        None => Err(Error::new(
            here(),
            "missing the `openapi` version field; is this an OpenAPI document?",
        )),
    }
}

/// The first path item or schema that does not deserialize, with its
/// pointer and the reason.
fn failing_entry(merged: &Value) -> Option<(String, String)> {
    fn first_failure<T: serde::de::DeserializeOwned>(
        entries: Option<&serde_json::Map<String, Value>>,
        prefix: &[&str],
    ) -> Option<(String, String)> {
        entries?.iter().find_map(|(name, value)| {
            let error = serde_path_to_error::deserialize::<_, T>(value).err()?;
            let mut segments: Vec<String> = prefix.iter().map(|s| (*s).to_owned()).collect();
            segments.push(name.clone());
            let inner = pointer_of(error.path());
            let at = format!(
                "{}{}",
                pointer::from_segments(&segments),
                inner.trim_start_matches('#')
            );
            Some((at, error.inner().to_string()))
        })
    }
    let paths = merged.get("paths").and_then(Value::as_object);
    let schemas = merged
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    first_failure::<openapiv3::PathItem>(paths, &["paths"]).or_else(|| {
        first_failure::<openapiv3::ReferenceOr<openapiv3::Schema>>(
            schemas,
            &["components", "schemas"],
        )
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segments: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    pointer::from_segments(&segments)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sse_document(item_schema: Value) -> Value {
        json!({
            "openapi": "3.2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/ticks": {"get": {"responses": {"200": {
                "description": "ticks",
                "content": {"text/event-stream": {
                    "schema": {"type": "string"},
                    "itemSchema": item_schema,
                }},
            }}}}},
        })
    }

    fn loaded_item_schema(
        loaded: &LoadedSpec,
    ) -> Option<openapiv3::ReferenceOr<openapiv3::Schema>> {
        let openapiv3::ReferenceOr::Item(item) = &loaded.openapi.paths.paths["/ticks"] else {
            panic!("a path item");
        };
        let operation = item.get.as_ref().expect("get");
        let openapiv3::ReferenceOr::Item(response) =
            &operation.responses.responses[&openapiv3::StatusCode::Code(200)]
        else {
            panic!("a response");
        };
        kept::item_schema(&response.content["text/event-stream"])
    }

    /// An item schema's reference into another file is resolved like any
    /// other: the component comes along, and the reference points at it.
    #[test]
    fn an_item_schema_reference_into_another_file_is_resolved() {
        let main = sse_document(json!({"$ref": "events.yaml#/components/schemas/Tick"}));
        let events = json!({
            "openapi": "3.2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Tick": {"type": ["object", "null"]}}},
        });
        let mut documents = Vec::new();
        for (name, mut document) in [("main.yaml", main), ("events.yaml", events)] {
            let path = PathBuf::from(name);
            check_document(&path, &mut document).expect("a 3.2 document");
            documents.push((path, document));
        }
        let loaded = load_documents(documents).expect("loads");
        assert_eq!(
            loaded_item_schema(&loaded),
            Some(openapiv3::ReferenceOr::ref_("#/components/schemas/Tick"))
        );
        let schemas = &loaded
            .openapi
            .components
            .as_ref()
            .expect("components")
            .schemas;
        let openapiv3::ReferenceOr::Item(tick) = &schemas["Tick"] else {
            panic!("Tick is a schema");
        };
        assert!(tick.schema_data.nullable, "rewritten from 3.1: {tick:?}");
    }

    #[test]
    fn a_dangling_reference_in_an_item_schema_is_located() {
        let document = sse_document(json!({"$ref": "#/components/schemas/Missing"}));
        let text = serde_json::to_string(&document).expect("JSON");
        let error = load_text(Path::new("api.json"), &text).expect_err("dangling");
        assert!(error.message.contains("dangling reference"), "{error}");
        assert_eq!(
            error.location.pointer.as_deref(),
            Some("#/paths/~1ticks/get/responses/200/content/text~1event-stream/itemSchema")
        );
    }

    /// A 3.0 or 3.1 document loads as before; other versions are refused.
    #[test]
    fn versions_read_are_30_31_and_32() {
        for version in ["3.0.3", "3.1.0", "3.2.0"] {
            let mut document = sse_document(json!({"type": "string"}));
            document["openapi"] = json!(version);
            check_document(Path::new("api.yaml"), &mut document).expect(version);
        }
        let mut document = sse_document(json!({"type": "string"}));
        document["openapi"] = json!("4.0.0");
        let error = check_document(Path::new("api.yaml"), &mut document).expect_err("4.0");
        assert!(error.message.contains("3.2.x"), "{error}");
    }

    /// Data that looks like references and compositions comes out of the
    /// loader as it went in, and the schema beside it is still resolved.
    #[test]
    fn data_is_loaded_verbatim() {
        let data = json!({
            "type": "object",
            "allOf": [{"$ref": "https://example.com/elsewhere"}],
            "properties": {"a": {"$ref": "#/nowhere"}},
        });
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "T": {"type": "string"},
                "S": {
                    "type": "object",
                    "properties": {"example": {"$ref": "#/components/schemas/T"}},
                    "example": data,
                    "default": data,
                    "x-data": data,
                },
            }},
        });
        let loaded = load_documents(vec![(PathBuf::from("spec.yaml"), document)])
            .expect("data is not followed");
        let schemas = &loaded
            .openapi
            .components
            .as_ref()
            .expect("components")
            .schemas;
        let openapiv3::ReferenceOr::Item(schema) = &schemas["S"] else {
            panic!("S is a schema");
        };
        assert_eq!(schema.schema_data.example.as_ref(), Some(&data));
        assert_eq!(schema.schema_data.default.as_ref(), Some(&data));
        assert_eq!(schema.schema_data.extensions.get("x-data"), Some(&data));
    }
}
