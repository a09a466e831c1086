//! Structured values in query strings, form bodies and other parameters. Values are first
//! turned into JSON values ([`json_value`]), so every generated type is
//! encoded the same way its JSON form reads, then flattened into
//! `name=value` pairs:
//!
//! - `null` becomes an empty value (`name=`): a field that is absent is
//!   left out by serde already, so a `null` left here was meant to be sent;
//! - strings, numbers and booleans are their text;
//! - in form bodies and `style: deepObject` query parameters, an object's
//!   members become `name[member]=value`, nested as deep as the object is
//!   (`name[a][b]=value`), and an array of scalars becomes one pair per
//!   item under the same key (`tag=a&tag=b`); an array holding objects or
//!   arrays numbers its items instead (`name[0][member]=value`), since
//!   repeated keys could not say which member belongs to which item;
//! - in `style: form` query parameters, the shape OpenAPI describes:
//!   `name=value` for scalars, `name=a&name=b` or `name=a,b` for arrays and
//!   `k1=v1&k2=v2` or `name=k1,v1,k2,v2` for objects (exploded or not);
//!   values that have no form of their own there (an object inside an
//!   object) are sent as JSON text.
//! - in paths, headers and cookies (`style: simple`): scalars as text,
//!   arrays as `a,b`, objects as `k1,v1,k2,v2` (`k1=v1,k2=v2` exploded).
//!
//! Object members come in the order `serde_json` keeps them: alphabetical,
//! or as declared when its `preserve_order` feature is on. Neither forms nor
//! query strings give the order a meaning.

use serde_json::Value;

/// `value`'s JSON value, read back from its JSON text. Not
/// `serde_json::to_value`: that is a serializer of its own (two, with the
/// one for raw values), and every model's `Serialize`, with the code of
/// every type it holds, would be compiled once more for each. The text is
/// written by the serializer request bodies use.
pub(crate) fn json_value<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Value> {
    let text = serde_json::to_vec(value)?;
    serde_json::from_slice(&text)
}

/// A `name=value` pair, not yet percent-encoded.
pub(crate) type Pair = (String, String);

/// The text of a scalar (`null` as empty text); `None` for arrays and
/// objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A scalar's text, or the JSON text of anything else.
fn text_or_json(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| value.to_string())
}

/// Pairs for `value` under `key`, with objects as `key[member]` and arrays
/// as repeated keys (see the module documentation).
fn flatten(key: &str, value: &Value, out: &mut Vec<Pair>) {
    match value {
        Value::Object(members) => {
            for (member, inner) in members {
                flatten(&format!("{key}[{member}]"), inner, out);
            }
        }
        Value::Array(items) => {
            let nested = items
                .iter()
                .any(|item| matches!(item, Value::Array(_) | Value::Object(_)));
            for (index, item) in items.iter().enumerate() {
                if nested {
                    flatten(&format!("{key}[{index}]"), item, out);
                } else {
                    flatten(key, item, out);
                }
            }
        }
        scalar => out.push((key.to_owned(), text_or_json(scalar))),
    }
}

/// Pairs of a `style: deepObject` query parameter.
pub(crate) fn deep_object_pairs(name: &str, value: &Value) -> Vec<Pair> {
    let mut out = Vec::new();
    flatten(name, value, &mut out);
    out
}

/// Pairs of a `style: form` query parameter of any shape.
pub(crate) fn form_pairs(name: &str, value: &Value, explode: bool) -> Vec<Pair> {
    match (value, explode) {
        (Value::Array(items), true) => items
            .iter()
            .map(|item| (name.to_owned(), text_or_json(item)))
            .collect(),
        (Value::Array(items), false) => {
            let texts: Vec<String> = items.iter().map(text_or_json).collect();
            vec![(name.to_owned(), texts.join(","))]
        }
        (Value::Object(members), true) => members
            .iter()
            .flat_map(|(member, inner)| match inner {
                // An exploded object's array members repeat their key.
                Value::Array(_) => form_pairs(member, inner, true),
                _ => vec![(member.clone(), text_or_json(inner))],
            })
            .collect(),
        (Value::Object(members), false) => {
            let texts: Vec<String> = members
                .iter()
                .flat_map(|(member, inner)| [member.clone(), text_or_json(inner)])
                .collect();
            vec![(name.to_owned(), texts.join(","))]
        }
        (scalar, _) => vec![(name.to_owned(), text_or_json(scalar))],
    }
}

/// A value in `style: simple` (paths, headers, cookies): see
/// `serde_support::simple_text`.
pub(crate) fn simple_text(value: &Value, explode: bool) -> String {
    match value {
        Value::Array(items) => items.iter().map(text_or_json).collect::<Vec<_>>().join(","),
        Value::Object(members) => {
            let separator = if explode { "=" } else { "," };
            members
                .iter()
                .map(|(member, inner)| format!("{member}{separator}{}", text_or_json(inner)))
                .collect::<Vec<_>>()
                .join(",")
        }
        scalar => text_or_json(scalar),
    }
}

/// Pairs of an `application/x-www-form-urlencoded` body, which must be an
/// object.
pub(crate) fn form_body_pairs(value: &Value) -> Result<Vec<Pair>, String> {
    let Value::Object(members) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut out = Vec::new();
    for (member, inner) in members {
        flatten(member, inner, &mut out);
    }
    Ok(out)
}

/// Pairs as `application/x-www-form-urlencoded` text: `*-._` and ASCII
/// letters and digits as they are, spaces as `+`, every other byte
/// percent-encoded.
pub(crate) fn form_urlencoded(pairs: &[Pair]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", form_component(name), form_component(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn form_component(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const FORM: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'*')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    // A literal "%20" in the text is encoded as "%2520", so only spaces
    // turn into "+".
    utf8_percent_encode(text, FORM)
        .to_string()
        .replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<Pair> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn deep_object_nests_members_and_repeats_array_keys() {
        // Members in alphabetical order read the same whether or not
        // serde_json keeps insertion order.
        let value = json!({"range": {"gte": 1, "lt": 5}, "status": "active", "tags": ["a", "b"]});
        assert_eq!(
            deep_object_pairs("filter", &value),
            pairs(&[
                ("filter[range][gte]", "1"),
                ("filter[range][lt]", "5"),
                ("filter[status]", "active"),
                ("filter[tags]", "a"),
                ("filter[tags]", "b"),
            ])
        );
    }

    #[test]
    fn arrays_of_objects_number_their_items() {
        let value = json!({"items": [{"id": 1}, {"id": 2}]});
        assert_eq!(
            form_body_pairs(&value),
            Ok(pairs(&[("items[0][id]", "1"), ("items[1][id]", "2")]))
        );
    }

    #[test]
    fn null_is_an_empty_value() {
        assert_eq!(
            form_body_pairs(&json!({"n": 1.5, "note": null, "ok": true})),
            Ok(pairs(&[("n", "1.5"), ("note", ""), ("ok", "true")]))
        );
    }

    #[test]
    fn form_bodies_must_be_objects() {
        assert!(form_body_pairs(&json!([1, 2])).is_err());
    }

    #[test]
    fn form_style_explodes_objects_into_their_members() {
        let value = json!({"color": "red", "meta": {"a": 1}, "sizes": [1, 2]});
        assert_eq!(
            form_pairs("q", &value, true),
            pairs(&[
                ("color", "red"),
                ("meta", r#"{"a":1}"#),
                ("sizes", "1"),
                ("sizes", "2"),
            ])
        );
        assert_eq!(
            form_pairs("q", &json!({"color": "red", "size": 3}), false),
            pairs(&[("q", "color,red,size,3")])
        );
    }

    #[test]
    fn form_style_scalars_and_arrays() {
        assert_eq!(
            form_pairs("id", &json!("x y"), true),
            pairs(&[("id", "x y")])
        );
        assert_eq!(
            form_pairs("id", &json!([1, 2]), true),
            pairs(&[("id", "1"), ("id", "2")])
        );
        assert_eq!(
            form_pairs("id", &json!([1, 2]), false),
            pairs(&[("id", "1,2")])
        );
    }

    #[test]
    fn simple_style_values() {
        assert_eq!(simple_text(&json!("org-1"), false), "org-1");
        assert_eq!(simple_text(&json!([1, "a"]), false), "1,a");
        assert_eq!(simple_text(&json!({"a": 1, "b": "x"}), false), "a,1,b,x");
        assert_eq!(simple_text(&json!({"a": 1, "b": "x"}), true), "a=1,b=x");
    }

    #[test]
    fn urlencoding_follows_the_form_rules() {
        assert_eq!(
            form_urlencoded(&pairs(&[("a b", "x+y&z=1 %20"), ("k[0]", "é*-._~")])),
            "a+b=x%2By%26z%3D1+%2520&k%5B0%5D=%C3%A9*-._%7E"
        );
    }
}
