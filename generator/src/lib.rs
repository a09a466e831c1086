//! OpenAPI → Rust client generator.
//!
//! The pipeline runs in one direction: [`load`] parses and merges documents,
//! [`lower`] turns them into the API model ([`ir`]), [`surface`] decides the
//! public API of the crate generated from it, [`emit`] renders both as token
//! streams, and [`write`] formats them into the files of a crate.

pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod surface;
pub mod write;

#[cfg(test)]
mod testing;

use std::cell::Cell;
use std::path::Path;

pub use diagnostics::{Error, ErrorKind, Location, Result, Warning};
pub use write::GeneratedCrate;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// The configuration: package metadata, operations, renames, derives.
    pub config: config::Config,
}

impl Options {
    /// Options for a crate called `crate_name`, version 0.1.0.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Options {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            config: config::Config::default(),
        }
    }
}

/// The generator as a library: a spec in, a crate out. Tools and build
/// scripts start here.
///
/// ```no_run
/// use std::path::Path;
///
/// # fn main() -> Result<(), openapi_rust_gen::Error> {
/// let written = openapi_rust_gen::Generator::new("openapi.yaml")
///     .crate_name("petstore")
///     .crate_version("1.2.0")
///     .write_to(Path::new("clients/petstore"))?;
/// for warning in &written.warnings {
///     eprintln!("{warning}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    spec: std::path::PathBuf,
    options: Options,
}

impl Generator {
    /// A generator for the spec at `spec` (a file, or a directory of
    /// documents), writing a crate named `api-client`, version 0.1.0.
    pub fn new(spec: impl Into<std::path::PathBuf>) -> Self {
        Generator {
            spec: spec.into(),
            options: Options::new("api-client"),
        }
    }

    /// The package name of the generated crate.
    #[must_use]
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.options.crate_name = name.into();
        self
    }

    /// The package version of the generated crate.
    #[must_use]
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.options.crate_version = version.into();
        self
    }

    /// The configuration; its `[package]` name and version replace those
    /// set so far.
    #[must_use]
    pub fn config(mut self, config: config::Config) -> Self {
        if let Some(name) = &config.package.name {
            self.options.crate_name = name.clone();
        }
        if let Some(version) = &config.package.version {
            self.options.crate_version = version.clone();
        }
        self.options.config = config;
        self
    }

    /// Generates the crate in memory.
    pub fn generate(&self) -> Result<GeneratedCrate> {
        generate(&self.spec, &self.options)
    }

    /// Generates the crate and writes it into `dir` (created if missing);
    /// Rust files under `src/` the generator no longer writes are removed.
    pub fn write_to(&self, dir: &Path) -> Result<GeneratedCrate> {
        let generated = self.generate()?;
        generated.write_to(dir)?;
        Ok(generated)
    }

    /// Generates the crate as one Rust file at `path` (see
    /// [`GeneratedCrate::single_file`]), for a build script: the including
    /// crate's `lib.rs` is then
    /// `include!(concat!(env!("OUT_DIR"), "/api.rs"));`, and its
    /// `Cargo.toml` has the dependencies and features of the generated
    /// crate's (`generated.files["Cargo.toml"]`).
    ///
    /// ```no_run
    /// // build.rs
    /// use std::path::PathBuf;
    ///
    /// fn main() {
    ///     println!("cargo::rerun-if-changed=openapi.yaml");
    ///     println!("cargo::rerun-if-changed=openapi-rust-gen.toml");
    ///     let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    ///     let config = openapi_rust_gen::config::Config::beside("openapi.yaml".as_ref())
    ///         .unwrap_or_else(|e| panic!("{e}"));
    ///     let generated = openapi_rust_gen::Generator::new("openapi.yaml")
    ///         .crate_name(std::env::var("CARGO_PKG_NAME").expect("cargo sets it"))
    ///         .config(config)
    ///         .write_single_file(&out.join("api.rs"))
    ///         .unwrap_or_else(|e| panic!("{e}"));
    ///     for warning in &generated.warnings {
    ///         println!("cargo::warning={warning}");
    ///     }
    /// }
    /// ```
    pub fn write_single_file(&self, path: &Path) -> Result<GeneratedCrate> {
        let generated = self.generate()?;
        generated.write_single_file(path)?;
        Ok(generated)
    }

    /// The files of `dir` that differ from what the spec generates
    /// (missing, changed, or no longer written): empty when `dir` is
    /// current.
    pub fn stale_files(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
        self.generate()?.differences(dir)
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
        let api = lower::lower_with(&loaded, &options.config)?;
        let surface = surface::Surface::of(&api);
        let clashes = surface.name_clashes();
        if !clashes.is_empty() {
            return Err(Error::bug(
                Location::file(spec),
                format!(
                    "generated methods take names the runtime uses: {}",
                    clashes.join(", ")
                ),
            ));
        }
        let files = emit::emit_crate(&api, &surface, options)?;
        write::format_crate(files, api.warnings.clone())
    })
}

/// Runs `run` on a thread with a [`PIPELINE_STACK`]-byte stack and waits for
/// it; errors name `spec`, and a panic in `run` comes back as an error of
/// kind [`ErrorKind::Bug`]. The public stages already run themselves this
/// way; a caller uses it to run several steps with one thread, or to drop
/// what the stages build (a [`load::LoadedSpec`] drops itself safely).
pub fn on_pipeline_stack<T: Send>(
    spec: &Path,
    run: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    run_on_pipeline_stack(Location::file(spec), run)
}

thread_local! {
    /// Whether this thread is one [`run_on_pipeline_stack`] started. A stage
    /// called from another stage (or from a caller's [`on_pipeline_stack`])
    /// then runs in place instead of starting a thread per call.
    static ON_PIPELINE_STACK: Cell<bool> = const { Cell::new(false) };
}

/// [`on_pipeline_stack`] for errors located at `at`.
pub(crate) fn run_on_pipeline_stack<T: Send>(
    at: Location,
    run: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    if ON_PIPELINE_STACK.get() {
        // A panic here unwinds to the outermost call, which reports it.
        return run();
    }
    std::thread::scope(|scope| {
        let worker = pipeline_thread()
            .spawn_scoped(scope, || {
                ON_PIPELINE_STACK.set(true);
                run()
            })
            .map_err(|e| {
                Error::environment(
                    at.clone(),
                    format!("cannot start the generator thread: {e}"),
                )
            })?;
        worker.join().unwrap_or_else(|panic| {
            Err(Error::bug(
                at,
                format!("the generator panicked: {}", panic_message(panic.as_ref())),
            ))
        })
    })
}

/// Drops `value`, which may nest as deep as a document does, on a thread
/// with a [`PIPELINE_STACK`]-byte stack (in place when already on one).
pub(crate) fn drop_on_pipeline_stack<T: Send + 'static>(value: T) {
    if ON_PIPELINE_STACK.get() {
        drop(value);
        return;
    }
    let spawned = pipeline_thread().spawn(move || drop(value));
    // Without a thread the value is leaked: a leak is better than a stack
    // overflow that aborts the process, and the system is out of threads
    // anyway.
    if let Ok(dropper) = spawned {
        let _ = dropper.join();
    }
}

fn pipeline_thread() -> std::thread::Builder {
    std::thread::Builder::new()
        .name("openapi-rust-gen".to_owned())
        .stack_size(PIPELINE_STACK)
}

/// The message a panic was raised with.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::EmittedFile;

    fn write_spec(dir: &Path, text: &str) -> std::path::PathBuf {
        let spec = dir.join("openapi.yaml");
        std::fs::write(&spec, text).expect("write the spec");
        spec
    }

    fn kind_of(spec: &Path) -> ErrorKind {
        generate(spec, &Options::new("kinds"))
            .expect_err("generation fails")
            .kind()
    }

    #[test]
    fn errors_say_whose_fault_they_are() {
        let dir = tempfile::tempdir().expect("temporary directory");
        assert_eq!(kind_of(&dir.path().join("missing.yaml")), ErrorKind::Io);
        let invalid = write_spec(dir.path(), "openapi: 3.0.3\ninfo: 7\npaths: {}\n");
        assert_eq!(kind_of(&invalid), ErrorKind::Spec);
        let injected = write_spec(
            dir.path(),
            &format!(
                "openapi: 3.0.3\ninfo: {{ title: T, version: '1', {}: true }}\npaths: {{}}\n",
                lower::FAULT_INJECTION_EXTENSION
            ),
        );
        assert_eq!(kind_of(&injected), ErrorKind::Bug);
    }

    #[test]
    fn a_panicking_emitter_is_a_bug() {
        let files = vec![EmittedFile::Rust(
            "src/lib.rs".into(),
            Box::new(|| panic!("emitter broke")),
        )];
        let error = write::format_crate(files, Vec::new()).expect_err("the panic is an error");
        assert_eq!(error.kind(), ErrorKind::Bug);
        assert!(error.to_string().contains("emitter broke"), "{error}");
    }

    #[test]
    fn emitted_code_that_does_not_parse_is_a_bug() {
        let files = vec![EmittedFile::Rust(
            "src/lib.rs".into(),
            Box::new(|| quote::quote!(struct = ;)),
        )];
        let error = write::format_crate(files, Vec::new()).expect_err("unparsable code");
        assert_eq!(error.kind(), ErrorKind::Bug);
        assert!(error.to_string().starts_with("generator bug: "), "{error}");
    }
}
