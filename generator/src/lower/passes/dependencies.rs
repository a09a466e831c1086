//! Which optional crates the generated code needs for the types it uses.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{CrateDependency, ExternalCrate, Model, ModelKind, Operation, Output, TypeRef};

/// Crates the generated code needs for the types it uses.
pub fn extra_dependencies(models: &[Model], operations: &[Operation]) -> Vec<ExternalCrate> {
    let model_types = models.iter().flat_map(Model::member_types);
    let all = model_types.chain(operations.iter().flat_map(Operation::types));
    let mut crates: BTreeSet<ExternalCrate> =
        all.flat_map(TypeRef::parts).filter_map(crate_for).collect();
    let paginated = models
        .iter()
        .any(|m| matches!(&m.kind, ModelKind::Struct(s) if s.page.is_some()));
    // Pages, server-sent events and binary bodies are read as streams.
    let streams = operations.iter().any(|op| {
        matches!(op.output, Output::Events(_))
            || op.events_beside.is_some()
            || op.has_byte_streams()
    });
    if paginated || streams {
        crates.insert(ExternalCrate::FuturesUtil);
    }
    crates.into_iter().collect()
}

/// The crate a type itself (not what it holds) needs.
fn crate_for(ty: &TypeRef) -> Option<ExternalCrate> {
    match ty {
        TypeRef::Uuid => Some(ExternalCrate::Uuid),
        TypeRef::DateTime | TypeRef::Date => Some(ExternalCrate::Chrono),
        TypeRef::Decimal => Some(ExternalCrate::RustDecimal),
        _ => None,
    }
}

/// Crates the overriding types in use need, one entry per crate with the
/// features all its types ask for; when two overrides name different
/// versions of a crate, the first one met is kept.
pub fn type_dependencies(models: &[Model], operations: &[Operation]) -> Vec<CrateDependency> {
    let model_types = models.iter().flat_map(Model::member_types);
    let all = model_types.chain(operations.iter().flat_map(Operation::types));
    let mut crates: BTreeMap<String, CrateDependency> = BTreeMap::new();
    for part in all.flat_map(TypeRef::parts) {
        let TypeRef::External(external) = part else {
            continue;
        };
        let Some(dependency) = &external.dependency else {
            continue;
        };
        let entry = crates
            .entry(dependency.name.clone())
            .or_insert_with(|| CrateDependency {
                features: Vec::new(),
                ..dependency.clone()
            });
        entry.features.extend(dependency.features.iter().cloned());
        entry.features.sort();
        entry.features.dedup();
    }
    crates.into_values().collect()
}
