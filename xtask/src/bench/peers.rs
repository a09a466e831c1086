//! The peers' generators, installed by the bench itself when missing (so a
//! fresh machine runs it unchanged; nothing of theirs is committed) under
//! `<target>/bench-tools/`, and run on the shared specs.
//!
//! - openapi-generator: the jar bundled in PyPI's `openapi-generator-cli`,
//!   installed with `pip install --target` and run with `java -jar`
//!   (the package's launcher only adds a Python layer around that);
//! - progenitor: `cargo install cargo-progenitor --locked`, run as
//!   `cargo progenitor` with the install's `bin` first on `PATH`.
//!
//! Versions are pinned so that a table from another day compares the same
//! tools.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use scratch_workspace::{clear_package_variables, rename_package};

use super::process::{self, Logs};

/// The openapi-generator release (PyPI `openapi-generator-cli`).
pub(super) const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";
/// The progenitor release (crates.io `cargo-progenitor`).
pub(super) const PROGENITOR_VERSION: &str = "0.15.1";

/// Time limits: installing progenitor compiles it in release on a shared
/// machine; generating takes seconds.
const INSTALL_LIMIT: Duration = Duration::from_secs(40 * 60);
const GENERATE_LIMIT: Duration = Duration::from_secs(5 * 60);

/// A peer generator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Peer {
    Progenitor,
    OpenapiGenerator,
}

impl Peer {
    pub const ALL: [Peer; 2] = [Peer::Progenitor, Peer::OpenapiGenerator];

    /// Its name in the table.
    pub fn label(self) -> String {
        match self {
            Peer::Progenitor => format!("progenitor {PROGENITOR_VERSION}"),
            Peer::OpenapiGenerator => {
                format!("openapi-generator {OPENAPI_GENERATOR_VERSION} rust")
            }
        }
    }

    /// The package name of its crate for `spec_crate` (`nexus` →
    /// `nexus_progenitor`), also the crate's directory.
    pub fn package(self, spec_crate: &str) -> String {
        match self {
            Peer::Progenitor => format!("{spec_crate}_progenitor"),
            Peer::OpenapiGenerator => format!("{spec_crate}_oag"),
        }
    }
}

/// Installs the peers' tools on first use, once per run.
pub(super) struct Tools {
    dir: PathBuf,
    jar: Option<Result<PathBuf, String>>,
    progenitor_bin: Option<Result<PathBuf, String>>,
}

impl Tools {
    /// Tools kept under `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Tools {
            dir,
            jar: None,
            progenitor_bin: None,
        }
    }

    /// Generates `peer`'s crate named `package` for `spec` into `out`
    /// (replacing what was there), installing the tool first if needed.
    pub fn generate(
        &mut self,
        logs: &Logs,
        peer: Peer,
        spec: &Path,
        out: &Path,
        package: &str,
    ) -> Result<(), String> {
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
        let step = format!("generate {package}");
        eprintln!("generating {package} with {} …", peer.label());
        let mut command = match peer {
            Peer::Progenitor => progenitor_command(&self.progenitor(logs)?, spec, out, package),
            Peer::OpenapiGenerator => {
                openapi_generator_command(&self.openapi_generator(logs)?, spec, out, package)
            }
        };
        process::run(logs, &step, &mut command, GENERATE_LIMIT)?;
        // Without a `[workspace]` table of its own, the crate can be a
        // member of the scratch workspace.
        let manifest_path = out.join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path)
            .map_err(|e| format!("no manifest generated: {}: {e}", manifest_path.display()))?;
        let manifest = rename_package(&manifest, package)
            .ok_or_else(|| format!("{}: no package name", manifest_path.display()))?;
        std::fs::write(&manifest_path, manifest)
            .map_err(|e| format!("{}: {e}", manifest_path.display()))
    }

    /// openapi-generator's jar, installed from PyPI when missing.
    fn openapi_generator(&mut self, logs: &Logs) -> Result<PathBuf, String> {
        let dir = self
            .dir
            .join(format!("openapi-generator-cli-{OPENAPI_GENERATOR_VERSION}"));
        self.jar
            .get_or_insert_with(|| install_openapi_generator(logs, &dir))
            .clone()
    }

    /// progenitor's `bin` directory, installed from crates.io when missing.
    fn progenitor(&mut self, logs: &Logs) -> Result<PathBuf, String> {
        let dir = self.dir.join(format!("progenitor-{PROGENITOR_VERSION}"));
        self.progenitor_bin
            .get_or_insert_with(|| install_progenitor(logs, &dir))
            .clone()
    }
}

fn install_openapi_generator(logs: &Logs, dir: &Path) -> Result<PathBuf, String> {
    let jar = dir.join("openapi_generator_cli/openapi-generator.jar");
    if !jar.is_file() {
        eprintln!(
            "installing openapi-generator-cli {OPENAPI_GENERATOR_VERSION} from PyPI into {} …",
            dir.display()
        );
        let mut pip = Command::new("python3");
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg("--target")
        .arg(dir)
        .arg(format!(
            "openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"
        ));
        process::run(logs, "install openapi-generator", &mut pip, INSTALL_LIMIT)?;
    }
    if !jar.is_file() {
        return Err(format!("pip installed no jar at {}", jar.display()));
    }
    let mut java = Command::new("java");
    java.arg("-version");
    process::run(logs, "java version", &mut java, GENERATE_LIMIT)
        .map_err(|e| format!("openapi-generator needs Java: {e}"))?;
    Ok(jar)
}

fn install_progenitor(logs: &Logs, dir: &Path) -> Result<PathBuf, String> {
    let bin = dir.join("bin");
    if bin.join("cargo-progenitor").is_file() {
        return Ok(bin);
    }
    eprintln!(
        "installing cargo-progenitor {PROGENITOR_VERSION} with cargo install into {} \
         (compiles it in release: minutes) …",
        dir.display()
    );
    let build_dir = dir.join("build");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut install = Command::new(cargo);
    install
        .args(["install", "cargo-progenitor", "--locked", "--version"])
        .arg(PROGENITOR_VERSION)
        .arg("--root")
        .arg(dir)
        .env("CARGO_TARGET_DIR", &build_dir);
    clear_package_variables(&mut install);
    let installed = process::run(logs, "install progenitor", &mut install, INSTALL_LIMIT);
    // The build directory is only needed while installing; it is large.
    let _ = std::fs::remove_dir_all(&build_dir);
    installed?;
    Ok(bin)
}

/// `cargo progenitor -i SPEC -o OUT -n NAME -v 0.1.0`, finding the
/// installed subcommand first on `PATH`.
fn progenitor_command(bin: &Path, spec: &Path, out: &Path, package: &str) -> Command {
    let mut path = OsString::from(bin);
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(["-n", package, "-v", "0.1.0"])
        .env("PATH", path);
    clear_package_variables(&mut command);
    command
}

/// openapi-generator's `rust` generator in the configuration closest to
/// ours: the (default) reqwest library, async, TLS by rustls. Its other
/// options stay at their defaults.
fn openapi_generator_command(jar: &Path, spec: &Path, out: &Path, package: &str) -> Command {
    let mut command = Command::new("java");
    command
        .arg("-jar")
        .arg(jar)
        .args(["generate", "-g", "rust", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .arg(format!(
            "--additional-properties=packageName={package},library=reqwest,\
             supportAsync=true,reqwestDefaultFeatures=rustls"
        ));
    command
}
