//! OpenAPI → Rust client generator.
//!
//! The pipeline runs in one direction: [`load`] parses and merges documents,
//! [`lower`] turns them into the API model ([`ir`]), [`emit`] turns the model
//! into token streams, and [`write`] formats them into the files of a crate.

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod write;

use std::path::Path;

pub use diagnostics::{Error, Location, Result, Warning};
pub use write::GeneratedCrate;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
}

impl Options {
    /// Options for a crate called `crate_name`, version 0.1.0.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Options {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
        }
    }
}

/// Runs the whole pipeline on a spec file or directory.
pub fn generate(spec: &Path, options: &Options) -> Result<GeneratedCrate> {
    let loaded = load::load(spec)?;
    let api = lower::lower(&loaded)?;
    let files = emit::emit_crate(&api, options)?;
    write::format_crate(files, api.warnings.clone())
}
