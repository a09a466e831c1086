//! A release of the generated crate from a review: the next version by the
//! Rust verdict, and a changelog entry written from the report.

use std::fmt::Write as _;

use super::review::Review;
use super::wire::WireImpact;
use super::{Bump, Impact};

/// The version after `current` for `bump`, by semver's rules; below 1.0.0
/// cargo reads the minor number as the major one, so a breaking change
/// bumps the minor number and anything else the patch number. `None` when
/// `current` is not `MAJOR.MINOR.PATCH` (pre-release versions included:
/// which one comes next is a human decision).
pub fn next_version(current: &str, bump: Bump) -> Option<String> {
    let mut parts = current.trim().split('.').map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let next = match (bump, major) {
        (Bump::None, _) => (major, minor, patch),
        (Bump::Major, 0) => (0, minor + 1, 0),
        (Bump::Major, _) => (major + 1, 0, 0),
        (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, patch + 1),
        (Bump::Minor, _) => (major, minor + 1, 0),
    };
    Some(format!("{}.{}.{}", next.0, next.1, next.2))
}

/// A `CHANGELOG.md` entry for `version`: both verdicts, then the Rust API
/// changes (breaking, added or changed, docs) and the wire changes that
/// break or need attention from deployed clients.
pub fn changelog_entry(version: &str, review: &Review) -> String {
    let (old_api, new_api) = &review.versions;
    let mut out = format!("## {version}\n\n");
    let _ = writeln!(
        out,
        "Generated from API version `{new_api}` (was `{old_api}`). Rust API: {} (semver {}). Wire: {}.",
        review.rust.verdict().map_or("no change", Impact::label),
        review.rust.bump().label(),
        review.wire.verdict().map_or("no change", WireImpact::label),
    );
    let rust = |impact: Impact| -> Vec<String> {
        let changes = review.rust.changes.iter();
        changes
            .filter(|c| c.impact == impact)
            .map(|c| format!("`{}`: {}", c.subject, c.described()))
            .collect()
    };
    let wire = |impact: WireImpact| -> Vec<String> {
        let changes = review.wire.changes.iter();
        changes
            .filter(|c| c.impact == impact)
            .map(|c| format!("{} — {}", c.change, c.client))
            .collect()
    };
    list(&mut out, "Breaking changes", &rust(Impact::Breaking));
    list(&mut out, "Added and changed", &rust(Impact::NonBreaking));
    list(&mut out, "Documentation", &rust(Impact::DocsOnly));
    list(
        &mut out,
        "Breaking for deployed clients (wire)",
        &wire(WireImpact::Breaking),
    );
    list(
        &mut out,
        "Needs attention from deployed clients (wire)",
        &wire(WireImpact::Attention),
    );
    out
}

fn list(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "\n### {heading}\n\n");
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
}

/// `changelog` with `entry` put first, below its `# ` title if it has one.
pub fn prepend_entry(changelog: &str, entry: &str) -> String {
    if changelog.trim().is_empty() {
        return format!("# Changelog\n\n{entry}");
    }
    match changelog.strip_prefix("# ") {
        Some(_) => {
            let (title, rest) = changelog.split_once('\n').unwrap_or((changelog, ""));
            format!("{title}\n\n{entry}\n{}", rest.trim_start_matches('\n'))
        }
        None => format!("{entry}\n{changelog}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargo_semver() {
        assert_eq!(next_version("0.1.0", Bump::Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.3", Bump::Minor).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Bump::Patch).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
        assert_eq!(next_version("1.4.2", Bump::None).as_deref(), Some("1.4.2"));
        assert_eq!(next_version("1.4.2-beta.1", Bump::Patch), None);
        assert_eq!(next_version("1.4", Bump::Patch), None);
    }

    #[test]
    fn entries_go_below_the_title() {
        let changelog = "# Changelog\n\n## 0.1.0\n\nFirst.\n";
        let updated = prepend_entry(changelog, "## 0.2.0\n\nSecond.\n");
        assert_eq!(
            updated,
            "# Changelog\n\n## 0.2.0\n\nSecond.\n\n## 0.1.0\n\nFirst.\n"
        );
        assert_eq!(prepend_entry("", "## 0.1.1\n"), "# Changelog\n\n## 0.1.1\n");
    }
}
