//! Stage 3, emit: the API model becomes token streams (and a few text
//! files). No decisions are made here; every name and type comes from the IR.

mod client;
mod manifest;
mod models;
mod operations;
mod tokens;

use std::path::PathBuf;

use proc_macro2::TokenStream;

use crate::diagnostics::Result;
use crate::ir::Api;
use crate::Options;

/// One file of the generated crate, before formatting.
pub enum EmittedFile {
    /// Rust code, to be formatted.
    Rust(PathBuf, TokenStream),
    /// Text written as is.
    Text(PathBuf, String),
}

/// The runtime's source files, copied verbatim into every crate.
const RUNTIME: [(&str, &str); 6] = [
    (
        "src/runtime/mod.rs",
        include_str!("../../templates/runtime/mod.rs"),
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
        "src/runtime/error.rs",
        include_str!("../../templates/runtime/error.rs"),
    ),
    (
        "src/runtime/response.rs",
        include_str!("../../templates/runtime/response.rs"),
    ),
    (
        "src/runtime/serde_support.rs",
        include_str!("../../templates/runtime/serde_support.rs"),
    ),
];

/// Every file of the crate for `api`.
pub fn emit_crate(api: &Api, options: &Options) -> Result<Vec<EmittedFile>> {
    let user_agent = format!("{}/{}", options.crate_name, options.crate_version);
    let mut files = vec![
        EmittedFile::Text("Cargo.toml".into(), manifest::cargo_toml(api, options)),
        EmittedFile::Text("README.md".into(), manifest::readme(api, options)),
        EmittedFile::Text("src/lib.rs".into(), manifest::lib_rs(api, options)),
        EmittedFile::Rust(
            "src/client.rs".into(),
            client::client_file(api, &user_agent),
        ),
        EmittedFile::Rust("src/models.rs".into(), models::models_file(&api.models)),
        EmittedFile::Rust(
            "src/operations.rs".into(),
            operations::operations_file(&api.operations),
        ),
    ];
    files.extend(
        RUNTIME
            .iter()
            .map(|(path, text)| EmittedFile::Text(path.into(), (*text).to_owned())),
    );
    Ok(files)
}
