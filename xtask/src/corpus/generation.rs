//! Generating one document's crate, with its size and timing.

use crate::scratch::guarded;
use std::path::Path;
use std::time::Instant;

use generator::Options;

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
    /// failure, or a generator panic (a bug).
    pub error: Option<String>,
    /// Time spent in `generator::generate`.
    pub seconds: f64,
}

/// Generates the crate `crate_name` from `spec` into `out`. Never panics:
/// a generator panic becomes the error.
pub fn generate_into(spec: &Path, crate_name: &str, out: &Path) -> Generation {
    let (operations, schemas) = guarded(|| Ok(count(spec))).unwrap_or((None, None));
    let started = Instant::now();
    let generated =
        guarded(|| generator::generate(spec, &Options::new(crate_name)).map_err(|e| e.to_string()));
    let seconds = started.elapsed().as_secs_f64();
    let mut generation = Generation {
        operations,
        schemas,
        seconds,
        ..Generation::default()
    };
    match generated {
        Ok(generated) => {
            generation.warnings = generated.warnings.iter().map(ToString::to_string).collect();
            if let Err(e) = generated.write_to(out) {
                generation.error = Some(format!("cannot write the crate: {e}"));
            }
        }
        Err(e) => generation.error = Some(e),
    }
    generation
}

/// (operations, component schemas) of a document; `None` for what cannot
/// be counted because the document fails to load or to lower.
fn count(spec: &Path) -> (Option<usize>, Option<usize>) {
    let Ok(loaded) = generator::load::load(spec) else {
        return (None, None);
    };
    let schemas = loaded
        .openapi
        .components
        .as_ref()
        .map_or(0, |components| components.schemas.len());
    let operations = generator::lower::lower(&loaded)
        .ok()
        .map(|api| api.operations.len());
    (operations, Some(schemas))
}
