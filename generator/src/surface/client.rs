//! The public API the crate adds to the runtime's `ClientBuilder`: one
//! credential setter per security scheme.

use crate::ir::{Ident, SchemeKind, SecurityScheme};
use crate::surface::{Argument, Method, Passing};

/// Methods the client module adds to the runtime's `Client`, the same for
/// every API.
pub const CLIENT_METHODS: [&str; 1] = ["builder"];

/// Methods the client module adds to the runtime's `ClientBuilder`,
/// besides one credential setter per security scheme.
pub const BUILDER_METHODS: [&str; 1] = ["environment"];

/// The builder method that sets the credential of `scheme`: a user name
/// and password for HTTP basic, one secret for the others.
pub fn credential_setter(scheme: &SecurityScheme) -> Method {
    let argument = |name: &str, passing: Passing| Argument {
        name: Ident::new(name),
        passing,
    };
    let arguments = match scheme.kind {
        SchemeKind::Basic => vec![
            argument("username", Passing::IntoString),
            argument("password", Passing::IntoSecret),
        ],
        SchemeKind::Bearer
        | SchemeKind::Header(_)
        | SchemeKind::Query(_)
        | SchemeKind::Cookie(_) => vec![argument("secret", Passing::IntoSecret)],
    };
    Method {
        name: scheme.setter.clone(),
        arguments,
        docs: scheme.docs.clone(),
        deprecated: false,
    }
}
