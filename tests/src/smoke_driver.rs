//! A smoke driver for a generated client: the source of a small binary crate
//! that calls every operation of the client once, against the base URL in
//! the [`BASE_URL_VAR`] environment variable, and prints one JSON line per
//! call (see [`Outcome`]).
//!
//! Arguments come from the spec's examples. The generator's model ([`Api`])
//! says which operations there are and what Rust types their arguments
//! have; the examples are read from the raw JSON document, since the model
//! does not keep them. Each argument gets a list of candidate values, best
//! first:
//!
//! - path, query, header and cookie parameters: the parameter's `example`
//!   (or first `examples` entry), its schema's `example`, then values made
//!   up from the schema (first `enum` value, `default`, or a value of its
//!   type and format). Optional parameters are set only when the spec gives
//!   an example for them.
//! - request bodies: the media type's `example` (or first `examples`
//!   entry), the schema's `example`, a value synthesised from the schema
//!   (required properties and every property with an example, recursively;
//!   read-only properties left out), then one synthesised without examples.
//!
//! The driver decodes the candidates into the generated type in turn
//! (`serde_json::from_str`) and uses the first that fits. Each one that
//! does not fit is reported as `example_rejected` — either the spec's
//! example breaks its own schema or the generated type is wrong, which the
//! test decides — and if none fits the operation is a `driver_error`. The
//! driver never panics: every failure is printed.
//!
//! Responses of a Prism mock carry an `sl-violations` header when the
//! request (or Prism's own response) breaks the spec; the driver reports it
//! with every outcome, or the `validation` list of Prism's problem document
//! when Prism answers with one.

use std::fmt::Write as _;
use std::path::Path;

use generator::ir::{
    Api, BodyEncoding, HttpMethod, Operation, Parameter, ParameterLocation, SchemeKind, TypeRef,
};
use serde_json::{Map, Value};

/// The environment variable holding the base URL the driver calls.
pub const BASE_URL_VAR: &str = "SMOKE_BASE_URL";

/// The bearer token the driver authenticates with.
pub const TOKEN: &str = "smoke-test-token";

/// The API key (header, query or cookie schemes) the driver sends; shaped
/// like a kelviq partner key.
pub const API_KEY: &str = "kvqp_smoke_test_key";

/// The source of a driver crate.
#[derive(Debug, Clone)]
pub struct DriverCrate {
    /// `Cargo.toml`.
    pub manifest: String,
    /// `src/main.rs`.
    pub main_rs: String,
    /// The operation ids the driver calls, in call order.
    pub operations: Vec<String>,
}

impl DriverCrate {
    /// Writes the crate into `dir`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(dir.join("Cargo.toml"), &self.manifest)?;
        std::fs::write(dir.join("src").join("main.rs"), &self.main_rs)
    }
}

/// Builds the driver for the client generated from `spec` (a single JSON
/// document). `client_package` is the generated crate's package name and
/// `client_path` its directory relative to the driver's; the driver's own
/// package is `driver_package`.
pub fn driver_crate(
    spec: &Path,
    client_package: &str,
    client_path: &str,
    driver_package: &str,
) -> Result<DriverCrate, String> {
    let loaded = generator::load::load(spec).map_err(|e| e.to_string())?;
    let api = generator::lower::lower(&loaded).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let document: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", spec.display()))?;
    let client_crate = client_package.replace('-', "_");
    let main_rs = main_source(&api, &Document(&document), &client_crate);
    let manifest = format!(
        "[package]\n\
         name = \"{driver_package}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         {client_package} = {{ path = \"{client_path}\" }}\n\
         serde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
    );
    Ok(DriverCrate {
        manifest,
        main_rs,
        operations: api.operations.iter().map(|op| op.id.clone()).collect(),
    })
}

/// One line of the driver's output: how one call went.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The operation id.
    pub operation: String,
    /// `ok`, `api_error` (a documented error status), `unexpected_status`,
    /// `decode_error`, `timeout`, `transport`, `missing_credentials`,
    /// `invalid_request`, `driver_error` (no value of an argument's type
    /// could be made) or `other`; or `example_rejected`, a note that a
    /// spec example did not fit an argument's type (the driver then tried
    /// the next candidate).
    pub outcome: String,
    /// The response status, if there was a response.
    pub status: Option<u16>,
    /// What went wrong: the response body of errors, the path and message
    /// of decode errors, the reason of driver errors.
    pub detail: String,
    /// What Prism found wrong with the request or its own response: the
    /// `sl-violations` header, or the `validation` list of its problem
    /// document, as JSON text.
    pub violations: Option<String>,
}

impl Outcome {
    /// Parses one output line; `None` if it is not an outcome.
    pub fn parse(line: &str) -> Option<Outcome> {
        let value: Value = serde_json::from_str(line.trim()).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Outcome {
            operation: text("operation")?,
            outcome: text("outcome")?,
            status: value
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok()),
            detail: text("detail").unwrap_or_default(),
            violations: value.get("violations").and_then(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }),
        })
    }

    /// The path of a decode error (`results[0].id`, `.` for the root).
    pub fn decode_path(&self) -> Option<&str> {
        let rest = self.detail.strip_prefix("at `")?;
        rest.split_once("`:").map(|(path, _)| path)
    }

    /// Prism's violations, split into those of the request and those of the
    /// response; each is `(location below request/response, message)`.
    pub fn split_violations(&self) -> (Vec<Violation>, Vec<Violation>) {
        let list: Vec<Value> = self
            .violations
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let mut request = Vec::new();
        let mut response = Vec::new();
        for entry in list {
            let location: Vec<String> = entry
                .get("location")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .map(|s| match s {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let message = entry
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let violation = Violation {
                location: location.iter().skip(1).cloned().collect(),
                message,
            };
            if location.first().map(String::as_str) == Some("response") {
                response.push(violation);
            } else {
                request.push(violation);
            }
        }
        (request, response)
    }

    /// Every outcome line of a driver's standard output.
    pub fn parse_all(stdout: &str) -> Vec<Outcome> {
        stdout.lines().filter_map(Outcome::parse).collect()
    }
}

/// One thing Prism found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Where, below `request`/`response` (`["body", "results", "0", "id"]`).
    pub location: Vec<String>,
    /// Prism's message.
    pub message: String,
}

impl Violation {
    /// Whether this response violation explains a decode error at
    /// `decode_path` (a serde path such as `results[0].id`): it is at that
    /// value or at one containing it.
    pub fn explains_decode_error_at(&self, decode_path: &str) -> bool {
        let Some(("body", violation)) = self.location.split_first().map(|(f, r)| (f.as_str(), r))
        else {
            return false;
        };
        let decoded: Vec<&str> = decode_path
            .split(['.', '[', ']'])
            .filter(|s| !s.is_empty())
            .collect();
        violation.len() <= decoded.len() && violation.iter().zip(&decoded).all(|(a, b)| a == b)
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.location.join("."))
    }
}

/// The raw document, for examples and schemas.
struct Document<'a>(&'a Value);

impl Document<'_> {
    /// Follows local `$ref`s (`#/...`) until a non-reference value.
    fn resolve<'v>(&'v self, mut value: &'v Value) -> &'v Value {
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return value;
            };
            match self.0.pointer(pointer) {
                Some(target) => value = target,
                None => return value,
            }
        }
        value
    }

    /// The operation object of `op`.
    fn operation(&self, op: &Operation) -> Option<&Value> {
        self.path_item(op)?.get(method_key(op.http_method))
    }

    fn path_item(&self, op: &Operation) -> Option<&Value> {
        let item = self.0.get("paths")?.get(&op.path)?;
        Some(self.resolve(item))
    }

    /// The raw parameter object behind `parameter`: the operation's own
    /// entry, else the path item's.
    fn parameter(&self, op: &Operation, parameter: &Parameter) -> Option<&Value> {
        let location = location_key(parameter.location);
        let lists = [
            self.operation(op).and_then(|o| o.get("parameters")),
            self.path_item(op).and_then(|p| p.get("parameters")),
        ];
        lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| self.resolve(p))
            .find(|p| {
                p.get("name").and_then(Value::as_str) == Some(parameter.wire_name.as_str())
                    && p.get("in").and_then(Value::as_str) == Some(location)
            })
    }

    /// Values to try for a parameter, best first: its own `example` or first
    /// `examples` entry, its schema's example, then values made up from the
    /// schema (or, without one, from the Rust type). The flag says whether
    /// the spec gives an example at all.
    fn parameter_candidates(&self, raw: Option<&Value>, ty: &TypeRef) -> (Vec<Value>, bool) {
        let mut candidates = Vec::new();
        if let Some(raw) = raw {
            candidates.extend(raw.get("example").cloned());
            candidates.extend(self.first_of_examples(raw));
            if let Some(schema) = raw.get("schema") {
                candidates.extend(self.schema_example(schema));
            }
        }
        let explicit = !candidates.is_empty();
        match raw.and_then(|r| r.get("schema")) {
            Some(schema) => {
                candidates.push(self.synthesise(schema, 0, Examples::All));
                candidates.push(self.synthesise(schema, 0, Examples::None));
            }
            None => candidates.push(type_fallback(ty)),
        }
        (dedup(candidates), explicit)
    }

    /// The `value` of the first entry of an `examples` map.
    fn first_of_examples(&self, raw: &Value) -> Option<Value> {
        let examples = raw.get("examples")?.as_object()?;
        let (_, first) = examples.iter().next()?;
        self.resolve(first).get("value").cloned()
    }

    /// A schema's own example (through references and `allOf` wrappers).
    fn schema_example(&self, schema: &Value) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(example) = schema.get("example") {
            return Some(example.clone());
        }
        match schema.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 => self.schema_example(&parts[0]),
            _ => None,
        }
    }

    /// Values to try for the request body of `op` in `media_type`, best
    /// first: the media type's `example` or first `examples` entry, the
    /// schema's example, a value synthesised from the schema using the
    /// examples of its parts, then one using no examples at all.
    fn body_candidates(&self, op: &Operation, media_type: &str) -> Vec<Value> {
        let Some(media) = self
            .operation(op)
            .and_then(|o| o.get("requestBody"))
            .map(|b| self.resolve(b))
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .and_then(|c| c.get(media_type).or_else(|| c.values().next()))
        else {
            return Vec::new();
        };
        let mut candidates = Vec::new();
        candidates.extend(media.get("example").cloned());
        candidates.extend(self.first_of_examples(media));
        if let Some(schema) = media.get("schema") {
            candidates.extend(self.schema_example(schema));
            candidates.push(self.synthesise(schema, 0, Examples::BelowTop));
            candidates.push(self.synthesise(schema, 0, Examples::None));
        }
        dedup(candidates)
    }

    /// A value valid against `schema`, from the examples `examples` allows.
    fn synthesise(&self, schema: &Value, depth: usize, examples: Examples) -> Value {
        let schema = self.resolve(schema);
        let use_example = match examples {
            Examples::All => true,
            Examples::BelowTop => depth > 0,
            Examples::None => false,
        };
        if use_example {
            if let Some(example) = schema.get("example") {
                return example.clone();
            }
        }
        if depth > 12 {
            return Value::Null;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut last = Value::Null;
            for part in parts {
                match self.synthesise(part, depth + 1, examples) {
                    Value::Object(fields) => merged.extend(fields),
                    other => last = other,
                }
            }
            if merged.is_empty() {
                return last;
            }
            return Value::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return self.synthesise(first, depth + 1, examples);
            }
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(default) = schema.get("default") {
            return default.clone();
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let is_object =
            ty == Some("object") || (ty.is_none() && schema.get("properties").is_some());
        if is_object {
            return self.synthesise_object(schema, depth, examples);
        }
        match ty {
            Some("array") => {
                let item = schema.get("items").map_or(Value::Null, |items| {
                    self.synthesise(items, depth + 1, examples)
                });
                let count = schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                Value::Array((0..count).map(|_| item.clone()).collect())
            }
            Some("integer") => Value::from(integer_in_range(schema)),
            Some("number") => Value::from(integer_in_range(schema)),
            Some("boolean") => Value::Bool(true),
            _ => Value::String(string_for(schema)),
        }
    }

    /// An object with the required properties and, when examples are used,
    /// every property that has one; read-only properties are left out.
    fn synthesise_object(&self, schema: &Value, depth: usize, examples: Examples) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let resolved = self.resolve(property);
                if resolved.get("readOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                let wanted = required.contains(&name.as_str())
                    || (examples != Examples::None && self.schema_example(resolved).is_some());
                if wanted {
                    out.insert(name.clone(), self.synthesise(property, depth + 1, examples));
                }
            }
        }
        Value::Object(out)
    }
}

/// Which examples a synthesised value may take from the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Examples {
    /// Every example, the schema's own included.
    All,
    /// Examples of the schema's parts, not of the schema itself.
    BelowTop,
    /// None: values made up from types and formats only.
    None,
}

/// `values` without repeats, in order.
fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// A made-up value for a parameter without schema, from its Rust type.
fn type_fallback(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal => {
            Value::from(1)
        }
        TypeRef::Uuid => Value::from(EXAMPLE_UUID),
        TypeRef::DateTime => Value::from(EXAMPLE_DATE_TIME),
        TypeRef::Date => Value::from(EXAMPLE_DATE),
        TypeRef::List(inner) => Value::Array(vec![type_fallback(inner)]),
        _ => Value::from("example"),
    }
}

const EXAMPLE_UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const EXAMPLE_DATE_TIME: &str = "2025-01-15T10:30:00Z";
const EXAMPLE_DATE: &str = "2025-01-15";

fn integer_in_range(schema: &Value) -> i64 {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let maximum = schema.get("maximum").and_then(Value::as_f64);
    let mut value: i64 = 1;
    if let Some(min) = minimum {
        value = value.max(
            min.ceil() as i64
                + i64::from(schema.get("exclusiveMinimum") == Some(&Value::Bool(true))),
        );
    }
    if let Some(max) = maximum {
        value = value.min(max.floor() as i64);
    }
    value
}

fn string_for(schema: &Value) -> String {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => EXAMPLE_UUID.to_owned(),
        Some("date-time") => EXAMPLE_DATE_TIME.to_owned(),
        Some("date") => EXAMPLE_DATE.to_owned(),
        Some("email") => "user@example.com".to_owned(),
        Some("uri" | "url") => "https://example.com/".to_owned(),
        Some("ipv4") => "192.0.2.1".to_owned(),
        Some("decimal" | "number") => "1.00".to_owned(),
        _ => "example".to_owned(),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let min = usize::try_from(min).unwrap_or(0);
    if text.len() < min {
        format!("{text}{}", "x".repeat(min - text.len()))
    } else {
        text
    }
}

fn method_key(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Options => "options",
        HttpMethod::Head => "head",
        HttpMethod::Patch => "patch",
        HttpMethod::Trace => "trace",
    }
}

fn location_key(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

/// The Rust type of `ty`, as named from outside the client crate.
fn rust_type(ty: &TypeRef, krate: &str) -> String {
    generator::emit::type_outside_crate(ty, krate)
}

/// How a variable holding a value of `ty` is passed to a client method or
/// setter, as the IR decides for the generated signatures.
fn pass(ty: &TypeRef, variable: &str) -> String {
    if ty.passed_by_value() {
        variable.to_owned()
    } else {
        format!("&{variable}")
    }
}

/// A Rust string literal holding `text`.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

fn main_source(api: &Api, document: &Document<'_>, krate: &str) -> String {
    let mut out = String::new();
    out.push_str(&PRELUDE.replace("CLIENT", krate));
    let _ = writeln!(out, "#[tokio::main(flavor = \"current_thread\")]");
    let _ = writeln!(out, "async fn main() {{");
    let _ = writeln!(
        out,
        "    let base_url = match std::env::var({}) {{",
        literal(BASE_URL_VAR)
    );
    let _ = writeln!(out, "        Ok(url) => url,");
    let _ = writeln!(
        out,
        "        Err(error) => {{ emit(\"*\", \"driver_error\", None, &format!(\"{BASE_URL_VAR}: {{error}}\"), None); return; }}"
    );
    let _ = writeln!(out, "    }};");
    let _ = writeln!(out, "    let builder = {krate}::Client::builder()");
    let _ = writeln!(out, "        .base_url(base_url)");
    let _ = writeln!(out, "        .max_retries(0)");
    let _ = writeln!(out, "        .timeout(std::time::Duration::from_secs(30))");
    for scheme in &api.security_schemes {
        let setter = &scheme.setter;
        match scheme.kind {
            SchemeKind::Bearer => {
                let _ = writeln!(out, "        .{setter}({})", literal(TOKEN));
            }
            SchemeKind::Basic => {
                let _ = writeln!(out, "        .{setter}(\"smoke\", {})", literal(TOKEN));
            }
            SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_) => {
                let _ = writeln!(out, "        .{setter}({})", literal(API_KEY));
            }
        }
    }
    let _ = writeln!(out, "        ;");
    let _ = writeln!(out, "    let client = match builder.build() {{");
    let _ = writeln!(out, "        Ok(client) => client,");
    let _ = writeln!(
        out,
        "        Err(error) => {{ emit(\"*\", \"driver_error\", None, &format!(\"cannot build the client: {{error}}\"), None); return; }}"
    );
    let _ = writeln!(out, "    }};");
    for index in 0..api.operations.len() {
        let _ = writeln!(out, "    call_{index}(&client).await;");
    }
    let _ = writeln!(out, "}}");
    for (index, op) in api.operations.iter().enumerate() {
        out.push('\n');
        out.push_str(&operation_source(index, op, document, krate));
    }
    out
}

fn operation_source(index: usize, op: &Operation, document: &Document<'_>, krate: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// `{}` ({} {}).",
        op.id,
        op.http_method.as_str(),
        op.path
    );
    let _ = writeln!(out, "async fn call_{index}(client: &{krate}::Client) {{");
    let _ = writeln!(out, "    const OP: &str = {};", literal(&op.id));
    let mut arguments = Vec::new();
    let mut setters = Vec::new();
    let mut variable = 0;
    let mut declare = |out: &mut String, what: String, ty: &TypeRef, candidates: &[Value]| {
        let name = format!("v{variable}");
        variable += 1;
        let candidates: Vec<String> = candidates
            .iter()
            .map(|json| literal(&json.to_string()))
            .collect();
        let _ = writeln!(
            out,
            "    let {name}: {ty} = value!(OP, {what}, {ty}, [{candidates}]);",
            ty = rust_type(ty, krate),
            what = literal(&what),
            candidates = candidates.join(", "),
        );
        name
    };
    for parameter in op.arguments() {
        let raw = document.parameter(op, parameter);
        let (candidates, _) = document.parameter_candidates(raw, &parameter.ty);
        let name = declare(
            &mut out,
            describe_parameter(parameter),
            &parameter.ty,
            &candidates,
        );
        arguments.push(pass(&parameter.ty, &name));
    }
    if let Some(body) = &op.body {
        let candidates = document.body_candidates(op, &body.media_type);
        // Text and byte bodies are taken by value, from the example's text.
        let (ty, passed) = match body.encoding {
            BodyEncoding::Text | BodyEncoding::Bytes => (&TypeRef::String, ""),
            _ => (&body.ty, "&"),
        };
        let name = declare(&mut out, "request body".to_owned(), ty, &candidates);
        if body.required {
            arguments.push(format!("{passed}{name}"));
        } else {
            setters.push(format!(".body({passed}{name})"));
        }
    }
    for parameter in op.parameters.iter().filter(|p| !p.required) {
        let raw = document.parameter(op, parameter);
        let (candidates, explicit) = document.parameter_candidates(raw, &parameter.ty);
        if !explicit {
            continue;
        }
        let name = declare(
            &mut out,
            describe_parameter(parameter),
            &parameter.ty,
            &candidates,
        );
        setters.push(format!(
            ".{}({})",
            parameter.rust_name,
            pass(&parameter.ty, &name)
        ));
    }
    let _ = writeln!(
        out,
        "    let call = client.{}({}){};",
        op.method_name,
        arguments.join(", "),
        setters.concat()
    );
    let _ = writeln!(out, "    report(OP, call.send().await);");
    let _ = writeln!(out, "}}");
    out
}

fn describe_parameter(parameter: &Parameter) -> String {
    format!(
        "{} parameter `{}`",
        location_key(parameter.location),
        parameter.wire_name
    )
}

/// Helpers at the top of the driver's `main.rs`.
const PRELUDE: &str = r#"//! Calls every operation once and prints one JSON line per call.
//! Generated by tests/src/smoke_driver.rs; do not edit.

#![allow(deprecated, clippy::all)]

/// Decodes the first of the candidate values (spec examples first, made-up
/// values last) that fits the type an argument needs. Each candidate that
/// does not fit is reported as `example_rejected`; if none fits, the
/// operation is reported as a `driver_error` and skipped.
macro_rules! value {
    ($op:expr, $what:expr, $ty:ty, [$($json:expr),* $(,)?]) => {{
        let mut found: Option<$ty> = None;
        let mut rejected: Vec<String> = Vec::new();
        for json in [$($json),*] {
            match serde_json::from_str::<$ty>(json) {
                Ok(value) => {
                    found = Some(value);
                    break;
                }
                Err(error) => {
                    let message = format!("the {} {} does not fit: {error}", $what, json);
                    emit($op, "example_rejected", None, &message, None);
                    rejected.push(message);
                }
            }
        }
        match found {
            Some(value) => value,
            None => {
                let reason = if rejected.is_empty() {
                    format!("no value for the {}", $what)
                } else {
                    rejected.join("; ")
                };
                emit($op, "driver_error", None, &reason, None);
                return;
            }
        }
    }};
}

fn emit(operation: &str, outcome: &str, status: Option<u16>, detail: &str, violations: Option<String>) {
    let line = serde_json::json!({
        "operation": operation,
        "outcome": outcome,
        "status": status,
        "detail": detail,
        "violations": violations,
    });
    println!("{line}");
}

/// What Prism says is wrong: the `sl-violations` header it adds when a
/// request or its own response breaks the spec, or the `validation` list of
/// the problem document it answers invalid requests with.
fn violations(response: &CLIENT::RawResponse) -> Option<String> {
    if let Some(header) = response.headers().get("sl-violations") {
        return Some(String::from_utf8_lossy(header.as_bytes()).into_owned());
    }
    let body: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
    let is_prism = body
        .get("type")
        .and_then(|t| t.as_str())
        .is_some_and(|t| t.starts_with("https://stoplight.io/prism/errors#"));
    match body.get("validation") {
        Some(validation) if is_prism => Some(validation.to_string()),
        _ => None,
    }
}

fn header_violations(headers: &CLIENT::HeaderMap) -> Option<String> {
    headers
        .get("sl-violations")
        .map(|header| String::from_utf8_lossy(header.as_bytes()).into_owned())
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn report<T, E: std::fmt::Debug>(
    operation: &str,
    result: Result<CLIENT::Response<T>, CLIENT::Error<E>>,
) {
    match result {
        Ok(response) => emit(
            operation,
            "ok",
            Some(response.status().as_u16()),
            "",
            header_violations(response.headers()),
        ),
        Err(CLIENT::Error::Api(error)) => emit(
            operation,
            "api_error",
            Some(error.response.status().as_u16()),
            &format!("{:?}; body: {}", error.kind, error.response.text()),
            violations(&error.response),
        ),
        Err(CLIENT::Error::UnexpectedStatus(response)) => emit(
            operation,
            "unexpected_status",
            Some(response.status().as_u16()),
            &format!("body: {}", response.text()),
            violations(&response),
        ),
        Err(CLIENT::Error::Decode(error)) => emit(
            operation,
            "decode_error",
            Some(error.response.status().as_u16()),
            &format!(
                "at `{}`: {}; body: {}",
                error.path,
                error.message,
                error.response.text()
            ),
            violations(&error.response),
        ),
        Err(CLIENT::Error::Timeout) => emit(operation, "timeout", None, "", None),
        Err(CLIENT::Error::Transport(error)) => {
            emit(operation, "transport", None, &error_chain(&error), None)
        }
        Err(error @ CLIENT::Error::MissingCredentials { .. }) => {
            emit(operation, "missing_credentials", None, &error.to_string(), None)
        }
        Err(CLIENT::Error::InvalidRequest(message)) => {
            emit(operation, "invalid_request", None, &message, None)
        }
        Err(error) => emit(operation, "other", None, &error.to_string(), None),
    }
}

"#;
