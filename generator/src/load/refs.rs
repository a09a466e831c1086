//! Cross-file `$ref` resolution.
//!
//! After this pass every `$ref` left in a document is local and points at a
//! component (`#/components/<kind>/<name>`). References to components in other
//! files hoist that component into the merged set; references to anything
//! else are replaced by a copy of their target.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Error, Location, Result};
use crate::load::pointer;
use crate::load::positions::{reference_of, Position};
use crate::load::read::read_document;

/// A component some reference asked for, and where that reference was.
struct PendingComponent {
    file: PathBuf,
    kind: String,
    name: String,
    referenced_from: Location,
}

/// A component pulled in from some file, keyed by `(kind, name)`.
#[derive(Debug, Clone)]
pub struct Component {
    /// The file that defines it.
    pub file: PathBuf,
    /// Its definition, with references already resolved.
    pub value: Value,
}

/// Caches parsed documents and collects the components references point at.
pub struct Resolver {
    documents: BTreeMap<PathBuf, Value>,
    roots: Vec<PathBuf>,
    pending: Vec<PendingComponent>,
    inline_stack: Vec<(PathBuf, String)>,
    /// Components reached through references, in discovery order per key.
    pub components: BTreeMap<(String, String), Vec<Component>>,
}

/// Nesting of non-component references copied into one another; deeper than
/// this is a cycle the spec cannot express as a type.
const MAX_INLINE_DEPTH: usize = 64;

impl Resolver {
    /// A resolver whose root documents (the ones being merged) are `roots`.
    pub fn new(roots: Vec<(PathBuf, Value)>) -> Self {
        let mut documents = BTreeMap::new();
        let mut root_paths = Vec::new();
        for (path, value) in roots {
            root_paths.push(path.clone());
            documents.insert(path, value);
        }
        Resolver {
            documents,
            roots: root_paths,
            pending: Vec::new(),
            inline_stack: Vec::new(),
            components: BTreeMap::new(),
        }
    }

    /// Takes a root document out for resolution (it is put back by `finish`).
    pub fn root_document(&self, path: &Path) -> Option<Value> {
        self.documents.get(path).cloned()
    }

    /// Resolves every reference inside `value`, which lives in `file` at
    /// pointer `at` and is an object of keywords (a document, a component,
    /// or what a reference points at).
    pub fn resolve(&mut self, file: &Path, value: &mut Value, at: &mut Vec<String>) -> Result<()> {
        self.resolve_at(file, value, at, Position::Keywords)
    }

    /// [`Self::resolve`] for a value at `position`: data (examples,
    /// defaults, extensions, …) is left alone, whatever `$ref` keys it has.
    fn resolve_at(
        &mut self,
        file: &Path,
        value: &mut Value,
        at: &mut Vec<String>,
        position: Position,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                if let Some(reference) = reference_of(map, position) {
                    let reference = reference.to_owned();
                    return self.resolve_reference(file, value, &reference, at);
                }
                for (key, item) in map.iter_mut() {
                    let item_position = position.of_child(key, item);
                    if item_position == Position::Data {
                        continue;
                    }
                    at.push(key.clone());
                    self.resolve_at(file, item, at, item_position)?;
                    at.pop();
                }
            }
            Value::Array(items) if position != Position::Data => {
                for (index, item) in items.iter_mut().enumerate() {
                    at.push(index.to_string());
                    self.resolve_at(file, item, at, position.of_element())?;
                    at.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Loads the components that resolved references asked for, until no
    /// new ones are found.
    pub fn resolve_pending_components(&mut self) -> Result<()> {
        while let Some(pending) = self.pending.pop() {
            let PendingComponent {
                file,
                kind,
                name,
                referenced_from,
            } = pending;
            let key = (kind.clone(), name.clone());
            if self
                .components
                .get(&key)
                .is_some_and(|found| found.iter().any(|c| c.file == file))
            {
                continue;
            }
            let path = ["components".to_owned(), kind.clone(), name.clone()];
            let document = self.document(&file, &referenced_from)?;
            let mut value = pointer::resolve(document, &path).cloned().ok_or_else(|| {
                Error::new(
                    referenced_from.clone(),
                    format!(
                        "referenced component {}{} does not exist",
                        file.display(),
                        pointer::from_segments(&path)
                    ),
                )
            })?;
            let mut at = path.to_vec();
            self.resolve(&file.clone(), &mut value, &mut at)?;
            self.components
                .entry(key)
                .or_default()
                .push(Component { file, value });
        }
        Ok(())
    }

    fn resolve_reference(
        &mut self,
        file: &Path,
        value: &mut Value,
        reference: &str,
        at: &mut [String],
    ) -> Result<()> {
        let here = Location::at(file, pointer::from_segments(at));
        let (target_file, fragment) = self.split_reference(file, reference, &here)?;
        let segments = pointer::segments(fragment).ok_or_else(|| {
            Error::new(
                here.clone(),
                format!("`$ref: {reference}` is not a JSON pointer"),
            )
        })?;
        if let [components, kind, name] = segments.as_slice() {
            if components == "components" {
                let is_local_root = target_file == file && self.roots.iter().any(|r| r == file);
                if !is_local_root {
                    self.pending.push(PendingComponent {
                        file: target_file,
                        kind: kind.clone(),
                        name: name.clone(),
                        referenced_from: here,
                    });
                }
                let local = pointer::from_segments(&segments);
                if let Value::Object(map) = value {
                    map.insert("$ref".to_owned(), Value::String(local));
                }
                return Ok(());
            }
        }
        self.inline(value, target_file, reference, segments, here)
    }

    /// Replaces a reference to a non-component location by a resolved copy.
    fn inline(
        &mut self,
        value: &mut Value,
        target_file: PathBuf,
        reference: &str,
        segments: Vec<String>,
        here: Location,
    ) -> Result<()> {
        let key = (target_file.clone(), pointer::from_segments(&segments));
        if self.inline_stack.contains(&key) || self.inline_stack.len() >= MAX_INLINE_DEPTH {
            return Err(Error::new(
                here,
                format!(
                    "`$ref: {reference}` refers back to itself through non-component references"
                ),
            ));
        }
        let document = self.document(&target_file, &here)?;
        let mut target = pointer::resolve(document, &segments)
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    here.clone(),
                    format!(
                        "`$ref: {reference}` points at nothing in {}",
                        target_file.display()
                    ),
                )
            })?;
        self.inline_stack.push(key);
        let mut at = segments;
        let result = self.resolve(&target_file, &mut target, &mut at);
        self.inline_stack.pop();
        result?;
        *value = target;
        Ok(())
    }

    fn split_reference<'r>(
        &self,
        file: &Path,
        reference: &'r str,
        here: &Location,
    ) -> Result<(PathBuf, &'r str)> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file_part.is_empty() {
            return Ok((file.to_path_buf(), fragment));
        }
        if file_part.contains("://") {
            return Err(Error::new(
                here.clone(),
                format!("remote reference `{reference}` is not supported; download the document next to the spec"),
            ));
        }
        let base = file.parent().unwrap_or_else(|| Path::new("."));
        Ok((normalize(&base.join(file_part)), fragment))
    }

    fn document(&mut self, path: &Path, referenced_from: &Location) -> Result<&Value> {
        if !self.documents.contains_key(path) {
            if !path.is_file() {
                return Err(Error::new(
                    referenced_from.clone(),
                    format!("referenced file {} does not exist", path.display()),
                ));
            }
            let parsed = read_document(path)?;
            self.documents.insert(path.to_path_buf(), parsed);
        }
        self.documents
            .get(path)
            .ok_or_else(|| Error::new(referenced_from.clone(), "document vanished from the cache"))
    }
}

/// Lexically removes `.` and `..` so one file always has one key.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component as C;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            C::CurDir => {}
            C::ParentDir => {
                if matches!(out.components().next_back(), Some(C::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
