//! The compiler as an oracle for spec changes. cargo-semver-checks sees
//! items appear and disappear but not types change (a field going from
//! `Option<String>` to `String`, a parameter from `bool` to `i64`, an
//! operation's output); rustc sees both.
//!
//! [`probe_source`] writes, from the old side's API model, a library that
//! uses every public item of the generated crate a user could rely on, with
//! the exact types of the old crate: each field's type, constructors and
//! `with_` setters called with arguments of the old types, enum variants by
//! name, union variants with their types, aliased types, each client method
//! and call setter called with arguments of the old types, each
//! operation's `Output` and `Error` types, each error variant with its
//! body, each `Environment` variant, each credential setter, `Default` and
//! `Page` where the old crate has them. Values come from a generic
//! `value::<T>()` that is never called, types are compared exactly (no
//! coercion) by a `same::<Old, _>(&expr)` helper, and nothing is ever run.
//!
//! [`check_probes`] compiles each pair's probe against the old crate and
//! against the new one with one `cargo check --workspace --keep-going` over
//! a scratch workspace, `target/api-probe/`: one package `probe_<n>_old`
//! and one `probe_<n>_new` per pair, each depending on a copy of its
//! generated crate under `crates/<hash>/` (crates with the same files are
//! shared, as consecutive history pairs share one side). A workspace cannot
//! hold two packages of one name, nor can its lockfile, so each copy is
//! renamed `probe_crate_<hash>` and the probes depend on it under the
//! crate's own name (`kelviq = { path = …, package = "probe_crate_…" }`).
//! Dependencies compile once into `target/api-probe/target`; files are only
//! rewritten when they change, so a second run rebuilds what changed only.
//!
//! A change is breaking for the compiler when the probe compiles against
//! the old crate and not against the new one. A probe that does not
//! compile against its own old crate is a bug of the probe (or of the
//! generator): that pair gets no verdict, and [`ProbeReport::problem`]
//! says why.
//!
//! The probe's `Cargo.toml` also depends on `serde_json` (which the
//! generated crates use for JSON values but do not re-export), so a crate
//! itself named `serde_json` cannot be probed.

use crate::panic_guard::guarded;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::ir::{
    Api, BodyEncoding, ExternalCrate, Model, ModelKind, Operation, Output, Presence, SchemeKind,
    StringEnum, Struct, TypeRef, Union,
};
use scratch_workspace::{rename_package, workspace_manifest, write_if_changed, Cargo};
use serde::Serialize;

/// Error lines kept per probe.
const MAX_ERROR_LINES: usize = 20;

/// Lines of cargo's output quoted when cargo fails for no package.
const TAIL_LINES: usize = 30;

/// One pair to probe: the old spec the probe is written from, and the two
/// generated crates it is compiled against.
#[derive(Debug, Clone)]
pub struct ProbeInput {
    /// Names the pair in reports.
    pub label: String,
    /// The old document (file or directory) the old crate was generated
    /// from.
    pub old_spec: PathBuf,
    /// The generated crate of the old side.
    pub old_crate_dir: PathBuf,
    /// The generated crate of the new side.
    pub new_crate_dir: PathBuf,
    /// The package name both crates were generated with.
    pub crate_name: String,
}

/// What the compiler said about one pair.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    /// The pair's label.
    pub label: String,
    /// Whether the probe compiles against the old crate (it must: when it
    /// does not, `problem` is set).
    pub compiles_against_old: bool,
    /// Whether the probe compiles against the new crate.
    pub compiles_against_new: bool,
    /// The first rustc error lines against the new crate (paths relative
    /// to `target/api-probe/`), each followed by the probed item in
    /// brackets (`[Pet.tag]`).
    pub errors: Vec<String>,
    /// Why the pair has no verdict: the old spec does not load, the probe
    /// does not compile against its own old crate (its errors follow), or
    /// a generated crate does not compile.
    pub problem: Option<String>,
}

impl ProbeReport {
    /// `Some(true)` when code written against the old crate stops
    /// compiling, `Some(false)` when it still compiles, `None` when the
    /// pair has no verdict (see `problem`).
    pub fn breaking(&self) -> Option<bool> {
        if self.problem.is_some() || !self.compiles_against_old {
            None
        } else {
            Some(!self.compiles_against_new)
        }
    }

    /// `breaking`, `compatible` or `error`.
    pub fn verdict(&self) -> &'static str {
        match self.breaking() {
            Some(true) => "breaking",
            Some(false) => "compatible",
            None => "error",
        }
    }
}

// ---------------------------------------------------------------------------
// The probe's source

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

    fn model(&mut self, index: usize, model: &Model) {
        match &model.kind {
            ModelKind::Struct(object) => self.struct_model(index, &model.name, object),
            ModelKind::Enum(values) => self.enum_model(index, &model.name, values),
            ModelKind::Union(union) => self.union_model(index, &model.name, union),
            ModelKind::Alias(ty) => {
                let path = self.model_path(&model.name);
                self.open(&format!("model_{index}"), &model.name, "");
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
        let path = self.model_path(name);
        self.open(&format!("model_{index}"), name, &format!("v: &{path}"));
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

    fn enum_model(&mut self, index: usize, name: &str, values: &StringEnum) {
        let path = self.model_path(name);
        self.open(&format!("model_{index}"), name, "");
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
        let path = self.model_path(name);
        self.open(&format!("model_{index}"), name, "");
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
        let marker = self.operation_path(&op.type_name);
        let call = format!("{k}::Call<'static, {marker}>");
        let method = ident(&op.method_name);
        self.open(
            &format!("operation_{index}"),
            &op.id,
            &format!("client: &'static {k}::Client"),
        );

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
        self.close();
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

// ---------------------------------------------------------------------------
// Compiling the probes

/// Compiles, for each input, the probe of its old spec against its old and
/// its new crate, all with one `cargo check` over `<root>/target/api-probe/`
/// (see the module docs). `Err` when nothing can be checked (the scratch
/// workspace cannot be written, cargo does not run or fails before
/// compiling); a pair whose old spec does not load, whose crate cannot be
/// copied or does not compile gets a report with `problem` set.
pub fn check_probes(root: &Path, inputs: &[ProbeInput]) -> Result<Vec<ProbeReport>> {
    let started = Instant::now();
    let work = root.join("target/api-probe");
    let _guard = scratch_workspace::lock(&work, "api-probe")?;

    // 1. Probe sources and crate copies.
    let mut crates: BTreeSet<String> = BTreeSet::new();
    let mut probes: Vec<Result<Prepared, String>> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        probes.push(prepare(&work, index, input, &mut crates).map_err(|e| format!("{e:#}")));
    }
    let mut members = Vec::new();
    for prepared in probes.iter().flatten() {
        for side in &prepared.sides {
            members.push(side.package.clone());
        }
    }
    remove_stale(&work, &members, &crates);
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask`: probes of generated crates' APIs.\n{}",
            workspace_manifest(&members)
        ),
    )?;
    seed_lockfile(root, &work)?;
    let prepared_seconds = started.elapsed().as_secs_f64();

    // 2. One `cargo check` for all of them.
    let phase = Instant::now();
    let outcome = if members.is_empty() {
        CheckOutcome::default()
    } else {
        let output = cargo_check(&work)?;
        let outcome = parse_check(&work, &output.stderr);
        if !output.status.success() && outcome.failed.is_empty() {
            bail!(
                "`cargo check` failed ({}) in {} before compiling any probe:\n{}",
                output.status,
                work.display(),
                tail(&output.stderr, TAIL_LINES)
            );
        }
        outcome
    };
    let check_seconds = phase.elapsed().as_secs_f64();

    // 3. Reports.
    let reports: Vec<ProbeReport> = inputs
        .iter()
        .zip(&probes)
        .map(|(input, prepared)| match prepared {
            Err(problem) => ProbeReport {
                label: input.label.clone(),
                compiles_against_old: false,
                compiles_against_new: false,
                errors: Vec::new(),
                problem: Some(problem.clone()),
            },
            Ok(prepared) => report(input, prepared, &outcome),
        })
        .collect();
    eprintln!(
        "api-probe: {} pairs, {} probe packages over {} distinct crates: prepared in {:.1}s, \
         cargo check {:.1}s, total {:.1}s",
        inputs.len(),
        members.len(),
        crates.len(),
        prepared_seconds,
        check_seconds,
        started.elapsed().as_secs_f64()
    );
    Ok(reports)
}

/// A pair's two probe packages.
struct Prepared {
    /// Old, then new.
    sides: [ProbeSide; 2],
    /// The probe's source lines, for labelling errors.
    source: Vec<String>,
}

struct ProbeSide {
    /// `probe_<n>_old` or `probe_<n>_new`.
    package: String,
    /// The package of the crate it depends on.
    crate_package: String,
    /// The generated crate it was copied from.
    crate_dir: PathBuf,
}

/// Writes the pair's probe packages and copies its crates; `Err` says why
/// the pair cannot be probed.
fn prepare(
    work: &Path,
    index: usize,
    input: &ProbeInput,
    crates: &mut BTreeSet<String>,
) -> Result<Prepared> {
    let pair = || format!("pair {}", input.label);
    let crate_ident = input.crate_name.replace('-', "_");
    if crate_ident == "serde_json" {
        bail!("{}: a crate named serde_json cannot be probed", pair());
    }
    let api = guarded(|| {
        let loaded = generator::load::load(&input.old_spec)?;
        Ok(generator::lower::lower(&loaded)?)
    })
    .with_context(|| {
        format!(
            "{}: the old spec {} does not load",
            pair(),
            input.old_spec.display()
        )
    })?;
    let source = probe_source(&api, &crate_ident);
    let old = copy_crate(work, &input.old_crate_dir, crates).with_context(pair)?;
    let new = copy_crate(work, &input.new_crate_dir, crates).with_context(pair)?;
    let sides = [
        ("old", old, &input.old_crate_dir),
        ("new", new, &input.new_crate_dir),
    ]
    .map(|(which, crate_package, crate_dir)| ProbeSide {
        package: format!("probe_{index}_{which}"),
        crate_package,
        crate_dir: crate_dir.clone(),
    });
    for side in &sides {
        let dir = work.join(&side.package);
        let manifest = format!(
            "# Written by `cargo xtask`: probe of pair {:?}.\n\
             [package]\nname = {:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{} = {{ path = \"../crates/{}\", package = {:?} }}\n\
             serde_json = \"1\"\n",
            input.label,
            side.package,
            input.crate_name,
            side.crate_package.trim_start_matches(CRATE_PREFIX),
            side.crate_package,
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        write_if_changed(&dir.join("src/lib.rs"), &source)?;
    }
    Ok(Prepared {
        sides,
        source: source.lines().map(str::to_owned).collect(),
    })
}

/// Package names of crate copies: this and the hash of their files, which
/// is also their directory under `crates/`.
const CRATE_PREFIX: &str = "probe_crate_";

/// Copies the generated crate in `dir` to `crates/<hash>/` as package
/// `probe_crate_<hash>`, without its `[workspace]` table and lockfile;
/// returns the package name.
fn copy_crate(work: &Path, dir: &Path, crates: &mut BTreeSet<String>) -> Result<String> {
    let mut files = BTreeMap::new();
    read_tree(dir, Path::new(""), &mut files)?;
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    let key = format!("{:016x}", hasher.finish());
    let package = format!("{CRATE_PREFIX}{key}");
    if crates.contains(&key) {
        return Ok(package);
    }
    let manifest = files
        .get_mut(Path::new("Cargo.toml"))
        .with_context(|| format!("{}: no Cargo.toml", dir.display()))?;
    *manifest = rename_package(manifest, &package)
        .with_context(|| format!("{}/Cargo.toml: no `name =` in [package]", dir.display()))?;
    let dest = work.join("crates").join(&key);
    for (path, text) in &files {
        write_if_changed(&dest.join(path), text)?;
    }
    crates.insert(key);
    Ok(package)
}

/// The text files under `dir` (relative paths), without `target/`,
/// `Cargo.lock` and hidden entries.
fn read_tree(dir: &Path, relative: &Path, files: &mut BTreeMap<PathBuf, String>) -> Result<()> {
    let here = dir.join(relative);
    let entries =
        std::fs::read_dir(&here).with_context(|| format!("{}: cannot read", here.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot read", here.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let top = relative.as_os_str().is_empty();
        if name.starts_with('.') || (top && (name == "target" || name == "Cargo.lock")) {
            continue;
        }
        let path = relative.join(&name);
        let kind = entry
            .file_type()
            .with_context(|| format!("{}: cannot read", entry.path().display()))?;
        if kind.is_dir() {
            read_tree(dir, &path, files)?;
        } else {
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("{}: cannot read", entry.path().display()))?;
            files.insert(path, text);
        }
    }
    Ok(())
}

/// Removes probe packages and crate copies of earlier runs that this run
/// does not use (best effort), so that the scratch workspace does not grow.
fn remove_stale(work: &Path, members: &[String], crates: &BTreeSet<String>) {
    if let Ok(entries) = std::fs::read_dir(work) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("probe_") && !members.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(work.join("crates")) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !crates.contains(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Starts the scratch workspace's lockfile from the workspace's, so that
/// dependencies resolve offline to the versions already built.
fn seed_lockfile(root: &Path, work: &Path) -> Result<()> {
    let dest = work.join("Cargo.lock");
    if dest.is_file() {
        return Ok(());
    }
    let source = root.join("Cargo.lock");
    std::fs::copy(&source, &dest)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", source.display(), dest.display()))
}

/// What `cargo check` printed.
struct CheckRun {
    status: std::process::ExitStatus,
    stderr: String,
}

/// `cargo check --workspace --keep-going --message-format short` in
/// `work`, into `work/target`, offline first.
fn cargo_check(work: &Path) -> Result<CheckRun> {
    let args = [
        "check",
        "--workspace",
        "--keep-going",
        "--message-format",
        "short",
        "--color",
        "never",
    ];
    let output = Cargo::new(work, &work.join("target"), args)
        .output_offline_first()
        .context("cannot run cargo check")?;
    Ok(CheckRun {
        status: output.status,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Packages that failed, and the error lines of each.
#[derive(Default)]
struct CheckOutcome {
    /// Packages cargo could not compile.
    failed: BTreeSet<String>,
    /// Error lines by package, in order.
    errors: BTreeMap<String, Vec<String>>,
    /// Error lines that name no file of a package.
    unattributed: Vec<String>,
}

/// Reads cargo's short-format output: `path:line:col: error…` lines are
/// attributed to the package whose directory holds the path (a probe
/// package, or `crates/<hash>`), and `error: could not compile `name``
/// lines say which packages failed.
fn parse_check(work: &Path, stderr: &str) -> CheckOutcome {
    let mut outcome = CheckOutcome::default();
    let prefix = format!("{}/", work.display());
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error: could not compile `") {
            if let Some((name, _)) = rest.split_once('`') {
                outcome.failed.insert(name.to_owned());
            }
            continue;
        }
        let Some(path) = error_location(line).map(|(path, _)| path) else {
            if line.starts_with("error") {
                outcome.unattributed.push(line.to_owned());
            }
            continue;
        };
        let path = path.strip_prefix(&prefix).unwrap_or(path);
        let mut parts = path.split('/');
        let package = match (parts.next(), parts.next()) {
            (Some("crates"), Some(key)) => format!("{CRATE_PREFIX}{key}"),
            (Some(first), _) if first.starts_with("probe_") => first.to_owned(),
            _ => {
                outcome.unattributed.push(line.to_owned());
                continue;
            }
        };
        outcome
            .errors
            .entry(package)
            .or_default()
            .push(line.strip_prefix(&prefix).unwrap_or(line).to_owned());
    }
    outcome
}

/// Whether a package compiled: neither it nor the crate it checks failed.
fn compiled(side: &ProbeSide, outcome: &CheckOutcome) -> bool {
    !outcome.failed.contains(&side.package) && !outcome.failed.contains(&side.crate_package)
}

/// The error lines of a probe package, each labelled with the item its
/// line probes; or of the crate, when that is what failed.
fn side_errors(side: &ProbeSide, source: &[String], outcome: &CheckOutcome) -> Vec<String> {
    let own = outcome.errors.get(&side.package);
    let lines: Vec<String> = match own {
        Some(lines) => lines
            .iter()
            .map(|line| match probed_item(line, source) {
                Some(item) => format!("{line} [{item}]"),
                None => line.clone(),
            })
            .collect(),
        None => match outcome.errors.get(&side.crate_package) {
            // The copy's paths, as those of the crate it was copied from.
            Some(lines) => {
                let copy = format!(
                    "crates/{}/",
                    side.crate_package.trim_start_matches(CRATE_PREFIX)
                );
                lines
                    .iter()
                    .map(|line| match line.strip_prefix(&copy) {
                        Some(rest) => format!("{}/{rest}", side.crate_dir.display()),
                        None => line.clone(),
                    })
                    .collect()
            }
            None => outcome.unattributed.clone(),
        },
    };
    lines.into_iter().take(MAX_ERROR_LINES).collect()
}

/// The file and line of a short-format error line
/// (`path:line:column: error…`).
fn error_location(line: &str) -> Option<(&str, usize)> {
    let (location, message) = line.split_once(": ")?;
    if !message.starts_with("error") {
        return None;
    }
    let mut pieces = location.rsplitn(3, ':');
    let column = pieces.next()?;
    let number = pieces.next()?;
    let path = pieces.next()?;
    column.parse::<usize>().ok()?;
    Some((path, number.parse().ok()?))
}

/// The `// [item]` label of the source line an error line points at.
fn probed_item(line: &str, source: &[String]) -> Option<String> {
    let (_, number) = error_location(line)?;
    let text = source.get(number.checked_sub(1)?)?;
    let (_, label) = text.rsplit_once("// [")?;
    Some(label.strip_suffix(']').unwrap_or(label).to_owned())
}

fn report(input: &ProbeInput, prepared: &Prepared, outcome: &CheckOutcome) -> ProbeReport {
    let [old, new] = &prepared.sides;
    let compiles_against_old = compiled(old, outcome);
    let compiles_against_new = compiled(new, outcome);
    let crate_failed = |side: &ProbeSide, which: &str| {
        outcome.failed.contains(&side.crate_package).then(|| {
            format!(
                "the {which} crate does not compile:\n{}",
                side_errors(side, &prepared.source, outcome).join("\n")
            )
        })
    };
    let problem = crate_failed(old, "old")
        .or_else(|| crate_failed(new, "new"))
        .or_else(|| {
            (!compiles_against_old).then(|| {
                format!(
                    "the probe does not compile against its own old crate \
                     (a bug of the probe or the generator):\n{}",
                    side_errors(old, &prepared.source, outcome).join("\n")
                )
            })
        })
        .map(|why| format!("pair {}: {why}", input.label));
    ProbeReport {
        label: input.label.clone(),
        compiles_against_old,
        compiles_against_new,
        errors: if compiles_against_new {
            Vec::new()
        } else {
            side_errors(new, &prepared.source, outcome)
        },
        problem,
    }
}

// ---------------------------------------------------------------------------
// Helpers

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
