//! The driver: the source of a small binary crate that calls operations of
//! a generated client against the base URL in [`BASE_URL_VAR`] and prints
//! one JSON line per call ([`crate::outcome::Outcome`]).
//!
//! Every input comes from the [`Plan`]: a list of values the spec allows,
//! best first. The driver decodes them into the generated type in turn and
//! uses the first that fits; one that does not fit is reported as
//! `value_rejected` (the generated type refuses a value its schema allows:
//! a client fault). [`ONLY_VAR`] limits a run to some operations (by
//! index), which is how a run resumes after the mock died. The driver never
//! panics: every failure is printed.

use std::fmt::Write as _;
use std::path::Path;

use openapi_rust_gen::ir::{Api, SchemeKind};
use openapi_rust_gen::surface::{rust_type, Scope};
use scratch_workspace::write_if_changed;

use crate::plan::{Argument, OperationPlan, Plan};

/// The environment variable holding the base URL the driver calls.
pub const BASE_URL_VAR: &str = "CONFORMANCE_BASE_URL";
/// The environment variable listing the operations to call (indices,
/// comma-separated); unset: all.
pub const ONLY_VAR: &str = "CONFORMANCE_ONLY";
/// The bearer token the driver authenticates with.
pub const TOKEN: &str = "conformance-test-token";
/// The API key (header, query or cookie schemes) the driver sends.
pub const API_KEY: &str = "conformance_test_key";
/// Seconds the driver waits for one call.
pub const CALL_TIMEOUT_SECONDS: u64 = 30;

/// The source of a driver crate.
#[derive(Debug, Clone)]
pub struct DriverCrate {
    /// `Cargo.toml`.
    pub manifest: String,
    /// `src/main.rs`.
    pub main_rs: String,
}

impl DriverCrate {
    /// Writes the crate into `dir`, leaving files that would not change
    /// alone (so cargo does not rebuild an unchanged driver).
    pub fn write_to(&self, dir: &Path) -> anyhow::Result<()> {
        write_if_changed(&dir.join("Cargo.toml"), &self.manifest)?;
        write_if_changed(&dir.join("src").join("main.rs"), &self.main_rs)
    }
}

/// The driver of the client package `client_package` (at `client_path`,
/// relative to the driver), named `driver_package`.
pub fn driver_crate(
    api: &Api,
    plan: &Plan,
    client_package: &str,
    client_path: &str,
    driver_package: &str,
) -> DriverCrate {
    let krate = client_package.replace('-', "_");
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
    DriverCrate {
        manifest,
        main_rs: main_source(api, plan, &krate),
    }
}

fn main_source(api: &Api, plan: &Plan, krate: &str) -> String {
    let mut out = PRELUDE.replace("CLIENT", krate);
    out.push_str("#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n");
    let _ = writeln!(
        out,
        "    let Some(client) = client(std::env::var({BASE_URL_VAR:?})) else {{ return; }};"
    );
    let _ = writeln!(
        out,
        "    let only = selection(std::env::var({ONLY_VAR:?}).ok());"
    );
    for (index, op) in plan.operations.iter().enumerate() {
        if op.unbuildable.is_none() {
            let _ = writeln!(
                out,
                "    if only.as_ref().is_none_or(|o| o.contains(&{index})) {{ call_{index}(&client).await; }}"
            );
        }
    }
    out.push_str("}\n\n");
    out.push_str(&client_source(api, krate));
    for (index, op) in plan.operations.iter().enumerate() {
        if op.unbuildable.is_none() {
            out.push('\n');
            out.push_str(&operation_source(index, op, krate));
        }
    }
    out
}

/// `fn client(...)`: the client with every credential set, no retries.
fn client_source(api: &Api, krate: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "fn client(base_url: Result<String, std::env::VarError>) -> Option<{krate}::Client> {{"
    );
    out.push_str("    let base_url = match base_url {\n        Ok(url) => url,\n");
    let _ = writeln!(
        out,
        "        Err(error) => {{ emit(\"*\", \"driver_error\", None, &format!(\"{BASE_URL_VAR}: {{error}}\"), None, None); return None; }}\n    }};"
    );
    let _ = writeln!(out, "    let builder = {krate}::Client::builder()");
    out.push_str("        .base_url(base_url)\n        .max_retries(0)\n");
    let _ = writeln!(
        out,
        "        .timeout(std::time::Duration::from_secs({CALL_TIMEOUT_SECONDS}))"
    );
    for scheme in &api.security_schemes {
        let setter = &scheme.setter;
        let _ = match scheme.kind {
            SchemeKind::Bearer => writeln!(out, "        .{setter}({TOKEN:?})"),
            SchemeKind::Basic => writeln!(out, "        .{setter}(\"conformance\", {TOKEN:?})"),
            SchemeKind::Header(_) | SchemeKind::Query(_) | SchemeKind::Cookie(_) => {
                writeln!(out, "        .{setter}({API_KEY:?})")
            }
        };
    }
    out.push_str("        ;\n    match builder.build() {\n        Ok(client) => Some(client),\n");
    out.push_str("        Err(error) => { emit(\"*\", \"driver_error\", None, &format!(\"cannot build the client: {error}\"), None, None); None }\n    }\n}\n");
    out
}

fn operation_source(index: usize, op: &OperationPlan, krate: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/// `{}` ({}).", op.id, op.title.replace('`', "'"));
    let _ = writeln!(out, "async fn call_{index}(client: &{krate}::Client) {{");
    let _ = writeln!(out, "    const OP: &str = {:?};", op.id);
    let mut variables = 0;
    let mut declare = |out: &mut String, argument: &Argument| -> String {
        let name = format!("v{variables}");
        variables += 1;
        let (ty, by_reference) = argument.passing.caller_value();
        let ty = rust_type(&ty, Scope::Outside(krate)).to_string();
        let candidates: Vec<String> = argument
            .candidates
            .iter()
            .map(|json| format!("{:?}", json.to_string()))
            .collect();
        let _ = writeln!(
            out,
            "    let {name}: {ty} = value!(OP, {what:?}, {ty}, [{candidates}]);",
            what = argument.what,
            candidates = candidates.join(", "),
        );
        if by_reference {
            format!("&{name}")
        } else {
            name
        }
    };
    let arguments: Vec<String> = op.arguments.iter().map(|a| declare(&mut out, a)).collect();
    let setters: Vec<String> = op
        .setters
        .iter()
        .map(|(setter, a)| format!(".{setter}({})", declare(&mut out, a)))
        .collect();
    let _ = writeln!(
        out,
        "    let call = client.{}({}){};",
        op.method_name,
        arguments.join(", "),
        setters.concat()
    );
    out.push_str("    report(OP, call.send().await);\n}\n");
    out
}

/// Helpers at the top of the driver's `main.rs`.
const PRELUDE: &str = r#"//! Calls operations of a generated client and prints one JSON line per call.
//! Generated by the conformance crate; do not edit.

#![allow(deprecated, clippy::all)]

/// Decodes the first of the candidate values (each one allowed by the
/// spec) that fits the type an argument needs. Each candidate that does not
/// fit is reported as `value_rejected`; if none fits, the operation is
/// reported as a `driver_error` and skipped.
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
                    let message = format!("the {} {} does not fit the generated type: {error}", $what, json);
                    emit($op, "value_rejected", None, &message, None, None);
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
                emit($op, "driver_error", None, &reason, None, None);
                return;
            }
        }
    }};
}

/// The operations to call: every one, or those listed.
fn selection(list: Option<String>) -> Option<Vec<usize>> {
    list.map(|l| l.split(',').filter_map(|n| n.trim().parse().ok()).collect())
}

/// A response as the report needs it.
struct Seen<'a> {
    status: u16,
    headers: &'a CLIENT::HeaderMap,
    body: &'a [u8],
}

fn emit(operation: &str, outcome: &str, status: Option<u16>, detail: &str, violations: Option<String>, seen: Option<&Seen<'_>>) {
    let content_type = seen
        .and_then(|s| s.headers.get("content-type"))
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = seen.map(|s| String::from_utf8_lossy(s.body).into_owned());
    let line = serde_json::json!({
        "operation": operation,
        "outcome": outcome,
        "status": status.or(seen.map(|s| s.status)),
        "detail": detail,
        "violations": violations,
        "content_type": content_type,
        "body": body,
    });
    println!("{line}");
}

/// What Prism says is wrong: the `sl-violations` header it adds when a
/// request or its own response breaks the spec, or the `validation` list of
/// the problem document it answers invalid requests with.
fn violations(headers: &CLIENT::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(header) = headers.get("sl-violations") {
        return Some(String::from_utf8_lossy(header.as_bytes()).into_owned());
    }
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    let is_prism = body
        .get("type")
        .and_then(|t| t.as_str())
        .is_some_and(|t| t.starts_with("https://stoplight.io/prism/errors#"));
    match body.get("validation") {
        Some(validation) if is_prism => Some(validation.to_string()),
        _ => None,
    }
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

fn raw(response: &CLIENT::RawResponse) -> Seen<'_> {
    Seen { status: response.status().as_u16(), headers: response.headers(), body: response.body() }
}

fn report<T, E: std::fmt::Debug>(
    operation: &str,
    result: Result<CLIENT::Response<T>, CLIENT::Error<E>>,
) {
    match result {
        Ok(response) => {
            let violations = response
                .headers()
                .get("sl-violations")
                .map(|header| String::from_utf8_lossy(header.as_bytes()).into_owned());
            let seen = Seen { status: response.status().as_u16(), headers: response.headers(), body: &[] };
            emit(operation, "ok", None, "", violations, Some(&seen))
        }
        Err(CLIENT::Error::Api(error)) => {
            let seen = raw(&error.response);
            let detail = format!("{:?}", error.kind);
            emit(operation, "api_error", None, &detail, violations(seen.headers, seen.body), Some(&seen))
        }
        Err(CLIENT::Error::UnexpectedStatus(response)) => {
            let seen = raw(&response);
            emit(operation, "unexpected_status", None, "", violations(seen.headers, seen.body), Some(&seen))
        }
        Err(CLIENT::Error::Decode(error)) => {
            let seen = raw(&error.response);
            let detail = format!("at `{}`: {}", error.path, error.message);
            emit(operation, "decode_error", None, &detail, violations(seen.headers, seen.body), Some(&seen))
        }
        Err(CLIENT::Error::Timeout) => emit(operation, "timeout", None, "", None, None),
        Err(CLIENT::Error::Transport(error)) => {
            emit(operation, "transport", None, &error_chain(&error), None, None)
        }
        Err(error @ CLIENT::Error::MissingCredentials { .. }) => {
            emit(operation, "missing_credentials", None, &error.to_string(), None, None)
        }
        Err(CLIENT::Error::InvalidRequest(message)) => {
            emit(operation, "invalid_request", None, &message, None, None)
        }
        Err(error) => emit(operation, "other", None, &error.to_string(), None, None),
    }
}

"#;
