//! How each parameter's value becomes text on the wire, once every model
//! is known: plain text, a style's structured form, or JSON.

use std::collections::BTreeMap;

use crate::ir::{Model, ModelKind, Operation, ParameterEncoding, ParameterLocation, TypeRef};
use crate::lower::aliases::alias_target;
use crate::lower::Context;

/// Parameters whose type is an alias take the aliased type (so `PetId = i64`
/// is passed as `i64`), and each gets the text encoding its type allows:
/// plain text where it has one, else its style's form of a structured
/// value (`form` or `deepObject` in queries, `simple` elsewhere); only
/// `content` parameters are sent as JSON text, with a warning.
pub fn settle_parameters(models: &[Model], operations: &mut [Operation], cx: &mut Context) {
    let by_name: BTreeMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    for operation in operations.iter_mut() {
        let at = operation_pointer(operation);
        for parameter in &mut operation.parameters {
            parameter.ty = without_aliases(&parameter.ty, &by_name);
            let explode = match parameter.encoding {
                ParameterEncoding::List { explode }
                | ParameterEncoding::Form { explode }
                | ParameterEncoding::Simple { explode } => explode,
                _ => true,
            };
            // Values of any shape have a text form of their own in the
            // parameter's style; only `content` parameters are JSON.
            let structured = match (parameter.location, parameter.encoding) {
                (_, ParameterEncoding::Json) => None,
                (ParameterLocation::Query, ParameterEncoding::DeepObject) => {
                    Some(ParameterEncoding::DeepObject)
                }
                (ParameterLocation::Query, _) => Some(ParameterEncoding::Form { explode }),
                _ => Some(ParameterEncoding::Simple { explode }),
            };
            parameter.encoding = match (&parameter.ty, structured) {
                (TypeRef::DateTime, _) => ParameterEncoding::DateTime,
                (TypeRef::List(item), _) if is_text(item, &by_name) => {
                    ParameterEncoding::List { explode }
                }
                (ty, _) if is_text(ty, &by_name) => ParameterEncoding::Display,
                (_, Some(structured)) => structured,
                _ => {
                    cx.warn(
                        &at,
                        format!(
                            "parameter `{}` has no plain text form; it is sent as JSON text",
                            parameter.wire_name
                        ),
                    );
                    ParameterEncoding::Json
                }
            };
        }
    }
}

fn operation_pointer(operation: &Operation) -> String {
    format!(
        "#/paths/{}/{}",
        crate::load::pointer::escape(&operation.path),
        operation.http_method.as_str().to_ascii_lowercase()
    )
}

/// The type an alias chain ends in, and for a list, its items' too.
fn without_aliases(ty: &TypeRef, models: &BTreeMap<&str, &Model>) -> TypeRef {
    let kind_of = |name: &str| models.get(name).map(|m| &m.kind);
    match alias_target(ty, kind_of) {
        TypeRef::List(item) => TypeRef::List(Box::new(without_aliases(&item, models))),
        other => other,
    }
}

/// Whether values of the type have a plain `Display` text form.
fn is_text(ty: &TypeRef, models: &BTreeMap<&str, &Model>) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::I8
        | TypeRef::I16
        | TypeRef::U8
        | TypeRef::U16
        | TypeRef::U32
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::Date
        | TypeRef::Decimal
        | TypeRef::Base64
        | TypeRef::IpAddr
        | TypeRef::Ipv4Addr
        | TypeRef::Ipv6Addr => true,
        TypeRef::Named(name) => matches!(
            models.get(name.as_str()).map(|m| &m.kind),
            Some(ModelKind::Enum(_))
        ),
        _ => false,
    }
}
