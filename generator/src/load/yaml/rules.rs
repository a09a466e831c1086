//! How YAML nodes become JSON values: the one place both readers take their
//! rules from, so that a document reads the same at any depth.
//!
//! - Scalars: serde_yaml resolves them itself for [`super::shallow`]; the
//!   event reader ([`super::deep`]) resolves them with [`scalar`], which
//!   follows serde_yaml 0.9 (YAML 1.2's core schema: `null`, `~` and empty
//!   are null; `true`/`false`; decimal, `0x`, `0o` and `0b` integers; floats,
//!   `.inf` and `.nan`; quoted and block scalars are strings; `!!bool`,
//!   `!!int`, `!!float` and `!!null` are checked; local tags are dropped).
//! - Numbers: integers beyond 64 bits become floats ([`wide_signed`],
//!   [`wide_unsigned`]), since some specs write bounds such as
//!   `minimum: -9223372036854776000`; a float JSON cannot hold (infinite,
//!   NaN) is an error ([`float`]).
//! - Keys and merges: [`Mapping`] turns scalar keys (`200:`) into strings,
//!   refuses collections as keys and applies `<<` merge keys.

use serde_json::{Map, Number, Value};

/// YAML's merge key: its mapping (or list of mappings) fills in entries the
/// enclosing mapping does not set itself.
const MERGE_KEY: &str = "<<";

const CORE_NULL: &str = "tag:yaml.org,2002:null";
const CORE_BOOL: &str = "tag:yaml.org,2002:bool";
const CORE_INT: &str = "tag:yaml.org,2002:int";
const CORE_FLOAT: &str = "tag:yaml.org,2002:float";

/// A mapping being built from its nodes in document order: key, value, key,
/// value. Merge keys are applied when it is finished, so that the
/// mapping's own entries win wherever they stand.
#[derive(Default)]
pub struct Mapping {
    entries: Map<String, Value>,
    /// The key read, waiting for its value.
    key: Option<String>,
    /// Values of `<<` keys.
    merged: Vec<Value>,
}

impl Mapping {
    /// Takes the next node: a key when none waits for its value, else that
    /// key's value. A later entry of the same key replaces the earlier one.
    pub fn push(&mut self, node: Value) -> Result<(), &'static str> {
        match self.key.take() {
            None => self.key = Some(key_text(node)?),
            Some(key) if key == MERGE_KEY => self.merged.push(node),
            Some(key) => {
                self.entries.insert(key, node);
            }
        }
        Ok(())
    }

    /// The mapping, with its merge keys applied.
    pub fn finish(mut self) -> Result<Value, &'static str> {
        for source in std::mem::take(&mut self.merged) {
            merge_into(&mut self.entries, source)?;
        }
        Ok(Value::Object(self.entries))
    }
}

/// A key as JSON holds it: scalars become their text; collections cannot
/// be keys.
fn key_text(key: Value) -> Result<String, &'static str> {
    match key {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_owned()),
        Value::Array(_) | Value::Object(_) => Err("mapping keys must be scalars"),
    }
}

fn merge_into(map: &mut Map<String, Value>, source: Value) -> Result<(), &'static str> {
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

/// A signed integer beyond 64 bits, which JSON here holds only as a float;
/// such numbers are bounds, not ids.
pub fn wide_signed(int: i128) -> Result<Value, String> {
    float(int as f64)
}

/// An unsigned integer beyond 64 bits, as [`wide_signed`].
pub fn wide_unsigned(int: u128) -> Result<Value, String> {
    float(int as f64)
}

/// A float, unless JSON cannot hold it (infinite or NaN).
pub fn float(value: f64) -> Result<Value, String> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| format!("number {value} cannot be represented in JSON"))
}

/// A scalar's value, resolved as serde_yaml resolves it for a visitor that
/// accepts anything. `plain` is whether it was written unquoted and not as
/// a block; `tag` is its full tag (`tag:yaml.org,2002:int`, `!Local`).
pub fn scalar(text: &str, plain: bool, tag: Option<&str>) -> Result<Value, String> {
    let Some(tag) = tag else {
        return if plain {
            untagged(text)
        } else {
            Ok(Value::String(text.to_owned()))
        };
    };
    let invalid = |expected: &str| format!("invalid value: string {text:?}, expected {expected}");
    match tag {
        CORE_BOOL => parse_bool(text)
            .map(Value::Bool)
            .ok_or_else(|| invalid("a boolean")),
        CORE_INT => integer(text).ok_or_else(|| invalid("an integer"))?,
        CORE_FLOAT => float(parse_f64(text).ok_or_else(|| invalid("a float"))?),
        CORE_NULL => parse_null(text)
            .map(|()| Value::Null)
            .ok_or_else(|| invalid("null")),
        // A local tag is dropped; the scalar resolves as if untagged.
        local if local.starts_with('!') && plain => untagged(text),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// A plain scalar without a tag.
fn untagged(text: &str) -> Result<Value, String> {
    if text.is_empty() || parse_null(text).is_some() {
        return Ok(Value::Null);
    }
    if let Some(boolean) = parse_bool(text) {
        return Ok(Value::Bool(boolean));
    }
    if let Some(number) = integer(text) {
        return number;
    }
    if !digits_but_not_number(text) {
        if let Some(number) = parse_f64(text) {
            return float(number);
        }
    }
    Ok(Value::String(text.to_owned()))
}

/// An integer, tried in serde_yaml's order: 64 bits, then wider.
fn integer(text: &str) -> Option<Result<Value, String>> {
    if let Some(int) = parse_unsigned_int(text, u64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_negative_int(text, i64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_unsigned_int(text, u128::from_str_radix) {
        return Some(wide_unsigned(int));
    }
    parse_negative_int(text, i128::from_str_radix).map(wide_signed)
}

// The scalar parsers below are serde_yaml 0.9's, so that both readers agree.

fn parse_null(scalar: &str) -> Option<()> {
    match scalar {
        "null" | "Null" | "NULL" | "~" => Some(()),
        _ => None,
    }
}

fn parse_bool(scalar: &str) -> Option<bool> {
    match scalar {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

type FromStrRadix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

fn parse_unsigned_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if let Ok(int) = from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive
        .parse::<f64>()
        .ok()
        .filter(|float| float.is_finite())
}

/// Leading zeros followed by digits make a string in YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn plain(text: &str) -> Option<Value> {
        scalar(text, true, None).ok()
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        for (text, expected) in [
            ("", json!(null)),
            ("~", json!(null)),
            ("Null", json!(null)),
            ("TRUE", json!(true)),
            ("false", json!(false)),
            ("yes", json!("yes")),
            ("12", json!(12)),
            ("+12", json!(12)),
            ("-12", json!(-12)),
            ("0x1F", json!(31)),
            ("-0x1F", json!(-31)),
            ("0o17", json!(15)),
            ("0b101", json!(5)),
            ("007", json!("007")),
            ("1_000", json!("1_000")),
            ("1.5", json!(1.5)),
            ("-1.5e3", json!(-1500.0)),
            ("+.5", json!(0.5)),
            ("12:30", json!("12:30")),
        ] {
            assert_eq!(plain(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        assert_eq!(scalar("12", false, None).ok(), Some(json!("12")));
        assert_eq!(scalar("", false, None).ok(), Some(json!("")));
    }

    #[test]
    fn core_tags_are_checked_and_local_tags_dropped() {
        let tagged = |text: &str, plain: bool, tag: &str| scalar(text, plain, Some(tag));
        assert_eq!(tagged("12", false, CORE_INT).ok(), Some(json!(12)));
        assert_eq!(tagged("true", false, CORE_BOOL).ok(), Some(json!(true)));
        assert_eq!(tagged("1.5", false, CORE_FLOAT).ok(), Some(json!(1.5)));
        assert_eq!(tagged("~", true, CORE_NULL).ok(), Some(json!(null)));
        assert_eq!(tagged("12", true, "!Local").ok(), Some(json!(12)));
        assert_eq!(tagged("12", false, "!Local").ok(), Some(json!("12")));
        assert_eq!(
            tagged("12", true, "tag:yaml.org,2002:str").ok(),
            Some(json!("12"))
        );
        let refused = tagged("x", true, CORE_INT).expect_err("not an integer");
        assert_eq!(refused, "invalid value: string \"x\", expected an integer");
        assert!(tagged("yes", true, CORE_BOOL).is_err());
        assert!(tagged("", false, CORE_NULL).is_err());
    }

    #[test]
    fn integers_beyond_64_bits_become_floats_and_the_rest_stay_exact() {
        assert_eq!(plain("18446744073709551615"), Some(json!(u64::MAX)));
        assert_eq!(plain("-9223372036854775808"), Some(json!(i64::MIN)));
        assert_eq!(
            plain("18446744073709551616"),
            Some(json!(18446744073709551616.0_f64))
        );
        assert_eq!(
            plain("-9223372036854776000"),
            Some(json!(-9223372036854776000.0_f64))
        );
        assert_eq!(wide_signed(-(1 << 70)).ok(), Some(json!(-(2f64.powi(70)))));
        assert_eq!(wide_unsigned(1 << 70).ok(), Some(json!(2f64.powi(70))));
    }

    #[test]
    fn numbers_json_cannot_hold_are_refused() {
        for text in [".inf", "-.inf", ".nan"] {
            assert!(scalar(text, true, None).is_err(), "{text}");
        }
        assert!(float(f64::NAN).is_err());
        // Too large for a float it is no number at all, but a string.
        assert_eq!(plain("1e400"), Some(json!("1e400")));
    }

    fn mapping(nodes: Vec<Value>) -> Result<Value, &'static str> {
        let mut mapping = Mapping::default();
        for node in nodes {
            mapping.push(node)?;
        }
        mapping.finish()
    }

    #[test]
    fn scalar_keys_become_strings_and_collections_are_refused() {
        let nodes = vec![
            json!(200),
            json!("ok"),
            json!(1.5),
            json!("b"),
            json!(true),
            json!("c"),
            json!(null),
            json!("d"),
            json!("a"),
            json!(1),
            json!("a"),
            json!(2),
        ];
        let expected = json!({"200": "ok", "1.5": "b", "true": "c", "null": "d", "a": 2});
        assert_eq!(mapping(nodes), Ok(expected));
        assert_eq!(
            mapping(vec![json!([1]), json!("a")]),
            Err("mapping keys must be scalars")
        );
        assert!(mapping(vec![json!({"k": 1}), json!("a")]).is_err());
    }

    #[test]
    fn merge_keys_fill_in_only_what_the_mapping_does_not_set() {
        let merged = mapping(vec![
            json!("<<"),
            json!([{"a": 1, "b": 1}, {"b": 2, "c": 2}]),
            json!("a"),
            json!(0),
        ]);
        assert_eq!(merged, Ok(json!({"a": 0, "b": 1, "c": 2})));
        let single = mapping(vec![json!("<<"), json!({"x": 1}), json!("y"), json!(2)]);
        assert_eq!(single, Ok(json!({"y": 2, "x": 1})));
        assert!(mapping(vec![json!("<<"), json!(5)]).is_err());
        assert!(mapping(vec![json!("<<"), json!([{"x": 1}, "s"])]).is_err());
    }
}
