//! A table of the types the models' structs read or write members as, one
//! kind (an enum variant of the models' `__slots` or `__values` module) per
//! type, so that the code that reads or writes a value of that type is
//! compiled once, not once per struct. Each kind is compiled under the
//! features of the structs that use it.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The kinds, in the order first met, and where each type's is.
#[derive(Default)]
pub struct KindTable {
    kinds: Vec<Kind>,
    /// The index in `kinds` of each type's kind, by the type as the models
    /// spell it: a big API has thousands of kinds and tens of thousands of
    /// fields.
    index: HashMap<String, usize>,
    /// The names taken.
    names: HashSet<String>,
}

/// A kind: its name, its type as a module inside the models spells it, and
/// the features that compile it (`None`: always compiled).
pub struct Kind {
    pub name: String,
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
        if let Some(kind) = self.index.get(&ty).map(|&at| &mut self.kinds[at]) {
            match (&mut kind.features, features.is_empty()) {
                // A type an ungated struct uses is always compiled.
                (Some(_), true) => kind.features = None,
                (Some(gate), false) => gate.extend(features.iter().cloned()),
                (None, _) => {}
            }
            return (kind.name.clone(), false);
        }
        let name = self.free_name(models_ty);
        self.names.insert(name.clone());
        self.index.insert(ty, self.kinds.len());
        self.kinds.push(Kind {
            name: name.clone(),
            tokens: module_ty,
            features: (!features.is_empty()).then(|| features.to_vec()),
        });
        (name, true)
    }

    /// Sorts each kind's features, once all are added.
    pub fn settle(&mut self) {
        for kind in &mut self.kinds {
            if let Some(features) = &mut kind.features {
                features.sort();
                features.dedup();
            }
        }
    }

    /// The kind of the type the models spell `models_ty` (every type used
    /// was added; were one missing, the name would not compile).
    pub fn of(&self, models_ty: &TokenStream) -> Ident {
        let name = self
            .index
            .get(&models_ty.to_string())
            .map_or("Unlisted", |&at| self.kinds[at].name.as_str());
        quote::format_ident!("{name}")
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The kinds, in the order first met.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Each kind's `#[cfg(...)]`, none for one always compiled.
    pub fn cfgs(&self) -> Vec<Option<TokenStream>> {
        self.kinds
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
        self.kinds
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
        while name == "Never" || self.names.contains(&name) {
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
