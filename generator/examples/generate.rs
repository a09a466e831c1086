//! Stand-alone generator: turns any OpenAPI document, or directory of
//! documents, into a complete client crate.
//!
//! ```sh
//! cargo run -p openapi-rust-gen --example generate -- <spec> <out-dir> <crate-name>
//! ```
//!
//! Exit codes: 0 written, 1 the spec could not be generated or written (an
//! error in the spec, or an I/O error; the message says where), 2 bad
//! usage, 3 a generator bug (reported as `error: generator bug: …`; not the
//! spec's fault).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use generator::{Error, ErrorKind, Options};

// Generating allocates many small, short-lived values (token streams and
// syntax trees); mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: generate <spec> <out-dir> <crate-name>

  <spec>        an OpenAPI document (.json, .yaml, .yml), or a directory
                of documents to merge
  <out-dir>     directory to write the crate into (created if missing;
                Rust files under src/ that the generator no longer writes
                are removed)
  <crate-name>  package name: ASCII letters, digits, `-` and `_`, starting
                with a letter

example:
  cargo run -p openapi-rust-gen --example generate -- openapi.yaml ../petstore petstore";

/// The three positional arguments.
struct Args {
    spec: PathBuf,
    out: PathBuf,
    crate_name: String,
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse(args) {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            exit_code(&error)
        }
    }
}

/// 1 for what the user can fix (the spec, the file system), 3 for a bug
/// of the generator, so scripts can tell them apart.
fn exit_code(error: &Error) -> ExitCode {
    match error.kind() {
        ErrorKind::Spec | ErrorKind::Io => ExitCode::FAILURE,
        ErrorKind::Bug => ExitCode::from(3),
    }
}

/// Checks the command line: three arguments, the last a package name.
fn parse(args: Vec<OsString>) -> Result<Args, String> {
    let [spec, out, name]: [OsString; 3] = args
        .try_into()
        .map_err(|args: Vec<OsString>| format!("expected 3 arguments, got {}", args.len()))?;
    let crate_name = name
        .into_string()
        .map_err(|name| format!("crate name {name:?} is not UTF-8"))?;
    if !is_package_name(&crate_name) {
        return Err(format!("`{crate_name}` is not a valid package name"));
    }
    Ok(Args {
        spec: spec.into(),
        out: out.into(),
        crate_name,
    })
}

/// ASCII letters, digits, `-` and `_`, starting with a letter.
fn is_package_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Generates the crate and writes it, printing the generator's warnings.
fn run(args: &Args) -> Result<(), Error> {
    let generated = generator::generate(&args.spec, &Options::new(&args.crate_name))?;
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    generated.write_to(&args.out)?;
    println!(
        "wrote crate `{}` to {} ({} files, {} warnings)",
        args.crate_name,
        args.out.display(),
        generated.files.len(),
        generated.warnings.len()
    );
    Ok(())
}
