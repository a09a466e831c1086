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

/// The first line of `log` that reads as an error (the cause, before the
/// follow-ups): a panic's message, or a line starting with `error` or
/// naming an exception; else its last line.
fn first_error_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = lines
        .iter()
        .enumerate()
        .find_map(|(index, line)| {
            let lower = line.to_ascii_lowercase();
            if line.contains("panicked at") {
                // The message is on the line after the location.
                let message = lines.get(index + 1).copied().unwrap_or(line);
                Some(format!("panicked: {message}"))
            } else if lower.starts_with("error") || lower.contains("exception") {
                Some((*line).to_owned())
            } else {
                None
            }
        })
        .or_else(|| lines.last().map(|line| (*line).to_owned()))
        .unwrap_or_else(|| "no output".to_owned());
    line.chars().take(160).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_limit_is_killed_and_reported() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logs = Logs::new(dir.path().to_path_buf());
        let mut sleep = Command::new("sleep");
        sleep.arg("30");
        let started = Instant::now();
        let result = run(&logs, "sleep", &mut sleep, Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(10));
        let error = result.expect_err("killed");
        assert!(error.starts_with("timed out after 0 s"), "{error}");
    }

    #[test]
    fn a_failure_is_reported_by_its_cause() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logs = Logs::new(dir.path().to_path_buf());
        let script = "echo compiling; echo \"thread 'main' panicked at src/a.rs:1:2:\" >&2; \
                      echo 'not yet implemented: media type' >&2; echo 'note: backtrace' >&2; \
                      exit 101";
        let mut shell = Command::new("sh");
        shell.args(["-c", script]);
        let error = run(&logs, "panics", &mut shell, Duration::from_secs(30)).expect_err("fails");
        assert!(
            error.starts_with("panicked: not yet implemented: media type ("),
            "{error}"
        );

        let mut fine = Command::new("true");
        assert!(run(&logs, "succeeds", &mut fine, Duration::from_secs(30)).is_ok());
    }
}
