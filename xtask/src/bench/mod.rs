//! `cargo xtask bench`: generation speed, output size, compile time of the
//! generated crate and runtime overhead of a generated call, printed as one
//! table with the targets of issue #9.
//!
//! Everything timed is built in release by this task first:
//! - `generation-speed` (a binary of `client-bench`) times
//!   `openapi_rust_gen::generate` in-process against a serde parse of the same
//!   documents, and counts the generated lines and operations;
//! - the `openapi-rust-gen generate` command is timed as a whole process;
//! - the generated crates are compiled in a scratch workspace under
//!   `target/bench-workspace/` (built into `target/bench-target/`), with
//!   `--peers` beside progenitor's and openapi-generator's crates for the
//!   same specs and with nexus built for one tag feature ([`compile`],
//!   [`peers`], [`tags`]; issue #19), and with `--large-api` GitHub's
//!   REST API, whole and for one tag ([`large_api`]);
//! - the `runtime_overhead` criterion benchmark of `client-bench` compares
//!   a generated call with the same call written by hand, and its
//!   `paired-overhead` binary times the two in alternating rounds, in
//!   several processes whose median is the figure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

mod compile;
mod large_api;
mod peers;
mod process;
mod tags;

/// What to run.
pub struct Settings {
    /// The workspace root.
    pub root: PathBuf,
    /// Whether to time generation and the output size.
    pub generation: bool,
    /// Whether to time the generated crates' compilation.
    pub compile: bool,
    /// Whether to also compile the peers' crates for the same specs and
    /// time one tag of nexus against the whole crate (issue #19).
    pub peers: bool,
    /// Whether to time one tag of a 1,000-operation API (GitHub's, fetched
    /// from npm) against its whole crate (issue #19).
    pub large_api: bool,
    /// Whether to run the criterion benchmark.
    pub runtime: bool,
    /// Whole-process runs of the generator per spec.
    pub process_runs: usize,
}

/// A spec the generation measures run on.
struct Subject {
    /// Name in the table.
    label: &'static str,
    /// Crate name to generate.
    crate_name: &'static str,
    /// Path relative to the workspace root.
    path: &'static str,
    /// Whether lines per operation and compile time are measured for it.
    sized: bool,
    /// Whole-process generation target in milliseconds, if any.
    time_target_ms: Option<f64>,
}

const SUBJECTS: [Subject; 5] = [
    Subject {
        label: "kelviq spec/ (84 files)",
        crate_name: "kelviq",
        path: "spec",
        sized: false,
        time_target_ms: None,
    },
    Subject {
        label: "kelviq openapi.json (full)",
        crate_name: "kelviq",
        path: "../shared/corpus/kelviq/openapi.json",
        sized: true,
        time_target_ms: Some(50.0),
    },
    Subject {
        label: "progenitor-nexus.json",
        crate_name: "nexus",
        path: "../shared/corpus/public/progenitor-nexus.json",
        sized: true,
        time_target_ms: None,
    },
    Subject {
        label: "openai-3.0.yaml",
        crate_name: "openai",
        path: "../shared/corpus/public/openai-3.0.yaml",
        sized: false,
        time_target_ms: None,
    },
    Subject {
        label: "twilio-api-v2010.json",
        crate_name: "twilio",
        path: "../shared/corpus/public/twilio-api-v2010.json",
        sized: false,
        time_target_ms: None,
    },
];

/// Generation target: at most this many times the parse floor.
const RATIO_TARGET: f64 = 3.0;
/// Output size target: generated code lines per operation.
const LINES_PER_OP_TARGET: f64 = 60.0;
/// Runtime target: generated call time over hand-written call time.
const RUNTIME_RATIO_TARGET: f64 = 1.05;

/// One line of `generation-speed`'s output.
#[derive(Deserialize)]
struct SpeedReport {
    error: Option<String>,
    generate_median_ns: u128,
    parse_median_ns: u128,
    operations: usize,
    code_lines: BTreeMap<String, usize>,
    stage_median_ns: BTreeMap<String, u128>,
}

/// One row of the table.
struct Row {
    measure: String,
    subject: String,
    value: String,
    target: String,
    met: Option<bool>,
}

impl Row {
    fn new(measure: &str, subject: &str, value: String) -> Self {
        Row {
            measure: measure.to_owned(),
            subject: subject.to_owned(),
            value,
            target: "-".to_owned(),
            met: None,
        }
    }

    fn target(mut self, target: String, met: bool) -> Self {
        self.target = target;
        self.met = Some(met);
        self
    }
}

pub fn run(settings: &Settings) -> Result<ExitCode> {
    let root = &settings.root;
    let target_dir = target_dir(root);
    let mut rows = Vec::new();
    if settings.generation {
        build_release(root)?;
        rows.extend(generation_rows(settings, &target_dir)?);
    }
    if settings.compile {
        rows.extend(compile::compile_rows(root, &target_dir, settings.peers)?);
    }
    if settings.large_api {
        rows.extend(large_api::large_api_rows(root, &target_dir)?);
    }
    if settings.runtime {
        rows.extend(runtime_rows(root, &target_dir)?);
    }
    print_table(&rows);
    Ok(ExitCode::SUCCESS)
}

/// Cargo's target directory for the workspace at `root`, absolute.
fn target_dir(root: &Path) -> PathBuf {
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    if target_dir.is_absolute() {
        target_dir
    } else {
        root.join(target_dir)
    }
}

/// Builds what is timed: the `openapi-rust-gen` command and the
/// `generation-speed` binary, in release.
fn build_release(root: &Path) -> Result<()> {
    eprintln!("building the generator and benchmarks in release…");
    build_release_bin(root, "openapi-rust-gen-cli", "openapi-rust-gen")?;
    build_release_bin(root, "client-bench", "generation-speed")
}

/// `cargo build --release -p <package> --bin <bin>`.
fn build_release_bin(root: &Path, package: &str, bin: &str) -> Result<()> {
    cargo(root, &["build", "--release", "-p", package, "--bin", bin])
}

/// The generation rows of every subject: in-process and whole-process
/// times against the parse floor, the stages, and the output size.
fn generation_rows(settings: &Settings, target_dir: &Path) -> Result<Vec<Row>> {
    let root = &settings.root;
    let mut rows = Vec::new();
    let reports = generation_speed(root, target_dir)?;
    let command = target_dir.join("release/openapi-rust-gen");
    let scratch = target_dir.join("bench-generate");
    for (subject, report) in SUBJECTS.iter().zip(&reports) {
        if let Some(error) = &report.error {
            rows.push(Row::new(
                "generation",
                subject.label,
                format!("FAILED: {error}"),
            ));
            continue;
        }
        eprintln!("timing the generator as a process on {}…", subject.label);
        let process = whole_process(
            &command,
            &root.join(subject.path),
            &scratch.join(subject.crate_name),
            subject.crate_name,
            settings.process_runs,
        )?;
        rows.extend(time_rows(subject, report, process));
        rows.push(stage_row(subject, report));
        if subject.sized {
            rows.extend(size_rows(subject, report));
        }
    }
    Ok(rows)
}

/// The parse floor, and generation in-process and as a whole `process`,
/// each against its target and as a multiple of the floor.
fn time_rows(subject: &Subject, report: &SpeedReport, process: Duration) -> Vec<Row> {
    let parse = nanos(report.parse_median_ns);
    let in_process = nanos(report.generate_median_ns);
    let mut rows = vec![Row::new("serde parse (floor)", subject.label, ms(parse))];
    for (measure, time) in [
        ("generate, in-process", in_process),
        ("generate, whole process", process),
    ] {
        let row = Row::new(measure, subject.label, ms(time));
        rows.push(match subject.time_target_ms {
            Some(limit) => row.target(format!("< {limit} ms"), millis(time) < limit),
            None => row,
        });
        let ratio = time.as_secs_f64() / parse.as_secs_f64();
        rows.push(
            Row::new(
                &format!("{measure} / parse"),
                subject.label,
                format!("{ratio:.1}×"),
            )
            .target(format!("≤ {RATIO_TARGET}×"), ratio <= RATIO_TARGET),
        );
    }
    rows
}

/// The time of each stage: load, lower, emit, format.
fn stage_row(subject: &Subject, report: &SpeedReport) -> Row {
    let stages = &report.stage_median_ns;
    let stage = |name: &str| stages.get(name).copied().map_or(0.0, |n| millis(nanos(n)));
    let emit = stage("emit");
    Row::new(
        "  stages: load / lower / emit / format",
        subject.label,
        format!(
            "{:.1} / {:.1} / {:.1} / {:.1} ms",
            stage("load"),
            stage("lower"),
            emit,
            (stage("emit+format") - emit).max(0.0)
        ),
    )
}

/// Runs `generation-speed` on every subject.
fn generation_speed(root: &Path, target_dir: &Path) -> Result<Vec<SpeedReport>> {
    eprintln!("timing generation in-process…");
    let binary = target_dir.join("release/generation-speed");
    let output = Command::new(&binary)
        .args(
            SUBJECTS
                .iter()
                .map(|s| format!("{}={}", s.crate_name, s.path)),
        )
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let reports: Vec<SpeedReport> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("cannot read generation-speed's output")?;
    if reports.len() != SUBJECTS.len() {
        bail!(
            "generation-speed reported on {} of {} specs",
            reports.len(),
            SUBJECTS.len()
        );
    }
    Ok(reports)
}

/// Median wall time of `runs` runs of the generator command, writing the
/// crate into `out`.
fn whole_process(
    command: &Path,
    spec: &Path,
    out: &Path,
    name: &str,
    runs: usize,
) -> Result<Duration> {
    let mut times = Vec::new();
    // One untimed run: the first write creates the files.
    for run in 0..=runs {
        let started = Instant::now();
        let status = Command::new(command)
            .arg("generate")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .arg("--name")
            .arg(name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("cannot run {}", command.display()))?;
        let elapsed = started.elapsed();
        if !status.success() {
            bail!("generating {} failed ({status})", spec.display());
        }
        if run > 0 {
            times.push(elapsed);
        }
    }
    Ok(median(times))
}

/// Generated lines per operation, whole and by part.
fn size_rows(subject: &Subject, report: &SpeedReport) -> Vec<Row> {
    let operations = report.operations.max(1) as f64;
    let total: usize = report.code_lines.values().sum();
    let part = |prefix: &str| -> usize {
        report
            .code_lines
            .iter()
            .filter(|(path, _)| path.starts_with(prefix))
            .map(|(_, lines)| lines)
            .sum()
    };
    let models = part("src/models");
    let operation_lines = part("src/operations");
    let runtime = part("src/runtime/");
    let other = total - models - operation_lines - runtime;
    let per_op = total as f64 / operations;
    vec![
        Row::new(
            "code lines / operation",
            subject.label,
            format!("{per_op:.1} ({total} lines, {} ops)", report.operations),
        )
        .target(
            format!("≤ {LINES_PER_OP_TARGET}"),
            per_op <= LINES_PER_OP_TARGET,
        ),
        Row::new(
            "  models / operations / runtime / rest",
            subject.label,
            format!(
                "{:.1} / {:.1} / {:.1} / {:.1} per op",
                models as f64 / operations,
                operation_lines as f64 / operations,
                runtime as f64 / operations,
                other as f64 / operations
            ),
        ),
    ]
}

/// Runs the criterion benchmark and reads its medians.
fn runtime_rows(root: &Path, target_dir: &Path) -> Result<Vec<Row>> {
    eprintln!("running the runtime-overhead benchmark (criterion)…");
    cargo(
        root,
        &[
            "bench",
            "-p",
            "client-bench",
            "--bench",
            "runtime_overhead",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            "--noplot",
        ],
    )?;
    let group = target_dir.join("criterion/update_catalog_plan");
    let generated = criterion_median(&group.join("generated"))?;
    let by_hand = criterion_median(&group.join("hand_written"))?;
    let ratio = generated / by_hand;
    let paired = paired_overhead(root, target_dir)?;
    let subject = "update_catalog_plan, local server";
    let paired_subject = format!(
        "{subject}, median of {} processes of {} alternating rounds ({:.3}–{:.3})",
        paired.ratios.len(),
        paired.rounds,
        paired.lowest(),
        paired.highest(),
    );
    Ok(vec![
        Row::new("call, generated client", subject, us(generated)),
        Row::new("call, hand-written reqwest+serde", subject, us(by_hand)),
        Row::new("generated / hand-written", subject, format!("{ratio:.3}")),
        Row::new(
            "generated / hand-written, paired",
            &paired_subject,
            format!("{:.3}", paired.median()),
        )
        .target(
            format!("≤ {RUNTIME_RATIO_TARGET}"),
            paired.median() <= RUNTIME_RATIO_TARGET,
        ),
    ])
}

/// What one run of `paired-overhead` prints.
#[derive(Deserialize)]
struct PairedRun {
    ratio: f64,
    rounds: usize,
}

/// The ratios of several runs of `paired-overhead`, lowest first.
struct Paired {
    ratios: Vec<f64>,
    rounds: usize,
}

impl Paired {
    fn median(&self) -> f64 {
        self.ratios[self.ratios.len() / 2]
    }

    fn lowest(&self) -> f64 {
        self.ratios[0]
    }

    fn highest(&self) -> f64 {
        self.ratios[self.ratios.len() - 1]
    }
}

/// Processes `paired-overhead` is run in. Each process lays out its code
/// and heap at other addresses, which moves the ratio by several percent
/// from one process to the next (1.02–1.06 on this machine for one
/// build); their median is the figure.
const PAIRED_RUNS: usize = 5;

/// Runs `paired-overhead` (a binary of `client-bench`, in release) in
/// [`PAIRED_RUNS`] processes: the ratio of the two calls timed in
/// alternating rounds, which a drift in the machine's speed moves far less
/// than criterion's two medians taken one after the other. It is the row
/// the target is checked on.
fn paired_overhead(root: &Path, target_dir: &Path) -> Result<Paired> {
    eprintln!("timing the two calls in alternating rounds, {PAIRED_RUNS} processes…");
    build_release_bin(root, "client-bench", "paired-overhead")?;
    let binary = target_dir.join("release/paired-overhead");
    let mut ratios = Vec::with_capacity(PAIRED_RUNS);
    let mut rounds = 0;
    for _ in 0..PAIRED_RUNS {
        let output = Command::new(&binary)
            .current_dir(root)
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("cannot run {}", binary.display()))?;
        if !output.status.success() {
            bail!("{} failed ({})", binary.display(), output.status);
        }
        let run: PairedRun = serde_json::from_slice(&output.stdout)
            .context("cannot read paired-overhead's output")?;
        ratios.push(run.ratio);
        rounds = run.rounds;
    }
    ratios.sort_by(f64::total_cmp);
    Ok(Paired { ratios, rounds })
}

/// Criterion's median estimate of one benchmark, in nanoseconds.
fn criterion_median(dir: &Path) -> Result<f64> {
    #[derive(Deserialize)]
    struct Estimate {
        point_estimate: f64,
    }
    #[derive(Deserialize)]
    struct Estimates {
        median: Estimate,
    }
    let path = dir.join("new/estimates.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let estimates: Estimates = serde_json::from_str(&text)
        .with_context(|| format!("{}: not criterion's estimates", path.display()))?;
    Ok(estimates.median.point_estimate)
}

fn print_table(rows: &[Row]) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            [
                row.measure.clone(),
                row.subject.clone(),
                row.value.clone(),
                row.target.clone(),
                met.to_owned(),
            ]
        })
        .collect();
    let header = ["measure", "subject", "value", "target", "met?"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 5]| {
        let padded: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        println!("| {} |", padded.join(" | ").trim_end());
    };
    println!("cores: {cores}");
    println!();
    line(&header);
    println!(
        "|{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &cells {
        line(row);
    }
}

/// Runs cargo in the workspace, its output shown.
fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Rewrites a file unchanged, so that cargo sees it modified.
fn touch(path: &Path) -> Result<()> {
    let text = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn ms(time: Duration) -> String {
    format!("{:.1} ms", millis(time))
}

fn us(nanos: f64) -> String {
    format!("{:.1} µs", nanos / 1e3)
}
