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

/// Stack of the thread [`generate`] runs the pipeline on. Every stage walks
/// schemas recursively, and a document may nest them tens of thousands of
/// levels deep (up to [`load::MAX_DEPTH`]); the memory is only reserved, and
/// pages are committed as the recursion reaches them.
pub const PIPELINE_STACK: usize = 1 << 30;

/// Runs the whole pipeline on a spec file or directory.
///
/// The pipeline, including the drop of every document and model it builds,
/// runs on a thread of its own with a [`PIPELINE_STACK`]-byte stack, so deep
/// documents cannot overflow the caller's stack; a panic in it (a generator
/// bug) comes back as an [`Error`].
pub fn generate(spec: &Path, options: &Options) -> Result<GeneratedCrate> {
    on_pipeline_stack(spec, || {
        let loaded = load::load(spec)?;
        let api = lower::lower(&loaded)?;
        let files = emit::emit_crate(&api, options)?;
        write::format_crate(files, api.warnings.clone())
    })
}

/// Runs `run` on a thread with a [`PIPELINE_STACK`]-byte stack and waits for
/// it; errors name `spec`. Callers of the stages themselves (`load`,
/// `lower`, …) use it to read documents of any depth; whatever `run` returns
/// must be shallow (a lowered API is), as it is dropped on the caller's stack.
pub fn on_pipeline_stack<T: Send>(
    spec: &Path,
    run: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("openapi-rust-gen".to_owned())
            .stack_size(PIPELINE_STACK)
            .spawn_scoped(scope, run)
            .map_err(|e| {
                Error::new(
                    Location::file(spec),
                    format!("cannot start the generator thread: {e}"),
                )
            })?;
        worker.join().unwrap_or_else(|panic| {
            let reason = panic
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("no message");
            Err(Error::new(
                Location::file(spec),
                format!("the generator panicked (a generator bug): {reason}"),
            ))
        })
    })
}
