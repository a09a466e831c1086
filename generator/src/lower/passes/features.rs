//! Which Cargo feature compiles which part of the API. A crate for a big
//! API compiles every operation; users who call a few of them turn off the
//! default features and keep one feature per tag they use. Each tag is a
//! feature (kebab case); operations without a tag share one. An operation
//! is compiled when any of its tags' features is on, and a model when any
//! operation reaching it is. Webhook payloads, and the `webhooks` module
//! that verifies and decodes them, have a feature of their own
//! ([`WEBHOOK_EVENTS_FEATURE`]), and so do the schemas no operation or
//! webhook uses ([`OTHER_MODELS_FEATURE`]): in a big API either can outweigh
//! the operations a program calls, and a model that one of them holds would
//! otherwise be compiled for every tag.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;

use crate::ir::{Features, Model, Operation, TagFeature, TypeRef};

use super::reachable;

/// The feature of operations that have no tag.
pub const UNTAGGED_FEATURE: &str = "untagged";

/// The feature of webhook payloads and the `webhooks` module, when the API
/// has webhooks and tags. Not `webhooks`: APIs tag the operations that
/// manage webhook endpoints so.
pub const WEBHOOK_EVENTS_FEATURE: &str = "webhook-events";

/// The feature of the schemas that no operation or webhook uses, and of
/// what they hold.
pub const OTHER_MODELS_FEATURE: &str = "other-models";

/// The features the runtime's `Cargo.toml` already defines; a tag spelled
/// like one of them takes a suffix.
const RESERVED: &[&str] = &[
    "default",
    "rustls",
    "rustls-webpki-roots",
    "native-tls",
    "http2",
    "gzip",
    "brotli",
    "zstd",
];

/// The features of an API; none when no operation has a tag (there is
/// nothing to choose by). `webhook_payloads` are compiled by their own
/// feature.
pub fn decide_features(
    models: &[Model],
    operations: &[Operation],
    webhook_payloads: &[&TypeRef],
) -> Features {
    if operations.iter().all(|op| op.tags.is_empty()) {
        return Features::default();
    }
    let mut tags: BTreeMap<String, TagFeature> = BTreeMap::new();
    let mut of_operation: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for operation in operations {
        let named: Vec<(String, Option<&String>)> = if operation.tags.is_empty() {
            vec![(UNTAGGED_FEATURE.to_owned(), None)]
        } else {
            operation
                .tags
                .iter()
                .map(|t| (feature_name(t), Some(t)))
                .collect()
        };
        let mut names: Vec<String> = named.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        names.dedup();
        for name in &names {
            let feature = tags.entry(name.clone()).or_insert_with(|| TagFeature {
                name: name.clone(),
                tags: Vec::new(),
                operations: 0,
            });
            feature.operations += 1;
        }
        for (name, tag) in named {
            let feature = tags.get_mut(&name);
            if let (Some(feature), Some(tag)) = (feature, tag) {
                if !feature.tags.contains(tag) {
                    feature.tags.push(tag.clone());
                }
            }
        }
        of_operation.insert(operation.id.clone(), names);
    }
    let webhooks = (!webhook_payloads.is_empty()).then(|| untaken(WEBHOOK_EVENTS_FEATURE, &tags));
    let roots = Roots {
        of_operation: &of_operation,
        webhook_payloads,
        webhooks: webhooks.as_deref(),
        other_models: &untaken(OTHER_MODELS_FEATURE, &tags),
    };
    let (models, other_models) = model_features(models, operations, &roots);
    Features {
        tags: tags.into_values().collect(),
        models,
        operations: of_operation,
        webhooks,
        other_models,
    }
}

/// `name`, numbered if a tag's feature already spells it.
fn untaken(name: &str, tags: &BTreeMap<String, TagFeature>) -> String {
    (1..)
        .map(|n| match n {
            1 => name.to_owned(),
            n => format!("{name}-{n}"),
        })
        .find(|candidate| !tags.contains_key(candidate))
        .unwrap_or_else(|| name.to_owned())
}

/// What compiles the models: the operations' features, the webhook feature
/// for what the payloads reach, and the feature of the other models.
struct Roots<'a> {
    of_operation: &'a BTreeMap<String, Vec<String>>,
    webhook_payloads: &'a [&'a TypeRef],
    webhooks: Option<&'a str>,
    other_models: &'a str,
}

/// Per model, the features of the operations, webhook payloads and unused
/// schemas reaching it; and the feature of the unused schemas, when there
/// are some.
fn model_features(
    models: &[Model],
    operations: &[Operation],
    roots: &Roots<'_>,
) -> (BTreeMap<String, Vec<String>>, Option<String>) {
    let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for operation in operations {
        for model in reachable(models, operation.types()) {
            let entry = features.entry(model).or_default();
            entry.extend(roots.of_operation[&operation.id].iter().cloned());
        }
    }
    if let Some(webhooks) = roots.webhooks {
        for model in reachable(models, roots.webhook_payloads.iter().copied()) {
            features
                .entry(model)
                .or_default()
                .insert(webhooks.to_owned());
        }
    }
    let unreached = models
        .iter()
        .filter(|m| !features.contains_key(&m.name))
        .map(|m| TypeRef::Named(m.name.clone()))
        .collect::<Vec<_>>();
    let other_models = (!unreached.is_empty()).then(|| roots.other_models.to_owned());
    for held in reachable(models, unreached.iter()) {
        features
            .entry(held)
            .or_default()
            .insert(roots.other_models.to_owned());
    }
    let features = features
        .into_iter()
        .map(|(model, names)| (model, names.into_iter().collect()))
        .collect();
    (features, other_models)
}

/// The feature a tag becomes: kebab case of its letters and digits,
/// starting with a letter, and not one of the runtime's own features.
fn feature_name(tag: &str) -> String {
    let cleaned: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = cleaned.to_kebab_case();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name = format!("tag-{name}");
    }
    if name == "tag-" {
        name = "tag".to_owned();
    }
    if RESERVED.contains(&name.as_str()) {
        name.push_str("-api");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::lowered;

    const TAGGED: &str = "
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /orders:
    get:
      operationId: listOrders
      tags: [Orders, Reporting]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Order'}}
  /refunds:
    post:
      operationId: createRefund
      tags: [Refunds]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Refund'}
      responses:
        '204': {description: done}
  /disputes:
    get:
      operationId: listDisputes
      tags: [Disputes]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Dispute'}
  /ping:
    get:
      operationId: ping
      responses:
        '204': {description: up}
x-webhooks:
  disputeOpened:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Dispute'}
      responses:
        '200': {description: received}
  disputeClosed:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/DisputeClosed'}
      responses:
        '200': {description: received}
components:
  schemas:
    Order:
      type: object
      properties:
        money: {$ref: '#/components/schemas/Money'}
    Refund:
      type: object
      properties:
        amount: {$ref: '#/components/schemas/Money'}
        reason: {$ref: '#/components/schemas/Reason'}
    Money: {type: object, properties: {cents: {type: integer}}}
    Reason: {type: object, properties: {text: {type: string}}}
    Dispute:
      type: object
      properties:
        type: {type: string, enum: [dispute.opened]}
        id: {type: string}
    DisputeClosed:
      type: object
      properties:
        type: {type: string, enum: [dispute.closed]}
    Archive:
      description: No operation uses it; it and what it holds have a feature.
      type: object
      properties:
        reason: {$ref: '#/components/schemas/Reason'}
";

    #[test]
    fn operations_follow_their_tags_and_models_the_operations_reaching_them() {
        let api = lowered(TAGGED);
        let features = &api.features;
        let names: Vec<&str> = features.tags.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "disputes",
                "orders",
                "refunds",
                "reporting",
                UNTAGGED_FEATURE
            ]
        );
        assert_eq!(features.of_operation("listOrders"), ["orders", "reporting"]);
        assert_eq!(features.of_operation("ping"), [UNTAGGED_FEATURE]);
        assert_eq!(features.of_model("Order"), ["orders", "reporting"]);
        assert_eq!(
            features.of_model("Money"),
            ["orders", "refunds", "reporting"]
        );
        assert_eq!(features.of_model("Refund"), ["refunds"]);
        assert_eq!(
            features.of_model("Archive"),
            [OTHER_MODELS_FEATURE],
            "reached by nothing"
        );
        assert_eq!(
            features.of_model("Reason"),
            [OTHER_MODELS_FEATURE, "refunds"],
            "held by a model no operation uses"
        );
        assert_eq!(features.other_models.as_deref(), Some(OTHER_MODELS_FEATURE));
        assert_eq!(
            features.of_model("Dispute"),
            ["disputes", WEBHOOK_EVENTS_FEATURE],
            "a webhook payload is compiled by the webhook feature too"
        );
        assert_eq!(features.of_model("DisputeClosed"), [WEBHOOK_EVENTS_FEATURE]);
        assert_eq!(features.webhooks.as_deref(), Some(WEBHOOK_EVENTS_FEATURE));
        assert_eq!(features.tags[1].tags, ["Orders"]);
        assert_eq!(features.tags[4].operations, 1);
    }

    #[test]
    fn an_api_without_tags_has_no_features() {
        let api = lowered(crate::testing::PETS);
        assert_eq!(api.features, Features::default());
    }

    #[test]
    fn tags_become_kebab_case_features_apart_from_the_runtime_s() {
        assert_eq!(feature_name("Checkout Sessions"), "checkout-sessions");
        assert_eq!(feature_name("planEntitlements"), "plan-entitlements");
        assert_eq!(feature_name("2024 API"), "tag-2024-api");
        assert_eq!(feature_name("gzip"), "gzip-api");
        assert_eq!(feature_name("Ünïcode/ünïcode"), "n-code-n-code");
        assert_eq!(feature_name("!!!"), "tag");
    }
}
