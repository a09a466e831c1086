//! The generator on the vendor's complete published spec (issue #4).
//!
//! - [`full_spec_against_prism`] generates a client from
//!   `shared/corpus/kelviq/openapi.json` (beside the workspace), checks it is
//!   clippy-clean, builds a smoke driver that calls every operation with
//!   arguments taken from the spec's examples (`tests/src/smoke_driver.rs`)
//!   and runs it against a Stoplight Prism mock of the same spec: once with
//!   the spec's examples as responses, then for a few rounds of random
//!   responses valid against the schemas.
//! - [`history_versions_generate_and_compile`] generates and compiles every
//!   published version of the spec under `shared/corpus/kelviq/history/` and
//!   prints a table.
//!
//! Prism (`@stoplight/prism-cli`, pinned in `tests/package.json` and
//! `tests/package-lock.json`) is installed with `npm ci` into
//! `tests/node_modules` the first time; it then runs offline. Builds go to
//! `target/prism-check` of the workspace and are reused between runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use integration_tests::smoke_driver::{self, Outcome, BASE_URL_VAR};
use integration_tests::{cargo_offline_first, workspace_root, write_scratch_workspace};
use serde_json::Value;

/// Package name of the client generated from the full spec.
const CLIENT: &str = "kelviq-full";
/// Package name of the smoke driver.
const DRIVER: &str = "prism-smoke";
/// Rounds of the dynamic pass, each calling every operation once; the
/// `PRISM_DYNAMIC_ROUNDS` environment variable asks for more.
const DYNAMIC_ROUNDS: usize = 5;
/// Seed of Prism's random responses (a round number is appended), so that
/// the dynamic pass repeats.
const SEED: &str = "kelviq-issue-4";
/// Set to keep the scratch workspace (driver source, Prism logs) of a
/// passing run too.
const KEEP_VAR: &str = "PRISM_CHECK_KEEP";
/// How long Prism may take to start listening.
const PRISM_START_TIMEOUT: Duration = Duration::from_secs(60);

/// The vendor's spec corpus, checked out beside the workspace.
fn corpus() -> PathBuf {
    workspace_root()
        .join("..")
        .join("shared")
        .join("corpus")
        .join("kelviq")
}

fn target_dir() -> PathBuf {
    workspace_root().join("target").join("prism-check")
}

#[test]
fn full_spec_against_prism() {
    let spec = corpus().join("openapi.json");
    assert!(
        spec.is_file(),
        "the vendor spec is missing: {}",
        spec.display()
    );
    let workspace = tempfile::Builder::new()
        .prefix("prism-check-")
        .tempdir()
        .expect("create a temporary directory");
    let dir = workspace.path();

    // Generate the client and the driver.
    let started = Instant::now();
    let generated = generator::generate(&spec, &generator::Options::new(CLIENT))
        .unwrap_or_else(|e| panic!("generating from {} failed: {e}", spec.display()));
    generated
        .write_to(&dir.join(CLIENT))
        .unwrap_or_else(|e| panic!("writing the generated crate failed: {e}"));
    let driver = smoke_driver::driver_crate(&spec, CLIENT, &format!("../{CLIENT}"), DRIVER)
        .unwrap_or_else(|e| panic!("building the smoke driver failed: {e}"));
    driver
        .write_to(&dir.join(DRIVER))
        .unwrap_or_else(|e| panic!("writing the smoke driver failed: {e}"));
    write_scratch_workspace(dir, &[CLIENT.to_owned(), DRIVER.to_owned()])
        .expect("write the workspace manifest and lock file");
    eprintln!(
        "generated {CLIENT} ({} operations, {} warnings) and its driver in {:.1?}",
        driver.operations.len(),
        generated.warnings.len(),
        started.elapsed()
    );

    // The client must be clippy-clean.
    let started = Instant::now();
    let clippy = cargo_offline_first(
        dir,
        &target_dir(),
        &["clippy", "-p", CLIENT],
        &["-D", "warnings"],
    );
    eprintln!("clippy on {CLIENT} took {:.1?}", started.elapsed());
    assert!(
        clippy.status.success(),
        "cargo clippy failed on the crate generated from {} (kept in {}):\n{}",
        spec.display(),
        workspace.keep().display(),
        String::from_utf8_lossy(&clippy.stderr),
    );

    let started = Instant::now();
    let build = cargo_offline_first(dir, &target_dir(), &["build", "-p", DRIVER], &[]);
    eprintln!("building the smoke driver took {:.1?}", started.elapsed());
    assert!(
        build.status.success(),
        "the smoke driver does not build (kept in {}):\n{}",
        workspace.keep().display(),
        String::from_utf8_lossy(&build.stderr),
    );
    let driver_bin = target_dir()
        .join("debug")
        .join(format!("{DRIVER}{}", std::env::consts::EXE_SUFFIX));

    let prism = ensure_prism();
    let mut failures = String::new();

    // Static pass: Prism answers with the spec's examples.
    let started = Instant::now();
    // Without `--errors`: Prism answers an invalid request with a documented
    // 4xx (or its own 422 problem document when none fits) and lists what is
    // wrong in the `sl-violations` header, which the driver reports; it also
    // lists there what is wrong with its own response. `--errors` would turn
    // response violations (the spec's own invalid examples) into 500s and
    // hide what the client makes of them.
    let static_flags: &[&str] = &[];
    let outcomes = {
        let server = Prism::start(&prism, &spec, static_flags, &dir.join("prism-static.log"));
        run_driver(&driver_bin, &server)
    };
    eprintln!(
        "static pass (prism mock <spec> --host 127.0.0.1 --port <free port>{}) took {:.1?}",
        static_flags
            .iter()
            .map(|f| format!(" {f}"))
            .collect::<String>(),
        started.elapsed()
    );
    let report = static_report(&driver.operations, &outcomes);
    eprintln!("{}", report.summary);
    failures.push_str(&report.failures);

    // Dynamic pass: random responses valid against the schemas. With a seed
    // Prism answers the same request the same way every time, so each round
    // gets its own Prism with its own seed: varied, yet repeatable.
    let started = Instant::now();
    let round_count = std::env::var("PRISM_DYNAMIC_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DYNAMIC_ROUNDS);
    let rounds: Vec<Vec<Outcome>> = (0..round_count)
        .map(|round| {
            let seed = format!("{SEED}-{round}");
            let log = dir.join(format!("prism-dynamic-{round}.log"));
            let server = Prism::start(&prism, &spec, &["--dynamic", "--seed", &seed], &log);
            run_driver(&driver_bin, &server)
        })
        .collect();
    eprintln!(
        "dynamic pass (prism mock <spec> --host 127.0.0.1 --port <free port> --dynamic --seed {SEED}-<round>): {round_count} rounds in {:.1?}",
        started.elapsed()
    );
    let report = dynamic_report(&driver.operations, &rounds);
    eprintln!("{}", report.summary);
    failures.push_str(&report.failures);

    let kept =
        (std::env::var_os(KEEP_VAR).is_some() || !failures.is_empty()).then(|| workspace.keep());
    if let Some(kept) = &kept {
        eprintln!(
            "the workspace and Prism logs are kept in {}",
            kept.display()
        );
    }
    assert!(
        failures.is_empty(),
        "the client generated from {} failed against Prism:\n{failures}",
        spec.display(),
    );
}

/// Spec examples known not to fit their own schema, which the generated
/// types rightly reject (the driver then uses a value made up from the
/// schema): `(operation, what, text of the rejection, why)`.
const INVALID_SPEC_EXAMPLES: &[(&str, &str, &str, &str)] = &[
    (
        "licenseDeactivate",
        "request body",
        "UUID parsing failed",
        "instanceId \"8f3e2b1a-5c6d-4e9f-8a0b-1c2d3e4f5g6h\" is not a UUID (`g`, `h`) but the schema says format: uuid",
    ),
    (
        "licenseValidate",
        "request body",
        "UUID parsing failed",
        "instanceId \"8f3e2b1a-5c6d-4e9f-8a0b-1c2d3e4f5g6h\" is not a UUID (`g`, `h`) but the schema says format: uuid",
    ),
];

/// How one call went, as far as the test is concerned.
enum Verdict {
    /// Success, decoded.
    Ok,
    /// Success, decoded, though Prism says its own response breaks the
    /// spec (what it says).
    OkDespiteMock(String),
    /// A documented error status, decoded, with a valid request.
    DocumentedError,
    /// The mock's response breaks the spec (Prism says so) and the client
    /// rejected it where Prism found the violation: a fault of the spec's
    /// example or of the mock, not of the client.
    InvalidMockResponse(String),
    /// Prism cannot make up a response: the spec gives no schema for it.
    NoMockSchema,
    /// Anything else: a request Prism rejects, an undecodable valid
    /// response, an undocumented status, a transport failure...
    Failure(String),
}

fn verdict(outcome: &Outcome) -> Verdict {
    let (request, response) = outcome.split_violations();
    if !request.is_empty() {
        let list: Vec<String> = request.iter().map(ToString::to_string).collect();
        return Verdict::Failure(format!(
            "Prism rejects the request: {} [{}]",
            list.join("; "),
            describe(outcome)
        ));
    }
    match outcome.outcome.as_str() {
        "ok" if !response.is_empty() => {
            let list: Vec<String> = response.iter().map(ToString::to_string).collect();
            Verdict::OkDespiteMock(format!(
                "{}: decoded, though Prism says its response breaks the spec: {}",
                outcome.operation,
                list.join("; ")
            ))
        }
        "ok" => Verdict::Ok,
        "api_error" => Verdict::DocumentedError,
        "decode_error" => {
            let path = outcome.decode_path().unwrap_or(".");
            match response.iter().find(|v| v.explains_decode_error_at(path)) {
                Some(violation) => Verdict::InvalidMockResponse(format!(
                    "{}: the {} response breaks the spec ({violation}) and does not decode at `{path}`",
                    outcome.operation,
                    status_text(outcome.status)
                )),
                None => Verdict::Failure(describe(outcome)),
            }
        }
        "unexpected_status"
            if outcome.status == Some(500)
                && outcome.detail.contains("stoplight.io/prism/errors#UNKNOWN")
                && outcome.detail.contains("schema is not defined") =>
        {
            Verdict::NoMockSchema
        }
        _ => Verdict::Failure(describe(outcome)),
    }
}

/// Spec examples the generated types rejected that are not known to be
/// invalid: each is a failure.
fn unexpected_rejections(outcomes: &[Outcome], known: &mut Vec<String>) -> Vec<String> {
    let mut failures = Vec::new();
    for outcome in outcomes.iter().filter(|o| o.outcome == "example_rejected") {
        let listed = INVALID_SPEC_EXAMPLES.iter().find(|(op, what, text, _)| {
            outcome.operation == *op
                && outcome.detail.starts_with(&format!("the {what} "))
                && outcome.detail.contains(text)
        });
        match listed {
            Some((op, what, _, why)) => {
                let note = format!("{op}: the {what} example is invalid: {why}");
                if !known.contains(&note) {
                    known.push(note);
                }
            }
            None => failures.push(format!(
                "{}: a spec example does not fit the generated type: {}",
                outcome.operation, outcome.detail
            )),
        }
    }
    failures
}

/// What a pass found: a summary to print and the failures, one per line
/// (empty if none).
struct Report {
    summary: String,
    failures: String,
}

/// Static pass: every request must pass Prism's validation, and every
/// response (the spec's first success example) must decode, unless Prism
/// itself says the response breaks the spec.
fn static_report(operations: &[String], outcomes: &[Outcome]) -> Report {
    let mut failures = String::new();
    let mut notes = Vec::new();
    for failure in unexpected_rejections(outcomes, &mut notes) {
        let _ = writeln!(failures, "static: {failure}");
    }
    let calls: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.outcome != "example_rejected")
        .collect();
    let mut ok = 0;
    let mut documented_errors = Vec::new();
    for operation in operations {
        if !calls.iter().any(|o| &o.operation == operation) {
            let _ = writeln!(
                failures,
                "static: {operation}: no outcome (the driver stopped?)"
            );
        }
    }
    for outcome in &calls {
        if !operations.contains(&outcome.operation) {
            let _ = writeln!(failures, "static: {}", describe(outcome));
            continue;
        }
        match verdict(outcome) {
            Verdict::Ok => ok += 1,
            Verdict::OkDespiteMock(note) => {
                ok += 1;
                notes.push(note);
            }
            Verdict::DocumentedError => documented_errors.push(format!(
                "{} ({})",
                outcome.operation,
                status_text(outcome.status)
            )),
            Verdict::InvalidMockResponse(note) => notes.push(note),
            Verdict::NoMockSchema => notes.push(format!(
                "{}: Prism has no response to give",
                outcome.operation
            )),
            Verdict::Failure(why) => {
                let _ = writeln!(failures, "static: {}: {why}", outcome.operation);
            }
        }
    }
    let mut summary = format!(
        "static pass: {ok}/{} operations succeeded and decoded",
        operations.len()
    );
    if !documented_errors.is_empty() {
        let _ = write!(
            summary,
            "; documented errors chosen by the mock: {}",
            documented_errors.join(", ")
        );
    }
    for note in &notes {
        let _ = write!(summary, "\n  note: {note}");
    }
    Report { summary, failures }
}

/// Dynamic pass: every call of every round must pass Prism's request
/// validation and decode (a documented error status counts, and is listed).
/// The decode success rate counts the calls Prism could answer; calls it
/// could not (no schema) and undecodable responses Prism itself flags as
/// invalid are listed apart.
fn dynamic_report(operations: &[String], rounds: &[Vec<Outcome>]) -> Report {
    let mut failures = String::new();
    let mut per_operation: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    let mut known = Vec::new();
    let mut calls = 0;
    let mut ok = 0;
    for (round, outcomes) in rounds.iter().enumerate() {
        for failure in unexpected_rejections(outcomes, &mut known) {
            per_operation
                .entry(failure.split(':').next().unwrap_or_default().to_owned())
                .or_default()
                .push(format!("round {round}: {failure}"));
        }
        let outcomes: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.outcome != "example_rejected")
            .collect();
        for operation in operations {
            if !outcomes.iter().any(|o| &o.operation == operation) {
                calls += 1;
                per_operation
                    .entry(operation.clone())
                    .or_default()
                    .push(format!("round {round}: no outcome"));
            }
        }
        for outcome in outcomes {
            match verdict(outcome) {
                Verdict::Ok => {
                    calls += 1;
                    ok += 1;
                }
                Verdict::OkDespiteMock(note) => {
                    calls += 1;
                    ok += 1;
                    *notes.entry(note).or_default() += 1;
                }
                Verdict::NoMockSchema => {
                    *notes
                        .entry(format!(
                            "{}: not exercised, the spec gives its response no schema to generate from",
                            outcome.operation
                        ))
                        .or_default() += 1;
                }
                Verdict::InvalidMockResponse(note) => {
                    *notes.entry(note).or_default() += 1;
                }
                Verdict::DocumentedError => {
                    calls += 1;
                    ok += 1;
                    *notes
                        .entry(format!(
                            "{}: the mock chose the documented error {}",
                            outcome.operation,
                            status_text(outcome.status)
                        ))
                        .or_default() += 1;
                }
                Verdict::Failure(why) => {
                    calls += 1;
                    per_operation
                        .entry(outcome.operation.clone())
                        .or_default()
                        .push(format!("round {round}: {why}"));
                }
            }
        }
    }
    for (operation, problems) in &per_operation {
        let _ = writeln!(
            failures,
            "dynamic: {operation}: {} of {} rounds failed; first: {}",
            problems.len(),
            rounds.len(),
            problems.first().map_or("", String::as_str)
        );
    }
    let rate = if calls == 0 {
        0.0
    } else {
        100.0 * f64::from(ok) / f64::from(calls)
    };
    let mut summary = format!(
        "dynamic pass: {ok}/{calls} calls decoded ({rate:.1}%) over {} rounds; operations with failures: {}",
        rounds.len(),
        per_operation.len()
    );
    for (note, count) in &notes {
        let _ = write!(summary, "\n  note ({count}x): {note}");
    }
    Report { summary, failures }
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "no status".to_owned(), |s| s.to_string())
}

fn describe(outcome: &Outcome) -> String {
    let mut text = format!("{} ({})", outcome.outcome, status_text(outcome.status));
    if !outcome.detail.is_empty() {
        let _ = write!(text, ": {}", outcome.detail);
    }
    if let Some(violations) = &outcome.violations {
        let _ = write!(text, "; Prism violations: {violations}");
    }
    text
}

/// Runs the driver against `server` and parses its outcome lines.
fn run_driver(driver: &Path, server: &Prism) -> Vec<Outcome> {
    let output: Output = Command::new(driver)
        .env(BASE_URL_VAR, server.base_url())
        .output()
        .unwrap_or_else(|e| panic!("cannot run the smoke driver {}: {e}", driver.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the smoke driver failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Outcome::parse_all(&stdout)
}

/// The Prism executable, installed from `tests/package-lock.json` with
/// `npm ci` if it is not there yet.
fn ensure_prism() -> PathBuf {
    let tests = workspace_root().join("tests");
    let bin = tests
        .join("node_modules")
        .join(".bin")
        .join(if cfg!(windows) { "prism.cmd" } else { "prism" });
    if bin.exists() {
        return bin;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let started = Instant::now();
    let output = Command::new(npm)
        // No install scripts: Prism needs none (the only one is a
        // dependency's telemetry ping).
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&tests)
        .env("SCARF_ANALYTICS", "false")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `npm ci` in {} (is Node.js installed?): {e}",
                tests.display()
            )
        });
    assert!(
        output.status.success(),
        "`npm ci` in {} failed:\n{}\n{}",
        tests.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("installed Prism with npm ci in {:.1?}", started.elapsed());
    assert!(bin.exists(), "`npm ci` did not install {}", bin.display());
    bin
}

/// A running `prism mock`, killed when dropped (also when a test panics).
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock <spec> --host 127.0.0.1 --port <free port> <flags>`
    /// with its output in `log`, and waits until it accepts connections.
    fn start(bin: &Path, spec: &Path, flags: &[&str], log: &Path) -> Prism {
        let port = free_port();
        let log_file =
            File::create(log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err_file = log_file
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot open {} twice: {e}", log.display()));
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file))
            .stderr(Stdio::from(err_file))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Prism {
            child,
            port,
            log: log.to_owned(),
        };
        prism.wait_until_listening();
        prism
    }

    fn wait_until_listening(&mut self) {
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    self.log_text()
                );
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < PRISM_START_TIMEOUT,
                "Prism did not listen on port {} within {PRISM_START_TIMEOUT:?}:\n{}",
                self.port,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("find a free port")
}

/// Every published version of the spec generates and compiles; prints a
/// table of version, operations, generated and compiled.
#[test]
fn history_versions_generate_and_compile() {
    let history = corpus().join("history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&history)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", history.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no spec versions in {}",
        history.display()
    );

    let workspace = tempfile::Builder::new()
        .prefix("prism-history-")
        .tempdir()
        .expect("create a temporary directory");
    let started = Instant::now();
    let mut versions = Vec::new();
    let mut members = Vec::new();
    for file in &files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let (openapi, operations) = describe_document(file);
        let crate_name = format!("history-{}", name.split('_').next().unwrap_or(&name));
        let generated = generator::generate(file, &generator::Options::new(&crate_name))
            .map_err(|e| e.to_string())
            .and_then(|generated| {
                generated
                    .write_to(&workspace.path().join(&crate_name))
                    .map_err(|e| format!("cannot write the crate: {e}"))
            });
        if generated.is_ok() {
            members.push(crate_name.clone());
        }
        versions.push(Version {
            name,
            openapi,
            operations,
            crate_name,
            generated,
            compiled: None,
        });
    }
    write_scratch_workspace(workspace.path(), &members)
        .expect("write the workspace manifest and lock file");
    let output = cargo_offline_first(
        workspace.path(),
        &target_dir(),
        &["clippy", "--keep-going"],
        &["-D", "warnings"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    // With --keep-going cargo names every crate that failed; if it failed
    // without naming one (resolution, say), none counts as compiled.
    let names_failures = stderr.contains("could not compile `");
    for version in versions.iter_mut().filter(|v| v.generated.is_ok()) {
        let failed = stderr.contains(&format!("could not compile `{}`", version.crate_name));
        version.compiled = Some(output.status.success() || (names_failures && !failed));
    }
    let table = history_table(&versions);
    eprintln!(
        "{table}generated and compiled {} versions in {:.1?}",
        members.len(),
        started.elapsed()
    );

    // Every version must generate and compile, the 3.1 one (000) included:
    // the loader rewrites OpenAPI 3.1 into the 3.0 shape.
    let mut problems = String::new();
    for version in &versions {
        match (&version.generated, version.compiled) {
            (Err(e), _) => {
                let _ = writeln!(problems, "{}: not generated: {e}", version.name);
            }
            (Ok(()), Some(false)) => {
                let _ = writeln!(problems, "{}: does not compile", version.name);
            }
            _ => {}
        }
    }
    if !problems.is_empty() {
        let kept = workspace.keep();
        panic!(
            "spec versions that fail (workspace kept in {}):\n{problems}\n{table}\n{stderr}",
            kept.display()
        );
    }
}

struct Version {
    name: String,
    openapi: String,
    operations: usize,
    crate_name: String,
    generated: Result<(), String>,
    compiled: Option<bool>,
}

/// The `openapi` version and the number of operations of a document.
fn describe_document(file: &Path) -> (String, usize) {
    let document: Value = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    let openapi = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations = document
        .get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| methods.contains(&k.as_str()))
                        .count()
                })
                .sum()
        });
    (openapi, operations)
}

fn history_table(versions: &[Version]) -> String {
    let mut table = String::new();
    let width = versions
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        table,
        "| {:width$} | openapi | operations | generated | compiled |",
        "version"
    );
    let _ = writeln!(
        table,
        "|-{}-|---------|------------|-----------|----------|",
        "-".repeat(width)
    );
    let mut notes = String::new();
    for version in versions {
        let generated = match &version.generated {
            Ok(()) => "yes",
            Err(e) => {
                let _ = writeln!(notes, "{}: not generated: {e}", version.name);
                "no"
            }
        };
        let compiled = match version.compiled {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        };
        let _ = writeln!(
            table,
            "| {:width$} | {:7} | {:10} | {:9} | {:8} |",
            version.name, version.openapi, version.operations, generated, compiled
        );
    }
    table.push_str(&notes);
    table
}
