//! `operations.rs`: for each operation a marker type, its error enum, how its
//! responses decode, the client method and the call's setters.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::features::{allow_unused_imports, gate};
use crate::emit::tokens::{allow_many_arguments, docs, ident, parameters, rust_type, Scope};
use crate::ir::{
    BodyEncoding, ErrorResponse, Features, Operation, Output, Parameter, ParameterEncoding,
    ParameterLocation, PartSource, PathPart, RequestBody, StatusMatch, TypeRef,
};
use crate::surface::{CallSetter, OperationSurface, SharedErrors};

/// The operations module.
pub fn operations_file(
    operations: &[Operation],
    surfaces: &[OperationSurface],
    shared_errors: &[SharedErrors],
    features: &Features,
) -> TokenStream {
    let items = operations
        .iter()
        .zip(surfaces)
        .map(|(op, s)| gate(operation(op, s), features.of_operation(&op.id)));
    let allow_unused = allow_unused_imports(!features.tags.is_empty());
    // An API may have no operations at all (only webhooks or schemas).
    let runtime_imports =
        (!operations.is_empty()).then(|| {
            quote!(
                use crate::runtime::{
                    Call, Client, Error, Method, Operation, OperationInfo, RawResponse,
                };
            )
        });
    let uses_models = operations
        .iter()
        .flat_map(Operation::types)
        .any(TypeRef::mentions_model)
        .then(|| {
            quote!(
                use crate::models;
            )
        });
    let helpers = runtime_helpers(operations);
    let file_unions = file_union_impls(operations, features);
    let shared = shared_error_module(operations, surfaces, shared_errors, features);
    quote! {
        //! One marker type per API operation, with its documented errors; the
        //! operations themselves are methods on [`Client`].

        #allow_unused

        #uses_models
        #helpers
        #runtime_imports

        #(#items)*

        #file_unions
        #shared
    }
}

/// The private `errors` module: the error enums operations share, each
/// compiled when one of its operations is.
fn shared_error_module(
    operations: &[Operation],
    surfaces: &[OperationSurface],
    shared_errors: &[SharedErrors],
    features: &Features,
) -> TokenStream {
    if shared_errors.is_empty() {
        return quote!();
    }
    let enums = shared_errors.iter().filter_map(|shared| {
        let first = *shared.operations.first()?;
        let allow_deprecated = shared
            .operations
            .iter()
            .any(|&i| surfaces[i].allow_deprecated)
            .then(|| quote!(#[allow(deprecated)]));
        let docs = "Error responses documented for several operations; each names this \
                    enum by its own alias.";
        let item = error_enum(&shared.name, docs, &operations[first], &allow_deprecated);
        Some(gate(item, &features_of_all(shared, operations, features)))
    });
    quote! {
        /// Error enums that several operations share, each named by the
        /// operations' own aliases: one enum compiles for all of them.
        mod errors {
            #[allow(unused_imports)]
            use super::*;

            #(#enums)*
        }
    }
}

/// The features that compile one of the operations of `shared`: none (always
/// compiled) when one of them always is.
fn features_of_all(
    shared: &SharedErrors,
    operations: &[Operation],
    features: &Features,
) -> Vec<String> {
    crate::emit::features::any_of(
        shared
            .operations
            .iter()
            .map(|&index| features.of_operation(&operations[index].id)),
    )
}

/// `use` of the runtime's parameter helpers that some operation needs.
fn runtime_helpers(operations: &[Operation]) -> TokenStream {
    let parameters = || operations.iter().flat_map(|op| op.parameters.iter());
    let mut helpers = Vec::new();
    if operations.iter().any(|op| {
        op.path_parts
            .iter()
            .any(|p| matches!(p, PathPart::Parameter(_)))
    }) {
        helpers.push(quote!(path_segment));
    }
    if parameters().any(|p| {
        matches!(p.encoding, ParameterEncoding::List { .. })
            && p.location != ParameterLocation::Query
    }) {
        helpers.push(quote!(comma_separated));
    }
    if parameters().any(|p| {
        p.encoding == ParameterEncoding::Json
            || (is_structured(p.encoding) && p.location != ParameterLocation::Query)
    }) {
        helpers.push(quote!(json_text));
    }
    if parameters().any(|p| matches!(p.encoding, ParameterEncoding::Simple { .. })) {
        helpers.push(quote!(simple_text));
    }
    if helpers.is_empty() {
        return quote!();
    }
    quote!(use crate::runtime::serde_support::{#(#helpers),*};)
}

/// Encodings written through a JSON value of the parameter.
fn is_structured(encoding: ParameterEncoding) -> bool {
    matches!(
        encoding,
        ParameterEncoding::Form { .. } | ParameterEncoding::DeepObject
    )
}

fn operation(op: &Operation, surface: &OperationSurface) -> TokenStream {
    let allow_deprecated = surface
        .allow_deprecated
        .then(|| quote!(#[allow(deprecated)]));
    let marker = marker_type(surface);
    let errors = match &surface.shared_errors {
        Some(shared) => error_alias(surface, shared),
        None => error_enum(
            &surface.error_type,
            &surface.error_docs,
            op,
            &allow_deprecated,
        ),
    };
    let implementation = operation_impl(op, &allow_deprecated);
    let events_beside = events_beside_impl(op, &allow_deprecated);
    let method = client_method(op, surface, &allow_deprecated);
    let setters = setters(op, surface, &allow_deprecated);
    quote! {
        #marker
        #errors
        #implementation
        #events_beside
        #method
        #setters
    }
}

fn marker_type(surface: &OperationSurface) -> TokenStream {
    let name = ident(&surface.marker);
    let doc = format!(" {}", surface.marker_docs);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct #name;
    }
}

/// `pub type <Op>Error = errors::<Shared>;`, for an operation whose errors
/// another operation documents the same way.
fn error_alias(surface: &OperationSurface, shared: &str) -> TokenStream {
    let name = ident(&surface.error_type);
    let shared = ident(shared);
    let doc = format!(" {}", surface.error_docs);
    quote! {
        #[doc = #doc]
        pub type #name = errors::#shared;
    }
}

/// The enum `name` of `op`'s documented errors.
fn error_enum(
    name: &str,
    docs_text: &str,
    op: &Operation,
    allow_deprecated: &Option<TokenStream>,
) -> TokenStream {
    let name = ident(name);
    let doc = format!(" {docs_text}");
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let docs = docs(&e.docs);
        match &e.body {
            Some(ty) => {
                let ty = rust_type(ty, Scope::Crate);
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    });
    quote! {
        #[doc = #doc]
        // Sizes vary with the documented bodies; the enum already travels
        // boxed inside `Error::Api`.
        #[allow(clippy::large_enum_variant)]
        #allow_deprecated
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            // Without a variant holding data, an enum of unit variants can
            // be cast to an integer with `as`, and documenting an error
            // body later would break that cast. This one cannot be built.
            #[doc(hidden)]
            __NeverConstructed(std::convert::Infallible),
        }
    }
}

fn operation_impl(op: &Operation, allow_deprecated: &Option<TokenStream>) -> TokenStream {
    let name = ident(&op.type_name);
    let error = ident(&op.error_type);
    let output = output_type(&op.output, &error);
    let id = &op.id;
    let method = ident(op.http_method.as_str());
    let path = &op.path;
    let security = op
        .security
        .iter()
        .map(|alternative| quote!(&[#(#alternative),*]));
    let servers = &op.servers;
    let accept = op.accept.join(", ");
    let idempotency = match &op.idempotency_header {
        Some(header) => quote!(Some(crate::runtime::Idempotency {
            header: #header,
            new_key: crate::runtime::new_idempotency_key,
        })),
        None => quote!(None),
    };
    let arms = decode_arms(op);
    // A code listed beside its class (`400` and `4XX`) is matched first,
    // as intended; clippy would flag the overlap.
    let overlapping = op_statuses(op).any(|s| match s {
        StatusMatch::Code(code) => op_statuses(op).any(|o| o == StatusMatch::Class(code / 100)),
        _ => false,
    });
    let allow_overlap = overlapping.then(|| quote!(#[allow(clippy::match_overlapping_arm)]));
    let streaming = streaming_items(op);
    quote! {
        #allow_deprecated
        impl Operation for #name {
            type Output = #output;
            type Error = #error;
            const INFO: OperationInfo = OperationInfo {
                id: #id,
                method: Method::#method,
                path_template: #path,
                security: &[#(#security),*],
                servers: &[#(#servers),*],
                accept: #accept,
                idempotency: #idempotency,
            };

            #allow_overlap
            fn decode(response: RawResponse) -> Result<Self::Output, Error<Self::Error>> {
                match response.status().as_u16() {
                    #(#arms)*
                }
            }

            #streaming
        }
    }
}

/// For outputs read as they arrive (events, and binary bodies, which can
/// be): which statuses are successes, and how a success streams.
fn streaming_items(op: &Operation) -> TokenStream {
    let patterns = op.success_statuses.iter().map(|s| status_pattern(*s));
    let is_success = quote! {
        fn is_success(status: crate::runtime::StatusCode) -> bool {
            matches!(status.as_u16(), #(#patterns)|*)
        }
    };
    match &op.output {
        Output::Events(data) => {
            let decode = event_decoder(data.as_ref());
            quote! {
                const STREAMS: bool = true;

                #is_success

                fn decode_streaming(
                    response: crate::runtime::StreamingResponse,
                ) -> Result<Self::Output, Error<Self::Error>> {
                    Ok(response.events(#decode))
                }
            }
        }
        Output::Bytes => is_success,
        _ if op.events_beside.is_some() => is_success,
        _ => quote!(),
    }
}

/// `EventStreaming` for an operation whose JSON success may come as
/// server-sent events instead.
fn events_beside_impl(op: &Operation, allow_deprecated: &Option<TokenStream>) -> TokenStream {
    let Some(events) = &op.events_beside else {
        return quote!();
    };
    let name = ident(&op.type_name);
    let data = events
        .data
        .as_ref()
        .map_or_else(|| quote!(String), |ty| rust_type(ty, Scope::Crate));
    let decode = match &events.data {
        Some(_) => quote!(data.json()),
        None => quote!(data.event_text()),
    };
    quote! {
        #allow_deprecated
        impl crate::runtime::EventStreaming for #name {
            type Data = #data;

            fn decode_event(data: RawResponse) -> Result<Self::Data, Error<Self::Error>> {
                #decode
            }
        }
    }
}

/// How each event's data decodes: as JSON, or as text.
fn event_decoder(data: Option<&TypeRef>) -> TokenStream {
    match data {
        Some(_) => quote!(RawResponse::json),
        None => quote!(RawResponse::event_text),
    }
}

fn op_statuses(op: &Operation) -> impl Iterator<Item = StatusMatch> + '_ {
    op.success_statuses
        .iter()
        .copied()
        .chain(op.errors.iter().map(|e| e.status))
}

fn output_type(output: &Output, error: &proc_macro2::Ident) -> TokenStream {
    match output {
        Output::Empty => quote!(()),
        Output::Json(ty) => rust_type(ty, Scope::Crate),
        Output::Redirect => quote!(crate::runtime::Redirect),
        Output::Text => quote!(String),
        Output::Bytes => quote!(crate::runtime::Bytes),
        Output::Events(data) => {
            let data = data
                .as_ref()
                .map_or_else(|| quote!(String), |ty| rust_type(ty, Scope::Crate));
            quote!(crate::runtime::EventStream<#data, #error>)
        }
    }
}

/// Match arms from most to least specific: codes, classes, then the rest.
fn decode_arms(op: &Operation) -> Vec<TokenStream> {
    let success_decode = match &op.output {
        Output::Empty => quote!(response.empty()),
        Output::Json(_) => quote!(response.json()),
        Output::Redirect => quote!(response.redirect()),
        Output::Text => quote!(response.text_body()),
        Output::Bytes => quote!(response.bytes_body()),
        Output::Events(data) => {
            let decode = event_decoder(data.as_ref());
            quote!(response.events(#decode))
        }
    };
    let mut arms: Vec<(StatusMatch, TokenStream)> = op
        .success_statuses
        .iter()
        .map(|status| (*status, success_decode.clone()))
        .collect();
    arms.extend(op.errors.iter().map(|e| (e.status, error_decode(op, e))));
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms
        .iter()
        .any(|(status, _)| *status == StatusMatch::Default);
    let mut out: Vec<TokenStream> = arms
        .into_iter()
        .map(|(status, decode)| {
            let pattern = status_pattern(status);
            quote!(#pattern => #decode,)
        })
        .collect();
    if !has_default {
        out.push(quote!(_ => response.unexpected(),));
    }
    out
}

fn error_decode(op: &Operation, error: &ErrorResponse) -> TokenStream {
    let enum_name = ident(&op.error_type);
    let variant = ident(&error.variant);
    match &error.body {
        Some(_) => quote!(response.fail_json(#enum_name::#variant)),
        None => quote!(response.fail(#enum_name::#variant)),
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Class(class) => {
            let low = Literal::u16_unsuffixed(class * 100);
            let high = Literal::u16_unsuffixed(class * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn client_method(
    op: &Operation,
    surface: &OperationSurface,
    allow_deprecated: &Option<TokenStream>,
) -> TokenStream {
    let method = &surface.client_method;
    let name = ident(&method.name);
    let marker = ident(&surface.marker);
    let docs = docs(&method.docs);
    let deprecated = method.deprecated.then(|| quote!(#[deprecated]));
    let arguments = parameters(method, Scope::Crate);
    let path = path_expression(op);
    let pushes = op
        .arguments()
        .into_iter()
        .filter(|p| p.location != ParameterLocation::Path)
        .map(parameter_push);
    let body_push = op.body.as_ref().filter(|b| b.required).map(body_push);
    let too_many = allow_many_arguments(method, true);
    quote! {
        #allow_deprecated
        impl Client {
            #docs
            #deprecated
            #too_many
            pub fn #name(&self #(, #arguments)*) -> Call<'_, #marker> {
                Call::new(self, #path) #(#pushes)* #body_push
            }
        }
    }
}

fn path_expression(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut values = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathPart::Parameter(name) => {
                template.push_str("{}");
                let value = op
                    .parameters
                    .iter()
                    .find(|p| p.location == ParameterLocation::Path && p.rust_name == *name)
                    .map_or_else(
                        || {
                            let name = ident(name);
                            quote!(#name)
                        },
                        parameter_text,
                    );
                values.push(quote!(path_segment(#value)));
            }
        }
    }
    if values.is_empty() {
        quote!(#template.to_owned())
    } else {
        quote!(format!(#template, #(#values),*))
    }
}

/// The builder call that sets the body, `body` holding its value.
fn body_push(body: &RequestBody) -> TokenStream {
    let media_type = &body.media_type;
    match &body.encoding {
        BodyEncoding::Json => quote!(.json_body(body, #media_type)),
        BodyEncoding::Form => quote!(.form_body(body, #media_type)),
        BodyEncoding::Text => quote!(.text_body(body, #media_type)),
        BodyEncoding::Bytes => quote!(.bytes_body(body, #media_type)),
        BodyEncoding::Multipart { parts, .. } => {
            let parts = parts.iter().map(part_push);
            quote! {
                .multipart_body(
                    crate::runtime::Multipart::new() #(#parts)*,
                    #media_type,
                )
            }
        }
    }
}

/// `Files` for the unions of files multipart bodies hold, once each.
fn file_union_impls(operations: &[Operation], features: &Features) -> TokenStream {
    let mut seen: Vec<&str> = Vec::new();
    let mut impls = Vec::new();
    let unions = operations
        .iter()
        .filter_map(|op| match op.body.as_ref().map(|b| &b.encoding) {
            Some(BodyEncoding::Multipart { file_unions, .. }) => Some(file_unions),
            _ => None,
        })
        .flatten();
    for union in unions {
        if seen.contains(&union.name.as_str()) {
            continue;
        }
        seen.push(&union.name);
        let name = ident(&union.name);
        let variants = union.variants.iter().map(|v| ident(v));
        let files_impl = quote! {
            impl crate::runtime::Files for models::#name {
                fn each_file<'a>(&'a self, visit: &mut dyn FnMut(&'a crate::runtime::FilePart)) {
                    match self {
                        #(Self::#variants(files) => crate::runtime::Files::each_file(files, visit),)*
                    }
                }
            }
        };
        impls.push(gate(files_impl, features.of_model(&union.name)));
    }
    quote!(#(#impls)*)
}

/// The multipart builder call that adds the parts of one source.
fn part_push(source: &PartSource) -> TokenStream {
    match source {
        PartSource::File {
            rust_name,
            wire_name,
        } => {
            let field = ident(rust_name);
            quote!(.file(#wire_name, &body.#field))
        }
        PartSource::Value {
            rust_name,
            wire_name,
        } => {
            let field = ident(rust_name);
            quote!(.value(#wire_name, &body.#field))
        }
        PartSource::Members {
            rust_name: Some(rust_name),
        } => {
            let field = ident(rust_name);
            quote!(.members(&body.#field))
        }
        PartSource::Members { rust_name: None } => quote!(.members(body)),
    }
}

/// The builder call that adds one parameter, `name` holding its value.
fn parameter_push(parameter: &Parameter) -> TokenStream {
    let wire = &parameter.wire_name;
    let name = ident(&parameter.rust_name);
    match (parameter.location, parameter.encoding) {
        (ParameterLocation::Query, ParameterEncoding::List { explode }) => {
            return quote!(.query_list(#wire, #name, #explode));
        }
        (ParameterLocation::Query, ParameterEncoding::Form { explode }) => {
            return quote!(.query_form(#wire, #name, #explode));
        }
        (ParameterLocation::Query, ParameterEncoding::DeepObject) => {
            return quote!(.query_deep_object(#wire, #name));
        }
        _ => {}
    }
    let value = parameter_text(parameter);
    match parameter.location {
        ParameterLocation::Query => quote!(.query(#wire, #value)),
        ParameterLocation::Header => quote!(.header_parameter(#wire, #value)),
        ParameterLocation::Cookie => quote!(.cookie(#wire, #value)),
        ParameterLocation::Path => quote!(),
    }
}

/// An expression for the parameter's value in a `Display` form.
fn parameter_text(parameter: &Parameter) -> TokenStream {
    let name = ident(&parameter.rust_name);
    match parameter.encoding {
        ParameterEncoding::Display => quote!(#name),
        ParameterEncoding::DateTime => quote!(#name.to_rfc3339()),
        ParameterEncoding::List { .. } => quote!(comma_separated(#name)),
        ParameterEncoding::Simple { explode } => quote!(simple_text(#name, #explode)),
        // Query encodings are for query values; elsewhere the lowering never
        // chooses them, and JSON text is the safe reading.
        ParameterEncoding::Json
        | ParameterEncoding::Form { .. }
        | ParameterEncoding::DeepObject => {
            quote!(json_text(#name))
        }
    }
}

fn setters(
    op: &Operation,
    surface: &OperationSurface,
    allow_deprecated: &Option<TokenStream>,
) -> TokenStream {
    if surface.setters.is_empty() {
        return quote!();
    }
    let marker = ident(&surface.marker);
    let methods = surface.setters.iter().map(|setter| call_setter(op, setter));
    quote! {
        #allow_deprecated
        impl Call<'_, #marker> {
            #(#methods)*
        }
    }
}

fn call_setter(op: &Operation, setter: &CallSetter) -> TokenStream {
    let method = &setter.method;
    let name = ident(&method.name);
    let arguments = parameters(method, Scope::Crate);
    let push = match setter.parameter.and_then(|index| op.parameters.get(index)) {
        Some(parameter) => parameter_push(parameter),
        None => op.body.as_ref().map(body_push).unwrap_or_default(),
    };
    let docs = docs(&method.docs);
    let deprecated = method.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #name(self, #(#arguments),*) -> Self {
            self #push
        }
    }
}
