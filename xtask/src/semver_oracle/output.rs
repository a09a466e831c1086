//! Reading cargo-semver-checks' output: the failed lints and the release it
//! asks for.

use anyhow::{bail, Result};

use super::semver_checks::Bump;

/// Lines of cargo-semver-checks' output kept in a report.
pub(super) const TAIL_LINES: usize = 40;

/// What cargo-semver-checks' output says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The release it asks for.
    pub bump: Bump,
    /// Failed lint ids, sorted and unique.
    pub lints: Vec<String>,
}

/// Reads cargo-semver-checks' output (any mix of stdout and stderr,
/// colourless) and its exit status. Recognises:
///
/// - `--- failure <lint_id>: <description> ---` (one per failed lint);
/// - `FAIL … <lint_id>` lines of the verbose per-lint listing;
/// - `Summary semver requires new major version: …`, `… new minor
///   version: …` and `Summary no semver update required`.
///
/// `Err` when the output says nothing that explains the exit status (a
/// crash, an unsupported rustdoc format, a bad flag).
pub fn parse_output(text: &str, success: bool) -> Result<Parsed> {
    let mut lints = Vec::new();
    let mut summary: Option<Bump> = None;
    let mut checked = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--- failure ") {
            if let Some(id) = rest
                .split(':')
                .next()
                .map(str::trim)
                .filter(|id| is_lint_id(id))
            {
                lints.push(id.to_owned());
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"FAIL") {
            if let Some(id) = words.last().filter(|id| is_lint_id(id)) {
                lints.push((*id).to_owned());
            }
            continue;
        }
        if words.first() == Some(&"Checked") {
            checked = true;
        }
        let lower = line.to_ascii_lowercase();
        if lower.contains("semver requires new major version") {
            summary = Some(Bump::Major);
        } else if lower.contains("semver requires new minor version") {
            summary = summary.max(Some(Bump::Minor));
        } else if lower.contains("no semver update required") {
            summary = summary.or(Some(Bump::None));
        }
    }
    lints.sort();
    lints.dedup();
    let bump = match (summary, success) {
        (Some(bump), _) => bump,
        // Failed lints without a summary line (truncated output): at
        // least a minor bump, and the exit status must agree.
        (None, false) if !lints.is_empty() => Bump::Major,
        (None, true) if checked => Bump::None,
        (None, true) => bail!("exited successfully without a summary"),
        (None, false) => bail!("no summary and no failed lint in the output"),
    };
    if bump == Bump::None && !success {
        bail!("the output says no update is required, yet it failed");
    }
    if bump != Bump::None && success {
        bail!("the output asks for a {bump} release, yet it exited successfully");
    }
    Ok(Parsed { bump, lints })
}

/// Lint ids are lower-case snake case: `enum_variant_added`.
fn is_lint_id(word: &str) -> bool {
    !word.is_empty()
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The last `lines` lines of `text`.
pub(super) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    let mut out = all[start..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_failures_and_summary() {
        let text = "\
     Parsing pair_client v1.0.0 (current)
    Checking pair_client v1.0.0 -> v1.0.0 (no change; assume patch)
     Checked [   0.010s] 152 checks: 150 pass, 2 fail, 0 warn, 14 skip

--- failure enum_variant_missing: pub enum variant removed or renamed ---

--- failure inherent_method_missing: pub method removed or renamed ---

     Summary semver requires new major version: 2 major and 0 minor checks failed
";
        let parsed = parse_output(text, false).unwrap();
        assert_eq!(parsed.bump, Bump::Major);
        assert_eq!(
            parsed.lints,
            ["enum_variant_missing", "inherent_method_missing"]
        );
    }

    #[test]
    fn reads_minor_and_pass() {
        let minor = "--- failure function_marked_deprecated: x ---\n     Summary semver requires new minor version: 0 major and 1 minor checks failed\n";
        assert_eq!(parse_output(minor, false).unwrap().bump, Bump::Minor);
        let pass = "     Checked [   0.010s] 152 checks: 152 pass, 14 skip\n     Summary no semver update required\n";
        assert_eq!(
            parse_output(pass, true).unwrap(),
            Parsed {
                bump: Bump::None,
                lints: vec![]
            }
        );
        let verbose = "        FAIL [   0.001s]      major  enum_variant_added\n";
        assert_eq!(
            parse_output(verbose, false).unwrap().lints,
            ["enum_variant_added"]
        );
    }

    #[test]
    fn unexplained_failure_is_an_error() {
        assert!(parse_output("error: unsupported rustdoc format v99\n", false).is_err());
        assert!(parse_output("", true).is_err());
    }
}
