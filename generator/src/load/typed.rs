//! The merged document into openapiv3's types, deep schemas in pieces.
//!
//! openapiv3 reads schemas through serde's buffering (untagged enums and
//! flattened fields), which copies a schema's subtree once for each level
//! above it: a schema nested n levels deep costs n² copies, and, when
//! something at the bottom is invalid, 2ⁿ attempts (each level tries again
//! to find a better message). So the schemas found [`PIECE_DEPTH`] levels
//! below a schema are cut out of the document and left as placeholders;
//! each piece is read on its own (and cut the same way), and the typed
//! pieces are put back where their placeholders are. The result is the one
//! reading the whole document at once gives.

use openapiv3::{
    AdditionalProperties, Components, Header, MediaType, OpenAPI, Operation, Parameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema, SchemaKind, Type,
};
use serde_json::{Map, Value};

use crate::diagnostics::{Error, Result};
use crate::load::pointer;
use crate::load::positions::Position;
use crate::load::webhooks::{self, Webhooks};
use crate::load::Sources;

/// Levels of schemas read in one piece.
const PIECE_DEPTH: usize = 8;

/// The extension a placeholder holds: the index of its piece.
const MARKER: &str = "x-openapi-rust-gen-piece";

/// Keywords whose value is one schema inside a schema.
const SUBSCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];

/// Keywords whose value is a list or map of schemas inside a schema.
const SUBSCHEMAS: [&str; 4] = ["properties", "allOf", "oneOf", "anyOf"];

/// Reads the merged document into openapiv3's model, and its webhooks
/// (which openapiv3's 3.0 model has no place for); errors are located
/// through `sources`.
pub fn openapi(merged: Value, sources: &Sources) -> Result<(OpenAPI, Webhooks)> {
    in_pieces(merged, sources, PIECE_DEPTH)
}

/// [`openapi`], cutting pieces of `piece_depth` levels.
fn in_pieces(
    mut merged: Value,
    sources: &Sources,
    piece_depth: usize,
) -> Result<(OpenAPI, Webhooks)> {
    let mut cutter = Cutter {
        piece_depth,
        ..Cutter::default()
    };
    cutter.document(&mut merged, &mut Vec::new());
    let mut hooks = merged.as_object_mut().and_then(|m| m.remove("webhooks"));
    if cutter.pieces.is_empty() || cutter.marker_seen {
        if !cutter.pieces.is_empty() {
            restore(&mut merged, &mut cutter.pieces);
            hooks
                .iter_mut()
                .for_each(|h| restore(h, &mut cutter.pieces));
        }
        return Ok((
            whole(&merged, sources)?,
            webhooks::typed(hooks.as_ref(), sources)?,
        ));
    }
    let mut api = whole(&merged, sources)?;
    let mut typed_hooks = webhooks::typed(hooks.as_ref(), sources)?;
    let mut filler = Filler {
        pieces: typed_pieces(&cutter, sources)?,
        placed: 0,
    };
    // Pieces inside pieces come later in the list: fill from the back, so
    // that each piece is whole before it goes into its parent.
    for index in (0..filler.pieces.len()).rev() {
        if let Some(mut piece) = filler.pieces[index].take() {
            filler.children(&mut piece);
            filler.pieces[index] = Some(piece);
        }
    }
    filler.openapi(&mut api);
    for item in typed_hooks.values_mut() {
        if let ReferenceOr::Item(item) = item {
            filler.path_item(item);
        }
    }
    if filler.placed == filler.pieces.len() {
        return Ok((api, typed_hooks));
    }
    // A placeholder landed where openapiv3 keeps no schema (the cut took
    // something for a schema that is not one): read the whole document.
    drop((api, typed_hooks));
    restore(&mut merged, &mut cutter.pieces);
    hooks
        .iter_mut()
        .for_each(|h| restore(h, &mut cutter.pieces));
    Ok((
        whole(&merged, sources)?,
        webhooks::typed(hooks.as_ref(), sources)?,
    ))
}

/// One schema that is not in the document's schema places (such as an
/// extension's), read in pieces like the document's; `at` is its place,
/// and an error is located there through `sources`.
pub fn schema(mut value: Value, at: &[String], sources: &Sources) -> Result<ReferenceOr<Schema>> {
    let mut cutter = Cutter {
        piece_depth: PIECE_DEPTH,
        ..Cutter::default()
    };
    cutter.schema(&mut value, &mut at.to_vec(), 0);
    if !cutter.pieces.is_empty() && !cutter.marker_seen {
        let mut root = schema_at_once(&value, at, sources)?;
        let mut filler = Filler {
            pieces: typed_pieces(&cutter, sources)?,
            placed: 0,
        };
        for index in (0..filler.pieces.len()).rev() {
            if let Some(mut piece) = filler.pieces[index].take() {
                filler.children(&mut piece);
                filler.pieces[index] = Some(piece);
            }
        }
        filler.reference_or(&mut root);
        if filler.placed == filler.pieces.len() {
            return Ok(root);
        }
    }
    restore(&mut value, &mut cutter.pieces);
    schema_at_once(&value, at, sources)
}

fn schema_at_once(value: &Value, at: &[String], sources: &Sources) -> Result<ReferenceOr<Schema>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = super::pointer_of(e.path());
        let at = format!(
            "{}{}",
            pointer::from_segments(at),
            inner.trim_start_matches('#')
        );
        Error::new(
            sources.locate(&at),
            format!("not a valid OpenAPI 3.0 construct: {}", e.inner()),
        )
    })
}

/// Each piece read as a schema; an invalid one is an error at its place.
fn typed_pieces(cutter: &Cutter, sources: &Sources) -> Result<Vec<Option<Schema>>> {
    let mut typed = Vec::with_capacity(cutter.pieces.len());
    for (index, piece) in cutter.pieces.iter().enumerate() {
        let schema = serde_path_to_error::deserialize::<_, Schema>(&piece.value).map_err(|e| {
            let at = format!(
                "{}{}",
                pointer::from_segments(&cutter.path_of(index)),
                super::pointer_of(e.path()).trim_start_matches('#')
            );
            Error::new(
                sources.locate(&at),
                format!("not a valid OpenAPI 3.0 construct: {}", e.inner()),
            )
        })?;
        typed.push(Some(schema));
    }
    Ok(typed)
}

/// Reads the document at once.
fn whole(merged: &Value, sources: &Sources) -> Result<OpenAPI> {
    serde_path_to_error::deserialize(merged).map_err(|e| {
        // openapiv3 flattens extensions into paths and components, which
        // hides the failing entry from the path; look inside for it.
        let (at, message) = super::failing_entry(merged)
            .unwrap_or_else(|| (super::pointer_of(e.path()), e.inner().to_string()));
        Error::new(
            sources.locate(&at),
            format!("not a valid OpenAPI 3.0 construct: {message}"),
        )
    })
}

/// A schema cut out of the document (or out of another piece).
struct Piece {
    value: Value,
    /// The piece it was cut from, if not the document.
    parent: Option<usize>,
    /// Its path from the root of its parent (or the document).
    path: Vec<String>,
}

/// Walks the document where openapiv3 reads schemas, and cuts out those
/// `piece_depth` levels below the root of their piece.
#[derive(Default)]
struct Cutter {
    piece_depth: usize,
    pieces: Vec<Piece>,
    /// The piece being walked.
    current: Option<usize>,
    /// The document already holds the marker: cutting could confuse it.
    marker_seen: bool,
}

impl Cutter {
    /// Everything but schemas: only the values of `schema` and the entries
    /// of `components.schemas` are schemas; examples and extensions hold
    /// none.
    fn document(&mut self, value: &mut Value, at: &mut Vec<String>) {
        self.outside_schemas(value, at, Position::Keywords);
    }

    /// [`Self::document`] for a value at `position`.
    fn outside_schemas(&mut self, value: &mut Value, at: &mut Vec<String>, position: Position) {
        let Value::Object(map) = value else {
            if let Value::Array(items) = value {
                for (index, item) in items.iter_mut().enumerate() {
                    at.push(index.to_string());
                    self.outside_schemas(item, at, position.of_element());
                    at.pop();
                }
            }
            return;
        };
        self.marker_seen |= map.contains_key(MARKER);
        let in_components = matches!(at.as_slice(), [components] if components == "components");
        for (key, item) in map.iter_mut() {
            let item_position = position.of_child(key, item);
            // Example objects hold data only.
            let examples = position == Position::Keywords && key == "examples";
            if item_position == Position::Data || examples {
                continue;
            }
            at.push(key.clone());
            if key == "schema" && position == Position::Keywords {
                self.schema(item, at, 0);
            } else if in_components && key == "schemas" {
                if let Value::Object(schemas) = item {
                    for (name, schema) in schemas.iter_mut() {
                        at.push(name.clone());
                        self.schema(schema, at, 0);
                        at.pop();
                    }
                }
            } else {
                self.outside_schemas(item, at, item_position);
            }
            at.pop();
        }
    }

    /// A schema `depth` levels below the root of its piece.
    fn schema(&mut self, value: &mut Value, at: &mut Vec<String>, depth: usize) {
        let Value::Object(map) = value else {
            return;
        };
        self.marker_seen |= map.contains_key(MARKER);
        if map.contains_key("$ref") {
            return;
        }
        if depth == self.piece_depth {
            self.cut(value, at);
            return;
        }
        for (key, item) in map.iter_mut() {
            if SUBSCHEMA.contains(&key.as_str()) {
                at.push(key.clone());
                self.schema(item, at, depth + 1);
                at.pop();
            } else if SUBSCHEMAS.contains(&key.as_str()) {
                at.push(key.clone());
                match item {
                    Value::Object(entries) => {
                        for (name, entry) in entries.iter_mut() {
                            at.push(name.clone());
                            self.schema(entry, at, depth + 1);
                            at.pop();
                        }
                    }
                    Value::Array(entries) => {
                        for (index, entry) in entries.iter_mut().enumerate() {
                            at.push(index.to_string());
                            self.schema(entry, at, depth + 1);
                            at.pop();
                        }
                    }
                    _ => {}
                }
                at.pop();
            }
        }
    }

    /// Replaces the schema at `value` by a placeholder and walks it as a
    /// piece of its own.
    fn cut(&mut self, value: &mut Value, at: &[String]) {
        let index = self.pieces.len();
        let mut placeholder = Map::new();
        placeholder.insert(MARKER.to_owned(), Value::from(index));
        let mut piece = std::mem::replace(value, Value::Object(placeholder));
        self.pieces.push(Piece {
            value: Value::Null,
            parent: self.current,
            path: at.to_vec(),
        });
        let parent = self.current.replace(index);
        self.schema(&mut piece, &mut Vec::new(), 0);
        self.current = parent;
        self.pieces[index].value = piece;
    }

    /// A piece's path from the document root.
    fn path_of(&self, index: usize) -> Vec<String> {
        let mut chain = Vec::new();
        let mut next = Some(index);
        while let Some(index) = next {
            chain.push(index);
            next = self.pieces[index].parent;
        }
        chain
            .iter()
            .rev()
            .flat_map(|&index| self.pieces[index].path.iter().cloned())
            .collect()
    }
}

/// Puts the pieces back into the document, as JSON.
fn restore(value: &mut Value, pieces: &mut [Piece]) {
    match value {
        Value::Object(map) => {
            let index = match (map.len(), map.get(MARKER).and_then(Value::as_u64)) {
                (1, Some(index)) => usize::try_from(index).ok(),
                _ => None,
            };
            let piece = index
                .and_then(|index| pieces.get_mut(index))
                .map(|piece| std::mem::take(&mut piece.value));
            match piece {
                Some(piece) => {
                    *value = piece;
                    restore(value, pieces);
                }
                None => map.values_mut().for_each(|item| restore(item, pieces)),
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| restore(item, pieces)),
        _ => {}
    }
}

/// Puts typed pieces in place of their placeholders.
struct Filler {
    pieces: Vec<Option<Schema>>,
    placed: usize,
}

impl Filler {
    fn openapi(&mut self, api: &mut OpenAPI) {
        for item in api.paths.paths.values_mut() {
            if let ReferenceOr::Item(item) = item {
                self.path_item(item);
            }
        }
        if let Some(components) = &mut api.components {
            self.components(components);
        }
    }

    fn components(&mut self, components: &mut Components) {
        for schema in components.schemas.values_mut() {
            self.reference_or(schema);
        }
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                self.response(response);
            }
        }
        for parameter in components.parameters.values_mut() {
            if let ReferenceOr::Item(parameter) = parameter {
                self.parameter(parameter);
            }
        }
        for body in components.request_bodies.values_mut() {
            if let ReferenceOr::Item(body) = body {
                self.content(body.content.values_mut());
            }
        }
        for header in components.headers.values_mut() {
            if let ReferenceOr::Item(header) = header {
                self.header(header);
            }
        }
        for callback in components.callbacks.values_mut() {
            if let ReferenceOr::Item(callback) = callback {
                callback.values_mut().for_each(|item| self.path_item(item));
            }
        }
    }

    fn path_item(&mut self, item: &mut PathItem) {
        for parameter in &mut item.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                self.parameter(parameter);
            }
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            self.operation(operation);
        }
    }

    fn operation(&mut self, operation: &mut Operation) {
        for parameter in &mut operation.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                self.parameter(parameter);
            }
        }
        if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
            self.content(body.content.values_mut());
        }
        let responses = &mut operation.responses;
        for response in responses
            .default
            .iter_mut()
            .chain(responses.responses.values_mut())
        {
            if let ReferenceOr::Item(response) = response {
                self.response(response);
            }
        }
        for callback in operation.callbacks.values_mut() {
            callback.values_mut().for_each(|item| self.path_item(item));
        }
    }

    fn parameter(&mut self, parameter: &mut Parameter) {
        let (Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. }) = parameter;
        self.format(&mut parameter_data.format);
    }

    fn header(&mut self, header: &mut Header) {
        self.format(&mut header.format);
    }

    fn format(&mut self, format: &mut ParameterSchemaOrContent) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.reference_or(schema),
            ParameterSchemaOrContent::Content(content) => self.content(content.values_mut()),
        }
    }

    fn response(&mut self, response: &mut Response) {
        for header in response.headers.values_mut() {
            if let ReferenceOr::Item(header) = header {
                self.header(header);
            }
        }
        self.content(response.content.values_mut());
    }

    fn content<'m>(&mut self, media_types: impl Iterator<Item = &'m mut MediaType>) {
        for media_type in media_types {
            if let Some(schema) = &mut media_type.schema {
                self.reference_or(schema);
            }
            for encoding in media_type.encoding.values_mut() {
                for header in encoding.headers.values_mut() {
                    if let ReferenceOr::Item(header) = header {
                        self.header(header);
                    }
                }
            }
        }
    }

    fn reference_or(&mut self, schema: &mut ReferenceOr<Schema>) {
        if let ReferenceOr::Item(schema) = schema {
            self.schema(schema);
        }
    }

    fn boxed(&mut self, schema: &mut ReferenceOr<Box<Schema>>) {
        if let ReferenceOr::Item(schema) = schema {
            self.schema(schema);
        }
    }

    /// A schema: a placeholder is replaced by its piece (whole already);
    /// anything else has its subschemas filled.
    fn schema(&mut self, schema: &mut Schema) {
        if let Some(piece) = placeholder(schema).and_then(|i| self.pieces.get_mut(i)?.take()) {
            *schema = piece;
            self.placed += 1;
            return;
        }
        self.children(schema);
    }

    fn children(&mut self, schema: &mut Schema) {
        match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object.properties.values_mut().for_each(|p| self.boxed(p));
                self.additional(&mut object.additional_properties);
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &mut array.items {
                    self.boxed(items);
                }
            }
            SchemaKind::Type(_) => {}
            SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AllOf { all_of: parts }
            | SchemaKind::AnyOf { any_of: parts } => {
                parts.iter_mut().for_each(|p| self.reference_or(p));
            }
            SchemaKind::Not { not } => self.reference_or(not),
            SchemaKind::Any(any) => {
                any.properties.values_mut().for_each(|p| self.boxed(p));
                self.additional(&mut any.additional_properties);
                if let Some(items) = &mut any.items {
                    self.boxed(items);
                }
                for parts in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                    parts.iter_mut().for_each(|p| self.reference_or(p));
                }
                if let Some(not) = &mut any.not {
                    self.reference_or(not);
                }
            }
        }
    }

    fn additional(&mut self, additional: &mut Option<AdditionalProperties>) {
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.reference_or(schema);
        }
    }
}

/// The piece a schema stands for, if it is a placeholder: nothing but the
/// marker.
fn placeholder(schema: &Schema) -> Option<usize> {
    let data = &schema.schema_data;
    let index = data.extensions.get(MARKER)?.as_u64()?;
    let bare = data.extensions.len() == 1
        && *data
            == openapiv3::SchemaData {
                extensions: data.extensions.clone(),
                ..Default::default()
            }
        && schema.schema_kind == SchemaKind::Any(openapiv3::AnySchema::default());
    bare.then(|| usize::try_from(index).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Every spec the repository holds (and the shared corpus, when it is
    /// there), as documents.
    fn documents() -> Vec<(PathBuf, Value)> {
        let files = crate::load::read::repository_spec_files();
        files
            .into_iter()
            .filter_map(|path| {
                let value = crate::load::read::read_document(&path).ok()?;
                Some((path, value))
            })
            .collect()
    }

    #[test]
    fn reading_in_pieces_gives_what_reading_at_once_gives() {
        let sources = Sources::default();
        let mut compared = 0;
        for (path, document) in documents() {
            let Ok(whole) = whole(&document, &sources) else {
                continue;
            };
            for depth in [1, 2, 3] {
                let pieces = in_pieces(document.clone(), &sources, depth);
                let api = pieces.as_ref().ok().map(|(api, _)| api);
                assert_eq!(api, Some(&whole), "{}", path.display());
            }
            compared += 1;
        }
        assert!(compared > 20, "only {compared} documents read");
    }

    #[test]
    fn a_piece_that_does_not_read_is_located_inside_it() {
        let mut schema = serde_json::json!({ "type": "array", "items": 5 });
        for _ in 0..40 {
            schema = serde_json::json!({ "type": "array", "items": schema });
        }
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": { "Deep": schema } },
        });
        let error = openapi(document, &Sources::default()).expect_err("invalid");
        let at = error.location.pointer.clone().unwrap_or_default();
        assert!(
            at.starts_with(
                "#/components/schemas/Deep/items/items/items/items/items/items/items/items/items"
            ),
            "{at}"
        );
        assert!(
            error.message.contains("not a valid OpenAPI 3.0 construct"),
            "{error}"
        );
    }
}
