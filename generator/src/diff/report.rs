//! Reports of a diff: Markdown for a pull-request comment, JSON for tools.

use std::fmt::Write as _;

use serde_json::json;

use super::{ApiDiff, Area, Change, Impact};

/// The diff as Markdown: a verdict line, a count per impact, and one
/// section per impact listing each change and its effect on the crate.
pub fn render_markdown(diff: &ApiDiff, title: &str) -> String {
    let mut out = format!("## {title}\n\n");
    let Some(verdict) = diff.verdict() else {
        out.push_str("No changes to the API.\n");
        return out;
    };
    let _ = writeln!(
        out,
        "**Verdict: {}** — semver bump: **{}**{}.\n",
        verdict.label(),
        diff.bump().label(),
        diff.default_features_note()
    );
    out.push_str("| Breaking | Non-breaking | Docs only |\n|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        diff.count(Impact::Breaking),
        diff.count(Impact::NonBreaking),
        diff.count(Impact::DocsOnly)
    );
    for impact in [Impact::Breaking, Impact::NonBreaking, Impact::DocsOnly] {
        section(&mut out, diff, impact);
    }
    out
}

fn section(out: &mut String, diff: &ApiDiff, impact: Impact) {
    let changes: Vec<&Change> = diff.changes.iter().filter(|c| c.impact == impact).collect();
    if changes.is_empty() {
        return;
    }
    let heading = match impact {
        Impact::Breaking => "Breaking",
        Impact::NonBreaking => "Non-breaking",
        Impact::DocsOnly => "Docs only",
    };
    let _ = write!(out, "\n### {heading}\n\n");
    for change in changes {
        let subject = match change.area {
            Area::Crate => "crate".to_owned(),
            _ => format!("{} `{}`", area_label(&change.area), change.subject),
        };
        let _ = writeln!(out, "- {subject}: {}", change.described());
    }
}

fn area_label(area: &Area) -> &'static str {
    match area {
        Area::Operation => "operation",
        Area::Schema => "schema",
        Area::Servers => "server",
        Area::Auth => "security scheme",
        Area::Crate => "crate",
        Area::Feature => "feature",
    }
}

/// The diff as JSON: verdict (also for a build with default features),
/// bump, counts and the changes.
pub fn render_json(diff: &ApiDiff) -> serde_json::Value {
    json!({
        "verdict": diff.verdict().map(Impact::label),
        "verdict-with-default-features": diff.verdict_with_default_features().map(Impact::label),
        "bump": diff.bump().label(),
        "counts": {
            "breaking": diff.count(Impact::Breaking),
            "non-breaking": diff.count(Impact::NonBreaking),
            "docs-only": diff.count(Impact::DocsOnly),
        },
        "changes": diff.changes,
    })
}
