//! A review in the forms its readers use: plain text for a terminal,
//! Markdown for a pull-request comment, JSON for tools and GitHub Actions
//! workflow commands that annotate the lines of the new spec.

use std::fmt::Write as _;

use serde_json::json;

use super::review::{Position, Review};
use super::wire::{WireChange, WireImpact};
use super::{Area, Change, Impact};

/// Sections longer than this are folded into `<details>` in Markdown…
const FOLD_AFTER: usize = 8;

/// …except breaking ones, which are what a reviewer reads first: folded
/// only when longer than this.
const FOLD_BREAKING_AFTER: usize = 30;

/// "Rust API: breaking (semver major)".
fn rust_summary(review: &Review) -> String {
    match review.rust.verdict() {
        None => "no change".to_owned(),
        Some(verdict) => format!(
            "{} (semver {}{})",
            verdict.label(),
            review.rust.bump().label(),
            review.rust.default_features_note()
        ),
    }
}

fn wire_summary(review: &Review) -> String {
    review
        .wire
        .verdict()
        .map_or("no change", WireImpact::label)
        .to_owned()
}

fn position_label(position: Option<&Position>) -> String {
    position.map_or_else(String::new, |p| format!("{}:{}", p.file.display(), p.line))
}

fn rust_subject(change: &Change) -> String {
    match change.area {
        Area::Crate => "crate".to_owned(),
        Area::Operation => format!("operation `{}`", change.subject),
        Area::Schema => format!("schema `{}`", change.subject),
        Area::Servers => format!("server `{}`", change.subject),
        Area::Auth => format!("security scheme `{}`", change.subject),
        Area::Feature => format!("feature `{}`", change.subject),
    }
}

fn wire_subject(change: &WireChange) -> String {
    match change.operations.as_slice() {
        [] => String::new(),
        [one] => format!("`{one}`: "),
        [first, rest @ ..] => format!("`{first}` (and {} more): ", rest.len()),
    }
}

/// One line per change, most severe first, each with its file and line.
pub fn render_text(review: &Review, title: &str) -> String {
    let mut out = format!("{title}\n");
    let _ = writeln!(out, "Rust API: {}", rust_summary(review));
    let _ = writeln!(out, "Wire:     {}", wire_summary(review));
    for (change, position) in review.wire.changes.iter().zip(&review.wire_positions) {
        let _ = writeln!(
            out,
            "wire {:<15} {}{} — {} [{}]",
            change.impact.label(),
            wire_subject(change),
            change.change,
            change.client,
            position_label(position.as_ref())
        );
    }
    for (change, position) in review.rust.changes.iter().zip(&review.rust_positions) {
        let _ = writeln!(
            out,
            "rust {:<15} {}: {} [{}]",
            change.impact.label(),
            rust_subject(change),
            change.described(),
            position_label(position.as_ref())
        );
    }
    out
}

/// Markdown for a pull-request comment: a summary line with both verdicts,
/// a table of counts, then the changes most severe first; long sections
/// are folded.
pub fn render_markdown(review: &Review, title: &str) -> String {
    let mut out = format!("## {title}\n\n");
    if review.rust.changes.is_empty() && review.wire.changes.is_empty() {
        out.push_str("No changes to the API.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "**Wire: {}** · **Rust API: {}** — {} of {} wire changes break deployed clients, {} need attention; {} of {} Rust changes break code written against the crate.\n",
        wire_summary(review),
        rust_summary(review),
        review.wire.count(WireImpact::Breaking),
        review.wire.changes.len(),
        review.wire.count(WireImpact::Attention),
        review.rust.count(Impact::Breaking),
        review.rust.changes.len(),
    );
    out.push_str("| axis | breaking | needs attention | compatible | docs only |\n");
    out.push_str("|---|---:|---:|---:|---:|\n");
    let wire = &review.wire;
    let _ = writeln!(
        out,
        "| wire (deployed clients) | {} | {} | {} | |",
        wire.count(WireImpact::Breaking),
        wire.count(WireImpact::Attention),
        wire.count(WireImpact::Compatible)
    );
    let rust = &review.rust;
    let _ = writeln!(
        out,
        "| Rust API (code using the crate) | {} | | {} | {} |",
        rust.count(Impact::Breaking),
        rust.count(Impact::NonBreaking),
        rust.count(Impact::DocsOnly)
    );
    for impact in [WireImpact::Breaking, WireImpact::Attention] {
        wire_section(&mut out, review, impact);
    }
    rust_section(&mut out, review, Impact::Breaking);
    wire_section(&mut out, review, WireImpact::Compatible);
    rust_section(&mut out, review, Impact::NonBreaking);
    rust_section(&mut out, review, Impact::DocsOnly);
    out
}

fn section(out: &mut String, heading: &str, items: &[String], breaking: bool) {
    if items.is_empty() {
        return;
    }
    let limit = if breaking {
        FOLD_BREAKING_AFTER
    } else {
        FOLD_AFTER
    };
    let fold = items.len() > limit;
    if fold {
        let _ = write!(
            out,
            "\n<details><summary>{heading} ({})</summary>\n\n",
            items.len()
        );
    } else {
        let _ = write!(out, "\n### {heading}\n\n");
    }
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
    if fold {
        out.push_str("\n</details>\n");
    }
}

fn at(position: Option<&Position>) -> String {
    position.map_or_else(String::new, |p| {
        format!(" (`{}:{}`)", p.file.display(), p.line)
    })
}

fn wire_section(out: &mut String, review: &Review, impact: WireImpact) {
    let items: Vec<String> = review
        .wire
        .changes
        .iter()
        .zip(&review.wire_positions)
        .filter(|(c, _)| c.impact == impact)
        .map(|(c, p)| {
            format!(
                "{}{} — {}{}",
                wire_subject(c),
                c.change,
                c.client,
                at(p.as_ref())
            )
        })
        .collect();
    let heading = match impact {
        WireImpact::Breaking => "Breaking on the wire",
        WireImpact::Attention => "Needs attention on the wire",
        WireImpact::Compatible => "Compatible on the wire",
    };
    section(out, heading, &items, impact == WireImpact::Breaking);
}

fn rust_section(out: &mut String, review: &Review, impact: Impact) {
    let items: Vec<String> = review
        .rust
        .changes
        .iter()
        .zip(&review.rust_positions)
        .filter(|(c, _)| c.impact == impact)
        .map(|(c, p)| format!("{}: {}{}", rust_subject(c), c.described(), at(p.as_ref())))
        .collect();
    let heading = match impact {
        Impact::Breaking => "Breaking for the Rust API",
        Impact::NonBreaking => "Non-breaking for the Rust API",
        Impact::DocsOnly => "Docs only",
    };
    section(out, heading, &items, impact == Impact::Breaking);
}

/// JSON: the Rust axis's report as before (`verdict`, `bump`, `counts`,
/// `changes`), each change with its `file` and `line`, and the wire axis
/// under `wire`.
pub fn render_json(review: &Review) -> serde_json::Value {
    let mut report = super::render_json(&review.rust);
    let rust_changes: Vec<serde_json::Value> = review
        .rust
        .changes
        .iter()
        .zip(&review.rust_positions)
        .map(|(c, p)| with_position(json!(c), p.as_ref()))
        .collect();
    report["changes"] = json!(rust_changes);
    let wire_changes: Vec<serde_json::Value> = review
        .wire
        .changes
        .iter()
        .zip(&review.wire_positions)
        .map(|(c, p)| with_position(json!(c), p.as_ref()))
        .collect();
    report["wire"] = json!({
        "verdict": review.wire.verdict().map(WireImpact::label),
        "counts": {
            "breaking": review.wire.count(WireImpact::Breaking),
            "needs-attention": review.wire.count(WireImpact::Attention),
            "compatible": review.wire.count(WireImpact::Compatible),
        },
        "changes": wire_changes,
    });
    report["versions"] = json!({"old": review.versions.0, "new": review.versions.1});
    report
}

fn with_position(mut value: serde_json::Value, position: Option<&Position>) -> serde_json::Value {
    if let Some(p) = position {
        value["file"] = json!(p.file.display().to_string());
        value["line"] = json!(p.line);
    }
    value
}

/// GitHub Actions workflow commands, one per change: `error` for what
/// breaks deployed clients or the Rust API, `warning` for what needs
/// attention, `notice` for the rest; each at its line of the new spec.
pub fn render_github(review: &Review) -> String {
    let mut out = String::new();
    for (change, position) in review.wire.changes.iter().zip(&review.wire_positions) {
        let level = match change.impact {
            WireImpact::Breaking => "error",
            WireImpact::Attention => "warning",
            WireImpact::Compatible => "notice",
        };
        let title = format!("Wire: {}", change.impact.label());
        let message = format!(
            "{}{} — {}",
            wire_subject(change),
            change.change,
            change.client
        );
        annotation(&mut out, level, &title, position.as_ref(), &message);
    }
    for (change, position) in review.rust.changes.iter().zip(&review.rust_positions) {
        let level = match change.impact {
            Impact::Breaking => "error",
            Impact::NonBreaking | Impact::DocsOnly => "notice",
        };
        let title = format!("Rust API: {}", change.impact.label());
        let message = format!("{}: {}", rust_subject(change), change.described());
        annotation(&mut out, level, &title, position.as_ref(), &message);
    }
    out
}

fn annotation(
    out: &mut String,
    level: &str,
    title: &str,
    position: Option<&Position>,
    message: &str,
) {
    let mut properties = Vec::new();
    if let Some(p) = position {
        properties.push(format!(
            "file={}",
            escape_property(&p.file.display().to_string())
        ));
        properties.push(format!("line={}", p.line));
    }
    properties.push(format!("title={}", escape_property(title)));
    let _ = writeln!(
        out,
        "::{level} {}::{}",
        properties.join(","),
        escape_data(message)
    );
}

/// Workflow command data: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow command properties: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The forms a review is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`render_text`].
    Text,
    /// [`render_markdown`].
    Markdown,
    /// [`render_json`], pretty-printed.
    Json,
    /// [`render_github`].
    Github,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "text" => Ok(Format::Text),
            "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "github" => Ok(Format::Github),
            _ => Err(format!(
                "unknown format `{name}` (text, markdown, json or github)"
            )),
        }
    }
}

impl std::str::FromStr for super::FailOn {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "rust-breaking" => Ok(super::FailOn::RustBreaking),
            "wire-breaking" => Ok(super::FailOn::WireBreaking),
            "any" => Ok(super::FailOn::Any),
            _ => Err(format!(
                "unknown condition `{name}` (rust-breaking, wire-breaking or any)"
            )),
        }
    }
}

/// The review in `format`.
pub fn render(review: &Review, format: Format, title: &str) -> String {
    match format {
        Format::Text => render_text(review, title),
        Format::Markdown => render_markdown(review, title),
        Format::Json => format!("{:#}\n", render_json(review)),
        Format::Github => render_github(review),
    }
}
