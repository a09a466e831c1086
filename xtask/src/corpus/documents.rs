//! Which documents make up the corpus, and the crate each one becomes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// One OpenAPI document of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file, as found from the paths given on the command line.
    pub path: PathBuf,
    /// How the table names it: the path below the directory it was found
    /// in, or the file name when it was given directly.
    pub display: String,
    /// Package name of the crate generated from it (`corpus-<stem>`), also
    /// the member directory in the scratch workspace.
    pub crate_name: String,
}

/// Lists the documents under `inputs` (files, or directories whose
/// `.json`, `.yaml` and `.yml` files are taken, not recursively): each
/// directory sorted by file name, the inputs in the order given.
pub fn find(inputs: &[PathBuf]) -> Result<Vec<Document>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            files.extend(documents_in(input)?);
        } else if input.is_file() {
            files.push(input.clone());
        } else {
            bail!("{}: no such file or directory", input.display());
        }
    }
    let mut taken = BTreeSet::new();
    Ok(files
        .into_iter()
        .map(|path| {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let crate_name = unique_crate_name(stem.as_deref().unwrap_or("document"), &mut taken);
            let display = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Document {
                path,
                display,
                crate_name,
            }
        })
        .collect())
}

/// The OpenAPI documents directly inside `dir`, sorted by file name.
fn documents_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("{}: cannot list", dir.display()))?
            .path();
        if path.is_file() && is_document(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether the file name says JSON or YAML.
fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["json", "yaml", "yml"].contains(&e.to_ascii_lowercase().as_str()))
}

/// `corpus-<stem in kebab case>`, with a numeric suffix when two documents
/// (say `a.json` and `a.yaml`) would share a name.
fn unique_crate_name(stem: &str, taken: &mut BTreeSet<String>) -> String {
    let base = format!("corpus-{}", kebab(stem));
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Lower-case ASCII letters and digits, every other run of characters
/// becoming one `-`: `apisguru-xkcd.com` → `apisguru-xkcd-com`.
fn kebab(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "document".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_kebab_case_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_crate_name("k8s-coordination.k8s.io-v1", &mut taken),
            "corpus-k8s-coordination-k8s-io-v1"
        );
        assert_eq!(
            unique_crate_name("openai_3.0", &mut taken),
            "corpus-openai-3-0"
        );
        assert_eq!(
            unique_crate_name("OpenAI 3.0", &mut taken),
            "corpus-openai-3-0-2"
        );
        assert_eq!(unique_crate_name("…", &mut taken), "corpus-document");
    }

    #[test]
    fn only_json_and_yaml_files_are_documents() {
        assert!(is_document(Path::new("a/b.JSON")));
        assert!(is_document(Path::new("b.yml")));
        assert!(!is_document(Path::new("README.md")));
        assert!(!is_document(Path::new("yaml")));
    }
}
