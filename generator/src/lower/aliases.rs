//! Following aliases: a model that is another name for a type.

use crate::ir::{ModelKind, TypeRef};

/// The type an alias chain starting at `ty` ends in (`ty` itself when it
/// names no alias); `kind_of` finds a model by name.
pub fn alias_target<'m>(ty: &TypeRef, kind_of: impl Fn(&str) -> Option<&'m ModelKind>) -> TypeRef {
    let mut current = ty.clone();
    // Alias chains are short; the bound only guards against a cycle.
    for _ in 0..16 {
        let TypeRef::Named(name) = &current else {
            break;
        };
        match kind_of(name) {
            Some(ModelKind::Alias(target)) => current = target.clone(),
            _ => break,
        }
    }
    current
}
