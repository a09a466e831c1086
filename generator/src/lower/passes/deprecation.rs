//! Which operations name a deprecated model: their generated items allow
//! the deprecation lint for themselves.

use std::collections::BTreeSet;

use crate::ir::{Model, Operation, TypeRef};

/// Flags operations whose requests or responses name a deprecated model.
pub fn mark_deprecated_uses(models: &[Model], operations: &mut [Operation]) {
    let deprecated: BTreeSet<&str> = models
        .iter()
        .filter(|m| m.deprecated)
        .map(|m| m.name.as_str())
        .collect();
    if deprecated.is_empty() {
        return;
    }
    for operation in operations.iter_mut() {
        let mentions = operation
            .types()
            .filter_map(TypeRef::named_model)
            .any(|name| deprecated.contains(name));
        operation.mentions_deprecated = mentions;
    }
}
