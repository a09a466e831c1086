//! In-process generation speed and output size, run in release mode by
//! `cargo xtask bench`:
//!
//! ```sh
//! cargo run --release -p client-bench --bin generation-speed -- <name>=<spec>...
//! ```
//!
//! For each spec (a document or a directory of documents) prints one JSON
//! line: the median time of `openapi_rust_gen::generate` (load, lower, emit,
//! prettyplease), the median time to only read and parse the same
//! document(s) with serde (the floor), the
//! operation count, and the non-blank, non-comment lines of each generated
//! `.rs` file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use openapi_rust_gen::Options;
use serde::Serialize;

/// At least this many timed runs of each measure...
const MIN_RUNS: usize = 5;
/// ...and more until they have taken this long...
const MIN_TOTAL: Duration = Duration::from_secs(2);
/// ...but never more than this many.
const MAX_RUNS: usize = 200;

#[derive(Serialize, Default)]
struct Report {
    subject: String,
    spec: PathBuf,
    /// Why generation failed, if it did (the parse floor is still timed).
    error: Option<String>,
    generate_runs: usize,
    generate_median_ns: u128,
    parse_runs: usize,
    parse_median_ns: u128,
    operations: usize,
    models: usize,
    /// Non-blank lines not starting with `//`, per generated `.rs` file.
    code_lines: BTreeMap<String, usize>,
    /// Median time of each stage run on its own: load, lower, emit, and
    /// emit followed by formatting (syn + prettyplease).
    stage_median_ns: BTreeMap<&'static str, u128>,
}

fn main() -> ExitCode {
    let mut failed = false;
    for argument in std::env::args().skip(1) {
        let Some((name, spec)) = argument.split_once('=') else {
            eprintln!("error: expected <crate-name>=<spec>, got {argument:?}");
            return ExitCode::from(2);
        };
        let report = measure(name, Path::new(spec));
        if let Some(error) = &report.error {
            eprintln!("error: {spec}: {error}");
            failed = true;
        }
        println!(
            "{}",
            serde_json::to_string(&report).expect("a report serialises")
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn measure(name: &str, spec: &Path) -> Report {
    let mut report = Report {
        subject: name.to_owned(),
        spec: spec.to_path_buf(),
        ..Report::default()
    };
    match documents(spec).and_then(|documents| {
        parse_all(&documents)?;
        median_of(|| parse_all(&documents))
    }) {
        Ok((runs, median)) => (report.parse_runs, report.parse_median_ns) = (runs, median),
        Err(error) => report.error = Some(error),
    }
    if report.error.is_none() {
        if let Err(error) = measure_generation(name, spec, &mut report) {
            report.error = Some(error);
        }
    }
    report
}

fn measure_generation(name: &str, spec: &Path, report: &mut Report) -> Result<(), String> {
    let options = Options::new(name);
    // Once untimed, for the output and to warm caches.
    let generated = openapi_rust_gen::generate(spec, &options).map_err(|e| e.to_string())?;
    report.code_lines = generated
        .files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "rs"))
        .map(|(path, text)| (path.display().to_string(), code_lines(text)))
        .collect();

    (report.generate_runs, report.generate_median_ns) = median_of(|| {
        let generated = openapi_rust_gen::generate(spec, &options).map_err(|e| e.to_string())?;
        std::hint::black_box(generated);
        Ok(())
    })?;

    // Each stage on its own, from the previous stage's output. On the
    // pipeline stack, where the stages run in place: no thread start per
    // call is timed.
    openapi_rust_gen::on_pipeline_stack(spec, || Ok(measure_stages(spec, &options, report)))
        .map_err(|e| e.to_string())?
}

/// The median time of each stage, and the size of the API model.
fn measure_stages(spec: &Path, options: &Options, report: &mut Report) -> Result<(), String> {
    let loaded = openapi_rust_gen::load::load(spec).map_err(|e| e.to_string())?;
    let api = openapi_rust_gen::lower::lower(&loaded).map_err(|e| e.to_string())?;
    report.operations = api.operations.len();
    report.models = api.models.len();
    let stages = &mut report.stage_median_ns;
    stages.insert("load", time(|| openapi_rust_gen::load::load(spec))?);
    stages.insert("lower", time(|| openapi_rust_gen::lower::lower(&loaded))?);
    // Rust files are emitted when they are formatted, on threads of their
    // own; emitting alone runs the emitters one after the other.
    stages.insert(
        "emit",
        time(|| {
            let surface = openapi_rust_gen::surface::Surface::of(&api);
            let files = openapi_rust_gen::emit::emit_crate(&api, &surface, options)?;
            for file in &files {
                if let openapi_rust_gen::emit::EmittedFile::Rust(_, emitter) = file {
                    std::hint::black_box(emitter());
                }
            }
            Ok(())
        })?,
    );
    stages.insert(
        "emit+format",
        time(|| {
            let surface = openapi_rust_gen::surface::Surface::of(&api);
            let files = openapi_rust_gen::emit::emit_crate(&api, &surface, options)?;
            openapi_rust_gen::write::format_crate(files, api.warnings.clone())
        })?,
    );
    Ok(())
}

/// The median time of a fallible stage.
fn time<T>(mut stage: impl FnMut() -> openapi_rust_gen::Result<T>) -> Result<u128, String> {
    median_of(|| {
        std::hint::black_box(stage().map_err(|e| e.to_string())?);
        Ok(())
    })
    .map(|(_, median)| median)
}

/// Runs `f` repeatedly; the number of runs and the median time.
fn median_of(mut f: impl FnMut() -> Result<(), String>) -> Result<(usize, u128), String> {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < MAX_RUNS && (times.len() < MIN_RUNS || started.elapsed() < MIN_TOTAL) {
        let run = Instant::now();
        f()?;
        times.push(run.elapsed().as_nanos());
    }
    times.sort_unstable();
    Ok((times.len(), times[times.len() / 2]))
}

/// The documents `openapi_rust_gen::load` would read: the file itself, or every
/// `.json`, `.yaml` and `.yml` file under the directory.
fn documents(spec: &Path) -> Result<Vec<PathBuf>, String> {
    if spec.is_file() {
        return Ok(vec![spec.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![spec.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if is_document(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
}

/// The floor: read each document and parse it with serde into a
/// `serde_json::Value`: serde_json for `.json`; for YAML, the loader's own
/// reader (serde_yaml through a visitor that turns integers beyond 64 bits
/// into floats and non-string keys into strings, which neither
/// `serde_json::Value` nor `serde_yaml::Value` accepts).
fn parse_all(documents: &[PathBuf]) -> Result<(), String> {
    for path in documents {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let value: serde_json::Value = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))?
        } else {
            openapi_rust_gen::load::parse_document(path, &text).map_err(|e| e.to_string())?
        };
        std::hint::black_box(value);
    }
    Ok(())
}

/// Lines that are neither blank nor comments (`//`, `///`, `//!`).
fn code_lines(text: &str) -> usize {
    text.lines()
        .map(str::trim_start)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}
