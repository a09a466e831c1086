//! The scratch cargo workspace of a conformance run: one client and one
//! driver crate per document, built with one `cargo build --keep-going`.

use std::path::{Path, PathBuf};

use scratch_workspace::{write_scratch_workspace, Cargo};

/// Extensions of OpenAPI documents.
const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// The documents named by `inputs`: files as they are, directories by
/// their `.json`, `.yaml` and `.yml` files (sorted, not recursive).
pub fn find_documents(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut documents = Vec::new();
    for input in inputs {
        if input.is_file() {
            documents.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|e| format!("{}: {e}", input.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.is_file()
                    && path
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e))
            })
            .collect();
        found.sort();
        documents.extend(found);
    }
    if documents.is_empty() {
        return Err("no OpenAPI documents (.json, .yaml, .yml) to run".to_owned());
    }
    Ok(documents)
}

/// A package name for `spec` (`conf-<file stem>-<suffix>`): lower-case
/// letters, digits and hyphens.
pub fn package_name(spec: &Path, suffix: &str) -> String {
    let stem = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("document");
    let mut name = String::from("conf-");
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' => name.push(c),
            'A'..='Z' => name.push(c.to_ascii_lowercase()),
            _ if !name.ends_with('-') => name.push('-'),
            _ => {}
        }
    }
    format!("{}-{suffix}", name.trim_end_matches('-'))
}

/// Builds `members` of the workspace in `dir` into `target`; returns the
/// packages that did not compile.
pub fn build(
    dir: &Path,
    target: &Path,
    members: &[String],
    lockfile: &Path,
) -> Result<Vec<String>, String> {
    write_scratch_workspace(dir, members, lockfile).map_err(|e| format!("{e:#}"))?;
    let output = Cargo::new(
        dir,
        target,
        ["build", "--workspace", "--keep-going", "--quiet"],
    )
    // Drivers are run, never debugged: no debug info builds and links
    // the large clients much faster.
    .env("CARGO_PROFILE_DEV_DEBUG", "0")
    .output_offline_first()
    .map_err(|e| format!("{e:#}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failed: Vec<String> = members
        .iter()
        .filter(|m| stderr.contains(&format!("could not compile `{m}`")))
        .cloned()
        .collect();
    if !output.status.success() && failed.is_empty() {
        return Err(format!(
            "cargo build failed in {}:\n{stderr}",
            dir.display()
        ));
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_are_cargo_safe() {
        let name = package_name(Path::new("x/k8s-coordination.k8s.io-v1.json"), "driver");
        assert_eq!(name, "conf-k8s-coordination-k8s-io-v1-driver");
        assert_eq!(
            package_name(Path::new("Open_API 3.yaml"), "driver"),
            "conf-open-api-3-driver"
        );
    }
}
