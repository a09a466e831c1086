//! The API model: plain data in which every naming and typing decision has
//! been made. Emitters read it and decide nothing.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::Warning;

/// The name of a value-level item of the generated code (a field, method,
/// argument or setter) as the code writes it: a keyword becomes a raw
/// identifier (`r#type`). Names are decided in lower and valid identifiers
/// by construction; this type keeps the raw prefix in one place, so that
/// no consumer strips it by hand.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Ident(String);

impl Ident {
    /// The name whose code is `code` (`type` is written `r#type`).
    pub fn new(code: impl Into<String>) -> Ident {
        Ident(code.into())
    }

    /// The name as code writes it (`r#type`).
    pub fn as_code(&self) -> &str {
        &self.0
    }

    /// The name as code writes it, as [`Ident::as_code`].
    pub fn as_str(&self) -> &str {
        self.as_code()
    }

    /// The name without the raw prefix (`type`): for prose, and for names
    /// built from it (`with_type`).
    pub fn bare(&self) -> &str {
        self.0.strip_prefix("r#").unwrap_or(&self.0)
    }
}

impl std::ops::Deref for Ident {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_code()
    }
}

impl std::fmt::Display for Ident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_code())
    }
}

impl PartialEq<str> for Ident {
    fn eq(&self, other: &str) -> bool {
        self.as_code() == other
    }
}

impl PartialEq<&str> for Ident {
    fn eq(&self, other: &&str) -> bool {
        self.as_code() == *other
    }
}

/// Everything a client crate is generated from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Crate-level documentation text.
    pub docs: String,
    /// Entries of the top-level `servers`, in spec order.
    pub servers: Vec<Server>,
    /// `components.securitySchemes` the client can satisfy, sorted by key.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types, sorted by Rust name.
    pub models: Vec<Model>,
    /// Operations, sorted by Rust method name.
    pub operations: Vec<Operation>,
    /// The requests the API sends to its users (`webhooks`, `x-webhooks`),
    /// when the spec lists any.
    pub webhooks: Option<Webhooks>,
    /// External crates the generated code needs beyond the runtime's own.
    pub extra_dependencies: Vec<ExternalCrate>,
    /// Crates the overriding types need, by name, features merged.
    pub type_dependencies: Vec<CrateDependency>,
    /// The crate's Cargo features that choose operations (one per tag),
    /// and which items each one compiles.
    pub features: Features,
    /// Whether the runtime's file type and multipart encoder are needed
    /// (a `format: binary` string or a multipart body somewhere).
    pub uses_files: bool,
    /// Constructs handled in a degraded way.
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// Cargo features that compile parts of the API: one per tag (and one for
/// operations without a tag), all on by default. Empty when the spec tags
/// no operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Features {
    /// The features, sorted by name.
    pub tags: Vec<TagFeature>,
    /// Per operation id, the features that compile it (any of them).
    pub operations: BTreeMap<String, Vec<String>>,
    /// Per model name, the features that compile it (any of them); a
    /// model that is not listed is always compiled (the API has no
    /// features).
    pub models: BTreeMap<String, Vec<String>>,
    /// The feature that compiles the webhook payloads and the `webhooks`
    /// module, when the API has webhooks (and tags).
    pub webhooks: Option<String>,
    /// The feature that compiles the schemas no operation or webhook uses
    /// (and what they hold), when the API has such schemas (and tags).
    pub other_models: Option<String>,
}

/// One Cargo feature of the generated crate that compiles the operations
/// of a tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagFeature {
    /// The feature's name (the tag in kebab case).
    pub name: String,
    /// The tags it stands for (several tags may spell the same name);
    /// empty for the feature of operations without a tag.
    pub tags: Vec<String>,
    /// How many operations it compiles.
    pub operations: usize,
}

impl Features {
    /// The features that compile an operation; empty when it is always
    /// compiled.
    pub fn of_operation(&self, id: &str) -> &[String] {
        self.operations.get(id).map_or(&[], Vec::as_slice)
    }

    /// The features that compile a model; empty when it is always
    /// compiled.
    pub fn of_model(&self, name: &str) -> &[String] {
        self.models.get(name).map_or(&[], Vec::as_slice)
    }

    /// Every feature's name: the tags', the webhooks' and the other
    /// models'.
    pub fn names(&self) -> Vec<&str> {
        let tags = self.tags.iter().map(|t| t.name.as_str());
        let extra = [&self.webhooks, &self.other_models];
        tags.chain(extra.into_iter().flatten().map(String::as_str))
            .collect()
    }

    /// Whether the crate has features at all: only when the API tags an
    /// operation.
    pub fn exist(&self) -> bool {
        !self.tags.is_empty()
    }
}

/// Webhooks: typed events and how their deliveries are signed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Webhooks {
    /// Wire name of the payload property that names the event type, when
    /// the payloads declare one with fixed values.
    pub tag: Option<String>,
    /// Events the tag tells apart, sorted by variant name.
    pub events: Vec<WebhookEvent>,
    /// Name of the event enum's variant that keeps any other payload.
    pub unknown_variant: String,
    /// How deliveries are signed.
    pub signature: WebhookSignature,
}

/// One kind of webhook event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookEvent {
    /// The webhook's name in the spec.
    pub name: String,
    /// Variant name in the event enum.
    pub variant: String,
    /// Payload type.
    pub ty: TypeRef,
    /// Values of the tag property that select this event.
    pub tag_values: Vec<String>,
    /// Rustdoc.
    pub docs: String,
}

/// How a webhook delivery is signed: an HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`, keyed by the endpoint's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookSignature {
    /// Header with the delivery's id.
    pub id_header: String,
    /// Header with the Unix time (seconds) the delivery was signed at.
    pub timestamp_header: String,
    /// Header with space-separated `{version},{digest}` signatures.
    pub signature_header: String,
    /// The version label of the signatures the scheme makes (`v1`).
    pub version: String,
    /// How the digest is written.
    pub digest: DigestEncoding,
    /// How the secret becomes the HMAC key.
    pub secret: SecretEncoding,
    /// Largest accepted distance between the timestamp and now, in seconds.
    pub tolerance_seconds: u64,
}

/// How a signature's digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DigestEncoding {
    /// Standard base64 with padding.
    Base64,
    /// Hexadecimal, either case.
    Hex,
}

/// How the signing secret becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SecretEncoding {
    /// base64 after an optional `whsec_` prefix (Standard Webhooks).
    Base64,
    /// The secret's text, as UTF-8 bytes.
    Text,
}

/// An optional crate the generated code may need (in alphabetical order,
/// which is the order re-exports are written in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ExternalCrate {
    /// `chrono`, for `format: date` and `date-time`.
    Chrono,
    /// `futures-util`, for streams: of pages, of server-sent events, of
    /// the chunks of binary bodies.
    FuturesUtil,
    /// `rust_decimal`, for `format: decimal`.
    RustDecimal,
    /// `uuid`, for `format: uuid`.
    Uuid,
}

/// One base URL the API is served from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Server {
    /// Variant name in the `Environment` enum.
    pub variant: String,
    /// URL with server variables replaced by their defaults.
    pub url: String,
    /// Rustdoc for the variant.
    pub docs: String,
}

/// A way to authenticate, from `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityScheme {
    /// The scheme's key in the spec (`bearerAuth`).
    pub key: String,
    /// Name of the client-builder method that sets the credential.
    pub setter: Ident,
    /// How the credential travels.
    pub kind: SchemeKind,
    /// Rustdoc for the setter.
    pub docs: String,
}

/// How a credential travels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// An API key in a header.
    Header(String),
    /// An API key in the query string.
    Query(String),
    /// An API key in a cookie.
    Cookie(String),
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    /// Rust type name, unique in the crate.
    pub name: String,
    /// Rustdoc.
    pub docs: String,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// What kind of type it is.
    pub kind: ModelKind,
    /// Derives the configuration adds (paths, as written there).
    pub extra_derives: Vec<String>,
    /// Attributes the configuration adds (`#[...]`, as written there).
    pub extra_attributes: Vec<String>,
}

impl Api {
    /// Every type the API names: the models' members and the operations'
    /// types.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        let models = self.models.iter().flat_map(Model::member_types);
        let events = self.webhooks.iter().flat_map(|w| &w.events);
        models
            .chain(self.operations.iter().flat_map(Operation::types))
            .chain(events.map(|event| &event.ty))
    }

    /// Whether the type or a type inside it is used anywhere in the API.
    pub fn mentions(&self, target: &TypeRef) -> bool {
        self.types().any(|ty| ty.mentions(target))
    }

    /// Whether a list operation's pages can be followed (a model is a page).
    pub fn has_pages(&self) -> bool {
        self.models
            .iter()
            .any(|m| matches!(&m.kind, ModelKind::Struct(s) if s.page.is_some()))
    }

    /// Whether an operation returns server-sent events.
    pub fn has_event_streams(&self) -> bool {
        self.operations
            .iter()
            .any(|op| matches!(op.output, Output::Events(_)) || op.events_beside.is_some())
    }

    /// Whether an operation returns a binary body (which can be read as a
    /// stream of chunks) or sends a raw one (which can come from a stream).
    pub fn has_byte_streams(&self) -> bool {
        self.operations.iter().any(Operation::has_byte_streams)
    }

    /// Whether an operation returns a binary body.
    pub fn has_binary_responses(&self) -> bool {
        self.operations.iter().any(|op| op.output == Output::Bytes)
    }

    /// Whether an operation sends a raw binary body.
    pub fn has_binary_request_bodies(&self) -> bool {
        self.operations
            .iter()
            .any(Operation::has_binary_request_body)
    }

    /// Whether an operation sends a multipart body with file parts.
    pub fn has_multipart_files(&self) -> bool {
        self.operations.iter().any(Operation::has_multipart_files)
    }

    /// Whether a request body can come from a stream: a raw binary body
    /// or a multipart file part.
    pub fn has_streamable_request_bodies(&self) -> bool {
        self.has_binary_request_bodies() || self.has_multipart_files()
    }

    /// Whether an operation sends an idempotency key, which the client
    /// makes (a UUID v4) when the caller gives none.
    pub fn has_idempotency_keys(&self) -> bool {
        self.operations
            .iter()
            .any(|op| op.idempotency_header.is_some())
    }
}

impl Model {
    /// The types of the values a model holds: fields (and its map of other
    /// properties), union alternatives, or the aliased type.
    pub fn member_types(&self) -> Vec<&TypeRef> {
        match &self.kind {
            ModelKind::Struct(object) => object
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(object.additional_properties.iter().map(|a| &a.ty))
                .collect(),
            ModelKind::Union(union) => union.variants.iter().map(|v| &v.ty).collect(),
            ModelKind::Alias(ty) => vec![ty],
            ModelKind::Enum(_) => Vec::new(),
        }
    }
}

/// The shape of a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ModelKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum that also keeps values the spec does not list.
    Enum(StringEnum),
    /// `oneOf` / `anyOf`: one of several shapes.
    Union(Union),
    /// Another name for a type (`type: array` at the top level, say).
    Alias(TypeRef),
}

/// An object schema.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Struct {
    /// Properties, in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties`: kept in a flattened map field.
    pub additional_properties: Option<AdditionalProperties>,
    /// Whether `Default` is derived: only for constructible structs whose
    /// required fields all have a default.
    pub derive_default: bool,
    /// Whether values of this struct are sent in requests (a request body or
    /// parameter type reaches it), so it gets a `new` constructor for its
    /// required fields and `with_` setters for the rest, and implements
    /// `Serialize`.
    pub constructible: bool,
    /// Whether values of this struct come back in responses (a success or
    /// error body reaches it).
    pub received: bool,
    /// Set when the object is a page of a list that links to the next page.
    pub page: Option<PageShape>,
}

/// How a page object lists its items and links to the next page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageShape {
    /// Rust name of the array field holding the items.
    pub items_field: Ident,
    /// Type of one item.
    pub item: TypeRef,
    /// Presence of the items field.
    pub items_presence: Presence,
    /// Rust name of the string field holding the next page's URL.
    pub next_field: Ident,
    /// Presence of the next field.
    pub next_presence: Presence,
}

/// The map that keeps properties an object does not list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdditionalProperties {
    /// Rust field name of the map.
    pub rust_name: Ident,
    /// Type of the values.
    pub ty: TypeRef,
}

/// One property of an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Rust field name.
    pub rust_name: Ident,
    /// Property name on the wire.
    pub wire_name: String,
    /// Value type, before `Option` wrapping.
    pub ty: TypeRef,
    /// Whether the value may be absent or `null`.
    pub presence: Presence,
    /// Rustdoc.
    pub docs: String,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
}

/// How absence and `null` are represented for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, `None` sent as `null`.
    RequiredNullable,
    /// May be absent (or null): `Option<T>`, `None` omitted.
    Optional,
    /// May be absent or null, and the difference matters (request bodies):
    /// `Option<Option<T>>`, outer `None` omitted, `Some(None)` sent as `null`.
    OptionalNullable,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringEnum {
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that keeps unknown values.
    pub unknown_variant: String,
}

/// One known enum value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// Value on the wire.
    pub wire_value: String,
}

/// A value that is one of several types: tried in order, or chosen by a
/// discriminator property when `tag` is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Union {
    /// The alternatives, in the order they are tried when untagged.
    pub variants: Vec<UnionVariant>,
    /// The discriminator, for a union whose alternatives are objects that
    /// name their type in one property.
    pub tag: Option<UnionTag>,
    /// Whether values of this union are sent in requests (a request body or
    /// parameter type reaches it): only then does it implement `Serialize`.
    pub sent: bool,
}

/// How a tagged union tells its alternatives apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionTag {
    /// Wire name of the discriminator property.
    pub property: String,
    /// Name of the variant that keeps objects whose tag no variant lists.
    pub unknown_variant: String,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Tagged unions only: the tag values that select this variant; the
    /// first is sent when the value does not carry the property itself.
    pub tag_values: Vec<String>,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `i8` (`format: int8`).
    I8,
    /// `i16` (`format: int16`).
    I16,
    /// `u8` (`format: uint8`).
    U8,
    /// `u16` (`format: uint16`).
    U16,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`, `uint`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid`.
    Uuid,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// An exact decimal (`format: decimal`): the runtime's `Decimal`.
    Decimal,
    /// Bytes sent as base64 text (`format: byte`): the runtime's `Base64`.
    Base64,
    /// `std::net::IpAddr` (`format: ip`).
    IpAddr,
    /// `std::net::Ipv4Addr` (`format: ipv4`).
    Ipv4Addr,
    /// `std::net::Ipv6Addr` (`format: ipv6`).
    Ipv6Addr,
    /// Any JSON value: `serde_json::Value`.
    Json,
    /// A JSON object with any members: `serde_json::Map<String, Value>`.
    JsonObject,
    /// File content (`type: string, format: binary`): the runtime's
    /// `FilePart`, sent as a file part in multipart bodies.
    Binary,
    /// Raw bytes of a whole request body: the runtime's `Bytes`.
    Bytes,
    /// A model by its Rust name.
    Named(String),
    /// `Vec<T>`.
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<TypeRef>),
    /// A type the user chose instead of the generated one (a configured
    /// override, or `x-rust-type` in the spec).
    External(Box<ExternalType>),
}

/// A Rust type from outside the generated crate, standing in for a schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalType {
    /// The type, as a path that may carry generic arguments that are paths
    /// too (`chrono::DateTime<chrono::Utc>`): checked when read, because
    /// it is written into code as it is.
    pub path: String,
    /// The crate it comes from, when the generated crate must depend on it.
    pub dependency: Option<CrateDependency>,
}

impl ExternalType {
    /// `text` as a type, when it is a path whose generic arguments are
    /// paths too (`a::B<c::D>`, `u64`): no macros, closures, `impl` or
    /// const expressions, so text from a spec cannot put code into the
    /// generated crate.
    pub fn parse_path(text: &str) -> Option<syn::Type> {
        let ty = syn::parse_str::<syn::Type>(text).ok()?;
        is_plain_path(&ty).then_some(ty)
    }
}

fn is_plain_path(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.qself.is_none()
        && path
            .path
            .segments
            .iter()
            .all(|segment| match &segment.arguments {
                syn::PathArguments::None => true,
                syn::PathArguments::AngleBracketed(arguments) => {
                    arguments.args.iter().all(|argument| match argument {
                        syn::GenericArgument::Type(inner) => is_plain_path(inner),
                        _ => false,
                    })
                }
                syn::PathArguments::Parenthesized(_) => false,
            })
}

/// A dependency an overriding type needs in the generated `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CrateDependency {
    /// The package name (`chrono`).
    pub name: String,
    /// The version requirement (`0.4`).
    pub version: String,
    /// Features to turn on (`serde`).
    pub features: Vec<String>,
}

impl TypeRef {
    /// Whether client methods and setters take a value of this type by
    /// value (small `Copy` values) rather than by reference.
    pub fn passed_by_value(&self) -> bool {
        matches!(
            self,
            TypeRef::Bool
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::F32
                | TypeRef::F64
                | TypeRef::Uuid
                | TypeRef::Date
                | TypeRef::DateTime
        )
    }

    /// Whether the type is an integer of any width.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeRef::I8
                | TypeRef::I16
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::U8
                | TypeRef::U16
                | TypeRef::U32
                | TypeRef::U64
        )
    }

    /// The type a container holds: the item of a list, the value of a map,
    /// the boxed value; `None` for the other types.
    pub fn contained(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => Some(inner),
            _ => None,
        }
    }

    /// The type and every type inside it, outermost first (`Vec<Box<Pet>>`
    /// gives the list, the box, then `Pet`). This is the one walk over a
    /// type's structure; questions about what a type mentions are asked
    /// through it.
    pub fn parts(&self) -> impl Iterator<Item = &TypeRef> {
        std::iter::successors(Some(self), |ty| ty.contained())
    }

    /// Whether the type or a type inside it is `target`.
    pub fn mentions(&self, target: &TypeRef) -> bool {
        self.parts().any(|part| part == target)
    }

    /// The model the type names, if it names one anywhere inside it.
    pub fn named_model(&self) -> Option<&str> {
        self.parts().find_map(|part| match part {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// Whether the type names a model anywhere inside it.
    pub fn mentions_model(&self) -> bool {
        self.named_model().is_some()
    }
}

/// One API operation: a method on the client.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    /// Rust method name on `Client`.
    pub method_name: Ident,
    /// Rust name of the operation's marker type.
    pub type_name: String,
    /// Rust name of the operation's error enum.
    pub error_type: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// Path template as in the spec (`/plans/{identifier}/`).
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Rustdoc for the client method.
    pub docs: String,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
    /// Path, query, header and cookie parameters.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// What a successful call returns.
    pub output: Output,
    /// Statuses that count as success.
    pub success_statuses: Vec<StatusMatch>,
    /// Items of the `Accept` header, in order (with their `q` weights);
    /// empty: none is sent.
    pub accept: Vec<String>,
    /// Documented error responses, one variant each.
    pub errors: Vec<ErrorResponse>,
    /// Alternatives of required schemes (OR of ANDs); empty: no credentials.
    pub security: Vec<Vec<String>>,
    /// Operation-specific base URLs, parallel to the top-level servers;
    /// empty: the client's base URL.
    pub servers: Vec<String>,
    /// Whether its signature names a deprecated model; its generated items
    /// then allow the deprecation lint for themselves.
    pub mentions_deprecated: bool,
    /// The wire name of its idempotency header (an `Idempotency-Key`
    /// header parameter, in any case): the client sends a fresh key per
    /// call, the same on each retry, unless the caller sets one.
    pub idempotency_header: Option<String>,
    /// The spec's `tags`, in its order.
    pub tags: Vec<String>,
    /// Server-sent events a success may come as instead of the JSON
    /// output, when the request asks the server to stream (a `stream`
    /// field, say): a response documenting both JSON and
    /// `text/event-stream`. `Call::event_stream` reads them.
    pub events_beside: Option<EventsBeside>,
}

/// The server-sent events a success may come as beside its JSON output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventsBeside {
    /// The type each event's data decodes into (JSON); text when `None`.
    pub data: Option<TypeRef>,
}

impl Operation {
    /// The types of what a call sends: parameters and the body.
    pub fn request_types(&self) -> impl Iterator<Item = &TypeRef> {
        let parameters = self.parameters.iter().map(|p| &p.ty);
        parameters.chain(self.body.iter().map(|b| &b.ty))
    }

    /// The types of what a call receives: the success output and the
    /// documented error bodies.
    pub fn response_types(&self) -> impl Iterator<Item = &TypeRef> {
        let output = match &self.output {
            Output::Json(ty) | Output::Events(Some(ty)) => Some(ty),
            Output::Empty
            | Output::Text
            | Output::Bytes
            | Output::Redirect
            | Output::Events(None) => None,
        };
        let errors = self.errors.iter().filter_map(|e| e.body.as_ref());
        let events = self.events_beside.as_ref().and_then(|e| e.data.as_ref());
        output.into_iter().chain(events).chain(errors)
    }

    /// Whether it returns a binary body or sends a raw one.
    pub fn has_byte_streams(&self) -> bool {
        self.has_binary_request_body() || self.has_multipart_files() || self.output == Output::Bytes
    }

    /// Whether it sends a multipart body with file parts.
    pub fn has_multipart_files(&self) -> bool {
        matches!(
            self.body.as_ref().map(|b| &b.encoding),
            Some(BodyEncoding::Multipart { parts, .. })
                if parts.iter().any(|p| matches!(p, PartSource::File { .. }))
        )
    }

    /// Whether it sends a raw binary body.
    pub fn has_binary_request_body(&self) -> bool {
        self.body
            .as_ref()
            .is_some_and(|b| b.encoding == BodyEncoding::Bytes)
    }

    /// Every type the operation's signature and responses name.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        self.request_types().chain(self.response_types())
    }

    /// The parameters the client method takes as arguments, in order: path
    /// parameters as the template first names them, then the other required
    /// ones. A variable the template names twice is one argument, written
    /// at each of its places.
    pub fn arguments(&self) -> Vec<&Parameter> {
        let mut out: Vec<&Parameter> = Vec::new();
        for part in &self.path_parts {
            let PathPart::Parameter(name) = part else {
                continue;
            };
            let declared = self
                .parameters
                .iter()
                .find(|p| p.location == ParameterLocation::Path && p.rust_name == *name);
            if let Some(parameter) = declared {
                if !out.iter().any(|seen| seen.rust_name == parameter.rust_name) {
                    out.push(parameter);
                }
            }
        }
        out.extend(
            self.parameters
                .iter()
                .filter(|p| p.required && p.location != ParameterLocation::Path),
        );
        out
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// A path parameter, by Rust name.
    Parameter(Ident),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParameterLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

impl ParameterLocation {
    /// The location as the spec's `in` names it (`query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// Rust name: argument of the client method, or setter on the call.
    pub rust_name: Ident,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParameterLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Required parameters are method arguments; the rest are setters.
    pub required: bool,
    /// How the value becomes text on the wire.
    pub encoding: ParameterEncoding,
    /// Rustdoc.
    pub docs: String,
    /// `deprecated: true` in the spec.
    pub deprecated: bool,
}

/// How a parameter value becomes text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParameterEncoding {
    /// Its `Display` form (numbers, strings, ids, enums).
    Display,
    /// RFC 3339 (`Display` of a date-time is not).
    DateTime,
    /// Items in their `Display` form: one `name=value` pair per item when
    /// `explode`, else comma-separated.
    List {
        /// One pair per item.
        explode: bool,
    },
    /// JSON text, for values with no plain text form that cannot travel
    /// in a query string's own syntax (headers, paths, cookies, `content`).
    Json,
    /// A query value of any shape, `style: form`: scalars as `name=value`,
    /// arrays as one pair per item (`explode`) or comma-separated, objects
    /// as one `key=value` pair per property (`explode`) or
    /// `name=k1,v1,k2,v2`.
    Form {
        /// One pair per item or property.
        explode: bool,
    },
    /// A query object, `style: deepObject`: `name[key]=value`, nested
    /// objects as `name[a][b]=value`, arrays as repeated keys.
    DeepObject,
    /// A value of any shape in a path, header or cookie, `style: simple`:
    /// scalars as text, arrays comma-separated, objects as `k1,v1,k2,v2`
    /// (`k1=v1,k2=v2` when `explode`).
    Simple {
        /// Objects as `key=value` items.
        explode: bool,
    },
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestBody {
    /// Value type (`String` for text, `Bytes` for other raw bodies).
    pub ty: TypeRef,
    /// Required bodies are method arguments; optional ones are set by `body`.
    pub required: bool,
    /// Media type sent as `Content-Type`.
    pub media_type: String,
    /// How the value becomes the body.
    pub encoding: BodyEncoding,
    /// Rustdoc.
    pub docs: String,
}

/// How a request body value becomes bytes on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum BodyEncoding {
    /// JSON text.
    Json,
    /// `application/x-www-form-urlencoded` pairs: members as `key=value`,
    /// nested objects as `key[member]=value`, arrays as repeated keys.
    Form,
    /// `multipart/*`: one part per source, in order.
    Multipart {
        /// Where the parts come from.
        parts: Vec<PartSource>,
        /// Unions among the file fields' types, whose alternatives are all
        /// files (a file or a list of them): the generated code lists
        /// their files.
        file_unions: Vec<FileUnion>,
    },
    /// Text, taken as `impl Into<String>`.
    Text,
    /// Raw bytes, taken as `impl Into<Bytes>`.
    Bytes,
}

/// A union whose alternatives all hold files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileUnion {
    /// The union's Rust name.
    pub name: String,
    /// Its variants' Rust names.
    pub variants: Vec<String>,
}

/// Where parts of a multipart body come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PartSource {
    /// A field holding files (`FilePart`, or a list or option of them): one
    /// file part per file.
    File {
        /// Rust field name.
        rust_name: Ident,
        /// Part name.
        wire_name: String,
    },
    /// Any other field: text parts for scalars (one per item of a list),
    /// JSON parts for objects; nothing for `None`.
    Value {
        /// Rust field name.
        rust_name: Ident,
        /// Part name.
        wire_name: String,
    },
    /// Every member of a map, each as a `Value` part: the struct's field of
    /// this name (additional properties), or the whole body when `None`.
    Members {
        /// Rust field name of the map, if it is a field.
        rust_name: Option<Ident>,
    },
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Output {
    /// Nothing (`()`): the success responses have no body.
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// A text body (`text/*`), as a `String`.
    Text,
    /// Any other body, as bytes.
    Bytes,
    /// A redirect: the `Location` header, not followed.
    Redirect,
    /// Server-sent events (`text/event-stream`), read as they arrive: each
    /// one's data is JSON of this type, or text when `None`.
    Events(Option<TypeRef>),
}

/// Which statuses a response entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class such as `4XX` (the leading digit).
    Class(u16),
    /// `default`: every status not listed otherwise.
    Default,
}

/// One documented error response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorResponse {
    /// Status or status class.
    pub status: StatusMatch,
    /// Variant name in the operation's error enum.
    pub variant: String,
    /// Type of the documented JSON body, if any.
    pub body: Option<TypeRef>,
    /// Rustdoc for the variant.
    pub docs: String,
}
