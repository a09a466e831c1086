//! Documents up to serde_yaml's nesting limit, read by serde_yaml straight
//! into JSON values in one pass.
//!
//! Going through `serde_yaml::Value` fails on integers beyond 64 bits (some
//! specs write `minimum: -9223372036854776000`) and on non-string keys; the
//! visitor here builds JSON values itself, by [`super::rules`].

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::Value;

use super::error::YamlError;
use super::rules::{self, Mapping};

/// Deepest nesting serde_yaml reads.
pub const DEPTH_LIMIT: usize = 128;

/// How serde_yaml's message begins when a document nests deeper than
/// [`DEPTH_LIMIT`].
const TOO_DEEP: &str = "recursion limit exceeded";

/// Why serde_yaml did not read a document.
pub enum NotRead {
    /// It nests deeper than [`DEPTH_LIMIT`].
    TooDeep,
    /// It is not valid YAML, or holds a value JSON cannot.
    Invalid(YamlError),
}

/// Parses YAML text (one document) into a JSON value.
pub fn from_str(text: &str) -> Result<Value, NotRead> {
    serde_yaml::Deserializer::from_str(text)
        .deserialize_any(JsonVisitor)
        .map_err(|e| {
            let message = e.to_string();
            if message.starts_with(TOO_DEEP) {
                return NotRead::TooDeep;
            }
            NotRead::Invalid(YamlError {
                line: e.location().map(|l| l.line()),
                message,
            })
        })
}

struct JsonVisitor;

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
        rules::wide_signed(v).map_err(E::custom)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        rules::wide_unsigned(v).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        rules::float(v).map_err(E::custom)
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
        let mut mapping = Mapping::default();
        while let Some(key) = access.next_key_seed(Seed)? {
            mapping.push(key).map_err(de::Error::custom)?;
            let value = access.next_value_seed(Seed)?;
            mapping.push(value).map_err(de::Error::custom)?;
        }
        mapping.finish().map_err(de::Error::custom)
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
