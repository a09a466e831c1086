//! The table of verdicts: cargo-semver-checks', the compiler's and `cargo
//! xtask diff`'s for each pair, and where they disagree.

use anyhow::Result;
use openapi_rust_gen::diff::{ApiDiff, Impact};

use super::pairs::HandPair;
use super::semver_checks::{Bump, SemverReport};
use crate::api_probe::ProbeReport;

/// Whether cargo-semver-checks' verdict matches `expected` (`pass…` or
/// `fail…`).
fn agrees(expected: &str, report: &SemverReport) -> bool {
    if report.error.is_some() {
        return false;
    }
    let passed = report.required_bump == Bump::None;
    if expected.starts_with("pass") {
        passed
    } else if expected.starts_with("fail") {
        !passed
    } else {
        true
    }
}

/// One pair's line of the report: cargo-semver-checks' verdict beside
/// `cargo xtask diff`'s.
pub(super) struct Row<'a> {
    pair: &'a HandPair,
    report: &'a SemverReport,
    /// The compiler's verdict.
    probe: Option<&'a ProbeReport>,
    /// `cargo xtask diff`'s report, or why there is none.
    diff: Result<ApiDiff>,
}

impl<'a> Row<'a> {
    pub(super) fn new(
        pair: &'a HandPair,
        report: &'a SemverReport,
        probe: Option<&'a ProbeReport>,
    ) -> Self {
        let diff = crate::diff::diff_specs(&pair.pair.old, &pair.pair.new);
        Row {
            pair,
            report,
            probe,
            diff,
        }
    }

    /// `cargo xtask diff`'s report of the pair, in Markdown.
    pub(super) fn diff_report(&self) -> Option<String> {
        let diff = self.diff.as_ref().ok()?;
        let title = format!("`cargo xtask diff`: {}", self.pair.pair.label);
        Some(openapi_rust_gen::diff::render_markdown(diff, &title))
    }

    /// The row's cells: pair, cargo-semver-checks' verdict, its failing
    /// lints (or the first line of its error, in full below the table), the
    /// compiler's verdict, the diff's and whether they agree.
    fn cells(&self) -> [String; 6] {
        let report = self.report;
        let lints = if let Some(error) = &report.error {
            let first = error.lines().next().unwrap_or_default();
            if first.chars().count() > 70 {
                format!(
                    "{}… (see below)",
                    first.chars().take(70).collect::<String>()
                )
            } else {
                first.to_owned()
            }
        } else if report.failed_lints.is_empty() {
            "-".to_owned()
        } else {
            report.failed_lints.join(", ")
        };
        let agree = match self.agreement() {
            Agreement::Yes => "yes",
            Agreement::CompilerOnly => "yes (type change: compiler only)",
            Agreement::No => "NO",
        };
        [
            self.pair.pair.label.clone(),
            report.verdict().to_owned(),
            lints,
            self.probe_label().to_owned(),
            self.diff_label().to_owned(),
            agree.to_owned(),
        ]
    }

    /// `breaking`, `compatible` or `error`.
    fn probe_label(&self) -> &'static str {
        self.probe.map_or("error", ProbeReport::verdict)
    }

    /// `breaking`, `non-breaking`, `docs-only`, `none` or `error`.
    fn diff_label(&self) -> &'static str {
        match self
            .diff
            .as_ref()
            .map(ApiDiff::verdict_with_default_features)
        {
            Ok(Some(impact)) => impact.label(),
            Ok(None) => "none",
            Err(_) => "error",
        }
    }

    /// Whether the diff's verdict for builds with default features agrees
    /// with the oracles: breaking exactly
    /// when cargo-semver-checks asks for a major release or old code stops
    /// compiling against the new crate (cargo-semver-checks does not lint
    /// changes of a type; the compiler sees them).
    fn agreement(&self) -> Agreement {
        let (Ok(diff), None, Some(Some(compiler_breaking))) = (
            &self.diff,
            &self.report.error,
            self.probe.map(ProbeReport::breaking),
        ) else {
            return Agreement::No;
        };
        // Both oracles read the crate built with its default features
        // (rustdoc JSON, old code compiled against it), which every
        // feature is in: changes to what the features compile are
        // invisible to them, so only the rest is compared.
        let breaking = diff.verdict_with_default_features() == Some(Impact::Breaking);
        let semver_breaking = self.report.required_bump == Bump::Major;
        match (breaking, semver_breaking, compiler_breaking) {
            (true, true, _) | (false, false, false) => Agreement::Yes,
            (true, false, true) => Agreement::CompilerOnly,
            _ => Agreement::No,
        }
    }

    pub(super) fn mismatches(&self) -> Vec<String> {
        let label = &self.pair.pair.label;
        let mut out = Vec::new();
        if let Some(expected) = &self.pair.expected {
            if !agrees(expected, self.report) {
                out.push(format!(
                    "{label}: expected.json says semver_checks {expected:?}, cargo-semver-checks says {}",
                    self.report.verdict()
                ));
            }
        }
        match (&self.diff, self.agreement()) {
            (Err(e), _) => out.push(format!("{label}: cargo xtask diff failed: {e:#}")),
            (Ok(_), Agreement::No) => out.push(format!(
                "{label}: cargo xtask diff says {}, cargo-semver-checks says {}, the compiler says {}{}",
                self.diff_label(),
                self.report.verdict(),
                self.probe_label(),
                self.probe
                    .and_then(|p| p.problem.as_deref().or(p.errors.first().map(String::as_str)))
                    .map(|why| format!(" ({why})"))
                    .unwrap_or_default()
            )),
            _ => {}
        }
        out
    }
}

/// How the two verdicts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agreement {
    /// Both call it breaking, or neither does.
    Yes,
    /// Breaking by the diff and the compiler; cargo-semver-checks, which
    /// does not lint type changes, passes it.
    CompilerOnly,
    /// They disagree.
    No,
}

pub(super) fn table(rows: &[Row]) -> String {
    let header = [
        "pair",
        "semver-checks",
        "failing lints",
        "compiler",
        "diff",
        "agree",
    ]
    .map(str::to_owned);
    let cells: Vec<[String; 6]> = rows.iter().map(Row::cells).collect();
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            cells
                .iter()
                .chain([&header])
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cols: &[String; 6], out: &mut String| {
        let text: Vec<String> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(text.join(" | ").trim_end());
        out.push('\n');
    };
    line(&header, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("-|-"));
    out.push('\n');
    for row in &cells {
        line(row, &mut out);
    }
    out
}
