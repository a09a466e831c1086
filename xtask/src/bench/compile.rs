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
use super::tags::{tag_rows, tags_by_size};
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

/// The scratch workspace and how to run cargo in it.
pub(super) struct Scratch {
    pub dir: PathBuf,
    target: PathBuf,
    pub logs: Logs,
}

impl Scratch {
    /// Times `cargo build` and `cargo check` of `package` (with
    /// `features`, after `--no-default-features`, if any).
    pub fn time(&self, package: &str, features: Option<&str>) -> Timing {
        Timing {
            build: self.time_command("build", package, features),
            check: self.time_command("check", package, features),
        }
    }

    /// One untimed run, then the median of [`COMPILE_RUNS`] after touching
    /// the crate's `lib.rs`.
    pub fn time_command(
        &self,
        command: &str,
        package: &str,
        features: Option<&str>,
    ) -> Result<Duration, String> {
        let mut args = vec![command, "--quiet", "-p", package];
        if let Some(features) = features {
            args.extend(["--no-default-features", "--features", features]);
        }
        let cargo = Cargo::new(&self.dir, &self.target, &args).env("CARGO_INCREMENTAL", "0");
        let what = format!("cargo {}", args.join(" "));
        let step = format!("{command} {package} {}", features.unwrap_or("default"));
        eprintln!("  {what}: first run (dependencies)…");
        process::cargo(&self.logs, &step, &cargo, FIRST_BUILD_LIMIT)?;
        let lib = self.dir.join(package).join("src/lib.rs");
        let mut times = Vec::new();
        for run in 1..=COMPILE_RUNS {
            touch(&lib).map_err(|e| format!("{e:#}"))?;
            let time = process::cargo(&self.logs, &step, &cargo, TIMED_BUILD_LIMIT)?;
            eprintln!(
                "  {what}: run {run}/{COMPILE_RUNS}: {:.2} s",
                time.as_secs_f64()
            );
            times.push(time);
        }
        Ok(median(times))
    }
}

/// Generates the crates, builds and times them, and returns the rows.
pub(super) fn compile_rows(root: &Path, target_dir: &Path, peers: bool) -> Result<Vec<Row>> {
    let scratch = Scratch {
        dir: target_dir.join("bench-workspace"),
        target: target_dir.join("bench-target"),
        logs: Logs::new(target_dir.join("bench-logs")),
    };
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
        let timed: Vec<(&Candidate, Timing)> = candidates
            .iter()
            .filter(|c| std::ptr::eq(c.subject, subject))
            .map(|c| {
                eprintln!("timing {} ({}):", c.package, c.producer.label());
                let timing = match &c.generated {
                    Ok(()) => scratch.time(&c.package, None),
                    Err(e) => Timing {
                        build: Err(format!("generation failed: {e}")),
                        check: Err(format!("generation failed: {e}")),
                    },
                };
                (c, timing)
            })
            .collect();
        rows.extend(subject_rows(subject, &timed));
        if peers && subject.crate_name == "nexus" {
            let tags = tags_by_size(&scratch.dir.join(subject.crate_name))?;
            rows.extend(tag_rows(&scratch, subject, &timed[0].1, &tags));
        }
    }
    Ok(rows)
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
