//! The public API the crate adds to the runtime's `ClientBuilder`: one
//! credential setter per security scheme.

use crate::ir::{Ident, SchemeKind, SecurityScheme};
use crate::surface::{Argument, Method, Passing};

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
