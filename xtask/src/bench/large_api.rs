//! One tag of a 1,000-operation API against the whole crate (`--large-api`),
//! which is what issue #19's target is stated for and what the shared
//! corpus lacks (its largest documents have about 200 operations).
//!
//! The API is GitHub's REST API, as described by npm's `@octokit/openapi`
//! (`generated/api.github.com.json`: 1,223 operations in 47 tags at the
//! pinned version), which the bench fetches itself into
//! `<target>/bench-tools/` when missing. Its crate holds about a million
//! lines and takes minutes and several GB to build, so each build is timed
//! once, in a scratch workspace of its own (`<target>/bench-large-api/`)
//! that shares the other crates' target directory and so their
//! dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use scratch_workspace::write_scratch_workspace;

use super::compile::{missing, seconds, Job, Scratch};
use super::process::{self, Logs};
use super::tags::{picked_tags, tag_rows, tags_by_size};
use super::Row;

/// The `@octokit/openapi` release whose description is timed: pinned, so
/// that a table from another day times the same API.
const OCTOKIT_OPENAPI_VERSION: &str = "23.0.2";
/// The description inside the package.
const DESCRIPTION: &str = "package/generated/api.github.com.json";
/// The generated crate's name.
const CRATE: &str = "github";
/// Timed runs per build: one, since a whole-crate build takes minutes.
const RUNS: usize = 1;
/// Time limit for fetching and unpacking the package.
const FETCH_LIMIT: Duration = Duration::from_secs(10 * 60);

/// Generates the large API's crate, times it whole and for its largest
/// and a middle-sized tag, and returns the rows. A description that cannot
/// be fetched is a row saying why.
pub(super) fn large_api_rows(root: &Path, target_dir: &Path) -> Result<Vec<Row>> {
    let scratch = Scratch::new(target_dir, "bench-large-api", RUNS);
    let _lock = scratch_workspace::lock(&scratch.dir, "bench")?;
    let label = format!("GitHub REST (@octokit/openapi {OCTOKIT_OPENAPI_VERSION})");
    let spec = match fetch_description(&scratch.logs, &target_dir.join("bench-tools")) {
        Ok(spec) => spec,
        Err(e) => {
            return Ok(vec![Row::new(
                "crate rebuild, one tag",
                &label,
                format!("FAILED: {e}"),
            )])
        }
    };
    eprintln!("generating {CRATE} with this project…");
    let crate_dir = scratch.dir.join(CRATE);
    openapi_rust_gen::generate(&spec, &openapi_rust_gen::Options::new(CRATE))
        .with_context(|| format!("{}: cannot generate", spec.display()))?
        .write_to(&crate_dir)?;
    write_scratch_workspace(&scratch.dir, &[CRATE.to_owned()], &root.join("Cargo.lock"))?;

    let tags = tags_by_size(&crate_dir)?;
    let picked = picked_tags(&tags.features);
    let mut jobs = vec![Job {
        package: CRATE.to_owned(),
        features: None,
    }];
    jobs.extend(picked.iter().map(|(tag, _)| Job::tag(CRATE, &tag.feature)));
    eprintln!(
        "timing {label}: the whole crate ({} operations) and {} of its {} tags, once each…",
        tags.operations,
        picked.len(),
        tags.features.len()
    );
    let mut timings = scratch.time_all(&jobs).into_iter();
    let whole = timings.next().unwrap_or_else(missing);
    let whole_label = format!("{label}, whole crate ({} ops)", tags.operations);
    let mut rows = vec![
        Row::new(
            "crate rebuild (cargo build, debug)",
            &whole_label,
            seconds(&whole.build),
        ),
        Row::new(
            "crate check (cargo check)",
            &whole_label,
            seconds(&whole.check),
        ),
    ];
    let tag_timings: Vec<_> = timings.collect();
    rows.extend(tag_rows(
        &label,
        tags.operations,
        &whole,
        &picked,
        &tag_timings,
    ));
    Ok(rows)
}

/// The description's path, after fetching the package with `npm pack` and
/// unpacking the description from it when it is not there yet.
fn fetch_description(logs: &Logs, tools: &Path) -> Result<PathBuf, String> {
    let dir = tools.join(format!("octokit-openapi-{OCTOKIT_OPENAPI_VERSION}"));
    let description = dir.join(DESCRIPTION);
    if description.is_file() {
        return Ok(description);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!(
        "fetching @octokit/openapi {OCTOKIT_OPENAPI_VERSION} from npm into {} …",
        dir.display()
    );
    let mut pack = Command::new("npm");
    pack.args(["pack", "--silent", "--pack-destination"])
        .arg(&dir)
        .arg(format!("@octokit/openapi@{OCTOKIT_OPENAPI_VERSION}"));
    process::run(logs, "fetch octokit openapi", &mut pack, FETCH_LIMIT)
        .map_err(|e| format!("npm pack failed (npm and the npm registry are needed): {e}"))?;
    let tarball = dir.join(format!("octokit-openapi-{OCTOKIT_OPENAPI_VERSION}.tgz"));
    let mut unpack = Command::new("tar");
    unpack
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .arg(DESCRIPTION);
    process::run(logs, "unpack octokit openapi", &mut unpack, FETCH_LIMIT)?;
    if !description.is_file() {
        return Err(format!("the package holds no {DESCRIPTION}"));
    }
    Ok(description)
}
