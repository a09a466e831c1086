//! What the configuration changes in lowering: renamed types, the
//! operations kept, added derives and attributes, and the names type
//! overrides refer to. A name the configuration gives that
//! the spec does not have is an error at its line, not a silent no-op.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use crate::config::Config;
use crate::diagnostics::Result;
use crate::ir::{HttpMethod, Model};

/// `[rename.types]`, checked against the spec's component schemas.
pub fn type_renames(
    config: &Config,
    schemas: &IndexMap<String, ReferenceOr<Schema>>,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (schema, name) in &config.rename.types {
        if !schemas.contains_key(schema) {
            return Err(config.error_at(
                name,
                format!("[rename.types] names the schema `{schema}`, which the spec does not have"),
            ));
        }
        out.insert(schema.clone(), name.get_ref().clone());
    }
    Ok(out)
}

/// `[types.schemas]`: every schema it names is in the spec.
pub fn check_schema_overrides(
    config: &Config,
    schemas: &IndexMap<String, ReferenceOr<Schema>>,
) -> Result<()> {
    match config
        .types
        .schemas
        .iter()
        .find(|(schema, _)| !schemas.contains_key(*schema))
    {
        Some((schema, value)) => Err(config.error_at(
            value,
            format!("[types.schemas] names the schema `{schema}`, which the spec does not have"),
        )),
        None => Ok(()),
    }
}

/// `[types.formats]`: every format it names is the format of a schema the
/// generated code uses (`seen`).
pub fn check_format_overrides(config: &Config, seen: &BTreeSet<String>) -> Result<()> {
    match config
        .types
        .formats
        .iter()
        .find(|(format, _)| !seen.contains(*format))
    {
        Some((format, value)) => {
            let known: Vec<&str> = seen.iter().map(String::as_str).collect();
            Err(config.error_at(
                value,
                format!(
                    "[types.formats] names the format `{format}`, which no generated schema has (formats in the spec: {})",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ),
            ))
        }
        None => Ok(()),
    }
}

/// The operations the configuration keeps, by id, path and tags; a renamed
/// operation the spec does not have is an error.
pub fn kept_operations<'o>(
    config: &Config,
    found: Vec<(&'o String, HttpMethod, &'o openapiv3::Operation, String)>,
) -> Result<Vec<(&'o String, HttpMethod, &'o openapiv3::Operation, String)>> {
    for (id, name) in &config.rename.operations {
        if !found.iter().any(|(_, _, _, found_id)| found_id == id) {
            return Err(config.error_at(
                name,
                format!(
                    "[rename.operations] names the operation `{id}`, which the spec does not have"
                ),
            ));
        }
    }
    let filter = &config.operations;
    Ok(found
        .into_iter()
        .filter(|(path, _, operation, id)| {
            let tags = &operation.tags;
            (filter.include.is_empty() || filter.include.selects(id, path, tags))
                && !filter.exclude.selects(id, path, tags)
        })
        .collect())
}

/// `[derive]`: `all` on every model that can derive, and each type's own.
pub fn add_derives(config: &Config, models: &mut [Model]) -> Result<()> {
    for (type_name, derives) in &config.derive.types {
        if !models.iter().any(|m| m.name == *type_name) {
            let message =
                format!("[derive.types] names the type `{type_name}`, which is not generated");
            return Err(match derives.first() {
                Some(first) => config.error_at(first, message),
                None => config.error_in_file(message),
            });
        }
    }
    for model in models.iter_mut() {
        let own = config.derive.types.get(&model.name).into_iter().flatten();
        model.extra_derives = config
            .derive
            .all
            .iter()
            .chain(own)
            .map(|derive| derive.get_ref().clone())
            .collect();
    }
    Ok(())
}

/// `[attributes]`: `all` on every model, and each type's own.
pub fn add_attributes(config: &Config, models: &mut [Model]) -> Result<()> {
    for (type_name, attributes) in &config.attributes.types {
        if !models.iter().any(|m| m.name == *type_name) {
            let message =
                format!("[attributes.types] names the type `{type_name}`, which is not generated");
            return Err(match attributes.first() {
                Some(first) => config.error_at(first, message),
                None => config.error_in_file(message),
            });
        }
    }
    for model in models.iter_mut() {
        let own = config
            .attributes
            .types
            .get(&model.name)
            .into_iter()
            .flatten();
        model.extra_attributes = config
            .attributes
            .all
            .iter()
            .chain(own)
            .map(|attribute| attribute.get_ref().clone())
            .collect();
    }
    Ok(())
}
