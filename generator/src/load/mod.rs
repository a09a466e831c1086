//! Stage 1, load: parse every document, resolve cross-file references, merge
//! them into one OpenAPI document and check it against the 3.0 data model.

mod merge;
mod normalize;
pub mod pointer;
mod read;
mod refs;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Error, Location, Result};
pub use merge::Sources;
pub use read::parse_document;

/// One or more documents merged into a single OpenAPI description.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The merged document.
    pub openapi: openapiv3::OpenAPI,
    /// Which file each path and component came from.
    pub sources: Sources,
}

/// Loads a spec: a single file, or a directory of documents to merge.
pub fn load(root: &Path) -> Result<LoadedSpec> {
    let mut documents = Vec::new();
    for file in read::spec_files(root)? {
        let file = refs::normalize(&file);
        let document = read::read_document(&file)?;
        check_version(&file, &document)?;
        documents.push((file, document));
    }
    load_documents(documents)
}

/// Merges already parsed documents (path, content), in the given order.
pub fn load_documents(documents: Vec<(PathBuf, Value)>) -> Result<LoadedSpec> {
    let paths: Vec<PathBuf> = documents.iter().map(|(p, _)| p.clone()).collect();
    let mut resolver = refs::Resolver::new(documents);
    let mut merger = merge::Merger::default();
    for path in &paths {
        let Some(mut document) = resolver.root_document(path) else {
            continue;
        };
        resolver.resolve(path, &mut document, &mut Vec::new())?;
        normalize::push_down_defaults(&mut document);
        merger.add_document(path, document)?;
    }
    resolver.resolve_pending_components()?;
    for ((kind, name), found) in std::mem::take(&mut resolver.components) {
        for component in found {
            merger.add_component(&kind, &name, component)?;
        }
    }
    let (merged, sources) = merger.finish();
    let openapi = serde_path_to_error::deserialize(&merged).map_err(|e| {
        let at = pointer_of(e.path());
        Error::new(
            sources.locate(&at),
            format!("not a valid OpenAPI 3.0 construct: {}", e.inner()),
        )
    })?;
    Ok(LoadedSpec { openapi, sources })
}

fn check_version(file: &Path, document: &Value) -> Result<()> {
    let here = || Location::at(file, "#/openapi");
    match document.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) if v.starts_with("3.1") => Err(Error::new(
            here(),
            format!("OpenAPI {v} documents are not supported yet; only 3.0.x"),
        )),
        Some(v) => Err(Error::new(
            here(),
            format!("unsupported OpenAPI version `{v}`; expected 3.0.x"),
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
