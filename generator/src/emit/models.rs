//! `models.rs`: one Rust type per model.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::decoding::{members_deserialize, open_deserialize, SlotKinds};
use crate::emit::encoding::{members_serialize, ValueKinds};
use crate::emit::features::{allow_unused_imports, any_of, gate};
use crate::emit::tokens::{allow_many_arguments, docs, ident, parameters, rust_type, Scope};
use crate::ir::{
    Api, Field, Model, ModelKind, PageShape, Presence, StringEnum, Struct, TypeRef, Union,
    UnionTag, UnionVariant,
};
use crate::surface::{
    Availability, Decoding, Encoding, FieldSetter, Method, ModelSurface, ReexportOrigin, SetValue,
    Surface, SERIALIZE_RECEIVED,
};

/// The models module.
pub fn models_file(api: &Api, surface: &Surface) -> TokenStream {
    let models = &api.models;
    let written = structs_where(api, surface, |s| s.decoding == Decoding::Members);
    let encoded = structs_where(api, surface, |s| s.encoding == Encoding::Members);
    let kinds = Kinds {
        slots: SlotKinds::new(written.iter().copied()),
        values: ValueKinds::new(encoded.iter().copied()),
    };
    let slots = kinds.slots.module().map(|declaration| {
        gate(
            declaration,
            &any_of(written.iter().map(|(_, features)| *features)),
        )
    });
    let values = kinds.values.module().map(|declaration| {
        gate(
            declaration,
            &any_of(encoded.iter().map(|(_, features)| *features)),
        )
    });
    let items = models
        .iter()
        .zip(&surface.models)
        .map(|(m, s)| gate(model(m, s, &kinds), api.features.of_model(&m.name)));
    let allow_unused = allow_unused_imports(!api.features.tags.is_empty());
    let reexports_base64 = surface
        .reexports
        .iter()
        .any(|r| r.origin == ReexportOrigin::Models);
    let base64 = reexports_base64.then(|| {
        quote! {
            pub use crate::runtime::serde_support::Base64;
        }
    });
    // Every struct and union implements `Deserialize`; `Serialize` is
    // named unqualified only where it is always derived (the feature's
    // derives and impls spell out `serde::Serialize`).
    let decodes = models
        .iter()
        .any(|m| matches!(m.kind, ModelKind::Struct(_) | ModelKind::Union(_)));
    let encodes = surface
        .models
        .iter()
        .any(|m| m.derives.iter().any(|d| d == "Serialize"));
    let derives_serde = match (decodes, encodes) {
        (true, true) => Some(quote!(
            use serde::{Deserialize, Serialize};
        )),
        (true, false) => Some(quote!(
            use serde::Deserialize;
        )),
        (false, _) => None,
    };
    // Structs whose decoding or encoding is written read and write their
    // members with it.
    let object = (!written.is_empty() || !encoded.is_empty()).then(|| {
        quote!(
            use crate::runtime::serde_support::object;
        )
    });
    quote! {
        //! Types of the API's requests and responses.

        // Nested optional maps and lists are spelled out rather than hidden
        // behind aliases, so that each field's type reads as the spec says.
        #![allow(clippy::type_complexity)]
        #allow_unused

        #derives_serde
        #object
        #base64

        #slots
        #values
        #(#items)*
    }
}

/// The structs whose surface says `which`, each with the features that
/// compile it (none: always), in the models' order.
fn structs_where<'a>(
    api: &'a Api,
    surface: &Surface,
    which: impl Fn(&ModelSurface) -> bool,
) -> Vec<(&'a Struct, &'a [String])> {
    api.models
        .iter()
        .zip(&surface.models)
        .filter(|(_, s)| which(s))
        .filter_map(|(m, _)| match &m.kind {
            ModelKind::Struct(object) => Some((object, api.features.of_model(&m.name))),
            _ => None,
        })
        .collect()
}

/// The kinds the structs with written decoding and encoding read and write
/// their members as.
struct Kinds {
    slots: SlotKinds,
    values: ValueKinds,
}

fn model(model: &Model, surface: &ModelSurface, kinds: &Kinds) -> TokenStream {
    let docs = docs(&surface.docs);
    let marker = model.deprecated.then(|| quote!(#[deprecated]));
    let allow = if surface.allow_deprecated {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    let body = match &model.kind {
        ModelKind::Struct(object) => struct_item(&model.name, object, surface, kinds, &allow),
        ModelKind::Enum(values) => enum_item(&model.name, values, surface, &allow),
        ModelKind::Union(union) => match &union.tag {
            Some(tag) => tagged_union_item(&model.name, union, tag, surface, &allow),
            None => union_item(&model.name, union, surface, &allow),
        },
        ModelKind::Alias(ty) => alias_item(&model.name, ty, &allow),
    };
    quote! {
        #docs
        #marker
        #body
    }
}

fn struct_item(
    name: &str,
    object: &Struct,
    surface: &ModelSurface,
    kinds: &Kinds,
    allow: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let fields = object
        .fields
        .iter()
        .zip(&surface.field_docs)
        .map(|(f, docs)| field(f, docs, surface.serde_attributes));
    let flatten = available(quote!(serde(flatten)), surface.serde_attributes);
    let additional = object.additional_properties.as_ref().map(|additional| {
        let name = ident(&additional.rust_name);
        let value = rust_type(&additional.ty, Scope::Models);
        let map = match additional.ty {
            TypeRef::Json => quote!(serde_json::Map<String, #value>),
            _ => quote!(std::collections::BTreeMap<String, #value>),
        };
        quote! {
            /// Properties not listed above.
            #flatten
            pub #name: #map,
        }
    });
    let page = object
        .page
        .as_ref()
        .map(|page| page_impl(&name, page, allow));
    let constructors = surface
        .constructor
        .as_ref()
        .map(|new| constructors(&name, object, new, &surface.setters, allow));
    let deserialize = match (surface.decoding, &object.additional_properties) {
        (Decoding::Members, _) => Some(members_deserialize(&name, object, &kinds.slots, allow)),
        (Decoding::OpenObject, Some(additional)) => {
            Some(open_deserialize(&name, object, additional, allow))
        }
        _ => None,
    };
    let serialize = (surface.encoding == Encoding::Members)
        .then(|| members_serialize(&name, object, &kinds.values, allow));
    let derives = type_attributes(surface);
    quote! {
        #allow
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #serialize
        #deserialize
        #constructors
        #page
    }
}

/// `new` and the `with_` setters, as the surface describes them.
fn constructors(
    name: &proc_macro2::Ident,
    object: &Struct,
    new: &Method,
    setters: &[FieldSetter],
    allow: &TokenStream,
) -> TokenStream {
    let new = new_method(object, new);
    let setters = setters.iter().map(setter);
    quote! {
        #allow
        impl #name {
            #new

            #(#setters)*
        }
    }
}

fn new_method(object: &Struct, new: &Method) -> TokenStream {
    let arguments = parameters(new, Scope::Models);
    let mut stored = new.arguments.iter();
    let values = object.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        if field.presence != Presence::Required {
            return quote!(#name: None,);
        }
        let value = stored
            .next()
            .and_then(|argument| argument.passing.stored_value(&quote!(#name)));
        match value {
            Some(value) => quote!(#name: #value,),
            None => quote!(#name,),
        }
    });
    let additional = object.additional_properties.as_ref().map(|additional| {
        let name = ident(&additional.rust_name);
        let map = match additional.ty {
            TypeRef::Json => quote!(serde_json::Map),
            _ => quote!(std::collections::BTreeMap),
        };
        quote!(#name: #map::new(),)
    });
    let too_many = allow_many_arguments(new, false);
    // A `new` without arguments only exists when every field is optional,
    // and then `Default` is derived; the allow is a guard, not the rule.
    let without_default = (new.arguments.is_empty() && !object.derive_default)
        .then(|| quote!(#[allow(clippy::new_without_default)]));
    let docs = docs(&new.docs);
    quote! {
        #docs
        #[must_use]
        #too_many
        #without_default
        pub fn new(#(#arguments),*) -> Self {
            Self {
                #(#values)*
                #additional
            }
        }
    }
}

/// `with_<field>`: sets one field that may be left out.
fn setter(setter: &FieldSetter) -> TokenStream {
    let field = ident(&setter.field);
    let method = ident(&setter.method.name);
    let arguments = parameters(&setter.method, Scope::Models);
    let value = setter.method.arguments.first().map_or_else(
        || quote!(value),
        |argument| {
            argument
                .passing
                .stored_value(&quote!(value))
                .unwrap_or_else(|| quote!(value))
        },
    );
    let value = match setter.stores {
        SetValue::Some => quote!(Some(#value)),
        SetValue::SomeSome => quote!(Some(Some(#value))),
    };
    let docs = docs(&setter.method.docs);
    let deprecated = setter.method.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #[must_use]
        #deprecated
        pub fn #method(mut self, #(#arguments),*) -> Self {
            self.#field = #value;
            self
        }
    }
}

fn page_impl(name: &proc_macro2::Ident, page: &PageShape, allow: &TokenStream) -> TokenStream {
    let item = rust_type(&page.item, Scope::Models);
    let items = ident(&page.items_field);
    let next = ident(&page.next_field);
    let next_link = match page.next_presence {
        Presence::Required => quote!(Some(self.#next.as_str())),
        Presence::RequiredNullable | Presence::Optional => quote!(self.#next.as_deref()),
        Presence::OptionalNullable => quote!(self.#next.as_ref().and_then(Option::as_deref)),
    };
    let into_items = match page.items_presence {
        Presence::Required => quote!(self.#items),
        Presence::RequiredNullable | Presence::Optional => quote!(self.#items.unwrap_or_default()),
        Presence::OptionalNullable => quote!(self.#items.flatten().unwrap_or_default()),
    };
    quote! {
        #allow
        impl crate::runtime::Page for #name {
            type Item = #item;

            fn next_link(&self) -> Option<&str> {
                // A `match`, not `Option::filter` with a closure: that
                // compiles a copy of `filter` per page type.
                match #next_link {
                    Some("") => None,
                    link => link,
                }
            }

            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// A struct's field; its `#[serde(...)]` attribute is compiled when a serde
/// derive reads it (`serde_attributes`).
fn field(field: &Field, field_docs: &str, serde_attributes: Availability) -> TokenStream {
    let docs = docs(field_docs);
    let name = ident(&field.rust_name);
    let (ty, serde) = field_type_and_serde(field);
    let serde = serde.map(|serde| available(serde, serde_attributes));
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        #serde
        pub #name: #ty,
    }
}

/// `#[attribute]`, when the surface says it is compiled: always, under the
/// feature that adds `Serialize` to received types (`cfg_attr`), or never.
fn available(attribute: TokenStream, when: Availability) -> TokenStream {
    match when {
        Availability::Always => quote!(#[#attribute]),
        Availability::WithSerializeReceived => {
            quote!(#[cfg_attr(feature = #SERIALIZE_RECEIVED, #attribute)])
        }
        Availability::Never => quote!(),
    }
}

/// A field's Rust type and the content of its `#[serde(...)]` attribute,
/// `serde(...)` (if it needs one).
pub(super) fn field_type_and_serde(field: &Field) -> (TokenStream, Option<TokenStream>) {
    let ty = field_type(field, Scope::Models);
    let bare_name = field.rust_name.bare();
    let wire = &field.wire_name;
    let rename = (bare_name != wire).then(|| quote!(rename = #wire,));
    let attrs = match field.presence {
        Presence::Required | Presence::RequiredNullable => quote!(),
        Presence::Optional => quote!(default, skip_serializing_if = "Option::is_none",),
        Presence::OptionalNullable => quote!(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::runtime::serde_support::double_option",
        ),
    };
    let serde = (rename.is_some() || !attrs.is_empty()).then(|| quote!(serde(#rename #attrs)));
    (ty, serde)
}

/// A field's Rust type, as `scope` spells it: its value's, in an `Option`
/// when it may be `null` or absent, in two when it may be both.
pub(super) fn field_type(field: &Field, scope: Scope) -> TokenStream {
    let ty = rust_type(&field.ty, scope);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(Option<Option<#ty>>),
    }
}

fn enum_item(
    name: &str,
    values: &StringEnum,
    surface: &ModelSurface,
    allow: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let derives = type_attributes(surface);
    let unknown = ident(&values.unknown_variant);
    let variants = values.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = format!(" `{}`", v.wire_value);
        quote!(#[doc = #doc] #variant,)
    });
    let to_wire = values.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote!(Self::#variant => #wire,)
    });
    let from_wire = values.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; the text is kept.
            #unknown(String),
        }

        #allow
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        #allow
        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::#unknown(value),
                }
            }
        }

        crate::runtime::serde_support::open_enum!(#name);
    }
}

fn union_item(
    name: &str,
    union: &Union,
    surface: &ModelSurface,
    allow: &TokenStream,
) -> TokenStream {
    let derives = type_attributes(surface);
    let label = name;
    let name = ident(name);
    let variants = union.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Models);
        let doc = format!(" A value of type `{}`.", type_label(&v.ty));
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let untagged = available(quote!(serde(untagged)), surface.serde_attributes);
    let attempts = union.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        quote! {
            if let Some(value) = crate::runtime::serde_support::untagged::variant(&raw) {
                return Ok(Self::#variant(value));
            }
        }
    });
    quote! {
        // Alternatives differ in size by nature; boxing them would only make
        // the values harder to build and match.
        #allow
        #[allow(clippy::large_enum_variant)]
        #derives
        #untagged
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        // Decoded from the value's JSON text, not serde's untagged buffer,
        // so that decimals inside keep every digit.
        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = crate::runtime::serde_support::untagged::capture(deserializer)?;
                #(#attempts)*
                Err(crate::runtime::serde_support::untagged::no_match(#label))
            }
        }
    }
}

/// A union whose variant is named by a tag property. Serde's own tagged
/// enums take the tag out before the variant sees it, but the variant types
/// declare the property themselves (and are used on their own too), so
/// the impls read the tag and hand each variant the whole object; an
/// unknown tag keeps the object whole.
fn tagged_union_item(
    name: &str,
    union: &Union,
    tag: &UnionTag,
    surface: &ModelSurface,
    allow: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let derives = type_attributes(surface);
    let property = &tag.property;
    let unknown = ident(&tag.unknown_variant);
    let variants = union.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Models);
        let doc = format!(" {}.", tag_docs(property, v));
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let unknown_doc = format!(
        " An object whose `{property}` this version of the client does not know, kept whole."
    );
    let wire_impls = tagged_union_wire(&name, union, tag, surface.encodes, allow);
    quote! {
        // Alternatives differ in size by nature; boxing them would only make
        // the values harder to build and match.
        #allow
        #[allow(clippy::large_enum_variant)]
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(serde_json::Value),
        }

        #wire_impls
    }
}

/// `Deserialize` of a tagged union, and `Serialize` when it `encodes`: each
/// variant is read by its tag and written with it.
fn tagged_union_wire(
    name: &proc_macro2::Ident,
    union: &Union,
    tag: &UnionTag,
    encodes: Availability,
    allow: &TokenStream,
) -> TokenStream {
    let property = &tag.property;
    let unknown = ident(&tag.unknown_variant);
    let to_wire = union.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let values = &v.tag_values;
        quote! {
            Self::#variant(value) => crate::runtime::serde_support::tagged::serialize(
                serializer, #property, &[#(#values),*], value,
            ),
        }
    });
    let from_wire = union.variants.iter().filter(|v| !v.tag_values.is_empty()).map(|v| {
        let variant = ident(&v.rust_name);
        let values = &v.tag_values;
        quote! {
            #(#values)|* => crate::runtime::serde_support::tagged::variant(&raw).map(Self::#variant),
        }
    });
    let compiled = match encodes {
        Availability::Always => Some(quote!()),
        Availability::WithSerializeReceived => Some(quote!(#[cfg(feature = #SERIALIZE_RECEIVED)])),
        Availability::Never => None,
    };
    let serialize = compiled.map(|compiled| {
        quote! {
            #allow
            #compiled
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#to_wire)*
                        Self::#unknown(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    });
    quote! {
        #serialize

        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, raw) =
                    crate::runtime::serde_support::tagged::split(deserializer, #property)?;
                match tag.as_str() {
                    #(#from_wire)*
                    _ => crate::runtime::serde_support::tagged::unknown(&raw).map(Self::#unknown),
                }
            }
        }
    }
}

/// "`kind` is `"dog"`" or "`kind` is `"dog"` or `"puppy"`".
fn tag_docs(property: &str, variant: &UnionVariant) -> String {
    let values: Vec<String> = variant
        .tag_values
        .iter()
        .map(|v| format!("`{v:?}`"))
        .collect();
    format!("`{property}` is {}", values.join(" or "))
}

fn type_label(ty: &TypeRef) -> String {
    rust_type(ty, Scope::Models).to_string().replace(' ', "")
}

fn alias_item(name: &str, ty: &TypeRef, allow: &TokenStream) -> TokenStream {
    let name = ident(name);
    let ty = rust_type(ty, Scope::Models);
    quote! {
        #allow
        pub type #name = #ty;
    }
}

/// `#[derive(...)]` of the traits the surface lists (none for none), then
/// the attributes it adds: after the derive, so that a derive's helper
/// attributes (`#[serde(...)]`) are in its scope.
fn type_attributes(surface: &ModelSurface) -> TokenStream {
    // The configuration's paths and attributes were checked when it was
    // read; text that still does not parse is kept out rather than trusted.
    let derive = derive_meta(&surface.derives).map(|derive| quote!(#[#derive]));
    let optional = derive_meta(&surface.derives_serialize_received)
        .map(|derive| quote!(#[cfg_attr(feature = #SERIALIZE_RECEIVED, #derive)]));
    let attributes = surface
        .attributes
        .iter()
        .filter_map(|text| crate::config::parse_attributes(text))
        .flatten();
    quote!(#derive #optional #(#attributes)*)
}

/// `derive(A, B)` for the given trait paths; none for an empty list.
fn derive_meta(paths: &[String]) -> Option<TokenStream> {
    let paths: Vec<syn::Path> = paths
        .iter()
        .filter_map(|path| syn::parse_str(path).ok())
        .collect();
    (!paths.is_empty()).then(|| quote!(derive(#(#paths),*)))
}
