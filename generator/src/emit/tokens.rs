//! Small token helpers shared by the emitters.

use proc_macro2::TokenStream;
use quote::quote;

use crate::surface::Method;
pub use crate::surface::{ident, rust_type, Scope};

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

/// `#[allow(clippy::too_many_arguments)]` for a method that takes more
/// arguments than clippy likes (see [`Method::has_many_arguments`]).
pub fn allow_many_arguments(method: &Method, receiver: bool) -> Option<TokenStream> {
    method
        .has_many_arguments(receiver)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// `name: Type` for each argument of `method`, types spelled as code in
/// `scope` names them.
pub fn parameters(method: &Method, scope: Scope) -> Vec<TokenStream> {
    method
        .arguments
        .iter()
        .map(|argument| {
            let name = ident(&argument.name);
            let ty = argument.passing.rust_type(scope);
            quote!(#name: #ty)
        })
        .collect()
}
