//! Which payload property names the event type: a string property with
//! fixed values (`const`, or an `enum`) in the payload's object.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, ModelKind, TypeRef};
use crate::lower::aliases::alias_target;

/// Names that say "event type", preferred in this order when several
/// properties qualify in as many payloads.
const USUAL_NAMES: [&str; 6] = ["type", "event", "event_type", "eventType", "kind", "name"];

/// The tag property and, per payload (in the order given), the values
/// that select it.
#[derive(Debug, PartialEq)]
pub struct Tagged {
    /// Wire name of the property, if any payload has one that qualifies.
    pub property: Option<String>,
    /// Per payload, the values of the property that choose it: its fixed
    /// values less those an earlier payload claimed. Empty when it has
    /// none left, or no such property.
    pub values: Vec<Vec<String>>,
}

/// Chooses the property that tells the most payloads apart (ties go to
/// the usual names, then to the first in name order), and gives each
/// payload the values it claims first. A property every payload fixes to
/// the same value (`object: event`) tells only one apart.
pub fn choose_tag(payloads: &[&TypeRef], models: &BTreeMap<String, Model>) -> Tagged {
    let fixed: Vec<BTreeMap<String, Vec<String>>> = payloads
        .iter()
        .map(|ty| fixed_properties(ty, models))
        .collect();
    let candidates: BTreeSet<&String> = fixed.iter().flat_map(|p| p.keys()).collect();
    let rank = |name: &str| {
        let usual = USUAL_NAMES.iter().position(|u| *u == name);
        usual.unwrap_or(USUAL_NAMES.len())
    };
    let told_apart = |property: &str| {
        claims(&fixed, property)
            .iter()
            .filter(|v| !v.is_empty())
            .count()
    };
    let property = candidates
        .into_iter()
        .map(|name| (told_apart(name), name))
        .max_by(|(a_count, a), (b_count, b)| {
            a_count
                .cmp(b_count)
                .then_with(|| rank(b).cmp(&rank(a)))
                .then_with(|| b.cmp(a))
        })
        .map(|(_, name)| name.clone());
    let values = match &property {
        Some(property) => claims(&fixed, property),
        None => vec![Vec::new(); payloads.len()],
    };
    Tagged { property, values }
}

/// Per payload, the values of `property` it fixes that no earlier payload
/// did.
fn claims(fixed: &[BTreeMap<String, Vec<String>>], property: &str) -> Vec<Vec<String>> {
    let mut claimed = BTreeSet::new();
    fixed
        .iter()
        .map(|properties| {
            let own = properties.get(property).into_iter().flatten();
            own.filter(|value| claimed.insert((*value).clone()))
                .cloned()
                .collect()
        })
        .collect()
}

/// The properties of a payload's object whose values are a fixed list of
/// strings, with those values.
fn fixed_properties(
    ty: &TypeRef,
    models: &BTreeMap<String, Model>,
) -> BTreeMap<String, Vec<String>> {
    let kind_of = |name: &str| models.get(name).map(|m| &m.kind);
    let TypeRef::Named(name) = alias_target(ty, kind_of) else {
        return BTreeMap::new();
    };
    let Some(ModelKind::Struct(object)) = kind_of(&name) else {
        return BTreeMap::new();
    };
    object
        .fields
        .iter()
        .filter_map(|field| {
            let TypeRef::Named(field_type) = alias_target(&field.ty, kind_of) else {
                return None;
            };
            let Some(ModelKind::Enum(values)) = kind_of(&field_type) else {
                return None;
            };
            let wire: Vec<String> = values
                .variants
                .iter()
                .map(|v| v.wire_value.clone())
                .collect();
            (!wire.is_empty()).then(|| (field.wire_name.clone(), wire))
        })
        .collect()
}
