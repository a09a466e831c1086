//! Schemas on the wire, compared in the direction their values travel: a
//! request schema may only accept more, a response schema may only promise
//! less of what the old client relies on.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{child, code, follow, Place, Side, Walk, WireImpact};
use crate::ir::TypeRef;
use crate::lower::schemas::formats;

/// Schemas nested deeper than this are not compared (no real API nests
/// its values this deep; the walk must stay within the stack).
const MAX_DEPTH: usize = 200;

/// What a schema is part of.
#[derive(Clone)]
enum Owner {
    /// A named schema (`#/components/schemas/Name`).
    Schema(String),
    /// A parameter or body, by its label.
    Top(String),
}

/// Where in the walk a schema is.
#[derive(Clone)]
pub(super) struct Context {
    side: Side,
    owner: Owner,
    /// Property names (`[]` for array items) from the owner down.
    path: Vec<String>,
    /// Whether the old client requires a value here (a required property,
    /// a body, an array item), so that `null` or absence fails to decode.
    required: bool,
    depth: usize,
}

impl Context {
    /// The context of a parameter's or body's schema.
    pub(super) fn top(side: Side, label: &str, required: bool) -> Self {
        Context {
            side,
            owner: Owner::Top(label.to_owned()),
            path: Vec::new(),
            required,
            depth: 0,
        }
    }

    fn nested(&self, segment: &str, required: bool) -> Self {
        let mut path = self.path.clone();
        path.push(segment.to_owned());
        Context {
            side: self.side,
            owner: self.owner.clone(),
            path,
            required,
            depth: self.depth + 1,
        }
    }

    /// What the schema is, in messages: `` `Pet.tag` ``, `` `Pet` ``,
    /// `` property `tag` of request body ``.
    fn subject(&self) -> String {
        let path = self.path.join(".").replace(".[]", "[]");
        match (&self.owner, path.is_empty()) {
            (Owner::Schema(name), true) => format!("schema {}", code(name)),
            (Owner::Schema(name), false) => format!("property {}", code(&format!("{name}.{path}"))),
            (Owner::Top(label), true) => label.clone(),
            (Owner::Top(label), false) => format!("property {} of {label}", code(&path)),
        }
    }
}

/// Compares one schema of the old document with its counterpart in the
/// new one, found at `at`.
pub(super) fn diff_schema(walk: &mut Walk, context: &Context, old: &Value, new: &Value, at: &str) {
    if context.depth > MAX_DEPTH {
        return;
    }
    let Some((old, old_at)) = follow(walk.old, old, "") else {
        return;
    };
    let Some((new_value, new_at)) = follow(walk.new, new, at) else {
        return;
    };
    let mut context = context.clone();
    if new_at != at {
        if let Some(name) = new_at.strip_prefix("#/components/schemas/") {
            context.owner = Owner::Schema(crate::load::pointer::unescape(name));
            context.path.clear();
        }
        let key = (
            walk.operation.clone(),
            old_at,
            new_at.clone(),
            context.side,
            context.required,
        );
        if !walk.seen.insert(key) {
            return;
        }
    }
    let old = flatten(walk.old, old);
    let new = flatten(walk.new, new_value);
    let here = Here {
        context: &context,
        at: &new_at,
    };
    diff_nullable(walk, here, &old, &new);
    if diff_type(walk, here, &old, &new) {
        return;
    }
    diff_format(walk, here, &old, &new);
    diff_enum(walk, here, &old, &new);
    diff_bounds(walk, here, &old, &new);
    diff_pattern(walk, here, &old, &new);
    diff_properties(walk, here, &old, &new, new_value);
    diff_items(walk, here, &old, &new);
    diff_alternatives(walk, here, &old, &new);
}

/// The schema being compared and its pointer in the new document.
#[derive(Clone, Copy)]
struct Here<'c> {
    context: &'c Context,
    at: &'c str,
}

impl Here<'_> {
    fn record(self, walk: &mut Walk, impact: WireImpact, change: String, client: &str) {
        let place = Place {
            side: self.context.side,
            pointer: self.at,
        };
        walk.record(place, impact, change, client.to_owned());
    }

    fn request(self) -> bool {
        self.context.side == Side::Request
    }
}

/// `allOf` members of members are merged this deep, no deeper: a schema
/// may (pointlessly) include itself.
const MAX_ALL_OF_DEPTH: usize = 16;

/// A schema with the members of its `allOf` merged in (properties,
/// `required`, `type`), which is how its values look on the wire.
fn flatten<'v>(root: &'v Value, schema: &'v Value) -> Cow<'v, Value> {
    flatten_to(root, schema, MAX_ALL_OF_DEPTH)
}

fn flatten_to<'v>(root: &'v Value, schema: &'v Value, depth: usize) -> Cow<'v, Value> {
    let Some(members) = schema.get("allOf").and_then(Value::as_array) else {
        return Cow::Borrowed(schema);
    };
    if depth == 0 {
        return Cow::Borrowed(schema);
    }
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    for member in members {
        let Some((member, _)) = follow(root, member, "") else {
            continue;
        };
        let member = flatten_to(root, member, depth - 1);
        let Some(member) = member.as_object() else {
            continue;
        };
        merge_member(&mut merged, member);
    }
    Cow::Owned(Value::Object(merged))
}

fn merge_member(merged: &mut Map<String, Value>, member: &Map<String, Value>) {
    for (key, value) in member {
        match (key.as_str(), merged.get_mut(key)) {
            ("properties", Some(Value::Object(properties))) => {
                if let Value::Object(more) = value {
                    for (name, schema) in more {
                        properties.entry(name).or_insert_with(|| schema.clone());
                    }
                }
            }
            ("required", Some(Value::Array(required))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !required.contains(name) {
                        required.push(name.clone());
                    }
                }
            }
            (_, None) => {
                merged.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
}

fn text<'v>(schema: &'v Value, key: &str) -> Option<&'v str> {
    schema.get(key).and_then(Value::as_str)
}

fn diff_nullable(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let (before, after) = (flag(old, "nullable"), flag(new, "nullable"));
    let subject = here.context.subject();
    match (before, after, here.request()) {
        (true, false, true) => here.record(
            walk,
            WireImpact::Breaking,
            format!("{subject} no longer nullable"),
            "old clients may send `null`; the server now rejects it",
        ),
        (false, true, false) if here.context.required => here.record(
            walk,
            WireImpact::Breaking,
            format!("{subject} is now nullable"),
            "old clients require a value here and fail to decode `null`",
        ),
        (false, true, false) => here.record(
            walk,
            WireImpact::Compatible,
            format!("{subject} is now nullable"),
            "old clients decode `null` as absent (`None`)",
        ),
        (false, true, true) | (true, false, false) => here.record(
            walk,
            WireImpact::Compatible,
            format!(
                "{subject} {}",
                if after {
                    "is now nullable"
                } else {
                    "no longer nullable"
                }
            ),
            "old clients are unaffected",
        ),
        _ => {}
    }
}

/// A changed `type`; true when the schemas are too different to compare
/// further.
fn diff_type(walk: &mut Walk, here: Here, old: &Value, new: &Value) -> bool {
    let (Some(before), Some(after)) = (text(old, "type"), text(new, "type")) else {
        return false;
    };
    if before == after {
        return false;
    }
    let change = format!(
        "{} changed from {} to {}",
        here.context.subject(),
        code(before),
        code(after)
    );
    let widened = before == "integer" && after == "number";
    match (widened, here.request()) {
        (true, true) => here.record(
            walk,
            WireImpact::Compatible,
            change,
            "every integer old clients send is a number",
        ),
        (true, false) => here.record(
            walk,
            WireImpact::Breaking,
            change,
            "old clients decode an integer and fail on a fractional number",
        ),
        (false, true) => here.record(
            walk,
            WireImpact::Breaking,
            change,
            &format!(
                "old clients send {} values; the server expects {}",
                code(before),
                code(after)
            ),
        ),
        (false, false) => here.record(
            walk,
            WireImpact::Breaking,
            change,
            &format!(
                "old clients decode {} values and fail on {}",
                code(before),
                code(after)
            ),
        ),
    }
    true
}

/// The Rust type the generated client decodes a value of this `type` and
/// `format` into (the lowering's own mapping).
fn decoded_as(schema: &Value) -> Option<TypeRef> {
    let format = text(schema, "format").unwrap_or("");
    match text(schema, "type")? {
        "integer" => Some(formats::integer_named(format)),
        "number" => Some(formats::number_named(format)),
        "string" => Some(formats::string_named(format)),
        _ => None,
    }
}

/// Integer and float widths, narrowest first.
fn width(ty: &TypeRef) -> Option<(u8, u8)> {
    let order = [
        TypeRef::I8,
        TypeRef::I16,
        TypeRef::I32,
        TypeRef::I64,
        TypeRef::F32,
        TypeRef::F64,
    ];
    let index = order.iter().position(|t| t == ty)?;
    let family = u8::from(index >= 4);
    u8::try_from(index).ok().map(|i| (family, i))
}

/// Whether every value of `narrow` fits `wide` (`int32` into `int64`).
fn fits(narrow: &TypeRef, wide: &TypeRef) -> bool {
    match (width(narrow), width(wide)) {
        (Some((a, i)), Some((b, j))) => a == b && i <= j,
        _ => false,
    }
}

fn diff_format(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let (before, after) = (text(old, "format"), text(new, "format"));
    if before == after {
        return;
    }
    let label = |f: Option<&str>| f.map_or("no format".to_owned(), code);
    let change = format!(
        "{} format changed from {} to {}",
        here.context.subject(),
        label(before),
        label(after)
    );
    let (Some(old_type), Some(new_type)) = (decoded_as(old), decoded_as(new)) else {
        return;
    };
    let (impact, client) = if here.request() {
        if after.is_none() || fits(&old_type, &new_type) {
            (
                WireImpact::Compatible,
                "the server accepts at least what old clients send".to_owned(),
            )
        } else {
            (
                WireImpact::Breaking,
                format!("values old clients send may not be {}", label(after)),
            )
        }
    } else if old_type == new_type || fits(&new_type, &old_type) || base_type(&old_type) {
        (
            WireImpact::Compatible,
            "old clients decode it as before".to_owned(),
        )
    } else {
        (
            WireImpact::Breaking,
            format!(
                "old clients decode it as {} and fail on other values",
                label(before)
            ),
        )
    };
    here.record(walk, impact, change, &client);
}

/// A type that checks nothing beyond the JSON type.
fn base_type(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::I64 | TypeRef::F64)
}

fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    Some(
        values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
    )
}

fn listed(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| code(v))
        .collect::<Vec<_>>()
        .join(", ")
}

fn diff_enum(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let subject = here.context.subject();
    let unknown = if text(new, "type") == Some("string") {
        "old clients decode them into the enum's `Unknown` variant, which keeps the text"
    } else {
        "old clients decode them as plain values (only string enums become Rust enums)"
    };
    match (enum_values(old), enum_values(new)) {
        (None, Some(_)) if here.request() => here.record(
            walk,
            WireImpact::Breaking,
            format!("{subject} restricted to an enum"),
            "old clients may send values outside it",
        ),
        (Some(_), None) if !here.request() => here.record(
            walk,
            WireImpact::Attention,
            format!("{subject} no longer restricted to an enum"),
            unknown,
        ),
        (Some(before), Some(after)) => {
            let removed: Vec<&String> = before.iter().filter(|v| !after.contains(v)).collect();
            let added: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
            let request = here.request();
            if !removed.is_empty() {
                let (impact, client) = if request {
                    (WireImpact::Breaking, "old clients may still send them")
                } else {
                    (WireImpact::Compatible, "old clients no longer receive them")
                };
                let change = format!("{subject}: enum values {} removed", listed(&removed));
                here.record(walk, impact, change, client);
            }
            if !added.is_empty() {
                let (impact, client) = if request {
                    (
                        WireImpact::Compatible,
                        "old clients send the values they know",
                    )
                } else {
                    (WireImpact::Attention, unknown)
                };
                let change = format!("{subject}: enum values {} added", listed(&added));
                here.record(walk, impact, change, client);
            }
        }
        _ => {}
    }
}

/// Bounds, and whether a larger value narrows what is valid.
const BOUNDS: [(&str, bool); 8] = [
    ("minimum", true),
    ("minLength", true),
    ("minItems", true),
    ("minProperties", true),
    ("maximum", false),
    ("maxLength", false),
    ("maxItems", false),
    ("maxProperties", false),
];

fn diff_bounds(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    for (key, larger_narrows) in BOUNDS {
        let (before, after) = (
            old.get(key).and_then(Value::as_f64),
            new.get(key).and_then(Value::as_f64),
        );
        let narrowed = match (before, after) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) if a != b => (b > a) == larger_narrows,
            _ => continue,
        };
        let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| code(&v.to_string()));
        let change = format!(
            "{} {} changed from {} to {}",
            here.context.subject(),
            code(key),
            show(before),
            show(after)
        );
        bound_changed(walk, here, narrowed, change);
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"] {
        let (before, after) = (flag(old, key), flag(new, key));
        if before != after {
            let change = format!("{} {} is now {after}", here.context.subject(), code(key));
            bound_changed(walk, here, after, change);
        }
    }
}

fn bound_changed(walk: &mut Walk, here: Here, narrowed: bool, change: String) {
    let (impact, client) = match (here.request(), narrowed) {
        (true, true) => (
            WireImpact::Breaking,
            "old clients may send values the server now rejects",
        ),
        (true, false) => (
            WireImpact::Compatible,
            "the server accepts more than old clients send",
        ),
        (false, _) => (
            WireImpact::Compatible,
            "the generated client does not check bounds",
        ),
    };
    here.record(walk, impact, change, client);
}

fn diff_pattern(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let (before, after) = (text(old, "pattern"), text(new, "pattern"));
    if before == after {
        return;
    }
    let subject = here.context.subject();
    let (impact, change, client) = match (before, after, here.request()) {
        (_, _, false) => (
            WireImpact::Compatible,
            format!("{subject} pattern changed"),
            "the generated client does not check patterns",
        ),
        (None, Some(p), true) => (
            WireImpact::Breaking,
            format!("{subject} must now match {}", code(p)),
            "old clients may send values that do not match",
        ),
        (Some(_), None, true) => (
            WireImpact::Compatible,
            format!("{subject} pattern removed"),
            "the server accepts more than old clients send",
        ),
        (_, p, true) => (
            WireImpact::Attention,
            format!(
                "{subject} pattern changed to {}",
                code(p.unwrap_or_default())
            ),
            "check that every value old clients send still matches",
        ),
    };
    here.record(walk, impact, change, client);
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
}

/// Properties that do not travel this way (`readOnly` ones in requests,
/// `writeOnly` ones in responses).
fn travels(here: Here, property: &Value) -> bool {
    let skipped = if here.request() {
        "readOnly"
    } else {
        "writeOnly"
    };
    !flag(property, skipped)
}

fn diff_properties(walk: &mut Walk, here: Here, old: &Value, new: &Value, unmerged: &Value) {
    let empty = Map::new();
    let before = properties(old).unwrap_or(&empty);
    let after = properties(new).unwrap_or(&empty);
    let properties_at = child(here.at, "properties");
    // Properties merged in from `allOf` members are located at the schema.
    let place_of = |name: &str| match properties(unmerged).is_some_and(|p| p.contains_key(name)) {
        true => child(&properties_at, name),
        false => here.at.to_owned(),
    };
    let old_root = walk.old;
    for (name, property) in before.iter().filter(|(_, p)| travels(here, p)) {
        // A required but nullable property is an `Option` the old client
        // also fills when the property is absent.
        let nullable = follow(old_root, property, "").is_some_and(|(p, _)| flag(p, "nullable"));
        let needed = required(old, name) && !nullable;
        let nested = here.context.nested(name, needed);
        let Some(counterpart) = after.get(name) else {
            property_removed(walk, here, &nested, new, needed);
            continue;
        };
        let property_here = Here {
            context: &nested,
            at: &place_of(name),
        };
        let presence = (required(old, name), required(new, name));
        property_presence(walk, property_here, presence, needed);
        diff_schema(walk, &nested, property, counterpart, &place_of(name));
    }
    for (name, property) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        if travels(here, property) {
            let nested = here.context.nested(name, required(new, name));
            let property_here = Here {
                context: &nested,
                at: &place_of(name),
            };
            property_added(walk, property_here, required(new, name));
        }
    }
    diff_additional(walk, here, old, new);
}

fn property_removed(
    walk: &mut Walk,
    here: Here,
    nested: &Context,
    new: &Value,
    was_required: bool,
) {
    let change = format!("{} removed", nested.subject());
    let closed = new.get("additionalProperties") == Some(&Value::Bool(false));
    let (impact, client) = match (here.request(), was_required) {
        (true, _) if closed => (
            WireImpact::Breaking,
            "old clients still send it; the server rejects unknown properties",
        ),
        (true, _) => (
            WireImpact::Breaking,
            "old clients still send it; the server no longer reads it",
        ),
        (false, true) => (
            WireImpact::Breaking,
            "old clients require it and fail to decode responses without it",
        ),
        (false, false) => (
            WireImpact::Compatible,
            "old clients decode its absence as `None`",
        ),
    };
    here.record(walk, impact, change, client);
}

/// `required` added or dropped; `needed`: whether the old client needs a
/// value (required and not nullable).
fn property_presence(walk: &mut Walk, here: Here, (before, after): (bool, bool), needed: bool) {
    let subject = here.context.subject();
    let (impact, change, client) = match (before, after, here.request()) {
        (true, false, false) if !needed => (
            WireImpact::Compatible,
            format!("{subject} is now optional"),
            "it was nullable: old clients decode its absence as `None`",
        ),
        (false, true, true) => (
            WireImpact::Breaking,
            format!("{subject} is now required"),
            "old clients may leave it out",
        ),
        (true, false, false) => (
            WireImpact::Breaking,
            format!("{subject} is now optional"),
            "old clients require it and fail to decode responses without it",
        ),
        (false, true, false) => (
            WireImpact::Compatible,
            format!("{subject} is now required"),
            "old clients accept it either way",
        ),
        (true, false, true) => (
            WireImpact::Compatible,
            format!("{subject} is now optional"),
            "old clients always send it",
        ),
        _ => return,
    };
    here.record(walk, impact, change, client);
}

fn property_added(walk: &mut Walk, here: Here, is_required: bool) {
    let subject = here.context.subject();
    let (impact, change, client) = match (here.request(), is_required) {
        (true, true) => (
            WireImpact::Breaking,
            format!("required {subject} added"),
            "old clients do not send it",
        ),
        (true, false) => (
            WireImpact::Compatible,
            format!("optional {subject} added"),
            "old clients do not send it; the server does without",
        ),
        (false, _) => (
            WireImpact::Compatible,
            format!("{subject} added"),
            "old clients ignore properties they do not know",
        ),
    };
    here.record(walk, impact, change, client);
}

fn diff_additional(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let (before, after) = (
        old.get("additionalProperties"),
        new.get("additionalProperties"),
    );
    let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
    if here.request() && !closed(before) && closed(after) {
        here.record(
            walk,
            WireImpact::Breaking,
            format!(
                "{} no longer allows other properties",
                here.context.subject()
            ),
            "old clients may send properties the server now rejects",
        );
    }
    if let (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) = (before, after) {
        let nested = here.context.nested("*", false);
        diff_schema(walk, &nested, a, b, &child(here.at, "additionalProperties"));
    }
}

fn diff_items(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
        let nested = here.context.nested("[]", true);
        diff_schema(walk, &nested, a, b, &child(here.at, "items"));
    }
}

/// The alternatives of a `oneOf` or `anyOf`, each named by the schema it
/// refers to, or by its position.
fn alternatives(schema: &Value) -> Option<(&'static str, Vec<(String, &Value)>)> {
    let keyword = ["oneOf", "anyOf"]
        .into_iter()
        .find(|k| schema.get(k).is_some())?;
    let list = schema.get(keyword)?.as_array()?;
    let named = list
        .iter()
        .enumerate()
        .map(|(index, alternative)| {
            let name = text(alternative, "$ref")
                .and_then(|r| r.rsplit('/').next())
                .map_or_else(|| format!("#{index}"), str::to_owned);
            (name, alternative)
        })
        .collect();
    Some((keyword, named))
}

fn diff_alternatives(walk: &mut Walk, here: Here, old: &Value, new: &Value) {
    let (Some((_, before)), Some((keyword, after))) = (alternatives(old), alternatives(new)) else {
        return;
    };
    let subject = here.context.subject();
    for (name, alternative) in &before {
        let Some(index) = after.iter().position(|(n, _)| n == name) else {
            let (impact, client) = if here.request() {
                (WireImpact::Breaking, "old clients may still send it")
            } else {
                (WireImpact::Compatible, "old clients no longer receive it")
            };
            here.record(
                walk,
                impact,
                format!("{subject}: alternative {} removed", code(name)),
                client,
            );
            continue;
        };
        let nested = here
            .context
            .nested(&format!("<{name}>"), here.context.required);
        let at = child(&child(here.at, keyword), &index.to_string());
        diff_schema(walk, &nested, alternative, after[index].1, &at);
    }
    for (name, _) in after
        .iter()
        .filter(|(n, _)| !before.iter().any(|(b, _)| b == n))
    {
        let (impact, client) = if here.request() {
            (
                WireImpact::Compatible,
                "old clients send the alternatives they know",
            )
        } else {
            (
                WireImpact::Attention,
                "old clients decode it into a tagged union's catch-all variant; an untagged union takes it for the first alternative it fits, or fails to decode it",
            )
        };
        here.record(
            walk,
            impact,
            format!("{subject}: alternative {} added", code(name)),
            client,
        );
    }
}
