//! Running the bench's external commands (cargo in the scratch workspace,
//! the peers' generators and their installers) so that none can hang the
//! bench or abort it: each runs with a time limit, its output goes to a
//! log file, and a failure comes back as a short message for the table.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use scratch_workspace::{needs_network, Cargo};

/// Where a step's output goes: one file per step under `dir`, rewritten
/// by every run of the step.
pub(super) struct Logs {
    dir: PathBuf,
}

impl Logs {
    pub fn new(dir: PathBuf) -> Self {
        Logs { dir }
    }

    fn path(&self, step: &str) -> PathBuf {
        let name: String = step
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        self.dir.join(format!("{name}.log"))
    }
}

/// Runs `command` as `step`, its output written to the step's log, killed
/// after `limit`. The wall time on success; otherwise a one-line reason
/// (the command's last error line, or the time-out) naming the log.
pub(super) fn run(
    logs: &Logs,
    step: &str,
    command: &mut Command,
    limit: Duration,
) -> Result<Duration, String> {
    let log = logs.path(step);
    let started = Instant::now();
    let status = spawn_and_wait(command, &log, limit)?;
    let elapsed = started.elapsed();
    match status {
        Some(status) if status.success() => Ok(elapsed),
        Some(status) => Err(format!(
            "{} ({status}; log: {})",
            first_error_line(&log),
            log.display()
        )),
        None => Err(format!(
            "timed out after {} s (log: {})",
            limit.as_secs(),
            log.display()
        )),
    }
}

/// Runs a cargo command of the scratch workspace as `step`: offline first
/// and, if that failed only for want of the network, once more online.
pub(super) fn cargo(
    logs: &Logs,
    step: &str,
    cargo: &Cargo,
    limit: Duration,
) -> Result<Duration, String> {
    match run(logs, step, &mut cargo.command(true), limit) {
        Err(reason)
            if needs_network(&std::fs::read_to_string(logs.path(step)).unwrap_or_default()) =>
        {
            eprintln!("  offline resolution failed ({reason}); retrying with network access");
            run(logs, step, &mut cargo.command(false), limit)
        }
        other => other,
    }
}

/// Starts `command` with stdout and stderr in `log` and waits at most
/// `limit` for it; `None` when it was killed for taking longer.
fn spawn_and_wait(
    command: &mut Command,
    log: &Path,
    limit: Duration,
) -> Result<Option<std::process::ExitStatus>, String> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) if Instant::now() < deadline => sleep(Duration::from_millis(20)),
            Ok(None) => {
                // Killing can only fail if it exited meanwhile; either way
                // it is gone once waited for.
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    }
}

/// The first line of `log` that reads as an error (the cause, before
/// the follow-ups), else its last line.
fn first_error_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let is_error = |line: &&&str| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("error") || lower.contains("exception")
    };
    let line = lines
        .iter()
        .find(is_error)
        .or_else(|| lines.last())
        .copied()
        .unwrap_or("no output");
    line.chars().take(160).collect()
}
