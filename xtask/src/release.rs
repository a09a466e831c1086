//! `cargo xtask release OLD NEW`: the generated crate's next version, by
//! the Rust verdict of the change from OLD to NEW, in its Cargo.toml (and
//! the configuration the generator reads it from), and a CHANGELOG.md entry
//! written from the same report.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use openapi_rust_gen::diff::release::{changelog_entry, next_version, prepend_entry};
use openapi_rust_gen::diff::Review;
use toml_edit::DocumentMut;

/// What a release changed.
#[derive(Debug, PartialEq, Eq)]
pub struct Released {
    /// The version before.
    pub from: String,
    /// The version after.
    pub to: String,
}

/// Reviews the change, then releases the crate in `crate_dir`.
pub fn run(old: &Path, new: &Path, crate_dir: &Path, config: Option<&Path>) -> Result<ExitCode> {
    let review = crate::diff::review_specs(old, new)?;
    let released = release(&review, crate_dir, config)?;
    println!(
        "{}: {} → {} ({} bump); CHANGELOG.md updated",
        crate_dir.display(),
        released.from,
        released.to,
        review.rust.bump().label()
    );
    Ok(ExitCode::SUCCESS)
}

/// Bumps the version of the crate in `crate_dir` (and of `config`'s
/// `[package]`, when given) by the review's Rust verdict and prepends its
/// changelog entry. A review with no change releases nothing.
pub fn release(review: &Review, crate_dir: &Path, config: Option<&Path>) -> Result<Released> {
    let manifest = crate_dir.join("Cargo.toml");
    let from = package_version(&manifest)?;
    let Some(to) = next_version(&from, review.rust.bump()) else {
        bail!(
            "{}: version `{from}` is not MAJOR.MINOR.PATCH; set the next one by hand",
            manifest.display()
        );
    };
    if to == from {
        return Ok(Released { from, to });
    }
    set_package_version(&manifest, &to)?;
    if let Some(config) = config {
        set_package_version(config, &to)?;
    }
    let changelog = crate_dir.join("CHANGELOG.md");
    let existing = match fs::read_to_string(&changelog) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", changelog.display())),
    };
    let updated = prepend_entry(&existing, &changelog_entry(&to, review));
    fs::write(&changelog, updated)
        .with_context(|| format!("cannot write {}", changelog.display()))?;
    Ok(Released { from, to })
}

fn read_toml(path: &Path) -> Result<DocumentMut> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<DocumentMut>()
        .with_context(|| format!("{} is not TOML", path.display()))
}

fn package_version(manifest: &Path) -> Result<String> {
    let document = read_toml(manifest)?;
    document
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .with_context(|| format!("{} has no [package] version", manifest.display()))
}

/// Sets `[package] version`, leaving the rest of the file as it was.
fn set_package_version(path: &Path, version: &str) -> Result<()> {
    let mut document = read_toml(path)?;
    let Some(package) = document
        .get_mut("package")
        .and_then(|p| p.as_table_like_mut())
    else {
        bail!("{} has no [package] table", path.display());
    };
    package.insert("version", toml_edit::value(version));
    fs::write(path, document.to_string())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn pair(name: &str) -> (PathBuf, PathBuf) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/diff_pairs")
            .join(name);
        (dir.join("old.yaml"), dir.join("new.yaml"))
    }

    fn crate_at(dir: &Path, version: &str) {
        let manifest = format!(
            "[package]\nname = \"pets\" # the client\nversion = \"{version}\"\nedition = \"2021\"\n"
        );
        fs::write(dir.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
    }

    #[test]
    fn a_breaking_change_bumps_the_minor_number_of_a_0x_crate() {
        let dir = tempfile::tempdir().expect("temp dir");
        crate_at(dir.path(), "0.3.1");
        fs::write(
            dir.path().join("CHANGELOG.md"),
            "# Changelog\n\n## 0.3.1\n\nEarlier.\n",
        )
        .expect("writes changelog");
        let config = dir.path().join("openapi-rust-gen.toml");
        fs::write(&config, "[package]\nversion = \"0.3.1\"\n").expect("writes config");
        let (old, new) = pair("02_operation_removed");
        let review = crate::diff::review_specs(&old, &new).expect("reviews");
        let released = release(&review, dir.path(), Some(&config)).expect("releases");
        assert_eq!(released.to, "0.4.0");
        let manifest = fs::read_to_string(dir.path().join("Cargo.toml")).expect("manifest");
        assert!(manifest.contains("version = \"0.4.0\""), "{manifest}");
        assert!(
            manifest.contains("# the client"),
            "comments kept: {manifest}"
        );
        let config = fs::read_to_string(config).expect("config");
        assert!(config.contains("version = \"0.4.0\""), "{config}");
        let changelog = fs::read_to_string(dir.path().join("CHANGELOG.md")).expect("changelog");
        assert!(
            changelog.starts_with("# Changelog\n\n## 0.4.0\n"),
            "{changelog}"
        );
        assert!(changelog.contains("### Breaking changes"), "{changelog}");
        assert!(
            changelog.contains("### Breaking for deployed clients (wire)"),
            "{changelog}"
        );
        assert!(changelog.contains("## 0.3.1\n\nEarlier."), "{changelog}");
    }

    #[test]
    fn an_addition_bumps_the_minor_number_of_a_1x_crate_and_starts_a_changelog() {
        let dir = tempfile::tempdir().expect("temp dir");
        crate_at(dir.path(), "1.2.3");
        let (old, new) = pair("01_operation_added");
        let review = crate::diff::review_specs(&old, &new).expect("reviews");
        let released = release(&review, dir.path(), None).expect("releases");
        assert_eq!(
            released,
            Released {
                from: "1.2.3".into(),
                to: "1.3.0".into()
            }
        );
        let changelog = fs::read_to_string(dir.path().join("CHANGELOG.md")).expect("changelog");
        assert!(
            changelog.starts_with("# Changelog\n\n## 1.3.0\n"),
            "{changelog}"
        );
        assert!(changelog.contains("### Added and changed"), "{changelog}");
    }

    #[test]
    fn no_change_releases_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        crate_at(dir.path(), "1.2.3");
        let (old, _) = pair("01_operation_added");
        let review = crate::diff::review_specs(&old, &old).expect("reviews");
        let released = release(&review, dir.path(), None).expect("releases");
        assert_eq!(released.to, "1.2.3");
        assert!(!dir.path().join("CHANGELOG.md").exists());
    }
}
