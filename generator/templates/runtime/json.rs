//! Decoding JSON into the models, in one way only.
//!
//! Serde's derived code is generic over the deserializer, so every reader
//! a model is decoded with compiles that model's code (and that of every
//! type inside it) once more: that code is most of a generated crate's
//! machine code. Every JSON text, a response body or the text of a union's
//! variant, is therefore read by serde_json's slice reader alone. A
//! failure is located afterwards: serde_json says at which line and column
//! it stopped, and [`path_at`] reads the text up to there to name the value
//! (`results[1].name`). A path tracker wrapping the reader would name it
//! too, but costs an allocation per member of every body that decodes, and
//! compiles every model's code for its own reader.

use serde::de::DeserializeOwned;

/// A JSON text that did not decode: where, and why.
#[derive(Debug)]
pub(crate) struct Failure {
    /// The path of the value that did not fit (`results[0].name`), `.`
    /// for the document itself.
    pub(crate) path: String,
    pub(crate) error: serde_json::Error,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The document itself is `.`: nothing to add to the message.
        if self.path.is_empty() || self.path == "." {
            return write!(f, "{}", self.error);
        }
        write!(f, "at `{}`: {}", self.path, self.error)
    }
}

/// serde_json's reader of a JSON text in memory.
pub(crate) type Reader<'a> = serde_json::Deserializer<serde_json::de::SliceRead<'a>>;

/// Where a JSON document is decoded to: an `Option` of the decoded type.
/// Its methods are the one part of decoding compiled per type; the
/// reader's setup, its end and a failure's location are not generic
/// (`read`), nor is a response's choice of text (`RawResponse::read_json`).
pub(crate) trait Place {
    /// Decodes a value from the reader into the place.
    fn decode(&mut self, reader: &mut Reader<'_>) -> Result<(), serde_json::Error>;

    /// Empties the place: the text went on after the value.
    fn clear(&mut self);
}

impl<T: DeserializeOwned> Place for Option<T> {
    fn decode(&mut self, reader: &mut Reader<'_>) -> Result<(), serde_json::Error> {
        // A `match`, not `?`: no copy of `?`'s conversions per type.
        match T::deserialize(reader) {
            Ok(value) => {
                *self = Some(value);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    fn clear(&mut self) {
        *self = None;
    }
}

/// Decodes the JSON text into `place`, which stays empty when it fails;
/// why it failed, naming the value that did not fit. The reader is set up
/// and finished here rather than by `serde_json::from_slice`, whose own
/// generic wrapper would be compiled once more per decoded type.
pub(crate) fn read(text: &[u8], place: &mut dyn Place) -> Option<Failure> {
    let mut reader = serde_json::Deserializer::from_slice(text);
    let error = match place.decode(&mut reader) {
        Ok(()) => match reader.end() {
            Ok(()) => return None,
            Err(error) => {
                place.clear();
                error
            }
        },
        Err(error) => error,
    };
    Some(Failure::new(text, error))
}

/// Decodes `T` from JSON text; a failure names the value that did not fit.
pub(crate) fn from_slice<T: DeserializeOwned>(text: &[u8]) -> Result<T, Failure> {
    let mut value = None;
    let failure = read(text, &mut value);
    match value {
        Some(value) => Ok(value),
        None => Err(Failure::or_unread(failure)),
    }
}

impl Failure {
    /// Not generic (nor is `read`'s use of it a closure), so compiled
    /// once, not once per decoded type.
    fn new(text: &[u8], error: serde_json::Error) -> Self {
        Failure {
            path: path_at(text, &error),
            error,
        }
    }

    /// The failure `read` gave for a place it left unset. `read` leaves
    /// one unset only when it fails, so the stand-in is never used.
    pub(crate) fn or_unread(failure: Option<Failure>) -> Self {
        match failure {
            Some(failure) => failure,
            None => Failure {
                path: ".".to_owned(),
                error: serde::de::Error::custom("the JSON text was not decoded"),
            },
        }
    }
}

/// The path of the value serde_json was reading when it failed: `.` for
/// the document, else keys and indexes (`results[1].name`). An error
/// inside an object that has ended (a missing field) names the object.
fn path_at(text: &[u8], error: &serde_json::Error) -> String {
    let Some(end) = offset_of(text, error.line(), error.column()) else {
        return ".".to_owned();
    };
    let mut scan = Scan::default();
    let mut at = 0;
    while at < end {
        at = scan.step(text, at);
    }
    scan.path()
}

/// The byte offset of a 1-based line and a column counted in bytes.
fn offset_of(text: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        text.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map(|(at, _)| at + 1)?
    };
    Some((line_start + column).min(text.len()))
}

/// Where a reading of JSON text stands: the containers it is in, each with
/// the key or index of the value being read in it.
#[derive(Default)]
struct Scan {
    frames: Vec<Frame>,
}

enum Frame {
    /// In an object: the last key read, if any.
    Object(Option<String>),
    /// In an array: the index of the current item.
    Array(usize),
}

impl Scan {
    /// Reads one token at `at`; returns where the next one starts.
    fn step(&mut self, text: &[u8], at: usize) -> usize {
        match text[at] {
            b'{' => self.frames.push(Frame::Object(None)),
            b'[' => self.frames.push(Frame::Array(0)),
            b'}' | b']' => {
                self.frames.pop();
            }
            b',' => {
                if let Some(Frame::Array(index)) = self.frames.last_mut() {
                    *index += 1;
                }
            }
            b'"' => return self.string(text, at),
            _ => {}
        }
        at + 1
    }

    /// Skips a string; in an object, one followed by `:` is a key.
    fn string(&mut self, text: &[u8], start: usize) -> usize {
        let mut at = start + 1;
        while at < text.len() && text[at] != b'"' {
            at += if text[at] == b'\\' { 2 } else { 1 };
        }
        let end = (at + 1).min(text.len());
        let rest = text[end..].iter().find(|b| !b.is_ascii_whitespace());
        if let (Some(b':'), Some(Frame::Object(key))) = (rest, self.frames.last_mut()) {
            let raw = String::from_utf8_lossy(&text[start..end]);
            *key = Some(serde_json::from_str(&raw).unwrap_or_else(|_| raw.into_owned()));
        }
        end
    }

    fn path(&self) -> String {
        let mut path = String::new();
        for frame in &self.frames {
            match frame {
                Frame::Object(Some(key)) if path.is_empty() => path.push_str(key),
                Frame::Object(Some(key)) => {
                    path.push('.');
                    path.push_str(key);
                }
                Frame::Object(None) => {}
                Frame::Array(index) => path.push_str(&format!("[{index}]")),
            }
        }
        if path.is_empty() {
            path.push('.');
        }
        path
    }
}

/// Decodes `T` from JSON text, or `None` when it is not a `T`.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut value = None;
    // A failure is only that it is not a `T`: the place stays unset.
    let _ = read(text.as_bytes(), &mut value);
    value
}

/// Decodes `T` from JSON text inside a value being decoded (a union's
/// variant); a failure becomes the outer decoder's error.
pub(crate) fn from_text<T: DeserializeOwned, E: serde::de::Error>(text: &str) -> Result<T, E> {
    let mut value = None;
    let failure = read(text.as_bytes(), &mut value);
    match value {
        Some(value) => Ok(value),
        None => Err(E::custom(Failure::or_unread(failure))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Page {
        results: Vec<Item>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Item {
        name: String,
    }

    #[test]
    fn a_failure_names_the_path_and_the_reason() {
        let text = br#"{"results": [{"name": "a"}, {"name": 7}]}"#;
        let failure = from_slice::<Page>(text).unwrap_err();
        assert_eq!(failure.path, "results[1].name");
        assert!(failure
            .error
            .to_string()
            .contains("invalid type: integer `7`"));
    }

    #[derive(Debug, serde::Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        list: Vec<u8>,
        #[allow(dead_code)]
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        id: u8,
    }

    #[test]
    fn the_path_is_read_from_where_the_reader_stopped() {
        let cases: [(&[u8], &str); 5] = [
            (br#"{"list": [1, 2, "x"], "inner": {"id": 1}}"#, "list[2]"),
            // A missing field is found at the end of its object.
            (b"{\n  \"list\": [],\n  \"inner\": {}\n}", "inner"),
            (br#"{"li\u0073t": [], "inner": {"id": "one"}}"#, "inner.id"),
            (br#"{"list": [], "inner": {"id": 1}, "list": 2}"#, "list"),
            (b"[]", "."),
        ];
        for (text, path) in cases {
            let failure = from_slice::<Outer>(text).unwrap_err();
            assert_eq!(failure.path, path, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn values_decode_and_trailing_text_is_refused() {
        let page = Page {
            results: vec![Item { name: "a".into() }],
        };
        let text = serde_json::to_vec(&page).unwrap();
        assert_eq!(from_slice::<Page>(&text).unwrap(), page);
        assert!(from_slice::<Page>(br#"{"results": []} x"#).is_err());
    }

    #[test]
    fn raw_values_keep_their_text() {
        let raw: Box<serde_json::value::RawValue> = from_slice(b"1.000000000000000000001").unwrap();
        assert_eq!(raw.get(), "1.000000000000000000001");
    }
}
