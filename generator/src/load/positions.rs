//! Which values of an OpenAPI document are the spec's own structure and
//! which are data the spec merely carries.
//!
//! Examples, defaults, enum values, constants and extensions are arbitrary
//! JSON: a SCIM payload in an `example` has `"$ref"` keys that are no
//! references, and an `allOf` key in a default is no composition. Walkers
//! that follow references or rewrite schemas ask [`Position::of_child`]
//! where they are, and leave data alone.
//!
//! The word alone does not decide: `properties: {example: {$ref: …}}` is a
//! schema named `example`, and `responses: {default: …}` a response. So a
//! position also knows whether its keys are keywords or names the spec's
//! author chose.

use serde_json::{Map, Value};

/// What the keys of an object at some place in the document are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// An object of the spec's keywords (an operation, a schema, …).
    Keywords,
    /// A map from names the author chose (property names, status codes,
    /// media types, component names, …) to objects of keywords.
    Names,
    /// Data: nothing in it is the spec's structure.
    Data,
}

/// Keywords whose value is data, whatever it looks like.
const DATA_KEYWORDS: [&str; 5] = ["example", "default", "enum", "const", "value"];

/// Keywords whose value, when an object, maps the author's names to objects
/// of keywords (in schemas, operations, components and the document root).
const NAME_MAP_KEYWORDS: [&str; 22] = [
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "content",
    "encoding",
    "variables",
    "mapping",
    "scopes",
    "paths",
    "webhooks",
];

impl Position {
    /// The position of `child`, found under `key` in an object at `self`.
    pub fn of_child(self, key: &str, child: &Value) -> Position {
        match self {
            Position::Data => Position::Data,
            Position::Names => Position::Keywords,
            Position::Keywords => keyword_child(key, child),
        }
    }

    /// The position of the elements of an array at `self`.
    pub fn of_element(self) -> Position {
        match self {
            Position::Data => Position::Data,
            Position::Keywords | Position::Names => Position::Keywords,
        }
    }

    /// Whether a `$ref` key here is a reference.
    pub fn holds_references(self) -> bool {
        self == Position::Keywords
    }
}

fn keyword_child(key: &str, child: &Value) -> Position {
    if key.starts_with("x-") || DATA_KEYWORDS.contains(&key) {
        return Position::Data;
    }
    // JSON Schema's `examples` is a list of values; OpenAPI's a map of
    // Example objects.
    if key == "examples" && child.is_array() {
        return Position::Data;
    }
    if NAME_MAP_KEYWORDS.contains(&key) && child.is_object() {
        return Position::Names;
    }
    Position::Keywords
}

/// The reference of an object at `position`, if it is a Reference object.
pub fn reference_of(map: &Map<String, Value>, position: Position) -> Option<&str> {
    if !position.holds_references() {
        return None;
    }
    map.get("$ref").and_then(Value::as_str)
}

/// Calls `visit` on every object of keywords in `value` (which is at
/// `position`), parents before their children; what `visit` changes in an
/// object is what is then walked.
pub fn each_keyword_object_mut(
    value: &mut Value,
    position: Position,
    visit: &mut impl FnMut(&mut Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            if position == Position::Keywords {
                visit(map);
            }
            for (key, child) in map.iter_mut() {
                let child_position = position.of_child(key, child);
                if child_position != Position::Data {
                    each_keyword_object_mut(child, child_position, visit);
                }
            }
        }
        Value::Array(items) if position != Position::Data => {
            for item in items {
                each_keyword_object_mut(item, position.of_element(), visit);
            }
        }
        _ => {}
    }
}

/// Which an object is visited before: its children, or its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Parents first: what a visit puts in an object is walked.
    ParentsFirst,
    /// Children first: a visit sees its children as they were left.
    ChildrenFirst,
}

/// Where a value is in a document: the steps from the root, chained on the
/// walk's stack, so that a walk allocates nothing for it until asked.
#[derive(Debug, Clone, Copy)]
pub struct Path<'p> {
    last: Option<(&'p Path<'p>, Step<'p>)>,
}

/// One step of a [`Path`].
#[derive(Debug, Clone, Copy)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

impl<'p> Path<'p> {
    /// The document root.
    pub const ROOT: Path<'static> = Path { last: None };

    fn then(&'p self, step: Step<'p>) -> Path<'p> {
        Path {
            last: Some((self, step)),
        }
    }

    /// The steps from the root, as JSON pointer segments.
    pub fn segments(&self) -> Vec<String> {
        let mut segments = Vec::new();
        let mut here = self;
        while let Some((parent, step)) = &here.last {
            segments.push(match step {
                Step::Key(key) => (*key).to_owned(),
                Step::Index(index) => index.to_string(),
            });
            here = parent;
        }
        segments.reverse();
        segments
    }
}

/// Calls `visit` on every object of keywords of a document, in `order`,
/// telling it where each object is.
pub fn each_keyword_object_at_mut(
    document: &mut Value,
    order: Order,
    visit: &mut impl FnMut(&mut Map<String, Value>, &Path<'_>),
) {
    walk_with_path(document, Position::Keywords, order, &Path::ROOT, visit);
}

fn walk_with_path(
    value: &mut Value,
    position: Position,
    order: Order,
    path: &Path<'_>,
    visit: &mut impl FnMut(&mut Map<String, Value>, &Path<'_>),
) {
    match value {
        Value::Object(map) => {
            let visited = position == Position::Keywords;
            if visited && order == Order::ParentsFirst {
                visit(map, path);
            }
            for (key, child) in map.iter_mut() {
                let child_position = position.of_child(key, child);
                if child_position != Position::Data {
                    let child_path = path.then(Step::Key(key));
                    walk_with_path(child, child_position, order, &child_path, visit);
                }
            }
            if visited && order == Order::ChildrenFirst {
                visit(map, path);
            }
        }
        Value::Array(items) if position != Position::Data => {
            for (index, item) in items.iter_mut().enumerate() {
                let item_path = path.then(Step::Index(index));
                walk_with_path(item, position.of_element(), order, &item_path, visit);
            }
        }
        _ => {}
    }
}

/// Calls `visit` on every object of keywords in `value` (at `position`).
pub fn each_keyword_object(
    value: &Value,
    position: Position,
    visit: &mut impl FnMut(&Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            if position == Position::Keywords {
                visit(map);
            }
            for (key, child) in map {
                let child_position = position.of_child(key, child);
                if child_position != Position::Data {
                    each_keyword_object(child, child_position, visit);
                }
            }
        }
        Value::Array(items) if position != Position::Data => {
            for item in items {
                each_keyword_object(item, position.of_element(), visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn references(document: &Value) -> Vec<String> {
        let mut found = Vec::new();
        each_keyword_object(document, Position::Keywords, &mut |map| {
            if let Some(reference) = reference_of(map, Position::Keywords) {
                found.push(reference.to_owned());
            }
        });
        found
    }

    #[test]
    fn data_keywords_hold_no_references() {
        let data = json!({"$ref": "urn:ietf:params:scim:schemas:core:2.0:User"});
        let schema = json!({
            "type": "object",
            "example": data,
            "default": data,
            "enum": [data],
            "const": data,
            "examples": [data],
            "x-note": data,
        });
        let media = json!({"examples": {"scim": {"value": data}}});
        assert!(references(&schema).is_empty());
        assert!(references(&media).is_empty());
    }

    #[test]
    fn names_that_are_data_keywords_are_still_structure() {
        let target = json!({"$ref": "#/components/schemas/T"});
        let document = json!({
            "properties": {"example": target, "default": target, "enum": target},
            "responses": {"default": target},
            "examples": {"value": target},
        });
        assert_eq!(references(&document).len(), 5);
    }

    #[test]
    fn lists_of_structure_are_walked() {
        let target = json!({"$ref": "#/components/schemas/T"});
        let document = json!({"allOf": [target], "parameters": [target]});
        assert_eq!(references(&document).len(), 2);
    }
}
