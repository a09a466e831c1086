//! Credentials and servers on the wire: what an old client sends to be
//! let in, and where it sends it.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{child, code, Place, Side, Walk, WireImpact};

/// The alternatives of a security requirement, each the set of schemes
/// sent together; `None` when the operation inherits the document's.
fn requirement(value: &Value) -> Option<Vec<BTreeSet<String>>> {
    let list = value.get("security")?.as_array()?;
    Some(
        list.iter()
            .map(|all| {
                all.as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

fn effective(root: &Value, operation: &Value) -> Vec<BTreeSet<String>> {
    requirement(operation)
        .or_else(|| requirement(root))
        .unwrap_or_default()
}

fn label(requirement: &[BTreeSet<String>]) -> String {
    if requirement.is_empty() || requirement.iter().any(BTreeSet::is_empty) {
        return "none".to_owned();
    }
    requirement
        .iter()
        .map(|all| all.iter().map(|s| code(s)).collect::<Vec<_>>().join(" + "))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// An operation's security requirement: breaking when no alternative the
/// new server accepts is made of credentials an old client could send.
pub(super) fn diff_operation_security(walk: &mut Walk, old: &Value, new: &Value, at: &str) {
    let before = effective(walk.old, old);
    let after = effective(walk.new, new);
    if before == after {
        return;
    }
    let open = after.is_empty() || after.iter().any(BTreeSet::is_empty);
    let sendable = |all: &BTreeSet<String>| before.iter().any(|old| all.is_subset(old));
    let (impact, client) = if open || after.iter().any(sendable) {
        (
            WireImpact::Compatible,
            "old clients send credentials the server still accepts".to_owned(),
        )
    } else {
        (
            WireImpact::Breaking,
            format!(
                "old clients send {}; the server asks for {}",
                label(&before),
                label(&after)
            ),
        )
    };
    let pointer = if new.get("security").is_some() {
        child(at, "security")
    } else {
        "#/security".to_owned()
    };
    walk.record(
        Place {
            side: Side::Endpoint,
            pointer: &pointer,
        },
        impact,
        format!(
            "security changed from {} to {}",
            label(&before),
            label(&after)
        ),
        client,
    );
}

/// How a scheme's credential travels: the keys a server reads it by.
fn carriage(scheme: &Value) -> Vec<Option<String>> {
    ["type", "in", "name", "scheme"]
        .iter()
        .map(|key| {
            scheme
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
        })
        .collect()
}

/// Security schemes present in both documents whose credential now
/// travels another way (another header, query parameter or HTTP scheme).
pub(super) fn diff_schemes(walk: &mut Walk) {
    let schemes = |root: &Value| {
        root.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (schemes(walk.old), schemes(walk.new));
    for (key, old) in &before {
        let Some(new) = after.get(key) else {
            continue;
        };
        if carriage(old) != carriage(new) {
            let pointer = child("#/components/securitySchemes", key);
            walk.record(
                Place {
                    side: Side::Endpoint,
                    pointer: &pointer,
                },
                WireImpact::Breaking,
                format!(
                    "security scheme {} sends its credential another way",
                    code(key)
                ),
                "old clients send it the old way; the server does not find it".to_owned(),
            );
        }
    }
}

/// The URLs of a `servers` list.
fn urls(holder: &Value) -> Option<Vec<String>> {
    let list = holder.get("servers")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_owned))
            .collect(),
    )
}

/// The server old clients go to by default (the first one) no longer
/// listed: they still call it.
pub(super) fn diff_servers(walk: &mut Walk) {
    let before = urls(walk.old).unwrap_or_default();
    let after = urls(walk.new).unwrap_or_default();
    server_dropped(walk, &before, &after, "#/servers");
}

/// The same for an operation with servers of its own (on either side).
pub(super) fn diff_operation_servers(walk: &mut Walk, old: &Value, new: &Value, at: &str) {
    let (own_before, own_after) = (urls(old), urls(new));
    if own_before.is_none() && own_after.is_none() {
        return;
    }
    let before = own_before.or_else(|| urls(walk.old)).unwrap_or_default();
    let after = own_after.or_else(|| urls(walk.new)).unwrap_or_default();
    server_dropped(walk, &before, &after, &child(at, "servers"));
}

fn server_dropped(walk: &mut Walk, before: &[String], after: &[String], at: &str) {
    let Some(default) = before.first() else {
        return;
    };
    if !after.contains(default) {
        walk.record(
            Place {
                side: Side::Endpoint,
                pointer: at,
            },
            WireImpact::Attention,
            format!("server {} no longer listed", code(default)),
            "old clients still call it by default; check that it keeps serving them".to_owned(),
        );
    }
}
