//! Reading documents from disk into JSON values, with located parse errors.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostics::{Error, Location, Result};
use crate::load::MAX_DEPTH;

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
///
/// Documents may nest up to [`MAX_DEPTH`] levels; a deeper one is a located
/// error, found before anything recurses into it. The parsing, and the drop
/// of the value, recurse on the calling thread's stack: outside the loader,
/// call it inside [`crate::on_pipeline_stack`] (or use
/// [`crate::load::load_text`], which does).
pub fn parse_document(path: &Path, text: &str) -> Result<Value> {
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        return parse_json(path, text);
    }
    crate::load::yaml::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        location.line = e.line;
        Error::new(location, format!("invalid YAML: {}", e.message))
    })
}

fn parse_json(path: &Path, text: &str) -> Result<Value> {
    let located = |line: usize, message: String| {
        let mut location = Location::file(path);
        location.line = Some(line);
        Error::new(location, message)
    };
    if let Some(line) = json_too_deep(text) {
        return Err(located(
            line,
            format!("invalid JSON: nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    // The scan above bounds the nesting, so serde_json's own limit of 128
    // levels is not needed.
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    Value::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|e| located(e.line(), format!("invalid JSON: {e}")))
}

/// The line on which JSON text first opens more than [`MAX_DEPTH`] arrays
/// and objects, if it does. Brackets inside strings do not count; the text
/// need not be valid (the parser reports that).
fn json_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                b'\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Every spec file the repository holds, and the shared corpus beside it
/// when it is there: the inputs of tests that compare two ways of reading.
#[cfg(test)]
pub(crate) fn repository_spec_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    [
        "spec",
        "tests/fixtures",
        "tests/fixtures31",
        "tests/fixtures32",
        "tests/fixtures_compat",
        "tests/diff_pairs",
        "../shared/corpus",
    ]
    .iter()
    .filter_map(|dir| spec_files(&root.join(dir)).ok())
    .flatten()
    .collect()
}
