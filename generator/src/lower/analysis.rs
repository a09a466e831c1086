//! Whole-model passes that need every model and operation at hand: how
//! absent and null fields are represented, which structs are built by users
//! (sent in requests), where recursion needs a `Box`, which structs can
//! derive `Default`, and which crates the code needs.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    ExternalCrate, HttpMethod, Model, ModelKind, Operation, Output, PageShape, ParameterEncoding,
    ParameterLocation, Presence, Struct, TypeRef,
};
use crate::lower::schemas::FieldFacts;
use crate::lower::Context;

/// Sets each field's presence from the spec's facts and from whether the
/// model is sent in requests, received in responses, or both; structs that
/// are sent become constructible.
pub fn decide_presence(
    models: &mut [Model],
    facts: &BTreeMap<(String, usize), FieldFacts>,
    operations: &[Operation],
) {
    let sent = reachable(models, operations.iter().flat_map(request_types));
    let received = reachable(models, operations.iter().flat_map(response_types));
    for model in models.iter_mut() {
        let ModelKind::Struct(object) = &mut model.kind else {
            continue;
        };
        let is_sent = sent.contains(&model.name);
        let is_received = received.contains(&model.name);
        object.constructible = is_sent;
        object.received = is_received;
        for (index, field) in object.fields.iter_mut().enumerate() {
            let facts = facts
                .get(&(model.name.clone(), index))
                .copied()
                .unwrap_or_default();
            field.presence = presence(facts, is_sent, is_received);
        }
    }
}

fn presence(facts: FieldFacts, is_sent: bool, is_received: bool) -> Presence {
    // A read-only field is never sent and a write-only one never received,
    // so neither can be required on the side that lacks it; one with a
    // default need not be sent, as the server fills it in.
    let required = facts.required
        && !(facts.read_only && is_sent)
        && !(facts.write_only && is_received)
        && !(facts.has_default && is_sent);
    match (required, facts.nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, true) if is_sent => Presence::OptionalNullable,
        (false, _) => Presence::Optional,
    }
}

fn request_types(operation: &Operation) -> Vec<&TypeRef> {
    let mut types: Vec<&TypeRef> = operation.parameters.iter().map(|p| &p.ty).collect();
    types.extend(operation.body.as_ref().map(|b| &b.ty));
    types
}

fn response_types(operation: &Operation) -> Vec<&TypeRef> {
    let mut types: Vec<&TypeRef> = operation
        .errors
        .iter()
        .filter_map(|e| e.body.as_ref())
        .collect();
    if let Output::Json(ty) = &operation.output {
        types.push(ty);
    }
    types
}

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
        let mut named = Vec::new();
        for ty in request_types(operation)
            .into_iter()
            .chain(response_types(operation))
        {
            named_in(ty, &mut named);
        }
        operation.mentions_deprecated = named.iter().any(|n| deprecated.contains(n.as_str()));
    }
}

/// Names of the models reachable from `roots`.
fn reachable<'t>(
    models: &[Model],
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> BTreeSet<String> {
    let by_name: BTreeMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    for root in roots {
        named_in(root, &mut stack);
    }
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(model) = by_name.get(name.as_str()) {
            for ty in model.member_types() {
                named_in(ty, &mut stack);
            }
        }
    }
    seen
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => named_in(inner, out),
        _ => {}
    }
}

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
        | TypeRef::Ipv6Addr => DefaultDependency::Never,
        _ => DefaultDependency::Always,
    }
}

/// Parameters whose type is an alias take the aliased type (so `PetId = i64`
/// is passed as `i64`), and each gets the text encoding its type allows:
/// plain text where it has one, else its style's form of a structured
/// value (`form` or `deepObject` in queries, `simple` elsewhere); only
/// `content` parameters are sent as JSON text, with a warning.
pub fn settle_parameters(models: &[Model], operations: &mut [Operation], cx: &mut Context) {
    let by_name: BTreeMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    for operation in operations.iter_mut() {
        let at = operation_pointer(operation);
        for parameter in &mut operation.parameters {
            parameter.ty = without_aliases(&parameter.ty, &by_name);
            let explode = match parameter.encoding {
                ParameterEncoding::List { explode }
                | ParameterEncoding::Form { explode }
                | ParameterEncoding::Simple { explode } => explode,
                _ => true,
            };
            // Values of any shape have a text form of their own in the
            // parameter's style; only `content` parameters are JSON.
            let structured = match (parameter.location, parameter.encoding) {
                (_, ParameterEncoding::Json) => None,
                (ParameterLocation::Query, ParameterEncoding::DeepObject) => {
                    Some(ParameterEncoding::DeepObject)
                }
                (ParameterLocation::Query, _) => Some(ParameterEncoding::Form { explode }),
                _ => Some(ParameterEncoding::Simple { explode }),
            };
            parameter.encoding = match (&parameter.ty, structured) {
                (TypeRef::DateTime, _) => ParameterEncoding::DateTime,
                (TypeRef::List(item), _) if is_text(item, &by_name) => {
                    ParameterEncoding::List { explode }
                }
                (ty, _) if is_text(ty, &by_name) => ParameterEncoding::Display,
                (_, Some(structured)) => structured,
                _ => {
                    cx.warn(
                        &at,
                        format!(
                            "parameter `{}` has no plain text form; it is sent as JSON text",
                            parameter.wire_name
                        ),
                    );
                    ParameterEncoding::Json
                }
            };
        }
    }
}

fn operation_pointer(operation: &Operation) -> String {
    format!(
        "#/paths/{}/{}",
        crate::load::pointer::escape(&operation.path),
        operation.http_method.as_str().to_ascii_lowercase()
    )
}

fn without_aliases(ty: &TypeRef, models: &BTreeMap<&str, &Model>) -> TypeRef {
    let mut current = ty.clone();
    // Alias chains are short; the bound only guards against a cycle.
    for _ in 0..16 {
        let TypeRef::Named(name) = &current else {
            break;
        };
        match models.get(name.as_str()).map(|m| &m.kind) {
            Some(ModelKind::Alias(target)) => current = target.clone(),
            _ => break,
        }
    }
    match current {
        TypeRef::List(item) => TypeRef::List(Box::new(without_aliases(&item, models))),
        other => other,
    }
}

/// Whether values of the type have a plain `Display` text form.
fn is_text(ty: &TypeRef, models: &BTreeMap<&str, &Model>) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::I8
        | TypeRef::I16
        | TypeRef::U8
        | TypeRef::U16
        | TypeRef::U32
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::Date
        | TypeRef::Decimal
        | TypeRef::Base64
        | TypeRef::IpAddr
        | TypeRef::Ipv4Addr
        | TypeRef::Ipv6Addr => true,
        TypeRef::Named(name) => matches!(
            models.get(name.as_str()).map(|m| &m.kind),
            Some(ModelKind::Enum(_))
        ),
        _ => false,
    }
}

/// Marks the responses of list operations that are pages linking to the
/// next page: an object with one array of items and a string field named
/// as next-page links conventionally are (`next`, `nextUrl`, `next_link`,
/// …). The shape decides, not the schema's name.
pub fn detect_pages(models: &mut [Model], operations: &mut [Operation]) {
    let listed: BTreeSet<String> = operations
        .iter()
        .filter(|op| op.http_method == HttpMethod::Get)
        .filter_map(|op| match &op.output {
            Output::Json(TypeRef::Named(name)) => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut pages = BTreeSet::new();
    for model in models.iter_mut().filter(|m| listed.contains(&m.name)) {
        let ModelKind::Struct(object) = &mut model.kind else {
            continue;
        };
        object.page = page_shape(object);
        if object.page.is_some() {
            pages.insert(model.name.clone());
        }
    }
    for operation in operations.iter_mut() {
        if matches!(&operation.output, Output::Json(TypeRef::Named(name)) if pages.contains(name)) {
            operation.docs.push_str(
                "\n\nThe response is a page: `.pages()` and `.items()` on the call stream every page, following the `next` links.",
            );
        }
    }
}

fn page_shape(object: &Struct) -> Option<PageShape> {
    let mut lists = object.fields.iter().filter_map(|f| match &f.ty {
        TypeRef::List(item) => Some((f, item.as_ref().clone())),
        _ => None,
    });
    let (items, item) = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    let next = object
        .fields
        .iter()
        .find(|f| f.ty == TypeRef::String && is_next_link_name(&f.wire_name))?;
    Some(PageShape {
        items_field: items.rust_name.clone(),
        item,
        items_presence: items.presence,
        next_field: next.rust_name.clone(),
        next_presence: next.presence,
    })
}

fn is_next_link_name(wire: &str) -> bool {
    let name: String = wire
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(
        name.as_str(),
        "next" | "nexturl" | "nextlink" | "nextpage" | "nextpageurl" | "nexthref"
    )
}

/// Crates the generated code needs for the types it uses.
pub fn extra_dependencies(models: &[Model], operations: &[Operation]) -> Vec<ExternalCrate> {
    let mut all: Vec<&TypeRef> = models.iter().flat_map(Model::member_types).collect();
    for operation in operations {
        all.extend(request_types(operation));
        all.extend(response_types(operation));
    }
    let mut crates = BTreeSet::new();
    for ty in all {
        collect_crates(ty, &mut crates);
    }
    let paginated = models
        .iter()
        .any(|m| matches!(&m.kind, ModelKind::Struct(s) if s.page.is_some()));
    if paginated {
        crates.insert(ExternalCrate::FuturesUtil);
    }
    crates.into_iter().collect()
}

fn collect_crates(ty: &TypeRef, out: &mut BTreeSet<ExternalCrate>) {
    match ty {
        TypeRef::Uuid => {
            out.insert(ExternalCrate::Uuid);
        }
        TypeRef::DateTime | TypeRef::Date => {
            out.insert(ExternalCrate::Chrono);
        }
        TypeRef::Decimal => {
            out.insert(ExternalCrate::RustDecimal);
        }
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
            collect_crates(inner, out)
        }
        _ => {}
    }
}
