//! Validation of values against the spec's schemas.
//!
//! The merged document's schemas are OpenAPI 3.0 schemas (3.1 input was
//! rewritten by the loader); they are turned into JSON Schema draft 4,
//! which 3.0 schemas are a dialect of, and validated with the `jsonschema`
//! crate, formats included. The differences that matter:
//!
//! - `nullable: true` adds `null` to the type (or the enum, or wraps the
//!   schema in `anyOf` with `{"type": "null"}`);
//! - `readOnly` properties are not required in requests and `writeOnly`
//!   ones not in responses;
//! - integer formats (`int32`, `uint8`, …) become bounds, so a 70-bit
//!   integer breaks `int64`; `byte`, `uuid`, `date` and `ip` get format
//!   checks (draft 4 knows neither);
//! - annotations (`discriminator`, `example`, `x-…`) are dropped.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::spec::SpecDocument;

/// Which way a value travels: it decides which of `readOnly` and
/// `writeOnly` properties may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by the client.
    Request,
    /// Sent by the server.
    Response,
}

/// How schemas are read for one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reading {
    /// Which way the value travels.
    pub direction: Direction,
    /// Whether a union's discriminator also binds each alternative to its
    /// tags (OpenAPI's reading), or is ignored (plain JSON Schema's).
    pub pinned: bool,
}

/// Keys of a schema that hold one schema.
const SCHEMA_KEYS: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keys of a schema that hold a list of schemas.
const SCHEMA_LIST_KEYS: [&str; 3] = ["allOf", "oneOf", "anyOf"];
/// OpenAPI annotations that mean nothing to a JSON Schema validator.
const ANNOTATIONS: [&str; 9] = [
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "examples",
];

/// Compiled validators, one per schema and direction, over one document.
pub struct Validators<'d> {
    document: &'d SpecDocument,
    components: HashMap<Reading, Value>,
    compiled: HashMap<(Reading, String), Result<jsonschema::Validator, String>>,
}

impl<'d> Validators<'d> {
    /// Validators over `document`'s schemas.
    pub fn new(document: &'d SpecDocument) -> Validators<'d> {
        Validators {
            document,
            components: HashMap::new(),
            compiled: HashMap::new(),
        }
    }

    /// The document the schemas come from.
    pub fn document(&self) -> &'d SpecDocument {
        self.document
    }

    /// Checks `value` against `schema` (an OpenAPI schema of the document);
    /// the error lists what is wrong, with JSON pointers into the value.
    pub fn check(
        &mut self,
        schema: &Value,
        value: &Value,
        direction: Direction,
    ) -> Result<(), String> {
        self.check_as(
            schema,
            value,
            Reading {
                direction,
                pinned: true,
            },
        )?;
        if direction == Direction::Request {
            // Prism reads unions without their discriminators: a value sent
            // must also match exactly one alternative of a `oneOf` as plain
            // JSON Schema says.
            self.check_as(
                schema,
                value,
                Reading {
                    direction,
                    pinned: false,
                },
            )?;
        }
        Ok(())
    }

    fn check_as(&mut self, schema: &Value, value: &Value, reading: Reading) -> Result<(), String> {
        let key = (reading, schema.to_string());
        if !self.compiled.contains_key(&key) {
            let compiled = self.compile(schema, reading);
            self.compiled.insert(key.clone(), compiled);
        }
        let validator = match &self.compiled[&key] {
            Ok(validator) => validator,
            // A schema the validator cannot read proves nothing either way.
            Err(_) => return Ok(()),
        };
        let problems: Vec<String> = validator
            .iter_errors(value)
            .take(3)
            .map(|error| {
                let at = error.instance_path().to_string();
                let at = if at.is_empty() { "/".to_owned() } else { at };
                format!("at {at}: {error}")
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(shorten(&problems.join("; "), 600))
        }
    }

    fn compile(
        &mut self,
        schema: &Value,
        reading: Reading,
    ) -> Result<jsonschema::Validator, String> {
        let document = self.document;
        let components = self
            .components
            .entry(reading)
            .or_insert_with(|| convert_components(document, reading))
            .clone();
        let root = json!({
            "allOf": [convert(document, schema, reading)],
            "components": { "schemas": components },
        });
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_format("byte", is_base64)
            .with_format("uuid", is_uuid)
            .with_format("date", is_date)
            .with_format("ip", is_ip)
            .build(&root)
            .map_err(|e| e.to_string())
    }
}

/// Cuts `text` to at most `limit` characters.
pub fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}…")
}

fn convert_components(document: &SpecDocument, reading: Reading) -> Value {
    let schemas = document
        .root()
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| (name.clone(), convert(document, schema, reading)))
                .collect::<Map<_, _>>()
        })
        .unwrap_or_default();
    Value::Object(schemas)
}

/// One OpenAPI schema as JSON Schema draft 4 (see the module docs).
pub fn convert(document: &SpecDocument, schema: &Value, reading: Reading) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref") {
        return json!({ "$ref": reference });
    }
    if is_null_idiom(map) {
        return json!({ "type": "null" });
    }
    let mut out = Map::new();
    for (key, value) in map {
        if ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "properties" => convert_properties(document, value, reading),
            "required" => required_for(document, map, value, reading.direction),
            k if SCHEMA_KEYS.contains(&k) && value.is_object() => convert(document, value, reading),
            k if SCHEMA_LIST_KEYS.contains(&k) => match value {
                Value::Array(list) => {
                    Value::Array(list.iter().map(|s| convert(document, s, reading)).collect())
                }
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if out
        .get("required")
        .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
    {
        // Draft 4 wants at least one name in `required`.
        out.remove("required");
    }
    add_integer_bounds(&mut out);
    add_implied_type(&mut out);
    if let (true, Some(discriminator)) = (reading.pinned, map.get("discriminator")) {
        pin_discriminator(&mut out, discriminator);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return make_nullable(out);
    }
    Value::Object(out)
}

fn convert_properties(document: &SpecDocument, properties: &Value, reading: Reading) -> Value {
    match properties {
        Value::Object(properties) => Value::Object(
            properties
                .iter()
                .map(|(name, s)| (name.clone(), convert(document, s, reading)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `required` without the properties that need not travel this way.
fn required_for(
    document: &SpecDocument,
    schema: &Map<String, Value>,
    required: &Value,
    direction: Direction,
) -> Value {
    let Value::Array(names) = required else {
        return required.clone();
    };
    let skipped = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    let properties = schema.get("properties");
    Value::Array(
        names
            .iter()
            .filter(|name| {
                let property = name
                    .as_str()
                    .and_then(|n| properties.and_then(|p| p.get(n)))
                    .map(|p| document.resolve(p));
                property.and_then(|p| p.get(skipped)) != Some(&Value::Bool(true))
            })
            .cloned()
            .collect(),
    )
}

/// Bounds implied by an integer format (`int32`, `uint64`, …).
fn add_integer_bounds(schema: &mut Map<String, Value>) {
    let Some(format) = schema.get("format").and_then(Value::as_str) else {
        return;
    };
    let (low, high): (f64, f64) = match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (-9.223_372_036_854_776e18, 9.223_372_036_854_776e18),
        "uint8" => (0.0, u8::MAX.into()),
        "uint16" => (0.0, u16::MAX.into()),
        "uint32" => (0.0, u32::MAX.into()),
        "uint64" => (0.0, 1.844_674_407_370_955_2e19),
        _ => return,
    };
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    schema.entry("minimum").or_insert(json!(low));
    schema.entry("maximum").or_insert(json!(high));
}

/// `{nullable: true}` with nothing else that constrains: the 3.0 idiom for
/// the `null` alternative of a union (the generator reads it so too); as
/// plain JSON Schema it would allow anything, and accept a mock's
/// `{"nullable": true}` served as data.
fn is_null_idiom(schema: &Map<String, Value>) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        && schema.keys().all(|key| {
            [
                "nullable",
                "description",
                "title",
                "deprecated",
                "example",
                "default",
            ]
            .contains(&key.as_str())
                || key.starts_with("x-")
        })
}

/// The type a schema without `type` is written for: `properties`,
/// `required` or `additionalProperties` make an object and `items` an
/// array, as OpenAPI tools (this generator included) read them. Plain JSON
/// Schema would let any other type through.
fn add_implied_type(schema: &mut Map<String, Value>) {
    if schema.contains_key("type") || SCHEMA_LIST_KEYS.iter().any(|k| schema.contains_key(*k)) {
        return;
    }
    let implied = if ["properties", "required", "additionalProperties"]
        .iter()
        .any(|k| schema.contains_key(*k))
    {
        "object"
    } else if schema.contains_key("items") {
        "array"
    } else {
        return;
    };
    schema.insert("type".to_owned(), Value::from(implied));
}

/// A union with a `discriminator`: each alternative also needs the
/// discriminating property to hold one of its own tag values, as OpenAPI
/// says (a value valid under another alternative's schema but tagged for
/// this one is invalid).
fn pin_discriminator(schema: &mut Map<String, Value>, discriminator: &Value) {
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = schema.get_mut(key) else {
            continue;
        };
        for alternative in alternatives.iter_mut() {
            let Some(reference) = alternative.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let tags = tags_of(discriminator, reference);
            let pinned =
                json!({ "properties": { property: { "enum": tags } }, "required": [property] });
            *alternative = json!({ "allOf": [alternative.clone(), pinned] });
        }
    }
}

/// The tag values that select the schema `reference` under
/// `discriminator`: the mapping's keys that name it, or else the schema's
/// own name.
pub fn tags_of(discriminator: &Value, reference: &str) -> Vec<Value> {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let mapped: Vec<Value> = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, target)| target.as_str().is_some_and(|t| t == reference || t == name))
        .map(|(tag, _)| Value::from(tag.as_str()))
        .collect();
    if mapped.is_empty() {
        vec![Value::from(name)]
    } else {
        mapped
    }
}

fn make_nullable(mut schema: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    match schema.get("type").cloned() {
        Some(Value::String(ty)) => {
            schema.insert("type".to_owned(), json!([ty, "null"]));
            Value::Object(schema)
        }
        Some(_) => Value::Object(schema),
        None => json!({ "anyOf": [{ "type": "null" }, Value::Object(schema)] }),
    }
}

fn is_base64(text: &str) -> bool {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    engine.decode(text).is_ok()
        || base64::engine::general_purpose::URL_SAFE
            .decode(text)
            .is_ok()
}

fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (number(year, 4), number(month, 2), number(day, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

fn is_ip(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> SpecDocument {
        SpecDocument::new(json!({
            "components": { "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": { "type": "integer", "format": "int64", "readOnly": true },
                        "name": { "type": "string", "maxLength": 5 },
                        "tag": { "type": "string", "nullable": true }
                    }
                }
            }}
        }))
    }

    #[test]
    fn read_only_properties_are_required_only_in_responses() {
        let document = document();
        let mut validators = Validators::new(&document);
        let pet = json!({ "$ref": "#/components/schemas/Pet" });
        let value = json!({ "name": "Rex" });
        assert!(validators.check(&pet, &value, Direction::Request).is_ok());
        let error = validators
            .check(&pet, &value, Direction::Response)
            .unwrap_err();
        assert!(error.contains("id"), "{error}");
    }

    #[test]
    fn nullable_bounds_and_formats_are_checked() {
        let document = document();
        let mut validators = Validators::new(&document);
        let pet = json!({ "$ref": "#/components/schemas/Pet" });
        let ok = json!({ "id": 1, "name": "Rex", "tag": null });
        assert!(validators.check(&pet, &ok, Direction::Response).is_ok());
        let too_big = json!({ "id": 1e20, "name": "Rex" });
        assert!(validators
            .check(&pet, &too_big, Direction::Response)
            .is_err());
        let too_long = json!({ "id": 1, "name": "Rexxxxx" });
        assert!(validators
            .check(&pet, &too_long, Direction::Response)
            .is_err());
        let uuid = json!({ "type": "string", "format": "uuid" });
        let bad = json!("8f3e2b1a-5c6d-4e9f-8a0b-1c2d3e4f5g6h");
        assert!(validators.check(&uuid, &bad, Direction::Request).is_err());
        let good = json!("8f3e2b1a-5c6d-4e9f-8a0b-1c2d3e4f5a6b");
        assert!(validators.check(&uuid, &good, Direction::Request).is_ok());
    }
}
