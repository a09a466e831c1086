//! `oneOf`/`anyOf` and discriminators. With a usable `discriminator` the
//! union is tagged: the property's value picks the variant, and objects
//! with a value no variant lists are kept whole, so a server that adds a
//! subtype does not break the client. Without one, the alternatives are
//! tried in order, most specific first. A null alternative only makes the
//! value nullable.

use std::collections::BTreeMap;

use openapiv3::{Discriminator, IntegerFormat, ReferenceOr, Schema, SchemaKind, Type};
use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};

use super::compose::{component_of, is_null_only};
use super::{formats, variant_hint, variant_name, SchemaLowerer};
use crate::ir::{ModelKind, TypeRef, Union, UnionTag, UnionVariant};
use crate::lower::names::{type_name, NameScope};
use crate::lower::Context;

/// An alternative of a union: its index among the spec's alternatives,
/// and the schema.
type Alternative<'s> = (usize, &'s ReferenceOr<Schema>);

/// Where untagged alternatives are tried: lower first.
type Rank = (u8, i64);

impl SchemaLowerer<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn union(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        hint: &str,
        at: &str,
        keyword: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        let kept: Vec<Alternative> = alternatives
            .iter()
            .enumerate()
            .filter(|(_, choice)| !is_null_only(choice))
            .collect();
        match kept.as_slice() {
            [] => return TypeRef::Json,
            [(index, only)] => {
                return self.type_at_depth(
                    *only,
                    hint,
                    &format!("{at}/{keyword}/{index}"),
                    cx,
                    depth,
                )
            }
            _ => {}
        }
        let name = self.model_name(hint, "Union");
        let mut scope = NameScope::default();
        let mut variants = Vec::new();
        for (index, alternative) in &kept {
            let variant_hint = variant_hint(alternative, *index);
            let ty = self.type_at_depth(
                *alternative,
                &format!("{name}{variant_hint}"),
                &format!("{at}/{keyword}/{index}"),
                cx,
                depth,
            );
            variants.push(UnionVariant {
                rust_name: scope.claim(variant_name(&ty, &variant_hint)),
                ty,
                tag_values: Vec::new(),
            });
        }
        let tag = self.union_tag(schema, &kept, &mut variants, &mut scope, at, cx);
        if tag.is_none() {
            variants = self.most_specific_first(variants, &kept);
        }
        self.insert_model(
            schema,
            &name,
            ModelKind::Union(Union {
                variants,
                tag,
                sent: false,
            }),
        )
    }

    /// The union's tag, when its discriminator names the variants' tag
    /// values well enough to choose by (their values are set on
    /// `variants`); else a warning and `None`, and the alternatives are
    /// tried in order.
    fn union_tag(
        &mut self,
        schema: &Schema,
        kept: &[Alternative],
        variants: &mut [UnionVariant],
        scope: &mut NameScope,
        at: &str,
        cx: &mut Context,
    ) -> Option<UnionTag> {
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        match self.tag_values(discriminator, kept) {
            Ok(values) => {
                for (variant, values) in variants.iter_mut().zip(values) {
                    variant.tag_values = values;
                }
                Some(UnionTag {
                    property: discriminator.property_name.clone(),
                    unknown_variant: scope.claim("Unknown".to_owned()),
                })
            }
            Err(reason) => {
                cx.warn(
                    at,
                    format!(
                        "discriminator `{}` not used: {reason}; the alternatives are tried in order instead",
                        discriminator.property_name
                    ),
                );
                None
            }
        }
    }

    /// Orders untagged variants for serde's first match: integers before
    /// numbers, formatted strings before enums before plain strings,
    /// structs with more required properties before those with fewer, and
    /// anything-goes types last. Ties keep the spec's order.
    fn most_specific_first(
        &self,
        variants: Vec<UnionVariant>,
        alternatives: &[Alternative],
    ) -> Vec<UnionVariant> {
        let mut ranked: Vec<(Rank, UnionVariant)> = alternatives
            .iter()
            .map(|(_, alternative)| self.rank(alternative))
            .zip(variants)
            .collect();
        ranked.sort_by_key(|(rank, _)| *rank);
        ranked.into_iter().map(|(_, variant)| variant).collect()
    }

    fn rank(&self, alternative: &ReferenceOr<Schema>) -> Rank {
        let Some(schema) = self.effective(alternative) else {
            return (10, 0);
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Integer(integer)) => (0, integer_width(&integer.format)),
            SchemaKind::Type(Type::Number(_)) => (1, 0),
            SchemaKind::Type(Type::Boolean(_)) => (2, 0),
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => (4, 0),
            SchemaKind::Type(Type::String(string)) if is_checked_string(&string.format) => (3, 0),
            SchemaKind::Type(Type::String(_)) => (5, 0),
            SchemaKind::Type(Type::Array(_)) => (6, 0),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (8, 0),
            SchemaKind::Not { .. } => (10, 0),
            _ => match self.object_shape(alternative) {
                Some(object) if !object.properties.is_empty() => {
                    let required = i64::try_from(object.required.len()).unwrap_or(i64::MAX);
                    (7, -required)
                }
                Some(_) => (9, 0),
                None => (10, 0),
            },
        }
    }

    /// The tag values of each alternative, or why the discriminator cannot
    /// tell them apart.
    fn tag_values(
        &self,
        discriminator: &Discriminator,
        alternatives: &[Alternative],
    ) -> Result<Vec<Vec<String>>, String> {
        let mut owners: BTreeMap<String, String> = BTreeMap::new();
        let mut out = Vec::new();
        for (index, alternative) in alternatives {
            let component = match alternative {
                ReferenceOr::Reference { reference } => component_of(reference),
                ReferenceOr::Item(_) => None,
            }
            .ok_or_else(|| format!("alternative {index} is not a reference to a schema"))?;
            if self.object_shape(*alternative).is_none() {
                return Err(format!("`{component}` is not an object"));
            }
            let values = self.values_selecting(discriminator, &component);
            for value in &values {
                if let Some(other) = owners.insert(value.clone(), component.clone()) {
                    return Err(format!(
                        "the value `{value}` selects both `{other}` and `{component}`"
                    ));
                }
            }
            out.push(values);
        }
        Ok(out)
    }

    /// The tag values that select `component`: its keys in the mapping;
    /// else the values its own discriminator property allows (an `enum`,
    /// which is what specs that leave out the mapping usually rely on);
    /// else, as the specification says, the schema's name.
    pub(super) fn values_selecting(
        &self,
        discriminator: &Discriminator,
        component: &str,
    ) -> Vec<String> {
        let mapped: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| mapping_target(target).as_deref() == Some(component))
            .map(|(value, _)| value.clone())
            .collect();
        if !mapped.is_empty() {
            return mapped;
        }
        let declared = self.property_values(component, &discriminator.property_name);
        if !declared.is_empty() {
            return declared;
        }
        vec![component.to_owned()]
    }

    /// The string values a component's property is limited to, if any.
    fn property_values(&self, component: &str, property: &str) -> Vec<String> {
        let reference = ReferenceOr::<Schema>::Reference {
            reference: format!(
                "{}{}",
                super::SCHEMA_PREFIX,
                crate::load::pointer::escape(component)
            ),
        };
        let Some(object) = self.object_shape(&reference) else {
            return Vec::new();
        };
        let Some(schema) = object.properties.get(property) else {
            return Vec::new();
        };
        match self.effective(schema).map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::String(string))) => {
                string.enumeration.iter().flatten().cloned().collect()
            }
            _ => Vec::new(),
        }
    }

    /// `allOf` polymorphism: a component object with a discriminator that
    /// other components extend (`allOf: [$ref: Pet, …]`) stands for any of
    /// them, so it becomes a tagged union of those components (and of the
    /// ones its mapping names). A value of the parent type itself, with no
    /// subtype, is kept whole as an unknown one.
    pub(super) fn inherited_union(
        &mut self,
        schema: &Schema,
        rust: &str,
        at: &str,
        cx: &mut Context,
    ) -> Option<ModelKind> {
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        if matches!(
            schema.schema_kind,
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
        ) {
            return None;
        }
        let component = self
            .component_names
            .iter()
            .find(|(_, name)| name.as_str() == rust)
            .map(|(wire, _)| wire.clone())?;
        let subtypes = self.subtypes(&component, discriminator);
        if subtypes.is_empty() {
            return None;
        }
        let mut scope = NameScope::default();
        let mut variants = Vec::new();
        let mut owners: BTreeMap<String, String> = BTreeMap::new();
        for subtype in subtypes {
            let rust_type = self.component_names.get(&subtype)?.clone();
            let values = self.values_selecting(discriminator, &subtype);
            for value in &values {
                if let Some(other) = owners.insert(value.clone(), subtype.clone()) {
                    cx.warn(at, format!("discriminator `{}` not used: the value `{value}` selects both `{other}` and `{subtype}`", discriminator.property_name));
                    return None;
                }
            }
            variants.push(UnionVariant {
                rust_name: scope.claim(type_name(&subtype, "Variant")),
                ty: TypeRef::Named(rust_type),
                tag_values: values,
            });
        }
        let tag = UnionTag {
            property: discriminator.property_name.clone(),
            unknown_variant: scope.claim("Unknown".to_owned()),
        };
        Some(ModelKind::Union(Union {
            variants,
            tag: Some(tag),
            sent: false,
        }))
    }

    /// Components that extend `parent` directly through `allOf`, in name
    /// order, then those its mapping names besides; never `parent` itself.
    fn subtypes(&self, parent: &str, discriminator: &Discriminator) -> Vec<String> {
        let mut out: Vec<String> = self
            .component_names
            .keys()
            .filter(|name| name.as_str() != parent)
            .filter(|name| self.extends(name, parent))
            .cloned()
            .collect();
        for target in discriminator.mapping.values() {
            let Some(target) = mapping_target(target) else {
                continue;
            };
            if target != parent
                && self.component_names.contains_key(&target)
                && !out.contains(&target)
            {
                out.push(target);
            }
        }
        out
    }

    fn extends(&self, child: &str, parent: &str) -> bool {
        let Some(ReferenceOr::Item(schema)) = self.schemas.get(child) else {
            return false;
        };
        let parts = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &any.all_of,
            _ => return false,
        };
        parts.iter().any(|part| {
            matches!(part, ReferenceOr::Reference { reference }
                if component_of(reference).as_deref() == Some(parent))
        })
    }
}

/// The component a mapping value names: a reference, or a bare name.
fn mapping_target(target: &str) -> Option<String> {
    if target.starts_with('#') {
        return component_of(target);
    }
    (!target.contains('/')).then(|| target.to_owned())
}

/// Narrower integers first, so that the widest one catches the rest.
fn integer_width(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> i64 {
    match formats::integer(format) {
        TypeRef::I8 | TypeRef::U8 => 1,
        TypeRef::I16 | TypeRef::U16 => 2,
        TypeRef::I32 | TypeRef::U32 => 3,
        _ => 4,
    }
}

/// Strings whose type checks their text (dates, ids, addresses).
fn is_checked_string(format: &VariantOrUnknownOrEmpty<StringFormat>) -> bool {
    formats::string(format) != TypeRef::String
}
