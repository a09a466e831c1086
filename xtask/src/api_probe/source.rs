//! The probe's source: a library using every public item of the old crate
//! that users can rely on, with the old types exactly, each check on one
//! line labelled with the item it probes.

use std::fmt::Write as _;

use openapi_rust_gen::ir::{
    Api, Model, ModelKind, Operation, Output, Presence, StringEnum, Struct, TypeRef, Union,
};
use openapi_rust_gen::surface::{self, ModelSurface, OperationSurface, Scope, Surface};

/// The source of a library that uses every public item of the crate
/// generated from `api` (named `crate_ident` in Rust) that users can rely
/// on, with the old types exactly. It compiles against that crate; it
/// compiles against another version of it exactly when code using those
/// items would.
pub fn probe_source(api: &Api, crate_ident: &str) -> String {
    let surface = Surface::of(api);
    let mut probe = Probe {
        out: String::new(),
        krate: format!("::{crate_ident}"),
        crate_ident,
    };
    probe.prelude(api);
    probe.reexports(&surface);
    let models = api.models.iter().zip(&surface.models);
    for (index, (model, model_surface)) in models.enumerate() {
        probe.model(index, model, model_surface);
    }
    let operations = api.operations.iter().zip(&surface.operations);
    for (index, (operation, operation_surface)) in operations.enumerate() {
        probe.operation(index, operation, operation_surface);
    }
    probe.client(api, &surface);
    probe.out
}

/// The probe being written. Every check is one line ending in a
/// `// [item]` comment, which error messages are labelled with.
struct Probe<'a> {
    out: String,
    /// `::crate_ident`.
    krate: String,
    /// The crate's name in Rust.
    crate_ident: &'a str,
}

impl Probe<'_> {
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
    /// them, as the surface lists them.
    fn reexports(&mut self, surface: &Surface) {
        let k = self.krate.clone();
        self.out.push('\n');
        for reexport in &surface.reexports {
            let path = reexport.name;
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
        surface::rust_type(ty, Scope::Outside(self.crate_ident)).to_string()
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

    /// Values a generated method accepts for its arguments, as the surface
    /// says it takes them (`String` for `impl Into<String>`, `&str`,
    /// slices, …).
    fn arguments(&self, method: &surface::Method) -> String {
        let scope = Scope::Outside(self.crate_ident);
        let values: Vec<String> = method
            .arguments
            .iter()
            .map(|a| format!("value::<{}>()", a.passing.example_type(scope)))
            .collect();
        values.join(", ")
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

    fn model(&mut self, index: usize, model: &Model, surface: &ModelSurface) {
        match &model.kind {
            ModelKind::Struct(object) => self.struct_model(index, &model.name, object, surface),
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

    fn struct_model(&mut self, index: usize, name: &str, object: &Struct, surface: &ModelSurface) {
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
        self.constructors(&path, name, surface);
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

    /// `new` with the required fields, and a `with_` setter per other
    /// field, for structs users build.
    fn constructors(&mut self, path: &str, name: &str, surface: &ModelSurface) {
        if let Some(new) = &surface.constructor {
            self.check(
                &format!(
                    "let _: {path} = {path}::{}({});",
                    new.name,
                    self.arguments(new)
                ),
                &format!("{name}::{}", new.name),
            );
        }
        for setter in &surface.setters {
            let method = &setter.method.name;
            let arguments = self.arguments(&setter.method);
            self.check(
                &format!("let _: {path} = value::<{path}>().{method}({arguments});"),
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

    fn operation(&mut self, index: usize, op: &Operation, surface: &OperationSurface) {
        let k = self.krate.clone();
        self.open(
            &format!("operation_{index}"),
            &op.id,
            &format!("client: &'static {k}::Client"),
        );
        self.call(op, surface);
        self.operation_types(op);
        self.close();
    }

    /// The client method with the required arguments, and a call setter per
    /// optional parameter (and an optional body).
    fn call(&mut self, op: &Operation, surface: &OperationSurface) {
        let marker = self.operation_path(&surface.marker);
        let call = format!("{}::Call<'static, {marker}>", self.krate);
        let method = &surface.client_method;
        self.check(
            &format!(
                "let _: {call} = client.{}({});",
                method.name,
                self.arguments(method)
            ),
            &format!("Client::{}", method.name),
        );
        for setter in &surface.setters {
            let name = &setter.method.name;
            let arguments = self.arguments(&setter.method);
            self.check(
                &format!("let _: {call} = value::<{call}>().{name}({arguments});"),
                &format!("{}::{name}", op.type_name),
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
            Output::Events(data) => {
                let data = data
                    .as_ref()
                    .map_or_else(|| "String".to_owned(), |ty| self.ty(ty));
                let error = self.operation_path(&op.error_type);
                format!("{k}::EventStream<{data}, {error}>")
            }
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

    fn client(&mut self, api: &Api, surface: &Surface) {
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
        for method in &surface.credential_setters {
            let setter = &method.name;
            let arguments = self.arguments(method);
            self.check(
                &format!("let _: {builder} = value::<{builder}>().{setter}({arguments});"),
                &format!("ClientBuilder::{setter}"),
            );
        }
        self.close();
    }
}

/// An identifier from a name of the model, as the emitter makes it.
fn ident(name: &str) -> String {
    surface::ident(name).to_string()
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
