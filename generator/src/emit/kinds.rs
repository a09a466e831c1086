//! A table of the types the models' structs read or write members as, one
//! kind (an enum variant of the models' `__slots` or `__values` module) per
//! type, so that the code that reads or writes a value of that type is
//! compiled once, not once per struct. Each kind is compiled under the
//! features of the structs that use it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The kinds, in the order first met.
#[derive(Default)]
pub struct KindTable(Vec<Kind>);

/// A kind: its name, its type (`ty` as the models spell it, `tokens` as a
/// module inside them does), and the features that compile it (`None`:
/// always compiled).
pub struct Kind {
    pub name: String,
    ty: String,
    pub tokens: TokenStream,
    features: Option<Vec<String>>,
}

impl KindTable {
    /// The kind of the type the models spell `models_ty` (a module inside
    /// them `module_ty`), used by a struct compiled under `features` (none:
    /// always), added when new; its name and whether it was.
    pub fn add(
        &mut self,
        models_ty: &TokenStream,
        module_ty: TokenStream,
        features: &[String],
    ) -> (String, bool) {
        let ty = models_ty.to_string();
        if let Some(kind) = self.0.iter_mut().find(|kind| kind.ty == ty) {
            match (&mut kind.features, features.is_empty()) {
                // A type an ungated struct uses is always compiled.
                (Some(_), true) => kind.features = None,
                (Some(gate), false) => gate.extend(features.iter().cloned()),
                (None, _) => {}
            }
            return (kind.name.clone(), false);
        }
        let name = self.free_name(models_ty);
        self.0.push(Kind {
            name: name.clone(),
            ty,
            tokens: module_ty,
            features: (!features.is_empty()).then(|| features.to_vec()),
        });
        (name, true)
    }

    /// Sorts each kind's features, once all are added.
    pub fn settle(&mut self) {
        for kind in &mut self.0 {
            if let Some(features) = &mut kind.features {
                features.sort();
                features.dedup();
            }
        }
    }

    /// The kind of the type the models spell `models_ty` (every type used
    /// was added; were one missing, the name would not compile).
    pub fn of(&self, models_ty: &TokenStream) -> Ident {
        let ty = models_ty.to_string();
        let name = self
            .0
            .iter()
            .find(|kind| kind.ty == ty)
            .map_or("Unlisted", |kind| kind.name.as_str());
        quote::format_ident!("{name}")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn kinds(&self) -> &[Kind] {
        &self.0
    }

    /// Each kind's `#[cfg(...)]`, none for one always compiled.
    pub fn cfgs(&self) -> Vec<Option<TokenStream>> {
        self.0
            .iter()
            .map(|kind| {
                kind.features
                    .as_ref()
                    .map(|features| match features.as_slice() {
                        [one] => quote!(#[cfg(feature = #one)]),
                        several => quote!(#[cfg(any(#(feature = #several),*))]),
                    })
            })
            .collect()
    }

    /// Each kind's name, as the variant it is.
    pub fn names(&self) -> Vec<Ident> {
        self.0
            .iter()
            .map(|kind| quote::format_ident!("{}", kind.name))
            .collect()
    }

    /// A kind's name: the identifiers of its type, each in upper camel case
    /// (`Option<Vec<String>>` is `OptionVecString`); a name already taken
    /// gets a number. `Never` is the modules' own variant.
    fn free_name(&self, ty: &TokenStream) -> String {
        let mut words = Vec::new();
        collect_identifiers(ty.clone(), &mut words);
        let base: String = words
            .iter()
            .map(|word| heck::ToUpperCamelCase::to_upper_camel_case(word.as_str()))
            .collect();
        let mut name = base.clone();
        let mut number = 2;
        while name == "Never" || self.0.iter().any(|kind| kind.name == name) {
            name = format!("{base}{number}");
            number += 1;
        }
        name
    }
}

fn collect_identifiers(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                out.push(ident.to_string().trim_start_matches("r#").to_owned())
            }
            proc_macro2::TokenTree::Group(group) => collect_identifiers(group.stream(), out),
            _ => {}
        }
    }
}
