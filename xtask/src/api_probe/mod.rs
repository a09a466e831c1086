//! The compiler as an oracle for spec changes. cargo-semver-checks sees
//! items appear and disappear but not types change (a field going from
//! `Option<String>` to `String`, a parameter from `bool` to `i64`, an
//! operation's output); rustc sees both.
//!
//! [`source::probe_source`] writes, from the old side's API model, a library that
//! uses every public item of the generated crate a user could rely on, with
//! the exact types of the old crate: each field's type, constructors and
//! `with_` setters called with arguments of the old types, enum variants by
//! name, union variants with their types, aliased types, each client method
//! and call setter called with arguments of the old types, each
//! operation's `Output` and `Error` types, each error variant with its
//! body, each `Environment` variant, each credential setter, `Default` and
//! `Page` where the old crate has them. Values come from a generic
//! `value::<T>()` that is never called, types are compared exactly (no
//! coercion) by a `same::<Old, _>(&expr)` helper, and nothing is ever run.
//!
//! [`check_probes`] compiles each pair's probe against the old crate and
//! against the new one with one `cargo check --workspace --keep-going` over
//! a scratch workspace, `target/api-probe/`: one package `probe_<n>_old`
//! and one `probe_<n>_new` per pair, each depending on a copy of its
//! generated crate under `crates/<hash>/` (crates with the same files are
//! shared, as consecutive history pairs share one side). A workspace cannot
//! hold two packages of one name, nor can its lockfile, so each copy is
//! renamed `probe_crate_<hash>` and the probes depend on it under the
//! crate's own name (`kelviq = { path = …, package = "probe_crate_…" }`).
//! Dependencies compile once into `target/api-probe/target`; files are only
//! rewritten when they change, so a second run rebuilds what changed only.
//!
//! A change is breaking for the compiler when the probe compiles against
//! the old crate and not against the new one. A probe that does not
//! compile against its own old crate is a bug of the probe (or of the
//! generator): that pair gets no verdict, and [`ProbeReport::problem`]
//! says why.
//!
//! The probe's `Cargo.toml` also depends on `serde_json` (which the
//! generated crates use for JSON values but do not re-export), so a crate
//! itself named `serde_json` cannot be probed.

mod check;
mod source;
mod verdict;
mod workspace;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use check::check_all;
use verdict::reports;
use workspace::prepare_all;

/// One pair to probe: the old spec the probe is written from, and the two
/// generated crates it is compiled against.
#[derive(Debug, Clone)]
pub struct ProbeInput {
    /// Names the pair in reports.
    pub label: String,
    /// The old document (file or directory) the old crate was generated
    /// from.
    pub old_spec: PathBuf,
    /// The generated crate of the old side.
    pub old_crate_dir: PathBuf,
    /// The generated crate of the new side.
    pub new_crate_dir: PathBuf,
    /// The package name both crates were generated with.
    pub crate_name: String,
}

/// What the compiler said about one pair.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// The pair's label.
    pub label: String,
    /// Whether the probe compiles against the old crate (it must: when it
    /// does not, `problem` is set).
    pub compiles_against_old: bool,
    /// Whether the probe compiles against the new crate.
    pub compiles_against_new: bool,
    /// The first rustc error lines against the new crate (paths relative
    /// to `target/api-probe/`), each followed by the probed item in
    /// brackets (`[Pet.tag]`).
    pub errors: Vec<String>,
    /// Why the pair has no verdict: the old spec does not load, the probe
    /// does not compile against its own old crate (its errors follow), or
    /// a generated crate does not compile.
    pub problem: Option<String>,
}

impl ProbeReport {
    /// `Some(true)` when code written against the old crate stops
    /// compiling, `Some(false)` when it still compiles, `None` when the
    /// pair has no verdict (see `problem`).
    pub fn breaking(&self) -> Option<bool> {
        if self.problem.is_some() || !self.compiles_against_old {
            None
        } else {
            Some(!self.compiles_against_new)
        }
    }

    /// `breaking`, `compatible` or `error`.
    pub fn verdict(&self) -> &'static str {
        match self.breaking() {
            Some(true) => "breaking",
            Some(false) => "compatible",
            None => "error",
        }
    }
}

/// Compiles, for each input, the probe of its old spec against its old and
/// its new crate, all with one `cargo check` over `<root>/target/api-probe/`
/// (see the module docs). `Err` when nothing can be checked (the scratch
/// workspace cannot be written, cargo does not run or fails before
/// compiling); a pair whose old spec does not load, whose crate cannot be
/// copied or does not compile gets a report with `problem` set.
pub fn check_probes(root: &Path, inputs: &[ProbeInput]) -> Result<Vec<ProbeReport>> {
    let started = Instant::now();
    let work = root.join("target/api-probe");
    let _guard = scratch_workspace::lock(&work, "api-probe")?;
    let prepared = prepare_all(root, &work, inputs)?;
    let prepared_seconds = started.elapsed().as_secs_f64();

    let phase = Instant::now();
    let outcome = check_all(&work, &prepared.members)?;
    let check_seconds = phase.elapsed().as_secs_f64();

    let reports = reports(inputs, &prepared.probes, &outcome);
    eprintln!(
        "api-probe: {} pairs, {} probe packages over {} distinct crates: prepared in {:.1}s, \
         cargo check {:.1}s, total {:.1}s",
        inputs.len(),
        prepared.members.len(),
        prepared.crates,
        prepared_seconds,
        check_seconds,
        started.elapsed().as_secs_f64()
    );
    Ok(reports)
}
