//! Media types: which of an operation's request media types is sent and how
//! the body value is encoded, the parts of multipart bodies, and the
//! `Accept` header.

use std::collections::BTreeMap;

use crate::ir::{BodyEncoding, FileUnion, Ident, Model, ModelKind, Operation, PartSource, TypeRef};
use crate::load::kept::item_schema;
use crate::lower::aliases::alias_target;

/// The kinds of media type the client encodes, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    /// `application/json`, `*+json`, `*/*`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// `text/*`.
    Text,
    /// Anything else, as raw bytes.
    Bytes,
}

impl MediaKind {
    /// The kind of a media type (parameters such as `charset` ignored).
    pub fn of(media_type: &str) -> MediaKind {
        let essence = essence(media_type);
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
            MediaKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::Form
        } else if essence.starts_with("multipart/") {
            MediaKind::Multipart
        } else if essence.starts_with("text/") {
            MediaKind::Text
        } else {
            MediaKind::Bytes
        }
    }

    /// Preference among request media types: JSON, then forms, then
    /// multipart, then the rest (text and bytes alike) in spec order.
    fn rank(self) -> u8 {
        match self {
            MediaKind::Json => 0,
            MediaKind::Form => 1,
            MediaKind::Multipart => 2,
            MediaKind::Text | MediaKind::Bytes => 3,
        }
    }
}

/// A media type without parameters, lower-cased (`application/json`).
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The request media type to send: the first of the best kind, a type
/// before a range of its kind (`application/json` before
/// `application/*+json`).
pub fn choose<'m, T>(
    content: impl IntoIterator<Item = (&'m String, T)>,
) -> Option<(&'m String, T)> {
    // `min_by_key` keeps the first of equals: the spec's order breaks ties.
    content
        .into_iter()
        .min_by_key(|(media_type, _)| (MediaKind::of(media_type).rank(), is_range(media_type)))
}

/// The `Content-Type` a body of the chosen media type is sent with: the
/// type itself, or for a range (which no body can be labelled with) the
/// usual type of its kind.
pub fn sent_media_type(chosen: &str) -> String {
    if !is_range(chosen) {
        return chosen.to_owned();
    }
    let sent = match MediaKind::of(chosen) {
        MediaKind::Json => "application/json",
        MediaKind::Form => "application/x-www-form-urlencoded",
        MediaKind::Multipart => "multipart/form-data",
        MediaKind::Text => "text/plain",
        MediaKind::Bytes => "application/octet-stream",
    };
    sent.to_owned()
}

/// A sentence for the method docs when the body could be sent in other
/// media types too.
pub fn choice_docs(chosen: &str, all: &[&String]) -> Option<String> {
    let others: Vec<String> = all
        .iter()
        .filter(|m| m.as_str() != chosen)
        .map(|m| format!("`{m}`"))
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(format!(
        "The body is sent as `{chosen}`; the API also accepts {}. (The client prefers JSON, then forms, then multipart, then the first type listed.)",
        others.join(", ")
    ))
}

/// How a body of this kind and type is encoded; multipart bodies list
/// their parts from the model's fields.
pub fn encoding(kind: MediaKind, ty: &TypeRef, models: &BTreeMap<String, Model>) -> BodyEncoding {
    match kind {
        MediaKind::Json => BodyEncoding::Json,
        MediaKind::Form => BodyEncoding::Form,
        MediaKind::Multipart => {
            let parts = part_sources(ty, models);
            let file_unions = file_unions(&parts, ty, models);
            BodyEncoding::Multipart { parts, file_unions }
        }
        MediaKind::Text => BodyEncoding::Text,
        MediaKind::Bytes => BodyEncoding::Bytes,
    }
}

/// Parts of a multipart body: one source per struct field (files where the
/// field holds `FilePart`s), then the struct's additional properties; any
/// other type is sent member by member.
fn part_sources(ty: &TypeRef, models: &BTreeMap<String, Model>) -> Vec<PartSource> {
    let whole = vec![PartSource::Members { rust_name: None }];
    let TypeRef::Named(name) = without_aliases(ty, models) else {
        return whole;
    };
    let Some(ModelKind::Struct(object)) = models.get(&name).map(|m| &m.kind) else {
        return whole;
    };
    let mut out: Vec<PartSource> = object
        .fields
        .iter()
        .map(|field| {
            let rust_name = field.rust_name.clone();
            let wire_name = field.wire_name.clone();
            if holds_files(&field.ty, models) {
                PartSource::File {
                    rust_name,
                    wire_name,
                }
            } else {
                PartSource::Value {
                    rust_name,
                    wire_name,
                }
            }
        })
        .collect();
    out.extend(
        object
            .additional_properties
            .iter()
            .map(|additional| PartSource::Members {
                rust_name: Some(additional.rust_name.clone()),
            }),
    );
    out
}

/// Whether a field's value is files: `FilePart`, a list of them, or a
/// union whose alternatives all are.
fn holds_files(ty: &TypeRef, models: &BTreeMap<String, Model>) -> bool {
    is_file_or_files(ty, models) || file_union(ty, models).is_some()
}

fn is_file_or_files(ty: &TypeRef, models: &BTreeMap<String, Model>) -> bool {
    match without_aliases(ty, models) {
        TypeRef::Binary => true,
        TypeRef::List(item) => without_aliases(&item, models) == TypeRef::Binary,
        _ => false,
    }
}

/// The union of files a type names, if it is one.
fn file_union(ty: &TypeRef, models: &BTreeMap<String, Model>) -> Option<FileUnion> {
    let TypeRef::Named(name) = without_aliases(ty, models) else {
        return None;
    };
    let Some(ModelKind::Union(union)) = models.get(&name).map(|m| &m.kind) else {
        return None;
    };
    let all_files = union
        .variants
        .iter()
        .all(|v| is_file_or_files(&v.ty, models));
    all_files.then(|| FileUnion {
        name,
        variants: union.variants.iter().map(|v| v.rust_name.clone()).collect(),
    })
}

/// The file unions behind the body's file fields.
fn file_unions(
    parts: &[PartSource],
    ty: &TypeRef,
    models: &BTreeMap<String, Model>,
) -> Vec<FileUnion> {
    let TypeRef::Named(name) = without_aliases(ty, models) else {
        return Vec::new();
    };
    let Some(ModelKind::Struct(object)) = models.get(&name).map(|m| &m.kind) else {
        return Vec::new();
    };
    let file_fields: Vec<&Ident> = parts
        .iter()
        .filter_map(|p| match p {
            PartSource::File { rust_name, .. } => Some(rust_name),
            _ => None,
        })
        .collect();
    object
        .fields
        .iter()
        .filter(|f| file_fields.contains(&&f.rust_name))
        .filter_map(|f| file_union(&f.ty, models))
        .collect()
}

/// The type an alias chain ends in.
pub fn without_aliases(ty: &TypeRef, models: &BTreeMap<String, Model>) -> TypeRef {
    alias_target(ty, |name| models.get(name).map(|m| &m.kind))
}

/// What a response body is read as.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body.
    None,
    /// JSON of this type.
    Json(TypeRef),
    /// A string: the body as text, or the JSON string it holds when the
    /// response says it is JSON.
    Text,
    /// Anything else, as bytes.
    Bytes,
    /// Server-sent events, each one's data JSON of this type, or text
    /// when `None`.
    Events(Option<TypeRef>),
}

/// The media type of server-sent events.
pub const EVENT_STREAM: &str = "text/event-stream";

/// The `text/event-stream` entry of a response's content, when it is the
/// only way the response is documented to be read: no JSON type is listed
/// beside it (a response that also lists JSON, which servers send unless
/// asked to stream, keeps decoding the JSON).
pub fn event_stream_source<'m, T>(
    content: impl IntoIterator<Item = (&'m String, T)> + Clone,
) -> Option<(&'m String, T)> {
    if schema_source(content.clone()).is_some() {
        return None;
    }
    content
        .into_iter()
        .find(|(media_type, _)| essence(media_type) == EVENT_STREAM)
}

/// The `text/event-stream` entry of a response's content that also lists
/// JSON: servers send the JSON unless the request asks them to stream.
pub fn events_beside_json<'m, T>(
    content: impl IntoIterator<Item = (&'m String, T)> + Clone,
) -> Option<(&'m String, T)> {
    schema_source(content.clone())?;
    content
        .into_iter()
        .find(|(media_type, _)| essence(media_type) == EVENT_STREAM)
}

/// The media types whose `itemSchema` is not read, of a response's
/// content (`in_response`) or a request body's: only the server-sent
/// events of a response are read item by item; other sequences (JSON
/// Lines, JSON text sequences, `multipart/mixed`) are read and sent whole,
/// as their `schema` says, or as bytes.
pub fn unread_item_schemas<'m>(
    content: impl IntoIterator<Item = (&'m String, &'m openapiv3::MediaType)>,
    in_response: bool,
) -> impl Iterator<Item = &'m String> {
    content
        .into_iter()
        .filter(move |(media_type, content)| {
            let read = in_response && essence(media_type) == EVENT_STREAM;
            !read && item_schema(content).is_some()
        })
        .map(|(media_type, _)| media_type)
}

/// How the data of server-sent events whose schema lowered to `ty`
/// (aliases seen through: `target`) is read: text for a string schema,
/// else JSON of the type.
pub fn event_data(ty: TypeRef, target: &TypeRef) -> Option<TypeRef> {
    match target {
        TypeRef::String => None,
        _ => Some(ty),
    }
}

/// Whether a media type is a range that admits JSON (`*/*`,
/// `application/*`, `application/*+json`): the server may answer with
/// JSON or anything else.
pub fn is_json_range(media_type: &str) -> bool {
    is_range(media_type)
        && (MediaKind::of(media_type) == MediaKind::Json || essence(media_type) == "application/*")
}

/// Whether a media type is a range (`*/*`, `text/*`, `application/*+json`)
/// rather than one type.
fn is_range(media_type: &str) -> bool {
    essence(media_type).contains('*')
}

/// Whether a media type names JSON itself (`application/json`, `*+json`).
fn is_concrete_json(media_type: &str) -> bool {
    MediaKind::of(media_type) == MediaKind::Json && !is_json_range(media_type)
}

/// The media type whose schema describes a response body: the first JSON
/// one, else the first range admitting JSON.
pub fn schema_source<'m, T>(
    content: impl IntoIterator<Item = (&'m String, T)> + Clone,
) -> Option<(&'m String, T)> {
    let first = |wanted: fn(&str) -> bool| {
        content
            .clone()
            .into_iter()
            .find(|(media_type, _)| wanted(media_type))
    };
    first(is_concrete_json).or_else(|| first(is_json_range))
}

/// How a response whose schema lowered to `ty` (aliases seen through) is
/// read, and the `Accept` items that ask for it.
///
/// A string or binary schema under media types that are not all JSON
/// (`*/*`, `application/*`, or text beside JSON) describes the body itself,
/// whatever the server labels it: strings are read by the response's
/// `Content-Type`, binary bodies as bytes, and every documented type is
/// acceptable. Any other schema is JSON, asked for first.
pub fn response_reading(ty: &TypeRef, media_types: &[String]) -> (ResponseBody, Vec<String>) {
    let only_json = media_types.iter().all(|m| is_concrete_json(m));
    match ty {
        TypeRef::String if !only_json => (ResponseBody::Text, media_types.to_vec()),
        TypeRef::Binary | TypeRef::Bytes if !only_json => {
            (ResponseBody::Bytes, media_types.to_vec())
        }
        _ => (ResponseBody::Json(ty.clone()), json_accept(media_types)),
    }
}

/// `Accept` items for a JSON body: the JSON media types listed, then any
/// range admitting JSON at a lower weight, after `application/json` when
/// only ranges are listed. The range itself is kept because a server (or a
/// mock validating against the spec) matches `Accept` against the
/// documented types, and `application/json` alone does not match `*/*`.
fn json_accept(media_types: &[String]) -> Vec<String> {
    let mut out: Vec<String> = media_types
        .iter()
        .filter(|m| is_concrete_json(m))
        .cloned()
        .collect();
    let ranges: Vec<&String> = media_types.iter().filter(|m| is_json_range(m)).collect();
    if out.is_empty() && !ranges.is_empty() {
        out.push("application/json".to_owned());
    }
    out.extend(ranges.into_iter().map(|range| weighted(range, "0.8")));
    out
}

/// Items of the `Accept` header: those of the success responses the client
/// decodes, then those of error responses at a lower weight, since a server
/// choosing by `Accept` should still send its errors. A media type is listed
/// once, at its first weight.
pub fn accept(success: &[String], errors: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in success {
        if !out.iter().any(|listed| same_type(listed, item)) {
            out.push(item.clone());
        }
    }
    if out.is_empty() {
        return out;
    }
    for item in errors {
        if !out.iter().any(|listed| same_type(listed, item)) {
            out.push(weighted(item, "0.5"));
        }
    }
    out
}

/// An `Accept` item with its weight set to `q`.
fn weighted(item: &str, q: &str) -> String {
    let kept: Vec<&str> = item
        .split(';')
        .filter(|part| !part.trim_start().starts_with("q="))
        .collect();
    format!("{};q={q}", kept.join(";"))
}

/// Whether two `Accept` items name the same media type (weights aside).
fn same_type(a: &str, b: &str) -> bool {
    without_parameters(a).eq_ignore_ascii_case(without_parameters(b))
}

fn without_parameters(item: &str) -> &str {
    item.split(';').next().unwrap_or_default().trim()
}

/// Whether the generated code needs the runtime's file type: a model or an
/// operation mentions `FilePart` anywhere in what it sends or receives (a
/// JSON response may be a binary string), or a body is multipart.
pub fn uses_files(models: &[Model], operations: &[Operation]) -> bool {
    let model_types = models.iter().flat_map(Model::member_types);
    let operation_types = operations.iter().flat_map(Operation::types);
    let multipart = operations.iter().any(|op| {
        op.body
            .as_ref()
            .is_some_and(|b| matches!(b.encoding, BodyEncoding::Multipart { .. }))
    });
    multipart
        || model_types
            .chain(operation_types)
            .any(|ty| ty.mentions(&TypeRef::Binary))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A range is never a body's label: a listed type of the same kind is
    /// sent instead, or the usual type of the range's kind.
    #[test]
    fn request_bodies_are_sent_as_a_type_not_a_range() {
        let chosen = |listed: &[&str]| {
            let listed = strings(listed);
            let content = listed.iter().map(|m| (m, ()));
            let (media_type, ()) = choose(content).expect("a media type");
            sent_media_type(media_type)
        };
        let vocadb = [
            "application/*+json",
            "application/json",
            "application/json-patch+json",
            "text/json",
        ];
        assert_eq!(chosen(&vocadb), "application/json");
        assert_eq!(chosen(&["application/*+json"]), "application/json");
        let patch = ["application/*+json", "application/merge-patch+json"];
        assert_eq!(chosen(&patch), "application/merge-patch+json");
        assert_eq!(chosen(&["*/*"]), "application/json");
        assert_eq!(chosen(&["text/*"]), "text/plain");
        assert_eq!(chosen(&["text/*", "image/png"]), "image/png");
        assert_eq!(chosen(&["application/*"]), "application/octet-stream");
        assert_eq!(
            chosen(&["application/merge-patch+json"]),
            "application/merge-patch+json"
        );
        assert!(is_json_range("application/*+json"));
        assert!(!is_json_range("application/problem+json"));
    }

    /// A binary string that only an operation's response or error names
    /// still brings in the runtime's file type, which spells it.
    #[test]
    fn a_binary_response_alone_uses_files() {
        let spec = |status: &str| {
            format!(
                "
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /export:
    post:
      operationId: export
      responses:
        '{status}':
          description: the file
          content:
            application/json:
              schema: {{type: string, format: binary}}
        '200': {{description: ok}}
"
            )
        };
        assert!(crate::testing::lowered(&spec("201")).uses_files);
        assert!(crate::testing::lowered(&spec("400")).uses_files);
        let plain = spec("201").replace("format: binary", "format: date");
        assert!(!crate::testing::lowered(&plain).uses_files);
    }

    #[test]
    fn kinds_of_media_types() {
        assert_eq!(
            MediaKind::of("application/json; charset=utf-8"),
            MediaKind::Json
        );
        assert_eq!(
            MediaKind::of("application/merge-patch+json"),
            MediaKind::Json
        );
        assert_eq!(
            MediaKind::of("Application/X-WWW-Form-Urlencoded"),
            MediaKind::Form
        );
        assert_eq!(MediaKind::of("multipart/mixed"), MediaKind::Multipart);
        assert_eq!(MediaKind::of("text/plain"), MediaKind::Text);
        assert_eq!(MediaKind::of("application/pdf"), MediaKind::Bytes);
    }

    #[test]
    fn json_is_preferred_then_forms_then_multipart() {
        let types = [
            "application/octet-stream",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json",
        ]
        .map(String::from);
        let pick = |n: usize| choose(types[..n].iter().map(|m| (m, ()))).map(|(m, _)| m.as_str());
        assert_eq!(pick(1), Some("application/octet-stream"));
        assert_eq!(pick(2), Some("multipart/form-data"));
        assert_eq!(pick(3), Some("application/x-www-form-urlencoded"));
        assert_eq!(pick(4), Some("application/json"));
    }

    #[test]
    fn accept_weights_error_types() {
        let s = |v: &[&str]| v.iter().map(|m| (*m).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            accept(
                &s(&["application/pdf", "application/pdf"]),
                &s(&["application/json", "application/pdf"])
            ),
            s(&["application/pdf", "application/json;q=0.5"])
        );
        assert!(accept(&[], &s(&["application/json"])).is_empty());
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|m| (*m).to_owned()).collect()
    }

    #[test]
    fn strings_under_ranges_or_beside_text_are_read_as_text() {
        for types in [
            &["*/*"][..],
            &["application/*"],
            &["text/plain", "application/json"],
        ] {
            let (body, accept) = response_reading(&TypeRef::String, &strings(types));
            assert_eq!(body, ResponseBody::Text, "{types:?}");
            assert_eq!(accept, strings(types), "{types:?}");
        }
        let (body, _) = response_reading(&TypeRef::String, &strings(&["application/json"]));
        assert_eq!(body, ResponseBody::Json(TypeRef::String));
    }

    #[test]
    fn binary_under_a_range_is_bytes() {
        let (body, accept) = response_reading(&TypeRef::Binary, &strings(&["*/*"]));
        assert_eq!(body, ResponseBody::Bytes);
        assert_eq!(accept, strings(&["*/*"]));
    }

    #[test]
    fn structured_bodies_under_a_range_ask_for_json_first() {
        let object = TypeRef::Named("Comic".to_owned());
        let read = |types: &[&str]| response_reading(&object, &strings(types));
        assert_eq!(
            read(&["*/*"]),
            (
                ResponseBody::Json(object.clone()),
                strings(&["application/json", "*/*;q=0.8"])
            )
        );
        assert_eq!(
            read(&["application/*"]).1,
            strings(&["application/json", "application/*;q=0.8"])
        );
        assert_eq!(
            read(&["application/xml", "application/json"]).1,
            strings(&["application/json"])
        );
        assert_eq!(
            read(&["application/hal+json", "*/*"]).1,
            strings(&["application/hal+json", "*/*;q=0.8"])
        );
    }

    #[test]
    fn the_schema_comes_from_json_before_a_range() {
        let types = strings(&["text/plain", "*/*", "application/json"]);
        let source =
            |n: usize| schema_source(types[..n].iter().map(|m| (m, ()))).map(|(m, _)| m.as_str());
        assert_eq!(source(1), None);
        assert_eq!(source(2), Some("*/*"));
        assert_eq!(source(3), Some("application/json"));
    }

    #[test]
    fn event_streams_alone_stream_and_beside_json_are_an_alternative() {
        let alone = strings(&["text/event-stream", "text/plain"]);
        let only = |types: &[String]| {
            event_stream_source(types.iter().map(|m| (m, ()))).map(|(m, _)| m.clone())
        };
        let beside = |types: &[String]| {
            events_beside_json(types.iter().map(|m| (m, ()))).map(|(m, _)| m.clone())
        };
        assert_eq!(only(&alone).as_deref(), Some("text/event-stream"));
        assert_eq!(beside(&alone), None);
        let mixed = strings(&["application/json", "text/event-stream; charset=utf-8"]);
        assert_eq!(only(&mixed), None);
        assert_eq!(
            beside(&mixed).as_deref(),
            Some("text/event-stream; charset=utf-8")
        );
        assert_eq!(only(&strings(&["text/plain"])), None);
        assert_eq!(event_data(TypeRef::String, &TypeRef::String), None);
        let tick = TypeRef::Named("Tick".to_owned());
        assert_eq!(event_data(tick.clone(), &tick), Some(tick));
    }

    #[test]
    fn accept_lists_a_type_once_at_its_first_weight() {
        assert_eq!(
            accept(
                &strings(&["application/json", "*/*;q=0.8"]),
                &strings(&["application/json", "*/*;q=0.8", "application/problem+json"])
            ),
            strings(&[
                "application/json",
                "*/*;q=0.8",
                "application/problem+json;q=0.5"
            ])
        );
        assert_eq!(
            accept(
                &strings(&["text/plain"]),
                &strings(&["application/json", "*/*;q=0.8"])
            ),
            strings(&["text/plain", "application/json;q=0.5", "*/*;q=0.5"])
        );
    }
}
