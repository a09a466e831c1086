//! The generator's configuration file (`openapi-rust-gen.toml`): the
//! generated crate's package metadata, which operations to generate,
//! renames, extra derives and attributes, and types that replace
//! generated ones. Every key is optional; a key the generator
//! does not know, a value of the wrong type, or a name the spec does not
//! have is an error that says where (file and line) and what.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Error, Location, Result};
use crate::ir::{CrateDependency, ExternalType};

/// The name the configuration file has beside a spec.
pub const FILE_NAME: &str = "openapi-rust-gen.toml";

/// A configuration, as read from its file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[package]`: the generated crate's metadata.
    #[serde(default)]
    pub package: Package,
    /// `[operations]`: which operations to generate.
    #[serde(default)]
    pub operations: OperationFilter,
    /// `[rename]`: other names for operations and types.
    #[serde(default)]
    pub rename: Renames,
    /// `[derive]`: derives added to the generated types.
    #[serde(default)]
    pub derive: Derives,
    /// `[attributes]`: attributes added to the generated types.
    #[serde(default)]
    pub attributes: Attributes,
    /// `[types]`: Rust types that replace generated ones.
    #[serde(default)]
    pub types: TypeOverrides,
    /// `[transport]`: headers with a meaning for the client.
    #[serde(default)]
    pub transport: Transport,
    /// Where the configuration came from, for located errors.
    #[serde(skip)]
    pub source: Option<Source>,
}

/// The text of a configuration file, to locate its keys.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// `[package]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Package {
    /// `name`.
    pub name: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `edition`.
    pub edition: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `license`.
    pub license: Option<String>,
    /// `repository`.
    pub repository: Option<String>,
    /// `publish`.
    pub publish: Option<bool>,
    /// `rust-version`.
    pub rust_version: Option<String>,
}

/// `[operations]`: `include` keeps only the operations it selects (all when
/// it selects nothing); `exclude` then drops those it selects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFilter {
    /// `[operations.include]`.
    #[serde(default)]
    pub include: Selection,
    /// `[operations.exclude]`.
    #[serde(default)]
    pub exclude: Selection,
}

/// Operations chosen by tag, path template or `operationId`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Selection {
    /// `tags`: operations with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `paths`: operations on these path templates (`/pets/{id}`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// `operation-ids`: these operations.
    #[serde(default)]
    pub operation_ids: Vec<String>,
}

impl Selection {
    /// Whether it selects nothing.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.paths.is_empty() && self.operation_ids.is_empty()
    }

    /// Whether it selects the operation with these facts.
    pub fn selects(&self, id: &str, path: &str, tags: &[String]) -> bool {
        self.operation_ids.iter().any(|i| i == id)
            || self.paths.iter().any(|p| p == path)
            || tags.iter().any(|tag| self.tags.contains(tag))
    }
}

/// `[transport]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Transport {
    /// `idempotency-header`: the header parameter whose value the client
    /// makes up per call (`Idempotency-Key` when not set).
    pub idempotency_header: Option<String>,
}

impl Transport {
    /// The idempotency header's name.
    pub fn idempotency_header(&self) -> &str {
        self.idempotency_header
            .as_deref()
            .unwrap_or("Idempotency-Key")
    }
}

/// `[rename]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renames {
    /// `[rename.operations]`: `operationId = "method_name"`.
    #[serde(default)]
    pub operations: BTreeMap<String, Spanned<String>>,
    /// `[rename.types]`: `SchemaName = "TypeName"`.
    #[serde(default)]
    pub types: BTreeMap<String, Spanned<String>>,
}

/// `[derive]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derives {
    /// `all`: derives for every struct, enum and union.
    #[serde(default)]
    pub all: Vec<Spanned<String>>,
    /// `[derive.types]`: `TypeName = ["Hash"]`, by the generated type's
    /// name.
    #[serde(default)]
    pub types: BTreeMap<String, Vec<Spanned<String>>>,
}

/// `[attributes]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attributes {
    /// `all`: outer attributes (`#[must_use]`) on every struct, enum and
    /// union.
    #[serde(default)]
    pub all: Vec<Spanned<String>>,
    /// `[attributes.types]`: `TypeName = ["#[serde(deny_unknown_fields)]"]`,
    /// by the generated type's name.
    #[serde(default)]
    pub types: BTreeMap<String, Vec<Spanned<String>>>,
}

/// `[types]`: schemas generated as a Rust type of the user's choosing
/// instead of a type of their own. The type must implement what the
/// generated code needs of it: `Debug`, `Clone`, `PartialEq`, `Serialize`
/// and `Deserialize` (parameters of the type are sent in the form its
/// `Serialize` gives).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeOverrides {
    /// `[types.schemas]`: `SchemaName = <override>`, by the name under
    /// `components.schemas`.
    #[serde(default)]
    pub schemas: BTreeMap<String, Spanned<TypeOverride>>,
    /// `[types.formats]`: `format = <override>`, for every schema with
    /// that `format` (`date-time`, `int64`, `uri`, …).
    #[serde(default)]
    pub formats: BTreeMap<String, Spanned<TypeOverride>>,
}

/// One type override: a path alone, or with the crate it comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TypeOverride {
    /// `"std::net::SocketAddr"`: a type the crate can already name.
    Path(String),
    /// `{ type = "url::Url", crate = "url", version = "2", features = ["serde"] }`.
    WithCrate(OverrideWithCrate),
}

/// The table form of [`TypeOverride`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideWithCrate {
    /// `type`: the path.
    #[serde(rename = "type")]
    pub path: String,
    /// `crate`: the package to depend on; `version` is then required.
    #[serde(rename = "crate")]
    pub krate: Option<String>,
    /// `version`: the package's version requirement.
    pub version: Option<String>,
    /// `features`: the package's features to turn on.
    #[serde(default)]
    pub features: Vec<String>,
}

impl TypeOverride {
    /// The type path.
    pub fn path(&self) -> &str {
        match self {
            TypeOverride::Path(path) => path,
            TypeOverride::WithCrate(with) => &with.path,
        }
    }

    /// The type it stands for in the API model.
    pub fn external_type(&self) -> ExternalType {
        let dependency = match self {
            TypeOverride::WithCrate(OverrideWithCrate {
                krate: Some(name),
                version: Some(version),
                features,
                ..
            }) => Some(CrateDependency {
                name: name.clone(),
                version: version.clone(),
                features: features.clone(),
            }),
            _ => None,
        };
        ExternalType {
            path: self.path().to_owned(),
            dependency,
        }
    }

    /// What is wrong with it, if anything.
    fn problem(&self) -> Option<String> {
        if ExternalType::parse_path(self.path()).is_none() {
            return Some(format!(
                "`{}` is not a Rust type path (a path whose generic arguments are paths, like `chrono::DateTime<chrono::Utc>`)",
                self.path()
            ));
        }
        let TypeOverride::WithCrate(with) = self else {
            return None;
        };
        match (&with.krate, &with.version) {
            (Some(name), _) if !is_package_name(name) => {
                Some(format!("`{name}` is not a package name"))
            }
            (Some(name), None) => Some(format!("the crate `{name}` needs a `version`")),
            (None, Some(_)) => Some("`version` needs the `crate` it belongs to".to_owned()),
            (None, None) if !with.features.is_empty() => {
                Some("`features` needs the `crate` they belong to".to_owned())
            }
            _ => None,
        }
    }
}

/// Whether `name` can be a package on crates.io.
pub fn is_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Config {
    /// Reads the configuration file at `path`.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", &e))?;
        Config::from_text(path, &text)
    }

    /// The configuration beside `spec` (in its directory, or in it when it
    /// is a directory), or the default one when there is none.
    pub fn beside(spec: &Path) -> Result<Config> {
        let dir = if spec.is_dir() {
            spec
        } else {
            spec.parent().unwrap_or(Path::new("."))
        };
        let path = dir.join(FILE_NAME);
        if path.is_file() {
            Config::from_file(&path)
        } else {
            Ok(Config::default())
        }
    }

    /// Parses configuration text read from `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            Error::new(
                Location {
                    file: Some(path.to_owned()),
                    line,
                    pointer: None,
                },
                format!("invalid configuration: {}", e.message()),
            )
        })?;
        config.source = Some(Source {
            path: path.to_owned(),
            text: text.to_owned(),
        });
        config.check_derives()?;
        config.check_attributes()?;
        config.check_type_overrides()?;
        config.check_renames()?;
        Ok(config)
    }

    /// An error at the place of `value` in the file.
    pub fn error_at<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> Error {
        let location = match &self.source {
            Some(source) => Location {
                file: Some(source.path.clone()),
                line: Some(line_of(&source.text, value.span().start)),
                pointer: None,
            },
            None => Location::default(),
        };
        Error::new(location, message)
    }

    /// An error about the configuration as a whole, located at its file.
    pub fn error_in_file(&self, message: impl Into<String>) -> Error {
        let file = self.source.as_ref().map(|s| s.path.clone());
        Error::new(
            Location {
                file,
                ..Location::default()
            },
            message,
        )
    }

    fn check_derives(&self) -> Result<()> {
        let all = self.derive.all.iter();
        for derive in all.chain(self.derive.types.values().flatten()) {
            if syn::parse_str::<syn::Path>(derive.get_ref()).is_err() {
                return Err(self.error_at(
                    derive,
                    format!("`{}` is not a path to a derive macro", derive.get_ref()),
                ));
            }
        }
        Ok(())
    }

    fn check_attributes(&self) -> Result<()> {
        let all = self.attributes.all.iter();
        for attribute in all.chain(self.attributes.types.values().flatten()) {
            if parse_attributes(attribute.get_ref()).is_none() {
                return Err(self.error_at(
                    attribute,
                    format!(
                        "`{}` is not an outer attribute (`#[...]`)",
                        attribute.get_ref()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_type_overrides(&self) -> Result<()> {
        let overrides = self.types.schemas.values();
        for type_override in overrides.chain(self.types.formats.values()) {
            if let Some(problem) = type_override.get_ref().problem() {
                return Err(self.error_at(type_override, problem));
            }
        }
        Ok(())
    }

    fn check_renames(&self) -> Result<()> {
        let renames = self
            .rename
            .operations
            .values()
            .chain(self.rename.types.values());
        for name in renames {
            if syn::parse_str::<syn::Ident>(name.get_ref()).is_err() {
                return Err(self.error_at(
                    name,
                    format!("`{}` is not a Rust identifier", name.get_ref()),
                ));
            }
        }
        Ok(())
    }
}

/// The outer attributes in `text` (one or several), when it holds only
/// those.
pub fn parse_attributes(text: &str) -> Option<Vec<syn::Attribute>> {
    use syn::parse::Parser as _;
    let attributes = syn::Attribute::parse_outer.parse_str(text).ok()?;
    (!attributes.is_empty()).then_some(attributes)
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
