//! The crate's guide: how to use the client and what its calls do, written
//! once as rustdoc (compiled as doc tests) and reused in the README.

mod streams;

use std::fmt::Write as _;

use crate::ir::{
    Api, ExternalCrate, Ident, Model, ModelKind, Operation, Output, ParameterLocation, Presence,
    TypeRef, Webhooks,
};
use crate::surface::{
    Argument, ModelSurface, OperationSurface, Passing, Surface, WebhooksSurface, SERIALIZE_RECEIVED,
};

/// The guide in rustdoc Markdown, code blocks with hidden `# ` lines. Its
/// examples call the generated methods as the surface describes them.
pub fn guide(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let mut out = usage_example(api, surface, crate_ident);
    out.push_str("\n\n# What calls do\n");
    for section in behaviour_sections(api, surface, crate_ident) {
        out.push('\n');
        out.push_str(&section);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// The guide as README Markdown: hidden lines dropped, headings one level
/// down, code shown but not compiled.
pub fn readme_markdown(guide: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in guide.lines() {
        if line.starts_with("```") {
            out.push_str(if in_code { "```" } else { "```rust,ignore" });
            in_code = !in_code;
        } else if in_code && (line == "#" || line.starts_with("# ")) {
            continue;
        } else if !in_code && line.starts_with('#') {
            out.push('#');
            out.push_str(line);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Building a client, with the API's first environment and the credential
/// most operations ask for.
fn usage_example(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let environment = api
        .servers
        .first()
        .map(|s| format!("{crate_ident}::Environment::{}", s.variant))
        .unwrap_or_else(|| {
            format!("{crate_ident}::Environment::Custom(\"https://api.example.com\".into())")
        });
    let credential = main_scheme(api)
        .and_then(|index| surface.credential_setters.get(index))
        .map(|setter| match setter.arguments.len() {
            2 => format!("\n    .{}(\"user\", \"password\")", setter.name),
            _ => format!("\n    .{}(std::env::var(\"API_TOKEN\")?)", setter.name),
        })
        .unwrap_or_default();
    format!(
        "# Example\n\n\
         Every operation is a method on [`Client`]; optional parameters are set on the\n\
         returned call before awaiting it.\n\n\
         ```no_run\n\
         # async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let client = {crate_ident}::Client::builder()\n    \
         .environment({environment}){credential}\n    \
         .build()?;\n\
         # let _ = client;\n\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

/// The scheme most operations ask for first, by index: the one to show in
/// examples.
fn main_scheme(api: &Api) -> Option<usize> {
    let schemes = api.security_schemes.iter().enumerate();
    let (index, _) = schemes.max_by_key(|(_, scheme)| {
        let uses = api
            .operations
            .iter()
            .filter(|op| {
                op.security
                    .first()
                    .is_some_and(|first| first.contains(&scheme.key))
            })
            .count();
        // Ties go to the first scheme in order (max_by_key keeps the last).
        (uses, std::cmp::Reverse(scheme.key.clone()))
    })?;
    Some(index)
}

fn behaviour_sections(api: &Api, surface: &Surface, crate_ident: &str) -> Vec<String> {
    let mut sections = client_sections(api);
    if let Some(example) = call_example(surface, crate_ident) {
        if let Some(errors) = sections.get_mut(2) {
            errors.push_str(&example);
        }
    }
    if let Some(section) = pagination_section(api, surface, crate_ident) {
        sections.push(section);
    }
    sections.extend(streams::sections(api, surface, crate_ident));
    sections.extend(transport_sections(api, surface));
    sections.push(responses_section());
    sections.push(
        "**Redirects.** The client never follows a redirect, so credentials never reach another \
         host; an operation documented to answer with one returns it as a [`Redirect`]."
            .to_owned(),
    );
    sections.push(models_section(api, surface, crate_ident));
    sections.push(nullable_section(api, surface, crate_ident));
    sections.push(enum_section(api, crate_ident));
    if api.extra_dependencies.contains(&ExternalCrate::RustDecimal) {
        sections.push(
            "**Money.** `format: decimal` numbers are [`Decimal`]s, read from and written to \
             the JSON text exactly, never through `f64`."
                .to_owned(),
        );
    }
    if let Some(section) = webhooks_section(api, surface, crate_ident) {
        sections.push(section);
    }
    sections.push(
        "**Tracing.** Each HTTP attempt runs in a `tracing` span `http_request` with the \
         operation id, method, path template, attempt number and status, and no credentials."
            .to_owned(),
    );
    sections
}

/// Authentication, environments, errors, timeouts and retries: what the
/// client does on every call.
fn client_sections(api: &Api) -> Vec<String> {
    let setters: Vec<String> = api
        .security_schemes
        .iter()
        .map(|s| format!("`{}`", s.setter.bare()))
        .collect();
    vec![
        format!(
            "**Authentication.** [`ClientBuilder`] has one setter per security scheme ({}). \
             Each operation sends the credentials its `security` asks for, and none when it \
             declares `security: []`; a call needing a credential the client was not given \
             fails before sending, with [`Error::MissingCredentials`]. Credentials are \
             [`Secret`]s: redacted in `Debug` output, never in errors or traces.",
            if setters.is_empty() {
                "this API declares none".to_owned()
            } else {
                setters.join(", ")
            }
        ),
        "**Environments.** [`Environment`] has a variant per server of the spec and `Custom` \
         for any other base URL. Operations served from their own hosts follow the chosen \
         environment; [`ClientBuilder::override_server`] and [`Call::base_url`] redirect them."
            .to_owned(),
        "**Errors.** Each operation's error enum (in [`operations`]) has a variant per \
         documented status, carrying the decoded body where the spec documents one. [`Error`] \
         keeps the status, headers and raw body of every error response, and tells transport \
         failures, timeouts and undecodable bodies (with the path where decoding failed) apart. \
         [`Call::send`] returns the status and headers of a success too."
            .to_owned(),
        "**Timeouts.** 60 s per attempt and 10 s to connect unless set with \
         [`ClientBuilder::timeout`], [`ClientBuilder::connect_timeout`] or per call with \
         [`Call::timeout`]."
            .to_owned(),
        "**Retries.** Connection failures, 408, 429 and 5xx responses are retried (twice by \
         default) with exponential backoff and jitter, honouring `Retry-After`; only idempotent \
         methods unless a call opts in with [`Call::retry_non_idempotent`]. See [`RetryPolicy`]."
            .to_owned(),
    ]
}

/// The HTTP client, headers, hooks, features and idempotency keys.
fn transport_sections(api: &Api, surface: &Surface) -> Vec<String> {
    let mut sections = vec![
        "**Transport.** [`ClientBuilder::http_client`] takes your own `reqwest::Client` (a \
         corporate CA, mTLS, a proxy, pool settings; turn its redirects off); the crate \
         re-exports [`reqwest`] so both name the same version. Every request carries a \
         `User-Agent` of `<crate>/<version>` ([`ClientBuilder::user_agent`] replaces it) and \
         the headers of [`ClientBuilder::default_header`]; [`Call::header`] adds one to a \
         single call. An invalid header name or value is an error before anything is sent \
         ([`BuildErrorKind::InvalidHeader`], [`Error::InvalidHeader`]). Errors with a response \
         give the server's request id (`x-request-id` or `request-id`) by \
         [`Error::request_id`] and in their message."
            .to_owned(),
        "**Hooks.** A [`Hook`] registered with [`ClientBuilder::hook`] runs around every HTTP \
         attempt, retries included: it may change the request (refresh a token, sign it, add \
         trace headers) or stop the call, and observes each response or failure."
            .to_owned(),
        "**Features.** `rustls` (default) trusts the platform's root certificates, \
         `rustls-webpki-roots` only the bundled Mozilla roots, `native-tls` uses the \
         platform's TLS library; `http2`, `gzip`, `brotli` and `zstd` turn on reqwest's \
         support. With `default-features = false` the crate builds without TLS (plain HTTP, \
         or your own client)."
            .to_owned(),
    ];
    if surface.has_serialize_received() {
        sections.push(format!(
            "**Serializing what you receive.** Types sent in requests implement `Serialize` and \
             `Deserialize`. Types the API only sends back (responses, webhook payloads) \
             implement `Deserialize`, and `Serialize` with the `{SERIALIZE_RECEIVED}` feature, \
             to store or log them as JSON. The feature is off by default: the client never \
             encodes what it receives, and that code is a large share of the build."
        ));
    }
    if let Some(tags) = tag_features_section(api) {
        sections.push(tags);
    }
    if api.has_idempotency_keys() {
        sections.push(
            "**Idempotency keys.** An operation that declares an `Idempotency-Key` header \
             sends a fresh UUID v4 on each call, the same on every retry of that call, unless \
             you set the header with its setter. The server can then tell a retry from a new \
             request, so such calls are retried whatever their method, POST included."
                .to_owned(),
        );
    }
    sections
}

/// The tag features, when the API has them: what each compiles.
fn tag_features_section(api: &Api) -> Option<String> {
    let features = &api.features.tags;
    if features.is_empty() {
        return None;
    }
    let mut out = String::from(
        "**Features per tag.** Each tag of the API is a feature that compiles the tag's \
         operations and the models they use; all are on by default. A program that calls a \
         few of them compiles less with `default-features = false` and the features it \
         needs (a TLS one, such as `rustls`, included):\n",
    );
    for feature in features {
        let summary = crate::emit::manifest::feature_summary(feature);
        out.push_str(&format!("\n- `{}`: {}", feature.name, summary));
    }
    for (name, summary) in crate::emit::manifest::extra_features(api) {
        out.push_str(&format!("\n- `{name}`: {summary}"));
    }
    Some(out)
}

/// How response bodies are asked for and read, empty ones included.
fn responses_section() -> String {
    "**Response bodies.** Each call's `Accept` header lists the documented media types the \
     client can read, those of error responses at a lower weight. JSON bodies decode into the \
     documented type whatever their `Content-Type`; a structured body documented under a media \
     range (`*/*`, `application/*`) is asked for as `application/json` first. A string \
     documented under a range or as text is read by the response's `Content-Type`: the string \
     a body labelled JSON holds, else the body as text; binary content is returned as bytes. \
     An empty body (no bytes, or only whitespace) where JSON is documented is `null` for a \
     `serde_json::Value`, the empty object for a map or an object with no required field, \
     and otherwise an [`Error::Decode`] saying the body is empty, which keeps the status, \
     headers and body."
        .to_owned()
}

/// A call with per-call options and error handling, on the first
/// operation that needs no arguments.
fn call_example(surface: &Surface, crate_ident: &str) -> Option<String> {
    let method = surface
        .operations
        .iter()
        .map(|op| &op.client_method)
        .find(|method| method.arguments.is_empty())?;
    Some(format!(
        "\n\n```no_run\n\
         # async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         use std::time::Duration;\n\n\
         let outcome = client\n    \
         .{}()\n    \
         .timeout(Duration::from_secs(5))\n    \
         .max_retries(4)\n    \
         .send()\n    \
         .await;\n\
         match outcome {{\n    \
         Ok(response) => println!(\"{{}} {{:?}}\", response.status(), response.headers()),\n    \
         Err({crate_ident}::Error::Api(error)) => println!(\"{{:?}}: {{}}\", error.kind, error.response.text()),\n    \
         Err({crate_ident}::Error::Timeout) => println!(\"timed out\"),\n    \
         Err(error) => return Err(error.into()),\n\
         }}\n\
         # Ok(())\n\
         # }}\n\
         ```",
        method.name
    ))
}

fn pagination_section(api: &Api, surface: &Surface, crate_ident: &str) -> Option<String> {
    if !api.has_pages() {
        return None;
    }
    let mut text = "**Pagination.** List operations whose response is a page (items and a link to \
                    the next page) can stream every page with `.pages()` or every item with \
                    `.items()`, following the links; awaiting the call fetches one page. See \
                    [`Page`]."
        .to_owned();
    let paged = api.operations.iter().zip(&surface.operations);
    if let Some((operation, arguments)) =
        paged.into_iter().find_map(|(op, s)| paged_call(api, op, s))
    {
        let _ = write!(
            text,
            "\n\n```no_run\n\
             # async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
             use {crate_ident}::futures_util::TryStreamExt;\n\n\
             let mut items = std::pin::pin!(client.{}({arguments}).items());\n\
             while let Some(item) = items.try_next().await? {{\n    \
             println!(\"{{item:?}}\");\n\
             }}\n\
             # Ok(())\n\
             # }}\n\
             ```",
            operation.client_method.name
        );
    }
    Some(text)
}

/// A paginated operation whose required inputs are all path strings, with
/// placeholder arguments for them.
fn paged_call<'o>(
    api: &Api,
    op: &Operation,
    surface: &'o OperationSurface,
) -> Option<(&'o OperationSurface, String)> {
    let Output::Json(TypeRef::Named(name)) = &op.output else {
        return None;
    };
    let is_page = api
        .models
        .iter()
        .any(|m| m.name == *name && matches!(&m.kind, ModelKind::Struct(s) if s.page.is_some()));
    if !is_page || !takes_only_path_strings(op, surface) {
        return None;
    }
    let arguments = vec!["\"id\""; surface.client_method.arguments.len()].join(", ");
    Some((surface, arguments))
}

fn nullable_section(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let mut text = "**Optional and nullable fields.** A request field that may be left out *and* \
                    may be `null` is an `Option<Option<T>>`: `None` leaves it out, `Some(None)` \
                    sends `null`. Responses decode `null`, absent fields and fields the spec does \
                    not list."
        .to_owned();
    let example = api
        .models
        .iter()
        .zip(&surface.models)
        .find_map(|(model, s)| {
            let (object, new) = constructor_call(model, s)?;
            let field = object
                .fields
                .iter()
                .find(|f| f.presence == Presence::OptionalNullable)?;
            Some((model, new, field))
        });
    if let Some((model, new, field)) = example {
        let _ = write!(
            text,
            "\n\n```\n\
             # fn main() -> Result<(), serde_json::Error> {{\n\
             let mut value = {crate_ident}::models::{}::{new};\n\
             value.{field} = Some(None);\n\
             assert!(serde_json::to_string(&value)?.contains(\"null\"));\n\
             value.{field} = None;\n\
             assert!(!serde_json::to_string(&value)?.contains(\"null\"));\n\
             # Ok(())\n\
             # }}\n\
             ```",
            model.name,
            field = field.rust_name
        );
    }
    text
}

fn models_section(api: &Api, surface: &Surface, crate_ident: &str) -> String {
    let mut text =
        "**Models.** Structs, enums and unions are `#[non_exhaustive]`, so that fields, \
                    values and alternatives the API adds later break no code: build a request \
                    model with `new`, which takes its required fields, and a `with_` method per \
                    other field; read a response model's fields; give each `match` on an enum \
                    or union a `_` arm."
            .to_owned();
    if let Some(example) = request_example(api, surface, crate_ident) {
        text.push_str(&example);
    }
    text
}

/// Building the body of an operation and sending it, on the first
/// operation whose body has plain required fields and an optional one
/// (and whose other arguments are path strings).
fn request_example(api: &Api, surface: &Surface, crate_ident: &str) -> Option<String> {
    let mut operations = api.operations.iter().zip(&surface.operations);
    let (operation, model, new, setter, path_arguments) = operations.find_map(|(op, s)| {
        let body = op.body.as_ref().filter(|b| b.required)?;
        let TypeRef::Named(name) = &body.ty else {
            return None;
        };
        let (model, model_surface) = api
            .models
            .iter()
            .zip(&surface.models)
            .find(|(m, _)| m.name == *name && !m.deprecated)?;
        let (_, new) = constructor_call(model, model_surface)?;
        let setter = setter_call(model_surface)?;
        let path_arguments = path_arguments(op)?;
        Some((s, model, new, setter, path_arguments))
    })?;
    Some(format!(
        "\n\n```no_run\n\
         # async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         let request = {crate_ident}::models::{}::{new}{setter};\n\
         let response = client.{}({path_arguments}&request).await?;\n\
         # let _ = response;\n\
         # Ok(())\n\
         # }}\n\
         ```",
        model.name, operation.client_method.name
    ))
}

/// A call of the first `with_` method that is not deprecated and takes a
/// plain type.
fn setter_call(model: &ModelSurface) -> Option<String> {
    model
        .setters
        .iter()
        .filter(|setter| !setter.method.deprecated)
        .find_map(|setter| {
            let [argument] = setter.method.arguments.as_slice() else {
                return None;
            };
            let value = placeholder(&setter.field, argument)?;
            Some(format!("\n    .{}({value})", setter.method.name))
        })
}

/// Whether every argument of the client method is a path parameter taken
/// as `&str`.
fn takes_only_path_strings(op: &Operation, surface: &OperationSurface) -> bool {
    let path_parameters = op
        .arguments()
        .into_iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .count();
    let arguments = &surface.client_method.arguments;
    path_parameters == arguments.len() && arguments.iter().all(|a| a.passing == Passing::Str)
}

/// Placeholder arguments for an operation's required parameters, each
/// followed by `, `, when they are all path strings.
fn path_arguments(op: &Operation) -> Option<String> {
    let required: Vec<_> = op.parameters.iter().filter(|p| p.required).collect();
    required
        .iter()
        .all(|p| p.location == ParameterLocation::Path && p.ty == TypeRef::String)
        .then(|| {
            required
                .iter()
                .map(|p| format!("{:?}, ", p.rust_name.bare()))
                .collect()
        })
}

/// A constructible struct and a call of its `new` with placeholder
/// arguments, when every argument takes a literal.
fn constructor_call<'m>(
    model: &'m Model,
    surface: &ModelSurface,
) -> Option<(&'m crate::ir::Struct, String)> {
    let ModelKind::Struct(object) = &model.kind else {
        return None;
    };
    let new = surface.constructor.as_ref()?;
    let arguments = new
        .arguments
        .iter()
        .map(|argument| placeholder(&argument.name, argument))
        .collect::<Option<Vec<String>>>()?;
    Some((object, format!("{}({})", new.name, arguments.join(", "))))
}

/// A literal an argument of a plain type takes: strings hold the name of
/// the field the argument sets.
fn placeholder(field: &Ident, argument: &Argument) -> Option<String> {
    let literal = match &argument.passing {
        Passing::IntoString => format!("{:?}", field.bare()),
        Passing::Value(TypeRef::Bool) => "true".to_owned(),
        Passing::Value(ty) if ty.is_integer() => "1".to_owned(),
        Passing::Value(TypeRef::F32 | TypeRef::F64) => "1.0".to_owned(),
        _ => return None,
    };
    Some(literal)
}

fn enum_section(api: &Api, crate_ident: &str) -> String {
    let mut text = "**Open enums.** A value the spec does not list decodes into the enum's \
                    `Unknown` variant, which keeps the text, so a server adding a value never \
                    breaks the client."
        .to_owned();
    if let Some((model, variant, wire, unknown)) = api.models.iter().find_map(enum_example) {
        let _ = write!(
            text,
            "\n\n```\n\
             # fn main() -> Result<(), serde_json::Error> {{\n\
             use {crate_ident}::models::{model};\n\n\
             let known: {model} = serde_json::from_str(r#\"\"{wire}\"\"#)?;\n\
             assert_eq!(known, {model}::{variant});\n\
             let new: {model} = serde_json::from_str(r#\"\"SOMETHING_NEW\"\"#)?;\n\
             assert_eq!(new, {model}::{unknown}(\"SOMETHING_NEW\".to_owned()));\n\
             # Ok(())\n\
             # }}\n\
             ```"
        );
    }
    text
}

/// An enum whose first value is plain enough to write in an example.
fn enum_example(model: &Model) -> Option<(&str, &str, &str, &str)> {
    let ModelKind::Enum(values) = &model.kind else {
        return None;
    };
    let first = values.variants.first()?;
    let plain = first
        .wire_value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let clashes = values
        .variants
        .iter()
        .any(|v| v.wire_value == "SOMETHING_NEW");
    (plain && !clashes && !first.wire_value.is_empty()).then_some((
        model.name.as_str(),
        first.rust_name.as_str(),
        first.wire_value.as_str(),
        values.unknown_variant.as_str(),
    ))
}

/// Verifying and decoding a delivery, when the API has webhooks: the
/// example signs a delivery itself so that it runs as a doc test.
fn webhooks_section(api: &Api, surface: &Surface, crate_ident: &str) -> Option<String> {
    let (webhooks, names) = (api.webhooks.as_ref()?, surface.webhooks.as_ref()?);
    let scheme = &webhooks.signature;
    let module = names.module;
    let mut text = format!(
        "**Webhooks.** [`{module}`] checks and decodes the requests the API sends to your \
         server. [`{module}::Verifier`] checks a delivery's signature (HMAC-SHA256 over \
         `{{id}}.{{timestamp}}.{{body}}`, compared in constant time; any of several \
         space-separated signatures may match, as while a secret is rotated) and refuses \
         timestamps more than {} s from the present, with a typed [`{module}::VerifyError`]; \
         [`{module}::{}`] says how this API signs. Verify the raw body, before parsing it.",
        scheme.tolerance_seconds, names.scheme_function
    );
    let event = names.event_enum.zip(webhooks.events.first());
    if let Some((event_enum, _)) = event {
        let _ = write!(
            text,
            " [`{module}::{event_enum}::parse`] then picks the payload's type by its `{}` \
             property; an event type the crate does not know is kept as JSON in `{}`.",
            webhooks.tag.as_deref().unwrap_or_default(),
            webhooks.unknown_variant
        );
    }
    text.push_str(&webhooks_example(webhooks, names, crate_ident));
    Some(text)
}

/// A doc test that signs a delivery, verifies it and decodes it.
fn webhooks_example(webhooks: &Webhooks, names: &WebhooksSurface, crate_ident: &str) -> String {
    let scheme = &webhooks.signature;
    let module = names.module;
    let event = names.event_enum.zip(webhooks.events.first());
    let (imports, decode) = match event {
        Some((event_enum, first)) => (
            format!("{{{event_enum}, Verifier}}"),
            format!(
                "match {event_enum}::parse(body)? {{\n    \
                 {event_enum}::{}(event) => println!(\"{{event:?}}\"),\n    \
                 {event_enum}::{}(json) => println!(\"an event type added later: {{json}}\"),\n    \
                 other => println!(\"{{:?}}\", other.webhook_name()),\n\
                 }}\n",
                first.variant, webhooks.unknown_variant
            ),
        ),
        None => ("Verifier".to_owned(), String::new()),
    };
    format!(
        "\n\n```\n\
         # fn main() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {crate_ident}::{module}::{imports};\n\n\
         let verifier = Verifier::new(\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\")?;\n\
         # let body: &[u8] = br#\"{{\"id\": \"evt_1\"}}\"#;\n\
         # let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;\n\
         # let mut headers = {crate_ident}::HeaderMap::new();\n\
         # headers.insert({id:?}, \"msg_1\".parse()?);\n\
         # headers.insert({timestamp:?}, now.to_string().parse()?);\n\
         # headers.insert({signature:?}, verifier.sign(\"msg_1\", now, body).parse()?);\n\
         // `headers` and `body` are the request's headers and raw body.\n\
         verifier.verify(&headers, body)?;\n\
         {decode}\
         # Ok(())\n\
         # }}\n\
         ```",
        id = scheme.id_header,
        timestamp = scheme.timestamp_header,
        signature = scheme.signature_header,
    )
}
