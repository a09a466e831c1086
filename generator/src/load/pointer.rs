//! JSON pointers (RFC 6901) in the `#/a/b` form OpenAPI uses.

use serde_json::Value;

/// Escapes one reference token.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `#/a/b` from `["a", "b"]`.
pub fn from_segments<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::from("#");
    for segment in segments {
        out.push('/');
        out.push_str(&escape(segment.as_ref()));
    }
    out
}

/// The unescaped tokens of a fragment such as `#/components/schemas/A` or
/// `/components/schemas/A`; `None` when it is not a JSON pointer.
pub fn segments(fragment: &str) -> Option<Vec<String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let rest = fragment.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| unescape(&percent_decode(s)))
            .collect(),
    )
}

/// Looks up `segments` in `value`.
pub fn resolve<'v>(value: &'v Value, segments: &[String]) -> Option<&'v Value> {
    segments
        .iter()
        .try_fold(value, |current, segment| match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// Fragments may be percent-encoded (`%7B` for `{`); decode what is valid.
fn percent_decode(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_owned();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_escaped_tokens() {
        let pointer = from_segments(&["paths", "/plans/{id}", "get"]);
        assert_eq!(pointer, "#/paths/~1plans~1{id}/get");
        assert_eq!(
            segments(&pointer).unwrap_or_default(),
            vec!["paths", "/plans/{id}", "get"]
        );
    }

    #[test]
    fn decodes_percent_encoding() {
        assert_eq!(
            segments("#/paths/~1a%7Bb%7D").unwrap_or_default(),
            vec!["paths", "/a{b}"]
        );
        assert_eq!(segments("components"), None);
    }
}
