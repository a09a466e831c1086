//! Schemas to Rust types. Named component schemas keep their names; inline
//! objects, enums and unions become models named from their position
//! (`CatalogPlan` + `usageAlerts` → `CatalogPlanUsageAlerts`).

mod compose;
pub(crate) mod formats;
pub mod overrides;
#[cfg(test)]
mod tests;
mod unions;

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, ObjectType, ReferenceOr, Schema, SchemaKind,
    StringType, Type,
};

use crate::ir::{
    EnumVariant, ExternalType, Field, Ident, Model, ModelKind, Presence, StringEnum, Struct,
    TypeRef,
};
use crate::lower::docs;
use crate::lower::names::{enum_variant_name, type_name, value_name, NameScope};
use crate::lower::Context;
pub use overrides::TypeOverrides;

/// The field of a property the schema requires without describing it.
fn undescribed_field(rust_name: Ident, wire: &str) -> Field {
    Field {
        rust_name,
        wire_name: wire.to_owned(),
        ty: TypeRef::Json,
        presence: Presence::Optional,
        docs: "Required by the schema, which does not describe it: any JSON value.".to_owned(),
        deprecated: false,
    }
}

/// Where a property's field is lowered: its model, its JSON pointer and
/// the nesting depth reached.
#[derive(Clone, Copy)]
struct FieldPlace<'a> {
    model: &'a str,
    at: &'a str,
    depth: usize,
}

/// What the spec says about a field, kept until usage decides its presence.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldFacts {
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// The spec gives a `default`, which the server fills in when the
    /// field is left out.
    pub has_default: bool,
}

/// Lowers schemas and collects the models they produce.
pub struct SchemaLowerer<'a> {
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    component_names: BTreeMap<String, String>,
    type_names: NameScope,
    /// The component being lowered: its top-level model takes this
    /// (already claimed) name instead of a new one.
    component_name: Option<String>,
    /// Models produced so far, by Rust name.
    pub models: BTreeMap<String, Model>,
    /// Facts per (model, field index), for the presence pass.
    pub field_facts: BTreeMap<(String, usize), FieldFacts>,
    /// Types that replace generated ones.
    pub overrides: TypeOverrides,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Deepest nesting of inline schemas followed before giving up on a type.
/// rustc's default `recursion_limit` of 128 caps how deep types may nest
/// (checking auto traits walks through every field); nested request
/// fields (`Option<Option<T>>`) fail from about 64 levels, so 32 leaves a
/// margin and is far beyond what real APIs nest.
const MAX_DEPTH: usize = 32;

impl<'a> SchemaLowerer<'a> {
    /// Claims a type name for every component schema, in sorted order so
    /// names do not depend on where a schema is declared.
    pub fn new(
        schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
        reserved: &[&str],
        renames: &BTreeMap<String, String>,
        overrides: TypeOverrides,
    ) -> Self {
        let mut type_names = NameScope::with_reserved(reserved);
        let mut wire: Vec<&String> = schemas.keys().collect();
        wire.sort();
        let component_names = wire
            .into_iter()
            .map(|name| {
                let wanted = renames
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| type_name(name, "Schema"));
                (name.clone(), type_names.claim(wanted))
            })
            .collect();
        SchemaLowerer {
            schemas,
            component_names,
            type_names,
            component_name: None,
            models: BTreeMap::new(),
            field_facts: BTreeMap::new(),
            overrides,
        }
    }

    /// Lowers every component schema into a model of its own name.
    pub fn lower_components(&mut self, cx: &mut Context) {
        let alias_cycles = self.alias_cycles();
        let mut wire: Vec<&String> = self.schemas.keys().collect();
        wire.sort();
        for name in wire {
            let Some(rust) = self.component_names.get(name).cloned() else {
                continue;
            };
            let at = format!("{SCHEMA_PREFIX}{}", crate::load::pointer::escape(name));
            let Some(schema) = self.schemas.get(name) else {
                continue;
            };
            if self.component_override(name, cx).is_some() {
                // Its users name the overriding type; no model of its own.
                continue;
            }
            let model = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = if alias_cycles.contains(name) {
                        cx.warn(
                            &at,
                            format!("the schema is only a `$ref`, and following such references comes back round without reaching a schema (`$ref: {reference}`); typed as serde_json::Value"),
                        );
                        TypeRef::Json
                    } else {
                        self.reference(reference, &at, cx)
                    };
                    Model {
                        name: rust.clone(),
                        docs: String::new(),
                        deprecated: false,
                        kind: ModelKind::Alias(target),
                        extra_derives: Vec::new(),
                        extra_attributes: Vec::new(),
                    }
                }
                ReferenceOr::Item(schema) => self.component_model(schema, &rust, &at, cx),
            };
            self.models.insert(rust, model);
        }
    }

    /// The components that are only a `$ref` and whose chain of such
    /// components comes back round (`A: {$ref: A}`, `A → B → A`, or one
    /// leading into such a loop): these aliases have no type. Each component
    /// is visited once, so long chains cost linear time.
    fn alias_cycles(&self) -> BTreeSet<String> {
        // true: leads into a loop; false: reaches a schema.
        let mut known: BTreeMap<String, bool> = BTreeMap::new();
        for start in self.schemas.keys() {
            let mut path: Vec<String> = Vec::new();
            let mut on_path: BTreeSet<String> = BTreeSet::new();
            let mut current = start.clone();
            let cyclic = loop {
                if let Some(&cyclic) = known.get(&current) {
                    break cyclic;
                }
                if !on_path.insert(current.clone()) {
                    break true;
                }
                path.push(current.clone());
                let next = match self.schemas.get(&current) {
                    Some(ReferenceOr::Reference { reference }) => reference
                        .strip_prefix(SCHEMA_PREFIX)
                        .map(crate::load::pointer::unescape),
                    _ => None,
                };
                match next {
                    Some(next) => current = next,
                    None => break false,
                }
            };
            for name in path {
                known.insert(name, cyclic);
            }
        }
        known
            .into_iter()
            .filter(|(name, cyclic)| {
                *cyclic && matches!(self.schemas.get(name), Some(ReferenceOr::Reference { .. }))
            })
            .map(|(name, _)| name)
            .collect()
    }

    fn component_model(
        &mut self,
        schema: &Schema,
        rust: &str,
        at: &str,
        cx: &mut Context,
    ) -> Model {
        let docs = docs::compose([
            schema.schema_data.title.as_deref(),
            schema.schema_data.description.as_deref(),
        ]);
        if let Some(kind) = self.inherited_union(schema, rust, at, cx) {
            return Model {
                name: rust.to_owned(),
                docs,
                deprecated: schema.schema_data.deprecated,
                kind,
                extra_derives: Vec::new(),
                extra_attributes: Vec::new(),
            };
        }
        self.component_name = Some(rust.to_owned());
        let mut ty = self.schema(schema, rust, at, cx, 0);
        self.component_name = None;
        if let Some(model) = self.models.remove(rust) {
            if ty == TypeRef::Named(rust.to_owned()) {
                return model;
            }
            self.models.insert(rust.to_owned(), model);
        }
        if ty == TypeRef::Named(rust.to_owned()) {
            // `A: {allOf: [$ref: A]}` and the like: an alias of itself.
            cx.warn(
                at,
                "the schema is defined only in terms of itself; typed as serde_json::Value",
            );
            ty = TypeRef::Json;
        }
        Model {
            name: rust.to_owned(),
            docs,
            deprecated: schema.schema_data.deprecated,
            kind: ModelKind::Alias(ty),
            extra_derives: Vec::new(),
            extra_attributes: Vec::new(),
        }
    }

    /// The type of a schema or reference; `hint` names inline models.
    pub fn type_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        at: &str,
        cx: &mut Context,
    ) -> TypeRef {
        self.type_at_depth(schema, hint, at, cx, 0)
    }

    /// The type of a schema or reference, whether boxed (as properties and
    /// items are) or not.
    fn type_at_depth<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at, cx),
            ReferenceOr::Item(schema) => self.schema(schema.borrow(), hint, at, cx, depth + 1),
        }
    }

    /// The schema behind a reference (one level is enough for flags).
    pub fn resolve<'s, S: Borrow<Schema>>(
        &'s self,
        schema: &'s ReferenceOr<S>,
    ) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema.borrow()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                match self.schemas.get(&crate::load::pointer::unescape(name))? {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    fn reference(&mut self, reference: &str, at: &str, cx: &mut Context) -> TypeRef {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .map(crate::load::pointer::unescape);
        if let Some(ty) = name.as_deref().and_then(|n| self.component_override(n, cx)) {
            return TypeRef::External(Box::new(ty));
        }
        match name.and_then(|n| self.component_names.get(&n).cloned()) {
            Some(rust) => TypeRef::Named(rust),
            None => {
                cx.warn(at, format!("`$ref: {reference}` does not name a schema in components.schemas; typed as serde_json::Value"));
                TypeRef::Json
            }
        }
    }

    /// The type replacing the component schema `name` (by its name in the
    /// spec): the configured one, or its `x-rust-type`.
    fn component_override(&self, name: &str, cx: &mut Context) -> Option<ExternalType> {
        if let Some(configured) = self.overrides.component(name) {
            return Some(configured.clone());
        }
        match self.schemas.get(name)? {
            ReferenceOr::Item(schema) => {
                let at = format!("{SCHEMA_PREFIX}{}", crate::load::pointer::escape(name));
                overrides::declared(schema, &at, cx)
            }
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn schema(
        &mut self,
        schema: &Schema,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        if depth > MAX_DEPTH {
            cx.warn(
                at,
                format!(
                    "schemas nested deeper than {MAX_DEPTH} levels; typed as serde_json::Value"
                ),
            );
            return TypeRef::Json;
        }
        if let Some(ty) = self.overrides.of_schema(schema, at, cx) {
            return TypeRef::External(Box::new(ty));
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => self.string(schema, string, hint),
            SchemaKind::Type(Type::Integer(integer)) => formats::integer(&integer.format),
            SchemaKind::Type(Type::Number(number)) => formats::number(&number.format),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => self.array(array, hint, at, cx, depth),
            SchemaKind::Type(Type::Object(object)) => {
                self.object(schema, object, hint, at, cx, depth)
            }
            SchemaKind::OneOf { one_of } => {
                self.union(schema, one_of, hint, at, "oneOf", cx, depth)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(schema, any_of, hint, at, "anyOf", cx, depth)
            }
            SchemaKind::AllOf { all_of } => self.all_of(schema, all_of, hint, at, cx, depth),
            SchemaKind::Not { .. } => {
                cx.warn(
                    at,
                    "`not` cannot be expressed as a Rust type; typed as serde_json::Value",
                );
                TypeRef::Json
            }
            SchemaKind::Any(any) => self.any(schema, any, hint, at, cx, depth),
        }
    }

    /// A schema openapiv3 could not put in one category: keywords of
    /// several kinds side by side, or none at all.
    fn any(
        &mut self,
        schema: &Schema,
        any: &AnySchema,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        if !any.all_of.is_empty() {
            // Properties beside `allOf` (with no `type`) are one more part,
            // last so that they override what the parts say.
            let mut parts = any.all_of.clone();
            parts.extend(compose::own_object(any).map(object_schema));
            return self.all_of(schema, &parts, hint, at, cx, depth);
        }
        if let Some(object) = compose::own_object(any) {
            return self.object(schema, &object, hint, at, cx, depth);
        }
        if !any.enumeration.is_empty() {
            return TypeRef::Json;
        }
        let format = any.format.as_deref().unwrap_or_default();
        match any.typ.as_deref() {
            Some("string") => formats::string_named(format),
            Some("integer") => formats::integer_named(format),
            Some("number") => formats::number_named(format),
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                let array = ArrayType {
                    items: any.items.clone(),
                    min_items: None,
                    max_items: None,
                    unique_items: false,
                };
                self.array(&array, hint, at, cx, depth)
            }
            Some("object") => TypeRef::JsonObject,
            _ => TypeRef::Json,
        }
    }

    fn string(&mut self, schema: &Schema, string: &StringType, hint: &str) -> TypeRef {
        let values: Vec<&String> = string.enumeration.iter().flatten().collect();
        if !values.is_empty() {
            return self.string_enum(schema, &values, hint);
        }
        formats::string(&string.format)
    }

    fn string_enum(&mut self, schema: &Schema, values: &[&String], hint: &str) -> TypeRef {
        let name = self.model_name(hint, "Enum");
        let mut scope = NameScope::default();
        let mut variants = Vec::new();
        for value in values {
            if variants
                .iter()
                .any(|v: &EnumVariant| v.wire_value == **value)
            {
                continue;
            }
            variants.push(EnumVariant {
                rust_name: scope.claim(enum_variant_name(value)),
                wire_value: (*value).clone(),
            });
        }
        let unknown_variant = scope.claim("Unknown".to_owned());
        self.insert_model(
            schema,
            &name,
            ModelKind::Enum(StringEnum {
                variants,
                unknown_variant,
            }),
        )
    }

    fn array(
        &mut self,
        array: &ArrayType,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        let item = match &array.items {
            Some(items) => self.type_at_depth(
                items,
                &format!("{hint}Item"),
                &format!("{at}/items"),
                cx,
                depth,
            ),
            None => TypeRef::Json,
        };
        TypeRef::List(Box::new(item))
    }

    fn object(
        &mut self,
        schema: &Schema,
        object: &ObjectType,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> TypeRef {
        let additional = self.additional_properties(object, hint, at, cx, depth);
        if object.properties.is_empty() {
            return match additional {
                Some(TypeRef::Json) | None => TypeRef::JsonObject,
                Some(value) => TypeRef::Map(Box::new(value)),
            };
        }
        let name = self.model_name(hint, "Object");
        let mut scope = NameScope::default();
        let mut fields = Vec::new();
        for (index, (wire, property)) in object.properties.iter().enumerate() {
            let place = FieldPlace {
                model: &name,
                at: &format!("{at}/properties/{}", crate::load::pointer::escape(wire)),
                depth,
            };
            let rust_name = Ident::new(scope.claim(value_name(wire, "field")));
            let (field, facts) = self.property_field(rust_name, wire, property, object, place, cx);
            self.field_facts.insert((name.clone(), index), facts);
            fields.push(field);
        }
        for wire in undescribed_required(object) {
            let rust_name = Ident::new(scope.claim(value_name(wire, "field")));
            let facts = FieldFacts {
                required: true,
                ..FieldFacts::default()
            };
            self.field_facts.insert((name.clone(), fields.len()), facts);
            fields.push(undescribed_field(rust_name, wire));
        }
        let additional_properties = additional.map(|ty| crate::ir::AdditionalProperties {
            rust_name: Ident::new(scope.claim("additional_properties".to_owned())),
            ty,
        });
        let kind = ModelKind::Struct(Struct {
            fields,
            additional_properties,
            derive_default: false,
            constructible: false,
            received: false,
            page: None,
        });
        self.insert_model(schema, &name, kind)
    }

    /// The field of one listed property, and the facts its presence is
    /// decided from once every model is known.
    fn property_field(
        &mut self,
        rust_name: Ident,
        wire: &str,
        property: &ReferenceOr<Box<Schema>>,
        object: &ObjectType,
        place: FieldPlace,
        cx: &mut Context,
    ) -> (Field, FieldFacts) {
        let hint = format!("{}{}", place.model, type_name(wire, "Field"));
        let ty = self.type_at_depth(property, &hint, place.at, cx, place.depth);
        let resolved = self.resolve(property);
        let data = resolved.map(|s| &s.schema_data);
        let inline = match property {
            ReferenceOr::Item(schema) => Some(&schema.schema_data),
            ReferenceOr::Reference { .. } => None,
        };
        // A default written beside the property wins over the one of the
        // schema it refers to.
        let default = inline
            .and_then(|d| d.default.as_ref())
            .or_else(|| data.and_then(|d| d.default.as_ref()));
        let facts = FieldFacts {
            required: object.required.iter().any(|r| r == wire),
            nullable: self.is_nullable(property),
            read_only: data.is_some_and(|d| d.read_only),
            write_only: data.is_some_and(|d| d.write_only),
            has_default: default.is_some(),
        };
        let field = Field {
            rust_name,
            wire_name: wire.to_owned(),
            ty,
            presence: Presence::Optional,
            docs: docs::compose([
                inline.and_then(|d| d.title.as_deref()),
                inline.and_then(|d| d.description.as_deref()),
                default.map(default_note).as_deref(),
            ]),
            deprecated: inline.is_some_and(|d| d.deprecated),
        };
        (field, facts)
    }

    fn additional_properties(
        &mut self,
        object: &ObjectType,
        hint: &str,
        at: &str,
        cx: &mut Context,
        depth: usize,
    ) -> Option<TypeRef> {
        match &object.additional_properties {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => {
                let ty = self.type_at_depth(
                    schema,
                    &format!("{hint}Value"),
                    &format!("{at}/additionalProperties"),
                    cx,
                    depth,
                );
                Some(ty)
            }
        }
    }

    /// A name for a new model: the component's own name for its top-level
    /// schema, else a fresh one from the hint.
    fn model_name(&mut self, hint: &str, fallback: &str) -> String {
        if self.component_name.as_deref() == Some(hint) {
            if let Some(name) = self.component_name.take() {
                return name;
            }
        }
        self.type_names.claim(type_name(hint, fallback))
    }

    fn insert_model(&mut self, schema: &Schema, name: &str, kind: ModelKind) -> TypeRef {
        let data = &schema.schema_data;
        self.models.insert(
            name.to_owned(),
            Model {
                name: name.to_owned(),
                docs: docs::compose([data.title.as_deref(), data.description.as_deref()]),
                deprecated: data.deprecated,
                kind,
                extra_derives: Vec::new(),
                extra_attributes: Vec::new(),
            },
        );
        TypeRef::Named(name.to_owned())
    }
}

/// An inline schema of an object type.
fn object_schema(object: ObjectType) -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::Object(object)),
    })
}

/// "Defaults to `x` on the server.", with the default as JSON text.
fn default_note(value: &serde_json::Value) -> String {
    let text = value.to_string();
    // A code span needs a longer run of backticks than it contains.
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let padding = if longest > 0 { " " } else { "" };
    format!("Defaults to {fence}{padding}{text}{padding}{fence} on the server.")
}

fn variant_hint(alternative: &ReferenceOr<Schema>, index: usize) -> String {
    match alternative {
        ReferenceOr::Reference { reference } => {
            type_name(reference.rsplit('/').next().unwrap_or_default(), "Variant")
        }
        ReferenceOr::Item(schema) => schema
            .schema_data
            .title
            .as_deref()
            .map(|t| type_name(t, "Variant"))
            .unwrap_or_else(|| format!("Variant{index}")),
    }
}

/// Variant names say what the alternative is: the model's name, or the
/// primitive kind (`Integer`, `String`).
fn variant_name(ty: &TypeRef, hint: &str) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "Boolean".to_owned(),
        ty if ty.is_integer() => "Integer".to_owned(),
        TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal => "Number".to_owned(),
        TypeRef::Base64 => "Bytes".to_owned(),
        TypeRef::IpAddr | TypeRef::Ipv4Addr | TypeRef::Ipv6Addr => "IpAddress".to_owned(),
        TypeRef::List(_) => "Array".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        _ => hint.to_owned(),
    }
}

/// Names the schema requires but does not list under `properties`: they
/// must still be sent, with any value (JSON Schema puts no constraint on
/// them), so they become fields of any JSON type.
fn undescribed_required(object: &ObjectType) -> impl Iterator<Item = &String> {
    let mut seen = std::collections::BTreeSet::new();
    object
        .required
        .iter()
        .filter(move |name| !object.properties.contains_key(*name) && seen.insert(name.as_str()))
}
