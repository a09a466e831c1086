//! A review of a spec change: the Rust axis and the wire axis side by side,
//! each change placed at its line in the new spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::wire::{self, WireDiff, WireImpact};
use super::{ApiDiff, Area, Change, Impact};
use crate::diagnostics::{Error, Location, Result};
use crate::load::{self, pointer, LoadedSpec, Sources};

/// A line of a spec file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The file, as given to the loader.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

/// Both verdicts on a spec change.
#[derive(Debug, Clone)]
pub struct Review {
    /// What the change does to code written against the generated crate.
    pub rust: ApiDiff,
    /// Where each Rust change is in the new spec, when it still has a place
    /// there (parallel to `rust.changes`).
    pub rust_positions: Vec<Option<Position>>,
    /// What the change does to clients already deployed.
    pub wire: WireDiff,
    /// Where each wire change is in the new spec (parallel to
    /// `wire.changes`).
    pub wire_positions: Vec<Option<Position>>,
    /// `info.version` of the old and the new spec.
    pub versions: (String, String),
}

/// When a review should fail a CI job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// A change breaks code written against the generated crate.
    RustBreaking,
    /// A change breaks clients already deployed.
    WireBreaking,
    /// Either.
    Any,
}

impl Review {
    /// Whether the review meets the condition.
    pub fn fails(&self, condition: FailOn) -> bool {
        let rust = self.rust.verdict() == Some(Impact::Breaking);
        let wire = self.wire.verdict() == Some(WireImpact::Breaking);
        match condition {
            FailOn::RustBreaking => rust,
            FailOn::WireBreaking => wire,
            FailOn::Any => rust || wire,
        }
    }
}

/// Loads two specs (files or directories) and reviews the change, on a
/// stack deep enough for any document.
pub fn review_paths(old: &Path, new: &Path) -> Result<Review> {
    crate::on_pipeline_stack(new, || {
        let old_spec = load::load(old)?;
        let new_spec = load::load(new)?;
        review(&old_spec, &new_spec)
    })
}

/// Reviews the change between two loaded specs, on a stack deep enough
/// for any document (in place when already on one).
pub fn review(old: &LoadedSpec, new: &LoadedSpec) -> Result<Review> {
    crate::run_on_pipeline_stack(Location::default(), || review_on_this_stack(old, new))
}

fn review_on_this_stack(old: &LoadedSpec, new: &LoadedSpec) -> Result<Review> {
    let rust = super::diff(&crate::lower::lower(old)?, &crate::lower::lower(new)?);
    let old_document = document(old)?;
    let new_document = document(new)?;
    let wire = wire::diff_documents(&old_document, &new_document);
    let mut lines = Lines::new(&new.sources);
    let wire_positions = wire
        .changes
        .iter()
        .map(|c| lines.position(&c.pointer))
        .collect();
    let rust_positions = rust
        .changes
        .iter()
        .map(|c| {
            let at = rust_pointer(&new_document, c)?;
            lines.position(&at)
        })
        .collect();
    Ok(Review {
        rust,
        rust_positions,
        wire,
        wire_positions,
        versions: (
            old.openapi.info.version.clone(),
            new.openapi.info.version.clone(),
        ),
    })
}

/// The merged document as JSON, in the OpenAPI 3.0 shape load checked.
fn document(spec: &LoadedSpec) -> Result<Value> {
    serde_json::to_value(&spec.openapi).map_err(|e| {
        Error::bug(
            Location::default(),
            format!("cannot serialize the loaded spec: {e}"),
        )
    })
}

/// Where a change of the Rust axis is in the new document: its operation,
/// schema, security scheme or servers.
fn rust_pointer(document: &Value, change: &Change) -> Option<String> {
    let candidate = match change.area {
        Area::Operation => return operation_pointer(document, &change.subject),
        Area::Schema => pointer::from_segments(&["components", "schemas", &change.subject]),
        Area::Auth => pointer::from_segments(&["components", "securitySchemes", &change.subject]),
        Area::Servers => "#/servers".to_owned(),
        Area::Crate => "#/info".to_owned(),
        // A feature is a tag's (or the generator's own, then no place).
        Area::Feature => "#/tags".to_owned(),
    };
    exists(document, &candidate).then_some(candidate)
}

fn exists(document: &Value, at: &str) -> bool {
    pointer::segments(at).is_some_and(|s| pointer::resolve(document, &s).is_some())
}

fn operation_pointer(document: &Value, id: &str) -> Option<String> {
    let paths = document.get("paths")?.as_object()?;
    paths.iter().find_map(|(path, item)| {
        let methods = item.as_object()?;
        methods.iter().find_map(|(method, operation)| {
            (operation.get("operationId")?.as_str()? == id)
                .then(|| pointer::from_segments(&["paths", path, method]))
        })
    })
}

/// Lines of pointers, with each file read once.
struct Lines<'s> {
    sources: &'s Sources,
    texts: BTreeMap<PathBuf, Option<String>>,
}

impl<'s> Lines<'s> {
    fn new(sources: &'s Sources) -> Self {
        Lines {
            sources,
            texts: BTreeMap::new(),
        }
    }

    /// The line of `at` in the file it came from. A pointer of the merged
    /// document need not exist in its file (a component merged in from
    /// another document sits elsewhere there): then the nearest enclosing
    /// node that does is used, and line 1 when none does.
    fn position(&mut self, at: &str) -> Option<Position> {
        let file = self.sources.locate(at).file?;
        let text = self
            .texts
            .entry(file.clone())
            .or_insert_with(|| std::fs::read_to_string(&file).ok())
            .as_deref()?;
        let mut segments = pointer::segments(at)?;
        loop {
            if let Some(line) = load::line_of_pointer(text, &pointer::from_segments(&segments)) {
                return Some(Position { file, line });
            }
            if segments.pop().is_none() {
                return Some(Position { file, line: 1 });
            }
        }
    }
}
