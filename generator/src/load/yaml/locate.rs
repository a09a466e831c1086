//! The line of the document a JSON pointer points at, read from the parser's
//! events (which carry positions) rather than from the parsed value (which
//! does not). JSON documents are read the same way: JSON is YAML's flow
//! style. Used to show the source line of an error located by a pointer.

use granit_parser::Event;

use super::deep::parser;
use crate::load::pointer;

/// Where the next node of a collection goes.
enum Frame {
    /// A mapping: the key being read, or the key whose value comes next.
    Mapping { key: Option<String> },
    /// A sequence: the index of the next item.
    Sequence { index: usize },
}

/// The 1-based line of the node at `pointer` (`#/paths/~1pets/get`) in
/// `text`: of its key, for a member of a mapping. `None` when the text does
/// not parse up to it or has no such node.
pub fn line_of_pointer(text: &str, pointer: &str) -> Option<usize> {
    let wanted = pointer::segments(pointer)?;
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    for event in parser(text) {
        let (event, span) = event.ok()?;
        let line = span.start.line();
        match event {
            Event::Scalar(..) | Event::Alias(_) => {
                if let Some(Frame::Mapping { key: key @ None }) = frames.last_mut() {
                    // A key: the member it names starts here.
                    let name = match &event {
                        Event::Scalar(name, ..) => name.to_string(),
                        _ => String::new(),
                    };
                    path.push(name);
                    if path == wanted {
                        return Some(line);
                    }
                    *key = path.last().cloned();
                    continue;
                }
                if enter_value(&mut frames, &mut path) == wanted {
                    return Some(line);
                }
                leave_value(&mut frames, &mut path);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if enter_value(&mut frames, &mut path) == wanted {
                    return Some(line);
                }
                frames.push(match event {
                    Event::SequenceStart(..) => Frame::Sequence { index: 0 },
                    _ => Frame::Mapping { key: None },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                frames.pop();
                leave_value(&mut frames, &mut path);
            }
            _ => {}
        }
    }
    None
}

/// The path of the value about to be read: a mapping's value already has
/// its key on the path; a sequence's item gets its index.
fn enter_value<'p>(frames: &mut [Frame], path: &'p mut Vec<String>) -> &'p [String] {
    if let Some(Frame::Sequence { index }) = frames.last() {
        path.push(index.to_string());
    }
    path
}

/// After a value: its key or index leaves the path, and the collection
/// moves on to its next key or item.
fn leave_value(frames: &mut [Frame], path: &mut Vec<String>) {
    match frames.last_mut() {
        Some(Frame::Mapping { key }) => {
            *key = None;
            path.pop();
        }
        Some(Frame::Sequence { index }) => {
            *index += 1;
            path.pop();
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::line_of_pointer;

    const YAML: &str = "openapi: 3.0.3\n\
info:\n  title: T\n  version: '1'\n\
paths:\n  /pets/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - name: q\n          in: query\n";

    #[test]
    fn pointers_find_their_lines_in_yaml() {
        assert_eq!(line_of_pointer(YAML, "#/info/version"), Some(4));
        assert_eq!(line_of_pointer(YAML, "#/paths/~1pets~1{id}/get"), Some(7));
        assert_eq!(
            line_of_pointer(YAML, "#/paths/~1pets~1{id}/get/parameters/1/in"),
            Some(12)
        );
        assert_eq!(line_of_pointer(YAML, "#/paths/~1nothing"), None);
    }

    #[test]
    fn pointers_find_their_lines_in_json() {
        let json = "{\n  \"a\": [\n    {\"b\": 1},\n    {\n      \"c\": [true, false]\n    }\n  ],\n  \"d\": {}\n}\n";
        assert_eq!(line_of_pointer(json, "#/a/1/c"), Some(5));
        assert_eq!(line_of_pointer(json, "#/d"), Some(8));
        assert_eq!(line_of_pointer(json, "#/a/0/b"), Some(3));
    }
}
