//! Stage 2, lower: the merged document becomes the API model (`ir::Api`).
//! Every decision — names, types, presence, errors, auth, servers — is made
//! here, once.

mod aliases;
mod bodies;
mod configured;
mod passes;

pub use bodies::essence as media_type_essence;
mod docs;
mod events;
pub mod names;
mod operations;
mod parameter_names;
pub mod reserved;
pub(crate) mod schemas;
mod security;
mod servers;
mod webhooks;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};

use crate::config::Config;
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

/// Lowers a loaded spec into the API model. Runs on a thread with a
/// [`crate::PIPELINE_STACK`]-byte stack (in place when already on one), so
/// it is safe from any thread; a panic comes back as an error of kind
/// [`crate::ErrorKind::Bug`]. The model is shallow (types nest at most a
/// few dozen levels), so it can be kept and dropped anywhere.
pub fn lower(spec: &LoadedSpec) -> Result<Api> {
    lower_with(spec, &Config::default())
}

/// [`lower`] with a configuration: which operations, renames, derives.
pub fn lower_with(spec: &LoadedSpec, config: &Config) -> Result<Api> {
    crate::run_on_pipeline_stack(spec.sources.locate("#"), || {
        lower_on_this_stack(spec, config)
    })
}

/// Extension of `info` that makes lowering panic, in debug builds only: the
/// tests' one way to see that a generator panic is reported as a bug. A
/// document-level switch, unlike a global hook or an environment variable,
/// touches only the run that reads it (tests run in parallel threads) and
/// also reaches the generator inside another process (`cargo xtask`). No
/// real document has this key, and release builds ignore it.
#[doc(hidden)]
pub const FAULT_INJECTION_EXTENSION: &str = "x-openapi-rust-gen-inject-panic";

fn inject_fault_if_asked(openapi: &OpenAPI) {
    if cfg!(debug_assertions)
        && openapi
            .info
            .extensions
            .contains_key(FAULT_INJECTION_EXTENSION)
    {
        panic!("fault injected by `{FAULT_INJECTION_EXTENSION}`");
    }
}

/// [`lower`], recursing on the calling thread's stack.
fn lower_on_this_stack(spec: &LoadedSpec, config: &Config) -> Result<Api> {
    let openapi = &spec.openapi;
    inject_fault_if_asked(openapi);
    let mut cx = Context {
        sources: &spec.sources,
        warnings: spec.warnings.clone(),
    };
    let empty = IndexMap::new();
    let components = openapi.components.as_ref();
    let component_schemas = components.map_or(&empty, |c| &c.schemas);
    let type_renames = configured::type_renames(config, component_schemas)?;
    configured::check_schema_overrides(config, component_schemas)?;
    let mut schemas = schemas::SchemaLowerer::new(
        component_schemas,
        &RESERVED_TYPE_NAMES,
        &type_renames,
        schemas::TypeOverrides::from_config(config),
    );
    schemas.lower_components(&mut cx);
    let servers = servers::lower_servers(&openapi.servers, "#/servers", &mut cx);
    let security_schemes = security::lower_schemes(openapi, &mut cx);
    let mut operations = operations::lower_operations(
        openapi,
        &mut schemas,
        &security_schemes,
        &servers,
        config,
        &mut cx,
    )?;
    let webhooks = webhooks::lower_webhooks(openapi, &spec.webhooks, &mut schemas, &mut cx)?;
    configured::check_format_overrides(config, &schemas.overrides.seen_formats)?;
    let mut models: Vec<_> = std::mem::take(&mut schemas.models).into_values().collect();
    passes::settle_parameters(&models, &mut operations, &mut cx);
    let webhook_payloads: Vec<_> = webhooks
        .iter()
        .flat_map(|w| &w.events)
        .map(|e| &e.ty)
        .collect();
    passes::decide_presence(
        &mut models,
        &schemas.field_facts,
        &operations,
        &webhook_payloads,
    );
    passes::box_recursive_fields(&mut models);
    passes::decide_default(&mut models);
    passes::detect_pages(&mut models, &mut operations);
    passes::mark_deprecated_uses(&models, &mut operations);
    configured::add_derives(config, &mut models)?;
    configured::add_attributes(config, &mut models)?;
    let extra_dependencies = passes::extra_dependencies(&models, &operations);
    let type_dependencies = passes::type_dependencies(&models, &operations);
    let features = passes::decide_features(&models, &operations, &webhook_payloads);
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
        webhooks,
        extra_dependencies,
        type_dependencies,
        features,
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
