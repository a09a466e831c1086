//! The public API of an operation: its method on `Client`, its marker type
//! and error enum in `operations`, and the setters of its call.

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
    /// The error enum's name as code.
    pub error_type: String,
    /// Rustdoc of the error enum.
    pub error_docs: String,
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
        setters: setters(op),
        allow_deprecated: op.mentions_deprecated,
    }
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
