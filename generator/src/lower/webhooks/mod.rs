//! Webhooks: each one's payload goes through the schema lowering like a
//! request body (so payload models are the same models), and the payloads
//! are told apart by the property that names the event type, when they
//! declare one with fixed values (`type: {const: invoice.paid}`).

mod signature;
mod tag;

use openapiv3::{OpenAPI, PathItem, ReferenceOr};

use crate::diagnostics::Result;
use crate::ir::{TypeRef, WebhookEvent, Webhooks};
use crate::load::pointer;
use crate::load::webhooks::Webhooks as SpecWebhooks;
use crate::lower::bodies::MediaKind;
use crate::lower::names::{type_name, NameScope};
use crate::lower::schemas::SchemaLowerer;
use crate::lower::{components, docs, resolve_component, Context};

/// The variant of the event enum that keeps payloads of other types.
const UNKNOWN_VARIANT: &str = "Unknown";

/// One webhook's payload, before the tag is chosen.
struct Payload {
    name: String,
    ty: TypeRef,
    docs: String,
}

/// Lowers the spec's webhooks; `None` when it lists none. Runs while the
/// schema lowerer still holds every model, so payload schemas become
/// models of their own.
pub fn lower_webhooks(
    openapi: &OpenAPI,
    webhooks: &SpecWebhooks,
    schemas: &mut SchemaLowerer,
    cx: &mut Context,
) -> Result<Option<Webhooks>> {
    if webhooks.is_empty() {
        return Ok(None);
    }
    let signature = signature::lower_signature(openapi, cx)?;
    let mut names: Vec<&String> = webhooks.keys().collect();
    names.sort();
    let mut payloads = Vec::new();
    for name in names {
        let Some(item) = webhooks.get(name) else {
            continue;
        };
        if let Some(payload) = payload(openapi, name, item, schemas, cx)? {
            payloads.push(payload);
        }
    }
    let tagged = tag::choose_tag(&payloads_types(&payloads), &schemas.models);
    let mut variants = NameScope::with_reserved([UNKNOWN_VARIANT]);
    let mut events = Vec::new();
    for (payload, tag_values) in payloads.into_iter().zip(tagged.values) {
        let at = format!("#/webhooks/{}", pointer::escape(&payload.name));
        if tag_values.is_empty() {
            cx.warn(&at, unmatched_message(tagged.property.as_deref()));
            continue;
        }
        events.push(WebhookEvent {
            variant: variants.claim(type_name(&payload.name, "Event")),
            name: payload.name,
            ty: payload.ty,
            tag_values,
            docs: payload.docs,
        });
    }
    events.sort_by(|a, b| a.variant.cmp(&b.variant));
    Ok(Some(Webhooks {
        tag: tagged.property,
        events,
        unknown_variant: UNKNOWN_VARIANT.to_owned(),
        signature,
    }))
}

fn payloads_types(payloads: &[Payload]) -> Vec<&TypeRef> {
    payloads.iter().map(|p| &p.ty).collect()
}

/// Why a webhook has no variant in the event enum.
fn unmatched_message(property: Option<&str>) -> String {
    match property {
        Some(property) => format!(
            "the payload gives no value of `{property}` that another webhook's does not, so \
             the event enum cannot tell it apart; decode it with its payload type"
        ),
        None => "no payload names its event type in a property with fixed values (a `const` \
                 or an `enum`), so there is no event enum; decode payloads with their types"
            .to_owned(),
    }
}

/// The payload of one webhook: the JSON body of its first operation that
/// has one.
fn payload(
    openapi: &OpenAPI,
    name: &str,
    item: &ReferenceOr<PathItem>,
    schemas: &mut SchemaLowerer,
    cx: &mut Context,
) -> Result<Option<Payload>> {
    let webhook_at = format!("#/webhooks/{}", pointer::escape(name));
    let ReferenceOr::Item(item) = item else {
        cx.warn(
            &webhook_at,
            "a webhook that is a reference is not supported; skipped",
        );
        return Ok(None);
    };
    let Some((method, operation)) = item
        .iter()
        .find(|(_, operation)| operation.request_body.is_some())
    else {
        cx.warn(&webhook_at, "the webhook sends no request body; skipped");
        return Ok(None);
    };
    let at = format!("{webhook_at}/{method}/requestBody");
    let Some(body) = &operation.request_body else {
        return Ok(None);
    };
    let body = resolve_component(
        components(openapi, |c| &c.request_bodies),
        body,
        "requestBodies",
        &at,
        cx,
    )?;
    let json = body
        .content
        .iter()
        .find(|(media_type, _)| MediaKind::of(media_type) == MediaKind::Json);
    let Some((media_type, content)) = json else {
        cx.warn(&at, "the webhook's body is not JSON; skipped");
        return Ok(None);
    };
    let ty = match &content.schema {
        Some(schema) => {
            let schema_at = format!("{at}/content/{}/schema", pointer::escape(media_type));
            let hint = type_name(name, "Webhook") + "Webhook";
            schemas.type_of(schema, &hint, &schema_at, cx)
        }
        None => TypeRef::Json,
    };
    let docs = docs::compose([
        operation.summary.as_deref(),
        operation.description.as_deref(),
        body.description.as_deref(),
    ]);
    Ok(Some(Payload {
        name: name.to_owned(),
        ty,
        docs,
    }))
}

#[cfg(test)]
mod tests;
