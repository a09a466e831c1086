//! `webhooks.rs`: the API's signature scheme, a verifier for it, and the
//! event enum that decodes payloads.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::tokens::{docs, ident, rust_type, Scope};
use crate::ir::{
    DigestEncoding, SecretEncoding, TypeRef, WebhookEvent, WebhookSignature, Webhooks,
};
use crate::surface::WebhooksSurface;

/// The webhooks module.
pub fn webhooks_file(webhooks: &Webhooks, surface: &WebhooksSurface) -> TokenStream {
    let module_docs = surface.docs.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#![doc = #line])
    });
    let allow = surface
        .allow_deprecated
        .then(|| quote!(#![allow(deprecated)]));
    let scheme = scheme_function(&webhooks.signature, surface);
    let (imports, events) = surface
        .event_enum
        .map(|name| (event_imports(webhooks), event_enum(name, webhooks)))
        .unwrap_or_default();
    quote! {
        #(#module_docs)*
        #allow

        pub use crate::runtime::{
            DigestEncoding, ParseError, SecretEncoding, SignatureScheme, Verifier, VerifyError,
        };
        #imports

        #scheme
        #events
    }
}

/// `signature_scheme()` and `Verifier::new`, which uses it.
fn scheme_function(scheme: &WebhookSignature, surface: &WebhooksSurface) -> TokenStream {
    let function = ident(surface.scheme_function);
    let docs = docs(&surface.scheme_docs);
    let WebhookSignature {
        id_header,
        timestamp_header,
        signature_header,
        version,
        tolerance_seconds,
        ..
    } = scheme;
    let tolerance_seconds = proc_macro2::Literal::u64_unsuffixed(*tolerance_seconds);
    let digest = match scheme.digest {
        DigestEncoding::Hex => quote!(DigestEncoding::Hex),
        DigestEncoding::Base64 => quote!(DigestEncoding::Base64),
    };
    let secret = match scheme.secret {
        SecretEncoding::Text => quote!(SecretEncoding::Text),
        SecretEncoding::Base64 => quote!(SecretEncoding::Base64),
    };
    let new_docs = format!(
        " A verifier for one endpoint's signing secret, under [`{}`].",
        surface.scheme_function
    );
    quote! {
        #docs
        pub fn #function() -> SignatureScheme {
            SignatureScheme::standard()
                .id_header(#id_header)
                .timestamp_header(#timestamp_header)
                .signature_header(#signature_header)
                .version(#version)
                .digest(#digest)
                .secret(#secret)
                .tolerance(std::time::Duration::from_secs(#tolerance_seconds))
        }

        impl Verifier {
            #[doc = #new_docs]
            ///
            /// Fails when the secret is not in the scheme's encoding.
            pub fn new(secret: &str) -> Result<Verifier, VerifyError> {
                Verifier::with_scheme(secret, #function())
            }
        }
    }
}

/// What the event enum's code names: the runtime's decoder, and the
/// models module when a payload is a model.
fn event_imports(webhooks: &Webhooks) -> TokenStream {
    let names_models = webhooks.events.iter().any(|event| {
        event
            .ty
            .parts()
            .any(|part| matches!(part, TypeRef::Named(_)))
    });
    let models = names_models.then(|| {
        quote!(
            use crate::models;
        )
    });
    quote! {
        use crate::runtime::decode_payload;
        #models
    }
}

/// The event enum and its `parse`.
fn event_enum(name: &str, webhooks: &Webhooks) -> TokenStream {
    let Some(tag) = &webhooks.tag else {
        return TokenStream::new();
    };
    let name = ident(name);
    let unknown = ident(&webhooks.unknown_variant);
    let variants = webhooks.events.iter().map(variant);
    let parse = parse_impl(&name, &unknown, tag, webhooks);
    let enum_docs = format!(
        " A webhook event, chosen by the payload's `{tag}` property. Payloads of a type \
         this crate does not know are kept whole, as JSON."
    );
    quote! {
        #[doc = #enum_docs]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An event of a type this crate does not know (or a payload
            /// without a type), as received.
            #unknown(serde_json::Value),
        }

        #parse
    }
}

/// `parse`, `webhook_name` and `from_json` of the event enum `name`.
fn parse_impl(name: &Ident, unknown: &Ident, tag: &str, webhooks: &Webhooks) -> TokenStream {
    let arms = webhooks.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let values = &event.tag_values;
        quote!(#(#values)|* => #name::#variant(Box::new(decode_payload(&event_type, payload)?)))
    });
    let names = webhooks.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let webhook = &event.name;
        quote!(#name::#variant(_) => Some(#webhook))
    });
    quote! {
        impl #name {
            /// Decodes a delivery's raw body (bytes or text). Check its
            /// signature with a [`Verifier`] first.
            pub fn parse(body: impl AsRef<[u8]>) -> Result<#name, ParseError> {
                let payload: serde_json::Value = serde_json::from_slice(body.as_ref())
                    .map_err(|e| ParseError::new(None, String::new(), e))?;
                #name::from_json(payload)
            }

            /// The name of the webhook in the API's description
            /// (`None` for an unknown event).
            pub fn webhook_name(&self) -> Option<&'static str> {
                match self {
                    #(#names,)*
                    #name::#unknown(_) => None,
                }
            }

            /// Decodes a payload already read as JSON.
            pub fn from_json(payload: serde_json::Value) -> Result<#name, ParseError> {
                let event_type = match payload.get(#tag).and_then(serde_json::Value::as_str) {
                    Some(event_type) => event_type.to_owned(),
                    None => return Ok(#name::#unknown(payload)),
                };
                Ok(match event_type.as_str() {
                    #(#arms,)*
                    _ => #name::#unknown(payload),
                })
            }
        }
    }
}

fn variant(event: &WebhookEvent) -> TokenStream {
    let name = ident(&event.variant);
    let ty = rust_type(&event.ty, Scope::Crate);
    let mut text = format!("The `{}` webhook", event.name);
    if event.tag_values != [event.name.as_str()] {
        let values: Vec<String> = event.tag_values.iter().map(|v| format!("`{v}`")).collect();
        text.push_str(&format!(" ({})", values.join(", ")));
    }
    text.push('.');
    if !event.docs.is_empty() {
        text.push_str("\n\n");
        text.push_str(&event.docs);
    }
    let docs = docs(&text);
    quote! {
        #docs
        #name(Box<#ty>),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::emit::{emit_crate, EmittedFile};
    use crate::surface::Surface;
    use crate::Options;

    /// The files of the crate generated from `yaml`, and its manifest.
    fn crate_files(yaml: &str) -> (Vec<String>, String) {
        let loaded = crate::load::load_text(Path::new("spec.yaml"), yaml).expect("loads");
        let api = crate::lower::lower(&loaded).expect("lowers");
        let surface = Surface::of(&api);
        let files = emit_crate(&api, &surface, &Options::new("t")).expect("emits");
        let mut paths = Vec::new();
        let mut manifest = String::new();
        for file in &files {
            match file {
                EmittedFile::Rust(path, _) => paths.push(path.display().to_string()),
                EmittedFile::Text(path, text) => {
                    paths.push(path.display().to_string());
                    if path == Path::new("Cargo.toml") {
                        manifest = text.clone();
                    }
                }
            }
        }
        (paths, manifest)
    }

    #[test]
    fn the_webhooks_runtime_and_its_crates_come_only_with_webhooks() {
        let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let with = format!("{head}x-webhooks: {{a: {{post: {{responses: {{}}}}}}}}\n");
        for (yaml, expected) in [(head.to_owned(), false), (with, true)] {
            let (paths, manifest) = crate_files(&yaml);
            for file in ["src/webhooks.rs", "src/runtime/webhooks.rs"] {
                assert_eq!(
                    paths.iter().any(|p| p == file),
                    expected,
                    "{file} in {paths:?}"
                );
            }
            for dependency in ["hmac =", "sha2 =", "hex =", "base64 ="] {
                assert_eq!(manifest.contains(dependency), expected, "{dependency}");
            }
        }
    }
}
