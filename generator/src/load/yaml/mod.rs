//! YAML straight into JSON values, on one reading path.
//!
//! [`shallow`] reads documents with serde_yaml; [`deep`] reads, from
//! granit-parser's events and without recursion, those nested deeper than
//! serde_yaml's 128 levels. Both build values by [`rules`] (scalars,
//! integers beyond 64 bits, non-string keys, merge keys, tags), so a
//! document reads the same whichever path takes it; this module only
//! chooses the path.

mod deep;
mod error;
mod locate;
mod rules;
mod shallow;

use serde_json::Value;

pub use error::YamlError;
pub use locate::line_of_pointer;
use shallow::NotRead;

/// Parses YAML text into a JSON value.
///
/// serde_yaml reads every document nested at most [`shallow::DEPTH_LIMIT`]
/// levels deep. Deeper ones go to [`deep`] (which takes up to
/// [`crate::load::MAX_DEPTH`] levels): straight away when a first look finds
/// them deep, since serde_yaml's parser slows down quadratically with the
/// depth of flow collections and keeps every event of a document in memory;
/// otherwise when serde_yaml gives up on them.
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    if may_nest_deeper_than(text, shallow::DEPTH_LIMIT)
        && deep::nests_deeper_than(text, shallow::DEPTH_LIMIT)
    {
        return deep::from_str(text);
    }
    match shallow::from_str(text) {
        Ok(value) => Ok(value),
        Err(NotRead::TooDeep) => deep::from_str(text),
        Err(NotRead::Invalid(error)) => Err(error),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_yaml's reading of `text`, through the visitor.
    fn serde_yaml_reads(text: &str) -> Option<Value> {
        shallow::from_str(text).ok()
    }

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

    // The event reader for deep documents reads every document as serde_yaml
    // does.

    #[test]
    fn every_yaml_document_reads_as_serde_yaml_reads_it() {
        let mut compared = 0;
        for path in crate::load::read::repository_spec_files() {
            if path.extension().is_some_and(|e| e == "json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Some(expected) = serde_yaml_reads(&text) else {
                continue;
            };
            let read = deep::from_str(&text).map_err(|e| e.message);
            assert_eq!(read, Ok(expected), "{}", path.display());
            compared += 1;
        }
        assert!(compared > 100, "only {compared} documents compared");
    }

    #[test]
    fn scalars_resolve_as_serde_yaml_resolves_them() {
        let text = r#"
plain: [~, null, Null, NULL, "", true, True, FALSE, 0, 12, -12, +12, 0x1F, 0o17, 0b101, -0x1F,
  007, -007, 1.5, -1.5e3, .5, +.5, 1e400, 18446744073709551616, -9223372036854775809,
  0x, 0xZZ, yes, no, on, 1_000, 12:30, "12", '12', 2001-12-14, .inf5]
tagged: [!!str 12, !!int "12", !!float "1.5", !!bool "true", !!null ~, !Local 12, !Local "12",
  !!binary aGk=, ! 12, !<tag:yaml.org,2002:int> 7]
keys: {1: a, 1.5: b, true: c, null: d, 0x10: e, "<<": {f: 1}, g: 2}
block: |
  line
folded: >
  a
  b
anchors: {a: &x {k: [1, 2]}, b: *x, c: {<<: *x, k: 3}, d: {<<: [*x, {z: 1}]}}
"#;
        let expected = serde_yaml_reads(text);
        assert!(expected.is_some(), "serde_yaml refuses the table");
        assert_eq!(deep::from_str(text).ok(), expected);
    }

    #[test]
    fn what_serde_yaml_refuses_is_refused() {
        for text in [
            "a: .inf\n",
            "a: .nan\n",
            "a: !!int x\n",
            "a: !!bool yes\n",
            "a: !!float x\n",
            "a: !!null x\n",
            "a: !!null \"\"\n",
            "{[1]: a}\n",
            "a: {<<: 5}\n",
            "a: *missing\n",
            "a: [\n",
            "--- 1\n--- 2\n",
        ] {
            assert_eq!(serde_yaml_reads(text), None, "{text}");
            let error = deep::from_str(text).expect_err(text);
            assert!(error.line.is_some(), "{text}: {}", error.message);
        }
    }
}
