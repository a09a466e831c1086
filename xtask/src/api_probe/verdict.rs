//! Each pair's verdict from what `cargo check` said: whether the probe
//! compiles against the old and the new crate, and the errors labelled with
//! the probed items.

use super::check::{error_location, CheckOutcome};
use super::workspace::{Prepared, ProbeSide, CRATE_PREFIX};
use super::{ProbeInput, ProbeReport};

/// Error lines kept per probe.
const MAX_ERROR_LINES: usize = 20;

/// Whether a package compiled: neither it nor the crate it checks failed.
fn compiled(side: &ProbeSide, outcome: &CheckOutcome) -> bool {
    !outcome.failed.contains(&side.package) && !outcome.failed.contains(&side.crate_package)
}

/// The error lines of a probe package, each labelled with the item its
/// line probes; or of the crate, when that is what failed.
fn side_errors(side: &ProbeSide, source: &[String], outcome: &CheckOutcome) -> Vec<String> {
    let own = outcome.errors.get(&side.package);
    let lines: Vec<String> = match own {
        Some(lines) => lines
            .iter()
            .map(|line| match probed_item(line, source) {
                Some(item) => format!("{line} [{item}]"),
                None => line.clone(),
            })
            .collect(),
        None => match outcome.errors.get(&side.crate_package) {
            // The copy's paths, as those of the crate it was copied from.
            Some(lines) => {
                let copy = format!(
                    "crates/{}/",
                    side.crate_package.trim_start_matches(CRATE_PREFIX)
                );
                lines
                    .iter()
                    .map(|line| match line.strip_prefix(&copy) {
                        Some(rest) => format!("{}/{rest}", side.crate_dir.display()),
                        None => line.clone(),
                    })
                    .collect()
            }
            None => outcome.unattributed.clone(),
        },
    };
    lines.into_iter().take(MAX_ERROR_LINES).collect()
}

/// The `// [item]` label of the source line an error line points at.
fn probed_item(line: &str, source: &[String]) -> Option<String> {
    let (_, number) = error_location(line)?;
    let text = source.get(number.checked_sub(1)?)?;
    let (_, label) = text.rsplit_once("// [")?;
    Some(label.strip_suffix(']').unwrap_or(label).to_owned())
}

/// Each pair's report: why it could not be probed, or what the compiler
/// said of its probes.
pub(super) fn reports(
    inputs: &[ProbeInput],
    probes: &[Result<Prepared, String>],
    outcome: &CheckOutcome,
) -> Vec<ProbeReport> {
    inputs
        .iter()
        .zip(probes)
        .map(|(input, prepared)| match prepared {
            Err(problem) => ProbeReport {
                label: input.label.clone(),
                compiles_against_old: false,
                compiles_against_new: false,
                errors: Vec::new(),
                problem: Some(problem.clone()),
            },
            Ok(prepared) => report(input, prepared, outcome),
        })
        .collect()
}

fn report(input: &ProbeInput, prepared: &Prepared, outcome: &CheckOutcome) -> ProbeReport {
    let [old, new] = &prepared.sides;
    let compiles_against_old = compiled(old, outcome);
    let compiles_against_new = compiled(new, outcome);
    let crate_failed = |side: &ProbeSide, which: &str| {
        outcome.failed.contains(&side.crate_package).then(|| {
            format!(
                "the {which} crate does not compile:\n{}",
                side_errors(side, &prepared.source, outcome).join("\n")
            )
        })
    };
    let problem = crate_failed(old, "old")
        .or_else(|| crate_failed(new, "new"))
        .or_else(|| {
            (!compiles_against_old).then(|| {
                format!(
                    "the probe does not compile against its own old crate \
                     (a bug of the probe or the generator):\n{}",
                    side_errors(old, &prepared.source, outcome).join("\n")
                )
            })
        })
        .map(|why| format!("pair {}: {why}", input.label));
    ProbeReport {
        label: input.label.clone(),
        compiles_against_old,
        compiles_against_new,
        errors: if compiles_against_new {
            Vec::new()
        } else {
            side_errors(new, &prepared.source, outcome)
        },
        problem,
    }
}
