//! Decoding JSON into the models, in one way only.
//!
//! Serde's derived code is generic over the deserializer, so every reader
//! a model is decoded with compiles that model's code (and that of every
//! type inside it) once more: that code is most of a generated crate's
//! machine code. Every JSON text, a response body or the text of a union's
//! variant, is therefore read by serde_json's slice reader wrapped in the
//! path tracker, so that a failure names the value that did not fit, and by
//! nothing else.

use serde::de::{DeserializeOwned, Error as _};

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

/// Decodes `T` from JSON text, tracking the path to report a failure.
pub(crate) fn from_slice<T: DeserializeOwned>(text: &[u8]) -> Result<T, Failure> {
    let mut reader = serde_json::Deserializer::from_slice(text);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| Failure {
        path: e.path().to_string(),
        error: e.into_inner(),
    })?;
    finish(reader)?;
    Ok(value)
}

/// Refuses text after the value, as `serde_json::from_slice` does.
fn finish(
    mut reader: serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
) -> Result<(), Failure> {
    reader.end().map_err(|error| Failure {
        path: String::new(),
        error,
    })
}

/// Decodes `T` from JSON text, or `None` when it is not a `T`.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_slice(text.as_bytes()).ok()
}

/// Decodes `T` from JSON text inside a value being decoded (a union's
/// variant); a failure becomes the outer decoder's error.
pub(crate) fn from_text<T: DeserializeOwned, E: serde::de::Error>(text: &str) -> Result<T, E> {
    from_slice(text.as_bytes()).map_err(E::custom)
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
