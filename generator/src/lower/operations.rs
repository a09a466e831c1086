//! Operations: client methods, their parameters, body, output and errors.

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, Response, StatusCode,
};

use indexmap::IndexMap;

use crate::config::Config;
use crate::diagnostics::Result;
use crate::ir::{
    ErrorResponse, EventsBeside, HttpMethod, Ident, Operation, Output, Parameter,
    ParameterEncoding, ParameterLocation, PathPart, RequestBody, SecurityScheme, Server,
    StatusMatch, TypeRef,
};
use crate::load::pointer;
use crate::lower::bodies::{self, MediaKind, ResponseBody};
use crate::lower::configured;
use crate::lower::events;
use crate::lower::names::{type_name, value_name, NameScope};
use crate::lower::parameter_names::name_parameters;
use crate::lower::reserved::runtime_methods;
use crate::lower::schemas::SchemaLowerer;
use crate::lower::{components, docs, resolve_component, servers, Context};

/// Names the operations module imports or uses unqualified; marker and
/// error types must not shadow them.
const OPERATIONS_MODULE_NAMES: [&str; 16] = [
    "Call",
    "Client",
    "Error",
    "Method",
    "Operation",
    "OperationInfo",
    "RawResponse",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
];

/// Lowers every operation, sorted by method name.
pub fn lower_operations(
    openapi: &OpenAPI,
    schemas: &mut SchemaLowerer,
    schemes: &[SecurityScheme],
    top_servers: &[Server],
    config: &Config,
    cx: &mut Context,
) -> Result<Vec<Operation>> {
    let found = operations_by_path(openapi, cx)
        .into_iter()
        .map(|(path, method, operation)| {
            let id = operation
                .operation_id
                .clone()
                .unwrap_or_else(|| derived_id(method, path));
            (path, method, operation, id)
        })
        .collect();
    let found = configured::kept_operations(config, found)?;
    let mut method_names = NameScope::with_reserved(&runtime_methods().client);
    let mut type_names = NameScope::with_reserved(OPERATIONS_MODULE_NAMES);
    let mut out = Vec::new();
    for (path, method, operation, id) in found {
        let at = format!(
            "#/paths/{}/{}",
            pointer::escape(path),
            method.as_str().to_ascii_lowercase()
        );
        let type_name = type_names.claim(type_name(&id, "Operation"));
        let error_type = type_names.claim(format!("{type_name}Error"));
        let lowering = OperationLowering {
            openapi,
            schemas,
            cx,
            at: &at,
            type_name: &type_name,
            schemes_authorize: false,
            idempotency_header: config.transport.idempotency_header(),
        };
        out.push(lowering.lower(
            LoweredNames {
                id: id.clone(),
                method_name: method_names.claim(method_name(config, &id)),
                type_name: type_name.clone(),
                error_type,
            },
            path,
            method,
            operation,
            schemes,
            top_servers,
        )?);
    }
    out.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    Ok(out)
}

/// Every operation of the document with its path and method, in (path,
/// method) order: names are claimed in this order, so a new operation
/// never renames an existing one unless their names collide.
fn operations_by_path<'o>(
    openapi: &'o OpenAPI,
    cx: &mut Context,
) -> Vec<(&'o String, HttpMethod, &'o openapiv3::Operation)> {
    let mut found = Vec::new();
    for (path, item) in &openapi.paths.paths {
        let at = format!("#/paths/{}", pointer::escape(path));
        let ReferenceOr::Item(item) = item else {
            cx.warn(&at, "path item references are not supported; path skipped");
            continue;
        };
        for (method, operation) in methods(item) {
            found.push((path, method, operation));
        }
    }
    found.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    found
}

/// The client method's name for the operation `id`: the configuration's,
/// or one made from the id.
fn method_name(config: &Config, id: &str) -> String {
    match config.rename.operations.get(id) {
        Some(name) => name.get_ref().clone(),
        None => value_name(id, "operation"),
    }
}

struct LoweredNames {
    id: String,
    method_name: String,
    type_name: String,
    error_type: String,
}

fn methods(item: &PathItem) -> Vec<(HttpMethod, &openapiv3::Operation)> {
    [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Delete, &item.delete),
        (HttpMethod::Options, &item.options),
        (HttpMethod::Head, &item.head),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|o| (method, o)))
    .collect()
}

/// Whether a response documents a body (a referenced response is taken to:
/// its body, if any, is read when it is lowered).
fn has_body(response: &ReferenceOr<Response>) -> bool {
    match response {
        ReferenceOr::Item(response) => !response.content.is_empty(),
        ReferenceOr::Reference { .. } => true,
    }
}

/// `GET /pets/{petId}` → `get_pets_pet_id`, for operations without an id.
fn derived_id(method: HttpMethod, path: &str) -> String {
    format!("{} {}", method.as_str().to_ascii_lowercase(), path)
}

struct OperationLowering<'l, 'a, 'c> {
    openapi: &'l OpenAPI,
    schemas: &'l mut SchemaLowerer<'a>,
    cx: &'l mut Context<'c>,
    at: &'l str,
    type_name: &'l str,
    /// Whether the operation's security schemes set its credentials; if
    /// not, an `Authorization` header parameter is kept as an argument.
    schemes_authorize: bool,
    /// The name of the header that carries idempotency keys.
    idempotency_header: &'l str,
}

impl<'l> OperationLowering<'l, '_, '_> {
    fn lower(
        mut self,
        names: LoweredNames,
        path: &str,
        method: HttpMethod,
        operation: &'l openapiv3::Operation,
        schemes: &[SecurityScheme],
        top_servers: &[Server],
    ) -> Result<Operation> {
        let security = self.security(operation, schemes);
        self.schemes_authorize = !security.is_empty();
        let mut parameters = self.parameters(operation)?;
        self.match_template(path, &mut parameters);
        name_parameters(&mut parameters);
        let path_parts = path_parts(path, &parameters);
        let (body, body_choice) = self.body(operation)?.unzip();
        let (output, success_statuses, success_types) = self.output(operation)?;
        let events_beside = match output {
            Output::Json(_) => self.events_beside(operation)?,
            _ => None,
        };
        let (errors, error_types) = self.errors(operation, &success_statuses)?;
        let servers = self.servers(operation, top_servers);
        let idempotency_header = idempotency_header(&parameters, self.idempotency_header);
        let docs = docs::compose([
            operation.summary.as_deref(),
            operation.description.as_deref(),
            Some(&format!("`{} {path}`", method.as_str())),
            body_choice.flatten().as_deref(),
            argument_docs(&parameters, body.as_ref()).as_deref(),
        ]);
        Ok(Operation {
            id: names.id,
            method_name: Ident::new(names.method_name),
            type_name: names.type_name,
            error_type: names.error_type,
            http_method: method,
            path: path.to_owned(),
            path_parts,
            docs,
            deprecated: operation.deprecated,
            parameters,
            body,
            output,
            success_statuses,
            accept: bodies::accept(&success_types, &error_types),
            errors,
            security,
            servers,
            mentions_deprecated: false,
            idempotency_header,
            tags: operation.tags.clone(),
            events_beside,
        })
    }

    /// The events a success documenting JSON may come as instead: the
    /// first 2XX response that lists `text/event-stream` beside JSON.
    fn events_beside(
        &mut self,
        operation: &'l openapiv3::Operation,
    ) -> Result<Option<EventsBeside>> {
        for (code, response) in &operation.responses.responses {
            let status = status_match(code);
            if !is_class(status, 2) {
                continue;
            }
            let at = format!("{}/responses/{}", self.at, status_key(status));
            let response = resolve_component(
                components(self.openapi, |c| &c.responses),
                response,
                "responses",
                &at,
                self.cx,
            )?;
            let Some((media_type, content)) = bodies::events_beside_json(&response.content) else {
                continue;
            };
            let content_at = format!("{at}/content/{}", pointer::escape(media_type));
            let hint = format!("{}Event", self.type_name);
            let data = self.event_data(content, &hint, &content_at);
            return Ok(Some(EventsBeside { data }));
        }
        Ok(None)
    }

    /// The type of the data of the events of a `text/event-stream` media
    /// type at `content_at` ([`events::event_data`]); `None` for text.
    fn event_data(
        &mut self,
        content: &openapiv3::MediaType,
        hint: &str,
        content_at: &str,
    ) -> Option<TypeRef> {
        let schemas = components(self.openapi, |c| &c.schemas);
        let (data, note) = events::event_data(content, content_at, schemas);
        if let Some((at, message)) = note {
            self.cx.warn(&at, message);
        }
        let (schema, at) = data?;
        let ty = self.schemas.type_of(&schema, hint, &at, self.cx);
        let target = bodies::without_aliases(&ty, &self.schemas.models);
        bodies::event_data(ty, &target)
    }

    /// Warns at each `itemSchema` of `content` (of a response, or of the
    /// request body, at `at`) that is not read.
    fn warn_unread_item_schemas(
        &mut self,
        content: &IndexMap<String, openapiv3::MediaType>,
        in_response: bool,
        at: &str,
    ) {
        for media_type in bodies::unread_item_schemas(content, in_response) {
            let item_at = format!("{at}/content/{}/itemSchema", pointer::escape(media_type));
            self.cx.warn(
                &item_at,
                "`itemSchema` is not read here: only a response's server-sent events are read \
                 item by item; this body is read or sent whole, as its `schema` (or media type) says",
            );
        }
    }

    /// The operation's parameters, not named yet.
    fn parameters(&mut self, operation: &openapiv3::Operation) -> Result<Vec<Parameter>> {
        let mut out = Vec::new();
        for (index, parameter) in operation.parameters.iter().enumerate() {
            let at = format!("{}/parameters/{index}", self.at);
            let parameter = resolve_component(
                components(self.openapi, |c| &c.parameters),
                parameter,
                "parameters",
                &at,
                self.cx,
            )?;
            if let Some(lowered) = self.parameter(parameter, &at) {
                out.push(lowered);
            }
        }
        Ok(out)
    }

    /// Header parameters OpenAPI says to ignore, since the client sets them
    /// itself: `Accept`, `Content-Type`, and `Authorization` when a security
    /// scheme provides it. An operation that declares `Authorization` as a
    /// parameter but no security scheme (many generated specs do) keeps it
    /// as an argument: ignoring it would leave no way to authenticate.
    fn sets_header_itself(&self, name: &str) -> bool {
        match name.to_ascii_lowercase().as_str() {
            "accept" | "content-type" => true,
            "authorization" => self.schemes_authorize,
            _ => false,
        }
    }

    fn parameter(&mut self, parameter: &SpecParameter, at: &str) -> Option<Parameter> {
        let (data, location, explode_default) = match parameter {
            SpecParameter::Query { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Query, true)
            }
            SpecParameter::Header { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Header, false)
            }
            SpecParameter::Path { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Path, false)
            }
            SpecParameter::Cookie { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Cookie, true)
            }
        };
        if location == ParameterLocation::Header && self.sets_header_itself(&data.name) {
            return None;
        }
        let hint = format!("{}{}", self.type_name, type_name(&data.name, "Parameter"));
        let (ty, from_content) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (
                self.schemas
                    .type_of(schema, &hint, &format!("{at}/schema"), self.cx),
                false,
            ),
            ParameterSchemaOrContent::Content(_) => {
                self.cx
                    .warn(at, "parameters with `content` are sent as JSON text");
                (TypeRef::Json, true)
            }
        };
        let encoding = if from_content {
            ParameterEncoding::Json
        } else {
            let explode = data.explode.unwrap_or(explode_default);
            initial_encoding(&ty, Style::of(parameter, location, explode))
        };
        Some(Parameter {
            rust_name: Ident::default(),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParameterLocation::Path,
            encoding,
            docs: docs::compose([data.description.as_deref()]),
            deprecated: data.deprecated.unwrap_or(false),
        })
    }

    /// Makes the path parameters those the template names: a `{name}` no
    /// parameter declares becomes a required string parameter, with a
    /// warning; a declared one the template does not name is dropped.
    fn match_template(&mut self, path: &str, parameters: &mut Vec<Parameter>) {
        let variables: Vec<&str> = template(path)
            .filter_map(|(_, variable)| variable)
            .collect();
        parameters.retain(|p| {
            p.location != ParameterLocation::Path || variables.contains(&p.wire_name.as_str())
        });
        for (index, wire) in variables.iter().enumerate() {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.wire_name == *wire);
            if declared || variables[..index].contains(wire) {
                continue;
            }
            self.cx.warn(
                self.at,
                format!("path parameter `{wire}` is not declared; taken as a string"),
            );
            parameters.push(Parameter {
                rust_name: Ident::default(),
                wire_name: (*wire).to_owned(),
                location: ParameterLocation::Path,
                ty: TypeRef::String,
                required: true,
                encoding: ParameterEncoding::Display,
                docs: String::new(),
                deprecated: false,
            });
        }
    }

    /// The request body, and a note on the media type chosen when there
    /// were several.
    fn body(
        &mut self,
        operation: &openapiv3::Operation,
    ) -> Result<Option<(RequestBody, Option<String>)>> {
        let Some(body) = &operation.request_body else {
            return Ok(None);
        };
        let at = format!("{}/requestBody", self.at);
        let body = resolve_component(
            components(self.openapi, |c| &c.request_bodies),
            body,
            "requestBodies",
            &at,
            self.cx,
        )?;
        self.warn_unread_item_schemas(&body.content, false, &at);
        let Some((media_type, content)) = bodies::choose(&body.content) else {
            self.cx
                .warn(&at, "the request body lists no media type; it is left out");
            return Ok(None);
        };
        let kind = MediaKind::of(media_type);
        let ty = match (kind, &content.schema) {
            // Raw bodies are taken as they are, whatever their schema says.
            (MediaKind::Text, _) => TypeRef::String,
            (MediaKind::Bytes, _) => TypeRef::Bytes,
            (_, Some(schema)) => {
                let hint = format!("{}Body", self.type_name);
                let content_at = format!("{at}/content/{}/schema", pointer::escape(media_type));
                self.schemas.type_of(schema, &hint, &content_at, self.cx)
            }
            (_, None) => TypeRef::Json,
        };
        let all: Vec<&String> = body.content.keys().collect();
        let lowered = RequestBody {
            encoding: bodies::encoding(kind, &ty, &self.schemas.models),
            ty,
            required: body.required,
            media_type: bodies::sent_media_type(media_type),
            docs: docs::compose([body.description.as_deref()]),
        };
        Ok(Some((lowered, bodies::choice_docs(media_type, &all))))
    }

    /// The output, the statuses that count as success and the media types
    /// of success bodies the client decodes.
    fn output(
        &mut self,
        operation: &'l openapiv3::Operation,
    ) -> Result<(Output, Vec<StatusMatch>, Vec<String>)> {
        let responses_of = |class: u16| -> Vec<(StatusMatch, &ReferenceOr<Response>)> {
            operation
                .responses
                .responses
                .iter()
                .map(|(code, response)| (status_match(code), response))
                .filter(|(status, _)| is_class(*status, class))
                .collect()
        };
        let mut success = responses_of(2);
        if success.is_empty() {
            let redirects = responses_of(3);
            if redirects.is_empty() {
                return Ok((Output::Empty, vec![StatusMatch::Class(2)], Vec::new()));
            }
            // A redirect documented with a body (`{"redirect_to": …}`, and
            // often no `Location` header) is the operation's answer: it is
            // decoded like a success. Without a body it is the `Location`.
            if !redirects.iter().any(|(_, response)| has_body(response)) {
                let statuses = redirects.into_iter().map(|(status, _)| status).collect();
                return Ok((Output::Redirect, statuses, Vec::new()));
            }
            success = redirects;
        }
        let statuses = success.iter().map(|(s, _)| *s).collect();
        let mut outputs = Vec::new();
        let mut media_types = Vec::new();
        for (status, response) in &success {
            let hint = format!("{}Response", self.type_name);
            let (_, body, types) = self.response_body(*status, response, &hint)?;
            media_types.extend(types);
            let output = match body {
                ResponseBody::None => continue,
                ResponseBody::Json(ty) => Output::Json(ty),
                ResponseBody::Text => Output::Text,
                ResponseBody::Bytes => Output::Bytes,
                ResponseBody::Events(data) => Output::Events(data),
            };
            if !outputs.contains(&output) {
                outputs.push(output);
            }
        }
        let output = match outputs.as_slice() {
            [] => Output::Empty,
            [only] => only.clone(),
            _ => {
                self.cx.warn(
                    &format!("{}/responses", self.at),
                    "success responses have different bodies; decoded as serde_json::Value",
                );
                Output::Json(TypeRef::Json)
            }
        };
        Ok((output, statuses, media_types))
    }

    /// A response's description, what its body decodes into and the
    /// `Accept` items that ask for it (see [`bodies::response_reading`]).
    fn response_body(
        &mut self,
        status: StatusMatch,
        response: &'l ReferenceOr<Response>,
        hint: &str,
    ) -> Result<(&'l str, ResponseBody, Vec<String>)> {
        let at = format!("{}/responses/{}", self.at, status_key(status));
        let response = resolve_component(
            components(self.openapi, |c| &c.responses),
            response,
            "responses",
            &at,
            self.cx,
        )?;
        let description = response.description.as_str();
        if response.content.is_empty() {
            return Ok((description, ResponseBody::None, Vec::new()));
        }
        if status == StatusMatch::Code(204) {
            self.cx.warn(
                &at,
                "a 204 response has no content by definition; the declared body is ignored",
            );
            return Ok((description, ResponseBody::None, Vec::new()));
        }
        let all: Vec<String> = response.content.keys().cloned().collect();
        self.warn_unread_item_schemas(&response.content, true, &at);
        if let Some((media_type, content)) = bodies::event_stream_source(&response.content) {
            let content_at = format!("{at}/content/{}", pointer::escape(media_type));
            let data = self.event_data(content, hint, &content_at);
            let body = ResponseBody::Events(data);
            return Ok((description, body, vec![bodies::EVENT_STREAM.to_owned()]));
        }
        let Some((media_type, content)) = bodies::schema_source(&response.content) else {
            let text = all.iter().all(|m| MediaKind::of(m) == MediaKind::Text);
            let body = if text {
                ResponseBody::Text
            } else {
                ResponseBody::Bytes
            };
            return Ok((description, body, all));
        };
        let content_at = format!("{at}/content/{}", pointer::escape(media_type));
        let ty = match &content.schema {
            Some(schema) => {
                self.schemas
                    .type_of(schema, hint, &format!("{content_at}/schema"), self.cx)
            }
            None => {
                self.cx.warn(
                    &content_at,
                    "response has no schema (only an example); decoded as serde_json::Value",
                );
                TypeRef::Json
            }
        };
        let (body, accept) = self.reading(ty, &all);
        Ok((description, body, accept))
    }

    /// How a body of type `ty` under these media types is read, and the
    /// `Accept` items for it; a type that is an alias of a string or of
    /// binary content is read like one.
    fn reading(&self, ty: TypeRef, media_types: &[String]) -> (ResponseBody, Vec<String>) {
        let target = bodies::without_aliases(&ty, &self.schemas.models);
        match bodies::response_reading(&target, media_types) {
            (ResponseBody::Json(_), accept) => (ResponseBody::Json(ty), accept),
            other => other,
        }
    }

    /// The error responses, and the media types of their bodies the client
    /// reads.
    fn errors(
        &mut self,
        operation: &'l openapiv3::Operation,
        success: &[StatusMatch],
    ) -> Result<(Vec<ErrorResponse>, Vec<String>)> {
        let mut scope = NameScope::default();
        let mut entries: Vec<(StatusMatch, &ReferenceOr<Response>)> = operation
            .responses
            .responses
            .iter()
            .map(|(code, response)| (status_match(code), response))
            .filter(|(status, _)| !success.contains(status) && !is_class(*status, 2))
            .collect();
        if let Some(default) = &operation.responses.default {
            entries.push((StatusMatch::Default, default));
        }
        entries.sort_by_key(|(status, _)| *status);
        let mut out = Vec::new();
        let mut media_types = Vec::new();
        for (status, response) in entries {
            let variant = scope.claim(variant_for(status));
            let hint = format!("{}{variant}", self.type_name);
            let (description, body, types) = self.response_body(status, response, &hint)?;
            media_types.extend(types);
            // Non-JSON error bodies stay available as the raw response body.
            let body = match body {
                ResponseBody::Json(ty) => Some(ty),
                _ => None,
            };
            out.push(ErrorResponse {
                status,
                docs: docs::compose([
                    Some(description),
                    Some(&format!("Status `{}`.", status_key(status))),
                ]),
                variant,
                body,
            });
        }
        Ok((out, media_types))
    }

    /// Alternatives naming a scheme the client cannot send are kept: the
    /// runtime then reports the missing credential instead of calling
    /// without one.
    fn security(
        &mut self,
        operation: &openapiv3::Operation,
        schemes: &[SecurityScheme],
    ) -> Vec<Vec<String>> {
        let Some(requirements) = &operation.security else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for requirement in requirements {
            let keys: Vec<String> = requirement.keys().cloned().collect();
            if let Some(unknown) = keys.iter().find(|k| !schemes.iter().any(|s| &s.key == *k)) {
                self.cx.warn(
                    &format!("{}/security", self.at),
                    format!("security scheme `{unknown}` is not defined or not supported; calls needing it fail with a missing-credentials error"),
                );
            }
            out.push(keys);
        }
        out
    }

    fn servers(&mut self, operation: &openapiv3::Operation, top: &[Server]) -> Vec<String> {
        let urls = servers::urls(&operation.servers);
        let same_as_top = urls.len() == top.len() && urls.iter().zip(top).all(|(u, s)| *u == s.url);
        if same_as_top {
            Vec::new()
        } else {
            urls
        }
    }
}

/// The pieces of a path template: literal text, then the variable after
/// it (if any).
fn template(path: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let text = rest?;
        let variable = text.find('{').and_then(|open| {
            let close = open + text[open..].find('}')?;
            Some((open, close))
        });
        Some(match variable {
            Some((open, close)) => {
                rest = Some(&text[close + 1..]);
                (&text[..open], Some(&text[open + 1..close]))
            }
            None => {
                rest = None;
                (text, None)
            }
        })
    })
}

/// The header that carries the operation's idempotency key: a header
/// parameter named `name` (the configuration's, `Idempotency-Key` by
/// default), matched without regard to case.
fn idempotency_header(parameters: &[Parameter], name: &str) -> Option<String> {
    parameters
        .iter()
        .find(|p| p.location == ParameterLocation::Header && p.wire_name.eq_ignore_ascii_case(name))
        .map(|p| p.wire_name.clone())
}

/// The template as literals and the Rust names of its variables.
fn path_parts(path: &str, parameters: &[Parameter]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    for (literal, variable) in template(path) {
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal.to_owned()));
        }
        let Some(wire) = variable else {
            continue;
        };
        let rust_name = parameters
            .iter()
            .find(|p| p.location == ParameterLocation::Path && p.wire_name == wire)
            .map_or_else(
                || Ident::new(value_name(wire, "parameter")),
                |p| p.rust_name.clone(),
            );
        parts.push(PathPart::Parameter(rust_name));
    }
    parts
}

/// An `# Arguments` section for the method's required inputs, whose
/// descriptions would otherwise appear nowhere.
fn argument_docs(parameters: &[Parameter], body: Option<&RequestBody>) -> Option<String> {
    let mut lines: Vec<String> = parameters
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let text = if p.docs.is_empty() {
                format!("the `{}` parameter", p.wire_name)
            } else {
                p.docs.replace('\n', " ")
            };
            format!("- `{}`: {text}", p.rust_name.bare())
        })
        .collect();
    if let Some(body) = body.filter(|b| b.required) {
        let text = if body.docs.is_empty() {
            "the request body".to_owned()
        } else {
            body.docs.replace('\n', " ")
        };
        lines.push(format!("- `body`: {text}"));
    }
    (!lines.is_empty()).then(|| format!("# Arguments\n\n{}", lines.join("\n")))
}

/// What the spec says about how a parameter is written.
#[derive(Clone, Copy)]
struct Style {
    location: ParameterLocation,
    deep_object: bool,
    explode: bool,
}

impl Style {
    fn of(parameter: &SpecParameter, location: ParameterLocation, explode: bool) -> Style {
        let deep_object = matches!(
            parameter,
            SpecParameter::Query {
                style: QueryStyle::DeepObject,
                ..
            }
        );
        Style {
            location,
            deep_object,
            explode,
        }
    }
}

/// The encoding the spec's style asks for, settled once every model is
/// known (`passes::settle_parameters`, which keeps plain text for types
/// that have a text form): arrays are lists, query values `deepObject` or
/// `form`, other values `simple`.
fn initial_encoding(ty: &TypeRef, style: Style) -> ParameterEncoding {
    let explode = style.explode;
    match (ty, style.location) {
        (TypeRef::List(_), _) => ParameterEncoding::List { explode },
        (_, ParameterLocation::Query) if style.deep_object => ParameterEncoding::DeepObject,
        (_, ParameterLocation::Query) => ParameterEncoding::Form { explode },
        _ => ParameterEncoding::Simple { explode },
    }
}

fn status_match(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(code) => StatusMatch::Code(*code),
        StatusCode::Range(class) => StatusMatch::Class(*class),
    }
}

fn is_class(status: StatusMatch, class: u16) -> bool {
    match status {
        StatusMatch::Code(code) => code / 100 == class,
        StatusMatch::Class(c) => c == class,
        StatusMatch::Default => false,
    }
}

fn status_key(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Class(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

/// Error variant names from the status's reason phrase.
fn variant_for(status: StatusMatch) -> String {
    let reason = match status {
        StatusMatch::Code(code) => reason_phrase(code)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Status {code}")),
        StatusMatch::Class(4) => "Client Error".to_owned(),
        StatusMatch::Class(5) => "Server Error".to_owned(),
        StatusMatch::Class(class) => format!("Status {class}xx"),
        StatusMatch::Default => "Other".to_owned(),
    };
    type_name(&reason, "Status")
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}
