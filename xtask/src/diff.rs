//! `cargo xtask diff`: what changed between two versions of a spec, what
//! each change means for the generated crate (the Rust axis) and for
//! clients already deployed (the wire axis).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};
use openapi_rust_gen::diff::outputs::{self, Format};
use openapi_rust_gen::diff::{self, ApiDiff, FailOn, Review};
use openapi_rust_gen::ir::Api;

/// Which two specs to compare.
pub enum Sides {
    /// Two files or directories.
    Paths { old: PathBuf, new: PathBuf },
    /// `spec/` at a git revision against a spec (default `spec/`).
    Base { revision: String, new: PathBuf },
}

impl Sides {
    /// The old and new spec paths (extracting the revision's `spec/`) and
    /// the report's title.
    pub fn resolve(self, root: &Path) -> Result<(PathBuf, PathBuf, String)> {
        Ok(match self {
            Sides::Paths { old, new } => {
                let title = format!("API changes: `{}` → `{}`", old.display(), new.display());
                (old, new, title)
            }
            Sides::Base { revision, new } => {
                let old = spec_at_revision(root, &revision)?;
                let title = format!("API changes since `{revision}`");
                (old, new, title)
            }
        })
    }
}

/// Compares two specs, prints the report, and exits with 4 when
/// `fail_on` is met.
pub fn run(root: &Path, sides: Sides, format: Format, fail_on: Option<FailOn>) -> Result<ExitCode> {
    let (old, new, title) = sides.resolve(root)?;
    let review = review_specs(&old, &new)?;
    print!("{}", outputs::render(&review, format, &title));
    if fail_on.is_some_and(|condition| review.fails(condition)) {
        return Ok(ExitCode::from(4));
    }
    Ok(ExitCode::SUCCESS)
}

/// Both axes of the change between two specs.
pub fn review_specs(old: &Path, new: &Path) -> Result<Review> {
    diff::review_paths(old, new).map_err(anyhow::Error::from)
}

/// Loads and lowers both specs and compares them.
pub fn diff_specs(old: &Path, new: &Path) -> Result<ApiDiff> {
    Ok(diff::diff(&lower(old)?, &lower(new)?))
}

/// The API model of a spec file or directory. The generator's warnings are
/// left out: they are about code generation, not about what changed.
pub fn lower(spec: &Path) -> Result<Api> {
    // The loaded document may nest deeply; the lowered API does not.
    openapi_rust_gen::on_pipeline_stack(spec, || {
        let loaded = openapi_rust_gen::load::load(spec)?;
        openapi_rust_gen::lower::lower(&loaded)
    })
    .map_err(anyhow::Error::from)
}

/// Extracts `spec/` as committed at `revision` into `target/diff-base/`.
fn spec_at_revision(root: &Path, revision: &str) -> Result<PathBuf> {
    let safe: String = revision
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let out = root.join("target/diff-base").join(safe);
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut archive = Command::new("git")
        .current_dir(root)
        .args(["archive", "--format=tar", revision, "spec"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git")?;
    let tar_input = archive
        .stdout
        .take()
        .context("git archive gave no output stream")?;
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&out)
        .stdin(tar_input)
        .output()
        .context("cannot run tar")?;
    let archived = archive.wait_with_output().context("git archive failed")?;
    if !archived.status.success() {
        bail!(
            "`git archive {revision} spec` failed: {}",
            String::from_utf8_lossy(&archived.stderr).trim()
        );
    }
    if !untar.status.success() {
        bail!(
            "tar could not unpack spec/ at {revision}: {}",
            String::from_utf8_lossy(&untar.stderr).trim()
        );
    }
    Ok(out.join("spec"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    #[test]
    fn spec_at_a_revision_is_the_committed_spec() {
        let old = spec_at_revision(&root(), "HEAD").expect("spec/ at HEAD");
        assert!(old.join("components").is_dir(), "{}", old.display());
        let committed = lower(&old).expect("the committed spec lowers");
        assert!(!committed.operations.is_empty());
        let diff = diff_specs(&old, &old).expect("diffs");
        assert_eq!(diff.verdict(), None);
    }

    #[test]
    fn an_unknown_revision_is_a_clear_error() {
        let error = format!(
            "{:#}",
            spec_at_revision(&root(), "no-such-revision").unwrap_err()
        );
        assert!(error.contains("no-such-revision"), "{error}");
    }
}
