//! The wire axis: does a client generated from the old spec, already
//! deployed, still work against a server that implements the new one?
//!
//! The Rust axis compares lowered models, because the crate's public API is
//! made of their names. The wire axis compares the merged documents
//! instead: what crosses the wire is spelled by the documents' names
//! (parameter names, JSON property names, media types, status codes), and
//! the constraints a server checks (bounds, patterns, formats) never reach
//! the model. Walking the documents also gives every change a JSON pointer,
//! so reports can point at its line.
//!
//! Direction decides most verdicts: in a request the old client sends
//! values valid under the old schema, so the new schema must accept at
//! least as much; in a response the old client decodes what the new server
//! sends, so the new schema must promise no more than the old one.

mod operations;
mod schemas;
mod security;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::load::pointer;

/// What a change means for a client built from the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireImpact {
    /// Some calls of a deployed client fail, or silently mean something
    /// else, against the new server.
    Breaking,
    /// A deployed client keeps working but sees something it handles only
    /// generically (an undocumented status, an unknown enum value).
    Attention,
    /// A deployed client keeps working as before.
    Compatible,
}

impl WireImpact {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            WireImpact::Breaking => "breaking",
            WireImpact::Attention => "needs attention",
            WireImpact::Compatible => "compatible",
        }
    }
}

/// Which way the values a change is about travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The operations and where they are reached, credentials included.
    Endpoint,
    /// What the client sends.
    Request,
    /// What the client receives.
    Response,
}

/// One change on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireChange {
    /// What it means for a deployed old client.
    pub impact: WireImpact,
    /// Whether it is about requests, responses or endpoints.
    pub side: Side,
    /// The operations it reaches, as `METHOD /path` (several when a shared
    /// schema changed).
    pub operations: Vec<String>,
    /// Where it is in the new merged document (for a removal, the nearest
    /// place that still exists).
    pub pointer: String,
    /// The change, in wire terms (names as sent).
    pub change: String,
    /// What a deployed old client does.
    pub client: String,
}

/// Every wire change between two documents, most severe first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WireDiff {
    /// The changes, sorted by impact, side and pointer.
    pub changes: Vec<WireChange>,
}

impl WireDiff {
    /// The most severe impact of any change, or `None` when nothing on the
    /// wire changed.
    pub fn verdict(&self) -> Option<WireImpact> {
        self.changes.iter().map(|c| c.impact).min()
    }

    /// How many changes have this impact.
    pub fn count(&self, impact: WireImpact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }
}

/// Compares two merged documents (local references only, as load leaves
/// them) on the wire.
pub fn diff_documents(old: &Value, new: &Value) -> WireDiff {
    let mut walk = Walk::new(old, new);
    operations::diff_paths(&mut walk);
    security::diff_schemes(&mut walk);
    security::diff_servers(&mut walk);
    let mut changes: Vec<WireChange> = walk.found.into_values().collect();
    changes.sort_by(|a, b| {
        (a.impact, a.side, &a.pointer, &a.change).cmp(&(b.impact, b.side, &b.pointer, &b.change))
    });
    WireDiff { changes }
}

/// The state of one comparison: both documents, the operation being
/// walked, and the changes found so far (one per place and wording, so a
/// shared schema reached from many operations is reported once).
pub(crate) struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    operation: String,
    found: BTreeMap<(String, String), WireChange>,
    /// Referenced schema pairs already compared for an operation, in a
    /// direction and presence: recursive schemas end here.
    seen: HashSet<(String, String, String, Side, bool)>,
}

impl<'a> Walk<'a> {
    fn new(old: &'a Value, new: &'a Value) -> Self {
        Walk {
            old,
            new,
            operation: String::new(),
            found: BTreeMap::new(),
            seen: HashSet::new(),
        }
    }

    /// Records a change at `at` (a pointer into the new document).
    fn record(&mut self, at: Place<'_>, impact: WireImpact, change: String, client: String) {
        let key = (at.pointer.to_owned(), change.clone());
        let operation = self.operation.clone();
        let entry = self.found.entry(key).or_insert_with(|| WireChange {
            impact,
            side: at.side,
            operations: Vec::new(),
            pointer: at.pointer.to_owned(),
            change,
            client,
        });
        if !operation.is_empty() && !entry.operations.contains(&operation) {
            entry.operations.push(operation);
        }
    }
}

/// Where a change is: its side and its pointer in the new document.
#[derive(Clone, Copy)]
pub(crate) struct Place<'p> {
    side: Side,
    pointer: &'p str,
}

/// A pointer one level below `parent`.
fn child(parent: &str, segment: &str) -> String {
    format!("{parent}/{}", pointer::escape(segment))
}

/// Follows a local reference (`#/components/...`), with the pointer of the
/// value it leads to; other values are their own target. A reference that
/// leads nowhere (load rejects those) gives `None`.
fn follow<'v>(root: &'v Value, value: &'v Value, at: &str) -> Option<(&'v Value, String)> {
    let mut current = (value, at.to_owned());
    // A chain of references longer than this is a cycle of references.
    for _ in 0..32 {
        let Some(reference) = current.0.get("$ref").and_then(Value::as_str) else {
            return Some(current);
        };
        if !reference.starts_with('#') {
            return None;
        }
        let segments = pointer::segments(reference)?;
        current = (pointer::resolve(root, &segments)?, reference.to_owned());
    }
    None
}

/// `"name"` in backquotes, for messages.
fn code(text: &str) -> String {
    format!("`{text}`")
}
