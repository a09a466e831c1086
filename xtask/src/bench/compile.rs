//! Compile time of the generated crates: this project's for the sized
//! subjects and, with `--peers`, progenitor's and openapi-generator's for
//! the same specs, all members of one scratch workspace under
//! `<target>/bench-workspace/` built into `<target>/bench-target/`.
//!
//! Every crate is timed the same way: `CARGO_INCREMENTAL=0`, dependencies
//! built by an untimed first run, then `touch src/lib.rs && cargo build -p
//! <crate>` (debug) and the same with `cargo check`, median of
//! [`COMPILE_RUNS`]. A crate that fails to generate or build is a row with
//! its error; the other rows are still measured.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use scratch_workspace::{write_scratch_workspace, Cargo};

use super::peers::{Peer, Tools};
use super::process::{self, Logs};
use super::tags::{picked_tags, tag_rows, tags_by_size, Tags};
use super::{median, touch, Row, Subject, SUBJECTS};

/// Compile target for the kelviq crate, in seconds (on 2 cores).
const COMPILE_TARGET_S: f64 = 5.0;
/// Our rebuild time over a peer's, at most (issue #19).
const PEER_RATIO_TARGET: f64 = 0.5;
/// Timed runs per crate and command.
pub(super) const COMPILE_RUNS: usize = 3;
/// Time limits: the first build of a crate compiles its dependencies.
const FIRST_BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
const TIMED_BUILD_LIMIT: Duration = Duration::from_secs(10 * 60);

/// Who generated a crate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Producer {
    ThisProject,
    Peer(Peer),
}

impl Producer {
    fn label(self) -> String {
        match self {
            Producer::ThisProject => "this project".to_owned(),
            Producer::Peer(peer) => peer.label(),
        }
    }
}

/// One generated crate of the workspace, or why there is none.
struct Candidate {
    subject: &'static Subject,
    producer: Producer,
    package: String,
    generated: Result<(), String>,
}

/// Median `cargo build` and `cargo check` times of one crate.
pub(super) struct Timing {
    pub build: Result<Duration, String>,
    pub check: Result<Duration, String>,
}

/// One crate to time: a package of the scratch workspace, with its
/// default features or (after `--no-default-features`) the given ones.
pub(super) struct Job {
    pub package: String,
    pub features: Option<String>,
}

impl Job {
    /// `package` built for one tag feature alone (with rustls), as a user
    /// of one area of the API builds it.
    pub fn tag(package: &str, feature: &str) -> Job {
        Job {
            package: package.to_owned(),
            features: Some(format!("rustls,{feature}")),
        }
    }
}

/// The scratch workspace and how to run cargo in it.
pub(super) struct Scratch {
    pub dir: PathBuf,
    target: PathBuf,
    pub logs: Logs,
    /// Timed runs per crate and command.
    runs: usize,
}

impl Scratch {
    /// The workspace `<target>/<workspace>/`, built into the bench's one
    /// target directory (so that its workspaces share their dependencies'
    /// builds), timing each crate `runs` times.
    pub fn new(target_dir: &Path, workspace: &str, runs: usize) -> Self {
        Scratch {
            dir: target_dir.join(workspace),
            target: target_dir.join("bench-target"),
            logs: Logs::new(target_dir.join("bench-logs")),
            runs,
        }
    }

    /// Times `cargo build`, then `cargo check`, of every job. The timed
    /// runs go round the jobs in turn, so that a change in the machine's
    /// load (it is shared) falls on every crate alike.
    pub fn time_all(&self, jobs: &[Job]) -> Vec<Timing> {
        let builds = self.time_interleaved("build", jobs);
        let checks = self.time_interleaved("check", jobs);
        builds
            .into_iter()
            .zip(checks)
            .map(|(build, check)| Timing { build, check })
            .collect()
    }

    /// One untimed run of each job, then `runs` rounds of
    /// touching each job's `lib.rs` and running it; each job's median.
    fn time_interleaved(&self, command: &str, jobs: &[Job]) -> Vec<Result<Duration, String>> {
        let mut results: Vec<Result<Vec<Duration>, String>> = jobs
            .iter()
            .map(|job| {
                self.run(command, job, None, FIRST_BUILD_LIMIT)
                    .map(|_| Vec::new())
            })
            .collect();
        for round in 1..=self.runs {
            for (job, result) in jobs.iter().zip(&mut results) {
                let Ok(times) = result else { continue };
                match self.run(command, job, Some(round), TIMED_BUILD_LIMIT) {
                    Ok(time) => times.push(time),
                    Err(e) => *result = Err(e),
                }
            }
        }
        results.into_iter().map(|r| r.map(median)).collect()
    }

    /// `cargo <command> -p <package>` for `job` with `CARGO_INCREMENTAL=0`;
    /// a timed `round` touches the crate's `lib.rs` first.
    fn run(
        &self,
        command: &str,
        job: &Job,
        round: Option<usize>,
        limit: Duration,
    ) -> Result<Duration, String> {
        let mut args = vec![command, "--quiet", "-p", &job.package];
        if let Some(features) = &job.features {
            args.extend(["--no-default-features", "--features", features]);
        }
        let cargo = Cargo::new(&self.dir, &self.target, &args).env("CARGO_INCREMENTAL", "0");
        let what = format!("cargo {}", args.join(" "));
        let step = format!(
            "{command} {} {}",
            job.package,
            job.features.as_deref().unwrap_or("default")
        );
        let Some(round) = round else {
            eprintln!("  {what}: first run (dependencies)…");
            return process::cargo(&self.logs, &step, &cargo, limit);
        };
        touch(&self.dir.join(&job.package).join("src/lib.rs")).map_err(|e| format!("{e:#}"))?;
        let time = process::cargo(&self.logs, &step, &cargo, limit)?;
        eprintln!(
            "  {what}: run {round}/{}: {:.2} s",
            self.runs,
            time.as_secs_f64()
        );
        Ok(time)
    }
}

/// Generates the crates, builds and times them, and returns the rows.
pub(super) fn compile_rows(root: &Path, target_dir: &Path, peers: bool) -> Result<Vec<Row>> {
    let scratch = Scratch::new(target_dir, "bench-workspace", COMPILE_RUNS);
    let _lock = scratch_workspace::lock(&scratch.dir, "bench")?;
    let candidates = generate_all(root, target_dir, &scratch, peers)?;
    let members: Vec<String> = candidates
        .iter()
        .filter(|c| c.generated.is_ok())
        .map(|c| c.package.clone())
        .collect();
    write_scratch_workspace(&scratch.dir, &members, &root.join("Cargo.lock"))?;

    let mut rows = Vec::new();
    for subject in SUBJECTS.iter().filter(|s| s.sized) {
        let crates: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| std::ptr::eq(c.subject, subject))
            .collect();
        // The tag features are timed with nexus, the largest shared spec.
        let timed_tags = peers && subject.crate_name == "nexus";
        let tags = if timed_tags {
            tags_by_size(&scratch.dir.join(subject.crate_name))?
        } else {
            Tags {
                features: Vec::new(),
                operations: 0,
            }
        };
        rows.extend(subject_compile_rows(&scratch, subject, &crates, &tags));
        if timed_tags && tags.features.is_empty() {
            rows.push(Row::new(
                "crate rebuild, one tag",
                subject.label,
                "FAILED: the generated Cargo.toml lists no tag features".to_owned(),
            ));
        }
    }
    Ok(rows)
}

/// Times the crates of one subject and the picked `tags` of ours, and
/// returns their rows.
fn subject_compile_rows(
    scratch: &Scratch,
    subject: &Subject,
    crates: &[&Candidate],
    tags: &Tags,
) -> Vec<Row> {
    let tags_timed = picked_tags(&tags.features);
    let mut jobs: Vec<Job> = crates
        .iter()
        .filter(|c| c.generated.is_ok())
        .map(|c| Job {
            package: c.package.clone(),
            features: None,
        })
        .collect();
    jobs.extend(
        tags_timed
            .iter()
            .map(|(tag, _)| Job::tag(subject.crate_name, &tag.feature)),
    );
    let names: Vec<String> = jobs
        .iter()
        .map(|j| {
            format!(
                "{} ({})",
                j.package,
                j.features.as_deref().unwrap_or("default")
            )
        })
        .collect();
    eprintln!("timing {}: {}…", subject.label, names.join(", "));
    let mut timings = scratch.time_all(&jobs).into_iter();
    let timed: Vec<(&Candidate, Timing)> = crates
        .iter()
        .map(|c| match &c.generated {
            Ok(()) => (*c, timings.next().unwrap_or_else(missing)),
            Err(e) => (*c, failed(&format!("generation failed: {e}"))),
        })
        .collect();
    let mut rows = subject_rows(subject, &timed);
    if let Some((_, whole)) = timed.first() {
        let tag_timings: Vec<Timing> = timings.collect();
        rows.extend(tag_rows(
            subject.label,
            tags.operations,
            whole,
            &tags_timed,
            &tag_timings,
        ));
    }
    rows
}

/// A timing of two failures.
fn failed(reason: &str) -> Timing {
    Timing {
        build: Err(reason.to_owned()),
        check: Err(reason.to_owned()),
    }
}

/// What stands for a timing that `time_all` did not return (it returns one
/// per job, so this is not expected).
pub(super) fn missing() -> Timing {
    failed("not timed")
}

/// Writes this project's crates and, with `peers`, the peers' crates for
/// every sized subject into the scratch workspace.
fn generate_all(
    root: &Path,
    target_dir: &Path,
    scratch: &Scratch,
    peers: bool,
) -> Result<Vec<Candidate>> {
    let mut tools = Tools::new(target_dir.join("bench-tools"));
    let mut candidates = Vec::new();
    for subject in SUBJECTS.iter().filter(|s| s.sized) {
        let spec = root.join(subject.path);
        eprintln!("generating {} with this project…", subject.crate_name);
        let generated =
            openapi_rust_gen::generate(&spec, &openapi_rust_gen::Options::new(subject.crate_name))?;
        generated.write_to(&scratch.dir.join(subject.crate_name))?;
        candidates.push(Candidate {
            subject,
            producer: Producer::ThisProject,
            package: subject.crate_name.to_owned(),
            generated: Ok(()),
        });
        for peer in Peer::ALL.into_iter().filter(|_| peers) {
            let package = peer.package(subject.crate_name);
            let out = scratch.dir.join(&package);
            let generated = tools.generate(&scratch.logs, peer, &spec, &out, &package);
            if let Err(e) = &generated {
                eprintln!("  {package}: {e}");
            }
            candidates.push(Candidate {
                subject,
                producer: Producer::Peer(peer),
                package,
                generated,
            });
        }
    }
    Ok(candidates)
}

/// Each crate's rebuild and check time, then ours over each peer's.
fn subject_rows(subject: &Subject, timed: &[(&Candidate, Timing)]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (candidate, timing) in timed {
        let label = format!("{} — {}", subject.label, candidate.producer.label());
        let build = Row::new(
            "crate rebuild (cargo build, debug)",
            &label,
            seconds(&timing.build),
        );
        rows.push(
            match (&timing.build, candidate.producer, subject.crate_name) {
                (Ok(time), Producer::ThisProject, "kelviq") => build.target(
                    format!("≤ {COMPILE_TARGET_S} s"),
                    time.as_secs_f64() <= COMPILE_TARGET_S,
                ),
                _ => build,
            },
        );
        rows.push(Row::new(
            "crate check (cargo check)",
            &label,
            seconds(&timing.check),
        ));
    }
    let Some((_, ours)) = timed
        .iter()
        .find(|(c, _)| c.producer == Producer::ThisProject)
    else {
        return rows;
    };
    for (candidate, theirs) in timed
        .iter()
        .filter(|(c, _)| c.producer != Producer::ThisProject)
    {
        let versus = format!("{} — ours / {}", subject.label, candidate.producer.label());
        let (row, ratio) = ratio_row("  rebuild ratio", &versus, &ours.build, &theirs.build);
        rows.push(match ratio {
            Some(ratio) => row.target(
                format!("≤ {PEER_RATIO_TARGET}×"),
                ratio <= PEER_RATIO_TARGET,
            ),
            None => row,
        });
        rows.push(ratio_row("  check ratio", &versus, &ours.check, &theirs.check).0);
    }
    rows
}

/// `ours / theirs` as a row and a number, or a row saying why there is
/// none.
fn ratio_row(
    measure: &str,
    subject: &str,
    ours: &Result<Duration, String>,
    theirs: &Result<Duration, String>,
) -> (Row, Option<f64>) {
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
            (
                Row::new(measure, subject, format!("{ratio:.2}×")),
                Some(ratio),
            )
        }
        _ => (
            Row::new(measure, subject, "- (a crate failed)".to_owned()),
            None,
        ),
    }
}

/// A time in seconds, or the failure.
pub(super) fn seconds(time: &Result<Duration, String>) -> String {
    match time {
        Ok(time) => format!("{:.2} s", time.as_secs_f64()),
        Err(e) => format!("FAILED: {e}"),
    }
}
