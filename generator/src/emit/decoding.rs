//! The `Deserialize` impls of structs that the generator writes rather than
//! derives (see [`Decoding`](crate::surface::Decoding)), and the models'
//! module `__slots` they read their members with. The models module
//! imports the runtime's `serde_support::object` as `object`: a path's
//! first segment is looked up among modules, so no field's local of that
//! name can hide it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::kinds::KindTable;
use crate::emit::models::field_type_and_serde;
use crate::emit::tokens::{ident, rust_type, Scope};
use crate::ir::{AdditionalProperties, Field, Presence, Struct, TypeRef};

/// `Deserialize` reading an object member by member through the runtime's
/// `object::read`: a private struct of slots, one per field, is the
/// struct's `object::Slots`; each listed member is read into its slot (of
/// the models' `__slots::Slot` kind for its type), unknown ones skipped,
/// then the struct is built from the slots. The private struct is named
/// with underscores no model name has, so it shadows no field's type.
pub fn members_deserialize(
    name: &Ident,
    object: &Struct,
    kinds: &SlotKinds,
    allow: &TokenStream,
) -> TokenStream {
    let expecting = format!("struct {name}");
    let not_built = format!("struct {name} was not built");
    let slots = slot_names(object);
    let slot_types = object.fields.iter().map(|field| {
        let read = read_type(field, Scope::Models);
        quote!(Option<#read>)
    });
    let slot = slot_of_member(object, &slots, kinds);
    let missing = missing(object, &slots);
    let build = build(name, object, &slots);
    quote! {
        #allow
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Generic only so that a struct no code reads compiles no
                // slots (code that is not generic is compiled whether used
                // or not): `R` is the deserializer.
                struct __Slots<R> {
                    #(#slots: #slot_types,)*
                    reader: std::marker::PhantomData<fn() -> R>,
                }

                #allow
                impl<R> object::Slots<__slots::Kinds> for __Slots<R> {
                    #slot
                    #missing
                }

                #allow
                impl<R> __Slots<R> {
                    #build
                }

                let mut slots = __Slots::<D> {
                    #(#slots: None,)*
                    reader: std::marker::PhantomData,
                };
                __slots::read(deserializer, &mut slots, #expecting)?;
                match slots.build() {
                    Some(value) => Ok(value),
                    // `read` fails whenever a required member is missing.
                    None => Err(serde::de::Error::custom(#not_built)),
                }
            }
        }
    }
}

/// The required fields and their slots.
fn required<'a>(
    object: &'a Struct,
    slots: &'a [Ident],
) -> impl Iterator<Item = (&'a Field, &'a Ident)> {
    object
        .fields
        .iter()
        .zip(slots)
        .filter(|(field, _)| field.presence == Presence::Required)
}

/// `Slots::missing`: the first required member not read, by patterns
/// alone (no method call, so nothing generic per slot type).
fn missing(object: &Struct, slots: &[Ident]) -> TokenStream {
    let arms: Vec<TokenStream> = required(object, slots)
        .map(|(field, slot)| {
            let wire = &field.wire_name;
            quote!(Self { #slot: None, .. } => Some(#wire),)
        })
        .collect();
    // None required: the trait's own `missing`, which finds none.
    if arms.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn missing(&self) -> Option<&'static str> {
            match self {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// Builds the struct from its slots, taken by value: moving out of them
/// takes no call (`Option::take` would be one, and a copy of it per slot
/// type), and a missing member (which `missing` has already reported)
/// drops the slots whole. Only required fields are bound by the pattern,
/// so that adding an optional one changes no line of it.
fn build(name: &Ident, object: &Struct, slots: &[Ident]) -> TokenStream {
    let bound: Vec<&Ident> = required(object, slots).map(|(_, slot)| slot).collect();
    let built = object.fields.iter().zip(slots).map(|(field, slot)| {
        let name = ident(&field.rust_name);
        match field.presence {
            Presence::Required => quote!(#name: #slot,),
            // Absent or `null`: both `None`, as serde's derive reads them.
            Presence::RequiredNullable | Presence::Optional => {
                quote!(#name: self.#slot.flatten(),)
            }
            // The slot holds what was read: `None` when absent.
            Presence::OptionalNullable => quote!(#name: self.#slot,),
        }
    });
    let destructure = (!bound.is_empty())
        .then(|| quote!(let Self { #(#bound: Some(#bound),)* .. } = self else { return None; };));
    quote! {
        fn build(self) -> Option<#name> {
            #destructure
            Some(#name { #(#built)* })
        }
    }
}

/// The type a member's value is read as: the field's, but an `Option` for
/// a nullable or optional one (so `null` is `Some(None)` in its slot).
fn read_type(field: &Field, scope: Scope) -> TokenStream {
    Read::of(field).tokens(scope)
}

/// A type a slot reads, as its reading is composed: an `Option` and a list
/// read their inner value through the slot kind of its type.
#[derive(Clone, Copy)]
enum Read<'a> {
    Option(&'a TypeRef),
    Plain(&'a TypeRef),
}

impl<'a> Read<'a> {
    fn of(field: &'a Field) -> Self {
        match field.presence {
            Presence::Required => Read::Plain(&field.ty),
            _ => Read::Option(&field.ty),
        }
    }

    fn tokens(self, scope: Scope) -> TokenStream {
        match self {
            Read::Plain(ty) => rust_type(ty, scope),
            Read::Option(ty) => {
                let ty = rust_type(ty, scope);
                quote!(Option<#ty>)
            }
        }
    }
}

/// How a slot kind reads its value: through the type's own `Deserialize`,
/// or as an `Option` or a list of a value read by the kind named.
enum Filling {
    Value,
    Option(String),
    List(String),
}

/// The slot kinds of a crate's structs with written decoding: one per type
/// their members are read as (and the types inside those `Option`s and
/// lists), each with how it reads its value.
pub struct SlotKinds {
    table: KindTable,
    /// How each kind of `table` reads its value, in the same order.
    fillings: Vec<Filling>,
}

impl SlotKinds {
    /// `structs`: each struct with written decoding and the features that
    /// compile it (none: always), in the models' order.
    pub fn new<'a>(structs: impl Iterator<Item = (&'a Struct, &'a [String])>) -> Self {
        let mut kinds = SlotKinds {
            table: KindTable::default(),
            fillings: Vec::new(),
        };
        for (object, features) in structs {
            for field in &object.fields {
                kinds.add(Read::of(field), features);
            }
        }
        kinds.table.settle();
        kinds
    }

    /// Adds the kind that reads `read`, and those of the values inside it;
    /// returns its name.
    fn add(&mut self, read: Read, features: &[String]) -> String {
        let filling = match read {
            Read::Option(ty) => Filling::Option(self.add(Read::Plain(ty), features)),
            Read::Plain(TypeRef::List(item)) => {
                Filling::List(self.add(Read::Plain(item), features))
            }
            Read::Plain(_) => Filling::Value,
        };
        // The slots module names models through `models`.
        let (name, added) = self.table.add(
            &read.tokens(Scope::Models),
            read.tokens(Scope::Crate),
            features,
        );
        if added {
            self.fillings.push(filling);
        }
        name
    }

    /// The kind `field`'s value is read into.
    fn of(&self, field: &Field) -> Ident {
        self.table.of(&read_type(field, Scope::Models))
    }

    /// The models' module `__slots`: the slot kinds, as the runtime's
    /// `object::Kinds`; none without structs with written decoding.
    pub fn module(&self) -> Option<TokenStream> {
        if self.table.is_empty() {
            return None;
        }
        let cfgs = self.table.cfgs();
        let names = self.table.names();
        let types = self.table.kinds().iter().map(|kind| &kind.tokens);
        let fills = self.fillings.iter().map(|filling| {
            let (function, inner) = match filling {
                Filling::Value => return quote!(object::fill(slot, deserializer, name)),
                Filling::Option(inner) => (quote!(fill_option), inner),
                Filling::List(inner) => (quote!(fill_list), inner),
            };
            let inner = quote::format_ident!("{inner}");
            quote! {
                object::#function::<Kinds, _, _>(
                    slot,
                    deserializer,
                    name,
                    |value, name| Slot::#inner(value, name),
                )
            }
        });
        Some(quote! {
            /// How the structs read their members: a kind of slot per type
            /// they read a member as (the runtime's `object::Kinds`).
            mod __slots {
                #![allow(deprecated)]

                // The kinds' types name models through it (`models::Name`);
                // a glob import of the models would let a model named like
                // an item here be shadowed by it.
                #[allow(unused_imports)]
                use crate::models;
                use crate::runtime::serde_support::object;

                /// The slot of a member of a struct being read, and the
                /// member's name.
                // Each kind is named after its type, which may end in `Slot`
                // or share a word with the others.
                #[allow(clippy::enum_variant_names)]
                pub(super) enum Slot<'a> {
                    #(
                        #cfgs
                        #names(&'a mut Option<#types>, &'static str),
                    )*
                    /// Never made: it keeps the lifetime used when the
                    /// features compile no other kind.
                    #[allow(dead_code)]
                    Never(std::convert::Infallible, std::marker::PhantomData<&'a ()>),
                }

                impl object::Fill for Slot<'_> {
                    fn fill<'de, D: serde::Deserializer<'de>>(
                        self,
                        deserializer: D,
                    ) -> Result<(), D::Error> {
                        match self {
                            #(
                                #cfgs
                                Self::#names(slot, name) => #fills,
                            )*
                            Self::Never(never, _) => match never {},
                        }
                    }
                }

                /// The kinds of slot of the crate's structs.
                pub(super) struct Kinds;

                impl object::Kinds for Kinds {
                    type Slot<'a> = Slot<'a>;
                }

                /// Reads an object into a struct's slots.
                pub(super) fn read<'de, D: serde::Deserializer<'de>>(
                    deserializer: D,
                    slots: &mut dyn object::Slots<Kinds>,
                    expecting: &'static str,
                ) -> Result<(), D::Error> {
                    object::read(deserializer, slots, expecting)
                }
            }
        })
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

/// `Slots::slot`: a listed member's slot, of the kind its type reads as;
/// `None` for others, which are skipped.
fn slot_of_member(object: &Struct, slots: &[Ident], kinds: &SlotKinds) -> TokenStream {
    if object.fields.is_empty() {
        return quote! {
            fn slot(&mut self, _: &str) -> Option<__slots::Slot<'_>> {
                None
            }
        };
    }
    let arms = object.fields.iter().zip(slots).map(|(field, slot)| {
        let wire = &field.wire_name;
        let kind = kinds.of(field);
        quote! {
            #wire => __slots::Slot::#kind(&mut self.#slot, #wire),
        }
    });
    quote! {
        fn slot(&mut self, name: &str) -> Option<__slots::Slot<'_>> {
            Some(match name {
                #(#arms)*
                _ => return None,
            })
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
