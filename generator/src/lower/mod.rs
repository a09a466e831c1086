//! Stage 2, lower: the merged document becomes the API model (`ir::Api`).
//! Every decision — names, types, presence, errors, auth, servers — is made
//! here, once.

mod analysis;
mod bodies;
mod docs;
pub mod names;
mod operations;
mod schemas;
mod security;
mod servers;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Error, Result, Warning};
use crate::ir::Api;
use crate::load::{LoadedSpec, Sources};

/// Collects warnings, located through the spec's sources.
pub struct Context<'a> {
    sources: &'a Sources,
    warnings: Vec<Warning>,
}

impl Context<'_> {
    /// Records a warning at a JSON pointer into the merged document.
    pub fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: self.sources.locate(at),
            message: message.into(),
        });
    }

    /// An error at a JSON pointer into the merged document.
    pub fn error(&self, at: &str, message: impl Into<String>) -> Error {
        Error::new(self.sources.locate(at), message)
    }
}

/// Names the generated models module refers to unqualified (prelude types
/// and derives, and the runtime's `Base64` it re-exports); schemas with
/// these names get a suffix instead of shadowing them.
const RESERVED_TYPE_NAMES: [&str; 15] = [
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Debug",
    "Serialize",
    "Deserialize",
    "Base64",
];

/// Lowers a loaded spec into the API model.
pub fn lower(spec: &LoadedSpec) -> Result<Api> {
    let openapi = &spec.openapi;
    let mut cx = Context {
        sources: &spec.sources,
        warnings: spec.warnings.clone(),
    };
    let empty = IndexMap::new();
    let components = openapi.components.as_ref();
    let mut schemas = schemas::SchemaLowerer::new(
        components.map_or(&empty, |c| &c.schemas),
        &RESERVED_TYPE_NAMES,
    );
    schemas.lower_components(&mut cx);
    let servers = servers::lower_servers(&openapi.servers, "#/servers", &mut cx);
    let security_schemes = security::lower_schemes(openapi, &mut cx);
    let mut operations =
        operations::lower_operations(openapi, &mut schemas, &security_schemes, &servers, &mut cx)?;
    let mut models: Vec<_> = std::mem::take(&mut schemas.models).into_values().collect();
    analysis::settle_parameters(&models, &mut operations, &mut cx);
    analysis::decide_presence(&mut models, &schemas.field_facts, &operations);
    analysis::box_recursive_fields(&mut models);
    analysis::decide_default(&mut models);
    analysis::detect_pages(&mut models, &mut operations);
    analysis::mark_deprecated_uses(&models, &mut operations);
    let extra_dependencies = analysis::extra_dependencies(&models, &operations);
    let uses_files = bodies::uses_files(&models, &operations);
    let mut warnings = cx.warnings;
    warnings.sort();
    warnings.dedup();
    Ok(Api {
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        docs: docs::compose([
            Some(openapi.info.title.as_str()),
            openapi.info.description.as_deref(),
        ]),
        servers,
        security_schemes,
        models,
        operations,
        extra_dependencies,
        uses_files,
        warnings,
    })
}

/// Follows a `#/components/<kind>/<name>` reference (through chains of
/// references) to its item.
fn resolve_component<'s, T>(
    entries: Option<&'s IndexMap<String, ReferenceOr<T>>>,
    item: &'s ReferenceOr<T>,
    kind: &str,
    at: &str,
    cx: &Context,
) -> Result<&'s T> {
    let mut current = item;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{kind}/");
                let name = reference
                    .strip_prefix(&prefix)
                    .map(crate::load::pointer::unescape)
                    .ok_or_else(|| {
                        cx.error(
                            at,
                            format!("`$ref: {reference}` must point into components.{kind}"),
                        )
                    })?;
                current = entries.and_then(|e| e.get(&name)).ok_or_else(|| {
                    cx.error(at, format!("`$ref: {reference}` points at nothing"))
                })?;
            }
        }
    }
    Err(cx.error(at, "reference chain is too long or circular"))
}

/// The spec's components of one kind, if any.
fn components<'s, T>(
    openapi: &'s OpenAPI,
    pick: impl Fn(&'s openapiv3::Components) -> &'s IndexMap<String, ReferenceOr<T>>,
) -> Option<&'s IndexMap<String, ReferenceOr<T>>> {
    openapi.components.as_ref().map(pick)
}
