//! Files and `multipart/form-data` bodies.
//!
//! A multipart body is encoded into bytes before it is sent, so it can be
//! retried and its length is known. Fields holding files (`format: binary`)
//! become file parts; every other field becomes text parts: strings,
//! numbers and booleans as their text, one part per item for arrays, and
//! objects as JSON with `Content-Type: application/json`. A field that is
//! `None` (absent or null) sends no part. `format: byte` strings are base64
//! text and are sent as text parts. A file part can instead be sent from a
//! stream (`Call::file_stream`, where the API has multipart files); the
//! body is then read as it is sent, and is not retried unless replayable.

use std::borrow::Cow;
use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::call::{Call, Operation};

/// The content of a file (a `format: binary` field), with the file name and
/// media type its part is sent with.
///
/// ```
/// use __CRATE__::FilePart;
///
/// let report = FilePart::new(b"%PDF-1.7 ...".as_slice())
///     .with_name("report.pdf")
///     .with_content_type("application/pdf");
/// assert_eq!(report.bytes.len(), 12);
///
/// // Anything that converts into `Bytes` is a file without a name.
/// let notes = FilePart::from(String::from("a text file").into_bytes());
/// assert_eq!(notes.name, None);
/// ```
///
/// In JSON, where a binary string can only be text, the content is read
/// and written as a string (invalid UTF-8 replaced when writing).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    /// File name sent in the part's `Content-Disposition`; without one the
    /// part's name is used, since servers tell files from text by it.
    pub name: Option<String>,
    /// Media type of the part; `application/octet-stream` when unset.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Bytes,
}

impl FilePart {
    /// A file with this content, without a name or media type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            name: None,
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the file name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    // The content can be large and binary: only its length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::new(bytes)
    }
}

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| FilePart::new(text.into_bytes()))
    }
}

/// Values holding files: a file, or a list, option or box of them.
pub(crate) trait Files {
    /// Calls `visit` with each file, in order.
    fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a FilePart));
}

impl Files for FilePart {
    fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a FilePart)) {
        visit(self);
    }
}

impl<T: Files> Files for Option<T> {
    fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a FilePart)) {
        if let Some(inner) = self {
            inner.each_file(visit);
        }
    }
}

impl<T: Files> Files for Vec<T> {
    fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a FilePart)) {
        for item in self {
            item.each_file(visit);
        }
    }
}

impl<T: Files> Files for Box<T> {
    fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a FilePart)) {
        self.as_ref().each_file(visit);
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A multipart body being assembled by the generated code, field by field.
#[derive(Debug, Default, Clone)]
pub(crate) struct Multipart {
    parts: Vec<Part>,
    /// The first value that could not be encoded.
    error: Option<String>,
}

impl Multipart {
    /// An empty body.
    pub(crate) fn new() -> Self {
        Multipart::default()
    }

    /// One file part per file in `value`.
    pub(crate) fn file(mut self, name: &str, value: &impl Files) -> Self {
        value.each_file(&mut |file| {
            self.parts.push(Part {
                name: name.to_owned(),
                file_name: Some(file.name.clone().unwrap_or_else(|| name.to_owned())),
                content_type: Some(
                    file.content_type
                        .clone()
                        .unwrap_or_else(|| "application/octet-stream".to_owned()),
                ),
                data: file.bytes.clone(),
            });
        });
        self
    }

    /// Text or JSON parts for a value that is not a file.
    pub(crate) fn value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match super::encoding::json_value(value) {
            Ok(value) => self.push_value(name, &value),
            Err(e) => self.fail(format!("part `{name}` cannot be encoded: {e}")),
        }
        self
    }

    /// One `value` part per member of a map (or object).
    pub(crate) fn members<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match super::encoding::json_value(value) {
            Ok(Value::Object(members)) => {
                for (name, inner) in &members {
                    self.push_value(name, inner);
                }
            }
            Ok(_) => self.fail("a multipart body must be an object".to_owned()),
            Err(e) => self.fail(format!("the multipart body cannot be encoded: {e}")),
        }
        self
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    fn push_value(&mut self, name: &str, value: &Value) {
        let (data, content_type) = match value {
            Value::Null => return,
            Value::Array(items) => {
                for item in items {
                    self.push_value(name, item);
                }
                return;
            }
            Value::String(text) => (text.clone(), None),
            Value::Bool(_) | Value::Number(_) => (value.to_string(), None),
            Value::Object(_) => (value.to_string(), Some("application/json".to_owned())),
        };
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: None,
            content_type,
            data: Bytes::from(data),
        });
    }

    /// The encoded body and its `Content-Type` (`media_type` with the
    /// boundary).
    pub(crate) fn encode(self, media_type: &str) -> Result<(Bytes, String), String> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let boundary = boundary(&self.parts);
        let mut out = BytesMut::new();
        self.write_parts(&mut out, &boundary, None);
        Ok((out.freeze(), format!("{media_type}; boundary={boundary}")))
    }

    /// The body around the content of the first file part named `name`,
    /// which a stream will fill: the bytes before it, the bytes after it,
    /// and the `Content-Type`. The boundary cannot be checked against
    /// content not read yet, so it is random (and checked against the
    /// other parts).
    pub(crate) fn split_at_file(
        &self,
        name: &str,
        media_type: &str,
    ) -> Result<(Bytes, Bytes, String), String> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let Some(index) = self
            .parts
            .iter()
            .position(|part| part.name == name && part.file_name.is_some())
        else {
            return Err(format!("the multipart body has no file part `{name}`"));
        };
        let boundary = random_boundary(&self.parts);
        let mut before = BytesMut::new();
        let after = self.write_parts(&mut before, &boundary, Some(index));
        let content_type = format!("{media_type}; boundary={boundary}");
        Ok((before.freeze(), after.freeze(), content_type))
    }

    /// Writes the parts into `out`; when `gap` names a part, its content is
    /// left out and what follows it is written into the returned buffer.
    fn write_parts(&self, out: &mut BytesMut, boundary: &str, gap: Option<usize>) -> BytesMut {
        let mut rest = BytesMut::new();
        let mut target = out;
        for (index, part) in self.parts.iter().enumerate() {
            target.put_slice(format!("--{boundary}\r\n").as_bytes());
            target.put_slice(part_headers(part).as_bytes());
            target.put_slice(b"\r\n");
            if gap == Some(index) {
                target = &mut rest;
            } else {
                target.put_slice(&part.data);
            }
            target.put_slice(b"\r\n");
        }
        target.put_slice(format!("--{boundary}--\r\n").as_bytes());
        rest
    }
}

fn part_headers(part: &Part) -> String {
    let mut headers = format!(
        "Content-Disposition: form-data; name=\"{}\"",
        quoted(&part.name)
    );
    if let Some(file_name) = &part.file_name {
        headers.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
    }
    headers.push_str("\r\n");
    if let Some(content_type) = &part.content_type {
        // A media type with a line break would end the part's headers.
        let content_type: String = content_type.chars().filter(|c| !c.is_control()).collect();
        headers.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    headers
}

/// A name inside a quoted header parameter, escaped as browsers do.
fn quoted(name: &str) -> Cow<'_, str> {
    if !name.contains(['"', '\r', '\n']) {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.replace('"', "%22")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// A boundary that occurs in no part. Deterministic, so that equal bodies
/// encode to equal bytes; another is tried in the unlikely case the content
/// holds it.
fn boundary(parts: &[Part]) -> String {
    let mut attempt: u64 = 0;
    loop {
        let candidate = format!("----openapi-rust-gen-boundary-{attempt:016x}");
        let clashes = parts.iter().any(|part| {
            part.data
                .windows(candidate.len())
                .any(|window| window == candidate.as_bytes())
        });
        if !clashes {
            return candidate;
        }
        attempt += 1;
    }
}

/// A boundary no one can predict, which occurs in no part held in memory:
/// for bodies with content streamed in later.
fn random_boundary(parts: &[Part]) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::BuildHasher;
    loop {
        // Each `RandomState` has keys of its own: two of them make 128
        // random bits, without a dependency for it.
        let (a, b) = (RandomState::new(), RandomState::new());
        let candidate = format!(
            "----openapi-rust-gen-{:016x}{:016x}",
            a.hash_one(parts.len()),
            b.hash_one(parts.len())
        );
        let clashes = parts.iter().any(|part| {
            part.data
                .windows(candidate.len())
                .any(|window| window == candidate.as_bytes())
        });
        if !clashes {
            return candidate;
        }
    }
}

impl<Op: Operation> Call<'_, Op> {
    /// Sets a multipart body of the given media type (`multipart/form-data`),
    /// keeping its parts so that a file part can be streamed instead.
    pub(crate) fn multipart_body(self, body: Multipart, media_type: &'static str) -> Self {
        let encoded = body
            .clone()
            .encode(media_type)
            .map(|(bytes, content_type)| (bytes, Cow::Owned(content_type)));
        self.encoded_body(encoded).keep_parts((body, media_type))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(multipart: Multipart) -> (String, String) {
        let (bytes, content_type) = multipart.encode("multipart/form-data").unwrap();
        (String::from_utf8_lossy(&bytes).into_owned(), content_type)
    }

    #[test]
    fn files_text_and_json_parts() {
        let file = FilePart::new(b"PNG".as_slice())
            .with_name("a.png")
            .with_content_type("image/png");
        let (body, content_type) = text(
            Multipart::new()
                .file("image", &Some(file))
                .value("title", "Hi")
                .value("tags", &["x", "y"])
                .value("meta", &serde_json::json!({"k": 1}))
                .value("skipped", &None::<String>),
        );
        let boundary = "----openapi-rust-gen-boundary-0000000000000000";
        assert_eq!(
            content_type,
            format!("multipart/form-data; boundary={boundary}")
        );
        assert_eq!(
            body,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHi\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n\
                 --{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn the_boundary_avoids_the_content() {
        let clash = "----openapi-rust-gen-boundary-0000000000000000";
        let (_, content_type) = text(Multipart::new().value("a", clash));
        assert!(content_type.ends_with("boundary=----openapi-rust-gen-boundary-0000000000000001"));
    }

    #[test]
    fn names_are_escaped_and_files_named() {
        let (body, _) = text(Multipart::new().file("up\"load", &FilePart::new(Vec::new())));
        assert!(body.contains("name=\"up%22load\"; filename=\"up%22load\""));
        assert!(body.contains("Content-Type: application/octet-stream"));
    }

    #[test]
    fn members_of_a_map_and_non_objects() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("a", 1);
        let (body, _) = text(Multipart::new().members(&map));
        assert!(body.contains("name=\"a\"\r\n\r\n1\r\n"));
        assert!(Multipart::new()
            .members(&[1])
            .encode("multipart/form-data")
            .is_err());
    }

    #[test]
    fn file_parts_read_and_write_json_as_text() {
        let file: FilePart = serde_json::from_str("\"hello\"").unwrap();
        assert_eq!(file.bytes, Bytes::from_static(b"hello"));
        assert_eq!(serde_json::to_string(&file).unwrap(), "\"hello\"");
    }
}
