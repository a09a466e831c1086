//! Small token helpers shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::TypeRef;

/// An identifier from an IR name; `r#` names become raw identifiers. IR
/// names are valid identifiers by construction; anything else is mapped to
/// one rather than trusted, so emitting never panics.
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

/// `#[doc = "..."]` attributes, one per line, so rustdoc text can never
/// close the comment or become code.
pub fn docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// More arguments than this (`self` included) make clippy's
/// `too_many_arguments` fire.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// `#[allow(clippy::too_many_arguments)]` for a function taking `count`
/// arguments, if it takes more than clippy likes. Required fields and
/// parameters are positional arguments on purpose, however many the spec
/// has: a call cannot compile without them, and the shape of a method does
/// not flip to a parameters struct when a spec adds one more.
pub fn allow_many_arguments(count: usize) -> Option<TokenStream> {
    (count > CLIPPY_MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// Where model types live, as seen from the module being emitted.
#[derive(Clone, Copy)]
pub enum ModelPath {
    /// Inside `models`: bare names.
    Local,
    /// Elsewhere: `models::Name`.
    Qualified,
}

/// The Rust type for a type reference.
pub fn rust_type(ty: &TypeRef, path: ModelPath) -> TokenStream {
    match ty {
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
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Decimal => quote!(crate::runtime::Decimal),
        TypeRef::Base64 => quote!(crate::runtime::serde_support::Base64),
        TypeRef::IpAddr => quote!(std::net::IpAddr),
        TypeRef::Ipv4Addr => quote!(std::net::Ipv4Addr),
        TypeRef::Ipv6Addr => quote!(std::net::Ipv6Addr),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Binary => quote!(crate::runtime::FilePart),
        TypeRef::Bytes => quote!(crate::runtime::Bytes),
        TypeRef::Named(name) => {
            let name = ident(name);
            match path {
                ModelPath::Local => quote!(#name),
                ModelPath::Qualified => quote!(models::#name),
            }
        }
        TypeRef::List(inner) => {
            let inner = rust_type(inner, path);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, path);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = rust_type(inner, path);
            quote!(Box<#inner>)
        }
    }
}
