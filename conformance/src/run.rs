//! The run: generate a client and a driver per document, build them all in
//! one scratch cargo workspace, then per document start Prism and run the
//! static pass (the spec's examples as responses) and the seeded dynamic
//! rounds (made-up responses), classifying every call.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openapi_rust_gen::ir::{Api, Operation};

use crate::classify::{classify, Class};
use crate::driver::{self, BASE_URL_VAR, CALL_TIMEOUT_SECONDS, ONLY_VAR};
use crate::outcome::Outcome;
use crate::plan::{self, Plan};
use crate::prism::{self, Launch, Prism};
use crate::report::{DocumentReport, Finding, PassReport};
use crate::schema::Validators;
use crate::spec::SpecDocument;
use crate::workspace;

/// Restarts of Prism within one pass after it died.
const MAX_RESTARTS: usize = 2;
/// Documents larger than this get one dynamic round by default.
const LARGE_DOCUMENT: u64 = 300_000;
/// Dynamic rounds of smaller documents by default.
const DEFAULT_ROUNDS: usize = 3;
/// Stack of the thread the run happens on: documents are walked
/// recursively (loading, planning, schema validation).
const RUN_STACK: usize = 1 << 30;

/// What to run on, and where things go.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Documents, or directories of documents (not searched recursively).
    pub inputs: Vec<PathBuf>,
    /// Dynamic rounds per document; `None`: 3, or 1 for documents over
    /// 300 KB.
    pub rounds: Option<usize>,
    /// The scratch cargo workspace (reused between runs).
    pub workspace: PathBuf,
    /// `CARGO_TARGET_DIR` of its builds.
    pub target: PathBuf,
    /// The Cargo.lock copied into the scratch workspace.
    pub lockfile: PathBuf,
    /// The directory with Prism's `package.json` and `package-lock.json`.
    pub npm_dir: PathBuf,
    /// Seed of made-up values and of Prism's dynamic responses.
    pub seed: u64,
}

/// One document on its way through the run.
struct Prepared {
    report: DocumentReport,
    spec: PathBuf,
    driver_package: String,
    api: Api,
    document: SpecDocument,
    plan: Plan,
}

/// Runs every document; the reports are in input order.
pub fn run(settings: &Settings) -> Result<Vec<DocumentReport>, String> {
    let settings = settings.clone();
    let worker = std::thread::Builder::new()
        .name("conformance".to_owned())
        .stack_size(RUN_STACK)
        .spawn(move || run_here(&settings))
        .map_err(|e| format!("cannot start the conformance thread: {e}"))?;
    worker
        .join()
        .map_err(|_| "the conformance run panicked (a bug in the conformance crate)".to_owned())?
}

fn run_here(settings: &Settings) -> Result<Vec<DocumentReport>, String> {
    let documents = workspace::find_documents(&settings.inputs)?;
    let prism_bin = prism::ensure_installed(&settings.npm_dir)?;
    let _lock = scratch_workspace::lock(&settings.workspace, "conformance")
        .map_err(|e| format!("{e:#}"))?;
    let mut prepared = Vec::new();
    let mut reports = Vec::new();
    for spec in &documents {
        match prepare(spec, settings) {
            Ok(document) => prepared.push(document),
            Err(report) => reports.push(*report),
        }
    }
    let members: Vec<String> = prepared
        .iter()
        .flat_map(|p| [client_package(&p.driver_package), p.driver_package.clone()])
        .collect();
    let started = Instant::now();
    let failed = workspace::build(
        &settings.workspace,
        &settings.target,
        &members,
        &settings.lockfile,
    )?;
    eprintln!(
        "built {} clients and drivers in {:.1?}",
        prepared.len(),
        started.elapsed()
    );
    for mut document in prepared {
        let client = client_package(&document.driver_package);
        if let Some(error) = failed
            .iter()
            .find(|f| **f == client || **f == document.driver_package)
        {
            document.report.failure =
                Some((Class::ClientFault, format!("`{error}` does not compile")));
            reports.push(document.report);
            continue;
        }
        let bin = settings.target.join("debug").join(&document.driver_package);
        let report = exercise(document, &bin, &prism_bin, settings);
        eprintln!(
            "{}",
            crate::report::table(std::slice::from_ref(&report))
                .lines()
                .last()
                .unwrap_or_default()
        );
        reports.push(report);
    }
    let order = |r: &DocumentReport| {
        documents
            .iter()
            .position(|d| d.display().to_string() == r.file)
    };
    reports.sort_by_key(order);
    Ok(reports)
}

/// Generates the client and the driver of `spec` into the workspace.
fn prepare(spec: &Path, settings: &Settings) -> Result<Prepared, Box<DocumentReport>> {
    let started = Instant::now();
    let mut report = DocumentReport {
        file: spec.display().to_string(),
        bytes: std::fs::metadata(spec).map_or(0, |m| m.len()),
        ..DocumentReport::default()
    };
    let driver_package = workspace::package_name(spec, "driver");
    let client = client_package(&driver_package);
    let generated = openapi_rust_gen::generate(spec, &openapi_rust_gen::Options::new(&client))
        .map_err(|e| e.to_string())
        .and_then(|crate_| {
            crate_
                .write_to(&settings.workspace.join(&client))
                .map_err(|e| format!("cannot write the client: {e}"))
        })
        .and_then(|()| lowered(spec));
    let (api, document) = match generated {
        Ok(lowered) => lowered,
        Err(error) => {
            report.failure = Some((Class::ClientFault, format!("not generated: {error}")));
            return Err(Box::new(report));
        }
    };
    let plan = plan::plan(&api, &document, settings.seed);
    let driver = driver::driver_crate(
        &api,
        &plan,
        &client,
        &format!("../{client}"),
        &driver_package,
    );
    if let Err(error) = driver.write_to(&settings.workspace.join(&driver_package)) {
        report.failure = Some((
            Class::ClientFault,
            format!("cannot write the driver: {error:#}"),
        ));
        return Err(Box::new(report));
    }
    report.operations = api.operations.len();
    record_plan_findings(&mut report, &plan);
    report.time = started.elapsed();
    Ok(Prepared {
        report,
        spec: spec.to_owned(),
        driver_package,
        api,
        document,
        plan,
    })
}

/// The spec faults and unbuildable operations the planner found.
fn record_plan_findings(report: &mut DocumentReport, plan: &Plan) {
    for op in &plan.operations {
        let finding = |reason: &String| Finding {
            operation: op.id.clone(),
            pass: "plan".to_owned(),
            reason: reason.clone(),
        };
        report
            .spec_faults
            .extend(op.spec_faults.iter().map(finding));
        report
            .unbuildable
            .extend(op.unbuildable.iter().map(finding));
    }
}

/// The generator's model and merged document of `spec`.
fn lowered(spec: &Path) -> Result<(Api, SpecDocument), String> {
    let loaded = openapi_rust_gen::load::load(spec).map_err(|e| e.to_string())?;
    let api = openapi_rust_gen::lower::lower(&loaded).map_err(|e| e.to_string())?;
    let document = serde_json::to_value(&loaded.openapi)
        .map_err(|e| format!("cannot read back the merged document: {e}"))?;
    Ok((api, SpecDocument::new(document)))
}

fn client_package(driver_package: &str) -> String {
    driver_package.trim_end_matches("-driver").to_owned()
}

/// The static pass and the dynamic rounds of one built document.
fn exercise(
    document: Prepared,
    driver_bin: &Path,
    prism_bin: &Path,
    settings: &Settings,
) -> DocumentReport {
    let started = Instant::now();
    let Prepared {
        mut report,
        spec,
        api,
        document,
        plan,
        ..
    } = document;
    let mut validators = Validators::new(&document);
    let log_dir = settings
        .workspace
        .join(report.file.replace(['/', '\\', '.'], "_"));
    let _ = std::fs::create_dir_all(&log_dir);
    let rewritten = log_dir.join("merged-openapi.json");
    let fallback = serde_json::to_string(document.root())
        .ok()
        .and_then(|text| std::fs::write(&rewritten, text).ok())
        .map(|()| rewritten);
    let mut pass = Pass {
        api: &api,
        plan: &plan,
        driver: driver_bin,
        validators: &mut validators,
        startup: Duration::ZERO,
        prism_bin,
        spec: spec.clone(),
        fallback,
        log_dir: &log_dir,
    };
    report.static_pass = pass.run(Vec::new(), "static");
    report.rounds = settings.rounds.unwrap_or(if report.bytes > LARGE_DOCUMENT {
        1
    } else {
        DEFAULT_ROUNDS
    });
    let dynamic_started = Instant::now();
    for round in 0..report.rounds {
        let seed = format!("{}", settings.seed + round as u64);
        let flags = vec!["--dynamic".to_owned(), "--seed".to_owned(), seed];
        let name = format!("dynamic round {round}");
        let found = pass.run(flags, &name);
        merge(&mut report.dynamic, found);
    }
    report.dynamic.time = dynamic_started.elapsed();
    report.prism_startup = pass.startup;
    report.prism_input = pass.spec.display().to_string();
    report.time += started.elapsed();
    report
}

fn merge(into: &mut PassReport, from: PassReport) {
    into.calls += from.calls;
    into.ok += from.ok;
    for operation in from.exercised {
        if !into.exercised.contains(&operation) {
            into.exercised.push(operation);
        }
    }
    into.client_faults.extend(from.client_faults);
    into.mock_faults.extend(from.mock_faults);
    into.not_exercisable.extend(from.not_exercisable);
}

/// One pass over every operation of a document.
struct Pass<'p, 'd> {
    api: &'p Api,
    plan: &'p Plan,
    driver: &'p Path,
    validators: &'p mut Validators<'d>,
    /// The longest Prism start-up so far.
    startup: Duration,
    prism_bin: &'p Path,
    /// The document Prism mocks: the input, or the loader's rewrite of it.
    spec: PathBuf,
    /// The loader's merged 3.0-shaped rewrite of the input, for when Prism
    /// cannot read the input itself (some 3.1 documents).
    fallback: Option<PathBuf>,
    log_dir: &'p Path,
}

impl Pass<'_, '_> {
    /// Starts Prism with `flags`, on the input or, if Prism cannot read
    /// it, on the loader's rewrite from then on.
    fn start(&mut self, flags: &[String], name: &str) -> Result<Prism, String> {
        let launch = |spec: &Path| Launch {
            bin: self.prism_bin.to_owned(),
            spec: spec.to_owned(),
            flags: flags.to_vec(),
            log: self
                .log_dir
                .join(format!("prism-{}.log", name.replace(' ', "-"))),
        };
        match Prism::start(&launch(&self.spec)) {
            Ok(prism) => Ok(prism),
            Err(error) => match self.fallback.take() {
                Some(rewritten) => {
                    eprintln!(
                        "Prism cannot read {}; it mocks the loader's rewrite instead",
                        self.spec.display()
                    );
                    self.spec = rewritten;
                    Prism::start(&launch(&self.spec))
                }
                None => Err(error),
            },
        }
    }

    fn run(&mut self, flags: Vec<String>, name: &str) -> PassReport {
        let started = Instant::now();
        let mut report = PassReport::default();
        let mut remaining: Vec<usize> = (0..self.plan.operations.len())
            .filter(|i| self.plan.operations[*i].unbuildable.is_none())
            .collect();
        for attempt in 0..=MAX_RESTARTS {
            if remaining.is_empty() {
                break;
            }
            let mut prism = match self.start(&flags, name) {
                Ok(prism) => prism,
                Err(error) => {
                    self.give_up(
                        &mut report,
                        &remaining,
                        name,
                        &format!("Prism did not start: {error}"),
                    );
                    break;
                }
            };
            self.startup = self.startup.max(prism.startup);
            let only = (attempt > 0).then_some(remaining.as_slice());
            let outcomes = run_driver(self.driver, &prism.base_url(), only, remaining.len());
            let alive = prism.is_alive();
            remaining = self.classify_all(&mut report, &remaining, &outcomes, alive, name);
            if !alive && attempt == MAX_RESTARTS {
                let why = format!(
                    "Prism died {} times: {}",
                    MAX_RESTARTS + 1,
                    prism.log_tail()
                );
                self.give_up(&mut report, &remaining, name, &why);
            }
        }
        report.time = started.elapsed();
        report
    }

    /// Records the outcomes of the operations `indices`; returns those to
    /// call again because the mock died under them.
    fn classify_all(
        &mut self,
        report: &mut PassReport,
        indices: &[usize],
        outcomes: &DriverRun,
        alive: bool,
        name: &str,
    ) -> Vec<usize> {
        let mut again = Vec::new();
        for &index in indices {
            let op = &self.api.operations[index];
            let mine: Vec<&Outcome> = outcomes
                .outcomes
                .iter()
                .filter(|o| o.operation == op.id)
                .collect();
            if mine.is_empty() {
                if alive {
                    let why = format!(
                        "no outcome: {}",
                        outcomes
                            .problem
                            .as_deref()
                            .unwrap_or("the driver stopped before it")
                    );
                    report.record(&op.id, name, Class::ClientFault, why);
                } else {
                    again.push(index);
                }
                continue;
            }
            let verdicts: Vec<_> = mine
                .iter()
                .map(|o| classify(o, op, self.validators, alive))
                .collect();
            if !alive && verdicts.iter().any(|v| v.class == Class::NotExercisable) {
                again.push(index);
                continue;
            }
            for verdict in verdicts {
                report.record(&op.id, name, verdict.class, verdict.reason);
            }
        }
        again
    }

    fn give_up(&self, report: &mut PassReport, indices: &[usize], name: &str, why: &str) {
        for &index in indices {
            let op: &Operation = &self.api.operations[index];
            report.record(&op.id, name, Class::NotExercisable, why.to_owned());
        }
    }
}

/// What one run of the driver printed, and what went wrong with it.
struct DriverRun {
    outcomes: Vec<Outcome>,
    /// Why it did not finish normally, if so.
    problem: Option<String>,
}

/// Runs the driver against `base_url` (on the operations `only`, or all),
/// stopping it if it runs longer than its calls' timeouts allow.
fn run_driver(
    driver: &Path,
    base_url: &str,
    only: Option<&[usize]>,
    operations: usize,
) -> DriverRun {
    let output = driver.with_extension("out");
    let problem = |problem: String| DriverRun {
        outcomes: Vec::new(),
        problem: Some(problem),
    };
    let file = match std::fs::File::create(&output) {
        Ok(file) => file,
        Err(e) => return problem(format!("cannot create {}: {e}", output.display())),
    };
    let mut command = Command::new(driver);
    command
        .env(BASE_URL_VAR, base_url)
        .stdout(Stdio::from(file))
        .stderr(Stdio::null());
    if let Some(only) = only {
        let list: Vec<String> = only.iter().map(ToString::to_string).collect();
        command.env(ONLY_VAR, list.join(","));
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return problem(format!("cannot run the driver {}: {e}", driver.display())),
    };
    let per_call = Duration::from_secs(CALL_TIMEOUT_SECONDS + 5);
    let limit = Duration::from_secs(60) + per_call * u32::try_from(operations).unwrap_or(u32::MAX);
    let started = Instant::now();
    let finished = loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                break (!status.success()).then(|| format!("the driver failed ({status})"))
            }
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break Some(format!("the driver hung and was stopped after {limit:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Some(format!("cannot wait for the driver: {e}")),
        }
    };
    let stdout = std::fs::read_to_string(&output).unwrap_or_default();
    DriverRun {
        outcomes: Outcome::parse_all(&stdout),
        problem: finished,
    }
}
