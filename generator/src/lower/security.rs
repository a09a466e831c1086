//! Security schemes the client knows how to send.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr};

use crate::ir::{Ident, SchemeKind, SecurityScheme};
use crate::lower::docs;
use crate::lower::names::{value_name, NameScope};
use crate::lower::reserved::runtime_methods;
use crate::lower::Context;

/// Lowers `components.securitySchemes`, sorted by key.
pub fn lower_schemes(openapi: &OpenAPI, cx: &mut Context) -> Vec<SecurityScheme> {
    let Some(components) = &openapi.components else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = components.security_schemes.keys().collect();
    keys.sort();
    let mut scope = NameScope::with_reserved(&runtime_methods().builder);
    let mut out = Vec::new();
    for key in keys {
        let at = format!(
            "#/components/securitySchemes/{}",
            crate::load::pointer::escape(key)
        );
        let Some(ReferenceOr::Item(scheme)) = components.security_schemes.get(key) else {
            cx.warn(
                &at,
                "referenced security schemes are not supported; scheme ignored",
            );
            continue;
        };
        let Some((kind, description)) = kind_of(scheme) else {
            cx.warn(
                &at,
                "this HTTP authentication scheme is not supported; scheme ignored",
            );
            continue;
        };
        out.push(SecurityScheme {
            key: key.clone(),
            setter: Ident::new(scope.claim(setter_name(key))),
            kind,
            docs: docs::compose([
                description,
                Some(&format!("Credential for the `{key}` security scheme.")),
            ]),
        });
    }
    out
}

/// The scheme's name, or, when `ClientBuilder` already has a method of
/// that name, the name with `_credential` (`sleeper_credential`).
fn setter_name(key: &str) -> String {
    let plain = value_name(key, "credential");
    if runtime_methods().builder.contains(&plain) {
        value_name(&format!("{key} credential"), "credential")
    } else {
        plain
    }
}

fn kind_of(scheme: &openapiv3::SecurityScheme) -> Option<(SchemeKind, Option<&str>)> {
    use openapiv3::SecurityScheme as S;
    Some(match scheme {
        S::APIKey {
            location,
            name,
            description,
            ..
        } => {
            let kind = match location {
                APIKeyLocation::Header => SchemeKind::Header(name.clone()),
                APIKeyLocation::Query => SchemeKind::Query(name.clone()),
                APIKeyLocation::Cookie => SchemeKind::Cookie(name.clone()),
            };
            (kind, description.as_deref())
        }
        S::HTTP {
            scheme,
            description,
            ..
        } => match scheme.to_ascii_lowercase().as_str() {
            "bearer" => (SchemeKind::Bearer, description.as_deref()),
            "basic" => (SchemeKind::Basic, description.as_deref()),
            _ => return None,
        },
        S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
            (SchemeKind::Bearer, description.as_deref())
        }
    })
}
