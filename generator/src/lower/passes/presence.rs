//! Whether each field may be absent or null, which depends on the
//! direction its model travels in: a field required by the spec is
//! optional in a request when the server fills it in, for instance. Also
//! which structs users build (sent in requests) and which they receive, and
//! which unions are sent.

use std::collections::BTreeMap;

use crate::ir::{Model, ModelKind, Operation, Presence, TypeRef};
use crate::lower::passes::reachable;
use crate::lower::schemas::FieldFacts;

/// Sets each field's presence from the spec's facts and from whether the
/// model is sent in requests, received in responses (or in webhook
/// payloads, `also_received`), or both; structs that are sent become
/// constructible.
pub fn decide_presence(
    models: &mut [Model],
    facts: &BTreeMap<(String, usize), FieldFacts>,
    operations: &[Operation],
    also_received: &[&TypeRef],
) {
    let sent = reachable(models, operations.iter().flat_map(Operation::request_types));
    let responses = operations.iter().flat_map(Operation::response_types);
    let received = reachable(models, responses.chain(also_received.iter().copied()));
    for model in models.iter_mut() {
        let is_sent = sent.contains(&model.name);
        if let ModelKind::Union(union) = &mut model.kind {
            union.sent = is_sent;
        }
        let ModelKind::Struct(object) = &mut model.kind else {
            continue;
        };
        let is_received = received.contains(&model.name);
        object.constructible = is_sent;
        object.received = is_received;
        for (index, field) in object.fields.iter_mut().enumerate() {
            let facts = facts
                .get(&(model.name.clone(), index))
                .copied()
                .unwrap_or_default();
            field.presence = presence(facts, is_sent, is_received);
        }
    }
}

fn presence(facts: FieldFacts, is_sent: bool, is_received: bool) -> Presence {
    // A read-only field is never sent and a write-only one never received,
    // so neither can be required on the side that lacks it; one with a
    // default need not be sent, as the server fills it in.
    let required = facts.required
        && !(facts.read_only && is_sent)
        && !(facts.write_only && is_received)
        && !(facts.has_default && is_sent);
    match (required, facts.nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, true) if is_sent => Presence::OptionalNullable,
        (false, _) => Presence::Optional,
    }
}
