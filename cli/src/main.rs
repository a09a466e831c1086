//! `openapi-rust-gen`: typed async Rust clients from OpenAPI documents.
//!
//! Exit codes: 0 done (and, for `check`, current); 1 an error in the spec,
//! an I/O error, or (for `check`) stale files; 2 a usage error; 3 a bug of
//! the generator; 4 the change `diff --fail-on` names.

mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use openapi_rust_gen::config::Config;
use openapi_rust_gen::diff::outputs::{self, Format};
use openapi_rust_gen::diff::FailOn;
use openapi_rust_gen::{Error, Generator};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  openapi-rust-gen generate openapi.yaml -o clients/petstore --name petstore
  openapi-rust-gen check openapi.yaml -o clients/petstore --name petstore
  openapi-rust-gen diff old/openapi.yaml new/openapi.yaml --format github --fail-on wire-breaking

Exit codes: 0 done; 1 an error in the spec or on disk, or stale files
(check); 2 a usage error; 3 a bug of the generator; 4 the --fail-on
condition of diff is met.";

/// Typed async Rust clients from OpenAPI 3.0 and 3.1 documents.
#[derive(Debug, Parser)]
#[command(name = "openapi-rust-gen", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what was written, file by file.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a client crate from a spec.
    Generate(Target),
    /// Check that a crate is what the spec generates; list stale files.
    Check(Target),
    /// Compare two versions of a spec: what changes for code using the
    /// generated crate (Rust axis) and for clients already deployed (wire).
    Diff {
        /// The older spec (file or directory).
        old: PathBuf,
        /// The newer spec.
        new: PathBuf,
        /// Report format: text, markdown (a pull-request comment), json or
        /// github (GitHub Actions annotations at the new spec's lines).
        #[arg(long, default_value = "markdown")]
        format: Format,
        /// Exit with 4 when the change is breaking on this axis:
        /// rust-breaking, wire-breaking or any (either).
        #[arg(long, value_name = "CONDITION")]
        fail_on: Option<FailOn>,
    },
}

/// A spec and the crate generated from it.
#[derive(Debug, Args)]
struct Target {
    /// The spec: an OpenAPI document (.json, .yaml, .yml) or a directory of
    /// documents to merge.
    spec: PathBuf,
    /// The crate's directory.
    #[arg(short, long)]
    out: PathBuf,
    /// The crate's package name [default: the directory's name].
    #[arg(long, value_parser = package_name)]
    name: Option<String>,
    /// The crate's version [default: the configuration's, else 0.1.0].
    #[arg(long)]
    crate_version: Option<String>,
    /// The configuration file [default: `openapi-rust-gen.toml` beside the
    /// spec, if there is one].
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = report::Verbosity::from_flags(cli.quiet, cli.verbose);
    let outcome = match &cli.command {
        Command::Generate(target) => generate(target, verbosity),
        Command::Check(target) => check(target, verbosity),
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => diff(old, new, *format, *fail_on),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("{}", report::error(&error));
        report::exit_code(&error)
    })
}

/// The generator for a target: the configuration first, then what the
/// command line says, which wins.
fn generator_for(target: &Target) -> Result<Generator, Error> {
    let config = match &target.config {
        Some(path) => Config::from_file(path)?,
        None => Config::beside(&target.spec)?,
    };
    let configured_name = config.package.name.is_some();
    let mut generator = Generator::new(&target.spec).config(config);
    match &target.name {
        Some(name) => generator = generator.crate_name(name),
        None if !configured_name => generator = generator.crate_name(default_name(target)?),
        None => {}
    }
    if let Some(version) = &target.crate_version {
        generator = generator.crate_version(version);
    }
    Ok(generator)
}

/// The out directory's name, when it is a valid package name.
fn default_name(target: &Target) -> Result<String, Error> {
    let name = target
        .out
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .unwrap_or_default();
    package_name(&name).map_err(|problem| {
        Error::environment(
            openapi_rust_gen::Location::file(&target.out),
            format!("{problem}; give the crate's name with --name"),
        )
    })
}

fn generate(target: &Target, verbosity: report::Verbosity) -> Result<ExitCode, Error> {
    let written = generator_for(target)?.write_to(&target.out)?;
    report::warnings(&written.warnings, verbosity);
    report::written(&written, &target.out, verbosity);
    Ok(ExitCode::SUCCESS)
}

fn check(target: &Target, verbosity: report::Verbosity) -> Result<ExitCode, Error> {
    let generator = generator_for(target)?;
    let stale = generator.stale_files(&target.out)?;
    if stale.is_empty() {
        if verbosity != report::Verbosity::Quiet {
            println!("{} is up to date", target.out.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "{} differs from what {} generates:",
        target.out.display(),
        target.spec.display()
    );
    for file in &stale {
        eprintln!("  {}", file.display());
    }
    Ok(ExitCode::FAILURE)
}

/// Reviews the change and prints it; exit code 4 when `fail_on` is met.
fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    format: Format,
    fail_on: Option<FailOn>,
) -> Result<ExitCode, Error> {
    let review = openapi_rust_gen::diff::review_paths(old, new)?;
    let title = format!("{} → {}", old.display(), new.display());
    print!("{}", outputs::render(&review, format, &title));
    if fail_on.is_some_and(|condition| review.fails(condition)) {
        return Ok(ExitCode::from(4));
    }
    Ok(ExitCode::SUCCESS)
}

/// A package name: ASCII letters, digits, `-` and `_`, starting with a
/// letter.
fn package_name(name: &str) -> Result<String, String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a package name (ASCII letters, digits, `-` and `_`, starting with a letter)"
        ))
    }
}
