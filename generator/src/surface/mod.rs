//! Stage 2½, surface: the public API of the generated crate, decided once.
//!
//! [`lower`](crate::lower) decides what the API *is* (models, operations,
//! their names and types); this stage decides what the crate *looks like*
//! to the code that uses it: the path of every public item, the signature
//! of every generated method (which arguments it takes and how each is
//! passed: `&str`, `impl Into<String>`, a slice, by value or by
//! reference), the names of setters, the doc prose of generated methods,
//! and what the crate root re-exports.
//!
//! Every consumer reads this one description: [`emit`](crate::emit)
//! renders it, the crate guide writes its examples from it, the diff
//! judges signatures by it, and the tools that write code against a
//! generated crate (the API probe of the semver oracle, the conformance
//! driver) spell their calls from it. Where is a setter named? Here.

mod client;
mod crate_root;
mod models;
mod operations;
mod spelling;
mod webhooks;

use proc_macro2::TokenStream;
use quote::quote;

use std::collections::BTreeSet;

use crate::ir::{Api, Ident, TypeRef};
use crate::lower::reserved::runtime_methods;

pub use client::{credential_setter, BUILDER_METHODS, CLIENT_METHODS};
pub use crate_root::{Reexport, ReexportOrigin};
pub use models::{
    constructor, Availability, Decoding, Encoding, FieldSetter, ModelSurface, SetValue,
    SERIALIZE_RECEIVED,
};
pub use operations::{client_method, CallSetter, OperationSurface, SharedErrors};
pub use spelling::{ident, rust_type, Scope};
pub use webhooks::WebhooksSurface;

/// The public API of one generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    /// What the crate root re-exports beyond its fixed set (which depends
    /// on the types the API uses), in the order they are written.
    pub reexports: Vec<Reexport>,
    /// One entry per model, parallel to [`Api::models`].
    pub models: Vec<ModelSurface>,
    /// One entry per operation, parallel to [`Api::operations`].
    pub operations: Vec<OperationSurface>,
    /// The error enums operations share, in the order of their first
    /// operation.
    pub shared_errors: Vec<SharedErrors>,
    /// The `ClientBuilder` method that sets each credential, parallel to
    /// [`Api::security_schemes`].
    pub credential_setters: Vec<Method>,
    /// The `webhooks` module, when the API has webhooks.
    pub webhooks: Option<WebhooksSurface>,
}

impl Surface {
    /// Whether some type implements `Serialize` only with the crate's
    /// [`SERIALIZE_RECEIVED`] feature, which the crate then has.
    pub fn has_serialize_received(&self) -> bool {
        self.models
            .iter()
            .any(|m| m.encodes == Availability::WithSerializeReceived)
    }

    /// The public API of the crate generated from `api`.
    pub fn of(api: &Api) -> Surface {
        let mut operations: Vec<OperationSurface> =
            api.operations.iter().map(operations::describe).collect();
        let shared_errors = operations::share_errors(&api.operations, &mut operations);
        Surface {
            reexports: crate_root::reexports(api),
            models: models::describe(api),
            operations,
            shared_errors,
            credential_setters: api.security_schemes.iter().map(credential_setter).collect(),
            webhooks: webhooks::describe(api),
        }
    }

    /// Generated methods whose names the runtime already uses on the same
    /// type (which would not compile, or would hide the runtime's method),
    /// as `Type::method`. Lower chooses names that avoid the runtime's, so
    /// this is empty unless the generator has a bug; `generate` checks it.
    pub fn name_clashes(&self) -> Vec<String> {
        let runtime = runtime_methods();
        let client = self.operations.iter().map(|op| &op.client_method.name);
        let setters = self.operations.iter().flat_map(|op| &op.setters);
        let credentials = self.credential_setters.iter().map(|m| &m.name);
        let clashes = |names: Vec<&Ident>, taken: &BTreeSet<String>, owner: &str| {
            names
                .into_iter()
                .filter(|name| taken.contains(name.as_code()))
                .map(|name| format!("{owner}::{name}"))
                .collect::<Vec<_>>()
        };
        let mut out = clashes(client.collect(), &runtime.client, "Client");
        out.extend(clashes(
            setters.map(|s| &s.method.name).collect(),
            &runtime.call,
            "Call",
        ));
        out.extend(clashes(
            credentials.collect(),
            &runtime.builder,
            "ClientBuilder",
        ));
        out
    }

    /// Whether the crate root re-exports the item `name` (`Page`, `chrono`).
    pub fn reexports(&self, name: &str) -> bool {
        self.reexports.iter().any(|r| r.name == name)
    }
}

/// A generated method: its name, arguments and docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// The method's name.
    pub name: Ident,
    /// Its arguments after the receiver, in order.
    pub arguments: Vec<Argument>,
    /// Rustdoc.
    pub docs: String,
    /// Marked `#[deprecated]`.
    pub deprecated: bool,
}

/// More arguments than this (the receiver included) make clippy's
/// `too_many_arguments` fire.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

impl Method {
    /// Whether the method takes more arguments than clippy likes, counting
    /// a receiver when it has one. Required fields and parameters are
    /// positional arguments on purpose, however many the spec has: a call
    /// cannot compile without them, and the shape of a method does not
    /// flip to a parameters struct when a spec adds one more.
    pub fn has_many_arguments(&self, receiver: bool) -> bool {
        self.arguments.len() + usize::from(receiver) > CLIPPY_MAX_ARGUMENTS
    }
}

/// One argument of a generated method.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// The argument's name.
    pub name: Ident,
    /// How the value is passed.
    pub passing: Passing,
}

/// How a generated method takes a value. Each way is chosen for the
/// caller's convenience without costing an allocation the method does not
/// need: values stored in a struct are taken owned (`impl Into<String>`
/// for strings), values only read to build a request are borrowed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Passing {
    /// `T`, as is: small `Copy` values, and owned values a setter stores.
    Value(TypeRef),
    /// The value a `Box<T>` field holds, boxed when stored.
    Unboxed(TypeRef),
    /// `impl Into<String>`, converted when stored.
    IntoString,
    /// `impl Into<BinaryBody>`: a raw request body (bytes, or a stream).
    IntoBytes,
    /// `impl Into<Secret>`: a credential, redacted wherever it is shown.
    IntoSecret,
    /// `&str`.
    Str,
    /// `&[T]`.
    Slice(TypeRef),
    /// `&T`.
    Borrowed(TypeRef),
}

impl Passing {
    /// How a struct's constructor or setter takes a value for a field of
    /// type `ty`: strings as `impl Into<String>`, boxed values unboxed, the
    /// rest as they are (numbers stay concrete so that literals infer).
    pub fn owned(ty: &TypeRef) -> Passing {
        match ty {
            TypeRef::String => Passing::IntoString,
            TypeRef::Boxed(inner) => Passing::Unboxed((**inner).clone()),
            other => Passing::Value(other.clone()),
        }
    }

    /// How a client method or call setter takes a parameter of type `ty`:
    /// strings as `&str`, lists as slices, small values by value, the rest
    /// by reference.
    pub fn borrowed(ty: &TypeRef) -> Passing {
        match ty {
            TypeRef::String => Passing::Str,
            TypeRef::List(inner) => Passing::Slice((**inner).clone()),
            ty if ty.passed_by_value() => Passing::Value(ty.clone()),
            other => Passing::Borrowed(other.clone()),
        }
    }

    /// The argument's type, spelled as code in `scope` sees it.
    pub fn rust_type(&self, scope: Scope) -> TokenStream {
        match self {
            Passing::Value(ty) | Passing::Unboxed(ty) => rust_type(ty, scope),
            Passing::IntoString => quote!(impl Into<String>),
            // Bytes, or a stream read as it is sent.
            Passing::IntoBytes => match scope {
                Scope::Outside(krate) => {
                    let krate = ident(krate);
                    quote!(impl Into<::#krate::BinaryBody>)
                }
                Scope::Models | Scope::Crate => quote!(impl Into<crate::runtime::BinaryBody>),
            },
            Passing::IntoSecret => match scope {
                Scope::Outside(krate) => {
                    let krate = ident(krate);
                    quote!(impl Into<::#krate::Secret>)
                }
                // The client module imports the runtime's `Secret`.
                Scope::Models | Scope::Crate => quote!(impl Into<Secret>),
            },
            Passing::Str => quote!(&str),
            Passing::Slice(item) => {
                let item = rust_type(item, scope);
                quote!(&[#item])
            }
            Passing::Borrowed(ty) => {
                let ty = rust_type(ty, scope);
                quote!(&#ty)
            }
        }
    }

    /// A type of which a value can be passed, for code that writes calls:
    /// `String` for `impl Into<String>`, the target for `impl Into<T>`.
    pub fn example_type(&self, scope: Scope) -> TokenStream {
        match self {
            Passing::IntoString | Passing::IntoSecret => quote!(String),
            Passing::IntoBytes => rust_type(&TypeRef::Bytes, scope),
            other => other.rust_type(scope),
        }
    }

    /// A type a caller can hold the value in, and whether the method takes
    /// a reference to it (`String` and `true` for `&str`; `Vec<T>` and
    /// `true` for `&[T]`; `String` and `false` for `impl Into<String>` and
    /// `impl Into<Bytes>`, which a `String` converts into): for code that
    /// writes calls from values it decodes.
    pub fn caller_value(&self) -> (TypeRef, bool) {
        match self {
            Passing::Value(ty) | Passing::Unboxed(ty) => (ty.clone(), false),
            Passing::IntoString | Passing::IntoBytes | Passing::IntoSecret => {
                (TypeRef::String, false)
            }
            Passing::Str => (TypeRef::String, true),
            Passing::Slice(item) => (TypeRef::List(Box::new(item.clone())), true),
            Passing::Borrowed(ty) => (ty.clone(), true),
        }
    }

    /// How an argument named `name` becomes the value stored: `None` when
    /// it is stored as passed.
    pub fn stored_value(&self, name: &TokenStream) -> Option<TokenStream> {
        match self {
            Passing::IntoString | Passing::IntoSecret => Some(quote!(#name.into())),
            Passing::Unboxed(_) => Some(quote!(Box::new(#name))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
