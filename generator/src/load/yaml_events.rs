//! YAML nested deeper than serde_yaml's 128 levels, read from the events of
//! granit-parser (an iterative YAML 1.2 parser) into a JSON value with an
//! explicit stack, so that no depth of nesting recurses.
//!
//! The value is the one serde_yaml and [`super::yaml`]'s visitor would build
//! if they had no depth limit: scalars resolve by YAML 1.2's core schema as
//! serde_yaml resolves them (`null`, `~` and empty are null; `true`/`false`;
//! decimal, `0x`, `0o` and `0b` integers; floats, `.inf` and `.nan`; quoted
//! and block scalars are strings; `!!bool`, `!!int`, `!!float` and `!!null`
//! are checked), scalar keys become strings, `<<` merges mappings, aliases
//! repeat their anchor's node, and local tags (`!Tag`) are dropped.
//!
//! Documents may nest up to [`MAX_DEPTH`] levels (aliases included); a
//! deeper one is a located error, found before the rest of it is read.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Options, Parser, ScalarStyle, ScanError, Tag};
use serde_json::{Map, Number, Value};

use crate::load::yaml::{key_text, merge_into, YamlError, MERGE_KEY};
use crate::load::MAX_DEPTH;

/// Aliases may repeat at most this many times as many events as the
/// document has (serde_yaml's limit), which stops "billion laughs".
const REPETITION_LIMIT: usize = 100;

const CORE_NULL: &str = "tag:yaml.org,2002:null";
const CORE_BOOL: &str = "tag:yaml.org,2002:bool";
const CORE_INT: &str = "tag:yaml.org,2002:int";
const CORE_FLOAT: &str = "tag:yaml.org,2002:float";

/// The parser, with no nesting limits of its own: [`Builder`] enforces
/// [`MAX_DEPTH`] with a better message.
fn parser(text: &str) -> Parser<'_, granit_parser::StrInput<'_>> {
    let mut options = Options::default();
    options.flow_nesting_limit = usize::MAX;
    options.block_nesting_limit = usize::MAX;
    Parser::new_from_str_with_options(text, options)
}

/// Whether the text's sequences and mappings nest deeper than `limit`. Stops
/// reading there; a syntax error before that answers `false`.
pub fn nests_deeper_than(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    for event in parser(text) {
        let Ok((event, _)) = event else {
            return false;
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses YAML text (one document) into a JSON value, without recursion.
pub fn from_str(text: &str) -> Result<Value, YamlError> {
    Builder {
        parser: parser(text),
        events: Vec::new(),
        anchors: HashMap::new(),
        replays: Vec::new(),
        replayed: 0,
        stack: Vec::new(),
    }
    .run()
}

/// A sequence or mapping being built.
enum Frame {
    Sequence {
        items: Vec<Value>,
        start: Start,
    },
    Mapping {
        entries: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<String>,
        /// Values of `<<` keys, merged in when the mapping ends.
        merged: Vec<Value>,
        start: Start,
    },
}

/// Where a collection began: its event, anchor and position.
#[derive(Clone, Copy)]
struct Start {
    event: usize,
    anchor: usize,
    mark: Marker,
}

/// Events left to repeat for an alias: `next..=last` of the event log.
struct Replay {
    next: usize,
    last: usize,
}

struct Builder<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    /// Every event read, so that aliases can repeat their anchor's.
    events: Vec<(Event<'a>, Marker)>,
    /// Anchor id → the first and last event of its node.
    anchors: HashMap<usize, (usize, usize)>,
    /// Aliases being expanded, innermost last.
    replays: Vec<Replay>,
    /// Events repeated for aliases so far.
    replayed: usize,
    stack: Vec<Frame>,
}

/// What an event does to the value being built.
enum Step {
    Nothing,
    DocumentStart,
    Node(Value, usize),
    Open(Frame),
    Close,
    Alias(usize),
}

impl Builder<'_> {
    fn run(mut self) -> Result<Value, YamlError> {
        let mut root = None;
        let mut documents = 0;
        while let Some(index) = self.next_event()? {
            let mark = self.events[index].1;
            match self.step(index)? {
                Step::Nothing => {}
                Step::DocumentStart => {
                    documents += 1;
                    if documents > 1 {
                        return Err(located(
                            "deserializing from YAML containing more than one document is not supported",
                            mark,
                        ));
                    }
                }
                Step::Node(value, anchor) => {
                    if anchor != 0 {
                        self.anchors.insert(anchor, (index, index));
                    }
                    self.attach(value, &mut root)?;
                }
                Step::Open(frame) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(located(
                            &format!("nested deeper than {MAX_DEPTH} levels"),
                            mark,
                        ));
                    }
                    self.stack.push(frame);
                }
                Step::Close => {
                    let (value, start) = self.close(mark)?;
                    if start.anchor != 0 {
                        self.anchors.insert(start.anchor, (start.event, index));
                    }
                    self.attach(value, &mut root)?;
                }
                Step::Alias(anchor) => {
                    let Some(&(first, last)) = self.anchors.get(&anchor) else {
                        return Err(located(
                            "an alias refers to the node that contains it",
                            mark,
                        ));
                    };
                    self.replays.push(Replay { next: first, last });
                }
            }
        }
        root.ok_or_else(|| YamlError {
            line: None,
            message: "EOF while parsing a value".to_owned(),
        })
    }

    /// The next event, repeated for an alias or read: its index in the log.
    fn next_event(&mut self) -> Result<Option<usize>, YamlError> {
        while let Some(replay) = self.replays.last_mut() {
            if replay.next > replay.last {
                self.replays.pop();
                continue;
            }
            let index = replay.next;
            replay.next += 1;
            self.replayed += 1;
            if self.replayed > self.events.len().saturating_mul(REPETITION_LIMIT) {
                return Err(located(
                    "repetition limit exceeded (aliases repeat too much of the document)",
                    self.events[index].1,
                ));
            }
            return Ok(Some(index));
        }
        match self.parser.next_event() {
            None => Ok(None),
            Some(Err(e)) => Err(scan_error(&e)),
            Some(Ok((event, span))) => {
                self.events.push((event, span.start));
                Ok(Some(self.events.len() - 1))
            }
        }
    }

    fn step(&self, index: usize) -> Result<Step, YamlError> {
        let (event, mark) = &self.events[index];
        let start = |anchor: &usize| Start {
            event: index,
            anchor: *anchor,
            mark: *mark,
        };
        Ok(match event {
            Event::DocumentStart(..) => Step::DocumentStart,
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(text, *style, tag.as_deref())
                    .map_err(|message| located(&message, *mark))?;
                Step::Node(value, *anchor)
            }
            Event::SequenceStart(_, anchor, _) => Step::Open(Frame::Sequence {
                items: Vec::new(),
                start: start(anchor),
            }),
            Event::MappingStart(_, anchor, _) => Step::Open(Frame::Mapping {
                entries: Map::new(),
                key: None,
                merged: Vec::new(),
                start: start(anchor),
            }),
            Event::SequenceEnd | Event::MappingEnd => Step::Close,
            Event::Alias(anchor) => Step::Alias(*anchor),
            _ => Step::Nothing,
        })
    }

    /// Ends the innermost collection: its value and where it began.
    fn close(&mut self, mark: Marker) -> Result<(Value, Start), YamlError> {
        match self.stack.pop() {
            Some(Frame::Sequence { items, start }) => Ok((Value::Array(items), start)),
            Some(Frame::Mapping {
                mut entries,
                merged,
                start,
                ..
            }) => {
                for source in merged {
                    merge_into(&mut entries, source).map_err(|m| located(m, start.mark))?;
                }
                Ok((Value::Object(entries), start))
            }
            None => Err(located("unbalanced end of a collection", mark)),
        }
    }

    /// Puts a finished node into the collection being built, or makes it
    /// the document.
    fn attach(&mut self, value: Value, root: &mut Option<Value>) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => *root = Some(value),
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping {
                entries,
                key,
                merged,
                start,
            }) => match key.take() {
                None => {
                    let text = key_text(value).map_err(|m| located(m, start.mark))?;
                    *key = Some(text);
                }
                Some(name) if name == MERGE_KEY => merged.push(value),
                Some(name) => {
                    entries.insert(name, value);
                }
            },
        }
        Ok(())
    }
}

fn located(message: &str, mark: Marker) -> YamlError {
    YamlError {
        line: Some(mark.line()),
        message: format!(
            "{message} at line {} column {}",
            mark.line(),
            mark.col() + 1
        ),
    }
}

fn scan_error(error: &ScanError) -> YamlError {
    located(&error.info(), *error.marker())
}

/// A scalar's value, resolved as serde_yaml resolves it for a visitor that
/// accepts anything.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let plain = style == ScalarStyle::Plain;
    let Some(tag) = tag else {
        return if plain {
            untagged(text)
        } else {
            Ok(Value::String(text.to_owned()))
        };
    };
    let invalid = |expected: &str| format!("invalid value: string {text:?}, expected {expected}");
    let full = format!("{}{}", tag.handle(), tag.suffix());
    match full.as_str() {
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

/// An integer; beyond 64 bits only as a float, as the visitor takes them.
fn integer(text: &str) -> Option<Result<Value, String>> {
    if let Some(int) = parse_unsigned_int(text, u64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_negative_int(text, i64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_unsigned_int(text, u128::from_str_radix) {
        return Some(float(int as f64));
    }
    parse_negative_int(text, i128::from_str_radix).map(|int| float(int as f64))
}

fn float(value: f64) -> Result<Value, String> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| format!("number {value} cannot be represented in JSON"))
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

    /// serde_yaml's reading of `text`, through the visitor.
    fn serde_yaml_reads(text: &str) -> Option<Value> {
        use serde::Deserializer as _;
        serde_yaml::Deserializer::from_str(text)
            .deserialize_any(crate::load::yaml::JsonVisitor)
            .ok()
    }

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
            let read = from_str(&text).map_err(|e| e.message);
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
        let expected = {
            use serde::Deserializer as _;
            serde_yaml::Deserializer::from_str(text)
                .deserialize_any(crate::load::yaml::JsonVisitor)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(from_str(text).map_err(|e| e.message), Ok(expected));
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
            let error = from_str(text).expect_err(text);
            assert!(error.line.is_some(), "{text}: {}", error.message);
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_a_located_error() {
        let depth = MAX_DEPTH + 1;
        let text = format!("a:\n  b: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let error = from_str(&text).expect_err("too deep");
        assert_eq!(error.line, Some(2), "{}", error.message);
        assert!(
            error.message.contains("nested deeper than"),
            "{}",
            error.message
        );
    }

    #[test]
    fn aliases_repeat_their_anchor_within_bounds() {
        let text = "a: &a [1, [2, [3]]]\nb: [*a, *a]\n";
        assert_eq!(
            from_str(text).ok(),
            Some(json!({"a": [1, [2, [3]]], "b": [[1, [2, [3]]], [1, [2, [3]]]]}))
        );
        // Each level doubles the one before: 2^40 values from 40 lines.
        let mut laughs = String::from("l0: &l0 [x, x]\n");
        for i in 1..40 {
            laughs.push_str(&format!("l{i}: &l{i} [*l{}, *l{}]\n", i - 1, i - 1));
        }
        let error = from_str(&laughs).expect_err("refused");
        assert!(
            error.message.contains("repetition limit"),
            "{}",
            error.message
        );
        // An alias inside the node it names.
        assert!(from_str("a: &a [*a]\n").is_err());
    }
}
