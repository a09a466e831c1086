//! Changes to operations: their parameters, bodies, responses, errors,
//! credentials and servers.

use super::{match_by, reordered, type_changed, type_label, Area, Change, Recorder};
use crate::ir::{ErrorResponse, Operation, Output, Parameter, RequestBody, StatusMatch, TypeRef};
use crate::surface::client_method;

/// Compares the operations of two APIs, matched by operation id.
pub(super) fn diff_operations(old: &[Operation], new: &[Operation], out: &mut Vec<Change>) {
    let matched = match_by(old, new, |o| o.id.clone());
    for operation in matched.removed {
        Recorder::new(out, Area::Operation, &operation.id).breaking(
            format!("operation removed ({})", endpoint(operation)),
            format!("method `Client::{}` removed", operation.method_name),
        );
    }
    for operation in matched.added {
        Recorder::new(out, Area::Operation, &operation.id).additive(
            format!("operation added ({})", endpoint(operation)),
            format!("new method `Client::{}`", operation.method_name),
        );
    }
    for (a, b) in matched.common {
        let mut recorder = Recorder::new(out, Area::Operation, &a.id);
        diff_operation(a, b, &mut recorder);
    }
}

fn endpoint(operation: &Operation) -> String {
    format!("`{} {}`", operation.http_method.as_str(), operation.path)
}

fn diff_operation(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    recorder.docs("description", &old.docs, &new.docs);
    recorder.deprecation("operation", old.deprecated, new.deprecated);
    diff_rust_names(old, new, recorder);
    if endpoint(old) != endpoint(new) {
        recorder.additive(
            format!("moved from {} to {}", endpoint(old), endpoint(new)),
            "same Rust signature; requests go to the new endpoint",
        );
    }
    diff_parameters(old, new, recorder);
    diff_body(old, new, recorder);
    diff_output(old, new, recorder);
    diff_errors(old, new, recorder);
    diff_wire(old, new, recorder);
}

/// The method, marker type and error enum are found by these names.
fn diff_rust_names(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    let names = [
        (
            "method",
            "Client::",
            old.method_name.as_code(),
            new.method_name.as_code(),
        ),
        (
            "marker type",
            "",
            old.type_name.as_str(),
            new.type_name.as_str(),
        ),
        (
            "error enum",
            "",
            old.error_type.as_str(),
            new.error_type.as_str(),
        ),
    ];
    for (what, prefix, before, after) in names {
        if before != after {
            recorder.breaking(
                format!("its Rust {what} name changed"),
                format!("`{prefix}{before}` renamed to `{prefix}{after}`"),
            );
        }
    }
}

fn parameter_label(parameter: &Parameter) -> String {
    format!(
        "{} {} parameter `{}`",
        if parameter.required {
            "required"
        } else {
            "optional"
        },
        parameter.location.as_str(),
        parameter.wire_name
    )
}

/// Where the parameter shows in the Rust API.
fn parameter_home(operation: &Operation, parameter: &Parameter) -> String {
    if parameter.required {
        format!(
            "argument `{}` of `Client::{}`",
            parameter.rust_name, operation.method_name
        )
    } else {
        format!("setter `{}` on its call", parameter.rust_name)
    }
}

fn diff_parameters(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    let key = |p: &Parameter| (p.location.as_str(), p.wire_name.clone());
    let mut matched = match_by(&old.parameters, &new.parameters, key);
    let mut renamed = matched.take_renamed(|p| (p.location.as_str(), p.rust_name.clone()));
    // Moved to another location under the same Rust name: the same setter
    // or argument.
    let moved = matched.take_renamed(|p| p.rust_name.clone());
    for parameter in matched.removed {
        recorder.breaking(
            format!("{} removed", parameter_label(parameter)),
            format!("{} removed", parameter_home(old, parameter)),
        );
    }
    for parameter in matched.added {
        let change = format!("{} added", parameter_label(parameter));
        let effect = format!("new {}", parameter_home(new, parameter));
        if parameter.required {
            recorder.breaking(change, effect);
        } else {
            recorder.additive(change, effect);
        }
    }
    for (a, b) in &renamed {
        recorder.additive(
            format!(
                "{} parameter `{}` renamed to `{}`",
                a.location.as_str(),
                a.wire_name,
                b.wire_name
            ),
            format!("same {}; another name on the wire", parameter_home(new, b)),
        );
    }
    for (a, b) in &moved {
        recorder.additive(
            format!(
                "{} parameter `{}` moved to the {} as `{}`",
                a.location.as_str(),
                a.wire_name,
                b.location.as_str(),
                b.wire_name
            ),
            format!("same {}; sent elsewhere", parameter_home(new, b)),
        );
    }
    renamed.extend(moved);
    for (a, b) in matched.common.iter().chain(&renamed) {
        diff_parameter(old, new, a, b, recorder);
    }
    if reordered(&client_method(old), &client_method(new)) {
        recorder.breaking(
            "required parameters reordered",
            format!(
                "`Client::{}` takes its arguments in a different order",
                new.method_name
            ),
        );
    }
}

fn diff_parameter(
    old_operation: &Operation,
    new_operation: &Operation,
    old: &Parameter,
    new: &Parameter,
    recorder: &mut Recorder,
) {
    let what = format!("{} parameter `{}`", old.location.as_str(), old.wire_name);
    recorder.docs(&format!("{what} description"), &old.docs, &new.docs);
    recorder.deprecation(&what, old.deprecated, new.deprecated);
    let old_home = parameter_home(old_operation, old);
    if old.required != new.required || old.rust_name != new.rust_name {
        recorder.breaking(
            format!("{} is now {}", parameter_label(old), parameter_label(new)),
            format!("{old_home} is now {}", parameter_home(new_operation, new)),
        );
    }
    if old.ty != new.ty {
        recorder.breaking(
            type_changed(&what, &old.ty, &new.ty),
            format!("{old_home} takes another type"),
        );
    } else if old.encoding != new.encoding {
        recorder.additive(
            format!("{what} serialized differently"),
            "same Rust type; other text on the wire",
        );
    }
}

fn body_label(body: &RequestBody) -> String {
    format!(
        "{} `{}` request body",
        if body.required {
            "required"
        } else {
            "optional"
        },
        body.media_type
    )
}

fn body_home(body: &RequestBody, operation: &Operation) -> String {
    if body.required {
        format!("argument `body` of `Client::{}`", operation.method_name)
    } else {
        "setter `body` on its call".to_owned()
    }
}

fn diff_body(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    match (&old.body, &new.body) {
        (Some(a), None) => recorder.breaking(
            format!("{} removed", body_label(a)),
            format!("{} removed", body_home(a, old)),
        ),
        (None, Some(b)) => {
            let change = format!("{} added", body_label(b));
            let effect = format!("new {}", body_home(b, new));
            if b.required {
                recorder.breaking(change, effect);
            } else {
                recorder.additive(change, effect);
            }
        }
        (Some(a), Some(b)) => diff_present_body(old, new, a, b, recorder),
        (None, None) => {}
    }
}

fn diff_present_body(
    old_operation: &Operation,
    new_operation: &Operation,
    old: &RequestBody,
    new: &RequestBody,
    recorder: &mut Recorder,
) {
    recorder.docs("request body description", &old.docs, &new.docs);
    if old.required != new.required {
        recorder.breaking(
            format!("{} is now {}", body_label(old), body_label(new)),
            format!(
                "{} is now {}",
                body_home(old, old_operation),
                body_home(new, new_operation)
            ),
        );
    }
    if old.ty != new.ty {
        recorder.breaking(
            type_changed("request body", &old.ty, &new.ty),
            format!("{} takes another type", body_home(new, new_operation)),
        );
    } else if old.media_type != new.media_type || old.encoding != new.encoding {
        recorder.additive(
            format!(
                "request body sent as `{}` instead of `{}`",
                new.media_type, old.media_type
            ),
            "same Rust type; other bytes on the wire",
        );
    }
}

fn output_label(output: &Output) -> String {
    match output {
        Output::Empty => "()".to_owned(),
        Output::Json(ty) => type_label(ty),
        Output::Text => "String".to_owned(),
        Output::Bytes => "Bytes".to_owned(),
        Output::Redirect => "Redirect".to_owned(),
        Output::Events(None) => "EventStream<String>".to_owned(),
        Output::Events(Some(ty)) => format!("EventStream<{}>", type_label(ty)),
    }
}

fn diff_output(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    if old.output != new.output {
        recorder.breaking(
            format!(
                "success response changed from `{}` to `{}`",
                output_label(&old.output),
                output_label(&new.output)
            ),
            format!(
                "`Client::{}` returns `{}`",
                new.method_name,
                output_label(&new.output)
            ),
        );
    } else if old.success_statuses != new.success_statuses {
        recorder.additive(
            "success statuses changed",
            "same Rust type; other statuses count as success",
        );
    }
}

fn status_label(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Class(digit) => format!("{digit}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn error_variant(operation: &Operation, error: &ErrorResponse) -> String {
    format!("`{}::{}`", operation.error_type, error.variant)
}

fn diff_errors(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    let matched = match_by(&old.errors, &new.errors, |e| e.status);
    for error in matched.removed {
        recorder.breaking(
            format!("error response {} removed", status_label(error.status)),
            format!("variant {} removed", error_variant(old, error)),
        );
    }
    for error in matched.added {
        recorder.additive(
            format!("error response {} added", status_label(error.status)),
            format!(
                "new variant {} (the enum is `#[non_exhaustive]`)",
                error_variant(new, error)
            ),
        );
    }
    for (a, b) in matched.common {
        let status = status_label(a.status);
        recorder.docs(
            &format!("error response {status} description"),
            &a.docs,
            &b.docs,
        );
        if a.variant != b.variant {
            recorder.breaking(
                format!("error response {status} now maps to a different Rust name"),
                format!(
                    "variant {} renamed to {}",
                    error_variant(old, a),
                    error_variant(new, b)
                ),
            );
        } else if a.body != b.body {
            let label = |body: &Option<TypeRef>| {
                body.as_ref()
                    .map_or("no body".to_owned(), |t| format!("`{}`", type_label(t)))
            };
            recorder.breaking(
                format!(
                    "error response {status} body changed from {} to {}",
                    label(&a.body),
                    label(&b.body)
                ),
                format!("variant {} holds another value", error_variant(new, b)),
            );
        }
    }
}

/// Changes that keep the Rust signature but change what is sent.
fn diff_wire(old: &Operation, new: &Operation, recorder: &mut Recorder) {
    if old.security != new.security {
        recorder.additive(
            format!(
                "security changed from {} to {}",
                security_label(&old.security),
                security_label(&new.security)
            ),
            "same Rust signature; other credentials are sent",
        );
    }
    if old.servers != new.servers {
        recorder.additive(
            "operation servers changed",
            "same Rust signature; requests go to other hosts",
        );
    }
    if old.accept != new.accept && old.output == new.output {
        recorder.additive(
            "accepted response media types changed",
            "same Rust signature; another `Accept` header",
        );
    }
}

fn security_label(security: &[Vec<String>]) -> String {
    if security.is_empty() {
        return "none".to_owned();
    }
    security
        .iter()
        .map(|all| all.join(" + "))
        .collect::<Vec<_>>()
        .join(" or ")
}
