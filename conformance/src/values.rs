//! Values made up from a schema, meant to satisfy it: `enum`, bounds,
//! lengths, `pattern` (strings generated from the regular expression),
//! `format`, array sizes, required properties, `allOf` parts and one
//! alternative of a `oneOf`/`anyOf`. They are checked against the schema
//! afterwards (`schema::Validators`), so a constraint this module does not
//! honour costs a candidate, never a false verdict.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Map, Value};

use crate::spec::SpecDocument;

/// How deep a made-up value nests before it gives up (`null`).
const MAX_DEPTH: usize = 12;
/// Most repetitions of `*` and `+` in a generated string.
const MAX_REPEAT: u32 = 6;
/// Attempts at a pattern string that also fits the length bounds.
const PATTERN_ATTEMPTS: usize = 32;

/// Which examples of the schema a made-up value may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Examples {
    /// Every example, the schema's own included.
    All,
    /// Examples of the schema's parts, not of the schema itself.
    BelowTop,
    /// None: values made up from types and constraints only.
    None,
}

/// Makes up values from the schemas of one document.
pub struct Synthesiser<'d> {
    document: &'d SpecDocument,
    rng: StdRng,
    /// Which alternative the next union takes (then 0 for nested ones).
    choice: usize,
    /// Whether objects get every property, not only the required ones (a
    /// fuller value tells a union's alternatives apart).
    full: bool,
}

impl<'d> Synthesiser<'d> {
    /// A synthesiser whose random choices (pattern strings) follow `seed`.
    pub fn new(document: &'d SpecDocument, seed: u64) -> Synthesiser<'d> {
        Synthesiser {
            document,
            rng: StdRng::seed_from_u64(seed),
            choice: 0,
            full: false,
        }
    }

    /// A value for `schema`, taking the `choice`-th alternative of the
    /// first union it meets.
    pub fn value(&mut self, schema: &Value, examples: Examples, choice: usize) -> Value {
        self.choice = choice;
        self.synthesise(schema, 0, examples)
    }

    /// Like [`Synthesiser::value`], with every property of every object.
    pub fn full_value(&mut self, schema: &Value, choice: usize) -> Value {
        self.full = true;
        let value = self.value(schema, Examples::None, choice);
        self.full = false;
        value
    }

    fn synthesise(&mut self, schema: &Value, depth: usize, examples: Examples) -> Value {
        let schema = self.document.resolve(schema);
        let use_example =
            examples == Examples::All || (examples == Examples::BelowTop && depth > 0);
        if let (true, Some(example)) = (use_example, schema.get("example")) {
            return example.clone();
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if schema.get("allOf").is_some() {
            let merged = self.merge_all_of(schema, 0);
            return self.synthesise_plain(&merged, depth, examples);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
                let usable: Vec<&Value> = alternatives
                    .iter()
                    .filter(|a| {
                        self.document.resolve(a).get("type").and_then(Value::as_str) != Some("null")
                    })
                    .collect();
                if !usable.is_empty() {
                    let pick = usable[self.choice % usable.len()];
                    self.choice = 0;
                    let mut value = self.synthesise(pick, depth + 1, examples);
                    tag(&mut value, schema, pick);
                    return value;
                }
            }
        }
        self.synthesise_plain(schema, depth, examples)
    }

    /// A schema with its `allOf` parts folded in: properties and `required`
    /// joined, other keywords taken from the first part that has them.
    fn merge_all_of(&self, schema: &Value, depth: usize) -> Value {
        let mut merged = Map::new();
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut fold = |part: &Map<String, Value>| {
            for (key, value) in part {
                match key.as_str() {
                    "properties" => {
                        if let Value::Object(p) = value {
                            properties.extend(p.clone());
                        }
                    }
                    "required" => {
                        for name in value.as_array().into_iter().flatten() {
                            if !required.contains(name) {
                                required.push(name.clone());
                            }
                        }
                    }
                    "allOf" | "example" => {}
                    _ => {
                        merged.entry(key.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
        };
        if let Value::Object(own) = schema {
            fold(own);
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let part = self.document.resolve(part);
            let part = if part.get("allOf").is_some() && depth < MAX_DEPTH {
                self.merge_all_of(part, depth + 1)
            } else {
                part.clone()
            };
            if let Value::Object(part) = &part {
                fold(part);
            }
        }
        if !properties.is_empty() {
            merged.insert("properties".to_owned(), Value::Object(properties));
            merged
                .entry("type".to_owned())
                .or_insert(Value::from("object"));
        }
        if !required.is_empty() {
            merged.insert("required".to_owned(), Value::Array(required));
        }
        Value::Object(merged)
    }

    fn synthesise_plain(&mut self, schema: &Value, depth: usize, examples: Examples) -> Value {
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(default) = schema.get("default") {
            return default.clone();
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let is_object =
            ty == Some("object") || (ty.is_none() && schema.get("properties").is_some());
        if is_object {
            return self.object(schema, depth, examples);
        }
        match ty {
            Some("array") => self.array(schema, depth, examples),
            Some("integer") => integer(schema).map_or(Value::Null, Value::from),
            Some("number") => number(schema),
            Some("boolean") => Value::Bool(true),
            Some("null") => Value::Null,
            _ => Value::String(self.string(schema)),
        }
    }

    /// The required properties and, when examples are used, every property
    /// that has one; read-only properties are left out (values are sent).
    fn object(&mut self, schema: &Value, depth: usize, examples: Examples) -> Value {
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Map::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let resolved = self.document.resolve(property);
            if resolved.get("readOnly") == Some(&Value::Bool(true)) {
                continue;
            }
            let wanted = self.full
                || required.contains(name)
                || (examples != Examples::None && resolved.get("example").is_some());
            if wanted {
                let value = self.synthesise(property, depth + 1, examples);
                out.insert(name.clone(), value);
            }
        }
        for name in &required {
            // Required, yet not described: any value will do.
            out.entry(name.clone())
                .or_insert_with(|| Value::from("example"));
        }
        let minimum = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let extra = schema.get("additionalProperties").filter(|a| a.is_object());
        let mut index = 0;
        while (out.len() as u64) < minimum && index < 64 {
            index += 1;
            let value = match extra {
                Some(extra) => self.synthesise(extra, depth + 1, examples),
                None => Value::from("example"),
            };
            out.entry(format!("key{index}")).or_insert(value);
        }
        Value::Object(out)
    }

    fn array(&mut self, schema: &Value, depth: usize, examples: Examples) -> Value {
        let minimum = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1);
        let maximum = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        // Two items where allowed: one item of a form-encoded array reads
        // like a single value on the wire, and some servers take it so.
        let count = minimum.max(2).min(maximum).min(16);
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        let mut items = Vec::new();
        for _ in 0..count * 4 {
            if items.len() as u64 >= count {
                break;
            }
            let item = match schema.get("items") {
                Some(items) => self.synthesise(items, depth + 1, examples),
                None => Value::from("example"),
            };
            if !unique || !items.contains(&item) {
                items.push(item);
            }
        }
        Value::Array(items)
    }

    fn string(&mut self, schema: &Value) -> String {
        let min = length(schema, "minLength").unwrap_or(0);
        let max = length(schema, "maxLength").unwrap_or(usize::MAX);
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            if let Some(text) = self.pattern_string(pattern, min, max) {
                return text;
            }
        }
        let format = schema
            .get("format")
            .and_then(Value::as_str)
            .unwrap_or_default();
        fit_length(format_example(format), min, max)
    }

    /// A string matching `pattern` (searched, as JSON Schema does, so
    /// anchors are kept as written) within the length bounds.
    fn pattern_string(&mut self, pattern: &str, min: usize, max: usize) -> Option<String> {
        let generator = pattern_generator(pattern)?;
        (0..PATTERN_ATTEMPTS)
            .map(|_| self.rng.sample::<String, _>(&generator))
            .find(|text| (min..=max).contains(&text.chars().count()))
    }
}

/// A generator of strings matching `pattern`. Anchors cannot be generated,
/// so a leading `^` and trailing `$` are dropped: a string matching the
/// rest whole matches the pattern too. Classes like `\d` are read as
/// ASCII first, as ECMA-262 (the dialect of JSON Schema) does.
fn pattern_generator(pattern: &str) -> Option<rand_regex::Regex> {
    let core = pattern.strip_prefix('^').unwrap_or(pattern);
    let core = match core.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => core,
    };
    let ascii = ascii_dots(core);
    let readings = [(false, ascii.as_str()), (true, core)];
    let generator = readings.into_iter().find_map(|(unicode, pattern)| {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .build()
            .parse(pattern)
            .ok()?;
        rand_regex::Regex::with_hir(hir, MAX_REPEAT).ok()
    });
    generator
}

/// `pattern` with every `.` outside a class and not escaped made `[a-z]`:
/// read without Unicode, `.` could produce bytes that are not UTF-8.
fn ascii_dots(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let (mut escaped, mut in_class) = (false, false);
    for c in pattern.chars() {
        match c {
            '.' if !escaped && !in_class => out.push_str("[a-z]"),
            _ => out.push(c),
        }
        in_class = match c {
            '[' if !escaped => true,
            ']' if !escaped => false,
            _ => in_class,
        };
        escaped = c == '\\' && !escaped;
    }
    out
}

/// Sets the discriminating property of a union's made-up alternative to a
/// tag that selects it.
fn tag(value: &mut Value, union: &Value, alternative: &Value) {
    let (Some(discriminator), Some(reference), Value::Object(fields)) = (
        union.get("discriminator"),
        alternative.get("$ref").and_then(Value::as_str),
        value,
    ) else {
        return;
    };
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    if let Some(first) = crate::schema::tags_of(discriminator, reference)
        .into_iter()
        .next()
    {
        fields.insert(property.to_owned(), first);
    }
}

/// A typical value of a string format.
fn format_example(format: &str) -> String {
    match format {
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "date-time" => "2025-01-15T10:30:00Z",
        "date" => "2025-01-15",
        "time" => "10:30:00Z",
        "duration" => "P1D",
        "email" => "user@example.com",
        "hostname" => "example.com",
        "uri" | "url" | "iri" => "https://example.com/",
        "uri-reference" | "iri-reference" => "/example",
        "ipv4" | "ip" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        "decimal" | "number" | "double" | "float" => "1.00",
        "int32" | "int64" | "integer" => "1",
        _ => "example",
    }
    .to_owned()
}

fn length(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// `text` padded with `x` to `min` characters, or cut to `max`.
fn fit_length(text: String, min: usize, max: usize) -> String {
    let count = text.chars().count();
    if count < min {
        format!("{text}{}", "x".repeat(min - count))
    } else if count > max {
        text.chars().take(max).collect()
    } else {
        text
    }
}

/// The bounds of a numeric schema: (lowest allowed, highest allowed), with
/// exclusive bounds moved inwards by `step`.
fn bounds(schema: &Value, step: f64) -> (Option<f64>, Option<f64>) {
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let low = schema.get("minimum").and_then(Value::as_f64).map(|m| {
        if exclusive("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    });
    let high = schema.get("maximum").and_then(Value::as_f64).map(|m| {
        if exclusive("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    });
    (low, high)
}

/// An integer within the bounds and a multiple of `multipleOf`, near 1.
#[allow(clippy::cast_possible_truncation)] // bounds are clamped to i64 first
fn integer(schema: &Value) -> Option<i64> {
    let (low, high) = bounds(schema, 1.0);
    let clamp = |x: f64| x.clamp(i64::MIN as f64, i64::MAX as f64);
    let low = low.map(|l| clamp(l.ceil()) as i64);
    let high = high.map(|h| clamp(h.floor()) as i64);
    let step = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m >= 1.0 && m.fract() == 0.0)
        .map_or(1, |m| m as i64);
    let mut value: i64 = 1;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    if value.rem_euclid(step) != 0 {
        value += step - value.rem_euclid(step);
        if high.is_some_and(|h| value > h) {
            value -= step;
        }
    }
    if low.is_some_and(|l| value < l) || high.is_some_and(|h| value > h) {
        return None;
    }
    Some(value)
}

fn number(schema: &Value) -> Value {
    let (low, high) = bounds(schema, 0.5);
    let mut value = 1.0_f64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        integer(schema).map_or_else(|| Value::from(value), Value::from)
    } else {
        Value::from(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn make(schema: Value) -> Value {
        let document = SpecDocument::new(json!({}));
        Synthesiser::new(&document, 7).value(&schema, Examples::None, 0)
    }

    #[test]
    fn patterns_give_matching_strings() {
        let value = make(json!({ "type": "string", "pattern": "^AC[0-9a-fA-F]{32}$" }));
        let text = value.as_str().unwrap_or_default();
        assert_eq!(text.len(), 34, "{text}");
        assert!(text.starts_with("AC"), "{text}");
        assert!(text[2..].chars().all(|c| c.is_ascii_hexdigit()), "{text}");
    }

    #[test]
    fn bounds_lengths_and_enums_are_kept() {
        assert_eq!(
            make(json!({ "type": "integer", "minimum": 10, "maximum": 20 })),
            json!(10)
        );
        assert_eq!(
            make(json!({ "type": "integer", "minimum": 10, "exclusiveMinimum": true })),
            json!(11)
        );
        assert_eq!(make(json!({ "type": "integer", "maximum": -5 })), json!(-5));
        assert_eq!(
            make(json!({ "type": "string", "maxLength": 3 })),
            json!("exa")
        );
        assert_eq!(
            make(json!({ "type": "string", "enum": ["b", "a"] })),
            json!("b")
        );
        assert_eq!(
            make(json!({ "type": "array", "minItems": 2, "items": { "type": "boolean" } })),
            json!([true, true])
        );
    }
}
