//! Which structs derive `Default`.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, ModelKind, Presence, TypeRef};

/// Constructible structs derive `Default` when every required field has
/// one; decided to a fixed point because structs contain one another.
/// Structs only received never do: a required field added to a response
/// would take the impl away, which breaks users' code.
pub fn decide_default(models: &mut [Model]) {
    // A least fixed point by worklist: a model becomes defaultable once every
    // model its required values need is, so long reference chains stay
    // linear and cycles of required values never qualify.
    let mut pending: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ready: Vec<&str> = Vec::new();
    for model in models.iter() {
        let Some(needs) = default_needs(model) else {
            continue;
        };
        if needs.is_empty() {
            ready.push(&model.name);
        }
        for need in &needs {
            dependents.entry(need).or_default().push(&model.name);
        }
        pending.insert(&model.name, needs.len());
    }
    let mut defaultable: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = ready.pop() {
        if !defaultable.insert(name) {
            continue;
        }
        for dependent in dependents.get(name).into_iter().flatten() {
            if let Some(count) = pending.get_mut(dependent) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    ready.push(dependent);
                }
            }
        }
    }
    let defaultable: BTreeSet<String> = defaultable.into_iter().map(str::to_owned).collect();
    for model in models.iter_mut() {
        if let ModelKind::Struct(object) = &mut model.kind {
            object.derive_default = defaultable.contains(&model.name);
        }
    }
}

/// The models a model's default depends on, or `None` when it can never
/// have one (enums, unions, structs that are not constructible, or a
/// required value of a type without one).
fn default_needs(model: &Model) -> Option<BTreeSet<&str>> {
    let required: Vec<&TypeRef> = match &model.kind {
        ModelKind::Struct(object) if !object.constructible => return None,
        ModelKind::Struct(object) => object
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .map(|f| &f.ty)
            .collect(),
        ModelKind::Alias(ty) => vec![ty],
        ModelKind::Enum(_) | ModelKind::Union(_) => return None,
    };
    let mut needs = BTreeSet::new();
    for ty in required {
        match default_dependency(ty) {
            DefaultDependency::Always => {}
            DefaultDependency::Never => return None,
            DefaultDependency::Model(name) => {
                needs.insert(name);
            }
        }
    }
    Some(needs)
}

enum DefaultDependency<'t> {
    Always,
    Never,
    Model(&'t str),
}

fn default_dependency(ty: &TypeRef) -> DefaultDependency<'_> {
    match ty {
        TypeRef::Named(name) => DefaultDependency::Model(name),
        TypeRef::Boxed(inner) => default_dependency(inner),
        TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::IpAddr
        | TypeRef::Ipv4Addr
        | TypeRef::Ipv6Addr
        | TypeRef::External(_) => DefaultDependency::Never,
        _ => DefaultDependency::Always,
    }
}
