//! Names the runtime already uses on the types generated code adds methods
//! to. They are read from the runtime's own source (parsed with syn), so a
//! method added to the runtime is avoided by the generator at once: no
//! hand-kept list can fall behind it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use syn::{Item, Type};

use crate::emit;
use crate::surface::{BUILDER_METHODS, CLIENT_METHODS};

/// The methods of the runtime types that generated code extends.
#[derive(Debug)]
pub struct RuntimeMethods {
    /// `Call`'s: operation parameter setters must avoid them.
    pub call: BTreeSet<String>,
    /// `Client`'s, and the client module's: operation methods avoid them.
    pub client: BTreeSet<String>,
    /// `ClientBuilder`'s, and the client module's: credential setters
    /// avoid them.
    pub builder: BTreeSet<String>,
    /// The helper functions operations may call by their bare name: an
    /// argument of that name would shadow one.
    pub helpers: BTreeSet<String>,
}

/// The runtime's methods, read once per process.
pub fn runtime_methods() -> &'static RuntimeMethods {
    static METHODS: OnceLock<RuntimeMethods> = OnceLock::new();
    METHODS.get_or_init(|| {
        let files: Vec<syn::File> = emit::runtime_sources()
            .filter_map(|source| syn::parse_file(source).ok())
            .collect();
        let with = |type_name: &str, generated: &[&str]| {
            let mut names = methods_of(&files, type_name);
            names.extend(generated.iter().map(|name| (*name).to_owned()));
            names
        };
        RuntimeMethods {
            call: with("Call", &[]),
            client: with("Client", &CLIENT_METHODS),
            builder: with("ClientBuilder", &BUILDER_METHODS),
            helpers: syn::parse_file(emit::HELPERS_SOURCE)
                .map(|file| visible_functions(&file))
                .unwrap_or_default(),
        }
    })
}

/// Every method `files` give the type named `type_name`: in its inherent
/// and trait impls, and through the traits it derives.
pub fn methods_of(files: &[syn::File], type_name: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in files.iter().flat_map(|file| &file.items) {
        match item {
            Item::Impl(block) if names_type(&block.self_ty, type_name) => {
                names.extend(block.items.iter().filter_map(|item| match item {
                    syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                    _ => None,
                }));
            }
            Item::Struct(definition) if definition.ident == type_name => {
                names.extend(derived_methods(&definition.attrs));
            }
            Item::Enum(definition) if definition.ident == type_name => {
                names.extend(derived_methods(&definition.attrs));
            }
            _ => {}
        }
    }
    names
}

/// The functions of `file` other modules can import.
fn visible_functions(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Fn(function) if !matches!(function.vis, syn::Visibility::Inherited) => {
                Some(function.sig.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Whether `ty` is the type `name` (with any generic arguments).
fn names_type(ty: &Type, name: &str) -> bool {
    let Type::Path(path) = ty else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == name)
}

/// The methods the derives of `attributes` give the type; a derive not
/// listed here gives none the generated code could meet.
fn derived_methods(attributes: &[syn::Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attribute in attributes.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attribute.parse_nested_meta(|meta| {
            let derive = meta.path.segments.last().map(|s| s.ident.to_string());
            let methods: &[&str] = match derive.as_deref() {
                Some("Clone") => &["clone", "clone_from"],
                Some("Debug") => &["fmt"],
                Some("Default") => &["default"],
                Some("PartialEq") => &["eq", "ne"],
                Some("Hash") => &["hash"],
                Some("PartialOrd") => &["partial_cmp", "lt", "le", "gt", "ge"],
                Some("Ord") => &["cmp", "max", "min", "clamp"],
                _ => &[],
            };
            names.extend(methods.iter().map(|m| (*m).to_owned()));
            Ok(())
        });
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_file_parses() {
        for source in emit::runtime_sources() {
            if let Err(error) = syn::parse_file(source) {
                panic!("a runtime file does not parse: {error}");
            }
        }
    }

    #[test]
    fn methods_come_from_impls_derives_and_the_client_module() {
        let methods = runtime_methods();
        for name in [
            "max_response_bytes",
            "timeout",
            "fail",
            "into_future",
            "pages",
        ] {
            assert!(methods.call.contains(name), "Call::{name}");
        }
        for name in ["sleeper", "retry_policy", "build", "environment", "clone"] {
            assert!(methods.builder.contains(name), "ClientBuilder::{name}");
        }
        for name in ["builder", "credentials_for", "base_url_for"] {
            assert!(methods.client.contains(name), "Client::{name}");
        }
        assert!(!methods.client.contains("sleeper"));
        for name in [
            "path_segment",
            "json_text",
            "comma_separated",
            "simple_text",
        ] {
            assert!(methods.helpers.contains(name), "helper {name}");
        }
        assert!(!methods.helpers.contains("base64_decode"), "private");
    }

    #[test]
    fn only_the_named_type_counts() {
        let file: syn::File = syn::parse_quote! {
            #[derive(Clone, serde::Serialize)]
            struct Call<'a, Op>(&'a Op);
            impl<'a, Op: Operation> Call<'a, Op> { fn send(self) {} }
            impl<Op> IntoFuture for Call<'_, Op> { fn into_future(self) {} }
            impl Caller { fn other(&self) {} }
            impl Call for Caller { fn not_mine(&self) {} }
        };
        let names = methods_of(&[file], "Call");
        let expected = ["clone", "clone_from", "into_future", "send"];
        assert_eq!(
            names.iter().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
    }
}
