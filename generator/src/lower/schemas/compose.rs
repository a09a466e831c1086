//! `allOf`, and what a composed schema amounts to. Parts that describe
//! objects merge into one struct, however deeply they nest (`allOf` of
//! references to `allOf`s); parts that only annotate (`description`,
//! `nullable`) are set aside, so `allOf: [$ref: X]` with a description or
//! `nullable` beside it is `X` itself.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use openapiv3::{AnySchema, ObjectType, ReferenceOr, Schema, SchemaKind, Type};

use super::{SchemaLowerer, SCHEMA_PREFIX};
use crate::ir::TypeRef;
use crate::lower::Context;

/// How many references and nested compositions are followed before a
/// schema is taken to be circular.
const MAX_HOPS: usize = 32;

/// What an `allOf` amounts to.
pub(super) enum AllOf<'p> {
    /// No part constrains the value.
    Any,
    /// One part (by index) is the type; the others only annotate it.
    Single(usize, &'p ReferenceOr<Schema>),
    /// Object parts, merged.
    Object(ObjectType),
    /// The part (by index) that is neither an object nor an annotation.
    Unsupported(usize),
}

impl SchemaLowerer<'_> {
    /// `allOf` of objects merges into one struct; a single typed part is
    /// that type; anything else is untyped.
    pub(super) fn all_of(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        match self.classify_all_of(parts) {
            AllOf::Any => TypeRef::Json,
            AllOf::Single(index, part) => {
                self.type_at_depth(part, hint, &format!("{at}/allOf/{index}"), cx, depth)
            }
            AllOf::Object(merged) => self.object(schema, &merged, hint, at, cx, depth),
            AllOf::Unsupported(index) => {
                cx.warn(
                    &format!("{at}/allOf/{index}"),
                    "allOf part is neither an object schema nor an annotation; the whole allOf is typed as serde_json::Value",
                );
                TypeRef::Json
            }
        }
    }

    pub(super) fn classify_all_of<'p>(&self, parts: &'p [ReferenceOr<Schema>]) -> AllOf<'p> {
        let typed: Vec<(usize, &ReferenceOr<Schema>)> = parts
            .iter()
            .enumerate()
            .filter(|(_, part)| !is_annotation(part))
            .collect();
        match typed.as_slice() {
            [] => AllOf::Any,
            [(index, part)] => AllOf::Single(*index, part),
            _ => {
                let mut merged = ObjectType::default();
                let mut seen = BTreeSet::new();
                for (index, part) in parts.iter().enumerate() {
                    if !self.merge_into(part, &mut merged, &mut seen, 0) {
                        return AllOf::Unsupported(index);
                    }
                }
                AllOf::Object(merged)
            }
        }
    }

    /// Adds what `part` says about an object to `merged`; false if it says
    /// something else (a string, a `oneOf`, …). `seen` holds the components
    /// already merged: a diamond or a cycle adds nothing new.
    fn merge_into<S: Borrow<Schema>>(
        &self,
        part: &ReferenceOr<S>,
        merged: &mut ObjectType,
        seen: &mut BTreeSet<String>,
        hops: usize,
    ) -> bool {
        if hops > MAX_HOPS {
            return false;
        }
        let schema = match part {
            ReferenceOr::Reference { reference } => {
                let Some(name) = component_of(reference) else {
                    return false;
                };
                if !seen.insert(name.clone()) {
                    return true;
                }
                return match self.schemas.get(&name) {
                    Some(target) => self.merge_into(target, merged, seen, hops + 1),
                    None => false,
                };
            }
            ReferenceOr::Item(schema) => schema.borrow(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                merge_object(merged, object);
                true
            }
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .all(|p| self.merge_into(p, merged, seen, hops + 1)),
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                // `{required: [a]}` alone makes merged properties required.
                let own = own_object(any).or_else(|| {
                    is_constraint_only(any).then(|| ObjectType {
                        required: any.required.clone(),
                        ..ObjectType::default()
                    })
                });
                let parts_merge = any
                    .all_of
                    .iter()
                    .all(|p| self.merge_into(p, merged, seen, hops + 1));
                if let Some(own) = &own {
                    merge_object(merged, own);
                }
                parts_merge && (own.is_some() || !any.all_of.is_empty())
            }
            _ => is_annotation_schema(schema),
        }
    }

    /// The properties an object-like schema ends up with, `allOf`s merged.
    pub(super) fn object_shape<S: Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<S>,
    ) -> Option<ObjectType> {
        let effective = self.effective(schema)?;
        match &effective.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
            SchemaKind::AllOf { all_of } => match self.classify_all_of(all_of) {
                AllOf::Object(object) => Some(object),
                _ => None,
            },
            SchemaKind::Any(any) if !any.all_of.is_empty() || own_object(any).is_some() => {
                let mut merged = ObjectType::default();
                let item: ReferenceOr<&Schema> = ReferenceOr::Item(effective);
                self.merge_into(&item, &mut merged, &mut BTreeSet::new(), 0)
                    .then_some(merged)
            }
            _ => None,
        }
    }

    /// The schema a reference ends at, through chains of references.
    pub(super) fn resolve_deep<'s, S: Borrow<Schema>>(
        &'s self,
        schema: &'s ReferenceOr<S>,
    ) -> Option<&'s Schema> {
        let mut reference = match schema {
            ReferenceOr::Item(schema) => return Some(schema.borrow()),
            ReferenceOr::Reference { reference } => reference,
        };
        for _ in 0..MAX_HOPS {
            match self.schemas.get(&component_of(reference)?)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The schema that says what a value is: references followed, and
    /// compositions of one typed part (`allOf: [$ref: X]`, `anyOf: [X,
    /// {nullable: true}]`) seen through.
    pub(super) fn effective<'s, S: Borrow<Schema>>(
        &'s self,
        schema: &'s ReferenceOr<S>,
    ) -> Option<&'s Schema> {
        let mut current = self.resolve_deep(schema)?;
        for _ in 0..MAX_HOPS {
            let next = match &current.schema_kind {
                SchemaKind::AllOf { all_of } => only(all_of.iter().filter(|p| !is_annotation(p))),
                SchemaKind::OneOf { one_of: choices } | SchemaKind::AnyOf { any_of: choices } => {
                    only(choices.iter().filter(|c| !is_null_only(c)))
                }
                _ => None,
            };
            match next {
                Some(part) => current = self.resolve_deep(part)?,
                None => return Some(current),
            }
        }
        None
    }

    /// Whether `null` is a valid value: `nullable` on the schema or on the
    /// schema it refers to, a null alternative in a `oneOf`/`anyOf`, or
    /// `nullable` beside the one typed part of an `allOf` (which, read
    /// strictly, would not admit null, but is everywhere meant to).
    pub(super) fn is_nullable<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>) -> bool {
        self.nullable_within(schema, 0)
    }

    fn nullable_within<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>, hops: usize) -> bool {
        let Some(schema) = self.resolve_deep(schema) else {
            return false;
        };
        if schema.schema_data.nullable {
            return true;
        }
        if hops > MAX_HOPS {
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: choices } | SchemaKind::AnyOf { any_of: choices } => {
                choices
                    .iter()
                    .any(|choice| self.nullable_within(choice, hops + 1))
            }
            SchemaKind::AllOf { all_of: parts } => {
                let annotated = parts.iter().any(|part| {
                    is_annotation(part)
                        && matches!(part, ReferenceOr::Item(p) if p.schema_data.nullable)
                });
                let mut typed = parts.iter().filter(|part| !is_annotation(part)).peekable();
                annotated
                    || (typed.peek().is_some()
                        && typed.all(|part| self.nullable_within(part, hops + 1)))
            }
            _ => false,
        }
    }
}

/// The component a local reference names.
pub(super) fn component_of(reference: &str) -> Option<String> {
    reference
        .strip_prefix(SCHEMA_PREFIX)
        .map(crate::load::pointer::unescape)
}

/// The object keywords of a schema openapiv3 kept as "any" (properties
/// without `type: object`, or beside `allOf`).
pub(super) fn own_object(any: &AnySchema) -> Option<ObjectType> {
    let objectish = matches!(any.typ.as_deref(), None | Some("object"));
    let has_members = !any.properties.is_empty() || any.additional_properties.is_some();
    (objectish && has_members).then(|| ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    })
}

/// An inline part that says nothing about the value's type: only
/// annotations (`description`, `nullable`, `default`), `type: object`
/// alone, or constraints on which properties are present (`required`,
/// a `oneOf` of `required` lists).
pub(super) fn is_annotation(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(schema) => is_annotation_schema(schema),
    }
}

fn is_annotation_schema(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => is_constraint_only(any) || is_bare_object(any),
        SchemaKind::Type(Type::Object(object)) => *object == ObjectType::default(),
        SchemaKind::OneOf { one_of: choices } | SchemaKind::AnyOf { any_of: choices } => {
            choices.iter().all(is_annotation)
        }
        _ => false,
    }
}

/// No keywords but the ones constraining how many or which properties
/// are present.
fn is_constraint_only(any: &AnySchema) -> bool {
    let unconstrained = AnySchema {
        required: Vec::new(),
        min_properties: None,
        max_properties: None,
        ..any.clone()
    };
    is_plain(&unconstrained)
}

/// An alternative that admits only `null` (`{nullable: true}` and nothing
/// else), standing for "or null" in a `oneOf`/`anyOf`.
pub(super) fn is_null_only(choice: &ReferenceOr<Schema>) -> bool {
    matches!(choice, ReferenceOr::Item(schema)
        if schema.schema_data.nullable
            && matches!(&schema.schema_kind, SchemaKind::Any(any) if is_plain(any)))
}

fn is_plain(any: &AnySchema) -> bool {
    *any == AnySchema::default()
}

fn is_bare_object(any: &AnySchema) -> bool {
    let bare = AnySchema {
        typ: Some("object".to_owned()),
        ..AnySchema::default()
    };
    *any == bare
}

fn merge_object(merged: &mut ObjectType, object: &ObjectType) {
    for (name, property) in &object.properties {
        merged.properties.insert(name.clone(), property.clone());
    }
    for name in &object.required {
        if !merged.required.contains(name) {
            merged.required.push(name.clone());
        }
    }
    if object.additional_properties.is_some() {
        merged.additional_properties = object.additional_properties.clone();
    }
}

/// The one item, if there is exactly one.
fn only<T>(mut items: impl Iterator<Item = T>) -> Option<T> {
    let first = items.next()?;
    items.next().is_none().then_some(first)
}
