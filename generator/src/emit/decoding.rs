//! The `Deserialize` impls of structs that the generator writes rather than
//! derives (see [`Decoding`](crate::surface::Decoding)). The models module
//! imports the runtime's `serde_support::object` as `object`: a path's
//! first segment is looked up among modules, so no field's local of that
//! name can hide it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::models::field_type_and_serde;
use crate::emit::tokens::ident;
use crate::ir::{AdditionalProperties, Presence, Struct};

/// `Deserialize` reading an object member by member through the runtime's
/// `serde_support::object`: each listed member into a slot, unknown ones
/// skipped, then the struct built from the slots. The visitor is named
/// with underscores no model name has, so it shadows no field's type.
pub fn members_deserialize(name: &Ident, object: &Struct, allow: &TokenStream) -> TokenStream {
    let expecting = format!("struct {name}");
    let slots = slot_names(object);
    let fields = object.fields.iter().map(|f| ident(&f.rust_name));
    let read = read_members(object, &slots);
    let built = object
        .fields
        .iter()
        .zip(&slots)
        .zip(fields)
        .map(|((field, slot), name)| {
            let wire = &field.wire_name;
            match field.presence {
                Presence::Required => quote!(#name: object::required(#slot, #wire)?,),
                // Absent or `null`: both `None`, as serde's derive reads them.
                Presence::RequiredNullable | Presence::Optional => quote!(#name: #slot.flatten(),),
                // The slot holds what was read: `None` when absent.
                Presence::OptionalNullable => quote!(#name: #slot,),
            }
        });
    quote! {
        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;

                #allow
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut __map: A,
                    ) -> Result<#name, A::Error> {
                        #(let mut #slots = None;)*
                        #read
                        Ok(#name { #(#built)* })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// One local per field, `slot_` and the field's name: a field's own name
/// may be one clippy refuses for a local (`_0`) or the decoder's own
/// (`__map`). Named rather than numbered, so that a field added between
/// others changes no other field's lines. Leading underscores are dropped
/// (`slot__0` would not be snake case); a name that two fields would share
/// takes the field's position as well.
fn slot_names(object: &Struct) -> Vec<Ident> {
    let mut taken = std::collections::BTreeSet::new();
    object
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let base = format!("slot_{}", field.rust_name.bare().trim_start_matches('_'));
            let mut name = base.clone();
            let mut suffix = index;
            while taken.contains(&name) {
                name = format!("{base}_{suffix}");
                suffix += 1;
            }
            taken.insert(name.clone());
            quote::format_ident!("{name}")
        })
        .collect()
}

/// The loop over the members: a listed one fills its slot (a nullable one
/// reads an `Option`, so `null` is `Some(None)` there), others are skipped.
fn read_members(object: &Struct, slots: &[Ident]) -> TokenStream {
    if object.fields.is_empty() {
        return quote! {
            while __map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                object::skip(&mut __map)?;
            }
        };
    }
    let arms = object.fields.iter().zip(slots).map(|(field, slot)| {
        let wire = &field.wire_name;
        quote! {
            #wire => object::fill(&mut #slot, &mut __map, #wire)?,
        }
    });
    quote! {
        while let Some(__key) =
            __map.next_key::<object::Key<'de>>()?
        {
            match __key.as_str() {
                #(#arms)*
                _ => object::skip(&mut __map)?,
            }
        }
    }
}

/// `Deserialize` for a struct with listed properties and a map of the
/// others: a private struct of the listed fields, with the same serde
/// attributes, decodes them, and the runtime the rest (`open_object`).
pub fn open_deserialize(
    name: &Ident,
    object: &Struct,
    additional: &AdditionalProperties,
    allow: &TokenStream,
) -> TokenStream {
    // The private struct's name has underscores no model name has, so it
    // shadows none that a field's type may name.
    let fields = object.fields.iter().map(|f| {
        let name = ident(&f.rust_name);
        let (ty, serde) = field_type_and_serde(f);
        let serde = serde.map(|serde| quote!(#[#serde]));
        quote!(#serde #name: #ty,)
    });
    let names: Vec<_> = object.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let wire = object.fields.iter().map(|f| &f.wire_name);
    let others = ident(&additional.rust_name);
    quote! {
        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                struct __Listed {
                    #(#fields)*
                }
                let (listed, #others): (__Listed, _) =
                    crate::runtime::serde_support::open_object::split(deserializer, &[#(#wire),*])?;
                Ok(Self {
                    #(#names: listed.#names,)*
                    #others,
                })
            }
        }
    }
}
