//! The generated `webhooks` module: its items' names and doc prose.

use crate::ir::{Api, DigestEncoding, SecretEncoding, Webhooks};

/// The module's public items, when the API has webhooks.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhooksSurface {
    /// The module's path from the crate root.
    pub module: &'static str,
    /// The function giving the API's signature scheme.
    pub scheme_function: &'static str,
    /// The event enum, when the payloads name their type.
    pub event_enum: Option<&'static str>,
    /// Module docs.
    pub docs: String,
    /// Docs of the scheme function.
    pub scheme_docs: String,
    /// Whether a payload type is deprecated, so naming it needs an allow.
    pub allow_deprecated: bool,
}

/// The module's name.
pub const MODULE: &str = "webhooks";

/// The event enum's name.
pub const EVENT_ENUM: &str = "Event";

/// The scheme function's name.
pub const SCHEME_FUNCTION: &str = "signature_scheme";

/// The surface of the `webhooks` module of the crate for `api`.
pub(super) fn describe(api: &Api) -> Option<WebhooksSurface> {
    let webhooks = api.webhooks.as_ref()?;
    let event_enum = (webhooks.tag.is_some() && !webhooks.events.is_empty()).then_some(EVENT_ENUM);
    let allow_deprecated = webhooks.events.iter().any(|event| {
        api.models.iter().any(|m| {
            m.deprecated
                && event
                    .ty
                    .mentions(&crate::ir::TypeRef::Named(m.name.clone()))
        })
    });
    Some(WebhooksSurface {
        module: MODULE,
        scheme_function: SCHEME_FUNCTION,
        event_enum,
        docs: module_docs(api, webhooks),
        scheme_docs: scheme_docs(webhooks),
        allow_deprecated,
    })
}

fn module_docs(api: &Api, webhooks: &Webhooks) -> String {
    let title = api.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut text = format!(
        "Webhooks: the requests {title} sends to your server. Check each delivery with a \
         [`Verifier`] before trusting it, on the raw body as received"
    );
    match &webhooks.tag {
        Some(tag) if !webhooks.events.is_empty() => text.push_str(&format!(
            ", then decode it with [`{EVENT_ENUM}::parse`], which picks the payload type by \
             the `{tag}` property and keeps events of other types as JSON."
        )),
        _ => text.push_str(
            ", then decode it with its payload type from [`crate::models`] (the payloads \
             name no event type the crate could tell them apart by).",
        ),
    }
    text
}

fn scheme_docs(webhooks: &Webhooks) -> String {
    let scheme = &webhooks.signature;
    let digest = match scheme.digest {
        DigestEncoding::Hex => "hexadecimal",
        DigestEncoding::Base64 => "base64",
    };
    let secret = match scheme.secret {
        SecretEncoding::Text => "the secret's text is the key",
        SecretEncoding::Base64 => "the key is the secret's base64 text (after `whsec_`)",
    };
    format!(
        "How the API signs its deliveries: the id in `{}`, the Unix time in `{}`, and \
         space-separated `{},<{digest} HMAC-SHA256>` signatures in `{}`; {secret}. \
         Timestamps more than {} s from the present are refused.",
        scheme.id_header,
        scheme.timestamp_header,
        scheme.version,
        scheme.signature_header,
        scheme.tolerance_seconds
    )
}
