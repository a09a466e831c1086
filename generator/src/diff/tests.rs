//! How the diff classifies each main kind of change, on a small document
//! changed in one place: its impact, the semver bump and the words of the
//! change. The spec pairs of `tests/diff_pairs/` check the same on larger
//! documents through the Markdown report.

use super::{diff, ApiDiff, Area, Bump, Change, Impact};
use crate::testing::lowered;

/// One operation that reads a plan, one that creates one; `Plan` is only
/// received, `PlanRequest` only sent, `Tier` a string enum.
pub(super) const BASE: &str = r##"
openapi: 3.0.3
info: { title: Plans, version: '1' }
paths:
  /plans/{id}:
    get:
      operationId: getPlan
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: The plan.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Plan' }
  /plans:
    post:
      operationId: createPlan
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/PlanRequest' }
      responses:
        '201':
          description: The new plan.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Plan' }
components:
  schemas:
    Plan:
      type: object
      required: [name]
      properties:
        name: { type: string }
        tier: { $ref: '#/components/schemas/Tier' }
        seats: { type: integer }
    PlanRequest:
      type: object
      required: [name]
      properties:
        name: { type: string }
    Tier:
      description: What a plan offers.
      type: string
      enum: [free, pro]
"##;

/// [`BASE`] with its one occurrence of `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "`{from}` is not unique in BASE"
    );
    BASE.replacen(from, to, 1)
}

/// Diffs two documents.
pub(super) fn diff_of(old: &str, new: &str) -> ApiDiff {
    diff(&lowered(old), &lowered(new))
}

/// The one change between two documents that is not docs-only (a new
/// argument also changes its method's docs), and the bump the diff calls
/// for.
fn single_change(old: &str, new: &str) -> (Change, Bump) {
    let diff = diff_of(old, new);
    let changes: Vec<&Change> = (diff.changes.iter())
        .filter(|c| c.impact != Impact::DocsOnly)
        .collect();
    assert_eq!(changes.len(), 1, "expected one change: {:#?}", diff.changes);
    (changes[0].clone(), diff.bump())
}

/// Asserts every field of `change` and the `bump`.
fn assert_change(
    (change, bump): (Change, Bump),
    expected: (Impact, Bump, Area, &str),
    words: (&str, &str),
) {
    let (impact, expected_bump, area, subject) = expected;
    assert_eq!(change.impact, impact, "{change:#?}");
    assert_eq!(bump, expected_bump, "{change:#?}");
    assert_eq!((change.area, change.subject.as_str()), (area, subject));
    assert_eq!((change.change.as_str(), change.effect.as_str()), words);
}

/// A path item `archivePlan`, returning a plan, added after `/plans`.
fn with_archive_operation() -> String {
    edited(
        "  /plans:\n",
        "  /plans/{id}/archive:
    post:
      operationId: archivePlan
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        '200':
          description: The archived plan.
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Plan' }
  /plans:\n",
    )
}

#[test]
fn the_same_document_has_no_changes_and_needs_no_bump() {
    let diff = diff_of(BASE, BASE);
    assert_eq!(diff.changes, Vec::new());
    assert_eq!((diff.verdict(), diff.bump()), (None, Bump::None));
}

#[test]
fn an_added_operation_is_a_minor_addition() {
    assert_change(
        single_change(BASE, &with_archive_operation()),
        (
            Impact::NonBreaking,
            Bump::Minor,
            Area::Operation,
            "archivePlan",
        ),
        (
            "operation added (`POST /plans/{id}/archive`)",
            "new method `Client::archive_plan`",
        ),
    );
}

#[test]
fn a_removed_operation_is_breaking() {
    assert_change(
        single_change(&with_archive_operation(), BASE),
        (
            Impact::Breaking,
            Bump::Major,
            Area::Operation,
            "archivePlan",
        ),
        (
            "operation removed (`POST /plans/{id}/archive`)",
            "method `Client::archive_plan` removed",
        ),
    );
}

/// `getPlan` with one more query parameter, `region`.
fn with_region_parameter(required: bool) -> String {
    edited(
        "        - { name: id, in: path, required: true, schema: { type: string } }\n      responses:\n        '200':\n          description: The plan.",
        &format!(
            "        - {{ name: id, in: path, required: true, schema: {{ type: string }} }}
        - {{ name: region, in: query, required: {required}, schema: {{ type: string }} }}
      responses:
        '200':
          description: The plan."
        ),
    )
}

#[test]
fn an_added_required_parameter_is_breaking() {
    assert_change(
        single_change(BASE, &with_region_parameter(true)),
        (Impact::Breaking, Bump::Major, Area::Operation, "getPlan"),
        (
            "required query parameter `region` added",
            "new argument `region` of `Client::get_plan`",
        ),
    );
}

#[test]
fn an_added_optional_parameter_is_a_minor_addition() {
    assert_change(
        single_change(BASE, &with_region_parameter(false)),
        (Impact::NonBreaking, Bump::Minor, Area::Operation, "getPlan"),
        (
            "optional query parameter `region` added",
            "new setter `region` on its call",
        ),
    );
}

/// `PlanRequest` with one more property, `note`.
fn with_request_note(required: &str) -> String {
    edited(
        "      required: [name]\n      properties:\n        name: { type: string }\n    Tier:",
        &format!(
            "      required: [{required}]
      properties:
        name: {{ type: string }}
        note: {{ type: string }}
    Tier:"
        ),
    )
}

#[test]
fn an_added_optional_request_field_is_a_minor_addition() {
    assert_change(
        single_change(BASE, &with_request_note("name")),
        (
            Impact::NonBreaking,
            Bump::Minor,
            Area::Schema,
            "PlanRequest",
        ),
        (
            "request property `note` added (optional)",
            "new field `PlanRequest::note: Option<String>` (the struct is `#[non_exhaustive]`)",
        ),
    );
}

#[test]
fn an_added_required_request_field_is_breaking() {
    assert_change(
        single_change(BASE, &with_request_note("name, note")),
        (Impact::Breaking, Bump::Major, Area::Schema, "PlanRequest"),
        (
            "required request property `note` added",
            "`PlanRequest::new` takes a new argument `note`",
        ),
    );
}

#[test]
fn a_removed_response_field_is_breaking() {
    assert_change(
        single_change(BASE, &edited("        seats: { type: integer }\n", "")),
        (Impact::Breaking, Bump::Major, Area::Schema, "Plan"),
        (
            "response property `seats` removed",
            "field `Plan::seats` removed",
        ),
    );
}

#[test]
fn a_changed_field_type_is_breaking() {
    let new = edited("seats: { type: integer }", "seats: { type: string }");
    assert_change(
        single_change(BASE, &new),
        (Impact::Breaking, Bump::Major, Area::Schema, "Plan"),
        (
            "response property `seats` changed from optional `i64` to optional `String`",
            "field `Plan::seats` is now `Option<String>`",
        ),
    );
}

#[test]
fn an_added_enum_value_is_a_minor_addition() {
    assert_change(
        single_change(BASE, &edited("[free, pro]", "[free, pro, enterprise]")),
        (Impact::NonBreaking, Bump::Minor, Area::Schema, "Tier"),
        (
            "enum value `enterprise` added",
            "new variant `Tier::Enterprise` (the enum is `#[non_exhaustive]`)",
        ),
    );
}

#[test]
fn a_removed_enum_value_is_breaking() {
    assert_change(
        single_change(BASE, &edited("[free, pro]", "[free]")),
        (Impact::Breaking, Bump::Major, Area::Schema, "Tier"),
        ("enum value `pro` removed", "variant `Tier::Pro` removed"),
    );
}

#[test]
fn a_description_change_is_docs_only_and_a_patch() {
    let new = edited("What a plan offers.", "What a plan offers, by price.");
    let diff = diff_of(BASE, &new);
    assert_eq!(diff.changes.len(), 1, "{:#?}", diff.changes);
    let change = &diff.changes[0];
    assert_eq!(
        (change.impact, diff.bump()),
        (Impact::DocsOnly, Bump::Patch)
    );
    assert_eq!(
        (&change.area, change.subject.as_str()),
        (&Area::Schema, "Tier")
    );
    assert_eq!(change.change, "description changed");
}

/// With changes of every impact, the verdict is the most severe, the
/// breaking change comes first and each impact is counted.
#[test]
fn mixed_changes_take_the_most_severe_bump_breaking_first() {
    let new = edited("[free, pro]", "[free, pro, enterprise]")
        .replacen("seats: { type: integer }", "seats: { type: string }", 1)
        .replacen("What a plan offers.", "What a plan offers, by price.", 1);
    let diff = diff_of(BASE, &new);
    assert_eq!(diff.bump(), Bump::Major);
    let impacts: Vec<Impact> = diff.changes.iter().map(|c| c.impact).collect();
    assert_eq!(
        impacts,
        [Impact::Breaking, Impact::NonBreaking, Impact::DocsOnly]
    );
    for impact in [Impact::Breaking, Impact::NonBreaking, Impact::DocsOnly] {
        assert_eq!(diff.count(impact), 1, "{impact:?}");
    }
}
