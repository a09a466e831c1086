//! Reading documents from disk into JSON values, with located parse errors.

use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

use crate::diagnostics::{Error, Location, Result};
use crate::load::pointer;

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
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        location.line = e.location().map(|l| l.line());
        Error::new(location, format!("invalid YAML: {e}"))
    })?;
    yaml.apply_merge()
        .map_err(|e| Error::new(Location::file(path), format!("invalid YAML merge key: {e}")))?;
    yaml_to_json(path, yaml, &mut Vec::new())
}

/// Converts YAML to JSON. OpenAPI documents often write response codes as
/// YAML integers (`200:`), so scalar keys become strings rather than errors.
fn yaml_to_json(path: &Path, value: serde_yaml::Value, at: &mut Vec<String>) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => yaml_number(path, &n, at)?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                at.push(index.to_string());
                out.push(yaml_to_json(path, item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (key, item) in mapping {
                let key = yaml_key(path, key, at)?;
                at.push(key.clone());
                let item = yaml_to_json(path, item, at)?;
                at.pop();
                out.insert(key, item);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(path, tagged.value, at)?,
    })
}

fn yaml_number(path: &Path, n: &serde_yaml::Number, at: &[String]) -> Result<Value> {
    if let Some(i) = n.as_i64() {
        return Ok(Value::Number(i.into()));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Value::Number(u.into()));
    }
    n.as_f64()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| {
            Error::new(
                Location::at(path, pointer::from_segments(at)),
                format!("number {n} cannot be represented in JSON"),
            )
        })
}

fn yaml_key(path: &Path, key: serde_yaml::Value, at: &[String]) -> Result<String> {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => Ok(s),
        Y::Number(n) => Ok(n.to_string()),
        Y::Bool(b) => Ok(b.to_string()),
        Y::Null => Ok("null".to_owned()),
        _ => Err(Error::new(
            Location::at(path, pointer::from_segments(at)),
            "mapping keys must be scalars",
        )),
    }
}
