//! Types that replace generated ones: `[types]` in the configuration (by
//! component name or by `format`) and `x-rust-type` in the spec. The
//! configuration wins over the spec, and a schema's own override over its
//! format's.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    IntegerFormat, NumberFormat, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::config::{is_package_name, Config};
use crate::ir::{CrateDependency, ExternalType};
use crate::lower::Context;

/// The extension a schema names its Rust type with.
pub const EXTENSION: &str = "x-rust-type";

/// The overrides lowering applies, and the formats it met.
#[derive(Debug, Default)]
pub struct TypeOverrides {
    /// By component schema name (as in the spec).
    schemas: BTreeMap<String, ExternalType>,
    /// By `format`.
    formats: BTreeMap<String, ExternalType>,
    /// Every `format` a lowered schema had, to refuse a configured format
    /// that no schema has.
    pub seen_formats: BTreeSet<String>,
}

impl TypeOverrides {
    /// The configuration's overrides (names already checked against the
    /// spec by `configured`).
    pub fn from_config(config: &Config) -> Self {
        let external = |(key, value): (&String, &toml::Spanned<crate::config::TypeOverride>)| {
            (key.clone(), value.get_ref().external_type())
        };
        TypeOverrides {
            schemas: config.types.schemas.iter().map(external).collect(),
            formats: config.types.formats.iter().map(external).collect(),
            seen_formats: BTreeSet::new(),
        }
    }

    /// The configured type of the component schema `name`.
    pub fn component(&self, name: &str) -> Option<&ExternalType> {
        self.schemas.get(name)
    }

    /// The type replacing `schema` (at `at`) itself: its `x-rust-type`, or
    /// the override of its format. Records the format as seen.
    pub fn of_schema(
        &mut self,
        schema: &Schema,
        at: &str,
        cx: &mut Context,
    ) -> Option<ExternalType> {
        let format = format_of(schema);
        if let Some(format) = &format {
            self.seen_formats.insert(format.clone());
        }
        if let Some(own) = declared(schema, at, cx) {
            return Some(own);
        }
        format.and_then(|format| self.formats.get(&format).cloned())
    }
}

/// The schema's `x-rust-type`, when it is valid; a warning says what is
/// wrong with an invalid one, which is then ignored.
pub fn declared(schema: &Schema, at: &str, cx: &mut Context) -> Option<ExternalType> {
    let value = schema.schema_data.extensions.get(EXTENSION)?;
    let at = format!("{at}/{EXTENSION}");
    match external_type(value) {
        Ok(ty) => Some(ty),
        Err(problem) => {
            cx.warn(
                &at,
                format!("{problem}; the schema's own type is generated instead"),
            );
            None
        }
    }
}

/// `x-rust-type`: a type path, or `{path, crate, version, features}`.
fn external_type(value: &Value) -> Result<ExternalType, String> {
    let (path, dependency) = match value {
        Value::String(path) => (path.as_str(), None),
        Value::Object(fields) => {
            let text = |key: &str| fields.get(key).and_then(Value::as_str);
            let path = text("path").ok_or("`x-rust-type` has no `path`")?;
            let dependency = match (text("crate"), text("version")) {
                (Some(name), Some(version)) if is_package_name(name) => Some(CrateDependency {
                    name: name.to_owned(),
                    version: version.to_owned(),
                    features: features(fields.get("features"))?,
                }),
                (Some(name), Some(_)) => return Err(format!("`{name}` is not a package name")),
                (Some(name), None) => return Err(format!("the crate `{name}` has no `version`")),
                (None, _) => None,
            };
            (path, dependency)
        }
        _ => return Err("`x-rust-type` is neither a type path nor an object".to_owned()),
    };
    if ExternalType::parse_path(path).is_none() {
        return Err(format!("`{path}` is not a Rust type path"));
    }
    Ok(ExternalType {
        path: path.to_owned(),
        dependency,
    })
}

fn features(value: Option<&Value>) -> Result<Vec<String>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let names = value.as_array().ok_or("`features` is not a list")?;
    names
        .iter()
        .map(|name| {
            name.as_str()
                .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_graphic() && c != '"'))
                .map(str::to_owned)
                .ok_or_else(|| format!("`{name}` is not a feature name"))
        })
        .collect()
}

/// The `format` of a string, integer, number or untyped schema, as the
/// spec spells it.
fn format_of(schema: &Schema) -> Option<String> {
    fn named<T>(
        format: &VariantOrUnknownOrEmpty<T>,
        known: fn(&T) -> &'static str,
    ) -> Option<String> {
        match format {
            VariantOrUnknownOrEmpty::Item(item) => Some(known(item).to_owned()),
            VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
            VariantOrUnknownOrEmpty::Empty => None,
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => named(&string.format, |format| match format {
            StringFormat::Date => "date",
            StringFormat::DateTime => "date-time",
            StringFormat::Password => "password",
            StringFormat::Byte => "byte",
            StringFormat::Binary => "binary",
        }),
        SchemaKind::Type(Type::Integer(integer)) => named(&integer.format, |format| match format {
            IntegerFormat::Int32 => "int32",
            IntegerFormat::Int64 => "int64",
        }),
        SchemaKind::Type(Type::Number(number)) => named(&number.format, |format| match format {
            NumberFormat::Float => "float",
            NumberFormat::Double => "double",
        }),
        SchemaKind::Any(any) => any.format.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn x_rust_type_takes_a_path_or_a_crate() {
        let plain = external_type(&json!("std::net::SocketAddr")).expect("a path");
        assert_eq!(plain.dependency, None);
        let with_crate = external_type(&json!({
            "path": "url::Url", "crate": "url", "version": "2", "features": ["serde"]
        }))
        .expect("a path with its crate");
        let dependency = with_crate.dependency.expect("the crate");
        assert_eq!(
            (dependency.name.as_str(), dependency.features),
            ("url", vec!["serde".to_owned()])
        );
    }

    #[test]
    fn x_rust_type_never_lets_code_through() {
        for text in [
            "fn() -> u8",
            "impl Drop",
            "Vec<{ std::process::exit(1) }>",
            "a!(b)",
            "u8; struct X",
            "<T as Tr>::Out",
            "[u8; 4]",
        ] {
            assert!(external_type(&json!(text)).is_err(), "{text}");
        }
        let bad_crate = json!({"path": "a::B", "crate": "a\"b", "version": "1"});
        assert!(external_type(&bad_crate).is_err());
        let bad_feature =
            json!({"path": "a::B", "crate": "a", "version": "1", "features": ["x\" y"]});
        assert!(external_type(&bad_feature).is_err());
    }
}
