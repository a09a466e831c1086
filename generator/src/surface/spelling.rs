//! How the generated code spells a type, wherever the code stands: inside
//! the crate's `models` module, elsewhere inside the crate, or outside it
//! (code written against the crate, through its re-exports). The one table
//! from [`TypeRef`] to Rust.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::TypeRef;

/// Where the code naming a type stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Inside the generated `models` module: models by bare name.
    Models,
    /// Elsewhere inside the generated crate: `models::Name`.
    Crate,
    /// Outside the crate, in code that depends on it under this name
    /// (`kelviq`): everything through the crate's re-exports.
    Outside(&'a str),
}

/// The Rust type for a type reference, as code in `scope` names it.
pub fn rust_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    if let Some(primitive) = primitive(ty) {
        return primitive;
    }
    match ty {
        TypeRef::List(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, scope);
            let map = std_path(scope, quote!(collections::BTreeMap));
            quote!(#map<String, #inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Box<#inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::Crate => quote!(models::#name),
                Scope::Outside(krate) => {
                    let krate = ident(krate);
                    quote!(::#krate::models::#name)
                }
            }
        }
        // The user's own path, checked when read; the same in every scope,
        // since code outside the crate depends on the type's crate itself.
        TypeRef::External(external) => match crate::ir::ExternalType::parse_path(&external.path) {
            Some(path) => quote!(#path),
            None => quote!(serde_json::Value),
        },
        other => library_type(other, scope),
    }
}

/// Types the language names the same everywhere.
fn primitive(ty: &TypeRef) -> Option<TokenStream> {
    Some(match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::I8 => quote!(i8),
        TypeRef::I16 => quote!(i16),
        TypeRef::U8 => quote!(u8),
        TypeRef::U16 => quote!(u16),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        _ => return None,
    })
}

/// Types of the standard library, other crates and the runtime: inside
/// the crate by their own paths, outside through the crate's re-exports.
fn library_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    let inside = !matches!(scope, Scope::Outside(_));
    let root = match scope {
        Scope::Outside(krate) => {
            let krate = ident(krate);
            quote!(::#krate)
        }
        Scope::Models | Scope::Crate => quote!(crate),
    };
    let json = if inside {
        quote!(serde_json)
    } else {
        quote!(::serde_json)
    };
    let (chrono, uuid) = if inside {
        (quote!(chrono), quote!(uuid))
    } else {
        (quote!(#root::chrono), quote!(#root::uuid))
    };
    match ty {
        TypeRef::Uuid => quote!(#uuid::Uuid),
        TypeRef::DateTime => quote!(#chrono::DateTime<#chrono::Utc>),
        TypeRef::Date => quote!(#chrono::NaiveDate),
        TypeRef::Decimal if inside => quote!(crate::runtime::Decimal),
        TypeRef::Decimal => quote!(#root::Decimal),
        TypeRef::Base64 if inside => quote!(crate::runtime::serde_support::Base64),
        TypeRef::Base64 => quote!(#root::models::Base64),
        TypeRef::IpAddr => std_path(scope, quote!(net::IpAddr)),
        TypeRef::Ipv4Addr => std_path(scope, quote!(net::Ipv4Addr)),
        TypeRef::Ipv6Addr => std_path(scope, quote!(net::Ipv6Addr)),
        TypeRef::Json => quote!(#json::Value),
        TypeRef::JsonObject => quote!(#json::Map<String, #json::Value>),
        TypeRef::Binary if inside => quote!(crate::runtime::FilePart),
        TypeRef::Binary => quote!(#root::FilePart),
        TypeRef::Bytes if inside => quote!(crate::runtime::Bytes),
        TypeRef::Bytes => quote!(#root::Bytes),
        // The other types are spelled by `rust_type` itself.
        _ => quote!(()),
    }
}

/// A path into `std`: relative inside the crate (as the generated code has
/// always written it), absolute outside, where a module of the user's may
/// be called `std`.
fn std_path(scope: Scope, rest: TokenStream) -> TokenStream {
    match scope {
        Scope::Models | Scope::Crate => quote!(std::#rest),
        Scope::Outside(_) => quote!(::std::#rest),
    }
}

/// An identifier from a name of the model; `r#` names become raw
/// identifiers. Model names are valid identifiers by construction; anything
/// else is mapped to one rather than trusted, so emitting never panics.
pub fn ident(name: &str) -> Ident {
    if let Some(raw) = name.strip_prefix("r#") {
        if is_identifier(raw) {
            return Ident::new_raw(raw, Span::call_site());
        }
    }
    if is_identifier(name) {
        return Ident::new(name, Span::call_site());
    }
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Ident::new(&format!("x_{cleaned}"), Span::call_site())
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}
