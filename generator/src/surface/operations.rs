//! The public API of an operation: its method on `Client`, its marker type
//! and error enum in `operations`, and the setters of its call.

use std::collections::BTreeMap;

use crate::ir::{BodyEncoding, Ident, Operation, Parameter, RequestBody};
use crate::surface::{Argument, Method, Passing};

/// The public API of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationSurface {
    /// The method on `Client` that starts a call: required parameters and
    /// a required body are its arguments.
    pub client_method: Method,
    /// The marker type's name as code (`operations::<marker>`).
    pub marker: String,
    /// Rustdoc of the marker type.
    pub marker_docs: String,
    /// The error enum's name as code: the operation's own enum, or its alias
    /// of a shared one (`shared_errors`).
    pub error_type: String,
    /// Rustdoc of the error enum or alias.
    pub error_docs: String,
    /// The enum of the private `errors` module that `error_type` names, when
    /// other operations document the same errors (same variants, bodies and
    /// docs): one enum compiles for all of them.
    pub shared_errors: Option<String>,
    /// Setters on the call for what may be left out, in order: optional
    /// parameters, then an optional body.
    pub setters: Vec<CallSetter>,
    /// Whether the operation's items allow the deprecation lint: its
    /// signature names a deprecated model, which it uses knowingly.
    pub allow_deprecated: bool,
}

/// A setter on a call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSetter {
    /// The method; its one argument is the value.
    pub method: Method,
    /// The parameter it sets, by index into the operation's parameters;
    /// `None` for the body.
    pub parameter: Option<usize>,
}

/// The public API of `op`.
pub(super) fn describe(op: &Operation) -> OperationSurface {
    OperationSurface {
        client_method: client_method(op),
        marker: op.type_name.clone(),
        marker_docs: format!(
            "The `{}` operation (`{} {}`); call it with [`Client::{}`].",
            op.id,
            op.http_method.as_str(),
            op.path,
            op.method_name.bare(),
        ),
        error_type: op.error_type.clone(),
        error_docs: format!("Error responses documented for [`{}`].", op.type_name),
        shared_errors: None,
        setters: setters(op),
        allow_deprecated: op.mentions_deprecated,
    }
}

/// An error enum of the private `errors` module, shared by the operations
/// that document the same errors; each names it by its own alias, so which
/// operations share it is not part of the public API.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedErrors {
    /// The enum's name as code, from its variants (`ClientErrorOrServerError`),
    /// numbered after the first enum of that name.
    pub name: String,
    /// The operations that share it, by index, in order.
    pub operations: Vec<usize>,
}

/// Finds the operations whose error enums would be identical, gives each
/// group of two or more one shared enum, and points their surfaces at it.
pub(super) fn share_errors(
    operations: &[Operation],
    surfaces: &mut [OperationSurface],
) -> Vec<SharedErrors> {
    // Groups in the order their first operation appears, so that names and
    // numbering follow the document.
    let mut group_of_shape: BTreeMap<String, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, op) in operations.iter().enumerate() {
        let shape = format!("{:?}", errors_shape(op));
        let group = *group_of_shape.entry(shape).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(index);
    }
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut shared = Vec::new();
    for members in groups {
        let [first, _, ..] = members[..] else {
            continue;
        };
        let base = shared_name(&operations[first]);
        let count = taken.entry(base.clone()).or_insert(0);
        *count += 1;
        let name = match *count {
            1 => base,
            n => format!("{base}{n}"),
        };
        for &member in &members {
            surfaces[member].shared_errors = Some(name.clone());
        }
        shared.push(SharedErrors {
            name,
            operations: members,
        });
    }
    shared
}

/// What makes two operations' error enums the same: each variant's name,
/// body type and docs, in order.
fn errors_shape(op: &Operation) -> Vec<(&str, Option<&crate::ir::TypeRef>, &str)> {
    op.errors
        .iter()
        .map(|e| (e.variant.as_str(), e.body.as_ref(), e.docs.as_str()))
        .collect()
}

/// `ClientErrorOrServerError`; `NoErrors` for an operation that documents
/// none.
fn shared_name(op: &Operation) -> String {
    if op.errors.is_empty() {
        return "NoErrors".to_owned();
    }
    let variants: Vec<&str> = op.errors.iter().map(|e| e.variant.as_str()).collect();
    variants.join("Or")
}

/// The method on `Client` that starts a call of `op`.
pub fn client_method(op: &Operation) -> Method {
    let mut arguments: Vec<Argument> = op
        .arguments()
        .into_iter()
        .map(|p| Argument {
            name: p.rust_name.clone(),
            passing: Passing::borrowed(&p.ty),
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        arguments.push(body_argument(body));
    }
    Method {
        name: op.method_name.clone(),
        arguments,
        docs: op.docs.clone(),
        deprecated: op.deprecated,
    }
}

/// How a body is taken: text and bytes as anything that converts into
/// them, values by reference.
fn body_argument(body: &RequestBody) -> Argument {
    let passing = match body.encoding {
        BodyEncoding::Text => Passing::IntoString,
        BodyEncoding::Bytes => Passing::IntoBytes,
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart { .. } => {
            Passing::Borrowed(body.ty.clone())
        }
    };
    Argument {
        name: Ident::new("body"),
        passing,
    }
}

fn setters(op: &Operation) -> Vec<CallSetter> {
    let parameters = op
        .parameters
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.required);
    let mut setters: Vec<CallSetter> = parameters
        .map(|(index, parameter)| CallSetter {
            method: Method {
                name: parameter.rust_name.clone(),
                arguments: vec![Argument {
                    name: parameter.rust_name.clone(),
                    passing: Passing::borrowed(&parameter.ty),
                }],
                docs: parameter_docs(parameter),
                deprecated: parameter.deprecated,
            },
            parameter: Some(index),
        })
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let docs = if body.docs.is_empty() {
            "The request body (optional).".to_owned()
        } else {
            body.docs.clone()
        };
        setters.push(CallSetter {
            method: Method {
                name: Ident::new("body"),
                arguments: vec![body_argument(body)],
                docs,
                deprecated: false,
            },
            parameter: None,
        });
    }
    setters
}

fn parameter_docs(parameter: &Parameter) -> String {
    let location = parameter.location.as_str();
    let origin = format!("Sets the `{}` {location} parameter.", parameter.wire_name);
    if parameter.docs.is_empty() {
        origin
    } else {
        format!("{}\n\n{origin}", parameter.docs)
    }
}
