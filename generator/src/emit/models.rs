//! `models.rs`: one Rust type per model.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::tokens::{docs, ident, rust_type, ModelPath};
use crate::ir::{Field, Model, ModelKind, PageShape, Presence, StringEnum, Struct, TypeRef, Union};

/// The models module.
pub fn models_file(models: &[Model]) -> TokenStream {
    let items = models.iter().map(model);
    let derives_serde = models
        .iter()
        .any(|m| matches!(m.kind, ModelKind::Struct(_) | ModelKind::Union(_)))
        .then(|| {
            quote!(
                use serde::{Deserialize, Serialize};
            )
        });
    quote! {
        //! Types of the API's requests and responses.

        // Nested optional maps and lists are spelled out rather than hidden
        // behind aliases, so that each field's type reads as the spec says.
        #![allow(clippy::type_complexity)]

        #derives_serde

        #(#items)*
    }
}

fn model(model: &Model) -> TokenStream {
    let docs = docs(&model_docs(model));
    let body = match &model.kind {
        ModelKind::Struct(object) => struct_item(&model.name, object),
        ModelKind::Enum(values) => enum_item(&model.name, values),
        ModelKind::Union(union) => union_item(&model.name, union),
        ModelKind::Alias(ty) => alias_item(&model.name, ty),
    };
    quote! {
        #docs
        #body
    }
}

fn model_docs(model: &Model) -> String {
    let mut text = if model.docs.is_empty() {
        format!("`{}`", model.name)
    } else {
        model.docs.clone()
    };
    if model.deprecated {
        text.push_str("\n\n**Deprecated** by the API.");
    }
    text
}

fn struct_item(name: &str, object: &Struct) -> TokenStream {
    let name = ident(name);
    let derive_default = object.derive_default.then(|| quote!(, Default));
    let fields = object.fields.iter().map(field);
    let additional = object.additional_properties.as_ref().map(|additional| {
        let name = ident(&additional.rust_name);
        let value = rust_type(&additional.ty, ModelPath::Local);
        let map = match additional.ty {
            TypeRef::Json => quote!(serde_json::Map<String, #value>),
            _ => quote!(std::collections::BTreeMap<String, #value>),
        };
        quote! {
            /// Properties not listed above.
            #[serde(flatten)]
            pub #name: #map,
        }
    });
    let page = object.page.as_ref().map(|page| page_impl(&name, page));
    quote! {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize #derive_default)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #page
    }
}

fn page_impl(name: &proc_macro2::Ident, page: &PageShape) -> TokenStream {
    let item = rust_type(&page.item, ModelPath::Local);
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
        impl crate::runtime::Page for #name {
            type Item = #item;

            fn next_link(&self) -> Option<&str> {
                #next_link.filter(|link| !link.is_empty())
            }

            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let docs = docs(&field_docs(field));
    let name = ident(&field.rust_name);
    let ty = rust_type(&field.ty, ModelPath::Local);
    let bare_name = field.rust_name.trim_start_matches("r#");
    let wire = &field.wire_name;
    let rename = (bare_name != wire).then(|| quote!(rename = #wire,));
    let (ty, attrs) = match field.presence {
        Presence::Required => (ty, quote!()),
        Presence::RequiredNullable => (quote!(Option<#ty>), quote!()),
        Presence::Optional => (
            quote!(Option<#ty>),
            quote!(default, skip_serializing_if = "Option::is_none",),
        ),
        Presence::OptionalNullable => (
            quote!(Option<Option<#ty>>),
            quote!(
                default,
                skip_serializing_if = "Option::is_none",
                with = "crate::runtime::serde_support::double_option",
            ),
        ),
    };
    let serde = if rename.is_some() || !attrs.is_empty() {
        quote!(#[serde(#rename #attrs)])
    } else {
        quote!()
    };
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

fn field_docs(field: &Field) -> String {
    let mut text = if field.docs.is_empty() {
        format!("`{}`", field.wire_name)
    } else {
        field.docs.clone()
    };
    match field.presence {
        Presence::OptionalNullable => {
            text.push_str("\n\n`None` leaves the field out; `Some(None)` sends `null`.");
        }
        Presence::RequiredNullable => text.push_str("\n\n`None` is sent as `null`."),
        Presence::Required | Presence::Optional => {}
    }
    if field.deprecated {
        text.push_str("\n\n**Deprecated** by the API.");
    }
    text
}

fn enum_item(name: &str, values: &StringEnum) -> TokenStream {
    let name = ident(name);
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
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; the text is kept.
            #unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

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

fn union_item(name: &str, union: &Union) -> TokenStream {
    let name = ident(name);
    let variants = union.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, ModelPath::Local);
        let doc = format!(" A value of type `{}`.", type_label(&v.ty));
        quote!(#[doc = #doc] #variant(#ty),)
    });
    quote! {
        // Alternatives differ in size by nature; boxing them would only make
        // the values harder to build and match.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn type_label(ty: &TypeRef) -> String {
    rust_type(ty, ModelPath::Local).to_string().replace(' ', "")
}

fn alias_item(name: &str, ty: &TypeRef) -> TokenStream {
    let name = ident(name);
    let ty = rust_type(ty, ModelPath::Local);
    quote!(pub type #name = #ty;)
}
