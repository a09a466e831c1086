//! YAML nested deeper than serde_yaml's 128 levels, read from the events of
//! granit-parser (an iterative YAML 1.2 parser) into a JSON value with an
//! explicit stack, so that no depth of nesting recurses.
//!
//! The value is the one serde_yaml and [`super::shallow`]'s visitor would
//! build if they had no depth limit: scalars, numbers, keys and merge keys
//! follow [`super::rules`], as the visitor's do; aliases repeat their
//! anchor's node.
//!
//! Documents may nest up to [`MAX_DEPTH`] levels (aliases included); a
//! deeper one is a located error, found before the rest of it is read.

use std::collections::HashMap;

use granit_parser::{Event, Marker, Options, Parser, ScalarStyle, ScanError, Tag};
use serde_json::Value;

use super::error::YamlError;
use super::rules::{self, Mapping};
use crate::load::MAX_DEPTH;

/// Aliases may repeat at most this many times as many events as the
/// document has (serde_yaml's limit), which stops "billion laughs".
const REPETITION_LIMIT: usize = 100;

/// The parser, with no nesting limits of its own: [`Builder`] enforces
/// [`MAX_DEPTH`] with a better message.
pub(super) fn parser(text: &str) -> Parser<'_, granit_parser::StrInput<'_>> {
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
    Sequence { items: Vec<Value>, start: Start },
    Mapping { mapping: Mapping, start: Start },
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
                mapping: Mapping::default(),
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
            Some(Frame::Mapping { mapping, start }) => {
                let value = mapping.finish().map_err(|m| located(m, start.mark))?;
                Ok((value, start))
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
            Some(Frame::Mapping { mapping, start }) => {
                mapping.push(value).map_err(|m| located(m, start.mark))?;
            }
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

/// A scalar event's value, by the shared rules: a tag is passed whole
/// (`tag:yaml.org,2002:int`, `!Local`).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let tag = tag.map(|tag| format!("{}{}", tag.handle(), tag.suffix()));
    rules::scalar(text, style == ScalarStyle::Plain, tag.as_deref())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

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
