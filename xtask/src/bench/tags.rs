//! One tag against the whole crate: the generated crates have a Cargo
//! feature per OpenAPI tag, and a user who calls one area of an API builds
//! with `--no-default-features --features rustls,<tag>`. Timed on our
//! nexus crate, the largest shared document (about 200 operations; the
//! corpus has no 1,000-operation API, which is what issue #19's target is
//! stated for).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use super::compile::{seconds, Scratch, Timing};
use super::{Row, Subject};

/// One tag's build time over the whole crate's, at most (issue #19).
const TAG_RATIO_TARGET: f64 = 0.15;

/// A tag feature of a generated crate and its number of operations.
pub(super) struct TagFeature {
    pub feature: String,
    pub operations: usize,
}

/// The tag features of the generated crate in `dir`, largest first, read
/// from the comments the generator writes above each one in Cargo.toml
/// (`# Tag Name (N operations).` then `name = []`).
pub(super) fn tags_by_size(dir: &Path) -> Result<Vec<TagFeature>> {
    let path = dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let mut tags = Vec::new();
    let mut operations = None;
    for line in manifest.lines().map(str::trim) {
        if let Some(comment) = line.strip_prefix("# Tag ") {
            operations = comment
                .rsplit_once('(')
                .and_then(|(_, count)| count.split_whitespace().next())
                .and_then(|count| count.parse().ok());
        } else if let (Some(count), Some((feature, _))) = (operations, line.split_once('=')) {
            tags.push(TagFeature {
                feature: feature.trim().to_owned(),
                operations: count,
            });
            operations = None;
        }
    }
    tags.sort_by(|a, b| {
        b.operations
            .cmp(&a.operations)
            .then(a.feature.cmp(&b.feature))
    });
    Ok(tags)
}

/// The largest tag and a middle-sized one, each built alone, against the
/// `whole` crate's times.
pub(super) fn tag_rows(
    scratch: &Scratch,
    subject: &Subject,
    whole: &Timing,
    tags: &[TagFeature],
) -> Vec<Row> {
    let picked: Vec<&TagFeature> = match (tags.first(), tags.get(tags.len() / 2)) {
        (Some(largest), Some(middle)) if tags.len() > 2 => vec![largest, middle],
        (Some(largest), _) => vec![largest],
        _ => {
            return vec![Row::new(
                "one tag / whole crate",
                subject.label,
                "FAILED: the generated Cargo.toml lists no tag features".to_owned(),
            )]
        }
    };
    let mut rows = Vec::new();
    for (tag, which) in picked.into_iter().zip(["largest tag", "middle tag"]) {
        eprintln!(
            "timing {} with only the tag feature {} ({} operations):",
            subject.crate_name, tag.feature, tag.operations
        );
        let features = format!("rustls,{}", tag.feature);
        let timing = scratch.time(subject.crate_name, Some(&features));
        let label = format!(
            "{}, only `{}` ({which}, {} ops; corpus has no 1,000-op API)",
            subject.label, tag.feature, tag.operations
        );
        rows.push(Row::new(
            "crate rebuild, one tag",
            &label,
            seconds(&timing.build),
        ));
        rows.push(Row::new(
            "crate check, one tag",
            &label,
            seconds(&timing.check),
        ));
        let (row, ratio) = share_row(
            "  one tag / whole crate, rebuild",
            &label,
            &timing.build,
            &whole.build,
        );
        rows.push(match ratio {
            Some(ratio) => row.target(
                format!("≤ {:.0}%", TAG_RATIO_TARGET * 100.0),
                ratio <= TAG_RATIO_TARGET,
            ),
            None => row,
        });
        rows.push(
            share_row(
                "  one tag / whole crate, check",
                &label,
                &timing.check,
                &whole.check,
            )
            .0,
        );
    }
    rows
}

/// `part / whole` as a percentage row and a number, or a row saying why
/// there is none.
fn share_row(
    measure: &str,
    subject: &str,
    part: &Result<Duration, String>,
    whole: &Result<Duration, String>,
) -> (Row, Option<f64>) {
    match (part, whole) {
        (Ok(part), Ok(whole)) => {
            let ratio = part.as_secs_f64() / whole.as_secs_f64();
            (
                Row::new(measure, subject, format!("{:.0}%", ratio * 100.0)),
                Some(ratio),
            )
        }
        _ => (
            Row::new(measure, subject, "- (a build failed)".to_owned()),
            None,
        ),
    }
}
