//! Stage 3, emit: the API model becomes token streams (and a few text
//! files). No decisions are made here; every name and type comes from the IR.

pub(crate) mod client;
mod decoding;
mod encoding;
mod features;
mod guide;
mod kinds;
mod manifest;
mod models;
mod operations;
pub(crate) mod tokens;
mod webhooks;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::diagnostics::Result;
use crate::ir::{Api, ExternalCrate};
use crate::surface::Surface;
use crate::Options;

/// One file of the generated crate, before formatting.
pub enum EmittedFile<'a> {
    /// Rust code: the emitter that writes its tokens. It runs when the file
    /// is formatted, on a thread of its own: token streams cannot cross
    /// threads, and emitting and formatting the big files side by side
    /// roughly halves generation time on two cores.
    Rust(PathBuf, RustEmitter<'a>),
    /// Text written as is.
    Text(PathBuf, String),
}

/// Writes the tokens of one Rust file.
pub type RustEmitter<'a> = Box<dyn Fn() -> TokenStream + Send + 'a>;

/// The runtime's source files, copied verbatim into every crate.
const RUNTIME: [(&str, &str); 11] = [
    (
        "src/runtime/mod.rs",
        include_str!("../../templates/runtime/mod.rs"),
    ),
    (
        "src/runtime/body.rs",
        include_str!("../../templates/runtime/body.rs"),
    ),
    (
        "src/runtime/call.rs",
        include_str!("../../templates/runtime/call.rs"),
    ),
    (
        "src/runtime/client.rs",
        include_str!("../../templates/runtime/client.rs"),
    ),
    (
        "src/runtime/hooks.rs",
        include_str!("../../templates/runtime/hooks.rs"),
    ),
    (
        "src/runtime/encoding.rs",
        include_str!("../../templates/runtime/encoding.rs"),
    ),
    (
        "src/runtime/error.rs",
        include_str!("../../templates/runtime/error.rs"),
    ),
    (
        "src/runtime/json.rs",
        include_str!("../../templates/runtime/json.rs"),
    ),
    (
        "src/runtime/response.rs",
        include_str!("../../templates/runtime/response.rs"),
    ),
    (
        "src/runtime/retry.rs",
        include_str!("../../templates/runtime/retry.rs"),
    ),
    (
        "src/runtime/serde_support.rs",
        include_str!("../../templates/runtime/serde_support.rs"),
    ),
];

/// A runtime module only some APIs need.
struct OptionalModule {
    name: &'static str,
    /// Re-exported from the runtime (the first also from the crate root,
    /// where the surface says so).
    exports: &'static [&'static str],
    /// Re-exported for the generated code only.
    internal: &'static [&'static str],
    source: &'static str,
}

const DECIMAL: OptionalModule = OptionalModule {
    name: "decimal",
    exports: &["Decimal"],
    internal: &[],
    source: include_str!("../../templates/runtime/decimal.rs"),
};

const PAGINATION: OptionalModule = OptionalModule {
    name: "pagination",
    exports: &["Page"],
    internal: &[],
    source: include_str!("../../templates/runtime/pagination.rs"),
};

const MULTIPART: OptionalModule = OptionalModule {
    name: "multipart",
    exports: &["FilePart"],
    internal: &["Files", "Multipart"],
    source: include_str!("../../templates/runtime/multipart.rs"),
};

const WEBHOOKS: OptionalModule = OptionalModule {
    name: "webhooks",
    exports: &[
        "DigestEncoding",
        "ParseError",
        "SecretEncoding",
        "SignatureScheme",
        "Verifier",
        "VerifyError",
    ],
    internal: &["decode_payload"],
    source: include_str!("../../templates/runtime/webhooks.rs"),
};

const EVENTS: OptionalModule = OptionalModule {
    name: "sse",
    exports: &["Event", "EventStream", "EventStreaming"],
    internal: &[],
    source: include_str!("../../templates/runtime/sse.rs"),
};

const STREAMS: OptionalModule = OptionalModule {
    name: "streams",
    exports: &["ByteStream"],
    internal: &[],
    source: include_str!("../../templates/runtime/streams.rs"),
};

const UPLOADS: OptionalModule = OptionalModule {
    name: "uploads",
    exports: &["StreamBody"],
    internal: &[],
    source: include_str!("../../templates/runtime/uploads.rs"),
};

const MULTIPART_UPLOADS: OptionalModule = OptionalModule {
    name: "multipart_uploads",
    exports: &[],
    internal: &[],
    source: include_str!("../../templates/runtime/multipart_uploads.rs"),
};

const IDEMPOTENCY: OptionalModule = OptionalModule {
    name: "idempotency",
    exports: &["new_idempotency_key"],
    internal: &[],
    source: include_str!("../../templates/runtime/idempotency.rs"),
};

/// The source of every runtime file, optional modules included: the
/// runtime's API, whose names generated items must not take.
pub(crate) fn runtime_sources() -> impl Iterator<Item = &'static str> {
    let optional = [
        &DECIMAL,
        &PAGINATION,
        &MULTIPART,
        &EVENTS,
        &STREAMS,
        &UPLOADS,
        &MULTIPART_UPLOADS,
        &IDEMPOTENCY,
        &WEBHOOKS,
    ]
    .map(|m| m.source);
    RUNTIME.iter().map(|(_, source)| *source).chain(optional)
}

/// The runtime module whose functions the operations module imports by
/// name (the parameter helpers).
pub(crate) const HELPERS_SOURCE: &str = include_str!("../../templates/runtime/serde_support.rs");

/// Stands for the generated crate's name in the runtime's doc examples.
const CRATE_PLACEHOLDER: &str = "__CRATE__";

/// Where `runtime/mod.rs` declares the optional modules.
const OPTIONAL_MODULES_MARKER: &str = "// @optional-modules";

fn optional_runtime(api: &Api) -> Vec<&'static OptionalModule> {
    let mut out = Vec::new();
    if api.extra_dependencies.contains(&ExternalCrate::RustDecimal) {
        out.push(&DECIMAL);
    }
    if api.has_pages() {
        out.push(&PAGINATION);
    }
    if api.uses_files {
        out.push(&MULTIPART);
    }
    if api.has_event_streams() {
        out.push(&EVENTS);
    }
    if api.has_binary_responses() {
        out.push(&STREAMS);
    }
    if api.has_streamable_request_bodies() {
        out.push(&UPLOADS);
    }
    if api.has_multipart_files() {
        out.push(&MULTIPART_UPLOADS);
    }
    if api.has_idempotency_keys() {
        out.push(&IDEMPOTENCY);
    }
    if api.webhooks.is_some() {
        out.push(&WEBHOOKS);
    }
    out
}

fn declare_optional_modules(template: &str, modules: &[&OptionalModule]) -> String {
    let declarations: String = if modules.is_empty() {
        "// (none for this API)".to_owned()
    } else {
        modules
            .iter()
            .map(|m| {
                let mut items: Vec<(&str, &str)> = m.exports.iter().map(|i| ("pub", *i)).collect();
                items.extend(m.internal.iter().map(|i| ("pub(crate)", *i)));
                // rustfmt's order: snake_case names before CamelCase ones.
                items.sort_by_key(|(_, item)| (item.starts_with(char::is_uppercase), *item));
                let uses = items
                    .iter()
                    .map(|(visibility, item)| format!("{visibility} use {}::{item};", m.name));
                std::iter::once(format!("mod {};", m.name))
                    .chain(uses)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    template.replace(OPTIONAL_MODULES_MARKER, &declarations)
}

/// Every file of the crate for `api`. Safe from any thread: the model is
/// shallow, and the Rust files are emitted later, by
/// [`crate::write::format_crate`], on threads with large stacks.
pub fn emit_crate<'a>(
    api: &'a Api,
    surface: &'a Surface,
    options: &Options,
) -> Result<Vec<EmittedFile<'a>>> {
    let user_agent = format!("{}/{}", options.crate_name, options.crate_version);
    let mut files = vec![
        EmittedFile::Text(
            "Cargo.toml".into(),
            manifest::cargo_toml(api, surface, options),
        ),
        EmittedFile::Text("README.md".into(), manifest::readme(api, surface, options)),
        EmittedFile::Text("src/lib.rs".into(), manifest::lib_rs(api, surface, options)),
        EmittedFile::Rust(
            "src/client.rs".into(),
            Box::new(move || client::client_file(api, surface, &user_agent)),
        ),
        EmittedFile::Rust(
            "src/models.rs".into(),
            Box::new(move || models::models_file(api, surface)),
        ),
        EmittedFile::Rust(
            "src/operations.rs".into(),
            Box::new(move || {
                operations::operations_file(
                    &api.operations,
                    &surface.operations,
                    &surface.shared_errors,
                    &api.features,
                )
            }),
        ),
    ];
    if let (Some(webhooks), Some(webhooks_surface)) = (&api.webhooks, &surface.webhooks) {
        files.push(EmittedFile::Rust(
            "src/webhooks.rs".into(),
            Box::new(move || webhooks::webhooks_file(webhooks, webhooks_surface)),
        ));
    }
    let optional = optional_runtime(api);
    let crate_ident = options.crate_name.replace('-', "_");
    // Doc examples in the runtime name the crate they end up in.
    let runtime_text = |text: &str| text.replace(CRATE_PLACEHOLDER, &crate_ident);
    for (path, text) in RUNTIME {
        let text = if path == "src/runtime/mod.rs" {
            declare_optional_modules(text, &optional)
        } else {
            text.to_owned()
        };
        files.push(EmittedFile::Text(path.into(), runtime_text(&text)));
    }
    for module in &optional {
        files.push(EmittedFile::Text(
            format!("src/runtime/{}.rs", module.name).into(),
            runtime_text(module.source),
        ));
    }
    Ok(files)
}
