//! The `Serialize` impls of structs that the generator writes rather than
//! derives (see [`Encoding`](crate::surface::Encoding)), and the models'
//! module `__values` they write their members with. serde's derive writes
//! each member through the serializer's own generic code for the member's
//! type: that code is compiled once per member type. Here every member is
//! handed to the runtime's `object::write` as a value of one enum, so the
//! serializer's code is compiled once for all.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::kinds::KindTable;
use crate::emit::models;
use crate::emit::tokens::{ident, rust_type, Scope};
use crate::ir::{Field, Presence, Struct};

/// `Serialize` writing the struct's members in order through the runtime's
/// `object::write`, each as the `__values::Value` kind of its field's type;
/// an optional member that is `None` is left out, as the derive's
/// `skip_serializing_if = "Option::is_none"` does.
pub fn members_serialize(
    name: &Ident,
    object: &Struct,
    kinds: &ValueKinds,
    allow: &TokenStream,
) -> TokenStream {
    let type_name = name.to_string();
    let members = object.fields.iter().map(|field| {
        let wire = &field.wire_name;
        let kind = kinds.of(field);
        let field_name = ident(&field.rust_name);
        quote!((#wire, __values::Value::#kind(&self.#field_name)),)
    });
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                __values::write(serializer, #type_name, &[#(#members)*])
            }
        }
    }
}

/// The value kinds of a crate's structs with written encoding: one per
/// field type, each compiled under the features of the structs that have
/// one. The kind of an optional field's `Option` is absent when `None`.
pub struct ValueKinds {
    table: KindTable,
    /// Whether each kind of `table`, in the same order, is an optional
    /// field's `Option`.
    optional: Vec<bool>,
}

impl ValueKinds {
    /// `structs`: each struct with written encoding and the features that
    /// compile it (none: always), in the models' order.
    pub fn new<'a>(structs: impl Iterator<Item = (&'a Struct, &'a [String])>) -> Self {
        let mut kinds = ValueKinds {
            table: KindTable::default(),
            optional: Vec::new(),
        };
        for (object, features) in structs {
            for field in &object.fields {
                // The values module names models through `models`.
                let (_, added) = kinds.table.add(
                    &key(field),
                    models::field_type(field, Scope::Crate),
                    features,
                );
                if added {
                    kinds.optional.push(matches!(
                        field.presence,
                        Presence::Optional | Presence::OptionalNullable
                    ));
                }
            }
        }
        kinds.table.settle();
        kinds
    }

    /// The kind `field`'s value is written as.
    fn of(&self, field: &Field) -> Ident {
        self.table.of(&key(field))
    }

    /// The models' module `__values`: the value kinds, as the runtime's
    /// `object::Value`; none without structs with written encoding.
    pub fn module(&self) -> Option<TokenStream> {
        if self.table.is_empty() {
            return None;
        }
        let cfgs = self.table.cfgs();
        let names = self.table.names();
        let types = self.table.kinds().iter().map(|kind| &kind.tokens);
        let absent: Vec<TokenStream> = cfgs
            .iter()
            .zip(&names)
            .zip(&self.optional)
            .filter(|(_, optional)| **optional)
            .map(|((cfg, name), _)| quote!(#cfg Self::#name(None) => true,))
            .collect();
        let absent = if absent.is_empty() {
            quote!(false)
        } else {
            quote! {
                match *self {
                    #(#absent)*
                    _ => false,
                }
            }
        };
        Some(quote! {
            /// How the structs write their members: a kind of value per
            /// type they have a member of (the runtime's `object::Value`).
            mod __values {
                #![allow(deprecated)]

                // The kinds' types name models through it (`models::Name`);
                // a glob import of the models would let a model named like
                // an item here be shadowed by it.
                #[allow(unused_imports)]
                use crate::models;
                use crate::runtime::serde_support::object;

                /// A member's value, borrowed from the struct being written.
                // Each kind is named after its type, which may share a word
                // with the others, and borrows a field as it is declared (a
                // recursive one is boxed).
                #[allow(clippy::enum_variant_names, clippy::borrowed_box)]
                pub(super) enum Value<'a> {
                    #(
                        #cfgs
                        #names(&'a #types),
                    )*
                    /// Never made: it keeps the lifetime used when the
                    /// features compile no other kind.
                    #[allow(dead_code)]
                    Never(std::convert::Infallible, std::marker::PhantomData<&'a ()>),
                }

                impl serde::Serialize for Value<'_> {
                    fn serialize<S: serde::Serializer>(
                        &self,
                        serializer: S,
                    ) -> Result<S::Ok, S::Error> {
                        match *self {
                            #(
                                #cfgs
                                Self::#names(value) => serde::Serialize::serialize(value, serializer),
                            )*
                            Self::Never(never, _) => match never {},
                        }
                    }
                }

                /// Writes a struct's members (`object::write`, for these
                /// kinds: an empty list of members names its type).
                pub(super) fn write<S: serde::Serializer>(
                    serializer: S,
                    name: &'static str,
                    members: &[(&'static str, Value<'_>)],
                ) -> Result<S::Ok, S::Error> {
                    object::write(serializer, name, members)
                }

                impl object::Value for Value<'_> {
                    // With features, the arms that are compiled vary.
                    #[allow(clippy::match_like_matches_macro)]
                    fn absent(&self) -> bool {
                        #absent
                    }
                }
            }
        })
    }
}

/// What tells a field's kind from the others, and names it: its type as
/// the models spell it, but `Nullable<T>` for a required field that may be
/// `null`. Its `Option` is written as `null` when `None`, where an optional
/// field's is left out, so the two are kinds of their own.
fn key(field: &Field) -> TokenStream {
    match field.presence {
        Presence::RequiredNullable => {
            let ty = rust_type(&field.ty, Scope::Models);
            quote!(Nullable<#ty>)
        }
        _ => models::field_type(field, Scope::Models),
    }
}
