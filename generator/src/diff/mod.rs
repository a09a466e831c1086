//! Comparing two API models: what changed, in the API's own terms, and what
//! each change means for code written against the crate generated from the
//! older one.
//!
//! The comparison runs on the lowered model rather than on the documents,
//! because the model already holds every naming and typing decision the
//! emitters act on: a change that leaves the model alone cannot change the
//! generated crate's public API, and one that changes it is judged by the
//! Rust items it adds, removes or reshapes.

mod client;
mod features;
mod models;
mod operations;
pub mod outputs;
pub mod release;
mod report;
pub mod review;
#[cfg(test)]
mod tests;
pub mod wire;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::{Api, Ident, Presence, TypeRef};
use crate::surface::{rust_type, Method, Passing, Scope};

pub use report::{render_json, render_markdown};
pub use review::{review, review_paths, FailOn, Position, Review};

/// What a change means for users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Code that compiled against the old crate may not compile against
    /// the new one.
    Breaking,
    /// Existing code still compiles; there is something new, or requests
    /// and responses differ on the wire.
    NonBreaking,
    /// Only documentation differs.
    DocsOnly,
}

impl Impact {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::NonBreaking => "non-breaking",
            Impact::DocsOnly => "docs-only",
        }
    }
}

/// The version bump a set of changes calls for, by semver's rules (for a
/// `0.x` crate, cargo reads a bump of the minor number as major).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl Bump {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The part of the API a change belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// An operation, by `operationId`.
    Operation,
    /// A schema, by the name of its Rust type.
    Schema,
    /// The servers the API is reached at.
    Servers,
    /// The ways to authenticate.
    Auth,
    /// The crate as a whole (re-exports, crate docs).
    Crate,
    /// A Cargo feature of the crate, by name.
    Feature,
}

/// Which builds of the generated crate a change can break or alter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// Every build.
    Everyone,
    /// Only builds that name the crate's Cargo features in their manifest
    /// (`default-features = false, features = [...]`). Every feature is on
    /// by default, so a build that names none compiles the whole crate and
    /// does not see the change.
    FeatureChoosers,
}

/// One change between two versions of an API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What it means for users of the generated crate.
    pub impact: Impact,
    /// The part of the API it belongs to.
    pub area: Area,
    /// The operation id, schema name, server or scheme it is about.
    pub subject: String,
    /// The change, in the API's terms.
    pub change: String,
    /// What happens to the generated crate.
    pub effect: String,
    /// Which builds see it.
    pub reach: Reach,
}

impl Change {
    /// The change and its effect, as the reports write them: "what — what
    /// it does to the crate", and which builds see it when not all do.
    pub fn described(&self) -> String {
        match self.reach {
            Reach::Everyone => format!("{} — {}", self.change, self.effect),
            Reach::FeatureChoosers => format!(
                "{} — {} (only builds that choose the crate's features)",
                self.change, self.effect
            ),
        }
    }
}

/// Every change between two versions of an API, breaking ones first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiDiff {
    /// The changes, sorted by impact, area and subject.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// The most severe impact of any change, or `None` when nothing changed.
    pub fn verdict(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).min()
    }

    /// The version bump the changes call for.
    pub fn bump(&self) -> Bump {
        match self.verdict() {
            None => Bump::None,
            Some(Impact::DocsOnly) => Bump::Patch,
            Some(Impact::NonBreaking) => Bump::Minor,
            Some(Impact::Breaking) => Bump::Major,
        }
    }

    /// The most severe impact of any change that a build with the crate's
    /// default features sees: what tools reading the API of such a build
    /// (rustdoc JSON, cargo-semver-checks) can confirm.
    pub fn verdict_with_default_features(&self) -> Option<Impact> {
        let seen = self.changes.iter().filter(|c| c.reach == Reach::Everyone);
        seen.map(|c| c.impact).min()
    }

    /// "; with default features: non-breaking" when a build with the
    /// crate's default features sees a milder verdict than the whole diff
    /// (the rest is seen only by builds that choose features), else empty.
    pub fn default_features_note(&self) -> String {
        let default = self.verdict_with_default_features();
        if default == self.verdict() {
            return String::new();
        }
        let label = default.map_or("no change", Impact::label);
        format!("; with default features: {label}")
    }

    /// How many changes have this impact.
    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }
}

/// Compares two API models.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    let mut changes = Vec::new();
    client::diff_client(old, new, &mut changes);
    models::diff_models(&old.models, &new.models, &mut changes);
    operations::diff_operations(&old.operations, &new.operations, &mut changes);
    features::diff_features(old, new, &mut changes);
    changes.sort_by(|a, b| (a.impact, &a.area, &a.subject).cmp(&(b.impact, &b.area, &b.subject)));
    ApiDiff { changes }
}

/// Records the changes of one subject.
struct Recorder<'a> {
    out: &'a mut Vec<Change>,
    area: Area,
    subject: String,
    reach: Reach,
}

impl<'a> Recorder<'a> {
    fn new(out: &'a mut Vec<Change>, area: Area, subject: impl Into<String>) -> Self {
        Recorder {
            out,
            area,
            subject: subject.into(),
            reach: Reach::Everyone,
        }
    }

    /// A recorder of changes only builds that choose features see.
    fn for_feature_choosers(
        out: &'a mut Vec<Change>,
        area: Area,
        subject: impl Into<String>,
    ) -> Self {
        Recorder {
            reach: Reach::FeatureChoosers,
            ..Recorder::new(out, area, subject)
        }
    }

    fn record(&mut self, impact: Impact, change: impl Into<String>, effect: impl Into<String>) {
        self.out.push(Change {
            impact,
            area: self.area.clone(),
            subject: self.subject.clone(),
            change: change.into(),
            effect: effect.into(),
            reach: self.reach,
        });
    }

    fn breaking(&mut self, change: impl Into<String>, effect: impl Into<String>) {
        self.record(Impact::Breaking, change, effect);
    }

    fn additive(&mut self, change: impl Into<String>, effect: impl Into<String>) {
        self.record(Impact::NonBreaking, change, effect);
    }

    /// A documentation change, when the texts differ.
    fn docs(&mut self, what: &str, old: &str, new: &str) {
        if old != new {
            self.record(Impact::DocsOnly, format!("{what} changed"), "rustdoc only");
        }
    }

    /// A change of `deprecated: true`, when the flags differ.
    fn deprecation(&mut self, what: &str, old: bool, new: bool) {
        match (old, new) {
            (false, true) => self.additive(
                format!("{what} marked deprecated"),
                "`#[deprecated]`: uses now warn",
            ),
            (true, false) => self.additive(
                format!("{what} no longer deprecated"),
                "`#[deprecated]` removed",
            ),
            _ => {}
        }
    }
}

/// Whether a method takes the same arguments in another order, which
/// breaks positional calls (arguments compared by name and passing, as the
/// surface decides them).
fn reordered(old: &Method, new: &Method) -> bool {
    let key = |method: &Method| -> Vec<(Ident, Passing)> {
        let arguments = method.arguments.iter();
        arguments
            .map(|a| (a.name.clone(), a.passing.clone()))
            .collect()
    };
    let (before, after) = (key(old), key(new));
    let (mut sorted_before, mut sorted_after) = (before.clone(), after.clone());
    sorted_before.sort();
    sorted_after.sort();
    before != after && sorted_before == sorted_after
}

/// A Rust type as written in the generated code, without paths that only
/// add noise (`crate::runtime::`, `std::collections::`).
fn type_label(ty: &TypeRef) -> String {
    rust_type(ty, Scope::Models)
        .to_string()
        .replace(' ', "")
        .replace("crate::runtime::serde_support::", "")
        .replace("crate::runtime::", "")
        .replace("std::collections::", "")
        .replace(',', ", ")
}

/// "`what` changed from `A` to `B`", the types as the generated code
/// spells them.
fn type_changed(what: &str, old: &TypeRef, new: &TypeRef) -> String {
    format!(
        "{what} changed from `{}` to `{}`",
        type_label(old),
        type_label(new)
    )
}

/// The Rust type of a field or value with this presence.
fn present_type_label(ty: &TypeRef, presence: Presence) -> String {
    let inner = type_label(ty);
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("Option<Option<{inner}>>"),
    }
}

/// Presence in the API's terms.
fn presence_label(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::RequiredNullable => "required, nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional, nullable",
    }
}

/// Pairs up the items of two lists by key: items only in the old list,
/// items in both, and items only in the new one, each in list order.
struct Matched<'a, T> {
    removed: Vec<&'a T>,
    common: Vec<(&'a T, &'a T)>,
    added: Vec<&'a T>,
}

impl<'a, T> Matched<'a, T> {
    /// Takes out the removed and added items that share a second key (the
    /// Rust name, when the first is the wire name): the same Rust item,
    /// renamed only on the wire.
    fn take_renamed<K: PartialEq>(&mut self, key: impl Fn(&T) -> K) -> Vec<(&'a T, &'a T)> {
        let mut renamed = Vec::new();
        let mut still_removed = Vec::new();
        for old in std::mem::take(&mut self.removed) {
            match self.added.iter().position(|new| key(new) == key(old)) {
                Some(index) => renamed.push((old, self.added.remove(index))),
                None => still_removed.push(old),
            }
        }
        self.removed = still_removed;
        renamed
    }
}

/// Each item's key, numbered by how many items before it share it, so that
/// items with the same key (a model may hold two parameters of one name)
/// pair up in order instead of all with the last one.
fn numbered<T, K: Ord + Clone>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(K, usize)> {
    let mut seen: BTreeMap<K, usize> = BTreeMap::new();
    items
        .iter()
        .map(|item| {
            let k = key(item);
            let count = seen.entry(k.clone()).or_default();
            *count += 1;
            (k, *count)
        })
        .collect()
}

fn match_by<'a, T, K: Ord + Clone>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> K,
) -> Matched<'a, T> {
    let old_keys = numbered(old, &key);
    let new_keys = numbered(new, &key);
    let old_set: BTreeSet<&(K, usize)> = old_keys.iter().collect();
    let new_index: BTreeMap<&(K, usize), &T> = new_keys.iter().zip(new).collect();
    let mut matched = Matched {
        removed: Vec::new(),
        common: Vec::new(),
        added: Vec::new(),
    };
    for (k, item) in old_keys.iter().zip(old) {
        match new_index.get(k) {
            Some(counterpart) => matched.common.push((item, *counterpart)),
            None => matched.removed.push(item),
        }
    }
    matched.added = new_keys
        .iter()
        .zip(new)
        .filter(|(k, _)| !old_set.contains(k))
        .map(|(_, item)| item)
        .collect();
    matched
}
