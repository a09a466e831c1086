//! Generating one document's crate, with its size and timing.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::panic_guard::guarded;
use openapi_rust_gen::{ErrorKind, Options};

/// What generating one document gave.
#[derive(Debug, Clone, Default)]
pub struct Generation {
    /// Operations in the API model, when the document loads and lowers.
    pub operations: Option<usize>,
    /// Entries of `components.schemas`, when the document loads.
    pub schemas: Option<usize>,
    /// The generator's warnings, as printed.
    pub warnings: Vec<String>,
    /// Why no crate was written: a located generator error, a write
    /// failure, or a generator bug.
    pub error: Option<String>,
    /// The error is a generator bug: a panic, an error of kind `Bug`, or
    /// no result within the time limit (a hang).
    pub bug: bool,
    /// Time spent in `openapi_rust_gen::generate`.
    pub seconds: f64,
}

/// Generates the crate `crate_name` from `spec`, and writes it into `out`
/// if given. Never panics, and returns within about `limit`: the work runs
/// on a thread of its own, and one that has not finished by then is left
/// running (a thread cannot be stopped) and reported as a hang.
pub fn generate_into(
    spec: &Path,
    crate_name: &str,
    out: Option<&Path>,
    limit: Duration,
) -> Generation {
    let (sender, receiver) = mpsc::channel();
    let (spec, name, out) = (
        spec.to_path_buf(),
        crate_name.to_owned(),
        out.map(PathBuf::from),
    );
    let worker = std::thread::Builder::new()
        .name(format!("corpus {name}"))
        .spawn(move || {
            // The receiver is gone only after a timeout, already reported.
            let _ = sender.send(generate_now(&spec, &name, out.as_deref()));
        });
    if let Err(e) = worker {
        return failed(format!("cannot start a generation thread: {e}"), false, 0.0);
    }
    match receiver.recv_timeout(limit) {
        Ok(generation) => generation,
        Err(RecvTimeoutError::Timeout) => failed(
            format!(
                "generator bug: no result within {}s (a hang)",
                limit.as_secs()
            ),
            true,
            limit.as_secs_f64(),
        ),
        Err(RecvTimeoutError::Disconnected) => failed(
            "generator bug: the generation thread died".to_owned(),
            true,
            0.0,
        ),
    }
}

fn failed(error: String, bug: bool, seconds: f64) -> Generation {
    Generation {
        error: Some(error),
        bug,
        seconds,
        ..Generation::default()
    }
}

/// [`generate_into`] on the calling thread, without a time limit.
fn generate_now(spec: &Path, crate_name: &str, out: Option<&Path>) -> Generation {
    let (operations, schemas) = guarded(|| Ok(count(spec))).unwrap_or((None, None));
    let started = Instant::now();
    let generated = guarded(|| Ok(openapi_rust_gen::generate(spec, &Options::new(crate_name))));
    let seconds = started.elapsed().as_secs_f64();
    let mut generation = Generation {
        operations,
        schemas,
        seconds,
        ..Generation::default()
    };
    match generated {
        Ok(Ok(generated)) => {
            generation.warnings = generated.warnings.iter().map(ToString::to_string).collect();
            if let Some(Err(e)) = out.map(|out| generated.write_to(out)) {
                generation.error = Some(format!("cannot write the crate: {e}"));
            }
        }
        Ok(Err(e)) => {
            generation.bug = e.kind() == ErrorKind::Bug;
            generation.error = Some(e.to_string());
        }
        // A panic that escaped `generate` itself.
        Err(panic) => {
            generation.bug = true;
            generation.error = Some(format!("{panic:#}"));
        }
    }
    generation
}

/// (operations, component schemas) of a document; `None` for what cannot
/// be counted because the document fails to load or to lower. The stages
/// run on the generator's large-stack thread themselves, so this is safe
/// for documents of any depth.
fn count(spec: &Path) -> (Option<usize>, Option<usize>) {
    let Ok(loaded) = openapi_rust_gen::load::load(spec) else {
        return (None, None);
    };
    let schemas = loaded
        .openapi
        .components
        .as_ref()
        .map_or(0, |components| components.schemas.len());
    let operations = openapi_rust_gen::lower::lower(&loaded)
        .ok()
        .map(|api| api.operations.len());
    (operations, Some(schemas))
}
