//! The probe's source: a library using every public item of the old crate
//! that users can rely on, with the old types exactly, each check on one
//! line labelled with the item it probes.

use std::fmt::Write as _;

use generator::ir::{
    Api, BodyEncoding, ExternalCrate, Model, ModelKind, Operation, Output, Presence, SchemeKind,
    StringEnum, Struct, TypeRef, Union,
};

/// The source of a library that uses every public item of the crate
/// generated from `api` (named `crate_ident` in Rust) that users can rely
/// on, with the old types exactly. It compiles against that crate; it
/// compiles against another version of it exactly when code using those
/// items would.
pub fn probe_source(api: &Api, crate_ident: &str) -> String {
    let mut probe = Probe {
        out: String::new(),
        krate: format!("::{crate_ident}"),
    };
    probe.prelude(api);
    probe.reexports(api);
    for (index, model) in api.models.iter().enumerate() {
        probe.model(index, model);
    }
    for (index, operation) in api.operations.iter().enumerate() {
        probe.operation(index, operation);
    }
    probe.client(api);
    probe.out
}

/// The probe being written. Every check is one line ending in a
/// `// [item]` comment, which error messages are labelled with.
struct Probe {
    out: String,
    /// `::crate_ident`.
    krate: String,
}

impl Probe {
    fn prelude(&mut self, api: &Api) {
        let _ = writeln!(
            self.out,
            "// Probe of the public API of `{}` {}, written by `cargo xtask`.\n\
             // Nothing here runs: it only has to compile.\n\
             #![allow(deprecated, unused, unreachable_code, clippy::all)]\n\
             \n\
             /// A value of any type, for arguments.\n\
             fn value<T>() -> T {{\n    unimplemented!()\n}}\n\
             \n\
             /// Implemented for `T` by `T` only.\n\
             trait Is<T: ?Sized> {{}}\n\
             impl<T: ?Sized> Is<T> for T {{}}\n\
             \n\
             /// Compiles when the value's type is `T` exactly (no coercion).\n\
             fn same<T: ?Sized, U: ?Sized + Is<T>>(_: &U) {{}}",
            self.krate.trim_start_matches(':'),
            single_line(&api.version),
        );
    }

    /// The crates and types the crate re-exports only when its API needs
    /// them.
    fn reexports(&mut self, api: &Api) {
        let k = self.krate.clone();
        self.out.push('\n');
        let mut paths = Vec::new();
        for dependency in &api.extra_dependencies {
            let (name, runtime) = match dependency {
                ExternalCrate::Chrono => ("chrono", None),
                ExternalCrate::FuturesUtil => ("futures_util", Some("Page")),
                ExternalCrate::RustDecimal => ("rust_decimal", Some("Decimal")),
                ExternalCrate::Uuid => ("uuid", None),
            };
            paths.push(name.to_owned());
            paths.extend(runtime.map(str::to_owned));
        }
        if api.uses_files {
            paths.push("FilePart".to_owned());
        }
        if uses_base64(api) {
            paths.push("models::Base64".to_owned());
        }
        for path in paths {
            let alias = path.replace("::", "_");
            let _ = writeln!(
                self.out,
                "pub use {k}::{path} as reexport_{alias}; // [{}::{path}]",
                k.trim_start_matches(':')
            );
        }
    }

    /// Opens a probe function; `params` are its parameters.
    fn open(&mut self, name: &str, about: &str, params: &str) {
        let about = single_line(about);
        let _ = write!(
            self.out,
            "\n/// {about}\npub fn {name}({params}) {{ // [{about}]\n"
        );
    }

    fn close(&mut self) {
        self.out.push_str("}\n");
    }

    /// One check: a statement and the item it probes.
    fn check(&mut self, statement: &str, item: &str) {
        let _ = writeln!(self.out, "    {statement} // [{}]", single_line(item));
    }

    fn model_path(&self, name: &str) -> String {
        format!("{}::models::{}", self.krate, ident(name))
    }

    fn operation_path(&self, name: &str) -> String {
        format!("{}::operations::{}", self.krate, ident(name))
    }

    /// The Rust type of a type reference, as the emitter spells it, seen
    /// from outside the crate.
    fn ty(&self, ty: &TypeRef) -> String {
        generator::emit::type_outside_crate(ty, &self.krate)
    }

    /// A field's type: its value type wrapped as its presence says.
    fn field_type(&self, ty: &TypeRef, presence: Presence) -> String {
        let ty = self.ty(ty);
        match presence {
            Presence::Required => ty,
            Presence::RequiredNullable | Presence::Optional => format!("Option<{ty}>"),
            Presence::OptionalNullable => format!("Option<Option<{ty}>>"),
        }
    }

    /// A value a struct constructor or `with_` setter accepts for a field
    /// of type `ty`: `String` for `impl Into<String>`, boxed values
    /// unboxed.
    fn constructor_argument(&self, ty: &TypeRef) -> String {
        let ty = match ty {
            TypeRef::Boxed(inner) => self.ty(inner),
            other => self.ty(other),
        };
        format!("value::<{ty}>()")
    }

    /// A value a client method or call setter accepts for a parameter of
    /// type `ty`: `&str` for strings, slices for lists, small values by
    /// value, the rest by reference.
    fn parameter_argument(&self, ty: &TypeRef) -> String {
        let ty = match ty {
            TypeRef::String => "&str".to_owned(),
            TypeRef::List(inner) => format!("&[{}]", self.ty(inner)),
            ty if ty.passed_by_value() => self.ty(ty),
            other => format!("&{}", self.ty(other)),
        };
        format!("value::<{ty}>()")
    }

    /// Opens the probe function of the model `name`, with a value `v` of
    /// it as parameter when the checks read one; returns the model's path.
    fn open_model(&mut self, index: usize, name: &str, takes_value: bool) -> String {
        let path = self.model_path(name);
        let params = if takes_value {
            format!("v: &{path}")
        } else {
            String::new()
        };
        self.open(&format!("model_{index}"), name, &params);
        path
    }

    fn model(&mut self, index: usize, model: &Model) {
        match &model.kind {
            ModelKind::Struct(object) => self.struct_model(index, &model.name, object),
            ModelKind::Enum(values) => self.enum_model(index, &model.name, values),
            ModelKind::Union(union) => self.union_model(index, &model.name, union),
            ModelKind::Alias(ty) => {
                let path = self.open_model(index, &model.name, false);
                let statement = format!("same::<{}, _>(&value::<{path}>());", self.ty(ty));
                self.check(
                    &statement,
                    &format!("type {} = {}", model.name, type_label(ty)),
                );
                self.close();
            }
        }
    }

    fn struct_model(&mut self, index: usize, name: &str, object: &Struct) {
        let path = self.open_model(index, name, true);
        for field in &object.fields {
            let ty = self.field_type(&field.ty, field.presence);
            self.check(
                &format!("same::<{ty}, _>(&v.{});", ident(&field.rust_name)),
                &format!("{name}.{}", field.rust_name),
            );
        }
        if let Some(additional) = &object.additional_properties {
            let value = self.ty(&additional.ty);
            let ty = match additional.ty {
                TypeRef::Json => format!("::serde_json::Map<String, {value}>"),
                _ => format!("::std::collections::BTreeMap<String, {value}>"),
            };
            self.check(
                &format!("same::<{ty}, _>(&v.{});", ident(&additional.rust_name)),
                &format!("{name}.{}", additional.rust_name),
            );
        }
        if object.constructible {
            self.constructors(&path, name, object);
        }
        if object.derive_default {
            self.check(
                &format!("let _: {path} = <{path} as ::std::default::Default>::default();"),
                &format!("{name}: Default"),
            );
        }
        if let Some(page) = &object.page {
            let item = self.ty(&page.item);
            self.check(
                &format!(
                    "same::<{item}, _>(&value::<<{path} as {}::Page>::Item>());",
                    self.krate
                ),
                &format!("<{name} as Page>::Item"),
            );
        }
        self.close();
    }

    /// `new` with the required fields, and a `with_` setter per other field.
    fn constructors(&mut self, path: &str, name: &str, object: &Struct) {
        let arguments: Vec<String> = object
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .map(|f| self.constructor_argument(&f.ty))
            .collect();
        self.check(
            &format!("let _: {path} = {path}::new({});", arguments.join(", ")),
            &format!("{name}::new"),
        );
        for field in object
            .fields
            .iter()
            .filter(|f| f.presence != Presence::Required)
        {
            let bare = field.rust_name.trim_start_matches("r#");
            let method = ident(&format!("with_{bare}"));
            let argument = self.constructor_argument(&field.ty);
            self.check(
                &format!("let _: {path} = value::<{path}>().{method}({argument});"),
                &format!("{name}::{method}"),
            );
        }
    }

    fn enum_model(&mut self, index: usize, name: &str, values: &StringEnum) {
        let path = self.open_model(index, name, false);
        for variant in &values.variants {
            let variant = ident(&variant.rust_name);
            self.check(
                &format!("let _: {path} = {path}::{variant};"),
                &format!("{name}::{variant}"),
            );
        }
        let unknown = ident(&values.unknown_variant);
        self.check(
            &format!("let _: {path} = {path}::{unknown}(value::<String>());"),
            &format!("{name}::{unknown}"),
        );
        self.close();
    }

    fn union_model(&mut self, index: usize, name: &str, union: &Union) {
        let path = self.open_model(index, name, false);
        for variant in &union.variants {
            let rust_name = ident(&variant.rust_name);
            self.check(
                &format!(
                    "let _: {path} = {path}::{rust_name}(value::<{}>());",
                    self.ty(&variant.ty)
                ),
                &format!("{name}::{rust_name}({})", type_label(&variant.ty)),
            );
        }
        if let Some(tag) = &union.tag {
            let unknown = ident(&tag.unknown_variant);
            self.check(
                &format!("let _: {path} = {path}::{unknown}(value::<::serde_json::Value>());"),
                &format!("{name}::{unknown}"),
            );
        }
        self.close();
    }

    fn operation(&mut self, index: usize, op: &Operation) {
        let k = self.krate.clone();
        self.open(
            &format!("operation_{index}"),
            &op.id,
            &format!("client: &'static {k}::Client"),
        );
        self.call(op);
        self.operation_types(op);
        self.close();
    }

    /// The client method with the required arguments, and a call setter per
    /// optional parameter (and an optional body).
    fn call(&mut self, op: &Operation) {
        let marker = self.operation_path(&op.type_name);
        let call = format!("{}::Call<'static, {marker}>", self.krate);
        let method = ident(&op.method_name);
        let mut arguments: Vec<String> = op
            .arguments()
            .iter()
            .map(|p| self.parameter_argument(&p.ty))
            .collect();
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            arguments.push(self.body_argument(&body.ty, &body.encoding));
        }
        self.check(
            &format!("let _: {call} = client.{method}({});", arguments.join(", ")),
            &format!("Client::{method}"),
        );
        for parameter in op.parameters.iter().filter(|p| !p.required) {
            let setter = ident(&parameter.rust_name);
            let argument = self.parameter_argument(&parameter.ty);
            self.check(
                &format!("let _: {call} = value::<{call}>().{setter}({argument});"),
                &format!("{}::{setter}", op.type_name),
            );
        }
        if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
            let argument = self.body_argument(&body.ty, &body.encoding);
            self.check(
                &format!("let _: {call} = value::<{call}>().body({argument});"),
                &format!("{}::body", op.type_name),
            );
        }
    }

    /// The operation's `Output` and `Error` types, and each error variant
    /// with its body.
    fn operation_types(&mut self, op: &Operation) {
        let k = self.krate.clone();
        let marker = self.operation_path(&op.type_name);
        let output = match &op.output {
            Output::Empty => "()".to_owned(),
            Output::Json(ty) => self.ty(ty),
            Output::Redirect => format!("{k}::Redirect"),
            Output::Text => "String".to_owned(),
            Output::Bytes => format!("{k}::Bytes"),
        };
        self.check(
            &format!("same::<{output}, _>(&value::<<{marker} as {k}::Operation>::Output>());"),
            &format!("<{} as Operation>::Output", op.type_name),
        );
        let error = self.operation_path(&op.error_type);
        self.check(
            &format!("same::<{error}, _>(&value::<<{marker} as {k}::Operation>::Error>());"),
            &format!("<{} as Operation>::Error", op.type_name),
        );
        for response in &op.errors {
            let variant = ident(&response.variant);
            let (statement, item) = match &response.body {
                Some(ty) => (
                    format!(
                        "let _: {error} = {error}::{variant}(value::<{}>());",
                        self.ty(ty)
                    ),
                    format!("{}::{variant}({})", op.error_type, type_label(ty)),
                ),
                None => (
                    format!("let _: {error} = {error}::{variant};"),
                    format!("{}::{variant}", op.error_type),
                ),
            };
            self.check(&statement, &item);
        }
    }

    /// A value the client method or the `body` setter accepts for a body.
    fn body_argument(&self, ty: &TypeRef, encoding: &BodyEncoding) -> String {
        match encoding {
            BodyEncoding::Text => "value::<String>()".to_owned(),
            BodyEncoding::Bytes => format!("value::<{}::Bytes>()", self.krate),
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart { .. } => {
                format!("value::<&{}>()", self.ty(ty))
            }
        }
    }

    fn client(&mut self, api: &Api) {
        let k = self.krate.clone();
        self.open("client", "Environments and credentials", "");
        let environment = format!("{k}::Environment");
        for server in &api.servers {
            let variant = ident(&server.variant);
            self.check(
                &format!("let _: {environment} = {environment}::{variant};"),
                &format!("Environment::{variant}"),
            );
        }
        self.check(
            &format!("let _: {environment} = {environment}::Custom(value::<String>());"),
            "Environment::Custom",
        );
        if !api.servers.is_empty() {
            self.check(
                &format!(
                    "let _: {environment} = <{environment} as ::std::default::Default>::default();"
                ),
                "Environment: Default",
            );
        }
        let builder = format!("{k}::ClientBuilder");
        for scheme in &api.security_schemes {
            let setter = ident(&scheme.setter);
            let arguments = match scheme.kind {
                SchemeKind::Basic => format!("value::<String>(), value::<{k}::Secret>()"),
                SchemeKind::Bearer
                | SchemeKind::Header(_)
                | SchemeKind::Query(_)
                | SchemeKind::Cookie(_) => format!("value::<{k}::Secret>()"),
            };
            self.check(
                &format!("let _: {builder} = value::<{builder}>().{setter}({arguments});"),
                &format!("ClientBuilder::{setter}"),
            );
        }
        self.close();
    }
}

/// Whether a type anywhere in the API is `format: byte`: the crate then
/// re-exports the runtime's `Base64` as `models::Base64`.
fn uses_base64(api: &Api) -> bool {
    fn mentions(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Base64 => true,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => mentions(inner),
            _ => false,
        }
    }
    let model_types = api.models.iter().flat_map(Model::member_types);
    let operation_types = api.operations.iter().flat_map(|op| {
        let mut types: Vec<&TypeRef> = op.parameters.iter().map(|p| &p.ty).collect();
        types.extend(op.body.iter().map(|b| &b.ty));
        types.extend(op.errors.iter().filter_map(|e| e.body.as_ref()));
        if let Output::Json(ty) = &op.output {
            types.push(ty);
        }
        types
    });
    model_types.chain(operation_types).any(mentions)
}

/// An identifier from an IR name, as the emitter makes it: `r#` names
/// stay raw, anything that is not an identifier becomes `x_…`.
fn ident(name: &str) -> String {
    if let Some(raw) = name.strip_prefix("r#") {
        if is_identifier(raw) {
            return name.to_owned();
        }
    }
    if is_identifier(name) {
        return name.to_owned();
    }
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("x_{cleaned}")
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}

/// A short spelling of a type for labels: models by name.
fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", type_label(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_label(inner)),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_label(inner)),
        other => format!("{other:?}"),
    }
}

/// `text` on one line, safe in a comment.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
