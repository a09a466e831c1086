//! Changes to the crate's Cargo features: which exist, and which compile
//! each operation, model and the webhooks module. Every feature is on by
//! default, so only builds that name features see these changes: a feature
//! that is gone no longer resolves, and an item that left a feature is
//! missing from a build that turned default features off and chose that
//! one.

use std::collections::BTreeSet;

use super::{match_by, Area, Change, Recorder};
use crate::ir::{Api, Features};

/// Compares the features of two APIs and what each compiles.
pub(super) fn diff_features(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let (before, after) = (&old.features, &new.features);
    diff_names(before, after, out);
    match (before.exist(), after.exist()) {
        (true, true) => {
            for gated in gated_items(old, new) {
                let mut recorder =
                    Recorder::for_feature_choosers(out, gated.area.clone(), gated.subject);
                diff_gate(&gated.item, gated.before, gated.after, &mut recorder);
            }
        }
        (false, true) => {
            Recorder::for_feature_choosers(out, Area::Crate, "features").breaking(
                "operations and models are now chosen by Cargo features (one per tag)",
                "builds with `default-features = false` must turn on the features of what they use",
            );
        }
        // Without features on either side every item is compiled whatever
        // is on; the features that went are reported by `diff_names`.
        (_, false) => {}
    }
}

/// An item of both crates that features choose: where its changes are
/// reported, how the reports name it, and the features that compile it
/// before and after.
struct Gated<'a> {
    area: Area,
    subject: &'a str,
    item: String,
    before: &'a [String],
    after: &'a [String],
}

/// The operations and models both APIs have (paired by `match_by`), and
/// the `webhooks` module when both have one.
fn gated_items<'a>(old: &'a Api, new: &'a Api) -> Vec<Gated<'a>> {
    let (before, after) = (&old.features, &new.features);
    let gate = |area: Area,
                subject: &'a str,
                item: String,
                of: fn(&'a Features, &str) -> &'a [String]| Gated {
        area,
        subject,
        item,
        before: of(before, subject),
        after: of(after, subject),
    };
    let operations = match_by(&old.operations, &new.operations, |o| o.id.clone());
    let operations = operations.common.into_iter().map(|(o, _)| {
        let item = format!("`Client::{}`", o.method_name);
        gate(Area::Operation, &o.id, item, Features::of_operation)
    });
    let models = match_by(&old.models, &new.models, |m| m.name.clone());
    let models = models.common.into_iter().map(|(m, _)| {
        let item = format!("type `{}`", m.name);
        gate(Area::Schema, &m.name, item, Features::of_model)
    });
    let webhooks = (old.webhooks.is_some() && new.webhooks.is_some()).then(|| Gated {
        area: Area::Crate,
        subject: "webhooks",
        item: "module `webhooks`".to_owned(),
        before: before.webhooks.as_slice(),
        after: after.webhooks.as_slice(),
    });
    operations.chain(models).chain(webhooks).collect()
}

/// Features added and removed.
fn diff_names(before: &Features, after: &Features, out: &mut Vec<Change>) {
    let old: BTreeSet<&str> = before.names().into_iter().collect();
    let new: BTreeSet<&str> = after.names().into_iter().collect();
    for name in old.difference(&new) {
        Recorder::for_feature_choosers(out, Area::Feature, *name).breaking(
            "feature removed",
            format!("a manifest that names feature `{name}` no longer resolves"),
        );
    }
    for name in new.difference(&old) {
        Recorder::for_feature_choosers(out, Area::Feature, *name).additive(
            "feature added",
            format!("new feature `{name}`, on by default"),
        );
    }
}

/// How the features that compile one item changed (an empty list: the
/// item is compiled whatever features are on).
fn diff_gate(item: &str, old: &[String], new: &[String], recorder: &mut Recorder) {
    let before: BTreeSet<&String> = old.iter().collect();
    let after: BTreeSet<&String> = new.iter().collect();
    if before == after {
        return;
    }
    let now = feature_list(&after);
    if after.is_empty() {
        recorder.additive(
            format!("no longer behind a feature (was {})", feature_list(&before)),
            format!("{item} is compiled whatever features are on"),
        );
    } else if before.is_empty() {
        recorder.breaking(
            format!("now behind {now}"),
            format!("builds with `default-features = false` need {now} for {item}"),
        );
    } else {
        let lost: BTreeSet<&String> = before.difference(&after).copied().collect();
        if lost.is_empty() {
            recorder.additive(
                format!(
                    "also compiled by {}",
                    feature_list(&after.difference(&before).copied().collect())
                ),
                format!("{item} is in more builds"),
            );
        } else {
            recorder.breaking(
                format!("no longer compiled by {}", feature_list(&lost)),
                format!("builds that choose features need {now} for {item}"),
            );
        }
    }
}

/// "feature `a`", or "one of the features `a`, `b`".
fn feature_list(names: &BTreeSet<&String>) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [one] => format!("feature {one}"),
        _ => format!("one of the features {}", quoted.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diff_of, BASE};
    use super::super::{ApiDiff, Area, Impact, Reach};

    /// The diff tests' document, both operations tagged `plans`.
    fn tagged() -> String {
        let tag = |id: &str| {
            let line = format!("      operationId: {id}\n");
            (line.clone(), format!("{line}      tags: [plans]\n"))
        };
        let (get, get_tagged) = tag("getPlan");
        let (create, create_tagged) = tag("createPlan");
        BASE.replacen(&get, &get_tagged, 1)
            .replacen(&create, &create_tagged, 1)
    }

    /// The changes only builds that choose features see, as (impact,
    /// area, subject, change).
    fn feature_changes(diff: &ApiDiff) -> Vec<(Impact, Area, &str, &str)> {
        let changes = diff.changes.iter();
        changes
            .filter(|c| c.reach == Reach::FeatureChoosers)
            .map(|c| {
                (
                    c.impact,
                    c.area.clone(),
                    c.subject.as_str(),
                    c.change.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn an_operation_moved_to_another_tag_breaks_builds_that_chose_the_old_one() {
        let moved = tagged().replacen("tags: [plans]", "tags: [archive]", 1);
        let diff = diff_of(&tagged(), &moved);
        assert_eq!(
            feature_changes(&diff),
            vec![
                (
                    Impact::Breaking,
                    Area::Operation,
                    "getPlan",
                    "no longer compiled by feature `plans`"
                ),
                (
                    Impact::NonBreaking,
                    Area::Schema,
                    "Plan",
                    "also compiled by feature `archive`"
                ),
                (
                    Impact::NonBreaking,
                    Area::Schema,
                    "Tier",
                    "also compiled by feature `archive`"
                ),
                (
                    Impact::NonBreaking,
                    Area::Feature,
                    "archive",
                    "feature added"
                ),
            ]
        );
        assert_eq!(diff.changes.len(), 4, "{:#?}", diff.changes);
        assert_eq!(diff.verdict(), Some(Impact::Breaking));
        assert_eq!(diff.verdict_with_default_features(), None);
        let described = diff.changes[0].described();
        assert!(
            described.contains("need feature `archive` for `Client::get_plan`")
                && described.ends_with("(only builds that choose the crate's features)"),
            "{described}"
        );
    }

    #[test]
    fn a_tag_that_is_gone_is_a_removed_feature() {
        let retagged = tagged().replace("tags: [plans]", "tags: [catalog]");
        let diff = diff_of(&tagged(), &retagged);
        let changes = feature_changes(&diff);
        assert!(
            changes.contains(&(Impact::Breaking, Area::Feature, "plans", "feature removed")),
            "{changes:#?}"
        );
        assert!(
            changes.contains(&(
                Impact::Breaking,
                Area::Schema,
                "PlanRequest",
                "no longer compiled by feature `plans`"
            )),
            "{changes:#?}"
        );
    }

    #[test]
    fn a_schema_no_operation_uses_any_more_moves_to_the_other_models_feature() {
        let unused = tagged().replace(
            "schema: { $ref: '#/components/schemas/PlanRequest' }",
            "schema: { type: object }",
        );
        let diff = diff_of(&tagged(), &unused);
        let changes = feature_changes(&diff);
        assert!(
            changes.contains(&(
                Impact::Breaking,
                Area::Schema,
                "PlanRequest",
                "no longer compiled by feature `plans`"
            )),
            "{changes:#?}"
        );
        assert!(
            changes.contains(&(
                Impact::NonBreaking,
                Area::Feature,
                "other-models",
                "feature added"
            )),
            "{changes:#?}"
        );
    }

    #[test]
    fn tags_on_an_api_that_had_none_introduce_features() {
        let diff = diff_of(BASE, &tagged());
        let changes = feature_changes(&diff);
        assert!(
            changes.contains(&(
                Impact::Breaking,
                Area::Crate,
                "features",
                "operations and models are now chosen by Cargo features (one per tag)"
            )),
            "{changes:#?}"
        );
        assert!(diff_of(&tagged(), &tagged()).changes.is_empty());
    }
}
