//! Rust names for an operation's parameters.
//!
//! A parameter is named after its wire name. When parameters in different
//! locations share a name (`id` in the path, the query and a header), the
//! first location in [`LOCATION_ORDER`] keeps the plain name and the others
//! say where they go: `id`, `query_id`, `header_id`. A name the generated
//! code already uses (a runtime helper the method body calls, or, for an
//! optional parameter, a method of `Call` its setter would duplicate) is
//! qualified the same way. Only parameters sharing a name affect each
//! other, so adding an unrelated parameter renames nothing; what still
//! collides (`user_id` and `userId` in the query) is numbered in
//! declaration order.

use crate::ir::{Ident, Parameter, ParameterLocation};
use crate::lower::names::{value_name, NameScope};
use crate::lower::reserved::runtime_methods;

/// Which location keeps a shared name: the path's parameters are the
/// method's leading arguments, and the most visible.
const LOCATION_ORDER: [ParameterLocation; 4] = [
    ParameterLocation::Path,
    ParameterLocation::Query,
    ParameterLocation::Header,
    ParameterLocation::Cookie,
];

/// The request body's argument and setter.
const BODY: &str = "body";

/// Sets `rust_name` of every parameter from its wire name and location.
pub fn name_parameters(parameters: &mut [Parameter]) {
    let plain: Vec<String> = parameters
        .iter()
        .map(|p| value_name(&p.wire_name, "parameter"))
        .collect();
    let mut scope = NameScope::with_reserved([BODY]);
    let mut order: Vec<usize> = (0..parameters.len()).collect();
    order.sort_by_key(|&index| (rank(parameters[index].location), index));
    for index in order {
        let parameter = &parameters[index];
        let shared_with_earlier = plain.iter().enumerate().any(|(other, name)| {
            *name == plain[index] && rank(parameters[other].location) < rank(parameter.location)
        });
        let wanted = if shared_with_earlier || is_reserved(&plain[index], parameter) {
            qualified(parameter)
        } else {
            plain[index].clone()
        };
        parameters[index].rust_name = Ident::new(scope.claim(wanted));
    }
}

fn rank(location: ParameterLocation) -> usize {
    LOCATION_ORDER
        .iter()
        .position(|l| *l == location)
        .unwrap_or(LOCATION_ORDER.len())
}

/// Whether generated code around the parameter already uses `name`.
fn is_reserved(name: &str, parameter: &Parameter) -> bool {
    let runtime = runtime_methods();
    let is_setter = !parameter.required && parameter.location != ParameterLocation::Path;
    name == BODY || runtime.helpers.contains(name) || (is_setter && runtime.call.contains(name))
}

/// `query_id` for the query parameter `id`.
fn qualified(parameter: &Parameter) -> String {
    let location = parameter.location.as_str();
    value_name(&format!("{location} {}", parameter.wire_name), "parameter")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ParameterEncoding, TypeRef};

    fn parameter(wire: &str, location: ParameterLocation, required: bool) -> Parameter {
        Parameter {
            rust_name: Ident::default(),
            wire_name: wire.to_owned(),
            location,
            ty: TypeRef::String,
            required,
            encoding: ParameterEncoding::Display,
            docs: String::new(),
            deprecated: false,
        }
    }

    fn names(parameters: &mut [Parameter]) -> Vec<&str> {
        name_parameters(parameters);
        parameters.iter().map(|p| p.rust_name.as_str()).collect()
    }

    #[test]
    fn a_shared_name_is_qualified_by_location() {
        use ParameterLocation::*;
        let mut parameters = [
            parameter("id", Header, false),
            parameter("ID", Query, false),
            parameter("id", Path, true),
            parameter("id", Cookie, true),
        ];
        let expected = ["header_id", "query_id", "id", "cookie_id"];
        assert_eq!(names(&mut parameters), expected);
    }

    #[test]
    fn unrelated_parameters_do_not_rename_each_other() {
        use ParameterLocation::*;
        let mut before = [
            parameter("id", Query, false),
            parameter("id", Header, false),
        ];
        let mut after = [
            parameter("page", Query, false),
            parameter("id", Header, false),
            parameter("limit", Cookie, false),
            parameter("id", Query, false),
        ];
        assert_eq!(names(&mut before), ["id", "header_id"]);
        assert_eq!(names(&mut after), ["page", "header_id", "limit", "id"]);
    }

    #[test]
    fn names_the_generated_code_uses_are_qualified() {
        use ParameterLocation::*;
        let mut parameters = [
            parameter("max_response_bytes", Query, false),
            parameter("timeout", Query, true),
            parameter("json_text", Path, true),
            parameter("body", Header, false),
            parameter("user_id", Query, false),
            parameter("userId", Query, false),
        ];
        let expected = [
            "query_max_response_bytes",
            "timeout",
            "path_json_text",
            "header_body",
            "user_id",
            "user_id_2",
        ];
        assert_eq!(names(&mut parameters), expected);
    }
}
