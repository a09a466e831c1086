//! Where a type contains itself by value, which Rust cannot size: those
//! fields and variants are boxed.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, ModelKind, TypeRef};

/// Types a value of this type holds inline (not behind a `Vec`, map or box).
fn inline_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Boxes struct fields and union variants through which a type contains
/// itself by value, which Rust cannot size.
pub fn box_recursive_fields(models: &mut [Model]) {
    let edges: BTreeMap<String, Vec<String>> = models
        .iter()
        .map(|m| {
            let targets = m
                .member_types()
                .into_iter()
                .filter_map(inline_named)
                .map(str::to_owned)
                .collect();
            (m.name.clone(), targets)
        })
        .collect();
    // A model contains `target` inside a cycle exactly when both are in
    // one strongly connected component of the containment graph; computing
    // the components once keeps long reference chains linear.
    let component = strongly_connected_components(&edges);
    for model in models.iter_mut() {
        let own = component.get(model.name.as_str()).copied();
        let cyclic = |ty: &TypeRef| {
            inline_named(ty)
                .is_some_and(|target| own.is_some() && component.get(target).copied() == own)
        };
        match &mut model.kind {
            ModelKind::Struct(object) => {
                for field in &mut object.fields {
                    if cyclic(&field.ty) {
                        field.ty = TypeRef::Boxed(Box::new(field.ty.clone()));
                    }
                }
            }
            ModelKind::Union(union) => {
                for variant in &mut union.variants {
                    if cyclic(&variant.ty) {
                        variant.ty = TypeRef::Boxed(Box::new(variant.ty.clone()));
                    }
                }
            }
            ModelKind::Alias(ty) if cyclic(ty) => {
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
            _ => {}
        }
    }
}

/// The strongly connected component of every node (Kosaraju's algorithm,
/// iterative so that deep graphs cannot overflow the stack).
fn strongly_connected_components(edges: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    let mut finished: Vec<&str> = Vec::with_capacity(edges.len());
    let mut visited: BTreeSet<&str> = BTreeSet::new();
    for start in edges.keys() {
        if !visited.insert(start.as_str()) {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some((node, next)) = stack.pop() {
            let targets = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            match targets.get(next) {
                Some(target) => {
                    stack.push((node, next + 1));
                    if edges.contains_key(target) && visited.insert(target.as_str()) {
                        stack.push((target.as_str(), 0));
                    }
                }
                None => finished.push(node),
            }
        }
    }
    let mut reversed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, targets) in edges {
        for target in targets.iter().filter(|t| edges.contains_key(*t)) {
            reversed
                .entry(target.as_str())
                .or_default()
                .push(from.as_str());
        }
    }
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, root) in finished.iter().rev().enumerate() {
        if component.contains_key(root) {
            continue;
        }
        let mut stack = vec![*root];
        component.insert(root, index);
        while let Some(node) = stack.pop() {
            for source in reversed.get(node).into_iter().flatten() {
                if !component.contains_key(source) {
                    component.insert(source, index);
                    stack.push(source);
                }
            }
        }
    }
    component
}
