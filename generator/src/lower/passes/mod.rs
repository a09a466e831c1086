//! Passes over the whole model, after every schema and operation has been
//! lowered: each needs all models and operations at hand. One module per
//! pass, named for what it decides.

mod defaults;
mod dependencies;
mod deprecation;
mod features;
mod pagination;
mod parameter_encoding;
mod presence;
mod recursion;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, TypeRef};

pub use defaults::decide_default;
pub use dependencies::{extra_dependencies, type_dependencies};
pub use deprecation::mark_deprecated_uses;
pub use features::decide_features;
pub use pagination::detect_pages;
pub use parameter_encoding::settle_parameters;
pub use presence::decide_presence;
pub use recursion::box_recursive_fields;

/// Names of the models reachable from `roots`.
fn reachable<'t>(
    models: &[Model],
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    stack.extend(roots.into_iter().filter_map(named));
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(model) = by_name.get(name.as_str()) {
            stack.extend(model.member_types().into_iter().filter_map(named));
        }
    }
    seen
}

/// The model a type names, owned, for the walk above.
fn named(ty: &TypeRef) -> Option<String> {
    ty.named_model().map(str::to_owned)
}
