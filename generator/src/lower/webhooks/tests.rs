//! Webhooks lowered from small documents.

use crate::ir::{Api, DigestEncoding, SecretEncoding, TypeRef};

const EVENT: &str = "
      post:
        summary: SUMMARY
        requestBody:
          content:
            application/json:
              schema:
                type: object
                required: [type, data]
                properties:
                  type: {type: string, enum: [TAG]}
                  object: {type: string, enum: [event]}
                  data: {type: object, properties: {id: {type: string}}}
        responses:
          '200': {description: ok}
";

fn lowered(webhooks: &str, root: &str) -> Api {
    crate::testing::lowered(&format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{root}\nx-webhooks:\n{webhooks}"
    ))
}

fn event(name: &str, tag: &str) -> String {
    format!(
        "  {name}:\n{}",
        EVENT.replace("TAG", tag).replace("SUMMARY", name)
    )
}

#[test]
fn payloads_are_told_apart_by_their_fixed_type() {
    let hooks = format!(
        "{}{}",
        event("pet.sold", "pet.sold"),
        event("pet.born", "pet.born")
    );
    let api = lowered(&hooks, "");
    let webhooks = api.webhooks.expect("webhooks");
    assert_eq!(webhooks.tag.as_deref(), Some("type"));
    let events: Vec<_> = webhooks
        .events
        .iter()
        .map(|e| (e.variant.as_str(), e.tag_values.clone(), e.ty.clone()))
        .collect();
    assert_eq!(
        events,
        [
            (
                "PetBorn",
                vec!["pet.born".to_owned()],
                TypeRef::Named("PetBornWebhook".to_owned())
            ),
            (
                "PetSold",
                vec!["pet.sold".to_owned()],
                TypeRef::Named("PetSoldWebhook".to_owned())
            ),
        ]
    );
    assert!(api.models.iter().any(|m| m.name == "PetBornWebhook"));
    assert_eq!(webhooks.signature.digest, DigestEncoding::Base64);
    assert_eq!(webhooks.signature.id_header, "webhook-id");
}

#[test]
fn a_payload_whose_value_is_taken_is_left_out_with_a_warning() {
    let hooks = format!("{}{}", event("a", "same"), event("b", "same"));
    let api = lowered(&hooks, "");
    let webhooks = api.webhooks.expect("webhooks");
    assert_eq!(webhooks.events.len(), 1);
    assert!(
        api.warnings
            .iter()
            .any(|w| w.to_string().contains("#/webhooks/b")),
        "{:?}",
        api.warnings
    );
}

#[test]
fn the_extension_states_the_signing_scheme() {
    let root = "x-webhook-signature: {digestEncoding: hex, secretEncoding: text, \
                signatureHeader: X-Sig, toleranceSeconds: 60, extra: 1}";
    let api = lowered(&event("a", "a"), root);
    let signature = api.webhooks.expect("webhooks").signature;
    assert_eq!(signature.digest, DigestEncoding::Hex);
    assert_eq!(signature.secret, SecretEncoding::Text);
    assert_eq!(signature.signature_header, "x-sig");
    assert_eq!(signature.tolerance_seconds, 60);
    assert!(api
        .warnings
        .iter()
        .any(|w| w.to_string().contains("`extra`")));
}

#[test]
fn a_bad_scheme_is_a_located_error() {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n\
         x-webhook-signature: {{digestEncoding: rot13}}\nx-webhooks:\n{}",
        event("a", "a")
    );
    let loaded = crate::load::load_text(std::path::Path::new("spec.yaml"), &text).expect("loads");
    let error = crate::lower::lower(&loaded).expect_err("rot13 is no encoding");
    assert_eq!(
        error.location.pointer.as_deref(),
        Some("#/x-webhook-signature/digestEncoding")
    );
}

#[test]
fn no_webhooks_no_module() {
    let api =
        crate::testing::lowered("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(api.webhooks, None);
}

/// Webhooks and signing schemes of every wrong shape give a located error
/// or a warning, never a generator bug, and what generates formats.
#[test]
fn malformed_webhooks_are_spec_errors_or_warnings() {
    let cases = [
        "x-webhooks: [1, 2]",
        "x-webhooks: {a: 1}",
        "x-webhooks: {a: {post: 1}}",
        "x-webhooks: {a: {$ref: '#/nowhere'}}",
        "x-webhooks: {a: {$ref: '#/components/schemas/S'}}\ncomponents: {schemas: {S: {type: string}}}",
        "x-webhooks: {a: {post: {requestBody: {$ref: '#/components/requestBodies/B'}, responses: {}}}}",
        "x-webhooks: {a: {post: {requestBody: {content: {text/plain: {}}}, responses: {}}}}",
        "x-webhooks: {a: {post: {requestBody: {content: {application/json: {}}}, responses: {}}}}",
        "x-webhooks: {a: {post: {requestBody: {content: {application/json: {schema: {type: object, properties: {type: {type: string, enum: ['', ' ', '\"', '\\\\']}}}}}}, responses: {}}}}",
        "x-webhooks: {'': {post: {requestBody: {content: {application/json: {schema: {type: object, properties: {type: {enum: [x]}}}}}}, responses: {}}}}",
        "x-webhook-signature: [hex]\nx-webhooks: {}",
        "x-webhook-signature: {toleranceSeconds: -1}\nx-webhooks: {a: {post: {responses: {}}}}",
        "x-webhook-signature: {idHeader: 'bad header'}\nx-webhooks: {a: {post: {responses: {}}}}",
        "x-webhook-signature: {version: 'v1,v2'}\nx-webhooks: {a: {post: {responses: {}}}}",
    ];
    for case in cases {
        let text =
            format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{case}\n");
        let path = std::path::Path::new("spec.yaml");
        let generated = crate::on_pipeline_stack(path, || {
            let loaded = crate::load::load_text(path, &text)?;
            let api = crate::lower::lower(&loaded)?;
            let surface = crate::surface::Surface::of(&api);
            let files = crate::emit::emit_crate(&api, &surface, &crate::Options::new("t"))?;
            crate::write::format_crate(files, api.warnings.clone())
        });
        if let Err(error) = generated {
            assert_eq!(error.kind(), crate::ErrorKind::Spec, "{case}: {error}");
        }
    }
}
