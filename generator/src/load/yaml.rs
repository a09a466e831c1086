//! YAML straight into JSON values, in one pass.
//!
//! Going through `serde_yaml::Value` fails on integers beyond 64 bits (some
//! specs write `minimum: -9223372036854776000`) and on non-string keys; this
//! visitor turns such integers into floats, scalar keys (`200:`) into
//! strings, and applies `<<` merge keys.
//!
//! serde_yaml refuses documents nested deeper than 128 levels. Those are
//! read by [`yaml_events`](super::yaml_events) instead, which builds the same
//! values without recursion.

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::load::yaml_events;

/// A YAML syntax error (or a value JSON cannot hold).
#[derive(Debug)]
pub struct YamlError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, with the line and column when known.
    pub message: String,
}

/// Deepest nesting serde_yaml reads; deeper documents fail with
/// [`SERDE_YAML_TOO_DEEP`].
const SERDE_YAML_DEPTH: usize = 128;

/// How serde_yaml's message begins when a document nests too deep.
const SERDE_YAML_TOO_DEEP: &str = "recursion limit exceeded";

/// Parses YAML text into a JSON value.
///
/// serde_yaml reads every document nested at most 128 levels deep. Deeper
/// ones go to [`yaml_events`] (which takes up to [`crate::load::MAX_DEPTH`]
/// levels): straight away when a first look finds them deep, since
/// serde_yaml's parser slows down quadratically with the depth of flow
/// collections and keeps every event of a document in memory; otherwise
/// when serde_yaml gives up on them.
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    if may_nest_deeper_than(text, SERDE_YAML_DEPTH)
        && yaml_events::nests_deeper_than(text, SERDE_YAML_DEPTH)
    {
        return yaml_events::from_str(text);
    }
    match serde_yaml::Deserializer::from_str(text).deserialize_any(JsonVisitor) {
        Ok(value) => Ok(value),
        Err(e) if e.to_string().starts_with(SERDE_YAML_TOO_DEEP) => yaml_events::from_str(text),
        Err(e) => Err(YamlError {
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        }),
    }
}

/// A first look, in one pass over the bytes, at whether a document may
/// nest deeper than `limit`: whether brackets and braces (quoted or not)
/// nest that deep, or a line starts with more than `limit / 2` spaces and
/// block indicators (`- - - x` and indentation nest block collections).
/// Nearly every deep document passes (one that does not is still read,
/// once serde_yaml gives up on it); the few shallow ones that pass are told
/// apart by a real parse.
fn may_nest_deeper_than(text: &str, limit: usize) -> bool {
    let mut brackets = 0usize;
    let mut indentation = Some(0usize);
    for byte in text.bytes() {
        match byte {
            b'[' | b'{' => {
                brackets += 1;
                if brackets > limit {
                    return true;
                }
            }
            b']' | b'}' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        indentation = match (byte, indentation) {
            (b'\n', _) => Some(0),
            (b' ' | b'-' | b'?' | b':', Some(run)) => Some(run + 1),
            _ => None,
        };
        if indentation.is_some_and(|run| run > limit / 2) {
            return true;
        }
    }
    false
}

pub(super) struct JsonVisitor;

/// YAML's merge key: its mapping (or list of mappings) fills in entries the
/// enclosing mapping does not set itself.
pub(super) const MERGE_KEY: &str = "<<";

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        // Beyond 64 bits only as a float; such numbers are bounds, not ids.
        self.visit_f64(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("number {v} cannot be represented in JSON")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged = Vec::new();
        while let Some(key) = access.next_key_seed(Seed)? {
            let key = key_text(key).map_err(de::Error::custom)?;
            let value = access.next_value_seed(Seed)?;
            if key == MERGE_KEY {
                merged.push(value);
            } else {
                map.insert(key, value);
            }
        }
        for source in merged {
            merge_into(&mut map, source).map_err(de::Error::custom)?;
        }
        Ok(Value::Object(map))
    }

    /// A tagged value (`!Tag value`): the tag is dropped, the value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(Seed)
    }
}

/// Deserializes one nested value with [`JsonVisitor`].
struct Seed;

impl<'de> de::DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

pub(super) fn key_text(key: Value) -> Result<String, &'static str> {
    match key {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_owned()),
        Value::Array(_) | Value::Object(_) => Err("mapping keys must be scalars"),
    }
}

pub(super) fn merge_into(map: &mut Map<String, Value>, source: Value) -> Result<(), &'static str> {
    match source {
        Value::Object(entries) => {
            for (key, value) in entries {
                map.entry(key).or_insert(value);
            }
            Ok(())
        }
        Value::Array(sources) => sources.into_iter().try_for_each(|s| merge_into(map, s)),
        _ => Err("a merge key (`<<`) must name a mapping or a list of mappings"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_become_strings_and_huge_integers_floats() {
        let value = from_str("responses:\n  200: ok\nminimum: -9223372036854776000\n").ok();
        let expected = serde_json::json!({
            "responses": {"200": "ok"},
            "minimum": -9223372036854776000.0_f64,
        });
        assert_eq!(value, Some(expected));
    }

    /// `[` nested `depth` times around `leaf`.
    fn sequences(depth: usize, leaf: &str) -> String {
        format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
    }

    fn depth_of(mut value: &Value) -> usize {
        let mut depth = 0;
        while let Value::Array(items) = value {
            depth += 1;
            match items.first() {
                Some(first) => value = first,
                None => break,
            }
        }
        depth
    }

    #[test]
    fn documents_deeper_than_serde_yaml_reads_are_read_all_the_same() {
        // Flow style, found deep at first look.
        let value = from_str(&format!("a: {}\n", sequences(1_000, "1"))).ok();
        assert_eq!(value.as_ref().map(|v| depth_of(&v["a"])), Some(1_000));
        // Block style, found deep at first look.
        let text = format!("a:\n  {}1\n", "- ".repeat(1_000));
        let value = from_str(&text).ok();
        assert_eq!(value.as_ref().map(|v| depth_of(&v["a"])), Some(1_000));
        // Deep only through an alias, which serde_yaml finds out itself.
        let text = format!(
            "a: &a {}\nb: {}\n",
            sequences(100, "1"),
            sequences(100, "*a")
        );
        let value = from_str(&text).ok();
        assert_eq!(value.as_ref().map(|v| depth_of(&v["b"])), Some(200));
    }

    #[test]
    fn merge_keys_fill_in_missing_entries() {
        let text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n";
        let value = from_str(text).ok();
        assert_eq!(
            value.and_then(|v| v.get("derived").cloned()),
            Some(serde_json::json!({"b": 3, "a": 1}))
        );
    }
}
