//! `#[cfg(feature = ...)]` on the items of an operation or model that only
//! some of the crate's tag features compile (see `lower::passes::features`).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Item};

/// `items`, each under `#[cfg(any(feature = "a", …))]` of `features`; as
/// they are when `features` is empty (always compiled).
pub fn gate(items: TokenStream, features: &[String]) -> TokenStream {
    if features.is_empty() {
        return items;
    }
    // Emitted items always parse (the writer checks the whole file and
    // reports a bug otherwise); should they not, they go out ungated and
    // the writer's check finds them.
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    let condition: Attribute = match features {
        [one] => syn::parse_quote!(#[cfg(feature = #one)]),
        several => syn::parse_quote!(#[cfg(any(#(feature = #several),*))]),
    };
    for item in &mut file.items {
        if let Some(attributes) = attributes_of(item) {
            attributes.insert(0, condition.clone());
        }
    }
    let items = file.items;
    quote!(#(#items)*)
}

fn attributes_of(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(item) => &mut item.attrs,
        Item::Enum(item) => &mut item.attrs,
        Item::Fn(item) => &mut item.attrs,
        Item::Impl(item) => &mut item.attrs,
        Item::Macro(item) => &mut item.attrs,
        Item::Mod(item) => &mut item.attrs,
        Item::Static(item) => &mut item.attrs,
        Item::Struct(item) => &mut item.attrs,
        Item::Trait(item) => &mut item.attrs,
        Item::Type(item) => &mut item.attrs,
        Item::Union(item) => &mut item.attrs,
        Item::Use(item) => &mut item.attrs,
        _ => return None,
    })
}

/// The features that compile any of some items, each compiled by its own
/// `lists` entry: none (always compiled) when one of them always is.
pub fn any_of<'a>(lists: impl IntoIterator<Item = &'a [String]>) -> Vec<String> {
    let mut all = std::collections::BTreeSet::new();
    for features in lists {
        if features.is_empty() {
            return Vec::new();
        }
        all.extend(features.iter().cloned());
    }
    all.into_iter().collect()
}

/// `#![allow(unused_imports)]` for a module whose items may all be
/// compiled out, leaving its `use` lines unused.
pub fn allow_unused_imports(gated: bool) -> Option<TokenStream> {
    gated.then(|| quote!(#![allow(unused_imports)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_gets_the_condition_first() {
        let items = quote! {
            /// A marker.
            pub struct Marker;
            impl Marker {}
        };
        let gated = gate(items, &["billing".to_owned(), "catalog".to_owned()]).to_string();
        assert_eq!(
            gated
                .matches("cfg (any (feature = \"billing\" , feature = \"catalog\"))")
                .count(),
            2,
            "{gated}"
        );
        assert!(gated.starts_with("# [cfg"), "{gated}");
        let plain = gate(
            quote!(
                pub struct Marker;
            ),
            &[],
        )
        .to_string();
        assert!(!plain.contains("cfg"), "{plain}");
    }
}
