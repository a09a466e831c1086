//! Merging many documents into one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::{Error, Location, Result};
use crate::load::normalize::{push_down_servers, METHODS};
use crate::load::pointer;
use crate::load::refs::Component;

/// Which file each part of the merged document came from, so that later
/// stages can name the file in their messages.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    operations: BTreeMap<(String, String), PathBuf>,
    components: BTreeMap<(String, String), PathBuf>,
    webhooks: BTreeMap<String, PathBuf>,
    default_file: Option<PathBuf>,
}

impl Sources {
    /// The location of a JSON pointer into the merged document.
    pub fn locate(&self, at: &str) -> Location {
        let segments = pointer::segments(at).unwrap_or_default();
        let file = match segments.as_slice() {
            [paths, path, method, ..] if paths == "paths" => self
                .operations
                .get(&(path.clone(), method.clone()))
                .or(self.default_file.as_ref()),
            [components, kind, name, ..] if components == "components" => self
                .components
                .get(&(kind.clone(), name.clone()))
                .or(self.default_file.as_ref()),
            [webhooks, name, ..] if webhooks == "webhooks" => {
                self.webhooks.get(name).or(self.default_file.as_ref())
            }
            _ => self.default_file.as_ref(),
        };
        Location {
            file: file.cloned(),
            line: None,
            pointer: Some(at.to_owned()),
        }
    }
}

/// Document-level extensions that survive the merge: the generator reads
/// them. Each document may state one; different statements are an error.
const KEPT_EXTENSIONS: [&str; 1] = ["x-webhook-signature"];

/// Accumulates documents into one.
#[derive(Default)]
pub struct Merger {
    head: Map<String, Value>,
    servers: Option<Value>,
    paths: Map<String, Value>,
    components: BTreeMap<String, Map<String, Value>>,
    webhooks: Map<String, Value>,
    /// Document-level extensions the generator reads (see
    /// [`KEPT_EXTENSIONS`]).
    extensions: Map<String, Value>,
    tags: Vec<Value>,
    sources: Sources,
}

impl Merger {
    /// Adds one document whose references are resolved and whose defaults
    /// are pushed down into its operations.
    pub fn add_document(&mut self, file: &Path, mut document: Value) -> Result<()> {
        if self.sources.default_file.is_none() {
            self.sources.default_file = Some(file.to_path_buf());
        }
        self.adopt_servers(&mut document);
        let Value::Object(mut root) = document else {
            return Err(Error::new(
                Location::at(file, "#"),
                "an OpenAPI document must be a mapping",
            ));
        };
        for key in ["openapi", "info", "externalDocs"] {
            if let Some(value) = root.remove(key) {
                self.head.entry(key).or_insert(value);
            }
        }
        if let Some(Value::Array(tags)) = root.remove("tags") {
            self.add_tags(tags);
        }
        if let Some(Value::Object(paths)) = root.remove("paths") {
            for (path, item) in paths {
                self.add_path(file, path, item)?;
            }
        }
        if let Some(Value::Object(webhooks)) = root.remove("webhooks") {
            for (name, item) in webhooks {
                self.add_webhook(file, name, item)?;
            }
        }
        for key in KEPT_EXTENSIONS {
            if let Some(value) = root.remove(key) {
                self.add_extension(file, key, value)?;
            }
        }
        if let Some(Value::Object(components)) = root.remove("components") {
            for (kind, entries) in components {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for (name, value) in entries {
                    self.add_component(
                        &kind,
                        &name,
                        Component {
                            file: file.to_path_buf(),
                            value,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The first document's servers become the default; a document with
    /// other servers keeps them, on its own operations.
    fn adopt_servers(&mut self, document: &mut Value) {
        let Some(servers) = document.get("servers").cloned() else {
            return;
        };
        match &self.servers {
            None => self.servers = Some(servers),
            Some(default) if *default == servers => {}
            Some(_) => push_down_servers(document, &servers),
        }
    }

    fn add_tags(&mut self, tags: Vec<Value>) {
        for tag in tags {
            let name = tag.get("name").cloned();
            if !self.tags.iter().any(|t| t.get("name").cloned() == name) {
                self.tags.push(tag);
            }
        }
    }

    fn add_path(&mut self, file: &Path, path: String, item: Value) -> Result<()> {
        let Value::Object(item) = item else {
            return Err(Error::new(
                Location::at(file, pointer::from_segments(&["paths", &path])),
                "a path item must be a mapping",
            ));
        };
        let merged = self
            .paths
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(merged) = merged else {
            return Ok(());
        };
        for (key, value) in item {
            if let Some(existing) = merged.get(&key) {
                if *existing != value && METHODS.contains(&key.as_str()) {
                    let first = self.sources.operations.get(&(path.clone(), key.clone()));
                    return Err(conflict(file, first, &["paths", &path, &key]));
                }
                continue;
            }
            if METHODS.contains(&key.as_str()) {
                self.sources
                    .operations
                    .insert((path.clone(), key.clone()), file.to_path_buf());
            }
            merged.insert(key, value);
        }
        Ok(())
    }

    /// Adds a webhook; the same name defined differently is an error.
    fn add_webhook(&mut self, file: &Path, name: String, item: Value) -> Result<()> {
        if let Some(existing) = self.webhooks.get(&name) {
            if *existing != item {
                let first = self.sources.webhooks.get(&name);
                return Err(conflict(file, first, &["webhooks", &name]));
            }
            return Ok(());
        }
        self.sources
            .webhooks
            .insert(name.clone(), file.to_path_buf());
        self.webhooks.insert(name, item);
        Ok(())
    }

    /// Keeps a document-level extension; stated differently by two
    /// documents, it is an error.
    fn add_extension(&mut self, file: &Path, key: &str, value: Value) -> Result<()> {
        match self.extensions.get(key) {
            Some(existing) if *existing != value => Err(Error::new(
                Location::at(file, pointer::from_segments(&[key])),
                format!("`{key}` is stated differently in another document; state it once, or identically"),
            )),
            Some(_) => Ok(()),
            None => {
                self.extensions.insert(key.to_owned(), value);
                Ok(())
            }
        }
    }

    /// Adds a component; the same name defined differently is an error.
    pub fn add_component(&mut self, kind: &str, name: &str, component: Component) -> Result<()> {
        let entries = self.components.entry(kind.to_owned()).or_default();
        let key = (kind.to_owned(), name.to_owned());
        if let Some(existing) = entries.get(name) {
            if *existing != component.value {
                let first = self.sources.components.get(&key);
                return Err(conflict(
                    &component.file,
                    first,
                    &["components", kind, name],
                ));
            }
            return Ok(());
        }
        entries.insert(name.to_owned(), component.value);
        self.sources.components.insert(key, component.file);
        Ok(())
    }

    /// The merged document and where its parts came from.
    pub fn finish(self) -> (Value, Sources) {
        let mut root = self.head;
        if let Some(servers) = self.servers {
            root.insert("servers".to_owned(), servers);
        }
        if !self.tags.is_empty() {
            root.insert("tags".to_owned(), Value::Array(self.tags));
        }
        root.insert("paths".to_owned(), Value::Object(self.paths));
        if !self.webhooks.is_empty() {
            root.insert("webhooks".to_owned(), Value::Object(self.webhooks));
        }
        root.extend(self.extensions);
        let components: Map<String, Value> = self
            .components
            .into_iter()
            .map(|(kind, entries)| (kind, Value::Object(entries)))
            .collect();
        root.insert("components".to_owned(), Value::Object(components));
        (Value::Object(root), self.sources)
    }
}

fn conflict(file: &Path, first: Option<&PathBuf>, at: &[&str]) -> Error {
    let first = first.map_or_else(
        || "another document".to_owned(),
        |f| f.display().to_string(),
    );
    Error::new(
        Location::at(file, pointer::from_segments(at)),
        format!(
            "defined differently here and in {first}; a name may only be defined once, or identically",
        ),
    )
}
