//! OpenAPI 3.1 documents, rewritten into the 3.0 shape the rest of the
//! pipeline (and `openapiv3`) reads. 3.1 schemas are JSON Schema 2020-12;
//! what has a 3.0 equivalent is mapped onto it, what does not is dropped
//! with a located warning.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostics::{Location, Warning};
use crate::load::kept::{CONTENT_SCHEMA, ITEM_SCHEMA};
use crate::load::pointer;
use crate::load::positions::{
    each_keyword_object, each_keyword_object_mut, reference_of, Position,
};

/// The version the rewritten document declares.
const TARGET_VERSION: &str = "3.0.3";

/// Whether a document declares OpenAPI 3.1.
pub fn is_openapi31(document: &Value) -> bool {
    document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"))
}

/// Rewrites a 3.1 document in place; what could not be mapped is reported.
pub fn normalize(file: &Path, document: &mut Value) -> Vec<Warning> {
    let mut references = HashMap::<usize, Vec<String>>::new();
    collect_references(document, &mut references);
    let mut rewriter = Rewriter {
        file,
        warnings: Vec::new(),
        hoisted: Vec::new(),
        pointer: String::from("#"),
        references,
    };
    let Value::Object(root) = document else {
        return rewriter.warnings;
    };
    rewriter.document_level(root);
    rewriter.walk(document, &mut Vec::new(), false, Position::Keywords);
    rewriter.hoist_defs(document);
    rewriter.warnings
}

/// Replaces each webhook that is a reference to `#/components/pathItems/…`
/// by a copy of that path item: 3.0 has no reusable path items, so they
/// are dropped afterwards.
/// Returns the names of the path items used.
fn inline_path_item_references(root: &mut Map<String, Value>) -> Vec<String> {
    let path_items = root
        .get("components")
        .and_then(|c| c.get("pathItems"))
        .cloned();
    let (Some(Value::Object(webhooks)), Some(Value::Object(path_items))) =
        (root.get_mut("webhooks"), path_items)
    else {
        return Vec::new();
    };
    let mut used = Vec::new();
    for webhook in webhooks.values_mut() {
        let name = webhook
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/pathItems/"))
            .map(pointer::unescape);
        if let Some((name, target)) = name.and_then(|n| path_items.get(&n).map(|t| (n, t))) {
            *webhook = target.clone();
            used.push(name);
        }
    }
    used
}

struct Rewriter<'f> {
    file: &'f Path,
    warnings: Vec<Warning>,
    /// `$defs` found inside schemas: (pointer to them if a reference names
    /// it, name in components, definition). Listed when their schema is
    /// reached, filled in once the walk has rewritten them.
    hoisted: Vec<(Option<String>, String, Option<Value>)>,
    /// The pointer of the value being walked, kept with the walk so that a
    /// definition's pointer costs nothing to find, however deep it is.
    pointer: String,
    /// Every `$ref` in the document, by length.
    references: HashMap<usize, Vec<String>>,
}

/// Keywords of JSON Schema 2020-12 with no 3.0 equivalent.
const UNSUPPORTED_KEYWORDS: [&str; 10] = [
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contains",
];

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: [&str; 5] = [
    "items",
    "not",
    "additionalProperties",
    "schema",
    CONTENT_SCHEMA,
];

/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];

/// Keywords whose value maps names to schemas.
const SCHEMA_MAP_KEYWORDS: [&str; 2] = ["properties", "$defs"];

impl Rewriter<'_> {
    fn warn(&mut self, at: &[String], message: impl Into<String>) {
        self.warnings.push(Warning {
            location: Location::at(self.file, pointer::from_segments(at)),
            message: message.into(),
        });
    }

    fn document_level(&mut self, root: &mut Map<String, Value>) {
        root.insert(
            "openapi".to_owned(),
            Value::String(TARGET_VERSION.to_owned()),
        );
        if let Some(dialect) = root.remove("jsonSchemaDialect") {
            let default = "https://spec.openapis.org/oas/3.1/dialect/base";
            if dialect.as_str() != Some(default) {
                self.warn(
                    &["jsonSchemaDialect".to_owned()],
                    "schemas are read as the OpenAPI 3.1 base dialect, not the declared one",
                );
            }
        }
        // Webhooks stay: their schemas are rewritten by the walk like any
        // other, and lower turns them into typed events. A webhook may be
        // a reference to a reusable path item, which is put in its place.
        let used = inline_path_item_references(root);
        if let Some(Value::Object(components)) = root.get_mut("components") {
            let unused = match components.remove("pathItems") {
                Some(Value::Object(items)) => items.keys().any(|name| !used.contains(name)),
                Some(_) => true,
                None => false,
            };
            if unused {
                self.warn(
                    &["components".to_owned(), "pathItems".to_owned()],
                    "reusable path items are read only where a webhook refers to them; the others are skipped",
                );
            }
        }
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }

    /// Walks the document; `in_schema` says whether `value` is a schema,
    /// `position` what its keys are. Data is not walked: an example may
    /// look like a schema, but is not one.
    fn walk(
        &mut self,
        value: &mut Value,
        at: &mut Vec<String>,
        in_schema: bool,
        position: Position,
    ) {
        match value {
            Value::Object(map) => {
                let first_definition = self.hoisted.len();
                if in_schema {
                    self.schema(map, at);
                }
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let child_is_schema = self.child_is_schema(in_schema, at, &key, position);
                    let entered = self.enter(at, &key);
                    if let Some(child) = map.get_mut(&key) {
                        let kind = child_kind(in_schema, &key);
                        self.walk_child(child, at, (&key, kind, child_is_schema), position);
                    }
                    self.leave(at, entered);
                }
                if in_schema {
                    self.take_definitions(map, first_definition);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let entered = self.enter(at, &index.to_string());
                    self.walk(item, at, false, position.of_element());
                    self.leave(at, entered);
                }
            }
            _ => {}
        }
    }

    /// Walks the value of `key` (holding schemas as `kind` says, or being
    /// one) in an object at `parent`.
    fn walk_child(
        &mut self,
        child: &mut Value,
        at: &mut Vec<String>,
        (key, kind, is_schema): (&str, ChildKind, bool),
        parent: Position,
    ) {
        let position = parent.of_child(key, child);
        if position == Position::Data {
            return;
        }
        match kind {
            ChildKind::List => self.walk_each(child, at),
            ChildKind::Map => self.walk_values(child, at),
            ChildKind::Other => self.walk(child, at, is_schema, position),
        }
    }

    /// Steps into `key`: onto `at` and the pointer. Returns the pointer's
    /// length before, for [`Self::leave`].
    fn enter(&mut self, at: &mut Vec<String>, key: &str) -> usize {
        let before = self.pointer.len();
        self.pointer.push('/');
        self.pointer.push_str(&pointer::escape(key));
        at.push(key.to_owned());
        before
    }

    fn leave(&mut self, at: &mut Vec<String>, before: usize) {
        self.pointer.truncate(before);
        at.pop();
    }

    /// Outside schemas, only `schema` (parameters, media types, headers),
    /// a media type's `itemSchema` (3.2) and the entries of
    /// `components.schemas` hold schemas.
    fn child_is_schema(
        &self,
        in_schema: bool,
        at: &[String],
        key: &str,
        position: Position,
    ) -> bool {
        if in_schema {
            return SCHEMA_KEYWORDS.contains(&key);
        }
        (position == Position::Keywords && (key == "schema" || key == ITEM_SCHEMA))
            || matches!(at, [c, s] if c == "components" && s == "schemas")
    }

    fn walk_each(&mut self, value: &mut Value, at: &mut Vec<String>) {
        if let Value::Array(items) = value {
            for (index, item) in items.iter_mut().enumerate() {
                let entered = self.enter(at, &index.to_string());
                self.walk(item, at, true, Position::Keywords);
                self.leave(at, entered);
            }
        }
    }

    fn walk_values(&mut self, value: &mut Value, at: &mut Vec<String>) {
        if let Value::Object(entries) = value {
            for (name, item) in entries.iter_mut() {
                let entered = self.enter(at, name);
                self.walk(item, at, true, Position::Keywords);
                self.leave(at, entered);
            }
        }
    }

    /// Rewrites one schema object (its children are walked afterwards).
    fn schema(&mut self, schema: &mut Map<String, Value>, at: &[String]) {
        self.reference_with_siblings(schema);
        self.type_list(schema);
        null_alternatives(schema);
        if let Some(value) = schema.remove("const") {
            // 3.1 lets `const` imply the type; 3.0 enums need it spelled out.
            if let (None, Some(implied)) = (schema.get("type"), json_type(&value)) {
                schema.insert("type".to_owned(), Value::String(implied.to_owned()));
            }
            schema.insert("enum".to_owned(), Value::Array(vec![value]));
        }
        if let Some(Value::Array(examples)) = schema.remove("examples") {
            if let Some(first) = examples.into_iter().next() {
                schema.entry("example").or_insert(first);
            }
        }
        exclusive_bound(schema, "exclusiveMinimum", "minimum");
        exclusive_bound(schema, "exclusiveMaximum", "maximum");
        self.content_keywords(schema);
        self.prefix_items(schema, at);
        for keyword in UNSUPPORTED_KEYWORDS {
            if schema.remove(keyword).is_some() {
                self.warn(
                    at,
                    format!("`{keyword}` has no OpenAPI 3.0 equivalent; ignored"),
                );
            }
        }
        if let Some(Value::Object(defs)) = schema.get("$defs") {
            for name in defs.keys() {
                let old = self.referenced(&format!("/$defs/{}", pointer::escape(name)));
                self.hoisted.push((old, name.clone(), None));
            }
        }
    }

    /// The reference naming the walk's pointer followed by `suffix`, if the
    /// document has one.
    fn referenced(&self, suffix: &str) -> Option<String> {
        let candidates = self.references.get(&(self.pointer.len() + suffix.len()))?;
        candidates
            .iter()
            .find(|r| r.starts_with(&self.pointer) && r.ends_with(suffix))
            .cloned()
    }

    /// Moves a schema's `$defs`, rewritten by now (and with their own
    /// `$defs` taken already), into the places [`Self::schema`] listed for
    /// them from `first` on. Moving, not copying, keeps nested `$defs`
    /// linear.
    fn take_definitions(&mut self, schema: &mut Map<String, Value>, first: usize) {
        let Some(Value::Object(defs)) = schema.remove("$defs") else {
            return;
        };
        let slots = self.hoisted.iter_mut().skip(first);
        for ((_, name, slot), (key, definition)) in slots.zip(defs) {
            if *name == key {
                *slot = Some(definition);
            }
        }
    }

    /// 3.1 allows keywords beside `$ref`; 3.0 ignores them. Notes are
    /// dropped; constraints keep their meaning through `allOf`.
    fn reference_with_siblings(&mut self, schema: &mut Map<String, Value>) {
        let Some(reference) = schema.get("$ref").cloned() else {
            return;
        };
        // Everything but comments is kept: even a description documents the
        // field that holds the reference.
        const NOTES: [&str; 1] = ["$comment"];
        let constraints: Vec<String> = schema
            .keys()
            .filter(|k| *k != "$ref" && !NOTES.contains(&k.as_str()))
            .cloned()
            .collect();
        if constraints.is_empty() {
            return;
        }
        schema.remove("$ref");
        let mut target = Map::new();
        target.insert("$ref".to_owned(), reference);
        schema.insert(
            "allOf".to_owned(),
            Value::Array(vec![Value::Object(target)]),
        );
    }

    /// `type: [T, "null"]` is `type: T` + `nullable`; several types become
    /// a `oneOf` of each.
    fn type_list(&mut self, schema: &mut Map<String, Value>) {
        let types = match schema.get("type") {
            Some(Value::Array(types)) => types.clone(),
            Some(Value::String(t)) if t == "null" => vec![Value::String(t.clone())],
            _ => return,
        };
        schema.remove("type");
        let (nulls, others): (Vec<Value>, Vec<Value>) =
            types.into_iter().partition(|t| t.as_str() == Some("null"));
        if !nulls.is_empty() {
            schema.insert("nullable".to_owned(), Value::Bool(true));
        }
        match others.as_slice() {
            [] => {}
            [only] => {
                schema.insert("type".to_owned(), only.clone());
            }
            several => {
                let alternatives = several
                    .iter()
                    .map(|t| {
                        let mut one = Map::new();
                        one.insert("type".to_owned(), t.clone());
                        Value::Object(one)
                    })
                    .collect();
                schema.insert("oneOf".to_owned(), Value::Array(alternatives));
            }
        }
    }

    /// Binary content is 3.0's `format: binary` (or `byte` for base64).
    /// A string whose content has a `contentSchema` holds JSON text, and
    /// stays a string.
    fn content_keywords(&mut self, schema: &mut Map<String, Value>) {
        let encoding = schema.remove("contentEncoding");
        let media_type = schema.remove("contentMediaType");
        if schema.contains_key("format") || schema.contains_key(CONTENT_SCHEMA) {
            return;
        }
        let format = match (encoding.as_ref().and_then(Value::as_str), media_type) {
            (Some("base64"), _) => "byte",
            (_, Some(_)) => "binary",
            _ => return,
        };
        schema.insert("format".to_owned(), Value::String(format.to_owned()));
    }

    /// Tuples have no 3.0 form: items of the same schema stay a list of it,
    /// others become a list of any value.
    fn prefix_items(&mut self, schema: &mut Map<String, Value>, at: &[String]) {
        let Some(Value::Array(prefix)) = schema.remove("prefixItems") else {
            return;
        };
        let same = prefix.windows(2).all(|pair| pair[0] == pair[1]);
        match (same, prefix.into_iter().next()) {
            (true, Some(first)) => {
                schema.entry("items").or_insert(first);
            }
            _ => {
                self.warn(
                    at,
                    "a tuple (`prefixItems`) of different types is read as a list of any value",
                );
                schema
                    .entry("items")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }

    /// Moves `$defs` into `components.schemas` and points references at
    /// their new place.
    fn hoist_defs(&mut self, document: &mut Value) {
        if self.hoisted.is_empty() {
            return;
        }
        let hoisted = std::mem::take(&mut self.hoisted);
        let mut renames = Vec::new();
        if let Value::Object(root) = document {
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(schemas) = schemas {
                    // The suffix each name tried last: names are only
                    // added, so the next free one is never below it.
                    let mut suffixes: HashMap<String, usize> = HashMap::new();
                    for (old, name, definition) in hoisted {
                        let Some(definition) = definition else {
                            continue;
                        };
                        let mut unique = name.clone();
                        let n = suffixes.entry(name.clone()).or_insert(2);
                        while schemas.contains_key(&unique) {
                            unique = format!("{name}{n}");
                            *n += 1;
                        }
                        if let Some(old) = old {
                            renames.push((
                                old,
                                pointer::from_segments(&["components", "schemas", &unique]),
                            ));
                        }
                        schemas.insert(unique, definition);
                    }
                }
            }
        }
        rewrite_references(document, &renames);
        remove_defs(document);
    }
}

/// How a keyword's value holds schemas.
enum ChildKind {
    List,
    Map,
    Other,
}

fn child_kind(in_schema: bool, key: &str) -> ChildKind {
    if !in_schema {
        return ChildKind::Other;
    }
    if SCHEMA_LIST_KEYWORDS.contains(&key) {
        ChildKind::List
    } else if SCHEMA_MAP_KEYWORDS.contains(&key) {
        ChildKind::Map
    } else {
        ChildKind::Other
    }
}

/// `anyOf: [X, {type: 'null'}]`, 3.1's way to make a reference nullable,
/// is 3.0's `nullable: true` on the choice; a lone remaining alternative
/// becomes an `allOf` of it.
fn null_alternatives(schema: &mut Map<String, Value>) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(alternatives)) = schema.get_mut(keyword) else {
            continue;
        };
        let before = alternatives.len();
        alternatives.retain(|alternative| !is_null_schema(alternative));
        if alternatives.len() == before {
            continue;
        }
        schema.insert("nullable".to_owned(), Value::Bool(true));
        if let Some(Value::Array(rest)) = schema.get(keyword) {
            if rest.len() == 1 {
                let only = rest.clone();
                schema.remove(keyword);
                schema.insert("allOf".to_owned(), Value::Array(only));
            }
        }
    }
}

/// The JSON Schema type of a literal value.
fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

fn is_null_schema(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    }
}

/// 3.1's numeric `exclusiveMinimum: n` is 3.0's `minimum: n` with
/// `exclusiveMinimum: true`.
fn exclusive_bound(schema: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    if let Some(Value::Number(bound)) = schema.get(exclusive).cloned() {
        schema.insert(inclusive.to_owned(), Value::Number(bound));
        schema.insert(exclusive.to_owned(), Value::Bool(true));
    }
}

fn rewrite_references(value: &mut Value, renames: &[(String, String)]) {
    let mut by_old = HashMap::new();
    for (old, new) in renames {
        by_old.entry(old.as_str()).or_insert(new.as_str());
    }
    rewrite_references_with(value, &by_old);
}

fn rewrite_references_with(value: &mut Value, renames: &HashMap<&str, &str>) {
    each_keyword_object_mut(value, Position::Keywords, &mut |map| {
        if let Some(Value::String(reference)) = map.get_mut("$ref") {
            if let Some(new) = renames.get(reference.as_str()) {
                *reference = (*new).to_owned();
            }
        }
    });
}

/// Every `$ref` string in `value`, into `references` by length.
fn collect_references(value: &Value, references: &mut HashMap<usize, Vec<String>>) {
    each_keyword_object(value, Position::Keywords, &mut |map| {
        if let Some(reference) = reference_of(map, Position::Keywords) {
            references
                .entry(reference.len())
                .or_default()
                .push(reference.to_owned());
        }
    });
}

/// Drops what is left of `$defs` (a property named `$defs` is no
/// definitions, and is kept).
fn remove_defs(value: &mut Value) {
    each_keyword_object_mut(value, Position::Keywords, &mut |map| {
        map.remove("$defs");
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(mut document: Value) -> (Value, Vec<String>) {
        let warnings = normalize(Path::new("api.yaml"), &mut document);
        (
            document,
            warnings.into_iter().map(|w| w.to_string()).collect(),
        )
    }

    fn doc_with_schema(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
               "components": {"schemas": {"S": schema}}})
    }

    #[test]
    fn type_arrays_become_nullable_or_one_of() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "object",
            "properties": {
                "a": {"type": ["string", "null"]},
                "b": {"type": ["string", "integer"]}
            }
        })));
        let properties = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(properties["a"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            properties["b"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn const_examples_and_numeric_bounds_map_to_30() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "integer", "const": 3, "examples": [3, 4], "exclusiveMinimum": 0
        })));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "integer", "enum": [3], "example": 3, "minimum": 0, "exclusiveMinimum": true})
        );
        let (doc, _) = normalized(doc_with_schema(json!({"const": "click"})));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["click"]})
        );
    }

    #[test]
    fn reference_siblings_keep_their_meaning() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "object",
            "properties": {
                "noted": {"$ref": "#/components/schemas/T", "description": "d"},
                "nullable": {"$ref": "#/components/schemas/T", "nullable": true}
            }
        })));
        let properties = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            properties["noted"],
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        assert_eq!(
            properties["nullable"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn a_null_alternative_makes_the_choice_nullable() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]
        })));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn defs_are_hoisted_and_references_follow() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "object",
            "properties": {"inner": {"$ref": "#/components/schemas/S/$defs/Inner"}},
            "$defs": {"Inner": {"type": "string"}}
        })));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Inner"], json!({"type": "string"}));
        assert_eq!(
            schemas["S"]["properties"]["inner"]["$ref"],
            "#/components/schemas/Inner"
        );
        assert!(schemas["S"].get("$defs").is_none());
    }

    #[test]
    fn hoisted_defs_are_rewritten_and_nested_defs_hoisted_too() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "object",
            "properties": {
                "inner": {"$ref": "#/components/schemas/S/$defs/Inner"},
                "deeper": {"$ref": "#/components/schemas/S/$defs/Inner/$defs/Inner"}
            },
            "$defs": {"Inner": {
                "type": ["string", "null"],
                "$defs": {"Inner": {"const": 1}}
            }}
        })));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Inner"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(schemas["Inner2"], json!({"type": "integer", "enum": [1]}));
        let properties = &schemas["S"]["properties"];
        assert_eq!(properties["inner"]["$ref"], "#/components/schemas/Inner");
        assert_eq!(properties["deeper"]["$ref"], "#/components/schemas/Inner2");
    }

    #[test]
    fn defs_nested_thousands_deep_take_linear_time() {
        // Each level's definition holds the next: copying them would
        // take quadratic time and memory.
        let depth = 2_000;
        let started = std::time::Instant::now();
        let innermost = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                // Built by hand: `json!` would copy it at each level.
                let mut schema = json!({"type": "string"});
                for _ in 0..depth {
                    let mut defs = Map::new();
                    defs.insert("a".to_owned(), schema);
                    let mut object = Map::new();
                    object.insert("type".to_owned(), json!("object"));
                    object.insert("$defs".to_owned(), Value::Object(defs));
                    schema = Value::Object(object);
                }
                let (doc, _) = normalized(doc_with_schema(schema));
                // The document is dropped here, on the large stack.
                doc["components"]["schemas"]["a2000"].clone()
            })
            .expect("spawn")
            .join()
            .expect("no panic");
        assert_eq!(innermost, json!({"type": "string"}));
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn unmappable_constructs_warn_with_their_location() {
        let document = doc_with_schema(
            json!({"type": "object", "if": {}, "prefixItems": [{"type": "string"}, {"type": "integer"}]}),
        );
        let (doc, warnings) = normalized(document);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("#/components/schemas/S") && w.contains("`if`")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("prefixItems")),
            "{warnings:?}"
        );
        assert_eq!(doc["components"]["schemas"]["S"]["items"], json!({}));
    }

    /// Webhooks are kept, their schemas rewritten like the paths' ones,
    /// and a webhook that references a reusable path item gets a copy of it.
    #[test]
    fn webhooks_are_kept_and_rewritten() {
        let post = json!({"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"type": {"const": "pet.new"}}}
        }}}}});
        let mut document = doc_with_schema(json!({"type": "string"}));
        document["components"]["pathItems"] = json!({"Shared": post});
        document["webhooks"] = json!({
            "newPet": post,
            "shared": {"$ref": "#/components/pathItems/Shared"},
        });
        let (doc, warnings) = normalized(document);
        let schema = "/post/requestBody/content/application~1json/schema/properties/type";
        for name in ["newPet", "shared"] {
            let rewritten = doc["webhooks"][name].pointer(schema).cloned();
            assert_eq!(
                rewritten,
                Some(json!({"type": "string", "enum": ["pet.new"]})),
                "{name}"
            );
        }
        assert!(
            !warnings.iter().any(|w| w.contains("#/webhooks")),
            "{warnings:?}"
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        let (doc, _) = normalized(doc_with_schema(json!({
            "type": "object",
            "properties": {
                "file": {"type": "string", "contentMediaType": "image/png"},
                "data": {"type": "string", "contentEncoding": "base64"},
                "json": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {"type": ["integer", "null"]}
                }
            }
        })));
        let properties = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            properties["file"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            properties["data"],
            json!({"type": "string", "format": "byte"})
        );
        // JSON text stays a string, and its content schema is rewritten.
        assert_eq!(
            properties["json"],
            json!({"type": "string", "contentSchema": {"type": "integer", "nullable": true}})
        );
    }
}
