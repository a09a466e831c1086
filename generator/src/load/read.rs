//! Reading documents from disk into JSON values, with located parse errors.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Error, Location, Result};

/// The spec files under `root`: the file itself, or every `.yaml`, `.yml` and
/// `.json` file below the directory, in a stable (sorted) order.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, "read spec path", &e))?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut files = Vec::new();
    collect_spec_files(root, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(Error::new(
            Location::file(root),
            "no OpenAPI documents (.yaml, .yml or .json) found in this directory",
        ));
    }
    Ok(files)
}

fn collect_spec_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, "list directory", &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, "list directory", &e))?;
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| Error::io(&path, "inspect", &e))?;
        if file_type.is_dir() {
            collect_spec_files(&path, files)?;
        } else if is_spec_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Reads and parses one document (JSON or YAML, chosen by extension).
pub fn read_document(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", &e))?;
    parse_document(path, &text)
}

/// Parses document text; `path` is used for the format and for messages.
pub fn parse_document(path: &Path, text: &str) -> Result<Value> {
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        return serde_json::from_str(text).map_err(|e| {
            let mut location = Location::file(path);
            location.line = Some(e.line());
            Error::new(location, format!("invalid JSON: {e}"))
        });
    }
    crate::load::yaml::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        location.line = e.location().map(|l| l.line());
        Error::new(location, format!("invalid YAML: {e}"))
    })
}
