//! What a conformance run found: per document, per pass, every finding with
//! its evidence; printed as a table and written as JSON.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Value};

use crate::classify::Class;

/// One finding: which operation, in which pass, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The operation id.
    pub operation: String,
    /// `static` or `dynamic round N`.
    pub pass: String,
    /// The evidence.
    pub reason: String,
}

impl Finding {
    fn to_json(&self) -> Value {
        json!({ "operation": self.operation, "pass": self.pass, "reason": self.reason })
    }
}

/// The calls of one or more passes.
#[derive(Debug, Clone, Default)]
pub struct PassReport {
    /// Calls made.
    pub calls: usize,
    /// Calls that succeeded or got a documented error, decoded.
    pub ok: usize,
    /// Operations answered by the mock (every class but not exercisable).
    pub exercised: Vec<String>,
    /// Findings by class (ok calls have none).
    pub client_faults: Vec<Finding>,
    /// Responses that break the spec.
    pub mock_faults: Vec<Finding>,
    /// Calls the mock could not answer.
    pub not_exercisable: Vec<Finding>,
    /// Wall-clock time, Prism start-up included.
    pub time: Duration,
}

impl PassReport {
    /// Counts one call of `operation` in `pass` with its class and reason.
    pub fn record(&mut self, operation: &str, pass: &str, class: Class, reason: String) {
        self.calls += 1;
        let finding = Finding {
            operation: operation.to_owned(),
            pass: pass.to_owned(),
            reason,
        };
        if class != Class::NotExercisable && !self.exercised.iter().any(|o| o == operation) {
            self.exercised.push(operation.to_owned());
        }
        match class {
            Class::Ok => self.ok += 1,
            Class::ClientFault => self.client_faults.push(finding),
            Class::MockFault => self.mock_faults.push(finding),
            Class::NotExercisable => self.not_exercisable.push(finding),
        }
    }

    fn to_json(&self) -> Value {
        let list =
            |findings: &[Finding]| -> Value { findings.iter().map(Finding::to_json).collect() };
        json!({
            "calls": self.calls,
            "ok": self.ok,
            "exercised_operations": self.exercised.len(),
            "client_faults": list(&self.client_faults),
            "mock_faults": list(&self.mock_faults),
            "not_exercisable": list(&self.not_exercisable),
            "seconds": self.time.as_secs_f64(),
        })
    }
}

/// Everything about one document.
#[derive(Debug, Clone, Default)]
pub struct DocumentReport {
    /// The document's path as given.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Operations of the generated client.
    pub operations: usize,
    /// Why the document could not be run at all (generation, build or
    /// Prism start-up failed), if so; a client fault unless Prism failed.
    pub failure: Option<(Class, String)>,
    /// Examples that break their own schemas.
    pub spec_faults: Vec<Finding>,
    /// Operations with no valid value for an input, and why.
    pub unbuildable: Vec<Finding>,
    /// The pass with the spec's examples as responses.
    pub static_pass: PassReport,
    /// The seeded passes with made-up responses.
    pub dynamic: PassReport,
    /// Rounds of the dynamic pass.
    pub rounds: usize,
    /// The longest Prism start-up.
    pub prism_startup: Duration,
    /// The document Prism mocked: the input, or the loader's 3.0-shaped
    /// rewrite when Prism could not read the input.
    pub prism_input: String,
    /// Wall-clock time of the document, its share of the build excluded.
    pub time: Duration,
}

impl DocumentReport {
    /// Client faults of every pass, and of the document as a whole.
    pub fn client_faults(&self) -> usize {
        let whole = usize::from(matches!(self.failure, Some((Class::ClientFault, _))));
        whole + self.static_pass.client_faults.len() + self.dynamic.client_faults.len()
    }

    /// The JSON form.
    pub fn to_json(&self) -> Value {
        let list =
            |findings: &[Finding]| -> Value { findings.iter().map(Finding::to_json).collect() };
        json!({
            "file": self.file,
            "bytes": self.bytes,
            "operations": self.operations,
            "failure": self.failure.as_ref().map(|(class, why)| json!({ "class": class.name(), "reason": why })),
            "spec_faults": list(&self.spec_faults),
            "unbuildable": list(&self.unbuildable),
            "static": self.static_pass.to_json(),
            "dynamic": { "rounds": self.rounds, "pass": self.dynamic.to_json() },
            "prism_startup_seconds": self.prism_startup.as_secs_f64(),
            "prism_input": self.prism_input,
            "seconds": self.time.as_secs_f64(),
        })
    }
}

/// The table of every document.
pub fn table(reports: &[DocumentReport]) -> String {
    let header = [
        "file",
        "ops",
        "exercised",
        "ok",
        "client faults",
        "spec faults",
        "mock faults",
        "not exercisable",
        "dynamic calls",
        "dynamic ok",
        "prism start s",
        "seconds",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for report in reports {
        let file = report
            .file
            .rsplit('/')
            .next()
            .unwrap_or(&report.file)
            .to_owned();
        let s = &report.static_pass;
        rows.push(vec![
            file,
            report.operations.to_string(),
            s.exercised.len().to_string(),
            s.ok.to_string(),
            report.client_faults().to_string(),
            report.spec_faults.len().to_string(),
            (s.mock_faults.len() + report.dynamic.mock_faults.len()).to_string(),
            (s.not_exercisable.len() + report.unbuildable.len()).to_string(),
            report.dynamic.calls.to_string(),
            report.dynamic.ok.to_string(),
            format!("{:.1}", report.prism_startup.as_secs_f64()),
            format!("{:.1}", report.time.as_secs_f64()),
        ]);
    }
    render(&rows)
}

fn render(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, width))| match c {
                0 => format!("{cell:<width$}"),
                _ => format!("{cell:>width$}"),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        if index == 0 {
            let rule: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(c, w)| match c {
                    0 => "-".repeat(*w),
                    _ => format!("{}:", "-".repeat(w.saturating_sub(1))),
                })
                .collect();
            let _ = writeln!(out, "| {} |", rule.join(" | "));
        }
    }
    out
}

/// The findings worth reading under the table: every client fault, and the
/// reasons operations went unexercised in the static pass.
pub fn details(reports: &[DocumentReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let file = &report.file;
        if let Some((class, why)) = &report.failure {
            let _ = writeln!(out, "{file}: {}: {why}", class.name());
        }
        let faults = report
            .static_pass
            .client_faults
            .iter()
            .chain(&report.dynamic.client_faults);
        for finding in faults {
            let _ = writeln!(
                out,
                "{file}: CLIENT FAULT {} ({}): {}",
                finding.operation, finding.pass, finding.reason
            );
        }
        for finding in report
            .unbuildable
            .iter()
            .chain(&report.static_pass.not_exercisable)
        {
            let _ = writeln!(
                out,
                "{file}: not exercised {}: {}",
                finding.operation, finding.reason
            );
        }
    }
    out
}
