//! One `cargo clippy` over the scratch workspace holding every generated
//! crate, and its JSON messages attributed to the member crates.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Component, Path};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, Result};
use scratch_workspace::Cargo;
use serde::Serialize;
use serde_json::Value;

/// What one `cargo clippy` run printed.
#[derive(Debug)]
pub struct ClippyRun {
    /// Whether cargo succeeded.
    pub success: bool,
    /// Whether the run that counts was `--offline`.
    pub offline: bool,
    /// Wall time of the run(s), including an offline attempt that failed.
    pub seconds: f64,
    /// Cargo's JSON messages (stdout), one per line.
    pub messages: Vec<Value>,
    /// Cargo's own output (stderr): progress and resolution errors.
    pub stderr: String,
}

/// `cargo clippy --workspace --keep-going --message-format=json -- -D
/// warnings` in `workspace`, building into `target`: offline first, and
/// online only when that failed for want of the network.
pub fn clippy(workspace: &Path, target: &Path) -> Result<ClippyRun> {
    let started = Instant::now();
    let mut run = clippy_once(workspace, target, true)?;
    if !run.success && scratch_workspace::needs_network(&run.stderr) {
        eprintln!("offline resolution failed; retrying with network access");
        run = clippy_once(workspace, target, false)?;
    }
    run.seconds = started.elapsed().as_secs_f64();
    Ok(run)
}

fn clippy_once(workspace: &Path, target: &Path, offline: bool) -> Result<ClippyRun> {
    let mut command = Cargo::new(
        workspace,
        target,
        [
            "clippy",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ],
    )
    .tool_args(["-D", "warnings"])
    .command(offline);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().context("cannot run cargo clippy")?;
    let stderr = child.stderr.take().map(echo_and_collect);
    let mut messages = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("cannot read cargo's output")?;
            if let Ok(message) = serde_json::from_str::<Value>(&line) {
                messages.push(message);
            }
        }
    }
    let status = child.wait().context("cannot wait for cargo clippy")?;
    let stderr = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    Ok(ClippyRun {
        success: status.success(),
        offline,
        seconds: 0.0,
        messages,
        stderr,
    })
}

/// Copies cargo's progress to our stderr as it comes, and keeps it.
fn echo_and_collect(stream: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            eprintln!("{line}");
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    })
}

/// A rustc or clippy diagnostic in a generated crate.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// `warning`, or `error` (a lint denied by `-D warnings` counts as a
    /// warning: see [`Diagnostic::is_lint`]).
    pub level: String,
    /// Lint name (`clippy::needless_borrow`, `dead_code`) or error code.
    pub code: Option<String>,
    /// The one-line message.
    pub message: String,
    /// `file:line` of the primary span, relative to the scratch workspace.
    pub at: Option<String>,
}

impl Diagnostic {
    /// A warning, or a lint that `-D warnings` turned into an error — as
    /// opposed to code that does not compile.
    pub fn is_lint(&self) -> bool {
        self.level == "warning" || self.code.as_deref().is_some_and(is_lint_name)
    }

    /// `code: message (at)`, on one line.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        if let Some(code) = &self.code {
            out.push_str(code);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        if let Some(at) = &self.at {
            out.push_str(&format!(" ({at})"));
        }
        out
    }
}

/// Error codes look like `E0308`; everything else in `code` is a lint.
fn is_lint_name(code: &str) -> bool {
    let mut chars = code.chars();
    !(chars.next() == Some('E') && chars.as_str().chars().all(|c| c.is_ascii_digit()))
}

/// How one member crate fared.
#[derive(Debug, Clone, Default)]
pub struct MemberOutcome {
    /// cargo reported the crate's library as checked.
    pub checked: bool,
    /// Its diagnostics, in the order cargo printed them.
    pub diagnostics: Vec<Diagnostic>,
}

impl MemberOutcome {
    /// Warnings, including lints denied by `-D warnings`.
    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_lint()).count()
    }

    /// Errors that are not lints: the code does not compile.
    pub fn errors(&self) -> usize {
        self.diagnostics.len() - self.warnings()
    }

    /// Whether the code compiles: checked, or failed only on denied lints.
    pub fn compiled(&self) -> bool {
        self.checked || (self.errors() == 0 && self.warnings() > 0)
    }

    /// The first error, or else the first warning.
    pub fn first_problem(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| !d.is_lint())
            .or_else(|| self.diagnostics.first())
    }
}

/// Sorts cargo's messages by the member crate (a directory directly below
/// `workspace`, which must be the path cargo sees: canonical) whose
/// manifest they name; messages about dependencies and rustc's summary
/// lines are dropped.
pub fn attribute(run: &ClippyRun, workspace: &Path) -> BTreeMap<String, MemberOutcome> {
    let mut members: BTreeMap<String, MemberOutcome> = BTreeMap::new();
    for message in &run.messages {
        let Some(member) = member_of(message, workspace) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => members.entry(member).or_default().checked = true,
            Some("compiler-message") => {
                if let Some(diagnostic) = diagnostic(&message["message"]) {
                    members
                        .entry(member)
                        .or_default()
                        .diagnostics
                        .push(diagnostic);
                }
            }
            _ => {}
        }
    }
    members
}

/// The member directory of a message's `manifest_path`, if it is
/// `<workspace>/<member>/Cargo.toml`.
fn member_of(message: &Value, workspace: &Path) -> Option<String> {
    let manifest = Path::new(message["manifest_path"].as_str()?);
    let mut components = manifest.strip_prefix(workspace).ok()?.components();
    match (components.next(), components.next(), components.next()) {
        (Some(Component::Normal(member)), Some(Component::Normal(file)), None)
            if file == "Cargo.toml" =>
        {
            Some(member.to_string_lossy().into_owned())
        }
        _ => None,
    }
}

/// A top-level warning or error, leaving out rustc's closing summaries
/// ("aborting due to …", "3 warnings emitted").
fn diagnostic(message: &Value) -> Option<Diagnostic> {
    let level = message["level"].as_str()?;
    if level != "warning" && level != "error" {
        return None;
    }
    let text = message["message"].as_str().unwrap_or_default();
    let spans = message["spans"].as_array().map_or(0, Vec::len);
    let is_summary =
        spans == 0 && (text.starts_with("aborting due to") || text.ends_with(" emitted"));
    if is_summary {
        return None;
    }
    let at = message["spans"].as_array().and_then(|spans| {
        let primary = spans
            .iter()
            .find(|s| s["is_primary"].as_bool() == Some(true))?;
        Some(format!(
            "{}:{}",
            primary["file_name"].as_str()?,
            primary["line_start"].as_u64()?
        ))
    });
    Some(Diagnostic {
        level: level.to_owned(),
        code: message["code"]["code"].as_str().map(str::to_owned),
        message: text.to_owned(),
        at,
    })
}

/// The first `error:` line cargo printed, for failures no crate's
/// messages explain (dependency resolution, a dependency that fails).
pub fn cargo_error(run: &ClippyRun) -> Option<String> {
    run.stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(messages: Vec<Value>) -> ClippyRun {
        ClippyRun {
            success: false,
            offline: true,
            seconds: 0.0,
            messages,
            stderr: String::new(),
        }
    }

    #[test]
    fn messages_are_attributed_to_members_and_lints_count_as_warnings() {
        let ws = Path::new("/tmp/ws");
        let lint = json!({
            "reason": "compiler-message",
            "manifest_path": "/tmp/ws/corpus-a/Cargo.toml",
            "message": {
                "level": "error",
                "message": "this expression creates a reference",
                "code": {"code": "clippy::needless_borrow"},
                "spans": [{"is_primary": true, "file_name": "corpus-a/src/models.rs", "line_start": 7}]
            }
        });
        let hard = json!({
            "reason": "compiler-message",
            "manifest_path": "/tmp/ws/corpus-b/Cargo.toml",
            "message": {"level": "error", "message": "mismatched types", "code": {"code": "E0308"}, "spans": []}
        });
        let summary = json!({
            "reason": "compiler-message",
            "manifest_path": "/tmp/ws/corpus-b/Cargo.toml",
            "message": {"level": "error", "message": "aborting due to 1 previous error", "code": null, "spans": []}
        });
        let dependency = json!({
            "reason": "compiler-artifact",
            "manifest_path": "/home/u/.cargo/registry/src/x/serde-1.0.0/Cargo.toml"
        });
        let checked = json!({
            "reason": "compiler-artifact",
            "manifest_path": "/tmp/ws/corpus-c/Cargo.toml"
        });
        let members = attribute(&run(vec![lint, hard, summary, dependency, checked]), ws);
        assert_eq!(members.len(), 3);
        let a = &members["corpus-a"];
        assert_eq!((a.warnings(), a.errors(), a.compiled()), (1, 0, true));
        assert_eq!(
            a.first_problem().map(Diagnostic::summary).as_deref(),
            Some("clippy::needless_borrow: this expression creates a reference (corpus-a/src/models.rs:7)")
        );
        let b = &members["corpus-b"];
        assert_eq!((b.warnings(), b.errors(), b.compiled()), (0, 1, false));
        let c = &members["corpus-c"];
        assert_eq!((c.warnings(), c.errors(), c.compiled()), (0, 0, true));
    }
}
