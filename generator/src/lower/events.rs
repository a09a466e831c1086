//! The data of server-sent events: which schema, if any, says what each
//! event's `data` decodes into.
//!
//! OpenAPI 3.0 and 3.1 documents have only the media type's `schema`, and
//! use it for the data. OpenAPI 3.2 adds `itemSchema`, the schema of one
//! item of the stream; for `text/event-stream` an item is the event itself,
//! an object with `event`, `data`, `id` and `retry` fields, whose `data` is
//! a string (text, or JSON described by its `contentSchema`).

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, Schema, SchemaKind, Type};

use crate::load::kept::{content_schema, item_schema, CONTENT_SCHEMA, ITEM_SCHEMA};
use crate::load::pointer;

/// The fields of an event (the SSE standard's).
const EVENT_FIELDS: [&str; 4] = ["event", "data", "id", "retry"];

/// What an event's data is read as: JSON of a schema, found at a
/// pointer; text (`None`) for a string schema, or none.
pub type EventData<'m> = Option<(Cow<'m, ReferenceOr<Schema>>, String)>;

/// How the events of a `text/event-stream` media type at `content_at` are
/// read, and a note (pointer, message) when the `itemSchema` had to be
/// read in a way the standard does not say.
pub fn event_data<'m>(
    media_type: &'m MediaType,
    content_at: &str,
    schemas: Option<&'m IndexMap<String, ReferenceOr<Schema>>>,
) -> (EventData<'m>, Option<(String, &'static str)>) {
    let Some(item) = item_schema(media_type) else {
        return match &media_type.schema {
            Some(schema) => (
                Some((Cow::Borrowed(schema), format!("{content_at}/schema"))),
                None,
            ),
            None => (None, None),
        };
    };
    let item_at = format!("{content_at}/{ITEM_SCHEMA}");
    let Some((event, event_at)) = follow(&item, &item_at, schemas) else {
        return (Some((Cow::Owned(item), item_at.clone())), None);
    };
    if let Some(data) = properties(event).and_then(|p| p.get("data")) {
        let data = unboxed(data);
        let data_at = format!("{event_at}/properties/data");
        return (data_of(data, &data_at, schemas), None);
    }
    if describes_events(event, schemas) {
        let note = "events of several shapes: their data is read as text";
        return (None, Some((item_at, note)));
    }
    let note = "the itemSchema describes no event (it has none of `event`, `data`, `id`, `retry`): it is read as the schema of each event's data";
    (
        Some((Cow::Owned(item), item_at.clone())),
        Some((item_at, note)),
    )
}

/// The event's `data` property: its `contentSchema` when it has one, text
/// when it is a string, else the data's own schema (documents that
/// describe the decoded data in place of the string).
fn data_of<'m>(
    data: ReferenceOr<Schema>,
    data_at: &str,
    schemas: Option<&'m IndexMap<String, ReferenceOr<Schema>>>,
) -> EventData<'m> {
    let Some((schema, schema_at)) = follow(&data, data_at, schemas) else {
        return Some((Cow::Owned(data), data_at.to_owned()));
    };
    if let Some(content) = content_schema(schema) {
        return Some((Cow::Owned(content), format!("{schema_at}/{CONTENT_SCHEMA}")));
    }
    if matches!(schema.schema_kind, SchemaKind::Type(Type::String(_))) {
        return None;
    }
    Some((Cow::Owned(data), data_at.to_owned()))
}

/// Whether a schema without a `data` property still describes events: one
/// of its alternatives has an event's fields.
fn describes_events(
    schema: &Schema,
    schemas: Option<&IndexMap<String, ReferenceOr<Schema>>>,
) -> bool {
    let parts = match &schema.schema_kind {
        SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => parts,
        SchemaKind::Any(any) if !any.one_of.is_empty() => &any.one_of,
        SchemaKind::Any(any) => &any.any_of,
        _ => return false,
    };
    let has_fields =
        |s: &Schema| properties(s).is_some_and(|p| EVENT_FIELDS.iter().any(|f| p.contains_key(*f)));
    parts
        .iter()
        .filter_map(|part| follow(part, "", schemas))
        .any(|(part, _)| has_fields(part))
}

/// The properties of an object schema.
fn properties(schema: &Schema) -> Option<&IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(&object.properties),
        SchemaKind::Any(any) if !any.properties.is_empty() => Some(&any.properties),
        _ => None,
    }
}

fn unboxed(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// The schema `schema` (at `at`) stands for, and its pointer: references
/// into `components.schemas` and an `allOf` of one part are followed.
fn follow<'s>(
    schema: &'s ReferenceOr<Schema>,
    at: &str,
    schemas: Option<&'s IndexMap<String, ReferenceOr<Schema>>>,
) -> Option<(&'s Schema, String)> {
    let mut current = schema;
    let mut current_at = at.to_owned();
    for _ in 0..32 {
        match current {
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .map(pointer::unescape)?;
                current = schemas?.get(&name)?;
                current_at = pointer::from_segments(&["components", "schemas", &name]);
            }
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                    current = &all_of[0];
                    current_at = format!("{current_at}/allOf/0");
                }
                _ => return Some((item, current_at)),
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::ir::{Output, TypeRef};

    /// One operation per way an event stream can document its data.
    const EVENTS: &str = "
openapi: 3.2.0
info: {title: Items, version: '1'}
paths:
  /ticks:
    get:
      operationId: watchTicks
      responses:
        '200':
          description: the standard's shape, JSON data
          content:
            text/event-stream:
              schema: {type: string}
              itemSchema: {$ref: '#/components/schemas/TickEvent'}
  /plain:
    get:
      operationId: watchPlain
      responses:
        '200':
          description: the standard's shape, text data
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/Tick'}
              itemSchema:
                type: object
                properties: {event: {type: string}, data: {type: string}}
  /logs:
    get:
      operationId: watchLogs
      responses:
        '200':
          description: no itemSchema
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/Tick'}
  /complete:
    post:
      operationId: complete
      responses:
        '200':
          description: whole, or as events whose data is described in place
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tick'}
            text/event-stream:
              itemSchema:
                type: object
                properties: {data: {$ref: '#/components/schemas/Delta'}}
  /bare:
    get:
      operationId: watchBare
      responses:
        '200':
          description: an itemSchema that is no event
          content:
            text/event-stream:
              itemSchema: {$ref: '#/components/schemas/Tick'}
  /mixed:
    get:
      operationId: watchMixed
      responses:
        '200':
          description: events of two shapes
          content:
            text/event-stream:
              itemSchema:
                oneOf:
                  - {type: object, properties: {event: {const: tick}, data: {type: string}}}
                  - {type: object, properties: {event: {const: delta}, data: {type: string}}}
  /lines:
    get:
      operationId: readLines
      responses:
        '200':
          description: JSON Lines
          content:
            application/jsonl:
              itemSchema: {$ref: '#/components/schemas/Tick'}
components:
  schemas:
    Tick: {type: object, properties: {n: {type: integer}}}
    Delta: {type: object, properties: {text: {type: string}}}
    TickEvent:
      type: object
      required: [data]
      properties:
        event: {type: string}
        id: {type: string}
        retry: {type: integer}
        data:
          type: string
          contentMediaType: application/json
          contentSchema: {$ref: '#/components/schemas/Tick'}
";

    /// OpenAPI 3.2's `itemSchema` says what an event's data is before
    /// `schema` does, alone and beside JSON; `schema` stays the fallback;
    /// what the standard does not say is read leniently, with a warning;
    /// the `itemSchema` of another sequence is not read, with a warning.
    #[test]
    fn an_item_schema_says_what_event_data_is() {
        let api = crate::testing::lowered(EVENTS);
        let operation = |id: &str| {
            api.operations
                .iter()
                .find(|o| o.id == id)
                .unwrap_or_else(|| panic!("{id}"))
        };
        let named = |name: &str| Some(TypeRef::Named(name.to_owned()));
        assert_eq!(
            operation("watchTicks").output,
            Output::Events(named("Tick"))
        );
        assert_eq!(operation("watchPlain").output, Output::Events(None));
        assert_eq!(operation("watchLogs").output, Output::Events(named("Tick")));
        let beside = operation("complete")
            .events_beside
            .as_ref()
            .expect("events");
        assert_eq!(beside.data, named("Delta"));
        assert_eq!(operation("watchBare").output, Output::Events(named("Tick")));
        assert_eq!(operation("watchMixed").output, Output::Events(None));
        assert_eq!(operation("readLines").output, Output::Bytes);
        let warned = |pointer: &str, words: &str| {
            api.warnings.iter().any(|w| {
                w.location.pointer.as_deref() == Some(pointer) && w.message.contains(words)
            })
        };
        for (path, words) in [
            (
                "~1bare/get/responses/200/content/text~1event-stream",
                "describes no event",
            ),
            (
                "~1mixed/get/responses/200/content/text~1event-stream",
                "several shapes",
            ),
            (
                "~1lines/get/responses/200/content/application~1jsonl",
                "not read here",
            ),
        ] {
            let pointer = format!("#/paths/{path}/itemSchema");
            assert!(warned(&pointer, words), "{pointer}: {:#?}", api.warnings);
        }
        assert_eq!(api.warnings.len(), 3, "{:#?}", api.warnings);
    }
}
