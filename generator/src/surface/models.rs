//! The public API of the `models` module: each model's path and docs, and
//! for structs users build, the constructor and its setters.

use std::collections::BTreeSet;

use crate::ir::{Api, Field, Ident, Model, ModelKind, Presence, Struct, TypeRef};
use crate::surface::{Argument, Method, Passing};

/// The public API of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSurface {
    /// The type's name as code.
    pub name: String,
    /// Rustdoc of the type.
    pub docs: String,
    /// The traits the type derives, in order: its own, then those the
    /// configuration adds (empty for an alias, which cannot derive).
    pub derives: Vec<String>,
    /// The traits derived only with the crate's [`SERIALIZE_RECEIVED`]
    /// feature: `serde::Serialize` (by path: the module imports only what
    /// every build uses), for a struct or untagged union only received.
    pub derives_serialize_received: Vec<String>,
    /// Outer attributes the configuration adds (`#[must_use]`), as
    /// written there (none for an alias, where most have no meaning).
    pub attributes: Vec<String>,
    /// Rustdoc of each field of a struct, in order (empty for the other
    /// kinds of model).
    pub field_docs: Vec<String>,
    /// Whether the model's own items allow the deprecation lint: it is
    /// deprecated, has deprecated fields, or holds a deprecated model. The
    /// generated code's own uses of them are not the user's, and must not
    /// warn.
    pub allow_deprecated: bool,
    /// `new`, for structs sent in requests: one argument per required
    /// field.
    pub constructor: Option<Method>,
    /// A `with_` setter for every field that may be left out, for structs
    /// sent in requests: the way users build a `#[non_exhaustive]` struct,
    /// so that fields added later break nobody.
    pub setters: Vec<FieldSetter>,
    /// Where the type's `Deserialize` comes from.
    pub decoding: Decoding,
    /// Where the type's `Serialize` comes from, when it has one.
    pub encoding: Encoding,
    /// When the type implements `Serialize`: string enums always; structs
    /// and unions always when they are sent in requests (derived, or written
    /// for a tagged union) or the configuration derives it, and otherwise
    /// with the crate's [`SERIALIZE_RECEIVED`] feature. The client never
    /// encodes a type it only receives; its code would cost every build.
    pub encodes: Availability,
    /// When the type and its fields carry `#[serde(...)]` attributes: when
    /// a serde derive is there to read them.
    pub serde_attributes: Availability,
}

/// The feature of the generated crate that adds `Serialize` to the types
/// the API only sends back (responses, webhook payloads), for users who
/// store or log them as JSON.
pub const SERIALIZE_RECEIVED: &str = "serialize-received";

/// When generated code is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Always.
    Always,
    /// With the crate's [`SERIALIZE_RECEIVED`] feature.
    WithSerializeReceived,
    /// Never.
    Never,
}

/// Where a model's `Deserialize` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// Its kind's own way: derived (it is in `derives`), the string enums'
    /// and unions' code, or none (an alias).
    Own,
    /// Written member by member for a struct: its slots, read by the
    /// runtime's `serde_support::object` through the models' slot kinds
    /// (`emit::decoding`), for the derive's checks in a fraction of its
    /// code.
    Members,
    /// A struct with a map of the unlisted members: a private derived
    /// struct reads the listed ones (`serde_support::open_object`).
    OpenObject,
}

/// Where a model's `Serialize` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Its kind's own way: derived (it is in `derives` or
    /// `derives_serialize_received`), the string enums' and tagged unions'
    /// code, or none.
    Own,
    /// Written member by member for a struct that always encodes and whose
    /// decoding is written too (so no serde attribute asks for the
    /// derive): each member is handed to the runtime's
    /// `serde_support::object::write` as a value of the models' `__values`
    /// kinds (`emit::encoding`), so the serializer's code is compiled once
    /// for all member types, not once per type.
    Members,
}

/// A `with_` setter of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSetter {
    /// The method; its one argument is the value.
    pub method: Method,
    /// The field it sets.
    pub field: Ident,
    /// How the passed value is stored.
    pub stores: SetValue,
}

/// How a `with_` setter stores its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetValue {
    /// `Some(value)`.
    Some,
    /// `Some(Some(value))`: the field can also hold an explicit `null`.
    SomeSome,
}

/// The public API of every model of `api`, in the same order.
pub(super) fn describe(api: &Api) -> Vec<ModelSurface> {
    let deprecated: BTreeSet<&str> = api
        .models
        .iter()
        .filter(|m| m.deprecated)
        .map(|m| m.name.as_str())
        .collect();
    api.models
        .iter()
        .map(|model| describe_model(model, &deprecated))
        .collect()
}

fn describe_model(model: &Model, deprecated: &BTreeSet<&str>) -> ModelSurface {
    let built = match &model.kind {
        ModelKind::Struct(object) if object.constructible => Some(object),
        _ => None,
    };
    let decoding = decoding(model);
    let mut derives = derives(model, decoding);
    let encodes = encodes(model, &derives);
    let encoding = if decoding == Decoding::Members && encodes == Availability::Always {
        // The impl is written: the derive (its own or the configuration's)
        // would be a second one.
        derives.retain(|d| !names_trait(d, "Serialize"));
        Encoding::Members
    } else {
        Encoding::Own
    };
    let derives_serde = derives
        .iter()
        .any(|d| names_trait(d, "Serialize") || names_trait(d, "Deserialize"));
    let written_serialize = matches!(&model.kind, ModelKind::Union(u) if u.tag.is_some());
    ModelSurface {
        name: model.name.clone(),
        docs: with_deprecation(described(&model.docs, &model.name), model.deprecated),
        derives_serialize_received: if encodes == Availability::WithSerializeReceived
            && !written_serialize
        {
            vec!["serde::Serialize".to_owned()]
        } else {
            Vec::new()
        },
        encodes,
        serde_attributes: if derives_serde {
            Availability::Always
        } else if encoding == Encoding::Members {
            Availability::Never
        } else {
            encodes
        },
        derives,
        decoding,
        encoding,
        attributes: match model.kind {
            ModelKind::Alias(_) => Vec::new(),
            _ => model.extra_attributes.clone(),
        },
        field_docs: match &model.kind {
            ModelKind::Struct(object) => object.fields.iter().map(field_docs).collect(),
            _ => Vec::new(),
        },
        allow_deprecated: allows_deprecated(model, deprecated),
        constructor: built.map(constructor),
        setters: built
            .map(|object| object.fields.iter().filter_map(setter).collect())
            .unwrap_or_default(),
    }
}

/// Where a model's `Deserialize` comes from. A struct's is written by the
/// generator unless the configuration asks for serde's own: it derives
/// `Deserialize` itself or adds `#[serde(...)]` attributes, which only the
/// derive reads.
fn decoding(model: &Model) -> Decoding {
    let ModelKind::Struct(object) = &model.kind else {
        return Decoding::Own;
    };
    // With a flattened map the derived `Deserialize` would lose decimals'
    // text (see the runtime's `open_object`).
    if object.additional_properties.is_some() {
        return Decoding::OpenObject;
    }
    let configured_serde = model
        .extra_derives
        .iter()
        .any(|d| names_trait(d, "Deserialize"))
        || model
            .extra_attributes
            .iter()
            .any(|a| a.replace(' ', "").contains("serde("));
    if configured_serde {
        Decoding::Own
    } else {
        Decoding::Members
    }
}

/// Whether a derive path names `name` (`Serialize`, `serde::Serialize`).
fn names_trait(path: &str, name: &str) -> bool {
    path.rsplit("::").next().map(str::trim) == Some(name)
}

/// When the model implements `Serialize` (see [`ModelSurface::encodes`]).
fn encodes(model: &Model, derives: &[String]) -> Availability {
    let sent = match &model.kind {
        ModelKind::Enum(_) => true,
        ModelKind::Alias(_) => return Availability::Never,
        ModelKind::Union(union) => union.sent,
        ModelKind::Struct(object) => object.constructible,
    };
    if sent || derives.iter().any(|d| names_trait(d, "Serialize")) {
        Availability::Always
    } else {
        Availability::WithSerializeReceived
    }
}

/// What the type derives: what its kind needs (decoding, encoding,
/// comparing), then the configuration's additions it does not have yet.
fn derives(model: &Model, decoding: Decoding) -> Vec<String> {
    let mut own = vec!["Debug", "Clone", "PartialEq"];
    match &model.kind {
        ModelKind::Struct(object) => {
            if object.constructible {
                own.push("Serialize");
            }
            if decoding == Decoding::Own {
                own.push("Deserialize");
            }
            if object.derive_default {
                own.push("Default");
            }
        }
        ModelKind::Enum(_) => own.extend(["Eq", "Hash"]),
        ModelKind::Union(union) if union.tag.is_none() && union.sent => own.push("Serialize"),
        ModelKind::Union(_) => {}
        ModelKind::Alias(_) => return Vec::new(),
    }
    let mut out: Vec<String> = own.into_iter().map(str::to_owned).collect();
    for extra in &model.extra_derives {
        // `serde::Deserialize` is the `Deserialize` already derived, and
        // `serde::Serialize` the `Serialize`.
        let derived = out.contains(extra)
            || ["Serialize", "Deserialize"]
                .iter()
                .any(|name| names_trait(extra, name) && out.iter().any(|d| d == name));
        if !derived {
            out.push(extra.clone());
        }
    }
    out
}

/// The spec's text, or the item's name in code style when it has none.
fn described(docs: &str, name: &str) -> String {
    if docs.is_empty() {
        format!("`{name}`")
    } else {
        docs.to_owned()
    }
}

fn with_deprecation(mut text: String, deprecated: bool) -> String {
    if deprecated {
        text.push_str("\n\n**Deprecated** by the API.");
    }
    text
}

/// A field's docs, with what `None` means for it.
fn field_docs(field: &Field) -> String {
    let mut text = described(&field.docs, &field.wire_name);
    match field.presence {
        Presence::OptionalNullable => {
            text.push_str("\n\n`None` leaves the field out; `Some(None)` sends `null`.");
        }
        Presence::RequiredNullable => text.push_str("\n\n`None` is sent as `null`."),
        Presence::Required | Presence::Optional => {}
    }
    with_deprecation(text, field.deprecated)
}

fn allows_deprecated(model: &Model, deprecated: &BTreeSet<&str>) -> bool {
    let holds_deprecated = model
        .member_types()
        .into_iter()
        .filter_map(TypeRef::named_model)
        .any(|name| deprecated.contains(name));
    let deprecated_fields =
        matches!(&model.kind, ModelKind::Struct(s) if s.fields.iter().any(|f| f.deprecated));
    model.deprecated || holds_deprecated || deprecated_fields
}

/// `new` of a struct users build: one argument per required field, in
/// order.
pub fn constructor(object: &Struct) -> Method {
    let arguments: Vec<Argument> = object
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .map(|f| Argument {
            name: f.rust_name.clone(),
            passing: Passing::owned(&f.ty),
        })
        .collect();
    let optional_fields = arguments.len() < object.fields.len();
    let docs = match (arguments.is_empty(), optional_fields) {
        (true, false) => "Creates an empty value.",
        (true, true) => {
            "Creates a value with every field left out; set them with the `with_` methods."
        }
        (false, false) => "Creates a value from its fields.",
        (false, true) => {
            "Creates a value from its required fields; set the others with the `with_` methods."
        }
    };
    Method {
        name: Ident::new("new"),
        arguments,
        docs: docs.to_owned(),
        deprecated: false,
    }
}

/// `with_` and the field's name, without the underscores a name that
/// cannot begin an identifier was given (`_0` for the member `0`): the
/// method is `with_0`, since `with__0` is not snake case.
fn setter_name(field: &Ident) -> Ident {
    Ident::new(format!("with_{}", field.bare().trim_start_matches('_')))
}

/// `with_<field>`, for a field that may be left out.
fn setter(field: &Field) -> Option<FieldSetter> {
    let (stores, note) = match field.presence {
        Presence::Required => return None,
        Presence::OptionalNullable => (
            SetValue::SomeSome,
            " To send `null`, set the field to `Some(None)`.",
        ),
        Presence::RequiredNullable | Presence::Optional => (SetValue::Some, ""),
    };
    Some(FieldSetter {
        method: Method {
            name: setter_name(&field.rust_name),
            arguments: vec![Argument {
                name: Ident::new("value"),
                passing: Passing::owned(&field.ty),
            }],
            docs: format!("Sets `{}`.{note}", field.wire_name),
            deprecated: field.deprecated,
        },
        field: field.rust_name.clone(),
        stores,
    })
}
